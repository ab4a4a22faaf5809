//! `ArticleService.ImportArticles`: a stream of articles, checked and extracted in parallel on the
//! blocking pool, written in batches through the store's one writer, answered in order.
//!
//! Three stages joined by bounded queues keep memory bounded and pass back
//! pressure to the client: the *reader* takes messages off the stream only
//! when the byte budget and a worker allow, and hands each worker a chunk of
//! the articles already received to check and extract; the *writer* takes
//! the results in the order sent, groups them into batches (flushed when
//! full or when the reader has nothing more for now), stores each batch in
//! one transaction while gathering the next, and queues the answers; tonic
//! sends them as the client reads them. A client that does not read its
//! answers therefore stops the writer, which stops the reader, which stops
//! reading the stream.

use std::collections::{HashSet, VecDeque};
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;

use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};
use tokio::task::JoinHandle;
use tokio_stream::Stream;
use tonic::{Status, Streaming};

use super::events::Events;
use super::{pb, submission};
use crate::ingest;
use crate::model::{EventKind, NewArticle, Principal};
use crate::names;
use crate::store::{BatchOutcome, Store, StoreError};

use pb::import_item_result::Outcome;

/// The most articles written in one transaction.
const MAX_BATCH_ARTICLES: usize = 256;
/// A batch is written once its bodies reach this many bytes.
const MAX_BATCH_BYTES: usize = 8 << 20;
/// Article bodies received but not yet taken into a batch, per stream: one
/// batch's worth. With the claims extracted from them (about five times the
/// body), this and [`MAX_ARTICLES_IN_FLIGHT`] bound what an import holds in
/// memory, whatever the client sends.
const MAX_BYTES_IN_FLIGHT: usize = MAX_BATCH_BYTES;
/// Articles received but not yet taken into a batch, per stream: four
/// batches ahead of the writer. The writer is the slower side, so articles
/// beyond these would only wait, extracted, in memory: with 24 MiB of
/// ordinary articles in flight (about 10,000) a 100,000-article import
/// held about 260 MB.
const MAX_ARTICLES_IN_FLIGHT: usize = 4 * MAX_BATCH_ARTICLES;
/// Answers queued for the client; the writer waits when it is full.
const ANSWER_QUEUE: usize = 512;

type Answer = Result<pb::ImportArticlesResponse, Status>;

/// A run of consecutive articles on its way from the reader to the
/// writer, checked and extracted together by one worker (handing workers
/// one article at a time costs more in thread wake-ups than the work).
struct Chunk {
    /// The `item_id` and body size of each article, in order.
    items: Vec<(String, usize)>,
    /// Whether the stream is a dry run, as its first message said.
    dry_run: bool,
    /// The chunk's share of [`MAX_BYTES_IN_FLIGHT`] and of
    /// [`MAX_ARTICLES_IN_FLIGHT`], given back once it is taken into a batch.
    _budget: (OwnedSemaphorePermit, OwnedSemaphorePermit),
    /// The checked and prepared articles, in order.
    work: JoinHandle<Vec<Checked>>,
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
    Chunk(Chunk),
    /// The request stream broke (e.g. the client went away).
    Broken(Status),
}

/// The most articles a worker takes at once.
const MAX_CHUNK_ARTICLES: usize = 32;
/// A chunk is closed once its bodies reach this many bytes.
const MAX_CHUNK_BYTES: usize = 256 << 10;

/// Starts an import of `inbound` and returns the queue of its answers.
pub fn start(
    store: Arc<dyn Store>,
    inbound: Streaming<pb::ImportArticlesRequest>,
    principal: Principal,
    events: Events,
) -> mpsc::Receiver<Answer> {
    let (answers, answer_queue) = mpsc::channel(ANSWER_QUEUE);
    let n_workers = std::thread::available_parallelism().map_or(2, usize::from);
    let (steps, step_queue) = mpsc::channel(2 * n_workers + MAX_BATCH_ARTICLES / MAX_CHUNK_ARTICLES);
    tokio::spawn(read(inbound, steps, n_workers));
    tokio::spawn(write(store, step_queue, answers, principal, events));
    answer_queue
}

/// Polls `stream` once: its next item if one is there already, `None` if
/// it would have to wait.
async fn next_if_ready<S: Stream + Unpin>(stream: &mut S) -> Option<Option<S::Item>> {
    std::future::poll_fn(|cx| match Pin::new(&mut *stream).poll_next(cx) {
        Poll::Ready(item) => Poll::Ready(Some(item)),
        Poll::Pending => Poll::Ready(None),
    })
    .await
}

/// Takes articles off the stream as the budget allows and starts checking
/// and extracting them on the blocking pool, in chunks of what has already
/// arrived, at most `n_workers` chunks at once.
async fn read(
    mut inbound: Streaming<pb::ImportArticlesRequest>,
    steps: mpsc::Sender<Step>,
    n_workers: usize,
) {
    let workers = Arc::new(Semaphore::new(n_workers));
    let budget = Arc::new(Semaphore::new(MAX_BYTES_IN_FLIGHT));
    let article_budget = Arc::new(Semaphore::new(MAX_ARTICLES_IN_FLIGHT));
    let mut stream_dry_run = None;
    loop {
        let first = match inbound.message().await {
            Ok(Some(request)) => request,
            Ok(None) => return,
            Err(status) => {
                let _ = steps.send(Step::Broken(status)).await;
                return;
            }
        };
        let dry_run = *stream_dry_run.get_or_insert(first.dry_run);
        let body_len = |request: &pb::ImportArticlesRequest| {
            request.article.as_ref().map_or(0, |article| article.body.len())
        };
        let mut chunk_bytes = body_len(&first);
        let mut requests = vec![first];
        let mut last = None;
        while requests.len() < MAX_CHUNK_ARTICLES && chunk_bytes < MAX_CHUNK_BYTES {
            match next_if_ready(&mut inbound).await {
                Some(Some(Ok(request))) => {
                    chunk_bytes += body_len(&request);
                    requests.push(request);
                }
                Some(Some(Err(status))) => {
                    last = Some(Some(status));
                    break;
                }
                Some(None) => {
                    last = Some(None);
                    break;
                }
                None => break,
            }
        }
        // Messages are at most a few MiB (the message limit), so this fits.
        let cost = chunk_bytes.clamp(1, MAX_BYTES_IN_FLIGHT) as u32;
        // A chunk holds at most MAX_CHUNK_ARTICLES, well under the bound.
        let n_articles = requests.len().clamp(1, MAX_ARTICLES_IN_FLIGHT) as u32;
        let (Ok(bytes), Ok(articles), Ok(worker)) = (
            Arc::clone(&budget).acquire_many_owned(cost).await,
            Arc::clone(&article_budget).acquire_many_owned(n_articles).await,
            Arc::clone(&workers).acquire_owned().await,
        ) else {
            return;
        };
        let items = requests
            .iter_mut()
            .map(|request| (std::mem::take(&mut request.item_id), body_len(request)))
            .collect();
        let work = tokio::task::spawn_blocking(move || {
            let checked = requests
                .into_iter()
                .map(|request| check_and_prepare(request.article))
                .collect();
            drop(worker);
            checked
        });
        let chunk = Chunk {
            items,
            dry_run,
            _budget: (bytes, articles),
            work,
        };
        if steps.send(Step::Chunk(chunk)).await.is_err() {
            // The writer stopped: the call has failed or the client left.
            return;
        }
        match last {
            None => {}
            Some(None) => return,
            Some(Some(status)) => {
                let _ = steps.send(Step::Broken(status)).await;
                return;
            }
        }
    }
}

/// Checks an article as CreateArticle does and extracts its claims.
fn check_and_prepare(article: Option<pb::Article>) -> Checked {
    match submission::check(article) {
        Ok(submission) => Checked::Ready(Box::new(
            ingest::prepare_article(submission.body, submission.given).article,
        )),
        Err(refusal) => Checked::Invalid(refusal.reason()),
    }
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
/// the answers, then the summary. One batch is written while the next is
/// gathered, so the writer thread and the extraction workers both stay busy.
async fn write(
    store: Arc<dyn Store>,
    mut steps: mpsc::Receiver<Step>,
    answers: mpsc::Sender<Answer>,
    principal: Principal,
    events: Events,
) {
    let mut writer = Writer {
        answers,
        events,
        actor: principal.name.clone(),
        totals: Totals::default(),
        dry_run: None,
        seen_in_dry_run: HashSet::new(),
    };
    let mut ready: VecDeque<Chunk> = VecDeque::new();
    let mut broken = None;
    let mut in_flight: Option<InFlight> = None;
    loop {
        let batch = gather(&mut steps, &mut ready, &mut broken).await;
        if batch.is_empty() {
            break;
        }
        tracing::debug!(n_articles = batch.len(), "ImportArticles batch");
        let (pending, to_store) = writer.sort(batch);
        let dry_run = writer.dry_run.unwrap_or(false);
        let store = Arc::clone(&store);
        let actor = principal.clone();
        let write = tokio::spawn(async move {
            if to_store.is_empty() {
                Ok(Vec::new())
            } else {
                store.create_articles(to_store, dry_run, actor).await
            }
        });
        if let Some(previous) = in_flight.replace(InFlight { pending, write })
            && let Err(status) = writer.answer(previous).await
        {
            return writer.fail(status, &principal).await;
        }
        if writer.answers.is_closed() {
            tracing::info!(by = principal.name, "ImportArticles: the client went away");
            return;
        }
    }
    if let Some(last) = in_flight.take()
        && let Err(status) = writer.answer(last).await
    {
        return writer.fail(status, &principal).await;
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

/// One article taken into a batch.
struct Gathered {
    item_id: String,
    dry_run: bool,
    checked: Checked,
}

/// Gathers the next batch in the order sent: waits for the first chunk,
/// then takes the next ones as long as the reader has any (waiting for
/// their extraction), up to a full batch. When the reader has nothing
/// more for now, the input has paused and the batch is written as it is.
/// Empty when the stream has ended (or broken) and everything was taken.
async fn gather(
    steps: &mut mpsc::Receiver<Step>,
    ready: &mut VecDeque<Chunk>,
    broken: &mut Option<Status>,
) -> Vec<Gathered> {
    if ready.is_empty() && broken.is_none() {
        match steps.recv().await {
            Some(Step::Chunk(chunk)) => ready.push_back(chunk),
            Some(Step::Broken(status)) => *broken = Some(super::error::request_status(status)),
            None => {}
        }
    }
    let mut batch = Vec::new();
    let mut batch_bytes = 0;
    loop {
        while broken.is_none() {
            match steps.try_recv() {
                Ok(Step::Chunk(chunk)) => ready.push_back(chunk),
                Ok(Step::Broken(status)) => *broken = Some(super::error::request_status(status)),
                Err(_) => break,
            }
        }
        let Some(mut chunk) = ready.pop_front() else {
            return batch;
        };
        let mut checked = (&mut chunk.work)
            .await
            .unwrap_or_else(|err| {
                tracing::error!("extraction task failed: {err}");
                Vec::new()
            })
            .into_iter();
        for (item_id, n_bytes) in chunk.items {
            batch_bytes += n_bytes;
            batch.push(Gathered {
                item_id,
                dry_run: chunk.dry_run,
                checked: checked.next().unwrap_or(Checked::Broken),
            });
        }
        if batch.len() >= MAX_BATCH_ARTICLES || batch_bytes >= MAX_BATCH_BYTES {
            return batch;
        }
    }
}

/// A batch being written, with the answers that wait for it.
struct InFlight {
    pending: Vec<Pending>,
    write: JoinHandle<Result<Vec<Result<BatchOutcome, StoreError>>, StoreError>>,
}

/// The writer's state for one stream.
struct Writer {
    answers: mpsc::Sender<Answer>,
    /// Where the claims of created articles are announced to watchers.
    events: Events,
    /// Who is importing, as the events name them.
    actor: String,
    totals: Totals,
    dry_run: Option<bool>,
    /// On a dry run nothing is stored, so repeats across batches are found
    /// here instead (32 bytes per article of the stream).
    seen_in_dry_run: HashSet<[u8; 32]>,
}

impl Writer {
    /// Splits a batch into the articles to store and, for every article in
    /// order, its answer or a place for it.
    fn sort(&mut self, batch: Vec<Gathered>) -> (Vec<Pending>, Vec<NewArticle>) {
        let dry_run = *self
            .dry_run
            .get_or_insert_with(|| batch.first().is_some_and(|gathered| gathered.dry_run));
        let mut to_store = Vec::with_capacity(batch.len());
        let mut pending = Vec::with_capacity(batch.len());
        for Gathered { item_id, checked, .. } in batch {
            self.totals.received += 1;
            pending.push(match checked {
                Checked::Broken => Pending::Done(item(
                    item_id,
                    Outcome::Failed,
                    "",
                    0,
                    "internal error while extracting claims",
                )),
                Checked::Invalid(reason) => Pending::Done(item(item_id, Outcome::Invalid, "", 0, &reason)),
                Checked::Ready(article) if dry_run && !self.seen_in_dry_run.insert(article.sha256) => {
                    Pending::Done(item(
                        item_id,
                        Outcome::AlreadyExists,
                        "",
                        article.claims.len() as u32,
                        "",
                    ))
                }
                Checked::Ready(article) => {
                    to_store.push(*article);
                    Pending::Stored(item_id)
                }
            });
        }
        (pending, to_store)
    }

    /// Waits for a batch's write and queues an answer for every article of
    /// it, in order. Fails only when the whole batch could not be written.
    async fn answer(&mut self, in_flight: InFlight) -> Result<(), Status> {
        let written = in_flight.write.await.map_err(|err| {
            tracing::error!("batch write task failed: {err}");
            Status::from(StoreError::Closed)
        })?;
        // A batch that could not be written at all (a full disk) fails its
        // articles, each answered FAILED, and the stream goes on; only a
        // store that is shutting down ends it.
        let (outcomes, batch_failure) = match written {
            Ok(outcomes) => (outcomes, None),
            Err(StoreError::Closed) => return Err(Status::from(StoreError::Closed)),
            Err(err) => (Vec::new(), Some(Status::from(err).message().to_owned())),
        };
        let dry_run = self.dry_run.unwrap_or(false);
        let mut outcomes = outcomes.into_iter();
        for pending in in_flight.pending {
            let result = match pending {
                Pending::Done(result) => result,
                Pending::Stored(item_id) if batch_failure.is_some() => {
                    let reason = batch_failure.as_deref().unwrap_or_default();
                    item(item_id, Outcome::Failed, "", 0, reason)
                }
                Pending::Stored(item_id) => match outcomes.next() {
                    Some(Ok(outcome)) if outcome.created => {
                        let name = if dry_run {
                            String::new()
                        } else {
                            for claim in outcome.claims {
                                self.events.publish(EventKind::Created, claim, &self.actor);
                            }
                            names::article(outcome.id)
                        };
                        item(item_id, Outcome::Created, &name, outcome.claim_count, "")
                    }
                    Some(Ok(outcome)) => item(
                        item_id,
                        Outcome::AlreadyExists,
                        &names::article(outcome.id),
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

    /// Ends the stream with `status` when a whole batch could not be written.
    async fn fail(&self, status: Status, principal: &Principal) {
        tracing::warn!(
            by = principal.name,
            "ImportArticles stopped: {}",
            status.message()
        );
        let _ = self.answers.send(Err(status)).await;
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
