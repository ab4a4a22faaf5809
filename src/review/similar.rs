//! Previously checked claims, found by the words they share: what a claim or
//! a pasted text (a tweet, a quote) becomes before the store ranks the
//! claims that share its words by BM25 (issue 15's baseline matcher), and
//! the fusion of that ranking with the sentence embeddings' ([`fuse`]).
//!
//! Pasted social-media text carries words that say nothing of the claim
//! (links, `pic.twitter.com/...`, the date of an embedded tweet); they are
//! dropped, while handles and hashtags keep their words ("#AustralianFires"
//! is "AustralianFires", "@realDonaldTrump" is "realDonaldTrump").

use std::collections::HashMap;
use std::hash::Hash;

use crate::model::Claim;

/// How many claims each ranking (BM25's, the embeddings') gives the fusion.
pub const FUSION_DEPTH: usize = 50;

/// BM25's share `w` of the fused score `w · bm25 / max_bm25 + (1 − w) ·
/// cosine`, chosen by cross-validation on the CheckThat! 2022 train queries
/// only (`claimdb eval matching`, BENCHMARKS.md).
pub const FUSION_WEIGHT: f64 = 0.1;

/// The least cosine at which a claim that shares no word with the text is
/// shown as a match (a ranking always has a nearest claim, however far).
pub const MIN_COSINE: f64 = 0.5;

/// Whether the server shows a candidate: it shares words with the text, or
/// is close in meaning ([`MIN_COSINE`]).
pub fn is_shown<K>(candidate: &Candidate<K>) -> bool {
    candidate.bm25 > 0.0 || candidate.cosine >= MIN_COSINE
}

/// A claim either ranking proposed, with both of its scores: BM25 over the
/// query's best BM25 (0 when BM25 did not rank it) and the cosine of the
/// embeddings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate<K> {
    pub key: K,
    pub bm25: f64,
    pub cosine: f64,
}

/// The union of BM25's ranking and the embeddings' (each best first), in
/// that order, every claim once; `cosine_of` gives the cosine of a claim
/// only BM25 ranked.
pub fn candidates<K: Copy + Eq + Hash>(
    bm25: &[(K, f64)],
    dense: &[(K, f32)],
    cosine_of: impl Fn(K) -> f32,
) -> Vec<Candidate<K>> {
    let max_bm25 = bm25.iter().map(|(_, score)| *score).fold(0.0, f64::max);
    let dense_cosine: HashMap<K, f32> = dense.iter().copied().collect();
    let mut out: Vec<Candidate<K>> = Vec::with_capacity(bm25.len() + dense.len());
    let mut seen: HashMap<K, ()> = HashMap::new();
    for &(key, score) in bm25 {
        if seen.insert(key, ()).is_none() {
            let cosine = dense_cosine.get(&key).copied().unwrap_or_else(|| cosine_of(key));
            let bm25 = if max_bm25 > 0.0 { score / max_bm25 } else { 0.0 };
            out.push(Candidate {
                key,
                bm25,
                cosine: f64::from(cosine),
            });
        }
    }
    for &(key, cosine) in dense {
        if seen.insert(key, ()).is_none() {
            out.push(Candidate {
                key,
                bm25: 0.0,
                cosine: f64::from(cosine),
            });
        }
    }
    out
}

/// The candidates ranked by `weight · bm25 + (1 − weight) · cosine`, best
/// first; ties keep the candidates' order.
pub fn fuse<K: Copy>(candidates: &[Candidate<K>], weight: f64) -> Vec<(K, f64)> {
    let mut ranked: Vec<(K, f64)> = candidates
        .iter()
        .map(|c| (c.key, weight * c.bm25 + (1.0 - weight) * c.cosine))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    ranked
}

/// The most distinct words one match query holds: every word is a list
/// SQLite merges, so a pasted article must not become thousands of them.
pub const MAX_TERMS: usize = 48;

/// Words so common that matching on them costs a walk of most of the index
/// and ranks nothing (their BM25 weight is near zero anyway).
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "for", "from", "has", "have", "he",
    "her", "his", "i", "in", "is", "it", "its", "of", "on", "or", "she", "that", "the", "their", "they",
    "this", "to", "was", "we", "were", "will", "with", "you",
];

/// Month names as an embedded tweet's date writes them.
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `text` without what pasted social-media text adds: links, picture links
/// and the "(@handle) Month D, YYYY" signature of an embedded tweet; `@` and
/// `#` are kept off their words. Spacing is made single.
pub fn normalise(text: &str) -> String {
    let mut words: Vec<&str> = Vec::new();
    for word in text.split_whitespace() {
        let lower = word.to_ascii_lowercase();
        if lower.starts_with("http://")
            || lower.starts_with("https://")
            || lower.starts_with("pic.twitter.com/")
        {
            continue;
        }
        words.push(word);
    }
    drop_tweet_signature(&mut words);
    let words: Vec<String> = words
        .iter()
        .map(|word| match word.strip_prefix('(') {
            Some(inside) => format!("({}", inside.trim_start_matches(['@', '#'])),
            None => word.trim_start_matches(['@', '#']).to_owned(),
        })
        .filter(|word| !word.is_empty())
        .collect();
    words.join(" ")
}

/// Drops the date of a trailing "(@handle) March 3, 2020" (the handle is
/// kept: it names who wrote the tweet).
fn drop_tweet_signature(words: &mut Vec<&str>) {
    let n = words.len();
    if n < 4 {
        return;
    }
    let (month, day, year) = (words[n - 3], words[n - 2], words[n - 1]);
    let is_month = MONTHS.iter().any(|name| name.eq_ignore_ascii_case(month));
    let is_day = day
        .strip_suffix(',')
        .is_some_and(|d| !d.is_empty() && d.len() <= 2 && d.bytes().all(|b| b.is_ascii_digit()));
    let is_year = year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit());
    let after_handle = words[n - 4].starts_with("(@") && words[n - 4].ends_with(')');
    if is_month && is_day && is_year && after_handle {
        words.truncate(n - 3);
    }
}

/// The distinct words of `text` (after [`normalise`]) that a match is made
/// on, lowercased, in order, stop words left out, at most [`MAX_TERMS`].
pub fn match_terms(text: &str) -> Vec<String> {
    let normal = normalise(text);
    let mut terms: Vec<String> = Vec::new();
    for word in normal
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
    {
        let word = word.to_lowercase();
        if STOP_WORDS.contains(&word.as_str()) || terms.contains(&word) {
            continue;
        }
        terms.push(word);
        if terms.len() == MAX_TERMS {
            break;
        }
    }
    terms
}

/// An FTS5 query matching any claim that holds one of `terms`, each quoted
/// so that no FTS5 syntax can come from them; `None` for no terms.
pub fn fts_any(terms: &[String]) -> Option<String> {
    if terms.is_empty() {
        return None;
    }
    let quoted: Vec<String> = terms
        .iter()
        .map(|term| format!("\"{}\"", term.replace('"', "\"\"")))
        .collect();
    Some(quoted.join(" OR "))
}

/// Whether `text` may be matched: what a search query may be
/// ([`super::search::check_size_and_nul`]), and not blank.
pub fn check_text(text: &str) -> Result<(), String> {
    super::search::check_size_and_nul(text)?;
    if text.trim().is_empty() {
        return Err("must not be empty".into());
    }
    Ok(())
}

/// Whether a claim was reviewed, for matching: a final verdict given here,
/// or another fact-checker's review imported with it.
pub fn is_reviewed(claim: &Claim) -> bool {
    claim.external_review.is_some() || (claim.review.verdict.is_some() && claim.review.verdict_final)
}

/// Orders matches reviewed first, then by score, highest first; ties keep
/// their order (the store's).
pub fn order_matches<T>(matches: &mut [T], key: impl Fn(&T) -> (bool, f64)) {
    matches.sort_by(|a, b| {
        let (a_reviewed, a_score) = key(a);
        let (b_reviewed, b_score) = key(b);
        b_reviewed.cmp(&a_reviewed).then(b_score.total_cmp(&a_score))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fusion_weighs_normalised_bm25_against_the_cosine() {
        // "a" is BM25's best (normalised 1.0) but far in meaning; "c" only
        // the embeddings found.
        let bm25 = [("a", 8.0), ("b", 4.0)];
        let dense = [("c", 0.9f32), ("b", 0.5)];
        let found = candidates(&bm25, &dense, |key| match key {
            "a" => 0.1,
            _ => unreachable!("b and c have their cosines"),
        });
        assert_eq!(found.len(), 3);
        assert_eq!(
            found[0],
            Candidate {
                key: "a",
                bm25: 1.0,
                cosine: f64::from(0.1f32)
            }
        );
        assert_eq!(found[1].bm25, 0.5);
        assert_eq!(
            found[2],
            Candidate {
                key: "c",
                bm25: 0.0,
                cosine: f64::from(0.9f32)
            }
        );
        let keys = |w| fuse(&found, w).into_iter().map(|(k, _)| k).collect::<Vec<_>>();
        assert_eq!(keys(1.0), ["a", "b", "c"]);
        assert_eq!(keys(0.0), ["c", "b", "a"]);
        // 0.5: a = 0.55, b = 0.5, c = 0.45.
        assert_eq!(keys(0.5), ["a", "b", "c"]);
        // 0.25: a = 0.325, b = 0.5, c = 0.675.
        assert_eq!(keys(0.25), ["c", "b", "a"]);
    }

    #[test]
    fn an_embedded_tweet_loses_its_links_and_date_but_keeps_its_author() {
        let tweet = "Trump needs to divest. pic.twitter.com/0eJtwJyS1J https://t.co/x — Ilhan Omar (@IlhanMN) January 6, 2020";
        assert_eq!(normalise(tweet), "Trump needs to divest. — Ilhan Omar (IlhanMN)");
    }

    #[test]
    fn hashtags_and_handles_keep_their_words() {
        assert_eq!(
            normalise("How are butterflies surviving the #AustralianFires? @CenterForBioDiv"),
            "How are butterflies surviving the AustralianFires? CenterForBioDiv"
        );
    }

    #[test]
    fn a_date_not_after_a_handle_stays() {
        assert_eq!(
            normalise("The vote is on March 3, 2020"),
            "The vote is on March 3, 2020"
        );
    }

    #[test]
    fn the_query_is_distinct_quoted_words_without_stop_words() {
        assert_eq!(
            fts_any(&match_terms(
                "The sanctions could lead to a rupture in ties; sanctions!"
            ))
            .as_deref(),
            Some("\"sanctions\" OR \"could\" OR \"lead\" OR \"rupture\" OR \"ties\"")
        );
    }

    #[test]
    fn fts_syntax_in_the_text_is_only_words() {
        let query = fts_any(&match_terms("text:NEAR(\"a\" b*) OR -c ^d")).unwrap();
        assert_eq!(query, "\"text\" OR \"near\" OR \"b\" OR \"c\" OR \"d\"");
    }

    #[test]
    fn nothing_left_is_no_query() {
        assert!(match_terms("the a of https://example.com #").is_empty());
        assert_eq!(fts_any(&[]), None);
    }

    #[test]
    fn reviewed_matches_come_first_then_the_closest() {
        let mut matches = vec![
            ("a", 3.0, false),
            ("b", 1.0, true),
            ("c", 9.0, false),
            ("d", 2.0, true),
        ];
        order_matches(&mut matches, |(_, score, reviewed)| (*reviewed, *score));
        let names: Vec<&str> = matches.iter().map(|(name, _, _)| *name).collect();
        assert_eq!(names, ["d", "b", "c", "a"]);
    }

    #[test]
    fn texts_too_long_empty_or_with_nul_are_refused() {
        assert!(check_text("sanctions").is_ok());
        assert!(check_text(&"x".repeat(1001)).unwrap_err().contains("1001 bytes"));
        assert!(check_text("a\0b").unwrap_err().contains("NUL"));
        assert!(check_text("  ").is_err());
    }

    #[test]
    fn a_long_text_is_capped() {
        let text: Vec<String> = (0..500).map(|i| format!("word{i}")).collect();
        assert_eq!(match_terms(&text.join(" ")).len(), MAX_TERMS);
    }
}
