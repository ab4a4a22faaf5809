//! `claimdb export --format claimreview` and `claimdb import --format claimreview`: ClaimReview
//! JSON-LD out of and into a running server.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use super::ClientArgs;
use super::client::{call_failed, claim_review_client};
use super::json;
use super::output::outln;
use crate::api::pb;
use crate::calendar;

use pb::import_item_result::Outcome;

/// The largest document sent in one message: the server's message limit,
/// less room for the item id and framing.
const MAX_DOCUMENT_BYTES: usize = crate::api::MAX_MESSAGE_BYTES - 64 * 1024;
/// Documents read ahead of the server.
const REQUEST_QUEUE: usize = 16;

/// What `claimdb export` was asked for.
pub struct ExportArgs {
    pub filter: String,
    /// `YYYY-MM-DD` or an RFC 3339 time.
    pub reviewed_since: Option<String>,
    /// One object per line instead of one JSON array.
    pub lines: bool,
}

pub async fn export(client_args: ClientArgs, args: ExportArgs) -> anyhow::Result<()> {
    let reviewed_since = match &args.reviewed_since {
        Some(text) => {
            let micros = calendar::parse_timestamp_micros(text).with_context(|| {
                format!("--reviewed-since {text:?} is not a date (YYYY-MM-DD) or an RFC 3339 time")
            })?;
            Some(prost_types::Timestamp {
                seconds: micros.div_euclid(1_000_000),
                nanos: (micros.rem_euclid(1_000_000) * 1_000) as i32,
            })
        }
        None => None,
    };
    let mut client = claim_review_client(&client_args).await?;
    let mut stream = client
        .export_claim_reviews(pb::ExportClaimReviewsRequest {
            filter: args.filter,
            reviewed_since,
        })
        .await
        .map_err(call_failed)?
        .into_inner();
    let mut out = std::io::stdout().lock();
    let mut n_exported = 0u64;
    if !args.lines {
        write!(out, "[")?;
    }
    while let Some(answer) = stream.message().await.map_err(call_failed)? {
        if args.lines {
            writeln!(out, "{}", answer.claim_review_json)?;
        } else {
            let separator = if n_exported == 0 { "\n" } else { ",\n" };
            write!(out, "{separator}{}", answer.claim_review_json)?;
        }
        n_exported += 1;
    }
    if !args.lines {
        writeln!(out, "{}]", if n_exported == 0 { "" } else { "\n" })?;
    }
    out.flush()?;
    Ok(())
}

/// A document to send, or why it cannot be sent, with where it came from.
struct Document {
    item_id: String,
    text: Result<String, String>,
}

/// Reads the inputs as documents: a `.jsonl` file line by line (each line
/// one document), any other file or standard input whole.
fn documents(paths: &[PathBuf], send: &mut dyn FnMut(Document) -> bool) -> anyhow::Result<()> {
    for path in paths {
        if path.is_dir() {
            anyhow::bail!(
                "{} is a directory: give the ClaimReview files (.json, .jsonld, .jsonl) themselves",
                path.display()
            );
        }
        let text = super::read_input(path)?;
        let name = path.display().to_string();
        let by_line = path.extension().is_some_and(|ext| ext == "jsonl")
            || (text.len() > MAX_DOCUMENT_BYTES && text.trim_end().contains('\n'));
        if by_line {
            for (line_idx, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let document = Document {
                    item_id: format!("{name}:{}", line_idx + 1),
                    text: sized(line),
                };
                if !send(document) {
                    return Ok(());
                }
            }
        } else if !send(Document {
            item_id: name,
            text: sized(&text),
        }) {
            return Ok(());
        }
    }
    Ok(())
}

fn sized(text: &str) -> Result<String, String> {
    if text.len() > MAX_DOCUMENT_BYTES {
        Err(format!(
            "document: is {} bytes, more than the {MAX_DOCUMENT_BYTES} one message may carry; \
             split it into JSON lines (.jsonl)",
            text.len()
        ))
    } else {
        Ok(text.to_owned())
    }
}

pub async fn import(client_args: ClientArgs, paths: Vec<PathBuf>) -> anyhow::Result<()> {
    let mut client = claim_review_client(&client_args).await?;
    let (requests, outgoing) = mpsc::channel(REQUEST_QUEUE);
    let (refusals_tx, mut refusals_rx) = mpsc::unbounded_channel();
    let reader = tokio::task::spawn_blocking(move || {
        documents(&paths, &mut |document| match document.text {
            Ok(text) => requests
                .blocking_send(pb::ImportClaimReviewsRequest {
                    item_id: document.item_id,
                    document: text,
                })
                .is_ok(),
            Err(reason) => refusals_tx
                .send(pb::ImportClaimReviewResult {
                    item_id: document.item_id,
                    outcome: Outcome::Invalid.into(),
                    reason,
                    ..Default::default()
                })
                .is_ok(),
        })
    });
    let mut answers = client
        .import_claim_reviews(ReceiverStream::new(outgoing))
        .await
        .map_err(call_failed)?
        .into_inner();
    let mut refused = Vec::new();
    let mut summary = None;
    while let Some(answer) = answers.message().await.map_err(call_failed)? {
        match answer.response {
            Some(pb::import_claim_reviews_response::Response::Item(result)) => {
                if client_args.json {
                    json::print(&item_line(result.clone()))?;
                }
                if matches!(result.outcome(), Outcome::Invalid | Outcome::Failed) {
                    refused.push(result);
                }
            }
            Some(pb::import_claim_reviews_response::Response::Summary(last)) => summary = Some(last),
            None => {}
        }
    }
    reader.await.context("the file reader failed")??;
    let summary = summary.context("the server ended the import without a summary")?;
    let mut unsent = Vec::new();
    while let Ok(refusal) = refusals_rx.try_recv() {
        unsent.push(refusal);
    }
    if client_args.json {
        for refusal in &unsent {
            json::print(&item_line(refusal.clone()))?;
        }
        json::print(&pb::ImportClaimReviewsResponse {
            response: Some(pb::import_claim_reviews_response::Response::Summary(
                pb::ImportClaimReviewSummary {
                    received: summary.received + unsent.len() as i64,
                    invalid: summary.invalid + unsent.len() as i64,
                    ..summary
                },
            )),
        })?;
    } else {
        outln!(
            "Imported {} ClaimReview documents: {} reviews created, {} already there, {} invalid, {} failed.",
            summary.documents + unsent.len() as i64,
            summary.created,
            summary.already_exists,
            summary.invalid + unsent.len() as i64,
            summary.failed
        );
        for refusal in unsent.iter().chain(&refused) {
            let at = if refusal.path.is_empty() {
                refusal.item_id.clone()
            } else {
                format!("{} {}", refusal.item_id, refusal.path)
            };
            outln!("  {at}: {}", refusal.reason);
        }
    }
    let n_refused = unsent.len() + refused.len();
    if n_refused > 0 {
        anyhow::bail!("{n_refused} reviews were not imported (see above)");
    }
    Ok(())
}

fn item_line(result: pb::ImportClaimReviewResult) -> pb::ImportClaimReviewsResponse {
    pb::ImportClaimReviewsResponse {
        response: Some(pb::import_claim_reviews_response::Response::Item(result)),
    }
}
