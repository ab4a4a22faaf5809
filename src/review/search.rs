//! Turns what a person types into a search box into an FTS5 query that cannot be a syntax error.

/// The longest search query accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 1000;
/// The most terms one query may hold.
const MAX_TERMS: usize = 32;
/// The fewest letters or digits a prefix term (`word*`) must have. FTS5
/// has no prefix index here, so a prefix is expanded by merging the lists
/// of every indexed word it starts: `t*` merges thousands of words' lists.
/// On 100,000 news claims 17 one-letter prefixes took 0.53 s of CPU before
/// any row was ranked, 17 three-letter ones 0.07 s (issue 14).
pub const MIN_PREFIX_CHARS: usize = 3;
/// The most prefix terms one query may hold, for the same reason.
pub const MAX_PREFIX_TERMS: usize = 4;

/// What any text bound for the full-text index must be: at most
/// [`MAX_QUERY_BYTES`] bytes, and no NUL character (which SQLite's FTS5
/// parser reads as the end of the text).
pub fn check_size_and_nul(text: &str) -> Result<(), String> {
    if text.len() > MAX_QUERY_BYTES {
        return Err(format!("is {} bytes, more than {MAX_QUERY_BYTES}", text.len()));
    }
    if text.contains('\0') {
        return Err("must not contain a NUL character".into());
    }
    Ok(())
}

/// Builds an FTS5 MATCH expression from `query`: its words and "quoted
/// phrases" must all occur (implicit AND); a trailing `*` on a word matches
/// any word it starts. Every term is passed to FTS5 as a quoted string, so
/// no FTS5 operator or column filter can be injected.
///
/// Queries that would cost far more than their results are worth are
/// refused rather than cut down: a prefix shorter than
/// [`MIN_PREFIX_CHARS`], more than [`MAX_PREFIX_TERMS`] prefixes, or a NUL
/// character (which SQLite's FTS5 parser reads as the end of the text).
pub fn fts_query(query: &str) -> Result<String, String> {
    check_size_and_nul(query)?;
    let mut terms = Vec::new();
    let mut n_prefixes = 0;
    let mut rest = query.trim();
    while !rest.is_empty() {
        let (term, is_phrase, after) = if let Some(quoted) = rest.strip_prefix('"') {
            match quoted.find('"') {
                Some(end) => (&quoted[..end], true, &quoted[end + 1..]),
                None => (quoted, true, ""),
            }
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            (&rest[..end], false, &rest[end..])
        };
        rest = after.trim_start();
        let (word, prefix) = match term.strip_suffix('*') {
            Some(word) if !is_phrase => (word, true),
            _ => (term, false),
        };
        // Punctuation-only terms hold no token FTS5 could match.
        if !word.chars().any(char::is_alphanumeric) {
            continue;
        }
        if prefix {
            // FTS5 applies the `*` to the last token of the word.
            let last_token = word
                .split(|c: char| !c.is_alphanumeric())
                .rfind(|token| !token.is_empty())
                .unwrap_or_default();
            if last_token.chars().count() < MIN_PREFIX_CHARS {
                return Err(format!(
                    "prefix {} needs at least {MIN_PREFIX_CHARS} letters or digits before the *",
                    crate::text::quoted_excerpt(term)
                ));
            }
            n_prefixes += 1;
            if n_prefixes > MAX_PREFIX_TERMS {
                return Err(format!("has more than {MAX_PREFIX_TERMS} prefix terms (word*)"));
            }
        }
        let quoted = format!("\"{}\"", word.replace('"', "\"\""));
        terms.push(if prefix { format!("{quoted}*") } else { quoted });
    }
    if terms.is_empty() {
        return Err("must contain at least one word".into());
    }
    if terms.len() > MAX_TERMS {
        return Err(format!("has more than {MAX_TERMS} terms"));
    }
    Ok(terms.join(" "))
}

/// A word to mark in results: lower-cased, and a prefix when the query
/// ended it with `*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkTerm {
    pub word: String,
    pub prefix: bool,
}

/// The words of `query` to mark in results, as [`fts_query`] reads them
/// (phrases give each of their words).
pub fn mark_terms(query: &str) -> Vec<MarkTerm> {
    let mut terms = Vec::new();
    for raw in query.split_whitespace() {
        let prefix = raw.ends_with('*') && !raw.ends_with("\"*");
        let words: Vec<&str> = raw
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let n_words = words.len();
        for (idx, word) in words.into_iter().enumerate() {
            terms.push(MarkTerm {
                word: word.to_lowercase(),
                prefix: prefix && idx + 1 == n_words,
            });
        }
    }
    terms
}

/// The byte ranges of the words (runs of letters and digits) of `text`.
fn words(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (idx, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(idx),
            (false, Some(begin)) => {
                spans.push((begin, idx));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(begin) = start {
        spans.push((begin, text.len()));
    }
    spans
}

fn is_match(word: &str, terms: &[MarkTerm]) -> bool {
    let word = word.to_lowercase();
    terms.iter().any(|term| {
        if term.prefix {
            word.starts_with(&term.word)
        } else {
            word == term.word
        }
    })
}

/// `text[from..to]` with every matching word marked `**like this**`.
fn mark(text: &str, from: usize, to: usize, spans: &[(usize, usize)], terms: &[MarkTerm]) -> String {
    let mut marked = String::with_capacity(to - from + 16);
    let mut at = from;
    for &(start, end) in spans.iter().filter(|(start, end)| *start >= from && *end <= to) {
        if is_match(&text[start..end], terms) {
            marked.push_str(&text[at..start]);
            marked.push_str("**");
            marked.push_str(&text[start..end]);
            marked.push_str("**");
            at = end;
        }
    }
    marked.push_str(&text[at..to]);
    marked
}

/// `text` with the words matching `terms` marked `**like this**`.
pub fn highlight(text: &str, terms: &[MarkTerm]) -> String {
    mark(text, 0, text.len(), &words(text), terms)
}

/// At most `max_words` words of `text` around its first match, marked as
/// by [`highlight`], with `…` where text was cut.
pub fn snippet(text: &str, terms: &[MarkTerm], max_words: usize) -> String {
    let spans = words(text);
    if spans.len() <= max_words {
        return highlight(text, terms);
    }
    let first = spans
        .iter()
        .position(|&(start, end)| is_match(&text[start..end], terms))
        .unwrap_or(0);
    let begin = first.saturating_sub(max_words / 4).min(spans.len() - max_words);
    let last = begin + max_words - 1;
    let from = if begin == 0 { 0 } else { spans[begin].0 };
    let to = if last + 1 == spans.len() {
        text.len()
    } else {
        spans[last].1
    };
    let mut snippet = String::new();
    if from > 0 {
        snippet.push('…');
    }
    snippet.push_str(&mark(text, from, to, &spans, terms));
    if to < text.len() {
        snippet.push('…');
    }
    snippet
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_phrases_become_quoted_terms() {
        assert_eq!(fts_query("putin biden").unwrap(), "\"putin\" \"biden\"");
        assert_eq!(
            fts_query("\"security guarantees\" nato*").unwrap(),
            "\"security guarantees\" \"nato\"*"
        );
    }

    #[test]
    fn matches_are_marked_like_the_index_finds_them() {
        let terms = mark_terms("\"security Guarantees\" nato*");
        assert_eq!(
            highlight("NATO's security guarantees, said Nato-ally.", &terms),
            "**NATO**'s **security** **guarantees**, said **Nato**-ally."
        );
        let text = (0..40).map(|idx| format!("w{idx}")).collect::<Vec<_>>().join(" ");
        let terms = mark_terms("w20");
        assert_eq!(snippet(&text, &terms, 5), "…w19 **w20** w21 w22 w23…");
        assert_eq!(snippet("short text", &terms, 5), "short text");
        assert_eq!(snippet(&text, &mark_terms("w39"), 3), "…w37 w38 **w39**");
    }

    #[test]
    fn fts_syntax_is_neutralised() {
        assert_eq!(
            fts_query("text:x OR NEAR(a b) -c ^d").unwrap(),
            "\"text:x\" \"OR\" \"NEAR(a\" \"b)\" \"-c\" \"^d\""
        );
        assert_eq!(fts_query("a\"b").unwrap(), "\"a\"\"b\"");
        assert!(fts_query("  *** -- ").is_err());
        assert!(fts_query("").is_err());
        assert!(fts_query(&"x ".repeat(40)).is_err());
    }

    // See: #14 (defects 1 and 7).
    #[test]
    fn expensive_prefixes_and_nul_are_refused() {
        let err = fts_query("t* a* s* i* o* w* h* m* p* c* b* d* f* g* l* n* r*").unwrap_err();
        assert_eq!(
            err,
            "prefix \"t*\" needs at least 3 letters or digits before the *"
        );
        assert!(fts_query("U.S*").is_err(), "the prefix is the last token, s");
        assert!(fts_query("nato gu*").is_err());
        assert_eq!(fts_query("gua*").unwrap(), "\"gua\"*");
        assert!(fts_query("abc* def* ghi* jkl*").is_ok());
        assert_eq!(
            fts_query("abc* def* ghi* jkl* mno*").unwrap_err(),
            "has more than 4 prefix terms (word*)"
        );
        assert_eq!(
            fts_query("nato\0x").unwrap_err(),
            "must not contain a NUL character"
        );
    }
}
