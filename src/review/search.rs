//! Turns what a person types into a search box into an FTS5 query that cannot be a syntax error.

/// The longest search query accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 1000;
/// The most terms one query may hold.
const MAX_TERMS: usize = 32;

/// Builds an FTS5 MATCH expression from `query`: its words and "quoted
/// phrases" must all occur (implicit AND); a trailing `*` on a word matches
/// any word it starts. Every term is passed to FTS5 as a quoted string, so
/// no FTS5 operator or column filter can be injected.
pub fn fts_query(query: &str) -> Result<String, String> {
    if query.len() > MAX_QUERY_BYTES {
        return Err(format!("is {} bytes, more than {MAX_QUERY_BYTES}", query.len()));
    }
    let mut terms = Vec::new();
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
}
