//! `ArticleService.ImportArticles`: a stream of articles, checked and extracted in parallel on the
//! blocking pool, written in batches through the store's one writer, answered in order.
//!
//! Three stages joined by bounded queues keep memory bounded and pass back
//! pressure to the client: the *reader* takes a message off the stream only
//! when the byte budget and a worker allow, and starts its check and
//! extraction on the blocking pool; the *writer* takes the results in the
//! order sent, groups them into batches (flushed when full or when the next
//! result is not ready yet), stores each batch in one transaction and
//! queues the answers; tonic sends them as the client reads them. A client
//! that does not read its answers therefore stops the writer, which stops
//! the reader, which stops reading the stream.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};
use tokio::task::JoinHandle;
use tonic::{Status, Streaming};

use super::error::field_problems_message;
use super::{convert, pb};
use crate::ingest;
use crate::model::{NewArticle, Principal};
use crate::store::Store;

use pb::import_item_result::Outcome;

/// The most articles written in one transaction.
const MAX_BATCH_ARTICLES: usize = 256;
/// A batch is written once its bodies reach this many bytes.
const MAX_BATCH_BYTES: usize = 8 << 20;
/// Article bodies received but not yet answered, per stream. With the
/// claims extracted from them (a few times the body), this bounds what an
/// import holds in memory, whatever the client sends.
const MAX_BYTES_IN_FLIGHT: usize = 24 << 20;
/// Answers queued for the client; the writer waits when it is full.
const ANSWER_QUEUE: usize = 512;

type Answer = Result<pb::ImportArticlesResponse, Status>;

/// One article on its way from the reader to the writer.
struct Slot {
    item_id: String,
    n_bytes: usize,
    /// Whether the stream is a dry run, as its first message said.
    dry_run: bool,
    /// The article's share of [`MAX_BYTES_IN_FLIGHT`], given back once it
    /// is answered.
    _budget: OwnedSemaphorePermit,
    /// The checked and prepared article, or why it is invalid.
    work: JoinHandle<Checked>,
}

/// An article after its check and extraction.
enum Checked {
    Ready(Box<NewArticle>),
    /// Refused, with the reason naming the field.
    Invalid(String),
    /// The extraction task died (the extractor must never panic, but one
    /// article must not take the import down if it does).
    Broken,
}

/// What the reader hands the writer.
enum Step {
    Item(Slot),
    /// The request stream broke (e.g. the client went away).
    Broken(Status),
}

/// Starts an import of `inbound` and returns the queue of its answers.
pub fn start(
    store: Arc<dyn Store>,
    inbound: Streaming<pb::ImportArticlesRequest>,
    principal: Principal,
) -> mpsc::Receiver<Answer> {
    let (answers, answer_queue) = mpsc::channel(ANSWER_QUEUE);
    let (steps, step_queue) = mpsc::channel(MAX_BATCH_ARTICLES);
    let n_workers = std::thread::available_parallelism().map_or(2, usize::from);
    tokio::spawn(read(inbound, steps, n_workers));
    tokio::spawn(write(store, step_queue, answers, principal));
    answer_queue
}

/// Takes articles off the stream as the budget allows and starts checking
/// and extracting each on the blocking pool, at most `n_workers` at once.
async fn read(
    mut inbound: Streaming<pb::ImportArticlesRequest>,
    steps: mpsc::Sender<Step>,
    n_workers: usize,
) {
    let workers = Arc::new(Semaphore::new(n_workers));
    let budget = Arc::new(Semaphore::new(MAX_BYTES_IN_FLIGHT));
    let mut stream_dry_run = None;
    loop {
        let request = match inbound.message().await {
            Ok(Some(request)) => request,
            Ok(None) => return,
            Err(status) => {
                let _ = steps.send(Step::Broken(status)).await;
                return;
            }
        };
        let dry_run = *stream_dry_run.get_or_insert(request.dry_run);
        let n_bytes = request.article.as_ref().map_or(0, |article| article.body.len());
        // Bodies are at most a few MiB (the message limit), so this fits.
        let cost = n_bytes.clamp(1, MAX_BYTES_IN_FLIGHT) as u32;
        let (Ok(budget), Ok(worker)) = (
            Arc::clone(&budget).acquire_many_owned(cost).await,
            Arc::clone(&workers).acquire_owned().await,
        ) else {
            return;
        };
        let item_id = request.item_id;
        let article = request.article;
        let work = tokio::task::spawn_blocking(move || {
            let prepared = check_and_prepare(article);
            drop(worker);
            prepared
        });
        let slot = Slot {
            item_id,
            n_bytes,
            dry_run,
            _budget: budget,
            work,
        };
        if steps.send(Step::Item(slot)).await.is_err() {
            // The writer stopped: the call has failed or the client left.
            return;
        }
    }
}

/// Checks an article as CreateArticle does and extracts its claims.
fn check_and_prepare(article: Option<pb::Article>) -> Checked {
    let Some(article) = article else {
        return Checked::Invalid("article is required".to_owned());
    };
    let given = convert::given_metadata(&article);
    let problems = ingest::check_article(&article.body, &given);
    if !problems.is_empty() {
        return Checked::Invalid(field_problems_message("article.", &problems));
    }
    Checked::Ready(Box::new(ingest::prepare_article(article.body, given).article))
}

/// The counts for the summary.
#[derive(Debug, Default)]
struct Totals {
    received: i64,
    created: i64,
    already_exists: i64,
    invalid: i64,
    failed: i64,
    claims_created: i64,
}

/// Takes the prepared articles in order, writes them in batches and queues
/// the answers, then the summary.
async fn write(
    store: Arc<dyn Store>,
    mut steps: mpsc::Receiver<Step>,
    answers: mpsc::Sender<Answer>,
    principal: Principal,
) {
    let mut writer = Writer {
        store,
        answers,
        totals: Totals::default(),
        dry_run: None,
        seen_in_dry_run: HashSet::new(),
    };
    let mut ready: VecDeque<Slot> = VecDeque::new();
    let mut broken = None;
    loop {
        if ready.is_empty() && broken.is_none() {
            match steps.recv().await {
                Some(Step::Item(slot)) => ready.push_back(slot),
                Some(Step::Broken(status)) => broken = Some(status),
                None => {}
            }
        }
        if ready.is_empty() {
            break;
        }
        let mut batch = Vec::new();
        let mut batch_bytes = 0;
        loop {
            while ready.len() < MAX_BATCH_ARTICLES && broken.is_none() {
                match steps.try_recv() {
                    Ok(Step::Item(slot)) => ready.push_back(slot),
                    Ok(Step::Broken(status)) => broken = Some(status),
                    Err(_) => break,
                }
            }
            // Once the batch has something, a result that is not ready yet
            // means the input has paused: write what there is.
            let Some(front) = ready.front() else { break };
            if !batch.is_empty() && !front.work.is_finished() {
                break;
            }
            let Some(mut slot) = ready.pop_front() else { break };
            let checked = (&mut slot.work).await.unwrap_or_else(|err| {
                tracing::error!("extraction task failed: {err}");
                Checked::Broken
            });
            batch_bytes += slot.n_bytes;
            batch.push((slot, checked));
            if batch.len() >= MAX_BATCH_ARTICLES || batch_bytes >= MAX_BATCH_BYTES {
                break;
            }
        }
        if let Err(status) = writer.flush(batch).await {
            tracing::warn!(
                by = principal.name,
                "ImportArticles stopped: {}",
                status.message()
            );
            let _ = writer.answers.send(Err(status)).await;
            return;
        }
        if writer.answers.is_closed() {
            tracing::info!(by = principal.name, "ImportArticles: the client went away");
            return;
        }
    }
    let totals = &writer.totals;
    tracing::info!(
        received = totals.received,
        created = totals.created,
        already_exists = totals.already_exists,
        invalid = totals.invalid,
        failed = totals.failed,
        claims = totals.claims_created,
        dry_run = writer.dry_run.unwrap_or(false),
        by = principal.name,
        "ImportArticles"
    );
    let last = match broken {
        Some(status) => Err(status),
        None => Ok(pb::ImportArticlesResponse {
            response: Some(pb::import_articles_response::Response::Summary(
                pb::ImportSummary {
                    received: totals.received,
                    created: totals.created,
                    already_exists: totals.already_exists,
                    invalid: totals.invalid,
                    failed: totals.failed,
                    claims_created: totals.claims_created,
                    dry_run: writer.dry_run.unwrap_or(false),
                },
            )),
        }),
    };
    let _ = writer.answers.send(last).await;
}

/// The writer's state for one stream.
struct Writer {
    store: Arc<dyn Store>,
    answers: mpsc::Sender<Answer>,
    totals: Totals,
    dry_run: Option<bool>,
    /// On a dry run nothing is stored, so repeats across batches are found
    /// here instead (32 bytes per article of the stream).
    seen_in_dry_run: HashSet<[u8; 32]>,
}

impl Writer {
    /// Writes the valid articles of a batch in one transaction and queues
    /// an answer for every article, in order. Fails only when the whole
    /// batch could not be written.
    async fn flush(&mut self, batch: Vec<(Slot, Checked)>) -> Result<(), Status> {
        let dry_run = *self
            .dry_run
            .get_or_insert_with(|| batch.first().is_some_and(|(slot, _)| slot.dry_run));
        let mut to_store = Vec::with_capacity(batch.len());
        let mut answers = Vec::with_capacity(batch.len());
        for (slot, checked) in batch {
            self.totals.received += 1;
            let answer = match checked {
                Checked::Broken => Pending::Done(item(
                    slot.item_id,
                    Outcome::Failed,
                    "",
                    0,
                    "internal error while extracting claims",
                )),
                Checked::Invalid(reason) => {
                    Pending::Done(item(slot.item_id, Outcome::Invalid, "", 0, &reason))
                }
                Checked::Ready(article) if dry_run && !self.seen_in_dry_run.insert(article.sha256) => {
                    Pending::Done(item(
                        slot.item_id,
                        Outcome::AlreadyExists,
                        "",
                        article.claims.len() as u32,
                        "",
                    ))
                }
                Checked::Ready(article) => {
                    to_store.push(*article);
                    Pending::Stored(slot.item_id)
                }
            };
            answers.push(answer);
        }
        let mut outcomes = if to_store.is_empty() {
            Vec::new()
        } else {
            self.store.create_articles(to_store, dry_run).await?
        }
        .into_iter();
        for answer in answers {
            let result = match answer {
                Pending::Done(result) => result,
                Pending::Stored(item_id) => match outcomes.next() {
                    Some(Ok(outcome)) if outcome.created => {
                        let name = if dry_run {
                            String::new()
                        } else {
                            convert::article_name(outcome.id)
                        };
                        item(item_id, Outcome::Created, &name, outcome.claim_count, "")
                    }
                    Some(Ok(outcome)) => item(
                        item_id,
                        Outcome::AlreadyExists,
                        &convert::article_name(outcome.id),
                        outcome.claim_count,
                        "",
                    ),
                    Some(Err(err)) => {
                        let status = Status::from(err);
                        item(item_id, Outcome::Failed, "", 0, status.message())
                    }
                    None => item(item_id, Outcome::Failed, "", 0, "the store gave no outcome"),
                },
            };
            self.count(&result);
            let answer = pb::ImportArticlesResponse {
                response: Some(pb::import_articles_response::Response::Item(result)),
            };
            if self.answers.send(Ok(answer)).await.is_err() {
                break;
            }
        }
        Ok(())
    }

    fn count(&mut self, result: &pb::ImportItemResult) {
        let totals = &mut self.totals;
        match result.outcome() {
            Outcome::Created => {
                totals.created += 1;
                totals.claims_created += i64::from(result.claim_count);
            }
            Outcome::AlreadyExists => totals.already_exists += 1,
            Outcome::Invalid => totals.invalid += 1,
            Outcome::Failed | Outcome::Unspecified => totals.failed += 1,
        }
    }
}

/// An answer known before the write, or one that waits for the store.
enum Pending {
    Done(pb::ImportItemResult),
    Stored(String),
}

fn item(
    item_id: String,
    outcome: Outcome,
    article: &str,
    claim_count: u32,
    reason: &str,
) -> pb::ImportItemResult {
    pb::ImportItemResult {
        item_id,
        outcome: outcome.into(),
        article: article.to_owned(),
        claim_count: i32::try_from(claim_count).unwrap_or(i32::MAX),
        reason: reason.to_owned(),
    }
}
