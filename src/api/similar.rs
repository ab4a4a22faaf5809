//! The paraphrase matcher's server side (issue 15): the claims' embeddings
//! in memory (`embed::index`), kept by a background embedder that runs off
//! the request path, and the fused ranking `FindSimilarClaims` answers with.
//!
//! The embedder task wakes when a claim is created or corrected (the event
//! channel) and once a minute, asks the store for claims without an
//! embedding, embeds them on the blocking pool a batch at a time and stores
//! them (the store keeps only those whose text is unchanged), then adds
//! them to the index. At start it loads what the store already holds, and
//! once the index is large it makes the index's inverted lists (again when
//! the index has doubled), between batches. A claim it has not reached yet
//! is still found by BM25; its cosine is then computed for the request.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use tokio::sync::broadcast::error::RecvError;

use super::events::Events;
use crate::embed::{self, index};
use crate::model::{Claim, ClaimId};
use crate::review::similar;
use crate::store::{Store, StoreError};

/// Claims embedded per blocking job (and stored per transaction).
const EMBED_BATCH: u32 = 64;
/// Stored embeddings read per page at start.
const LOAD_PAGE: u32 = 10_000;
/// How often the embedder looks for work without being woken.
const IDLE_WAKE: Duration = Duration::from_secs(60);
/// The most BM25 matches one request embeds itself when the embedder has
/// not reached them (after a bulk import): the best by BM25. The others
/// are ranked by BM25 alone, below every match with a cosine, so a
/// backlog costs a request at most this many embeddings (about 3 s for 51
/// on this machine, BENCHMARKS.md) rather than one per match.
const EMBEDDED_PER_REQUEST: usize = 8;

/// The claims' embeddings, shared by the embedder task and the handlers.
#[derive(Debug, Default)]
pub struct Matcher {
    index: RwLock<index::Index>,
}

/// The nearest claims' ids, and the fused ranking (id, score), best first.
type Ranked = (Vec<ClaimId>, Vec<(ClaimId, f64)>);

/// A claim ranked for a text, with its fused score.
pub struct Match {
    pub claim: Claim,
    pub score: f64,
}

impl Matcher {
    /// The claims most similar to `text`, best first by the fusion of BM25
    /// and the embeddings (`review::similar::fuse` with its weight), at most
    /// `limit`, leaving out `itself`.
    pub async fn find(
        self: &Arc<Self>,
        store: &dyn Store,
        text: &str,
        itself: Option<ClaimId>,
        limit: usize,
    ) -> Result<Vec<Match>, tonic::Status> {
        let bm25 = store
            .similar_claims(similar::match_terms(text), similar::FUSION_DEPTH as u32 + 1)
            .await?;
        let normal = similar::normalise(text);
        let scores: Vec<(ClaimId, f64)> = bm25.iter().map(|(claim, score)| (claim.id, *score)).collect();
        let bm25_texts: Vec<(ClaimId, String)> = bm25
            .iter()
            .map(|(claim, _)| (claim.id, claim.text.clone()))
            .collect();
        let matcher = Arc::clone(self);
        // Embedding and the scan are CPU work: on the blocking pool.
        let ranked = super::run_cpu(move || matcher.rank(&normal, &scores, &bm25_texts))
            .await?
            .map_err(|err| {
                tracing::error!("embedding failed: {err}");
                tonic::Status::internal("internal error while embedding the text")
            })?;
        let (dense, fused) = ranked;
        let mut claims: std::collections::HashMap<ClaimId, Claim> =
            bm25.into_iter().map(|(claim, _)| (claim.id, claim)).collect();
        let missing: Vec<ClaimId> = dense.into_iter().filter(|id| !claims.contains_key(id)).collect();
        for claim in store.claims_by_id(missing).await? {
            claims.insert(claim.id, claim);
        }
        Ok(fused
            .into_iter()
            .filter(|(id, _)| Some(*id) != itself)
            // A claim deleted since it was indexed is left out.
            .filter_map(|(id, score)| claims.remove(&id).map(|claim| Match { claim, score }))
            .take(limit)
            .collect())
    }

    /// The text's embedding (with those of the BM25 matches the embedder
    /// has not reached yet), the index's nearest claims, and the fused
    /// ranking of both lists: (the nearest ids, the ranking).
    fn rank(
        &self,
        text: &str,
        bm25: &[(ClaimId, f64)],
        bm25_texts: &[(ClaimId, String)],
    ) -> Result<Ranked, String> {
        let unembedded = {
            let index = self.read();
            embed_now(bm25_texts, |id| index.contains(id))
        };
        let mut texts = vec![text];
        texts.extend(unembedded.iter().map(|(_, text)| text.as_str()));
        let embedder = embed::shared().map_err(|e| e.to_string())?;
        let vectors = embedder.embed(&texts).map_err(|e| e.to_string())?;
        let query_vector = &vectors[0];
        let query = index::Query::new(query_vector);
        let late: std::collections::HashMap<ClaimId, f32> = unembedded
            .iter()
            .zip(&vectors[1..])
            .map(|((id, _), vector)| (*id, embed::cosine(vector, query_vector)))
            .collect();
        let index = self.read();
        let dense = index.nearest(&query, similar::FUSION_DEPTH + 1);
        let cosine_of = |id: ClaimId| {
            index
                .cosine(id, &query)
                .or_else(|| late.get(&id).copied())
                .unwrap_or(0.0)
        };
        let mut candidates = similar::candidates(bm25, &dense, cosine_of);
        candidates.retain(similar::is_shown);
        let fused = similar::fuse(&candidates, similar::FUSION_WEIGHT);
        Ok((dense.into_iter().map(|(id, _)| id).collect(), fused))
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, index::Index> {
        self.index
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, index::Index> {
        self.index
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn insert(&self, embeddings: Vec<crate::model::ClaimEmbedding>) {
        let mut index = self.write();
        for embedding in embeddings {
            index.insert(embedding);
        }
    }
}

/// Makes the index's inverted lists when it wants them (large enough and
/// without lists, or grown to twice what they were made for), on the
/// blocking pool. The plan reads the index under the read lock, so requests
/// go on meanwhile with the lists it had (or the flat scan); the embedder,
/// the only writer, waits for it (20–50 s at 1 M claims, BENCHMARKS.md),
/// and the claims it has not reached are found by BM25.
async fn make_lists(matcher: &Arc<Matcher>) {
    if !matcher.read().wants_lists() {
        return;
    }
    let matcher = Arc::clone(matcher);
    let made = tokio::task::spawn_blocking(move || {
        let started = std::time::Instant::now();
        let plan = matcher.read().plan_lists();
        let mut index = matcher.write();
        (index.use_lists(plan), index.len(), started.elapsed())
    })
    .await;
    match made {
        Ok((true, rows, took)) => tracing::info!(
            rows,
            seconds = took.as_secs_f64(),
            "made the claim embeddings' inverted lists"
        ),
        // Only the embedder writes, and it waited: a stale plan is a bug,
        // not a race; the next pass tries again.
        Ok((false, rows, _)) => {
            tracing::warn!(rows, "the claim embeddings changed while their lists were made")
        }
        Err(err) => tracing::warn!("cannot make the claim embeddings' inverted lists: {err}"),
    }
}

/// The BM25 matches (best first) a request embeds itself: those the index
/// does not hold, at most [`EMBEDDED_PER_REQUEST`], in BM25 order.
fn embed_now(bm25_texts: &[(ClaimId, String)], indexed: impl Fn(ClaimId) -> bool) -> Vec<&(ClaimId, String)> {
    bm25_texts
        .iter()
        .filter(|(id, _)| !indexed(*id))
        .take(EMBEDDED_PER_REQUEST)
        .collect()
}

/// The background embedder: loads the stored embeddings, then embeds every
/// claim that has none, woken by the event channel; ends when the store
/// closes.
pub async fn run_embedder(store: Arc<dyn Store>, matcher: Arc<Matcher>, events: Events) {
    let mut woken = events.subscribe();
    if let Err(err) = load(store.as_ref(), &matcher).await {
        tracing::warn!("cannot load the claim embeddings: {err}");
        return;
    }
    loop {
        make_lists(&matcher).await;
        match embed_waiting(store.as_ref(), &matcher).await {
            Ok(()) => {}
            Err(StoreError::Closed) => return,
            Err(err) => tracing::warn!("the background embedder failed a batch: {err}"),
        }
        tokio::select! {
            received = woken.recv() => {
                if matches!(received, Err(RecvError::Closed)) {
                    return;
                }
            }
            () = tokio::time::sleep(IDLE_WAKE) => {}
        }
    }
}

async fn load(store: &dyn Store, matcher: &Matcher) -> Result<(), StoreError> {
    let mut after = ClaimId(0);
    loop {
        let page = store
            .list_embeddings(embed::MODEL.to_owned(), after, LOAD_PAGE)
            .await?;
        let Some(last) = page.last() else {
            return Ok(());
        };
        after = last.claim_id;
        matcher.insert(page);
    }
}

/// Embeds every claim without an embedding, a batch at a time.
async fn embed_waiting(store: &dyn Store, matcher: &Arc<Matcher>) -> Result<(), StoreError> {
    let mut after = ClaimId(0);
    loop {
        let batch = store
            .claims_to_embed(embed::MODEL.to_owned(), after, EMBED_BATCH)
            .await?;
        let Some(&(last, _)) = batch.last() else {
            return Ok(());
        };
        after = last;
        let embedded = tokio::task::spawn_blocking(move || {
            let embedder = embed::shared().map_err(|e| e.to_string())?;
            let texts: Vec<&str> = batch.iter().map(|(_, text)| text.as_str()).collect();
            let vectors = embedder.embed(&texts).map_err(|e| e.to_string())?;
            Ok::<_, String>(
                batch
                    .into_iter()
                    .zip(vectors)
                    .map(|((id, text), vector)| (text, index::quantise(id, &vector)))
                    .collect::<Vec<_>>(),
            )
        })
        .await
        .map_err(|err| StoreError::Backend(format!("embedder task: {err}").into()))?
        .map_err(|err| StoreError::Backend(err.into()))?;
        let stored = store.put_embeddings(embed::MODEL.to_owned(), embedded).await?;
        matcher.insert(stored);
        // A backlog (a bulk import) can grow the index past the flat scan's
        // size long before it is done.
        make_lists(matcher).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_embeds_at_most_a_few_unindexed_matches_best_first() {
        let matches: Vec<(ClaimId, String)> =
            (1..=30).map(|id| (ClaimId(id), format!("claim {id}"))).collect();
        // Every third claim is indexed already.
        let chosen = embed_now(&matches, |id| id.0 % 3 == 0);
        let ids: Vec<i64> = chosen.iter().map(|(id, _)| id.0).collect();
        assert_eq!(ids, vec![1, 2, 4, 5, 7, 8, 10, 11]);
        assert_eq!(ids.len(), EMBEDDED_PER_REQUEST);
        // Nothing to embed when the index holds them all.
        assert!(embed_now(&matches, |_| true).is_empty());
    }
}
