//! `claimdb eval matching`: how well the matcher finds the fact-check of a claim, on CLEF CheckThat!
//! Task 2A style data (verified claims, queries, relevance judgements).
//!
//! The verified claims go into a temporary database through the store's
//! external-review import, the one `ImportClaimReviews` uses, and each query
//! is ranked by the store's `similar_claims` over `review::similar`'s query,
//! as the server ranks them.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use super::output::outln;
use crate::model::{ClaimId, ExternalReview, NewExternalClaim, Principal, Role, Verdict};
use crate::review::similar;
use crate::store::{SqliteStore, Store};

/// The depth the official measure (MAP@5) reads.
const MAP_DEPTH: usize = 5;
/// How many claims are ranked per query (MRR is read within them).
const RANKED: u32 = 20;
/// Claims stored per import transaction.
const BATCH: usize = 1000;

#[derive(Debug, clap::Args)]
pub struct EvalMatchingArgs {
    /// The verified claims: JSON lines with `vclaim_id` and `vclaim` (and
    /// optionally `page_url`), as CheckThat! 2022 Task 2A ships them.
    #[arg(long)]
    vclaims: PathBuf,
    /// The queries: `id<TAB>text` lines, with or without an `iclaim_id<TAB>iclaim` header.
    #[arg(long)]
    queries: PathBuf,
    /// The relevance judgements: `id<TAB>0<TAB>vclaim_id<TAB>1` lines; only
    /// the queries named here are scored.
    #[arg(long)]
    qrels: PathBuf,
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
    let queries = read_queries(&args.queries)?;
    let qrels = read_qrels(&args.qrels)?;
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
    let mut rankings = BTreeMap::new();
    for id in qrels.keys() {
        let text = queries.get(id).with_context(|| {
            format!(
                "{}: query {id} is judged but not in {}",
                args.qrels.display(),
                args.queries.display()
            )
        })?;
        let ranked = store.similar_claims(similar::match_terms(text), RANKED).await?;
        let ids: Vec<&str> = ranked
            .iter()
            .flat_map(|(claim, _)| by_claim.get(&claim.id).into_iter().flatten().map(String::as_str))
            .collect();
        rankings.insert(
            id.as_str(),
            ids.into_iter().map(str::to_owned).collect::<Vec<_>>(),
        );
    }
    let measures = score(&rankings, &qrels);
    outln!(
        "{} queries ranked in {:.1} s",
        measures.queries,
        started.elapsed().as_secs_f64()
    );
    outln!(
        "MAP@5={:.3} MRR={:.3} P@1={:.3}",
        measures.map5,
        measures.mrr,
        measures.p1
    );
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
fn score(rankings: &BTreeMap<&str, Vec<String>>, qrels: &BTreeMap<String, HashSet<String>>) -> Measures {
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
        rankings.insert("q1", ranking(&["x", "a", "y"]));
        rankings.insert("q2", ranking(&["b", "x", "c"]));
        rankings.insert("q3", ranking(&["1", "2", "3", "4", "5", "6", "d"]));
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
