//! `claimdb eval matching`: how well the matcher finds the fact-check of a claim, on CLEF CheckThat!
//! Task 2A style data (verified claims, queries, relevance judgements).
//!
//! The verified claims go into a temporary database through the store's
//! external-review import, the one `ImportClaimReviews` uses, and each query
//! is ranked twice: by the store's `similar_claims` over `review::similar`'s
//! query (BM25, the baseline), and by `review::similar::fuse` of that
//! ranking with the sentence embeddings' (`embed`). The fusion's weight is
//! chosen by cross-validation on the first `--qrels` file's queries alone;
//! the other files are only measured with it. The fusion is also measured
//! with the embeddings' nearest found through the inverted lists a 1 M-claim
//! index gets (`embed::index::lists`), made over these claims, with their
//! recall against the flat scan: the server scans an index this small in
//! full, so this is what the lists would lose on real embeddings.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use super::output::outln;
use crate::embed::{self, index, index::lists};
use crate::model::{ClaimId, ExternalReview, NewExternalClaim, Principal, Role, Verdict};
use crate::review::similar::{self, Candidate};
use crate::store::{SqliteStore, Store};

/// The depth the official measure (MAP@5) reads.
const MAP_DEPTH: usize = 5;
/// How many claims are ranked per query (MRR is read within them).
const RANKED: u32 = 20;
/// Claims stored per import transaction.
const BATCH: usize = 1000;
/// Folds of the cross-validation that chooses the fusion's weight.
const FOLDS: usize = 5;
/// The weights tried: 0, 0.05, …, 1.
const WEIGHT_STEPS: usize = 20;

#[derive(Debug, clap::Args)]
pub struct EvalMatchingArgs {
    /// The verified claims: JSON lines with `vclaim_id` and `vclaim` (and
    /// optionally `page_url`), as CheckThat! 2022 Task 2A ships them.
    #[arg(long)]
    vclaims: PathBuf,
    /// The queries: `id<TAB>text` lines, with or without an `iclaim_id<TAB>iclaim` header
    /// (one file or more).
    #[arg(long, num_args = 1.., required = true)]
    queries: Vec<PathBuf>,
    /// The relevance judgements: `id<TAB>0<TAB>vclaim_id<TAB>1` lines; only
    /// the queries named here are scored, each file on its own. The first
    /// file's queries choose the fusion's weight (by cross-validation).
    #[arg(long, num_args = 1.., required = true)]
    qrels: Vec<PathBuf>,
    /// Rank by BM25 alone and skip the embeddings (seconds instead of
    /// minutes: embedding 14,231 claims is most of the run).
    #[arg(long)]
    bm25_only: bool,
}

#[derive(serde::Deserialize)]
struct VerifiedClaim {
    vclaim_id: String,
    vclaim: String,
    #[serde(default)]
    page_url: Option<String>,
}

/// The measures over all judged queries.
#[derive(Debug, Default, PartialEq)]
struct Measures {
    queries: usize,
    map5: f64,
    mrr: f64,
    p1: f64,
}

pub async fn run(args: &EvalMatchingArgs) -> anyhow::Result<()> {
    let vclaims = read_vclaims(&args.vclaims)?;
    let mut queries = HashMap::new();
    for path in &args.queries {
        for (id, text) in read_queries(path)? {
            if queries.insert(id.clone(), text).is_some() {
                bail!(
                    "{}: query {id} is in more than one --queries file",
                    path.display()
                );
            }
        }
    }
    let splits: Vec<BTreeMap<String, HashSet<String>>> = args
        .qrels
        .iter()
        .map(|path| read_qrels(path))
        .collect::<anyhow::Result<_>>()?;
    let dir = tempfile::tempdir().context("cannot make a temporary directory")?;
    let store =
        SqliteStore::open(&dir.path().join("matching.sqlite")).context("cannot open a temporary database")?;
    let started = std::time::Instant::now();
    let by_claim = load(&store, &vclaims).await?;
    outln!(
        "loaded {} verified claims as {} claims in {:.1} s",
        vclaims.len(),
        by_claim.len(),
        started.elapsed().as_secs_f64()
    );
    let text_of: HashMap<&str, &str> = vclaims
        .iter()
        .map(|v| (v.vclaim_id.as_str(), v.vclaim.as_str()))
        .collect();
    let mut claim_ids: Vec<ClaimId> = by_claim.keys().copied().collect();
    claim_ids.sort();
    let claim_texts: Vec<&str> = claim_ids
        .iter()
        .map(|id| text_of[by_claim[id][0].as_str()])
        .collect();
    let embedding_started = std::time::Instant::now();
    let embedder = if args.bm25_only {
        None
    } else {
        Some(embed::shared().map_err(|e| anyhow::anyhow!("{e}"))?)
    };
    let matrix: Vec<f32> = match embedder {
        Some(embedder) => embedder.embed(&claim_texts)?.into_iter().flatten().collect(),
        None => Vec::new(),
    };
    let row_of: HashMap<ClaimId, usize> = claim_ids.iter().enumerate().map(|(row, id)| (*id, row)).collect();
    if embedder.is_some() {
        outln!(
            "embedded {} claims in {:.1} s",
            claim_ids.len(),
            embedding_started.elapsed().as_secs_f64()
        );
    }
    let mut judged: Vec<&str> = splits
        .iter()
        .flat_map(|qrels| qrels.keys().map(String::as_str))
        .collect();
    judged.sort_unstable();
    judged.dedup();
    let mut texts = Vec::with_capacity(judged.len());
    for id in &judged {
        let text = queries.get(*id).with_context(|| {
            let files: Vec<String> = args
                .queries
                .iter()
                .map(|path| path.display().to_string())
                .collect();
            format!("query {id} is judged but not in {}", files.join(" or "))
        })?;
        texts.push(similar::normalise(text));
    }
    let text_refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let query_vectors = match embedder {
        Some(embedder) => embedder.embed(&text_refs)?,
        None => vec![Vec::new(); text_refs.len()],
    };
    // The server's index over the same claims (int8), with the inverted
    // lists a 1 M-claim index gets, made at this size: what the approximate
    // search would lose on real embeddings (the server itself scans an index
    // this small in full).
    let approximate = embedder.map(|_| {
        let mut index = index::Index::default();
        for (row, id) in claim_ids.iter().enumerate() {
            index.insert(index::quantise(
                *id,
                &matrix[row * embed::DIM..(row + 1) * embed::DIM],
            ));
        }
        let plan = index.plan_lists_with(lists::lists_for(1_000_000));
        assert!(index.use_lists(plan), "nothing changed since the plan");
        index
    });
    let (mut found_10, mut found_50) = (0usize, 0usize);
    let mut candidates: HashMap<&str, Vec<Candidate<ClaimId>>> = HashMap::new();
    let mut approximate_candidates: HashMap<&str, Vec<Candidate<ClaimId>>> = HashMap::new();
    for ((id, text), vector) in judged.iter().zip(&texts).zip(&query_vectors) {
        let bm25: Vec<(ClaimId, f64)> = store
            .similar_claims(similar::match_terms(text), similar::FUSION_DEPTH as u32)
            .await?
            .into_iter()
            .map(|(claim, score)| (claim.id, score))
            .collect();
        let dense: Vec<(ClaimId, f32)> = embed::nearest(&matrix, vector, similar::FUSION_DEPTH)
            .into_iter()
            .map(|(row, cosine)| (claim_ids[row], cosine))
            .collect();
        let row_vector =
            |id: ClaimId| match matrix.get(row_of[&id] * embed::DIM..(row_of[&id] + 1) * embed::DIM) {
                Some(row) => embed::cosine(row, vector),
                None => 0.0,
            };
        candidates.insert(*id, similar::candidates(&bm25, &dense, row_vector));
        if let Some(index) = &approximate {
            let query = index::Query::new(vector);
            let exact = index.nearest_exact(&query, similar::FUSION_DEPTH);
            let found = index.nearest_probing(&query, similar::FUSION_DEPTH, lists::PROBES);
            let among = |k: usize| {
                let exact: HashSet<ClaimId> = exact.iter().take(k).map(|(id, _)| *id).collect();
                found.iter().take(k).filter(|(id, _)| exact.contains(id)).count()
            };
            found_10 += among(10);
            found_50 += among(similar::FUSION_DEPTH);
            approximate_candidates.insert(*id, similar::candidates(&bm25, &found, row_vector));
        }
    }
    outln!(
        "{} queries ranked in {:.1} s",
        judged.len(),
        started.elapsed().as_secs_f64()
    );
    let rank_in = |candidates: &HashMap<&str, Vec<Candidate<ClaimId>>>,
                   ids: &[&str],
                   weight: Option<f64>|
     -> BTreeMap<String, Vec<String>> {
        ids.iter()
            .map(|id| {
                let found = &candidates[id];
                let ranked: Vec<ClaimId> = match weight {
                    // BM25 alone: its own order, only what it ranked.
                    None => found
                        .iter()
                        .filter(|c| c.bm25 > 0.0)
                        .map(|c| c.key)
                        .take(RANKED as usize)
                        .collect(),
                    Some(weight) => similar::fuse(found, weight)
                        .into_iter()
                        .map(|(key, _)| key)
                        .take(RANKED as usize)
                        .collect(),
                };
                let vclaims = ranked
                    .iter()
                    .flat_map(|claim| by_claim[claim].iter().cloned())
                    .collect();
                (id.to_string(), vclaims)
            })
            .collect()
    };
    let rank = |ids: &[&str], weight: Option<f64>| rank_in(&candidates, ids, weight);
    let weights: Vec<f64> = (0..=WEIGHT_STEPS)
        .map(|i| i as f64 / WEIGHT_STEPS as f64)
        .collect();
    let best_weight = |qrels: &BTreeMap<String, HashSet<String>>| -> f64 {
        let ids: Vec<&str> = qrels.keys().map(String::as_str).collect();
        let mut best = (f64::MIN, 0.0);
        for &weight in &weights {
            let map5 = score(&rank(&ids, Some(weight)), qrels).map5;
            // The first weight wins a tie (the grid is walked upwards).
            if map5 > best.0 + 1e-12 {
                best = (map5, weight);
            }
        }
        best.1
    };
    if args.bm25_only {
        let mut last = Measures::default();
        for (path, qrels) in args.qrels.iter().zip(&splits) {
            let ids: Vec<&str> = qrels.keys().map(String::as_str).collect();
            last = score(&rank(&ids, None), qrels);
            outln!("{} ({} queries)", path.display(), qrels.len());
            outln!(
                "  bm25 MAP@1={:.3} MAP@5={:.3} MRR={:.3} P@1={:.3}",
                last.p1,
                last.map5,
                last.mrr,
                last.p1
            );
        }
        outln!("MAP@5={:.3} MRR={:.3} P@1={:.3}", last.map5, last.mrr, last.p1);
        return Ok(());
    }
    // Cross-validation on the tuning split: each fold ranked with the
    // weight the other folds chose.
    let tuning = &splits[0];
    let mut out_of_fold: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut fold_weights = Vec::with_capacity(FOLDS);
    for fold in 0..FOLDS {
        let (held, rest): (Vec<_>, Vec<_>) = tuning.iter().enumerate().partition(|(i, _)| i % FOLDS == fold);
        let rest: BTreeMap<String, HashSet<String>> = rest
            .into_iter()
            .map(|(_, (k, v))| (k.clone(), v.clone()))
            .collect();
        let weight = best_weight(&rest);
        fold_weights.push(weight);
        let held: Vec<&str> = held.iter().map(|(_, (id, _))| id.as_str()).collect();
        out_of_fold.extend(rank(&held, Some(weight)));
    }
    let weight = best_weight(tuning);
    let shown: Vec<String> = fold_weights.iter().map(|w| format!("{w:.2}")).collect();
    outln!(
        "fusion weight w = {weight:.2} chosen on {} ({} queries; the {FOLDS} folds chose {}); the server uses {:.2}",
        args.qrels[0].display(),
        tuning.len(),
        shown.join(", "),
        similar::FUSION_WEIGHT
    );
    let line = |name: &str, m: &Measures| {
        outln!(
            "  {name:<28} MAP@1={:.3} MAP@5={:.3} MRR={:.3} P@1={:.3}",
            m.p1,
            m.map5,
            m.mrr,
            m.p1
        );
    };
    let mut last = Measures::default();
    for (i, (path, qrels)) in args.qrels.iter().zip(&splits).enumerate() {
        let ids: Vec<&str> = qrels.keys().map(String::as_str).collect();
        outln!("{} ({} queries)", path.display(), qrels.len());
        line("bm25", &score(&rank(&ids, None), qrels));
        line("embeddings", &score(&rank(&ids, Some(0.0)), qrels));
        if i == 0 {
            line("fusion, out of fold", &score(&out_of_fold, qrels));
        }
        last = score(&rank(&ids, Some(weight)), qrels);
        line(&format!("fusion, w = {weight:.2}"), &last);
        line(
            "fusion, lists as at 1 M",
            &score(&rank_in(&approximate_candidates, &ids, Some(weight)), qrels),
        );
    }
    outln!(
        "inverted lists as at 1 M ({} lists, {} probed) against the flat scan over {} queries: recall@10={:.3} recall@{}={:.3}",
        lists::lists_for(1_000_000),
        lists::PROBES,
        judged.len(),
        found_10 as f64 / (judged.len() * 10) as f64,
        similar::FUSION_DEPTH,
        found_50 as f64 / (judged.len() * similar::FUSION_DEPTH) as f64
    );
    outln!("MAP@5={:.3} MRR={:.3} P@1={:.3}", last.map5, last.mrr, last.p1);
    Ok(())
}

/// Stores the verified claims; returns which verified claims each stored
/// claim holds (two with the same text and no page are one claim).
async fn load(
    store: &SqliteStore,
    vclaims: &[VerifiedClaim],
) -> anyhow::Result<HashMap<ClaimId, Vec<String>>> {
    let actor = Principal {
        token_id: 0,
        name: "claimdb eval matching".into(),
        role: Role::Admin,
    };
    let mut by_claim: HashMap<ClaimId, Vec<String>> = HashMap::new();
    for chunk in vclaims.chunks(BATCH) {
        let batch = chunk
            .iter()
            .map(|vclaim| NewExternalClaim {
                text: vclaim.vclaim.clone(),
                speaker: String::new(),
                speaker_kind: None,
                claim_date: None,
                appearance_url: None,
                appearance_headline: None,
                review: ExternalReview {
                    publisher: "verified claims".into(),
                    publisher_url: None,
                    url: vclaim.page_url.clone(),
                    date: None,
                    rating: String::new(),
                    verdict: Verdict::Unverifiable,
                },
            })
            .collect();
        let outcomes = store.import_external_reviews(batch, actor.clone()).await?;
        for (vclaim, outcome) in chunk.iter().zip(outcomes) {
            let outcome =
                outcome.with_context(|| format!("verified claim {} was not stored", vclaim.vclaim_id))?;
            by_claim
                .entry(outcome.claim)
                .or_default()
                .push(vclaim.vclaim_id.clone());
        }
    }
    Ok(by_claim)
}

/// MAP@5, MRR and P@1 of the rankings against the judgements, over every
/// judged query (one with no ranking scores 0). AP@k divides by the smaller
/// of k and the number of relevant claims, as trectools does.
fn score(rankings: &BTreeMap<String, Vec<String>>, qrels: &BTreeMap<String, HashSet<String>>) -> Measures {
    let mut measures = Measures::default();
    for (id, relevant) in qrels {
        let ranked = rankings.get(id.as_str()).map(Vec::as_slice).unwrap_or_default();
        let mut hits = 0;
        let mut precision_sum = 0.0;
        for (rank, vclaim) in ranked.iter().take(MAP_DEPTH).enumerate() {
            if relevant.contains(vclaim) {
                hits += 1;
                precision_sum += f64::from(hits) / (rank + 1) as f64;
            }
        }
        measures.map5 += precision_sum / relevant.len().min(MAP_DEPTH) as f64;
        if let Some(rank) = ranked.iter().position(|vclaim| relevant.contains(vclaim)) {
            measures.mrr += 1.0 / (rank + 1) as f64;
        }
        if ranked.first().is_some_and(|vclaim| relevant.contains(vclaim)) {
            measures.p1 += 1.0;
        }
        measures.queries += 1;
    }
    let n = measures.queries.max(1) as f64;
    measures.map5 /= n;
    measures.mrr /= n;
    measures.p1 /= n;
    measures
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn read_vclaims(path: &Path) -> anyhow::Result<Vec<VerifiedClaim>> {
    let text = read(path)?;
    let mut vclaims = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
    {
        let vclaim: VerifiedClaim = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not a verified claim", path.display(), i + 1))?;
        vclaims.push(vclaim);
    }
    if vclaims.is_empty() {
        bail!("{}: no verified claims", path.display());
    }
    Ok(vclaims)
}

fn read_queries(path: &Path) -> anyhow::Result<HashMap<String, String>> {
    let text = read(path)?;
    let mut queries = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || (i == 0 && line == "iclaim_id\ticlaim") {
            continue;
        }
        let (id, query) = line
            .split_once('\t')
            .with_context(|| format!("{}:{}: expected id<TAB>text", path.display(), i + 1))?;
        queries.insert(id.to_owned(), query.to_owned());
    }
    Ok(queries)
}

fn read_qrels(path: &Path) -> anyhow::Result<BTreeMap<String, HashSet<String>>> {
    let text = read(path)?;
    let mut qrels: BTreeMap<String, HashSet<String>> = BTreeMap::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
    {
        let fields: Vec<&str> = line.split('\t').collect();
        let [query, _, vclaim, relevance] = fields[..] else {
            bail!(
                "{}:{}: expected id<TAB>0<TAB>vclaim_id<TAB>relevance",
                path.display(),
                i + 1
            );
        };
        if relevance.trim() != "0" {
            qrels
                .entry(query.to_owned())
                .or_default()
                .insert(vclaim.to_owned());
        }
    }
    if qrels.is_empty() {
        bail!("{}: no relevance judgements", path.display());
    }
    Ok(qrels)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn qrels(pairs: &[(&str, &[&str])]) -> BTreeMap<String, HashSet<String>> {
        pairs
            .iter()
            .map(|(q, rel)| (q.to_string(), rel.iter().map(|r| r.to_string()).collect()))
            .collect()
    }

    fn ranking(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|id| id.to_string()).collect()
    }

    #[test]
    fn measures_follow_their_definitions() {
        // q1: relevant at rank 2 (AP@5 = 1/2, RR = 1/2); q2: at rank 1 of
        // two relevant, the other at rank 3 (AP@5 = (1 + 2/3) / 2);
        // q3: relevant at rank 7 (AP@5 = 0, RR = 1/7); q4: not ranked at all.
        let judged = qrels(&[
            ("q1", &["a"]),
            ("q2", &["b", "c"]),
            ("q3", &["d"]),
            ("q4", &["e"]),
        ]);
        let mut rankings = BTreeMap::new();
        rankings.insert(String::from("q1"), ranking(&["x", "a", "y"]));
        rankings.insert(String::from("q2"), ranking(&["b", "x", "c"]));
        rankings.insert(String::from("q3"), ranking(&["1", "2", "3", "4", "5", "6", "d"]));
        let measures = score(&rankings, &judged);
        assert_eq!(measures.queries, 4);
        let map5 = (0.5 + (1.0 + 2.0 / 3.0) / 2.0) / 4.0;
        assert!((measures.map5 - map5).abs() < 1e-12, "{measures:?}");
        let mrr = (0.5 + 1.0 + 1.0 / 7.0) / 4.0;
        assert!((measures.mrr - mrr).abs() < 1e-12, "{measures:?}");
        assert!((measures.p1 - 0.25).abs() < 1e-12, "{measures:?}");
    }

    #[test]
    fn queries_read_with_or_without_their_header() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q.tsv");
        std::fs::write(&path, "iclaim_id\ticlaim\nq1\tSay \"it\"\tagain\n").unwrap();
        let queries = read_queries(&path).unwrap();
        assert_eq!(queries.len(), 1);
        assert_eq!(queries["q1"], "Say \"it\"\tagain");
    }

    #[tokio::test]
    async fn the_fact_check_of_a_paraphrase_sharing_its_words_comes_first() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("m.sqlite")).unwrap();
        let vclaims: Vec<VerifiedClaim> = [
            (
                "v1",
                "Any sanctions against Russia could lead to a rupture in ties with Washington.",
            ),
            ("v2", "McDonald's restaurants are offering $1 Any Size Fries."),
            (
                "v3",
                "A video shows a 10-meter-long anaconda swimming across a river in Brazil.",
            ),
            // Same text, no page: stored once, both ids rank together.
            ("v4", "McDonald's restaurants are offering $1 Any Size Fries."),
        ]
        .iter()
        .map(|(id, text)| VerifiedClaim {
            vclaim_id: id.to_string(),
            vclaim: text.to_string(),
            page_url: None,
        })
        .collect();
        let by_claim = load(&store, &vclaims).await.unwrap();
        assert_eq!(by_claim.len(), 3);
        let terms = similar::match_terms(
            "New sanctions could lead to a complete breakdown in ties with Russia pic.twitter.com/x",
        );
        let ranked = store.similar_claims(terms, RANKED).await.unwrap();
        assert_eq!(
            ranked.len(),
            1,
            "only the sanctions claim shares a word: {ranked:?}"
        );
        assert_eq!(by_claim[&ranked[0].0.id], ["v1"]);
        let terms = similar::match_terms("Fries of any size for a dollar at McDonald's");
        let ranked = store.similar_claims(terms, RANKED).await.unwrap();
        assert_eq!(by_claim[&ranked[0].0.id], ["v2", "v4"]);
    }
}
