//! Metrics for the check-worthy class: precision, recall, F1, average precision and threshold choice.

/// Counts of a binary decision against the labels, the check-worthy class positive.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Confusion {
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
    pub true_negatives: usize,
}

impl Confusion {
    /// Counts `score >= threshold` as a check-worthy prediction.
    pub fn at_threshold(scores: &[f64], labels: &[bool], threshold: f64) -> Confusion {
        let mut confusion = Confusion::default();
        for (&score, &label) in scores.iter().zip(labels) {
            match (score >= threshold, label) {
                (true, true) => confusion.true_positives += 1,
                (true, false) => confusion.false_positives += 1,
                (false, true) => confusion.false_negatives += 1,
                (false, false) => confusion.true_negatives += 1,
            }
        }
        confusion
    }

    /// Of the sentences predicted check-worthy, the share that are; 0 when none are predicted.
    pub fn precision(&self) -> f64 {
        ratio(self.true_positives, self.true_positives + self.false_positives)
    }

    /// Of the check-worthy sentences, the share predicted; 0 when there are none.
    pub fn recall(&self) -> f64 {
        ratio(self.true_positives, self.true_positives + self.false_negatives)
    }

    /// The harmonic mean of precision and recall; 0 when both are 0.
    pub fn f1(&self) -> f64 {
        ratio(
            2 * self.true_positives,
            2 * self.true_positives + self.false_positives + self.false_negatives,
        )
    }
}

fn ratio(numerator: usize, denominator: usize) -> f64 {
    if denominator == 0 {
        0.0
    } else {
        numerator as f64 / denominator as f64
    }
}

/// Average precision of the ranking by descending score: the mean of the
/// precision at the rank of each check-worthy sentence. Ties keep input order.
/// 0 when nothing is check-worthy.
pub fn average_precision(scores: &[f64], labels: &[bool]) -> f64 {
    let order = descending_order(scores);
    let mut n_found = 0usize;
    let mut sum = 0.0;
    for (rank_idx, &sentence_idx) in order.iter().enumerate() {
        if labels[sentence_idx] {
            n_found += 1;
            sum += n_found as f64 / (rank_idx + 1) as f64;
        }
    }
    if n_found == 0 { 0.0 } else { sum / n_found as f64 }
}

/// The threshold that maximises F1, and that F1: every distinct score is
/// tried as a cut. Among equal F1s the highest threshold wins, which keeps
/// precision up.
pub fn best_f1_threshold(scores: &[f64], labels: &[bool]) -> (f64, f64) {
    let order = descending_order(scores);
    let n_positive = labels.iter().filter(|&&label| label).count();
    let mut true_positives = 0usize;
    let mut best = (1.0, 0.0);
    for (rank_idx, &sentence_idx) in order.iter().enumerate() {
        if labels[sentence_idx] {
            true_positives += 1;
        }
        // Only cut between distinct scores: equal scores get one decision.
        let is_last_of_its_score = order
            .get(rank_idx + 1)
            .is_none_or(|&next_idx| scores[next_idx] < scores[sentence_idx]);
        if !is_last_of_its_score {
            continue;
        }
        let n_predicted = rank_idx + 1;
        let f1 = ratio(2 * true_positives, n_predicted + n_positive);
        if f1 > best.1 {
            best = (scores[sentence_idx], f1);
        }
    }
    best
}

fn descending_order(scores: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precision_recall_f1_arithmetic() {
        let scores = [0.9, 0.8, 0.7, 0.4, 0.3, 0.1];
        let labels = [true, false, true, true, false, false];
        let confusion = Confusion::at_threshold(&scores, &labels, 0.5);
        assert_eq!(
            confusion,
            Confusion {
                true_positives: 2,
                false_positives: 1,
                false_negatives: 1,
                true_negatives: 2,
            }
        );
        assert!((confusion.precision() - 2.0 / 3.0).abs() < 1e-12);
        assert!((confusion.recall() - 2.0 / 3.0).abs() < 1e-12);
        assert!((confusion.f1() - 2.0 / 3.0).abs() < 1e-12);
        let lopsided = Confusion {
            true_positives: 1,
            false_positives: 0,
            false_negatives: 3,
            true_negatives: 0,
        };
        // P = 1, R = 1/4, F1 = 2PR/(P+R) = 0.4.
        assert!((lopsided.f1() - 0.4).abs() < 1e-12);
        assert_eq!(Confusion::default().f1(), 0.0);
        assert_eq!(Confusion::default().precision(), 0.0);
    }

    #[test]
    fn average_precision_of_a_ranking() {
        // Positives at ranks 1 and 3: (1/1 + 2/3) / 2.
        let ap = average_precision(&[0.9, 0.5, 0.4], &[true, false, true]);
        assert!((ap - (1.0 + 2.0 / 3.0) / 2.0).abs() < 1e-12);
        assert_eq!(average_precision(&[0.3], &[false]), 0.0);
    }

    #[test]
    fn best_threshold_cuts_between_distinct_scores() {
        let scores = [0.9, 0.8, 0.6, 0.6, 0.2];
        let labels = [true, true, false, true, false];
        let (threshold, f1) = best_f1_threshold(&scores, &labels);
        // Cutting at 0.8 gives P=1, R=2/3, F1=0.8; at 0.6, P=3/4, R=1, F1=6/7.
        assert_eq!(threshold, 0.6);
        assert!((f1 - 6.0 / 7.0).abs() < 1e-12);
        let confusion = Confusion::at_threshold(&scores, &labels, threshold);
        assert!((confusion.f1() - f1).abs() < 1e-12);
    }
}
