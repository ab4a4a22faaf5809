//! The review rules: what a valid review is, what a claim's state becomes after one, and etags.

use std::time::Duration;

use crate::links;
use crate::model::{ClaimStatus, Verdict};

/// How long a lease lasts unless the server is told otherwise.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(15 * 60);
/// How many claims one reviewer may hold at once unless the server is told
/// otherwise: enough to keep a few open, too few to empty the queue.
pub const DEFAULT_MAX_LEASES: u32 = 5;
/// The longest rationale accepted, in characters.
pub const MAX_RATIONALE_CHARS: usize = 10_000;
/// The most evidence URLs one review may cite.
pub const MAX_EVIDENCE_URLS: usize = 20;
/// The longest corrected claim text or speaker accepted, in bytes.
pub const MAX_CLAIM_TEXT_BYTES: usize = 10_000;
pub const MAX_SPEAKER_BYTES: usize = 1000;

/// How verdicts become final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReviewPolicy {
    /// A verdict is final only once a second, different reviewer agrees.
    pub second_review: bool,
}

/// Something wrong with one field of a review or an edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: String,
    pub description: String,
}

fn problem(field: impl Into<String>, description: impl Into<String>) -> Problem {
    Problem {
        field: field.into(),
        description: description.into(),
    }
}

/// Checks a review's rationale and evidence, returning every problem.
pub fn check_review(rationale: &str, evidence_urls: &[String]) -> Vec<Problem> {
    let mut problems = Vec::new();
    if rationale.trim().is_empty() {
        problems.push(problem("rationale", "is required: say why the verdict holds"));
    } else if rationale.chars().count() > MAX_RATIONALE_CHARS {
        problems.push(problem(
            "rationale",
            format!("is longer than {MAX_RATIONALE_CHARS} characters"),
        ));
    } else if rationale
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        problems.push(problem("rationale", "must not contain control characters"));
    }
    if evidence_urls.len() > MAX_EVIDENCE_URLS {
        problems.push(problem(
            "evidence_urls",
            format!("has {} URLs, more than {MAX_EVIDENCE_URLS}", evidence_urls.len()),
        ));
    }
    for (idx, url) in evidence_urls.iter().enumerate() {
        if let Err(description) = links::check_url(url) {
            problems.push(problem(format!("evidence_urls[{idx}]"), description));
        }
    }
    problems
}

/// Checks a corrected text or speaker.
pub fn check_claim_field(field: &str, value: &str) -> Option<Problem> {
    // Callers name the field as the request does, e.g. `claim.speaker`.
    let max = if field == "speaker" || field.ends_with(".speaker") {
        MAX_SPEAKER_BYTES
    } else {
        MAX_CLAIM_TEXT_BYTES
    };
    if value.trim().is_empty() {
        Some(problem(field, "must not be empty"))
    } else if value.len() > max {
        Some(problem(field, format!("is longer than {max} bytes")))
    } else if value.chars().any(char::is_control) {
        Some(problem(field, "must not contain control characters"))
    } else {
        None
    }
}

/// One review in a claim's history, as the rules need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Judgement<'a> {
    pub reviewer: &'a str,
    pub verdict: Verdict,
}

/// Where a claim stands after its reviews.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub status: ClaimStatus,
    /// The latest verdict, if any.
    pub verdict: Option<Verdict>,
    /// Whether the verdict needs no further review.
    pub verdict_final: bool,
}

/// The state a claim's review history (oldest first) puts it in.
///
/// Without second review, the latest verdict is final. With it, the latest
/// verdict is compared with the most recent one by a *different* reviewer
/// (a reviewer who changes their mind does not agree with themselves): none
/// yet means it waits for a second opinion (REVIEWED, not final); the same
/// verdict makes it final; another verdict makes it DISPUTED, back in the
/// queue until someone else agrees with the latest.
pub fn outcome(history: &[Judgement<'_>], policy: ReviewPolicy) -> Outcome {
    let Some(latest) = history.last() else {
        return Outcome {
            status: ClaimStatus::Unreviewed,
            verdict: None,
            verdict_final: false,
        };
    };
    if !policy.second_review {
        return Outcome {
            status: ClaimStatus::Reviewed,
            verdict: Some(latest.verdict),
            verdict_final: true,
        };
    }
    let other = history
        .iter()
        .rev()
        .find(|judgement| judgement.reviewer != latest.reviewer);
    let (status, verdict_final) = match other {
        None => (ClaimStatus::Reviewed, false),
        Some(other) if other.verdict == latest.verdict => (ClaimStatus::Reviewed, true),
        Some(_) => (ClaimStatus::Disputed, false),
    };
    Outcome {
        status,
        verdict: Some(latest.verdict),
        verdict_final,
    }
}

/// The first review and the first later review by someone else, for
/// claims judged by two different reviewers: what agreement is measured on.
pub fn first_two_opinions(history: &[Judgement<'_>]) -> Option<(Verdict, Verdict)> {
    let first = history.first()?;
    let second = history
        .iter()
        .find(|judgement| judgement.reviewer != first.reviewer)?;
    Some((first.verdict, second.verdict))
}

/// The etag of a claim at `version`: opaque to callers.
pub fn etag(version: i64) -> String {
    format!("W/\"{version}\"")
}

/// The version an etag names, or `None` when it is not one [`etag`] makes
/// (a malformed etag is the caller's mistake, not a changed claim).
pub fn parse_etag(etag_given: &str) -> Option<i64> {
    let digits = etag_given.strip_prefix("W/\"")?.strip_suffix('"')?;
    let canonical = !digits.is_empty()
        && digits.bytes().all(|byte| byte.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    if !canonical {
        return None;
    }
    digits.parse().ok()
}

/// Whether `etag` names `version`.
pub fn etag_matches(etag_given: &str, version: i64) -> bool {
    parse_etag(etag_given) == Some(version)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Verdict::*;

    fn judged<'a>(reviews: &[(&'a str, Verdict)]) -> Vec<Judgement<'a>> {
        reviews
            .iter()
            .map(|(reviewer, verdict)| Judgement {
                reviewer,
                verdict: *verdict,
            })
            .collect()
    }

    const SECOND: ReviewPolicy = ReviewPolicy { second_review: true };

    #[test]
    fn one_review_is_final_without_second_review() {
        let outcome = outcome(&judged(&[("ann", False)]), ReviewPolicy::default());
        assert_eq!(outcome.status, ClaimStatus::Reviewed);
        assert_eq!(outcome.verdict, Some(False));
        assert!(outcome.verdict_final);
        let none = super::outcome(&[], ReviewPolicy::default());
        assert_eq!(none.status, ClaimStatus::Unreviewed);
    }

    #[test]
    fn second_review_needs_a_different_reviewer_who_agrees() {
        let first = outcome(&judged(&[("ann", False)]), SECOND);
        assert_eq!(
            (first.status, first.verdict_final),
            (ClaimStatus::Reviewed, false)
        );
        let same_again = outcome(&judged(&[("ann", False), ("ann", False)]), SECOND);
        assert!(!same_again.verdict_final, "nobody agrees with themselves");
        let agreed = outcome(&judged(&[("ann", False), ("bob", False)]), SECOND);
        assert_eq!(
            (agreed.status, agreed.verdict_final),
            (ClaimStatus::Reviewed, true)
        );
        let disputed = outcome(&judged(&[("ann", False), ("bob", True)]), SECOND);
        assert_eq!(disputed.status, ClaimStatus::Disputed);
        assert_eq!(disputed.verdict, Some(True));
        let resolved = outcome(&judged(&[("ann", False), ("bob", True), ("cy", True)]), SECOND);
        assert_eq!(
            (resolved.status, resolved.verdict_final),
            (ClaimStatus::Reviewed, true)
        );
        let changed_mind = outcome(&judged(&[("ann", False), ("bob", True), ("bob", False)]), SECOND);
        assert!(changed_mind.verdict_final, "bob now agrees with ann");
    }

    #[test]
    fn agreement_pairs_the_first_two_reviewers() {
        assert_eq!(first_two_opinions(&judged(&[("ann", False)])), None);
        assert_eq!(
            first_two_opinions(&judged(&[
                ("ann", False),
                ("ann", True),
                ("bob", Mixed),
                ("cy", True)
            ])),
            Some((False, Mixed))
        );
    }

    #[test]
    fn reviews_need_a_rationale_and_web_evidence() {
        assert!(
            check_review(
                "Official figures say otherwise.",
                &["https://example.org/x".into()]
            )
            .is_empty()
        );
        let problems = check_review(
            " ",
            &["ftp://x".into(), "https://ok.example".into(), "/relative".into()],
        );
        let fields: Vec<&str> = problems.iter().map(|problem| problem.field.as_str()).collect();
        assert_eq!(fields, ["rationale", "evidence_urls[0]", "evidence_urls[2]"]);
        assert_eq!(
            check_review(&"x".repeat(MAX_RATIONALE_CHARS + 1), &[])[0].field,
            "rationale"
        );
        let many = vec!["https://example.org".to_owned(); MAX_EVIDENCE_URLS + 1];
        assert_eq!(check_review("ok", &many)[0].field, "evidence_urls");
    }

    #[test]
    fn etags_name_one_version() {
        assert!(etag_matches(&etag(3), 3));
        assert!(!etag_matches(&etag(3), 4));
        assert!(!etag_matches("3", 3));
    }

    // See: #16 (a malformed etag was reported as a changed claim).
    #[test]
    fn only_the_etags_the_server_makes_parse() {
        for version in [0, 1, 42, i64::MAX] {
            assert_eq!(parse_etag(&etag(version)), Some(version));
        }
        for malformed in [
            "",
            "1",
            "\"1\"",
            "W/1",
            "W/\"\"",
            "W/\"01\"",
            "W/\"-1\"",
            "W/\"+1\"",
            "W/\"1 \"",
            "w/\"1\"",
            "*",
            "W/\"99999999999999999999\"",
            "W/\"1\"x",
        ] {
            assert_eq!(parse_etag(malformed), None, "{malformed:?}");
        }
    }
}
