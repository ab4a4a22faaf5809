//! Sentence splitting: cuts text into sentences and returns their exact byte spans.
//!
//! The splitter is a single left-to-right pass over the bytes, so it runs in
//! linear time on any input. It looks only at a bounded window around each
//! candidate boundary (the word before a full stop, the first word after it).
//!
//! Rules, in the order they are applied:
//! - A blank line (two line breaks with only spaces between) always ends a sentence.
//! - A single line break ends a sentence unless the next line starts with a
//!   lower-case letter, which is how hard-wrapped prose looks; lists and
//!   headings in real articles are one item per line.
//! - `.`, `?`, `!` and `…` end a sentence when, after any run of further
//!   terminal marks and closing quotes or brackets, whitespace follows and the
//!   next word (after opening quotes or brackets) does not start with a
//!   lower-case letter. This handles `"serious".`, `He said: "It is over." Then`
//!   and `"Why?" he asked.`.
//! - A lone `.` (no closing quote after it) does not end a sentence after a
//!   title or Latin abbreviation (`Mr.`, `Dr.`, `Gen.`, `vs.`, `e.g.`), nor
//!   after a month or "No." when a digit follows (`Jan. 9`, `No. 10`).
//! - After an initialism or a single letter (`U.S.`, `a.m.`, `F.`), a lone `.`
//!   ends a sentence only when the next word is a common sentence starter
//!   (The, He, She, It, They, But, And, In, ...). So `U.S. President Biden`
//!   stays whole while `in the U.S. The next day` splits; `in the U.S. Congress
//!   met` would wrongly stay joined only if written at a sentence end, which is rare.
//!
//! Spans are trimmed of surrounding whitespace and of a leading list marker
//! (`•`, `-`, `*`, `–`, `—`), and spans with nothing left are dropped.

use super::Span;

/// Abbreviations after which a lone full stop never ends a sentence, because in
/// news text they precede a name or continue the sentence.
const NON_TERMINAL_ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Messrs", "Mme", "Dr", "Prof", "St", "Gen", "Sen", "Gov", "Rep", "Lt", "Col", "Capt",
    "Cmdr", "Adm", "Maj", "Sgt", "Cpl", "Rev", "Hon", "Pres", "Supt", "Insp", "Det", "Mt", "Ft", "Sr", "Jr",
    "vs", "e.g", "i.e", "cf", "approx", "viz", "Ph.D", "Fr",
];

/// Abbreviations after which a lone full stop does not end a sentence when a
/// digit follows ("Jan. 9", "No. 10", "Vol. 3").
const NUMBER_ABBREVIATIONS: &[&str] = &[
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "No", "Nos", "no",
    "Vol", "vol", "pp", "p", "Fig", "fig", "Art", "art", "Sec", "Ch", "Rt", "Rte", "ca", "c",
];

/// Words that commonly begin a sentence; after an initialism, one of these
/// signals that the initialism ended the previous sentence.
const SENTENCE_STARTERS: &[&str] = &[
    "The",
    "A",
    "An",
    "He",
    "She",
    "It",
    "They",
    "We",
    "I",
    "You",
    "But",
    "And",
    "In",
    "On",
    "At",
    "This",
    "That",
    "These",
    "Those",
    "There",
    "Then",
    "However",
    "Meanwhile",
    "His",
    "Her",
    "Their",
    "Its",
    "Our",
    "My",
    "So",
    "Yet",
    "Or",
    "If",
    "When",
    "While",
    "After",
    "Before",
    "As",
    "For",
    "With",
    "Also",
    "Some",
    "Many",
    "Most",
    "Still",
    "Now",
    "What",
    "Why",
    "How",
    "Who",
    "Where",
];

/// How far back the splitter looks for the word before a full stop. Longer
/// words are never abbreviations, and the bound keeps the pass linear.
const MAX_ABBREVIATION_BYTES: usize = 12;

/// The bytes the splitter stops at: line breaks, terminal marks and 0xE2,
/// the lead byte of U+2026 HORIZONTAL ELLIPSIS.
const MAY_END_SENTENCE: [bool; 256] = {
    let mut table = [false; 256];
    table[b'\n' as usize] = true;
    table[b'.' as usize] = true;
    table[b'?' as usize] = true;
    table[b'!' as usize] = true;
    table[0xE2] = true;
    table
};

/// Splits all of `text` into sentence spans.
pub fn split_sentences(text: &str) -> Vec<Span> {
    split_sentences_in(
        text,
        Span {
            start: 0,
            end: text.len(),
        },
    )
}

/// Splits the part of `text` inside `region` into sentence spans, which are
/// byte offsets into the whole of `text`.
///
/// A region that is out of range or not on character boundaries is clamped
/// rather than rejected, so the function never panics.
pub fn split_sentences_in(text: &str, region: Span) -> Vec<Span> {
    let region_end = floor_char_boundary(text, region.end.min(text.len()));
    let region_start = floor_char_boundary(text, region.start.min(region_end));
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut sentence_start = region_start;
    let mut byte_idx = region_start;
    while byte_idx < region_end {
        // Most bytes cannot end a sentence: skip them in a tight loop over a
        // table before looking at the byte that stopped it.
        byte_idx += bytes[byte_idx..region_end]
            .iter()
            .position(|byte| MAY_END_SENTENCE[usize::from(*byte)])
            .unwrap_or(region_end - byte_idx);
        if byte_idx >= region_end {
            break;
        }
        match bytes[byte_idx] {
            b'\n' => {
                let mut next_idx = byte_idx + 1;
                while next_idx < region_end && matches!(bytes[next_idx], b' ' | b'\t' | b'\r') {
                    next_idx += 1;
                }
                let is_blank_line = next_idx < region_end && bytes[next_idx] == b'\n';
                let continues_wrapped_line = !is_blank_line
                    && text[next_idx..region_end]
                        .chars()
                        .next()
                        .is_some_and(char::is_lowercase);
                if !continues_wrapped_line {
                    push_span(text, sentence_start, byte_idx, &mut spans);
                    sentence_start = next_idx;
                }
                byte_idx = next_idx;
            }
            b'.' | b'?' | b'!' => {
                byte_idx = handle_terminal(text, region_end, byte_idx, &mut sentence_start, &mut spans);
            }
            // 0xE2 is the lead byte of U+2026 HORIZONTAL ELLIPSIS.
            0xE2 if text[byte_idx..].starts_with('\u{2026}') => {
                byte_idx = handle_terminal(text, region_end, byte_idx, &mut sentence_start, &mut spans);
            }
            _ => byte_idx += 1,
        }
    }
    push_span(text, sentence_start, region_end, &mut spans);
    spans
}

/// Decides whether the terminal mark at `terminal_idx` ends a sentence, pushes
/// the sentence if so, and returns the byte index to continue scanning from.
fn handle_terminal(
    text: &str,
    region_end: usize,
    terminal_idx: usize,
    sentence_start: &mut usize,
    spans: &mut Vec<Span>,
) -> usize {
    let mut after_marks = terminal_idx;
    let mut n_marks = 0usize;
    let mut has_closer = false;
    for c in text[terminal_idx..region_end].chars() {
        if is_terminal_mark(c) {
            n_marks += 1;
        } else if is_closer(c) {
            has_closer = true;
        } else {
            break;
        }
        after_marks += c.len_utf8();
    }
    if after_marks >= region_end {
        push_span(text, *sentence_start, after_marks, spans);
        *sentence_start = after_marks;
        return after_marks;
    }
    let next = text[after_marks..region_end].chars().next();
    if !next.is_some_and(char::is_whitespace) {
        return after_marks;
    }
    // Find the first character of the next word, looking past opening quotes.
    let mut next_word_idx = after_marks;
    for c in text[after_marks..region_end].chars() {
        if !(c.is_whitespace() || is_opener(c)) {
            break;
        }
        next_word_idx += c.len_utf8();
    }
    let Some(next_char) = text[next_word_idx..region_end].chars().next() else {
        return after_marks;
    };
    let is_boundary = if next_char.is_lowercase() {
        false
    } else {
        let is_lone_full_stop = n_marks == 1 && !has_closer && text.as_bytes()[terminal_idx] == b'.';
        !is_lone_full_stop
            || full_stop_ends_sentence(text, *sentence_start, terminal_idx, next_word_idx, region_end)
    };
    if is_boundary {
        push_span(text, *sentence_start, after_marks, spans);
        *sentence_start = after_marks;
    }
    after_marks
}

/// Decides a lone full stop followed by whitespace and a word that does not
/// start with a lower-case letter.
fn full_stop_ends_sentence(
    text: &str,
    sentence_start: usize,
    full_stop_idx: usize,
    next_word_idx: usize,
    region_end: usize,
) -> bool {
    let Some(word_before) = word_before(text, sentence_start, full_stop_idx) else {
        return true;
    };
    let next_starts_with_digit = text.as_bytes()[next_word_idx].is_ascii_digit();
    if NON_TERMINAL_ABBREVIATIONS.contains(&word_before) {
        return false;
    }
    if next_starts_with_digit {
        return !NUMBER_ABBREVIATIONS.contains(&word_before);
    }
    if is_initialism(word_before) {
        let next_word_end = text[next_word_idx..region_end]
            .char_indices()
            .find(|(_, c)| !c.is_alphabetic())
            .map_or(region_end, |(offset, _)| next_word_idx + offset);
        return SENTENCE_STARTERS.contains(&&text[next_word_idx..next_word_end]);
    }
    true
}

/// The ASCII letters, digits and dots right before `full_stop_idx`, or `None`
/// when there are none or too many to be an abbreviation.
fn word_before(text: &str, sentence_start: usize, full_stop_idx: usize) -> Option<&str> {
    let bytes = text.as_bytes();
    let mut word_start = full_stop_idx;
    while word_start > sentence_start
        && (bytes[word_start - 1].is_ascii_alphanumeric() || bytes[word_start - 1] == b'.')
    {
        word_start -= 1;
        if full_stop_idx - word_start > MAX_ABBREVIATION_BYTES {
            return None;
        }
    }
    // A dot that starts the run belongs to the punctuation before the word.
    while word_start < full_stop_idx && bytes[word_start] == b'.' {
        word_start += 1;
    }
    // Only ASCII bytes were stepped over, so `word_start` is a char boundary.
    (word_start < full_stop_idx).then(|| &text[word_start..full_stop_idx])
}

/// True for "U.S", "a.m", "e.g" and single letters: dot-separated single letters.
fn is_initialism(word: &str) -> bool {
    !word.is_empty()
        && word
            .split('.')
            .all(|part| part.len() == 1 && part.as_bytes()[0].is_ascii_alphabetic())
}

fn is_terminal_mark(c: char) -> bool {
    matches!(c, '.' | '?' | '!' | '\u{2026}')
}

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '\u{201D}' | '\u{2019}' | ')' | ']' | '}' | '\u{BB}' | '\u{203A}'
    )
}

fn is_opener(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '\u{201C}' | '\u{2018}' | '(' | '[' | '{' | '\u{AB}' | '\u{2039}'
    )
}

/// True for characters used as list-item markers at the start of a line.
pub fn is_list_marker(c: char) -> bool {
    matches!(
        c,
        '\u{2022}' | '\u{B7}' | '\u{25E6}' | '\u{25AA}' | '\u{2023}' | '-' | '*' | '\u{2013}' | '\u{2014}'
    )
}

/// Trims whitespace and a leading list marker from `start..end` and records
/// the span when anything is left.
fn push_span(text: &str, start: usize, end: usize, spans: &mut Vec<Span>) {
    if start >= end {
        return;
    }
    let raw = &text[start..end];
    let mut content_start = start + (raw.len() - raw.trim_start().len());
    let mut first_chars = text[content_start..end].chars();
    if let Some(first) = first_chars.next()
        && is_list_marker(first)
    {
        let after_marker = first_chars.as_str();
        // A marker counts only when whitespace or nothing follows it, so that
        // "-5 degrees" and "*NSYNC" keep their first character.
        if after_marker.is_empty() || after_marker.starts_with(char::is_whitespace) {
            content_start += first.len_utf8() + (after_marker.len() - after_marker.trim_start().len());
        }
    }
    let content = text[content_start..end].trim_end();
    if content.is_empty() {
        return;
    }
    spans.push(Span {
        start: content_start,
        end: content_start + content.len(),
    });
}

/// The largest char boundary at or below `idx`.
pub fn floor_char_boundary(text: &str, idx: usize) -> usize {
    let mut boundary = idx.min(text.len());
    while !text.is_char_boundary(boundary) {
        boundary -= 1;
    }
    boundary
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        split_sentences(text)
            .into_iter()
            .map(|span| &text[span.start..span.end])
            .collect()
    }

    #[test]
    fn honorifics_do_not_end_sentences() {
        assert_eq!(
            split("Mr Biden said it was over. Mr. Smith went to Washington. Dr. Who agreed."),
            vec![
                "Mr Biden said it was over.",
                "Mr. Smith went to Washington.",
                "Dr. Who agreed."
            ]
        );
    }

    #[test]
    fn initialisms_split_only_before_sentence_starters() {
        assert_eq!(
            split("U.S. troops arrived. They left."),
            vec!["U.S. troops arrived.", "They left."]
        );
        assert_eq!(
            split("The U.S. President spoke. Troops massed in the U.S. The next day they left."),
            vec![
                "The U.S. President spoke.",
                "Troops massed in the U.S.",
                "The next day they left."
            ]
        );
        assert_eq!(split("John F. Kennedy won."), vec!["John F. Kennedy won."]);
    }

    #[test]
    fn numbers_and_dates_do_not_end_sentences() {
        assert_eq!(
            split("Growth was 3.5% in 2021. It fell. Profit hit $1.2bn."),
            vec!["Growth was 3.5% in 2021.", "It fell.", "Profit hit $1.2bn."]
        );
        assert_eq!(
            split("Jan. 9 was cold. He lives at No. 10 Downing Street."),
            vec!["Jan. 9 was cold.", "He lives at No. 10 Downing Street."]
        );
    }

    #[test]
    fn latin_abbreviations_stay_inside() {
        assert_eq!(
            split("Some fruit, e.g. apples, i.e. Pippins, etc. are sold. Arsenal vs. Chelsea ended 2-1."),
            vec![
                "Some fruit, e.g. apples, i.e. Pippins, etc. are sold.",
                "Arsenal vs. Chelsea ended 2-1."
            ]
        );
    }

    #[test]
    fn quotes_that_end_a_sentence_split_after_the_closing_quote() {
        assert_eq!(
            split(r#"The tone was "serious". And no deal was made."#),
            vec![r#"The tone was "serious"."#, "And no deal was made."]
        );
        assert_eq!(
            split(r#"He said: "It is over." Then he left."#),
            vec![r#"He said: "It is over.""#, "Then he left."]
        );
        assert_eq!(
            split(r#"It could lead to "a breakdown in ties between our countries". He added more."#),
            vec![
                r#"It could lead to "a breakdown in ties between our countries"."#,
                "He added more."
            ]
        );
        assert_eq!(
            split(r#""Why?" he asked. "Because!" she said."#),
            vec![r#""Why?" he asked."#, r#""Because!" she said."#]
        );
    }

    #[test]
    fn curly_quotes_are_handled_like_straight_ones() {
        assert_eq!(
            split("He said: \u{201C}It is over.\u{201D} Then he left. \u{2018}Fine.\u{2019} She agreed."),
            vec![
                "He said: \u{201C}It is over.\u{201D}",
                "Then he left.",
                "\u{2018}Fine.\u{2019}",
                "She agreed."
            ]
        );
    }

    #[test]
    fn questions_exclamations_and_ellipses_end_sentences() {
        assert_eq!(
            split("Is it true? Yes! It is... Wait\u{2026} It was... not."),
            vec![
                "Is it true?",
                "Yes!",
                "It is...",
                "Wait\u{2026}",
                "It was... not."
            ]
        );
    }

    #[test]
    fn blank_lines_end_sentences_without_punctuation() {
        assert_eq!(
            split("A heading without a stop\n\nThe body starts here\n \n\tAnd goes on"),
            vec!["A heading without a stop", "The body starts here", "And goes on"]
        );
    }

    #[test]
    fn single_line_breaks_split_lists_but_join_wrapped_prose() {
        assert_eq!(
            split("The law says:\n - Fines up to £2,500\n - Licences lost\nthe end"),
            vec!["The law says:", "Fines up to £2,500", "Licences lost\nthe end"]
        );
        assert_eq!(
            split("This sentence was\nwrapped by an editor."),
            vec!["This sentence was\nwrapped by an editor."]
        );
    }

    #[test]
    fn crlf_line_endings_are_trimmed() {
        assert_eq!(
            split("First line.\r\n\r\nSecond line.\r\n"),
            vec!["First line.", "Second line."]
        );
    }

    #[test]
    fn markers_alone_are_not_sentences() {
        assert_eq!(
            split("\u{2022}\n-\n* Item one\n-5 degrees"),
            vec!["Item one", "-5 degrees"]
        );
    }

    #[test]
    fn multibyte_text_keeps_spans_on_char_boundaries() {
        let text = "Café prices rose 5% — naïve! 東京は晴れ。 Emoji 🙂 here. Élan vital… Ünïcödé.";
        let spans = split_sentences(text);
        for span in &spans {
            assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        }
        assert_eq!(
            split(text),
            vec![
                "Café prices rose 5% — naïve!",
                "東京は晴れ。 Emoji 🙂 here.",
                "Élan vital…",
                "Ünïcödé."
            ]
        );
    }

    #[test]
    fn region_is_clamped_to_char_boundaries() {
        let text = "é. b";
        let spans = split_sentences_in(text, Span { start: 1, end: 99 });
        for span in spans {
            assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        }
    }

    #[test]
    fn long_runs_of_dots_are_one_span() {
        let text = ".".repeat(10_000);
        assert_eq!(
            split_sentences(&text),
            vec![Span {
                start: 0,
                end: 10_000
            }]
        );
    }
}
