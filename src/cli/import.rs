//! `claimdb import`: streams articles from files, directories or standard input to a running
//! server over `ImportArticles`, with a progress bar and a summary.

use super::output::outln;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use super::ClientArgs;
use super::client::{article_client, call_failed};
use super::json;
use crate::api::pb;
use crate::import::{self, Entry, Format, Item};

use pb::import_item_result::Outcome;

/// Requests read ahead of the server. The server reads only as fast as it
/// stores, so this bounds what the client holds.
const REQUEST_QUEUE: usize = 64;
/// How often the progress bar's rates are recomputed.
const PROGRESS_EVERY: Duration = Duration::from_millis(200);

/// What `claimdb import` was asked to do.
pub struct ImportArgs {
    pub paths: Vec<PathBuf>,
    pub dry_run: bool,
    pub stdin_format: Format,
}

/// A piece of input refused, with where it came from.
struct Refused {
    item_id: String,
    reason: String,
}

pub async fn run(args: ClientArgs, import_args: ImportArgs) -> anyhow::Result<()> {
    let inputs = import::inputs(&import_args.paths, import_args.stdin_format)?;
    let total_bytes = inputs.iter().map(|input| input.n_bytes).sum::<Option<u64>>();
    let progress = progress_bar(total_bytes, args.json);
    let mut client = article_client(&args).await?;

    // The files are read on a blocking thread, as fast as the server takes
    // the articles; what cannot be read is kept to report at the end.
    // The bar moves as articles are answered (stored), not as they are
    // read, so the rate and the time left are the server's: the sizes of
    // the articles sent and not yet answered wait here, in order.
    let (requests, outgoing) = mpsc::channel(REQUEST_QUEUE);
    let unreadable = Arc::new(Mutex::new(Vec::new()));
    let unanswered_bytes = Arc::new(Mutex::new(VecDeque::new()));
    let reader = {
        let unreadable = Arc::clone(&unreadable);
        let unanswered_bytes = Arc::clone(&unanswered_bytes);
        let progress = progress.clone();
        let dry_run = import_args.dry_run;
        tokio::task::spawn_blocking(move || {
            for input in &inputs {
                let mut keep_going = true;
                import::read(input, &mut |entry, n_bytes| {
                    keep_going = match entry {
                        Entry::Article(item) => {
                            if let Ok(mut unanswered) = unanswered_bytes.lock() {
                                unanswered.push_back(n_bytes);
                            }
                            requests.blocking_send(request(item, dry_run)).is_ok()
                        }
                        Entry::Unreadable { origin, reason } => {
                            progress.inc(n_bytes);
                            if let Ok(mut unreadable) = unreadable.lock() {
                                unreadable.push(Refused {
                                    item_id: origin.to_string(),
                                    reason,
                                });
                            }
                            true
                        }
                    };
                    keep_going
                });
                if !keep_going {
                    return;
                }
            }
        })
    };

    let mut answers = client
        .import_articles(ReceiverStream::new(outgoing))
        .await
        .map_err(call_failed)?
        .into_inner();
    let started = Instant::now();
    let mut last_shown = started;
    let (mut n_articles, mut n_claims) = (0u64, 0u64);
    let mut refused = Vec::new();
    let mut summary = None;
    while let Some(answer) = answers.message().await.map_err(call_failed)? {
        match answer.response {
            Some(pb::import_articles_response::Response::Item(result)) => {
                n_articles += 1;
                if let Some(n_bytes) = unanswered_bytes
                    .lock()
                    .ok()
                    .and_then(|mut unanswered| unanswered.pop_front())
                {
                    progress.inc(n_bytes);
                }
                if result.outcome() == Outcome::Created {
                    n_claims += u64::try_from(result.claim_count).unwrap_or(0);
                }
                if matches!(result.outcome(), Outcome::Invalid | Outcome::Failed) {
                    refused.push(Refused {
                        item_id: result.item_id.clone(),
                        reason: result.reason.clone(),
                    });
                }
                if args.json {
                    progress.suspend(|| json::print(&item_line(result.clone())))?;
                }
                if last_shown.elapsed() >= PROGRESS_EVERY {
                    last_shown = Instant::now();
                    let seconds = started.elapsed().as_secs_f64().max(1e-3);
                    progress.set_message(format!(
                        "{n_articles} articles {:.0}/s, {n_claims} claims {:.0}/s",
                        n_articles as f64 / seconds,
                        n_claims as f64 / seconds
                    ));
                }
            }
            Some(pb::import_articles_response::Response::Summary(last)) => summary = Some(last),
            None => {}
        }
    }
    reader.await.context("the file reader failed")?;
    progress.finish_and_clear();
    let summary = summary.context("the server ended the import without a summary")?;
    let unreadable = std::mem::take(
        &mut *unreadable
            .lock()
            .map_err(|_| anyhow::anyhow!("the file reader failed"))?,
    );
    let seconds = started.elapsed().as_secs_f64();

    if args.json {
        // The stream's own messages, as grpcurl prints them; input the client
        // could not read is an INVALID item the server never saw, and counted
        // so in the summary.
        for refusal in &unreadable {
            json::print(&item_line(pb::ImportItemResult {
                item_id: refusal.item_id.clone(),
                outcome: Outcome::Invalid.into(),
                reason: refusal.reason.clone(),
                ..Default::default()
            }))?;
        }
        json::print(&pb::ImportArticlesResponse {
            response: Some(pb::import_articles_response::Response::Summary(
                pb::ImportSummary {
                    invalid: summary.invalid + unreadable.len() as i64,
                    ..summary
                },
            )),
        })?;
    } else {
        print_summary(&summary, &unreadable, &refused, seconds);
    }
    let n_refused = unreadable.len() + refused.len();
    if n_refused > 0 {
        anyhow::bail!("{n_refused} input items were not imported (see above)");
    }
    Ok(())
}

fn request(item: Item, dry_run: bool) -> pb::ImportArticlesRequest {
    let item_id = match &item.id {
        Some(id) => format!("{} ({id})", item.origin),
        None => item.origin.to_string(),
    };
    pb::ImportArticlesRequest {
        item_id,
        article: Some(crate::api::article_submission(item.body, item.metadata)),
        dry_run,
    }
}

/// A bar over the input's bytes when their total is known, a spinner
/// otherwise; nothing when the output is JSON for a script or not a terminal.
fn progress_bar(total_bytes: Option<u64>, json: bool) -> ProgressBar {
    let progress = match total_bytes {
        Some(total) => ProgressBar::new(total).with_style(
            ProgressStyle::with_template(
                "{elapsed_precise} [{bar:24}] {percent:>3}% {binary_bytes_per_sec}, {eta} left; {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        ),
        None => ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{spinner} {elapsed_precise} {bytes} read {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        ),
    };
    if json {
        progress.set_draw_target(ProgressDrawTarget::hidden());
    }
    progress
}

/// One item's outcome as the stream's message.
fn item_line(result: pb::ImportItemResult) -> pb::ImportArticlesResponse {
    pb::ImportArticlesResponse {
        response: Some(pb::import_articles_response::Response::Item(result)),
    }
}

fn print_summary(summary: &pb::ImportSummary, unreadable: &[Refused], refused: &[Refused], seconds: f64) {
    let n_invalid = summary.invalid + unreadable.len() as i64;
    let rate = summary.received as f64 / seconds.max(1e-3);
    if summary.dry_run {
        outln!(
            "Dry run, nothing stored: {} articles would be created ({} claims), {} already there, {} invalid, {} failed ({:.1} s, {rate:.0} articles/s).",
            summary.created,
            summary.claims_created,
            summary.already_exists,
            n_invalid,
            summary.failed,
            seconds
        );
    } else {
        outln!(
            "Imported {} articles: {} created ({} claims), {} already there, {} invalid, {} failed ({:.1} s, {rate:.0} articles/s).",
            summary.received,
            summary.created,
            summary.claims_created,
            summary.already_exists,
            n_invalid,
            summary.failed,
            seconds
        );
    }
    for refusal in unreadable.iter().chain(refused) {
        outln!("  {}: {}", refusal.item_id, refusal.reason);
    }
}
