//! Check-worthiness: cheap surface features of a sentence and the learned score over them.
//!
//! [`sentence_features`] computes the structural features (numbers, dates,
//! named entities, stance); [`checkworthiness`] feeds them, with the words,
//! to the learned [`model`], with what the sentence's analysis says
//! ([`syntax`](super::syntax)) when the model reads it.

use claimdb_analysis::pipeline::Models;

use super::lexicon::Lexeme;
use super::model;
use super::syntax::{SyntaxFeatures, syntax_features};
use super::words::{Word, words};

/// Surface features of one sentence.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Features {
    pub n_words: usize,
    /// Digit-led tokens ("50", "3.5", "2021") and number words ("million", "dozen").
    pub n_numbers: usize,
    /// A `%` sign or "percent"/"per cent".
    pub has_percent: bool,
    /// A currency sign or currency word.
    pub has_money: bool,
    /// Month and weekday names, years, "yesterday" and the like.
    pub n_date_words: usize,
    /// Runs of capitalised words, not counting a single ordinary word at the sentence start.
    pub n_named_entities: usize,
    pub has_reporting_verb: bool,
    /// "more than", "highest", "for the first time", "record" and the like.
    pub has_comparative: bool,
    /// "may", "might", "could", "perhaps", "reportedly" and the like.
    pub n_hedges: usize,
    /// "I think", "we believe", "in my opinion".
    pub has_first_person_opinion: bool,
    /// "I", "me", "we", "our" and contractions of them.
    pub n_first_person: usize,
    pub is_question: bool,
    pub has_quotation: bool,
    /// What the sentence's analysis says, for a model that reads it
    /// ([`FeatureConfig::analysis`](super::model::FeatureConfig)); `None`
    /// when the sentence was not analysed.
    pub syntax: Option<SyntaxFeatures>,
}

/// Computes the features of `sentence`, whose words are `words`.
pub fn sentence_features(sentence: &str, words: &[Word<'_>]) -> Features {
    let mut features = Features {
        n_words: words.len(),
        is_question: sentence
            .trim_end_matches(|c: char| {
                c.is_whitespace() || matches!(c, '"' | '\'' | '\u{201D}' | '\u{2019}' | ')')
            })
            .ends_with(['?', '\u{FF1F}']),
        ..Features::default()
    };
    // Vectorised byte searches: ASCII signs first, then only the
    // characters that start with the lead byte of a non-ASCII currency sign
    // or curly quote (0xC2 or 0xE2; lead bytes are always character
    // boundaries) are decoded.
    let bytes = sentence.as_bytes();
    for sign_idx in memchr::memchr3_iter(b'%', b'$', b'"', bytes) {
        match bytes[sign_idx] {
            b'%' => features.has_percent = true,
            b'$' => features.has_money = true,
            _ => features.has_quotation = true,
        }
    }
    for lead_idx in memchr::memchr2_iter(0xC2, 0xE2, bytes) {
        match sentence[lead_idx..].chars().next() {
            Some('\u{A3}' | '\u{A5}' | '\u{20AC}' | '\u{20B9}' | '\u{20BD}' | '\u{20A9}') => {
                features.has_money = true;
            }
            Some('\u{201C}' | '\u{201D}') => features.has_quotation = true,
            _ => {}
        }
    }
    let mut run_start_idx = None;
    for (word_idx, word) in words.iter().enumerate() {
        let lexeme = word.lexeme;
        let previous = word_idx.checked_sub(1).map(|previous_idx| &words[previous_idx]);
        let previous_is =
            |text: &str| previous.is_some_and(|previous| previous.text.eq_ignore_ascii_case(text));
        let is_capitalised = word.is_capitalised();
        if word.starts_with_digit() {
            features.n_numbers += 1;
            if is_year(word.text) {
                features.n_date_words += 1;
            }
        }
        // Named entities: runs of capitalised words. A lone word at the
        // sentence start, or a lone ordinary word ("The", "He"), does not count.
        if is_capitalised && run_start_idx.is_none() {
            run_start_idx = Some(word_idx);
        }
        if let Some(start_idx) = run_start_idx {
            let run_ends =
                !is_capitalised || words.get(word_idx + 1).is_none_or(|next| !next.is_capitalised());
            if run_ends {
                let run_len = if is_capitalised { word_idx + 1 } else { word_idx } - start_idx;
                let counts = run_len > 1
                    || (start_idx > 0 && !words[start_idx].lexeme.has(Lexeme::ORDINARY_CAPITALISED));
                if counts {
                    features.n_named_entities += 1;
                }
                run_start_idx = None;
            }
        }
        if lexeme == Lexeme::NONE {
            continue;
        }
        if lexeme.has(Lexeme::NUMBER_WORD) {
            features.n_numbers += 1;
        }
        let is_per_without_cent = word.text.eq_ignore_ascii_case("per")
            && !words
                .get(word_idx + 1)
                .is_some_and(|next| next.text.eq_ignore_ascii_case("cent"));
        if lexeme.has(Lexeme::PERCENT_WORD) && !is_per_without_cent {
            features.has_percent = true;
        }
        if lexeme.has(Lexeme::MONEY_WORD) {
            features.has_money = true;
        }
        // "May" the month is capitalised mid-sentence; "may" the hedge is not.
        let is_month_may = is_capitalised && word_idx > 0 && word.text.eq_ignore_ascii_case("may");
        if lexeme.has(Lexeme::DATE_WORD) || is_month_may {
            features.n_date_words += 1;
        }
        if lexeme.has(Lexeme::REPORTING_VERB) {
            features.has_reporting_verb = true;
        }
        let is_comparative = lexeme.has(Lexeme::SUPERLATIVE)
            || (lexeme.has(Lexeme::THAN)
                && previous.is_some_and(|previous| {
                    previous.lexeme.has(Lexeme::COMPARATIVE_HEAD) || previous.text.ends_with("er")
                }))
            || (lexeme.has(Lexeme::AFTER_FIRST) && previous_is("first"));
        if is_comparative {
            features.has_comparative = true;
        }
        if lexeme.has(Lexeme::HEDGE) && !is_month_may {
            features.n_hedges += 1;
        }
        if lexeme.has(Lexeme::FIRST_PERSON) {
            features.n_first_person += 1;
        }
        let is_opinion = (lexeme.has(Lexeme::OPINION_VERB) && (previous_is("i") || previous_is("we")))
            || (lexeme.has(Lexeme::OPINION_NOUN) && (previous_is("my") || previous_is("our")));
        if is_opinion {
            features.has_first_person_opinion = true;
        }
    }
    // "according to" is a reporting phrase even without a reporting verb.
    if !features.has_reporting_verb {
        features.has_reporting_verb = words.windows(2).any(|pair| {
            pair[0].text.eq_ignore_ascii_case("according") && pair[1].text.eq_ignore_ascii_case("to")
        });
    }
    features
}

/// A year, or a decade written as one ("1990s").
fn is_year(text: &str) -> bool {
    model::is_year_token(text.trim_end_matches('s').as_bytes())
}

/// A score at or above this marks a sentence as check-worthy.
///
/// `claimdb train` picks the decision threshold on the out-of-fold scores of
/// its cross-validation over the training data and folds it into the
/// model's bias, so that it is always 0.5.
pub const CHECKWORTHY_THRESHOLD: f64 = 0.5;

/// Scores how worth checking a sentence is, in 0..=1, with the learned model
/// embedded in the binary (see [`model`]).
///
/// `words` are the sentence's words and `features` its [`sentence_features`].
pub fn checkworthiness(words: &[Word<'_>], features: &Features) -> f64 {
    model::score_embedded(words, features)
}

/// Tokenises `sentence`, computes its features and scores it: the whole
/// scoring path for a sentence that is not part of an article.
pub fn checkworthiness_of_sentence(sentence: &str) -> f64 {
    let sentence_words: Vec<Word<'_>> = words(sentence).collect();
    let mut features = sentence_features(sentence, &sentence_words);
    if model::embedded().config.analysis {
        features.syntax = Some(syntax_features(
            &Models::embedded().analyse(sentence, 0..sentence.len()),
        ));
    }
    checkworthiness(&sentence_words, &features)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features_of(sentence: &str) -> Features {
        let sentence_words: Vec<Word<'_>> = words(sentence).collect();
        sentence_features(sentence, &sentence_words)
    }

    #[test]
    fn numbers_percentages_and_money() {
        let features = features_of("Prices rose 3.5% to $1.2bn, or 50 percent more than in 2021.");
        assert_eq!(features.n_numbers, 4);
        assert!(features.has_percent && features.has_money && features.has_comparative);
        assert_eq!(features.n_date_words, 1);
        assert!(features_of("It fell by half per cent.").has_percent);
        assert!(!features_of("Sales per store fell.").has_percent);
    }

    #[test]
    fn named_entities_ignore_ordinary_sentence_starts() {
        assert_eq!(
            features_of("The call was requested by Mr Putin.").n_named_entities,
            1
        );
        assert_eq!(
            features_of("US President Joe Biden spoke to Vladimir Putin on Thursday.").n_named_entities,
            3
        );
        assert_eq!(features_of("Growth slowed.").n_named_entities, 0);
    }

    #[test]
    fn may_is_a_month_only_when_capitalised_mid_sentence() {
        let month = features_of("Inflation rose in May.");
        assert_eq!((month.n_date_words, month.n_hedges), (1, 0));
        let hedge = features_of("Inflation may rise.");
        assert_eq!((hedge.n_date_words, hedge.n_hedges), (0, 1));
    }

    #[test]
    fn opinions_questions_and_hedges() {
        assert!(features_of("I think taxes are too high.").has_first_person_opinion);
        assert!(features_of("In my opinion it failed.").has_first_person_opinion);
        assert!(features_of("Is it true?\u{201D}").is_question);
        assert_eq!(features_of("It could perhaps reportedly rise.").n_hedges, 3);
    }

    #[test]
    fn scores_rank_concrete_claims_above_rhetoric() {
        let cocaine = checkworthiness_of_sentence("We're consuming 50 percent of the world's cocaine.");
        let governor = checkworthiness_of_sentence("Let me help the governor.");
        assert!(cocaine > governor, "{cocaine} vs {governor}");
        assert!(cocaine >= CHECKWORTHY_THRESHOLD, "{cocaine}");
        assert!(governor < CHECKWORTHY_THRESHOLD, "{governor}");
        let statistic =
            checkworthiness_of_sentence("Unemployment rose to 5% in March, the highest since 2009.");
        let opinion = checkworthiness_of_sentence("I think we should do better.");
        assert!(statistic > opinion, "{statistic} vs {opinion}");
    }

    #[test]
    fn score_stays_in_range() {
        for sentence in ["", ".", "50% 50% 50%", "?", &"word ".repeat(10_000), "\u{1F600}"] {
            let value = checkworthiness_of_sentence(sentence);
            assert!((0.0..=1.0).contains(&value), "{sentence:?}: {value}");
        }
    }
}
