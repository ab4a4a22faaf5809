//! Claim assembly: renders a claim's text and content from regions of its sentence, applying and recording rewrites.

use super::Span;
use super::decontext::Replacement;
use super::header::collapse_whitespace;
use super::words::Word;
use crate::model::{Rewrite, Span as BodySpan};

/// Leading words that tie a sentence to the one before and are dropped.
fn is_connective(text: &str) -> bool {
    matches!(
        text,
        "And" | "But" | "Meanwhile" | "However" | "Yet" | "So" | "Still" | "Moreover" | "Also"
    )
}

/// Records `rewrite` unless an equal one is recorded already (text and
/// content may apply the same replacement).
pub fn record(rewrites: &mut Vec<Rewrite>, rewrite: Rewrite) {
    if !rewrites.contains(&rewrite) {
        rewrites.push(rewrite);
    }
}

/// Moves the start of `piece` past a leading connective ("And", "Meanwhile,"),
/// recording the deletion.
pub fn drop_connective(
    sentence: &str,
    body_offset: usize,
    words: &[Word<'_>],
    piece: &mut Span,
    rewrites: &mut Vec<Rewrite>,
) {
    let Some(first_idx) = words.iter().position(|word| word.start >= piece.start) else {
        return;
    };
    let first = &words[first_idx];
    if first.start != piece.start || !is_connective(first.text) || first_idx + 1 >= words.len() {
        return;
    }
    let next = &words[first_idx + 1];
    let gap = &sentence[first.end..next.start];
    if !gap.chars().all(|c| c == ' ' || c == ',') || next.start >= piece.end {
        return;
    }
    record(
        rewrites,
        Rewrite {
            original: sentence[first.start..next.start].trim_end().to_string(),
            span: BodySpan {
                start: body_offset + first.start,
                end: body_offset + first.end + gap.trim_end().len(),
            },
            replacement: String::new(),
            rule: "connective".to_string(),
        },
    );
    piece.start = next.start;
}

/// Renders `pieces` of `sentence`, applying the replacements that lie inside
/// them, and tidies the result into a sentence of its own.
pub fn render(
    sentence: &str,
    body_offset: usize,
    pieces: &[Span],
    replacements: &[&Replacement],
    rewrites: &mut Vec<Rewrite>,
) -> String {
    // The common case, one region and nothing to replace, needs no copy.
    if let [piece] = pieces
        && !replacements
            .iter()
            .any(|replacement| piece.start <= replacement.span.start && replacement.span.end <= piece.end)
    {
        return tidy(&sentence[piece.start..piece.end]);
    }
    let mut raw = String::with_capacity(sentence.len() + 16);
    for piece in pieces {
        if !raw.is_empty() {
            raw.push(' ');
        }
        let mut pos = piece.start;
        for replacement in replacements {
            let span = replacement.span;
            if span.start < pos || span.end > piece.end {
                continue;
            }
            raw.push_str(&sentence[pos..span.start]);
            raw.push_str(&replacement.text);
            pos = span.end;
            record(
                rewrites,
                Rewrite {
                    original: sentence[span.start..span.end].to_string(),
                    span: BodySpan {
                        start: body_offset + span.start,
                        end: body_offset + span.end,
                    },
                    replacement: replacement.text.clone(),
                    rule: replacement.rule.to_string(),
                },
            );
        }
        raw.push_str(&sentence[pos..piece.end]);
    }
    tidy(&raw)
}

/// Collapses whitespace, drops dangling punctuation and unmatched quote
/// marks at the ends, capitalises the first letter and ends the sentence.
/// Works in place on one buffer: it runs for every claim.
pub fn tidy(raw: &str) -> String {
    let mut text = collapse_whitespace(raw);
    let is_dangling =
        |c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '-' | '\u{2013}' | '\u{2014}');
    let trimmed_len = text.trim_end_matches(is_dangling).len();
    text.truncate(trimmed_len);
    // Vectorised byte searches: the straight quotes, and whether any curly
    // one (lead byte 0xE2) may be present.
    let n_straight_quotes = memchr::memchr_iter(b'"', text.as_bytes()).count();
    let may_have_curly = memchr::memchr(0xE2, text.as_bytes()).is_some();
    if n_straight_quotes % 2 == 1 {
        if text.starts_with('"') {
            text.remove(0);
        } else if let Some(idx) = text.rfind('"')
            && text[idx + 1..]
                .chars()
                .all(|c| matches!(c, '.' | ',' | '!' | '?'))
        {
            text.remove(idx);
        }
    }
    if may_have_curly && text.contains(['\u{201C}', '\u{201D}']) {
        let n_open = text.matches('\u{201C}').count();
        let n_close = text.matches('\u{201D}').count();
        if n_open > n_close && text.starts_with('\u{201C}') {
            text.drain(..'\u{201C}'.len_utf8());
        } else if n_close > n_open
            && let Some(idx) = text.rfind('\u{201D}')
        {
            text.drain(idx..idx + '\u{201D}'.len_utf8());
        }
    }
    let trimmed_len = text
        .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':'))
        .len();
    text.truncate(trimmed_len);
    let leading = text.len() - text.trim_start().len();
    text.drain(..leading);
    capitalise_first(&mut text);
    let ends_sentence = text
        .trim_end_matches(['"', '\u{201D}', '\'', '\u{2019}', ')'])
        .ends_with(['.', '!', '?', '\u{2026}']);
    if !ends_sentence && !text.is_empty() {
        text.push('.');
    }
    text
}

/// Upper-cases the first letter, after any opening quote mark.
fn capitalise_first(text: &mut String) {
    let Some((idx, c)) = text.char_indices().find(|(_, c)| c.is_alphanumeric()) else {
        return;
    };
    if !c.is_lowercase() || !text[..idx].chars().all(|c| matches!(c, '"' | '\u{201C}' | '\'')) {
        return;
    }
    let upper: String = c.to_uppercase().collect();
    text.replace_range(idx..idx + c.len_utf8(), &upper);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_makes_a_sentence() {
        assert_eq!(
            tidy("Moscow denies planning to attack Ukraine"),
            "Moscow denies planning to attack Ukraine."
        );
        assert_eq!(
            tidy("officials  say they have seen it,"),
            "Officials say they have seen it."
        );
        assert_eq!(
            tidy("\"With a view on Ukraine, there are challenges here."),
            "With a view on Ukraine, there are challenges here."
        );
        assert_eq!(tidy("it is non-negotiable,\""), "It is non-negotiable.");
        assert_eq!(
            tidy("\"Biden laid out two paths\", as well as \"costs\""),
            "\"Biden laid out two paths\", as well as \"costs\"."
        );
        assert_eq!(tidy("He called it \"serious\"."), "He called it \"serious\".");
        assert_eq!(tidy("..."), "...");
        assert_eq!(tidy(""), "");
    }

    #[test]
    fn render_applies_and_records_replacements() {
        let sentence = "Moscow denies it and says more.";
        let replacement = Replacement {
            span: Span { start: 0, end: 6 },
            text: "Russia".into(),
            rule: "metonym",
        };
        let mut rewrites = Vec::new();
        let text = render(
            sentence,
            100,
            &[Span { start: 0, end: 6 }, Span { start: 21, end: 31 }],
            &[&replacement],
            &mut rewrites,
        );
        assert_eq!(text, "Russia says more.");
        assert_eq!(rewrites.len(), 1);
        assert_eq!(rewrites[0].span, BodySpan { start: 100, end: 106 });
        assert_eq!(rewrites[0].original, "Moscow");
    }
}
