//! `claimdb import`: streams articles from files, directories or standard input to a running
//! server over `ImportArticles`, with a progress bar and a summary.

use super::output::outln;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::Context;
use indicatif::ProgressBar;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use super::ClientArgs;
use super::client::{article_client, call_failed};
use super::json;
use super::progress::{self, Counts};
use crate::api::pb;
use crate::import::{self, Entry, Format, Item};

use pb::import_item_result::Outcome;

/// Requests read ahead of the server. The server reads only as fast as it
/// stores, so this bounds what the client holds.
const REQUEST_QUEUE: usize = 64;

/// What `claimdb import` was asked to do.
pub struct ImportArgs {
    pub paths: Vec<PathBuf>,
    pub dry_run: bool,
    pub stdin_format: Format,
}

/// A piece of input refused, with where it came from.
#[derive(Debug, Clone, PartialEq)]
struct Refused {
    item_id: String,
    reason: String,
}

/// One piece of input, in the order it was read, until the server answers
/// for it (or, for what the client could not read, until it is reported).
#[derive(Debug, PartialEq)]
enum Pending {
    /// Sent to the server; its size in bytes moves the bar when answered.
    Sent(u64),
    /// Refused by the client, never sent.
    Unreadable(Refused),
}

/// The input in its order: the server answers the articles in the order
/// they were sent, so what the client refused between two articles is
/// reported between their answers, and every item appears where it stands
/// in the input.
#[derive(Debug, Default)]
struct InputOrder {
    pending: VecDeque<Pending>,
}

impl InputOrder {
    fn push(&mut self, pending: Pending) {
        self.pending.push_back(pending);
    }

    /// The next sent article has been answered: the refusals read before
    /// it, in order, and its size (`None` if the reader never sent it).
    fn answered(&mut self) -> (Vec<Refused>, Option<u64>) {
        let mut before = Vec::new();
        while let Some(pending) = self.pending.pop_front() {
            match pending {
                Pending::Unreadable(refused) => before.push(refused),
                Pending::Sent(n_bytes) => return (before, Some(n_bytes)),
            }
        }
        (before, None)
    }

    /// Every refusal still waiting, at the end of the input.
    fn rest(&mut self) -> Vec<Refused> {
        self.answered().0
    }
}

/// The server's summary with what the client refused added, so that the
/// totals are over every item of the input and add up: created + already
/// there + invalid + failed = received.
fn whole_summary(server: &pb::ImportSummary, n_unreadable: usize) -> pb::ImportSummary {
    let n_unreadable = i64::try_from(n_unreadable).unwrap_or(i64::MAX);
    pb::ImportSummary {
        received: server.received.saturating_add(n_unreadable),
        invalid: server.invalid.saturating_add(n_unreadable),
        ..*server
    }
}

pub async fn run(args: ClientArgs, import_args: ImportArgs) -> anyhow::Result<()> {
    let inputs = import::inputs(&import_args.paths, import_args.stdin_format)?;
    let total_bytes = inputs.iter().map(|input| input.n_bytes).sum::<Option<u64>>();
    let counts = Arc::new(Counts::default());
    let progress = progress::bar(total_bytes, args.json, Arc::clone(&counts));
    let mut client = article_client(&args).await?;

    // The files are read on a blocking thread, as fast as the server takes
    // the articles. The bar moves as articles are answered (stored), not as
    // they are read, so the rate and the time left are the server's; what
    // the client cannot read waits in `order` beside the articles sent, so
    // that it is reported where it stands in the input.
    let (requests, outgoing) = mpsc::channel(REQUEST_QUEUE);
    let order = Arc::new(Mutex::new(InputOrder::default()));
    let reader = {
        let order = Arc::clone(&order);
        let progress = progress.clone();
        let dry_run = import_args.dry_run;
        tokio::task::spawn_blocking(move || {
            for input in &inputs {
                let mut keep_going = true;
                import::read(input, &mut |entry, n_bytes| {
                    keep_going = match entry {
                        Entry::Article(item) => {
                            if let Ok(mut order) = order.lock() {
                                order.push(Pending::Sent(n_bytes));
                            }
                            requests.blocking_send(request(item, dry_run)).is_ok()
                        }
                        Entry::Unreadable { origin, reason } => {
                            progress.inc(n_bytes);
                            if let Ok(mut order) = order.lock() {
                                order.push(Pending::Unreadable(Refused {
                                    item_id: origin.to_string(),
                                    reason,
                                }));
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
    let mut n_unreadable = 0;
    // Every refused item, the client's and the server's, in input order.
    let mut refused = Vec::new();
    let mut summary = None;
    while let Some(answer) = answers.message().await.map_err(call_failed)? {
        match answer.response {
            Some(pb::import_articles_response::Response::Item(result)) => {
                let (unreadable_before, n_bytes) = order
                    .lock()
                    .map_err(|_| anyhow::anyhow!("the file reader failed"))?
                    .answered();
                for unreadable in unreadable_before {
                    counts.add(1, 0);
                    n_unreadable += 1;
                    report_unreadable(&unreadable, args.json, &progress)?;
                    refused.push(unreadable);
                }
                if let Some(n_bytes) = n_bytes {
                    progress.inc(n_bytes);
                }
                let n_claims = if result.outcome() == Outcome::Created {
                    u64::try_from(result.claim_count).unwrap_or(0)
                } else {
                    0
                };
                // The bar reads the counts at its next tick.
                counts.add(1, n_claims);
                if matches!(result.outcome(), Outcome::Invalid | Outcome::Failed) {
                    refused.push(Refused {
                        item_id: result.item_id.clone(),
                        reason: result.reason.clone(),
                    });
                }
                if args.json {
                    progress.suspend(|| json::print(&item_line(result.clone())))?;
                }
            }
            Some(pb::import_articles_response::Response::Summary(last)) => summary = Some(last),
            None => {}
        }
    }
    reader.await.context("the file reader failed")?;
    let unreadable_after = order
        .lock()
        .map_err(|_| anyhow::anyhow!("the file reader failed"))?
        .rest();
    for unreadable in unreadable_after {
        n_unreadable += 1;
        report_unreadable(&unreadable, args.json, &progress)?;
        refused.push(unreadable);
    }
    progress.finish_and_clear();
    let summary = summary.context("the server ended the import without a summary")?;
    let summary = whole_summary(&summary, n_unreadable);
    let seconds = started.elapsed().as_secs_f64();

    if args.json {
        // The stream's own messages, as grpcurl prints them; input the client
        // could not read is an INVALID item the server never saw (printed
        // where it stands in the input), and counted so in the summary.
        json::print(&pb::ImportArticlesResponse {
            response: Some(pb::import_articles_response::Response::Summary(summary)),
        })?;
    } else {
        print_summary(&summary, &refused, seconds);
    }
    if !refused.is_empty() {
        anyhow::bail!("{} input items were not imported (see above)", refused.len());
    }
    Ok(())
}

/// Prints an item the client could not read as the INVALID item it is, in
/// `--json`; in text it is listed with the summary.
fn report_unreadable(refused: &Refused, json: bool, progress: &ProgressBar) -> anyhow::Result<()> {
    if !json {
        return Ok(());
    }
    progress.suspend(|| {
        json::print(&item_line(pb::ImportItemResult {
            item_id: refused.item_id.clone(),
            outcome: Outcome::Invalid.into(),
            reason: refused.reason.clone(),
            ..Default::default()
        }))
    })
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

/// One item's outcome as the stream's message.
fn item_line(result: pb::ImportItemResult) -> pb::ImportArticlesResponse {
    pb::ImportArticlesResponse {
        response: Some(pb::import_articles_response::Response::Item(result)),
    }
}

/// The summary for people: one count of items (everything the input held,
/// what the client could not read included) and its parts, which add up to
/// it; then every refused item, in input order.
fn print_summary(summary: &pb::ImportSummary, refused: &[Refused], seconds: f64) {
    outln!("{}", summary_line(summary, seconds));
    for refusal in refused {
        outln!("  {}: {}", refusal.item_id, refusal.reason);
    }
}

fn summary_line(summary: &pb::ImportSummary, seconds: f64) -> String {
    let rate = summary.received as f64 / seconds.max(1e-3);
    let items = if summary.received == 1 { "item" } else { "items" };
    let opening = if summary.dry_run {
        format!(
            "Dry run, nothing stored: {} {items}, {} would be created",
            summary.received, summary.created
        )
    } else {
        format!(
            "Imported {} {items}: {} created",
            summary.received, summary.created
        )
    };
    format!(
        "{opening} ({} claims), {} already there, {} invalid, {} failed ({seconds:.1} s, {rate:.0} items/s).",
        summary.claims_created, summary.already_exists, summary.invalid, summary.failed,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(item_id: &str) -> Refused {
        Refused {
            item_id: item_id.into(),
            reason: "unreadable".into(),
        }
    }

    // See: #16 (client-refused lines came last, out of input order).
    #[test]
    fn refusals_come_where_they_stand_in_the_input() {
        let mut order = InputOrder::default();
        order.push(Pending::Unreadable(refused("a")));
        order.push(Pending::Sent(10));
        order.push(Pending::Unreadable(refused("b")));
        order.push(Pending::Unreadable(refused("c")));
        order.push(Pending::Sent(20));
        order.push(Pending::Unreadable(refused("d")));
        assert_eq!(order.answered(), (vec![refused("a")], Some(10)));
        assert_eq!(order.answered(), (vec![refused("b"), refused("c")], Some(20)));
        assert_eq!(order.rest(), vec![refused("d")]);
        assert_eq!(order.rest(), vec![]);
    }

    // See: #16 ("Imported 5 articles: 1 created, 1 already there, 6 invalid" for 8 items).
    #[test]
    fn the_totals_add_up_to_the_items_received() {
        let server = pb::ImportSummary {
            received: 5,
            created: 1,
            already_exists: 1,
            invalid: 3,
            failed: 0,
            claims_created: 4,
            ..Default::default()
        };
        let whole = whole_summary(&server, 3);
        assert_eq!(whole.received, 8);
        assert_eq!(
            whole.created + whole.already_exists + whole.invalid + whole.failed,
            whole.received
        );
        let line = summary_line(&whole, 1.0);
        assert!(
            line.starts_with("Imported 8 items: 1 created (4 claims), 1 already there, 6 invalid, 0 failed"),
            "{line}"
        );
    }
}
