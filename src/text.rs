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

/// `text` made safe to print on a terminal: every control character (C0
/// such as ESC and BEL, DEL, the C1 range U+0080–U+009F that some terminals
/// also obey) and every bidirectional formatting character (which can make
/// text read in another order than it is stored) becomes a visible escape
/// like `\u{1b}`. Newlines and tabs stay, and so does a carriage return
/// before a newline, since the layout (and Windows text) needs them.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    let needs_escape = |c: char, next: Option<char>| match c {
        '\n' | '\t' => false,
        '\r' => next != Some('\n'),
        c => c.is_control() || is_bidi_control(c),
    };
    let mut chars = text.char_indices().peekable();
    let mut escaped: Option<String> = None;
    while let Some((idx, c)) = chars.next() {
        let next = chars.peek().map(|&(_, next)| next);
        if needs_escape(c, next) {
            let out = escaped.get_or_insert_with(|| {
                let mut out = String::with_capacity(text.len() + 8);
                out.push_str(&text[..idx]);
                out
            });
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else if let Some(out) = escaped.as_mut() {
            out.push(c);
        }
    }
    match escaped {
        Some(out) => std::borrow::Cow::Owned(out),
        None => std::borrow::Cow::Borrowed(text),
    }
}

/// The characters that reorder how text is shown (Unicode's explicit
/// bidirectional formatting characters and marks).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{061c}')
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

    // See: #14 (defect 8).
    #[test]
    fn terminal_controls_are_shown_not_obeyed() {
        assert_eq!(
            escape_controls("x\u{1b}[2J\u{1b}]0;pwned\u{7}y"),
            "x\\u{1b}[2J\\u{1b}]0;pwned\\u{7}y"
        );
        assert_eq!(escape_controls("a\u{9b}31mb\u{7f}"), "a\\u{9b}31mb\\u{7f}");
        assert_eq!(escape_controls("left\u{202e}right"), "left\\u{202e}right");
        assert_eq!(
            escape_controls("one\ttwo\nthree\r\nfour\rfive"),
            "one\ttwo\nthree\r\nfour\\u{d}five"
        );
        assert!(matches!(
            escape_controls("Müller said 5%."),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
