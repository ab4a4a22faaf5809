//! Claim filtering: decides which sentences cannot be claims, and says why.
//!
//! Only sentences that plainly assert nothing are skipped; everything else is
//! kept and left to the check-worthiness score.

use super::lexicon::Lexeme;
use super::words::{Word, lower_key};

/// Sentences with fewer words than this are fragments.
pub const MIN_CLAIM_WORDS: usize = 4;

/// Openings of greetings and web boilerplate, lower case, as (first word,
/// second word); an empty second word matches anything. Two words are enough
/// to make every opening unambiguous.
const NON_CLAIM_OPENINGS: &[(&str, &str)] = &[
    ("click", "here"),
    ("read", "more"),
    ("read", "the"),
    ("subscribe", ""),
    ("sign", "up"),
    ("follow", "us"),
    ("share", "this"),
    ("advertisement", ""),
    ("all", "rights"),
    ("copyright", ""),
    ("hello", ""),
    ("hi", ""),
    ("hey", ""),
    ("dear", ""),
    ("good", "morning"),
    ("good", "afternoon"),
    ("good", "evening"),
    ("thank", "you"),
    ("thanks", "for"),
    ("welcome", "to"),
];

/// Why `sentence` is not a claim, or `None` when it may be one.
pub fn skip_reason(sentence: &str, words: &[Word<'_>]) -> Option<&'static str> {
    if words.is_empty() {
        return Some("skipped: no words");
    }
    if is_url(sentence) {
        return Some("skipped: url");
    }
    if starts_with_non_claim_opening(words) {
        return Some("skipped: greeting or boilerplate");
    }
    let last_mark = sentence.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, '"' | '\'' | '\u{201D}' | '\u{2019}' | ')' | ']')
    });
    if last_mark.ends_with(['?', '\u{FF1F}']) {
        return Some("skipped: question");
    }
    if words.len() < MIN_CLAIM_WORDS {
        return Some("skipped: too short");
    }
    if !words.iter().any(is_verb_like) {
        return Some("skipped: no verb");
    }
    None
}

/// True for a sentence that is one web address and nothing else.
fn is_url(sentence: &str) -> bool {
    let trimmed = sentence.trim();
    let lower_prefix = |prefix: &str| {
        trimmed
            .get(..prefix.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
    };
    !trimmed.contains(char::is_whitespace)
        && (lower_prefix("http://") || lower_prefix("https://") || lower_prefix("www."))
}

fn starts_with_non_claim_opening(words: &[Word<'_>]) -> bool {
    let mut first_buffer = [0u8; 24];
    let mut second_buffer = [0u8; 24];
    let Some(first) = lower_key(words[0].text, &mut first_buffer) else {
        return false;
    };
    let second = words
        .get(1)
        .and_then(|word| lower_key(word.text, &mut second_buffer));
    NON_CLAIM_OPENINGS.iter().any(|(opening_first, opening_second)| {
        *opening_first == first && (opening_second.is_empty() || Some(*opening_second) == second)
    })
}

/// A cheap guess whether `word` can be a finite verb: a common irregular or
/// auxiliary form, a regular past or progressive form, a contraction, or a
/// lower-case word ending in "s" that may be a third-person verb. It errs on
/// the side of "yes", because a wrongly skipped claim is worse than a kept
/// fragment.
fn is_verb_like(word: &Word<'_>) -> bool {
    if word.lexeme.has(Lexeme::COMMON_VERB) {
        return true;
    }
    let key = word.text;
    let is_lower = key.starts_with(|c: char| c.is_ascii_lowercase());
    is_lower
        && ((key.len() >= 4 && key.ends_with("ed"))
            || (key.len() >= 5 && key.ends_with("ing"))
            || key.ends_with("n't")
            || (key.len() >= 3
                && key.ends_with('s')
                && !key.ends_with("ss")
                && !key.ends_with("us")
                && !key.ends_with("is")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::words::words;

    fn reason(sentence: &str) -> Option<&'static str> {
        let sentence_words: Vec<Word<'_>> = words(sentence).collect();
        skip_reason(sentence, &sentence_words)
    }

    #[test]
    fn skips_questions_fragments_and_boilerplate() {
        assert_eq!(reason("Will prices rise next year?"), Some("skipped: question"));
        assert_eq!(reason("\u{201C}Is it over?\u{201D}"), Some("skipped: question"));
        assert_eq!(reason("Prices rose."), Some("skipped: too short"));
        assert_eq!(
            reason("Click here to subscribe to our newsletter."),
            Some("skipped: greeting or boilerplate")
        );
        assert_eq!(
            reason("Read more about the election results"),
            Some("skipped: greeting or boilerplate")
        );
        assert_eq!(
            reason("Hello and welcome to the show."),
            Some("skipped: greeting or boilerplate")
        );
        assert_eq!(reason("https://example.com/a/b"), Some("skipped: url"));
        assert_eq!(reason("..."), Some("skipped: no words"));
        assert_eq!(reason("The Palace: Tale of Jang Noksu"), Some("skipped: no verb"));
    }

    #[test]
    fn keeps_statements() {
        assert_eq!(reason("The call was requested by Mr Putin."), None);
        assert_eq!(reason("Moscow denies planning to attack Ukraine."), None);
        assert_eq!(reason("Thanks to the rain, the harvest failed."), None);
        assert_eq!(reason("Hiring rose 5% in May."), None);
        assert_eq!(reason("\"Why?\" he asked the minister twice."), None);
    }
}
