//! Claim text: the assertion of a sentence, with whitespace normalised and, when trivially safe, the quote marks and attribution removed.
//!
//! Trimming happens only when the sentence is exactly one quotation plus,
//! optionally, an attribution clause on one side of it joined by a comma or
//! colon, e.g. `"X," said Jen Psaki.` or `He added: "X."`. Anything else
//! (a partial quote, an attribution with more clauses after it) keeps the
//! whole sentence, because cutting it could change what is asserted.

use super::Span;
use super::header::collapse_whitespace;

/// The claim text of `sentence`; `attribution_clause` is the byte span, within
/// the sentence, of the speaker phrase and reporting verb, when one was found.
pub fn claim_text(sentence: &str, attribution_clause: Option<Span>) -> String {
    let region = claim_region(sentence, attribution_clause);
    let inner = &sentence[region.start..region.end];
    if region.start == 0 && region.end == sentence.len() {
        return collapse_whitespace(sentence);
    }
    let mut text = collapse_whitespace(inner.trim_end_matches(',').trim_end());
    if !text.ends_with(['.', '!', '?', '\u{2026}']) && !text.is_empty() {
        text.push('.');
    }
    text
}

/// The part of `sentence` that is the assertion, as a byte span: the inside
/// of a lone quotation with its attribution, the sentence without a closing
/// attribution ("..., said a senior official."), or the whole sentence.
pub fn claim_region(sentence: &str, attribution_clause: Option<Span>) -> Span {
    if let Some(inner) = quoted_assertion(sentence, attribution_clause) {
        let start = inner.as_ptr() as usize - sentence.as_ptr() as usize;
        return Span {
            start,
            end: start + inner.len(),
        };
    }
    if let Some(clause) = attribution_clause
        && clause.start > 0
        && clause.end <= sentence.len()
        && sentence[clause.end..]
            .chars()
            .all(|c| c.is_whitespace() || matches!(c, '.' | '!' | '"' | '\u{201D}'))
    {
        // A closing attribution after a comma or a closing quote is cut off.
        let before = sentence[..clause.start].trim_end();
        let cut = before.trim_end_matches(|c: char| matches!(c, ',' | '"' | '\u{201D}') || c.is_whitespace());
        let had_separator = before.len() > cut.len() && before[cut.len()..].contains([',', '"', '\u{201D}']);
        if had_separator && cut.chars().any(char::is_alphanumeric) {
            // Keep a closing quote that matches an opening one inside the region.
            let n_quotes = cut.matches(['"', '\u{201C}', '\u{201D}']).count();
            let end = if n_quotes % 2 == 1 && before[cut.len()..].contains(['"', '\u{201D}']) {
                let quote_idx = cut.len() + before[cut.len()..].find(['"', '\u{201D}']).unwrap_or(0);
                quote_idx + sentence[quote_idx..].chars().next().map_or(0, char::len_utf8)
            } else {
                cut.len()
            };
            return Span { start: 0, end };
        }
    }
    Span {
        start: 0,
        end: sentence.len(),
    }
}

/// The inside of the quotation when trimming the rest away is trivially safe.
fn quoted_assertion(sentence: &str, attribution_clause: Option<Span>) -> Option<&str> {
    let (open_idx, open_len, close_idx) = single_quotation(sentence)?;
    let close_len = sentence[close_idx..].chars().next()?.len_utf8();
    let before = &sentence[..open_idx];
    let after = &sentence[close_idx + close_len..];
    let inner = &sentence[open_idx + open_len..close_idx];
    if inner.trim().is_empty() {
        return None;
    }
    let is_punctuation = |text: &str| {
        text.chars()
            .all(|c| c.is_whitespace() || matches!(c, '.' | ',' | ':' | '!' | '?'))
    };
    if is_punctuation(before) && is_punctuation(after) {
        return Some(inner);
    }
    let clause = attribution_clause?;
    let attribution_after = before.trim().is_empty()
        && clause.start >= close_idx + close_len
        && is_punctuation(&sentence[close_idx + close_len..clause.start])
        && is_punctuation(sentence.get(clause.end..)?);
    let attribution_before = is_punctuation(after)
        && clause.end <= open_idx
        && sentence[..clause.start].trim().is_empty()
        && matches!(sentence[clause.end..open_idx].trim(), ":" | ",");
    (attribution_after || attribution_before).then_some(inner)
}

/// Finds the only quotation in `sentence`: the byte index and length of its
/// opening mark and the index of its closing mark. `None` when there is not
/// exactly one pair of double quotes.
fn single_quotation(sentence: &str) -> Option<(usize, usize, usize)> {
    let mut marks = [(0usize, '"'); 2];
    let mut n_marks = 0;
    for mark in super::attribution::double_quotes(sentence) {
        if n_marks == marks.len() {
            return None;
        }
        marks[n_marks] = mark;
        n_marks += 1;
    }
    match (n_marks, marks) {
        (2, [(open, '"'), (close, '"')]) => Some((open, 1, close)),
        (2, [(open, '\u{201C}'), (close, '\u{201D}')]) => Some((open, '\u{201C}'.len_utf8(), close)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_is_normalised() {
        assert_eq!(claim_text("Prices  rose\n by 5%.", None), "Prices rose by 5%.");
    }

    #[test]
    fn whole_quotation_loses_its_marks() {
        assert_eq!(claim_text("\u{201C}It is over.\u{201D}", None), "It is over.");
        assert_eq!(claim_text("\"It is over\".", None), "It is over.");
    }

    #[test]
    fn attribution_after_a_quote_is_trimmed() {
        let sentence = "\"Progress can occur only in de-escalation,\" said press secretary Jen Psaki.";
        let clause_start = sentence.find("said").unwrap();
        let clause = Span {
            start: clause_start,
            end: sentence.len() - 1,
        };
        assert_eq!(
            claim_text(sentence, Some(clause)),
            "Progress can occur only in de-escalation."
        );
    }

    #[test]
    fn attribution_before_a_quote_is_trimmed() {
        let sentence = "He added: \"It would be a mistake.\"";
        let clause = Span { start: 0, end: 8 };
        assert_eq!(claim_text(sentence, Some(clause)), "It would be a mistake.");
    }

    #[test]
    fn unsafe_shapes_keep_the_sentence() {
        let partial = "Mr Ushakov said Mr Putin \"immediately responded\" to it.";
        assert_eq!(claim_text(partial, Some(Span { start: 0, end: 15 })), partial);
        let extra = "\"It rose,\" she said, adding that it fell.";
        let clause_start = extra.find("she").unwrap();
        assert_eq!(
            claim_text(
                extra,
                Some(Span {
                    start: clause_start,
                    end: clause_start + 8
                })
            ),
            extra
        );
        let two = "\"A,\" he said. \"B.\"";
        assert_eq!(claim_text(two, None), two);
    }
}
