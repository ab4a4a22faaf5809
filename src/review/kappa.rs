//! Inter-reviewer agreement: Cohen's kappa over claims that two different reviewers judged.

use std::collections::HashMap;

use crate::model::Verdict;

/// Cohen's kappa for pairs of verdicts on the same claims (first reviewer,
/// second reviewer): 1 is perfect agreement, 0 what chance alone gives.
/// `None` when there are no pairs, or when chance agreement is already
/// certain (both reviewers always gave one and the same verdict), where
/// kappa is undefined.
pub fn cohens_kappa(pairs: &[(Verdict, Verdict)]) -> Option<f64> {
    if pairs.is_empty() {
        return None;
    }
    let n = pairs.len() as f64;
    let observed = pairs.iter().filter(|(first, second)| first == second).count() as f64 / n;
    let mut first_counts: HashMap<Verdict, f64> = HashMap::new();
    let mut second_counts: HashMap<Verdict, f64> = HashMap::new();
    for (first, second) in pairs {
        *first_counts.entry(*first).or_default() += 1.0;
        *second_counts.entry(*second).or_default() += 1.0;
    }
    let expected: f64 = first_counts
        .iter()
        .map(|(verdict, count)| (count / n) * (second_counts.get(verdict).copied().unwrap_or(0.0) / n))
        .sum();
    if (1.0 - expected).abs() < f64::EPSILON {
        return None;
    }
    Some((observed - expected) / (1.0 - expected))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Verdict::*;

    #[test]
    fn perfect_agreement_is_one() {
        let pairs = [(True, True), (False, False), (Mixed, Mixed)];
        assert_eq!(cohens_kappa(&pairs), Some(1.0));
    }

    #[test]
    fn a_textbook_example() {
        // 50 items: both yes 20, both no 15, first yes second no 5, first no
        // second yes 10: po = 0.7, pe = 0.5 * 0.6 + 0.5 * 0.4 = 0.5, kappa = 0.4.
        let mut pairs = Vec::new();
        pairs.extend(std::iter::repeat_n((True, True), 20));
        pairs.extend(std::iter::repeat_n((False, False), 15));
        pairs.extend(std::iter::repeat_n((True, False), 5));
        pairs.extend(std::iter::repeat_n((False, True), 10));
        let kappa = cohens_kappa(&pairs).unwrap();
        assert!((kappa - 0.4).abs() < 1e-12, "{kappa}");
    }

    #[test]
    fn systematic_disagreement_is_negative_and_degenerate_cases_are_none() {
        let kappa = cohens_kappa(&[(True, False), (False, True)]).unwrap();
        assert!((kappa + 1.0).abs() < 1e-12);
        assert_eq!(cohens_kappa(&[]), None);
        assert_eq!(cohens_kappa(&[(True, True), (True, True)]), None);
    }
}
