//! Showing text that came from outside: short quoted excerpts for error messages, and escaping
//! of control characters for terminals.

/// The most characters of a caller's input an error message repeats.
pub const EXCERPT_CHARS: usize = 64;

/// `input` quoted for an error message, with control characters escaped,
/// cut to [`EXCERPT_CHARS`] characters (and its length said) when longer:
/// an error that repeated a 10 KB value whole would push gRPC's status
/// trailer past the 16 KiB a client reads, and the caller would lose the
/// error itself.
pub fn quoted_excerpt(input: &str) -> String {
    match input.char_indices().nth(EXCERPT_CHARS) {
        None => format!("{input:?}"),
        Some((cut, _)) => format!("{:?}… ({} bytes)", &input[..cut], input.len()),
    }
}

/// `text` cut to at most `max_bytes` bytes on a character boundary, ending
/// with `…` when it was cut.
pub fn truncate(text: &str, max_bytes: usize) -> String {
    if text.len() <= max_bytes {
        return text.to_owned();
    }
    let ellipsis = '…';
    let mut cut = max_bytes.saturating_sub(ellipsis.len_utf8());
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{ellipsis}", &text[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_input_is_quoted_whole_and_long_input_cut() {
        assert_eq!(quoted_excerpt("t*"), "\"t*\"");
        assert_eq!(quoted_excerpt("a\u{1b}b"), "\"a\\u{1b}b\"");
        let long = "é".repeat(10_000);
        let excerpt = quoted_excerpt(&long);
        assert_eq!(excerpt, format!("{:?}… (20000 bytes)", "é".repeat(EXCERPT_CHARS)));
        assert_eq!(truncate("short", 10), "short");
        let cut = truncate(&long, 100);
        assert!(cut.len() <= 100 && cut.ends_with('…'), "{cut}");
    }
}
