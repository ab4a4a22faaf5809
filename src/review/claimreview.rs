//! Verdicts in the words and numbers of schema.org ClaimReview: the 1–5 scale claimdb publishes,
//! the table that reads other fact-checkers' rating words back into verdicts, and the identity of
//! an external review that has no URL.
//!
//! Pure domain logic: the JSON lives at the edges (`export::claimreview` writes it,
//! `import::claimreview` reads it), and both go through this one table so that what claimdb
//! writes it reads back as the same verdict.

use crate::model::Verdict;

/// The best value of claimdb's rating scale (`bestRating`).
pub const BEST_RATING: u8 = 5;
/// The worst value of claimdb's rating scale (`worstRating`).
pub const WORST_RATING: u8 = 1;

/// Where a verdict stands on the 1–5 scale (5 true, 1 false). Verdicts that
/// are not a degree of truth (unverifiable, not a claim) have no place on it
/// and are published with their words only.
pub fn scale_value(verdict: Verdict) -> Option<u8> {
    match verdict {
        Verdict::True => Some(5),
        Verdict::MostlyTrue => Some(4),
        Verdict::Mixed => Some(3),
        // Misleading is as far from the truth as mostly false; its words
        // tell the two apart.
        Verdict::MostlyFalse | Verdict::Misleading => Some(2),
        Verdict::False => Some(1),
        Verdict::Unverifiable | Verdict::NotAClaim => None,
    }
}

/// The verdict in words, as published in `reviewRating.alternateName`.
pub fn verdict_words(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::True => "True",
        Verdict::MostlyTrue => "Mostly true",
        Verdict::Mixed => "Mixed",
        Verdict::MostlyFalse => "Mostly false",
        Verdict::False => "False",
        Verdict::Misleading => "Misleading",
        Verdict::Unverifiable => "Unverifiable",
        Verdict::NotAClaim => "Not a claim",
    }
}

/// Rating words as fact-checkers publish them (lower case, punctuation and
/// repeated spaces removed) → the verdict they mean. README.md shows this
/// table; extend both together.
pub const RATING_WORDS: &[(&str, Verdict)] = &[
    ("true", Verdict::True),
    ("correct", Verdict::True),
    ("accurate", Verdict::True),
    ("correct attribution", Verdict::True),
    ("mostly true", Verdict::MostlyTrue),
    ("mostly correct", Verdict::MostlyTrue),
    ("mostly accurate", Verdict::MostlyTrue),
    ("half true", Verdict::Mixed),
    ("mixed", Verdict::Mixed),
    ("mixture", Verdict::Mixed),
    ("partly true", Verdict::Mixed),
    ("partly false", Verdict::Mixed),
    ("partially true", Verdict::Mixed),
    ("partially false", Verdict::Mixed),
    ("mostly false", Verdict::MostlyFalse),
    ("mostly inaccurate", Verdict::MostlyFalse),
    ("false", Verdict::False),
    ("incorrect", Verdict::False),
    ("inaccurate", Verdict::False),
    ("wrong", Verdict::False),
    ("pants on fire", Verdict::False),
    ("fake", Verdict::False),
    ("fabricated", Verdict::False),
    ("hoax", Verdict::False),
    ("scam", Verdict::False),
    ("four pinocchios", Verdict::False),
    ("misleading", Verdict::Misleading),
    ("missing context", Verdict::Misleading),
    ("out of context", Verdict::Misleading),
    ("exaggerated", Verdict::Misleading),
    ("miscaptioned", Verdict::Misleading),
    ("outdated", Verdict::Misleading),
    ("unproven", Verdict::Unverifiable),
    ("unverifiable", Verdict::Unverifiable),
    ("unverified", Verdict::Unverifiable),
    ("unsupported", Verdict::Unverifiable),
    ("no evidence", Verdict::Unverifiable),
    ("satire", Verdict::NotAClaim),
    ("labeled satire", Verdict::NotAClaim),
    ("not a claim", Verdict::NotAClaim),
    ("opinion", Verdict::NotAClaim),
];

/// Lower case, letters and digits only, one space between words: the form
/// rating words and claim texts are compared in.
pub fn normalise_words(text: &str) -> String {
    let mut normalised = String::with_capacity(text.len());
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
    {
        if !normalised.is_empty() {
            normalised.push(' ');
        }
        normalised.extend(word.chars().flat_map(char::to_lowercase));
    }
    normalised
}

/// The verdict rating words stand for, if the table knows them.
pub fn verdict_from_words(words: &str) -> Option<Verdict> {
    let normalised = normalise_words(words);
    RATING_WORDS
        .iter()
        .find(|(known, _)| *known == normalised)
        .map(|&(_, verdict)| verdict)
}

/// The verdict a numeric rating stands for, normalised by its scale to 0
/// (worst) … 1 (best) and read in five equal steps, so that claimdb's own
/// 1–5 scale reads back exactly. `None` when the scale is empty or the value
/// lies outside it.
pub fn verdict_from_number(value: f64, best: f64, worst: f64) -> Option<Verdict> {
    if !(value.is_finite() && best.is_finite() && worst.is_finite()) || best == worst {
        return None;
    }
    let position = (value - worst) / (best - worst);
    if !(0.0..=1.0).contains(&position) {
        return None;
    }
    Some(if position >= 0.875 {
        Verdict::True
    } else if position >= 0.625 {
        Verdict::MostlyTrue
    } else if position >= 0.375 {
        Verdict::Mixed
    } else if position >= 0.125 {
        Verdict::MostlyFalse
    } else {
        Verdict::False
    })
}

/// A published rating as it was read: its words and its number on its scale.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PublishedRating {
    pub words: Option<String>,
    pub value: Option<f64>,
    pub best: Option<f64>,
    pub worst: Option<f64>,
}

/// The verdict of a published rating: the words when the table knows them,
/// else the number on its scale (schema.org's default scale is 1–5), else
/// [`Verdict::Unverifiable`] (the words are kept beside it by the caller).
pub fn verdict_of(rating: &PublishedRating) -> Verdict {
    if let Some(verdict) = rating.words.as_deref().and_then(verdict_from_words) {
        return verdict;
    }
    rating
        .value
        .and_then(|value| {
            verdict_from_number(
                value,
                rating.best.unwrap_or(f64::from(BEST_RATING)),
                rating.worst.unwrap_or(f64::from(WORST_RATING)),
            )
        })
        .unwrap_or(Verdict::Unverifiable)
}

/// What identifies an external review that has no URL: its publisher and the
/// claim's text, both normalised, so that the same review read twice (with
/// different spacing, case or markup) is stored once.
pub fn external_review_key(publisher: &str, claim_text: &str) -> String {
    format!("{}\n{}", normalise_words(publisher), normalise_words(claim_text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_verdict_reads_back_from_its_words_and_from_its_number() {
        for &verdict in Verdict::ALL {
            assert_eq!(
                verdict_from_words(verdict_words(verdict)),
                Some(verdict),
                "{verdict}"
            );
            if let Some(value) = scale_value(verdict) {
                let by_number = verdict_from_number(f64::from(value), 5.0, 1.0).unwrap();
                // Misleading shares its place with mostly false; only its
                // words tell it apart.
                let expected = if verdict == Verdict::Misleading {
                    Verdict::MostlyFalse
                } else {
                    verdict
                };
                assert_eq!(by_number, expected, "{verdict}");
            }
        }
    }

    #[test]
    fn published_words_are_read_whatever_their_case_and_punctuation() {
        assert_eq!(verdict_from_words("Pants on Fire!"), Some(Verdict::False));
        assert_eq!(verdict_from_words("  HALF-TRUE "), Some(Verdict::Mixed));
        assert_eq!(verdict_from_words("Mostly True"), Some(Verdict::MostlyTrue));
        assert_eq!(verdict_from_words("Unproven"), Some(Verdict::Unverifiable));
        assert_eq!(verdict_from_words("Satire"), Some(Verdict::NotAClaim));
        assert_eq!(verdict_from_words("Misleading"), Some(Verdict::Misleading));
        assert_eq!(verdict_from_words("Three Pinocchios"), None);
    }

    #[test]
    fn numbers_are_normalised_by_their_scale() {
        // A 0–10 scale: 10 true, 0 false, 5 half way.
        assert_eq!(verdict_from_number(10.0, 10.0, 0.0), Some(Verdict::True));
        assert_eq!(verdict_from_number(5.0, 10.0, 0.0), Some(Verdict::Mixed));
        assert_eq!(verdict_from_number(0.0, 10.0, 0.0), Some(Verdict::False));
        // A reversed scale, best lowest.
        assert_eq!(verdict_from_number(1.0, 1.0, 5.0), Some(Verdict::True));
        assert_eq!(verdict_from_number(6.0, 5.0, 1.0), None);
        assert_eq!(verdict_from_number(3.0, 3.0, 3.0), None);
        assert_eq!(verdict_from_number(f64::NAN, 5.0, 1.0), None);
    }

    #[test]
    fn words_win_over_numbers_and_unknown_ratings_are_unverifiable() {
        let rating = PublishedRating {
            words: Some("False".into()),
            value: Some(5.0),
            ..Default::default()
        };
        assert_eq!(verdict_of(&rating), Verdict::False);
        let by_number = PublishedRating {
            words: Some("Three Pinocchios".into()),
            value: Some(2.0),
            best: Some(5.0),
            worst: Some(1.0),
        };
        assert_eq!(verdict_of(&by_number), Verdict::MostlyFalse);
        let unknown = PublishedRating {
            words: Some("Spicy".into()),
            ..Default::default()
        };
        assert_eq!(verdict_of(&unknown), Verdict::Unverifiable);
    }

    #[test]
    fn the_identity_of_a_review_without_url_ignores_spacing_case_and_markup_left_overs() {
        assert_eq!(
            external_review_key("PolitiFact", "The moon is  made of cheese."),
            external_review_key("politifact", "the moon is made of cheese")
        );
        assert_ne!(
            external_review_key("PolitiFact", "The moon is made of cheese"),
            external_review_key("Snopes", "The moon is made of cheese")
        );
    }
}
