//! The tokeniser: text in, tokens and syntactic words out, each with its byte
//! span, in the style of UD English EWT 2.16 (contractions and possessives as
//! multiword tokens, hyphenated compounds split except after prefixes, "U.S."
//! and "Mr." kept whole, "$53" as "$" + "53").
//!
//! Tokenising works one whitespace-separated chunk at a time, so the tokens
//! of a sentence are the same whether the sentence or the whole text is
//! tokenised. The lists that can be learned from the treebank (abbreviations,
//! hyphen prefixes, contractions written without an apostrophe) are learned
//! by [`Lexicon::learn`] and embedded; a few hand lists cover what news needs.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;
use std::sync::OnceLock;

use crate::conllu;

/// One surface token: its span in the text and the words it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub span: Range<usize>,
    /// Indices into [`Tokenised::words`]; more than one for a multiword token.
    pub words: Range<usize>,
}

/// The tokens of a span of text and their syntactic words.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tokenised {
    pub tokens: Vec<Token>,
    /// Each word's span; its form is `text[span]`.
    pub words: Vec<Range<usize>>,
}

impl Tokenised {
    /// Empties both lists, keeping their capacity.
    pub fn clear(&mut self) {
        self.tokens.clear();
        self.words.clear();
    }
}

/// The tokens of `text[span]` (the span is clamped to the text and moved onto
/// char boundaries, so no span can make this panic).
pub fn tokenise(text: &str, span: Range<usize>) -> Tokenised {
    let mut out = Tokenised::default();
    tokenise_into(Lexicon::embedded(), text, span, &mut out);
    out
}

/// Like [`tokenise`], with a given lexicon, appending to `out` (which is not
/// cleared, so one buffer can be reused).
pub fn tokenise_into(lexicon: &Lexicon, text: &str, span: Range<usize>, out: &mut Tokenised) {
    let span = clamp_span(text, span);
    let bytes = text.as_bytes();
    let mut at = span.start;
    while at < span.end {
        // Skip whitespace; ASCII first because it is nearly all of it.
        let byte = bytes[at];
        if is_ascii_space(byte) {
            at += 1;
            continue;
        }
        if byte >= 0x80 {
            let c = char_at(text, at);
            if c.is_whitespace() {
                at += c.len_utf8();
                continue;
            }
        }
        let chunk_start = at;
        while at < span.end {
            let byte = bytes[at];
            if byte < 0x80 {
                if is_ascii_space(byte) {
                    break;
                }
                at += 1;
            } else {
                let c = char_at(text, at);
                if c.is_whitespace() {
                    break;
                }
                at += c.len_utf8();
            }
        }
        let chunk_end = at;
        // Look ahead past the whitespace: the span's last chunk splits the
        // period off an abbreviation, as EWT does at a sentence's end
        // ("etc" + ".").
        while at < span.end {
            let byte = bytes[at];
            if is_ascii_space(byte) {
                at += 1;
            } else if byte >= 0x80 && char_at(text, at).is_whitespace() {
                at += char_at(text, at).len_utf8();
            } else {
                break;
            }
        }
        tokenise_chunk(lexicon, text, chunk_start, chunk_end, at >= span.end, out);
    }
}

/// Whether an ASCII byte is whitespace as `char::is_whitespace` says (which,
/// unlike `u8::is_ascii_whitespace`, counts the vertical tab).
#[inline]
fn is_ascii_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r')
}

/// The span clamped to the text, its ends moved back onto char boundaries.
pub(crate) fn clamp_span(text: &str, span: Range<usize>) -> Range<usize> {
    let mut end = span.end.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut start = span.start.min(end);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    start..end
}

/// The char starting at byte `at` (which must be a char boundary inside the
/// text; the callers only step by whole chars).
#[inline]
fn char_at(text: &str, at: usize) -> char {
    text[at..].chars().next().unwrap_or(' ')
}

/// The char ending at byte `at`.
#[inline]
fn char_before(text: &str, at: usize) -> char {
    text[..at].chars().next_back().unwrap_or(' ')
}

/// Whether a char belongs inside a word: letters and digits of any script,
/// the combining marks and joiners that hold them together, and `_`.
#[inline]
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    if c.is_alphanumeric() {
        return true;
    }
    let code = c as u32;
    // Combining marks (Latin, Cyrillic, Hebrew, Arabic, Indic and South-East
    // Asian scripts) and the zero-width joiners: they never start a token.
    matches!(code,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05C7 | 0x0610..=0x061A
        | 0x064B..=0x065F | 0x0670 | 0x06D6..=0x06ED | 0x0900..=0x0DFF
        | 0x0E31..=0x0E3A | 0x0E47..=0x0E4E | 0x0EB1..=0x0EBC | 0x0EC8..=0x0ECD
        | 0x0F18..=0x0F19 | 0x0F35..=0x0F39 | 0x0F71..=0x0F84 | 0x102B..=0x103E
        | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x200C | 0x200D | 0x20D0..=0x20FF
        | 0xFE00..=0xFE0F | 0xFE20..=0xFE2F)
}

/// Whether a char continues the emoji before it (skin tones, variation
/// selectors, the zero-width joiner, tags, keycap).
#[inline]
fn is_emoji_modifier(c: char) -> bool {
    matches!(c as u32, 0x1F3FB..=0x1F3FF | 0xFE0E | 0xFE0F | 0x200D | 0xE0020..=0xE007F | 0x20E3)
}

/// Whether a char is an emoji or pictograph (each is a token of its own).
#[inline]
fn is_emoji(c: char) -> bool {
    matches!(c as u32, 0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF)
}

#[inline]
fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '`' | '‘')
}

#[inline]
fn is_dash(c: char) -> bool {
    matches!(c, '-' | '–' | '—' | '―' | '‒' | '−')
}

/// Opening punctuation split off the front of a chunk.
#[inline]
fn is_opening(c: char) -> bool {
    matches!(
        c,
        '"' | '“'
            | '”'
            | '„'
            | '«'
            | '‹'
            | '('
            | '['
            | '{'
            | '<'
            | '*'
            | '‘'
            | '\''
            | '`'
            | '’'
            | '¿'
            | '¡'
            | '~'
            | '|'
    )
}

/// Closing punctuation split off the end of a chunk.
#[inline]
fn is_closing(c: char) -> bool {
    matches!(
        c,
        '"' | '”' | '“' | '»' | '›' | ')' | ']' | '}' | '>' | '*' | '\'' | '’' | '‘' | '`' | '|' | '~'
    )
}

#[inline]
fn is_currency(c: char) -> bool {
    matches!(c, '$' | '€' | '£' | '¥' | '₹' | '₩' | '₽' | '¢' | '#')
}

/// Emoticons kept whole (checked against the chunk, so ":)" is not split
/// into ":" and ")").
const EMOTICONS: &[&str] = &[
    ":)", ":-)", ":(", ":-(", ";)", ";-)", ":D", ":-D", ":P", ":-P", ":p", ":-p", ":/", ":-/", ":o", ":O",
    ":-O", ":'(", ":|", ":-|", ";D", ";P", ";p", "=)", "=(", "=D", "<3", "</3", "^_^", "^^", "-_-", "o_O",
    "O_o", "XD", "xD", ":]", ":[", ":*", ":-*", ":))", ":((", ">:(", "B)", "8)", ":S", ":s", ":@", "D:",
];

/// Whether a chunk is one of the [`EMOTICONS`] (a cheap test of length and
/// first byte first, since nearly nothing is).
#[inline]
fn is_emoticon(text: &str) -> bool {
    let bytes = text.as_bytes();
    (2..=4).contains(&bytes.len())
        && matches!(
            bytes[0],
            b':' | b';' | b'=' | b'<' | b'^' | b'-' | b'o' | b'O' | b'X' | b'x' | b'B' | b'8' | b'>' | b'D'
        )
        && EMOTICONS.contains(&text)
}

/// The contraction suffixes written after an apostrophe: "'s", "'re", ...
const APOSTROPHE_SUFFIXES: &[&str] = &["s", "re", "ll", "ve", "m", "d"];

/// One token of `text[start..end]`, with its words (a multiword token when a
/// contraction or possessive splits it).
fn push_token(
    lexicon: &Lexicon,
    text: &str,
    start: usize,
    end: usize,
    possessive_ok: bool,
    out: &mut Tokenised,
) {
    if start >= end {
        return;
    }
    let first_word = out.words.len();
    split_words(lexicon, text, start, end, possessive_ok, &mut out.words);
    out.tokens.push(Token {
        span: start..end,
        words: first_word..out.words.len(),
    });
}

/// Appends the syntactic words of the token `text[start..end]`.
fn split_words(
    lexicon: &Lexicon,
    text: &str,
    start: usize,
    end: usize,
    possessive_ok: bool,
    words: &mut Vec<Range<usize>>,
) {
    let form = &text[start..end];
    let bytes = form.as_bytes();
    let len = bytes.len();
    // Only tokens that end in a letter or an apostrophe can be contractions.
    let last = char_before(form, len);
    if len >= 2
        && (last.is_alphabetic() || is_apostrophe(last))
        && let Some(split) = contraction_split(lexicon, form, possessive_ok)
    {
        let mut previous = start;
        for &offset in split.iter().filter(|&&offset| offset > 0 && offset < len) {
            if form.is_char_boundary(offset) {
                words.push(previous..start + offset);
                previous = start + offset;
            }
        }
        words.push(previous..end);
        return;
    }
    words.push(start..end);
}

/// Where a token splits into words, as byte offsets inside it (at most two,
/// "dunno" → du + n + no), or `None` for a token of one word.
fn contraction_split(lexicon: &Lexicon, form: &str, possessive_ok: bool) -> Option<[usize; 2]> {
    let len = form.len();
    // "n't" (any apostrophe): "don't" → do + n't, "can't" → ca + n't.
    if len >= 4 {
        let last = char_before(form, len);
        if last == 't' || last == 'T' {
            let before_t = len - 1;
            let apostrophe = char_before(form, before_t);
            if is_apostrophe(apostrophe) {
                let at_apostrophe = before_t - apostrophe.len_utf8();
                let n = char_before(form, at_apostrophe);
                if (n == 'n' || n == 'N') && at_apostrophe > 1 {
                    let split = at_apostrophe - 1;
                    if char_before(form, split).is_alphabetic() {
                        return Some([split, 0]);
                    }
                }
            }
        }
    }
    // "'s", "'re", "'ll", "'ve", "'m", "'d": split at the last apostrophe.
    let may_have_apostrophe = form.bytes().any(|byte| matches!(byte, b'\'' | b'`' | 0xE2));
    if !may_have_apostrophe {
        return whole_contraction_split(lexicon, form);
    }
    if let Some((apostrophe_at, apostrophe)) = form.char_indices().rev().find(|(_, c)| is_apostrophe(*c)) {
        let suffix = &form[apostrophe_at + apostrophe.len_utf8()..];
        if apostrophe_at > 0 {
            let before = char_before(form, apostrophe_at);
            if before.is_alphanumeric() || before == '.' {
                if suffix.is_empty() {
                    // "Edwards'" → Edwards + ': the plural possessive.
                    if possessive_ok && (before == 's' || before == 'S') && apostrophe != '‘' {
                        return Some([apostrophe_at, 0]);
                    }
                } else if suffix.len() <= 2
                    && APOSTROPHE_SUFFIXES
                        .iter()
                        .any(|known| known.eq_ignore_ascii_case(suffix))
                {
                    return Some([apostrophe_at, 0]);
                }
            }
        }
        return None;
    }
    whole_contraction_split(lexicon, form)
}

/// Where a contraction written without an apostrophe ("dont", "gonna",
/// "cannot", learned from the treebank, or any auxiliary + "nt", "couldnt")
/// splits.
#[inline]
fn whole_contraction_split(lexicon: &Lexicon, form: &str) -> Option<[usize; 2]> {
    let len = form.len();
    let bytes = form.as_bytes();
    if !(2..=MAX_WHOLE_CONTRACTION).contains(&len) || !form.is_ascii() {
        return None;
    }
    // Most words can be ruled out by length and first letter alone.
    let ends_nt = len >= 4 && bytes[len - 2] | 0x20 == b'n' && bytes[len - 1] | 0x20 == b't';
    let first = bytes[0].to_ascii_lowercase();
    let learned_possible =
        first.is_ascii_lowercase() && lexicon.contraction_filter[len] & (1u32 << (first - b'a')) != 0;
    if !ends_nt && !learned_possible {
        return None;
    }
    let mut lower = [0u8; MAX_WHOLE_CONTRACTION];
    for (slot, byte) in lower.iter_mut().zip(form.bytes()) {
        *slot = byte.to_ascii_lowercase();
    }
    let lower = std::str::from_utf8(&lower[..len]).ok()?;
    if let Some(host) = lower.strip_suffix("nt")
        && NT_HOSTS.contains(&host)
    {
        return Some([host.len(), 0]);
    }
    if let Some(split) = lexicon.whole_contractions.get(lower) {
        return Some(*split);
    }
    None
}

const MAX_WHOLE_CONTRACTION: usize = 8;

/// The auxiliaries that take "n't", as their host is written before it
/// ("ca" of "can't", "wo" of "won't").
const NT_HOSTS: &[&str] = &[
    "do", "does", "did", "could", "would", "should", "is", "are", "was", "were", "has", "have", "had", "ca",
    "wo", "ai", "must", "need", "might",
];

/// The words whose "'s" the web writes without the apostrophe ("hes",
/// "thats", "lets"): the only hosts of a learned apostrophe-less "s".
const FUNCTION_WORD_HOSTS: &[&str] = &[
    "he", "she", "it", "that", "what", "there", "here", "let", "who", "where", "how", "when", "why", "else",
];

/// Whether `text[start..end]` is a URL, a web address or an e-mail address.
fn is_url_or_email(chunk: &str) -> bool {
    if chunk.len() < 4 || !chunk.as_bytes()[0].is_ascii_alphanumeric() {
        return false;
    }
    if chunk.contains("://") {
        return true;
    }
    let lower_prefix = chunk
        .get(..4)
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case("www."));
    if lower_prefix {
        return true;
    }
    if let Some(at) = chunk.find('@') {
        let (user, domain) = (&chunk[..at], &chunk[at + 1..]);
        return !user.is_empty()
            && domain.contains('.')
            && !domain.ends_with('.')
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'));
    }
    // Bare domains: "google.com", "cnn.co.uk/news".
    let host = chunk.split('/').next().unwrap_or(chunk);
    if let Some(dot) = host.rfind('.') {
        let tld = &host[dot + 1..];
        let has_slash = chunk.len() > host.len();
        return dot > 0
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
            && host.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && (COMMON_TLDS.contains(&tld)
                || (has_slash && tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_lowercase())));
    }
    false
}

const COMMON_TLDS: &[&str] = &[
    "com", "org", "net", "edu", "gov", "mil", "int", "info", "biz", "io", "co", "uk", "de", "fr", "ca", "au",
    "us", "eu",
];

/// Tokenises one whitespace-free chunk `text[start..end]`.
fn tokenise_chunk(
    lexicon: &Lexicon,
    text: &str,
    start: usize,
    end: usize,
    ends_span: bool,
    out: &mut Tokenised,
) {
    let chunk = &text[start..end];
    // Most chunks are plain words: no punctuation to look at.
    if chunk.bytes().all(|byte| byte.is_ascii_alphanumeric()) {
        // A number with a unit glued on ("8pm", "20mins") still splits.
        if !chunk.as_bytes()[0].is_ascii_digit() || chunk.bytes().all(|byte| byte.is_ascii_digit()) {
            push_token(lexicon, text, start, end, false, out);
        } else {
            tokenise_middle(lexicon, text, start, end, false, out);
        }
        return;
    }
    if is_emoticon(chunk) {
        push_token(lexicon, text, start, end, false, out);
        return;
    }
    let starts_with_quote = chunk.chars().next().is_some_and(|c| is_apostrophe(c) || c == '"');
    // Only a chunk with one of these can hold a URL or an e-mail address.
    let url_possible = chunk.bytes().any(|byte| matches!(byte, b'.' | b'@' | b':'));
    let mut lo = start;
    let mut hi = end;

    // Peel the opening punctuation off the front.
    while lo < hi {
        let c = char_at(text, lo);
        let rest_start = lo + c.len_utf8();
        if is_apostrophe(c) {
            // "'s", "'em", "'90s" and the like stay whole.
            let rest = &text[rest_start..hi];
            let word_len = rest.find(|c: char| !c.is_alphanumeric()).unwrap_or(rest.len());
            let word = &rest[..word_len];
            if word.is_empty()
                || LEADING_APOSTROPHE_WORDS
                    .iter()
                    .any(|known| known.eq_ignore_ascii_case(word))
                || (word.len() == 3
                    && word.ends_with('s')
                    && word.as_bytes()[..2].iter().all(u8::is_ascii_digit))
                || (word.len() == 2 && word.bytes().all(|b| b.is_ascii_digit()))
            {
                if word.is_empty() {
                    push_token(lexicon, text, lo, rest_start, false, out);
                    lo = rest_start;
                    continue;
                }
                break;
            }
            push_token(lexicon, text, lo, rest_start, false, out);
            lo = rest_start;
        } else if is_opening(c) {
            // Runs of the same bracket or quote ("((", "<<") are one token.
            let mut run_end = rest_start;
            while run_end < hi && char_at(text, run_end) == c && c != '"' {
                run_end += c.len_utf8();
            }
            if is_emoticon(&text[lo..hi]) {
                break;
            }
            push_token(lexicon, text, lo, run_end, false, out);
            lo = run_end;
        } else if is_dash(c) {
            let mut run_end = rest_start;
            while run_end < hi && is_dash(char_at(text, run_end)) {
                run_end += char_at(text, run_end).len_utf8();
            }
            // A minus sign before a number stays with it.
            if run_end == rest_start && run_end < hi && char_at(text, run_end).is_ascii_digit() {
                break;
            }
            if is_emoticon(&text[lo..hi]) {
                break;
            }
            push_token(lexicon, text, lo, run_end, false, out);
            lo = run_end;
        } else if is_currency(c) && rest_start < hi && char_at(text, rest_start).is_ascii_digit() {
            push_token(lexicon, text, lo, rest_start, false, out);
            lo = rest_start;
        } else if c == '.' || c == '…' {
            let mut run_end = rest_start;
            while run_end < hi && matches!(char_at(text, run_end), '.' | '…') {
                run_end += char_at(text, run_end).len_utf8();
            }
            if run_end == rest_start && run_end < hi && char_at(text, run_end).is_ascii_digit() {
                // ".5" is a number.
                break;
            }
            push_token(lexicon, text, lo, run_end, false, out);
            lo = run_end;
        } else if matches!(c, ',' | ';' | '!' | '?' | '¡' | '¿' | ':' | '&' | '+' | '=' | '@')
            && rest_start < hi
        {
            let next = char_at(text, rest_start);
            if is_emoticon(&text[lo..hi])
                || (c == '@' && next.is_alphanumeric())
                || (c == '+' && next.is_ascii_digit())
            {
                break;
            }
            // A run of the same mark ("=====", "!!!") is one token.
            let mut run_end = rest_start;
            while run_end < hi && char_at(text, run_end) == c {
                run_end += c.len_utf8();
            }
            push_token(lexicon, text, lo, run_end, false, out);
            lo = run_end;
        } else {
            break;
        }
    }

    // Peel the closing punctuation off the end, remembering the pieces to
    // push them after the middle.
    let mut trailing: [Range<usize>; MAX_TRAILING] = Default::default();
    let mut n_trailing = 0usize;
    let mut possessive_ok = false;
    // A URL keeps its slashes but not a sentence's final punctuation.
    let url_end = if url_possible {
        let body = &text[lo..hi];
        let trimmed =
            body.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '"', '\'', '”', '’', ']', '>']);
        is_url_or_email(trimmed).then_some(lo + trimmed.len())
    } else {
        None
    };
    while lo < hi && n_trailing < MAX_TRAILING {
        let c = char_before(text, hi);
        let piece_start = hi - c.len_utf8();
        let body = &text[lo..hi];
        if let Some(url_end) = url_end {
            if hi > url_end {
                trailing[n_trailing] = piece_start..hi;
                n_trailing += 1;
                hi = piece_start;
                continue;
            }
            break;
        }
        if is_emoticon(body) {
            break;
        }
        if is_closing(c) {
            if is_apostrophe(c) && !starts_with_quote && piece_start > lo {
                let before = char_before(text, piece_start);
                if before == 's' || before == 'S' {
                    // "Edwards'": the possessive, split as a multiword token.
                    possessive_ok = true;
                    break;
                }
            }
            let mut run_start = piece_start;
            while run_start > lo && char_before(text, run_start) == c && c != '"' && c != '\'' {
                run_start -= c.len_utf8();
            }
            // Two apostrophes are one closing quote ("''").
            if c == '\'' && run_start > lo + 1 && char_before(text, run_start) == '\'' {
                run_start -= 1;
            }
            trailing[n_trailing] = run_start..hi;
            n_trailing += 1;
            hi = run_start;
        } else if c == '.' || c == '…' {
            let mut run_start = piece_start;
            while run_start > lo && matches!(char_before(text, run_start), '.' | '…') {
                run_start -= char_before(text, run_start).len_utf8();
            }
            let ends_sentence = ends_span && hi == end;
            if run_start == piece_start
                && c == '.'
                && run_start > lo
                && !ends_sentence
                && lexicon.is_abbreviation(&text[lo..hi])
            {
                break;
            }
            trailing[n_trailing] = run_start..hi;
            n_trailing += 1;
            hi = run_start;
        } else if matches!(c, '!' | '?' | '‽') {
            let mut run_start = piece_start;
            while run_start > lo && matches!(char_before(text, run_start), '!' | '?' | '‽') {
                run_start -= char_before(text, run_start).len_utf8();
            }
            // EWT writes a lone period before them as one token (".?", ".!").
            if run_start > lo + 1
                && char_before(text, run_start) == '.'
                && char_before(text, run_start - 1) != '.'
                && char_before(text, run_start - 1).is_alphanumeric()
            {
                run_start -= 1;
            }
            trailing[n_trailing] = run_start..hi;
            n_trailing += 1;
            hi = run_start;
        } else if matches!(
            c,
            ',' | ';' | ':' | '%' | '‰' | '+' | '=' | '^' | '&' | '@' | '#' | '/' | '\\'
        ) {
            trailing[n_trailing] = piece_start..hi;
            n_trailing += 1;
            hi = piece_start;
        } else if is_dash(c) {
            let mut run_start = piece_start;
            while run_start > lo && is_dash(char_before(text, run_start)) {
                run_start -= char_before(text, run_start).len_utf8();
            }
            trailing[n_trailing] = run_start..hi;
            n_trailing += 1;
            hi = run_start;
        } else {
            break;
        }
    }

    if lo < hi {
        tokenise_middle(lexicon, text, lo, hi, possessive_ok, out);
    }
    for piece in trailing[..n_trailing].iter().rev() {
        push_token(lexicon, text, piece.start, piece.end, false, out);
    }
}

const MAX_TRAILING: usize = 12;

/// Words that start with an apostrophe and keep it ("'em", "'cause").
const LEADING_APOSTROPHE_WORDS: &[&str] = &[
    "s", "em", "cause", "cos", "til", "tis", "twas", "n", "round", "bout", "ve", "ll", "re", "m", "d",
];

/// Splits the middle of a chunk, once its outer punctuation is off, at the
/// punctuation inside it that EWT splits: hyphens between words (not after a
/// prefix), slashes between words, brackets, quotes and the like.
fn tokenise_middle(
    lexicon: &Lexicon,
    text: &str,
    lo: usize,
    hi: usize,
    possessive_ok: bool,
    out: &mut Tokenised,
) {
    let middle = &text[lo..hi];
    let url_possible = middle.bytes().any(|byte| matches!(byte, b'.' | b'@' | b':'));
    if (url_possible && is_url_or_email(middle)) || is_emoticon(middle) {
        push_token(lexicon, text, lo, hi, possessive_ok, out);
        return;
    }
    let mut token_start = lo;
    let mut at = lo;
    while at < hi {
        let c = char_at(text, at);
        let c_len = c.len_utf8();
        if is_word_char(c) {
            if c.is_ascii_alphabetic()
                && at > token_start
                && char_before(text, at).is_ascii_digit()
                && splits_unit(text, token_start, at, hi)
            {
                push_token(lexicon, text, token_start, at, false, out);
                token_start = at;
            }
            at += c_len;
            continue;
        }
        let next_at = at + c_len;
        let previous = if at > token_start {
            char_before(text, at)
        } else {
            ' '
        };
        let next = if next_at < hi { char_at(text, next_at) } else { ' ' };
        let glue = match c {
            '.' => previous.is_alphanumeric() && (next.is_alphanumeric() || next_at == hi),
            ',' => {
                previous.is_ascii_digit()
                    && text[next_at..hi].bytes().take_while(u8::is_ascii_digit).count() == 3
                    && !text.as_bytes()[next_at..hi]
                        .get(3)
                        .is_some_and(u8::is_ascii_digit)
            }
            ':' => previous.is_ascii_digit() && next.is_ascii_digit(),
            '/' => {
                (previous.is_ascii_digit() && next.is_ascii_digit())
                    || (is_single_letter_before(text, token_start, at)
                        && is_single_letter_after(text, next_at, hi))
            }
            '\'' | '’' | '`' => {
                (previous.is_alphanumeric() || at == token_start) && (next.is_alphanumeric() || next_at == hi)
            }
            '&' => previous.is_alphanumeric() && next.is_alphanumeric() && previous.is_uppercase(),
            '@' | '%' => previous.is_alphanumeric() && next.is_alphanumeric(),
            '-' | '‐' | '+' if at == token_start => next.is_ascii_digit(),
            '-' | '‐' => {
                previous.is_alphanumeric()
                    && next.is_alphanumeric()
                    && keep_hyphen(lexicon, text, token_start, at, next_at, hi)
            }
            _ if is_emoji_modifier(c) => at > token_start,
            _ => false,
        };
        if glue {
            at = next_at;
            continue;
        }
        // Split: the word so far, then this char (with its run) as a token.
        push_token(lexicon, text, token_start, at, false, out);
        let mut run_end = next_at;
        if is_emoji(c) {
            while run_end < hi {
                let following = char_at(text, run_end);
                if is_emoji_modifier(following) {
                    run_end += following.len_utf8();
                    // A joiner glues the next pictograph on ("👩‍💻").
                    if following == '\u{200D}' && run_end < hi && is_emoji(char_at(text, run_end)) {
                        run_end += char_at(text, run_end).len_utf8();
                    }
                } else if (0x1F1E6..=0x1F1FF).contains(&(c as u32))
                    && (0x1F1E6..=0x1F1FF).contains(&(following as u32))
                    && run_end == next_at
                {
                    // A flag is a pair of regional indicators.
                    run_end += following.len_utf8();
                } else {
                    break;
                }
            }
        } else if c != '"' {
            while run_end < hi && char_at(text, run_end) == c {
                run_end += c_len;
            }
        }
        push_token(lexicon, text, at, run_end, false, out);
        at = run_end;
        token_start = run_end;
    }
    push_token(lexicon, text, token_start, hi, possessive_ok, out);
}

/// Whether the letters at `at` are a unit glued to the number before them
/// ("8pm", "20mins", "5bn" split; "21st", "1990s", "3D" and codes like
/// "330i" or "A4" do not).
fn splits_unit(text: &str, token_start: usize, at: usize, hi: usize) -> bool {
    let number = &text[token_start..at];
    if number.len() > MAX_NUMBER_WITH_HYPHENS
        || !number
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',' || b == b':')
    {
        return false;
    }
    let rest = &text[at..hi];
    let letters_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
    if rest
        .as_bytes()
        .get(letters_len)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
    {
        return false;
    }
    let letters = &rest[..letters_len];
    !["th", "st", "nd", "rd", "s", "d", "h"]
        .iter()
        .any(|keep| keep.eq_ignore_ascii_case(letters))
}

/// Whether the word before `at` (from `token_start`) is one letter ("w/o").
fn is_single_letter_before(text: &str, token_start: usize, at: usize) -> bool {
    let word = &text[token_start..at];
    let mut chars = word.chars().rev();
    chars.next().is_some_and(char::is_alphabetic) && chars.next().is_none_or(|c| c == '/')
}

/// Whether the word after `from` is one letter ("c/o").
fn is_single_letter_after(text: &str, from: usize, hi: usize) -> bool {
    let mut chars = text[from..hi].chars();
    chars.next().is_some_and(char::is_alphabetic) && chars.next().is_none_or(|c| !c.is_alphanumeric())
}

/// Whether the hyphen at `at` stays inside its word: after a prefix EWT keeps
/// ("non-", "e-", "co-"), and in phone numbers and dates.
fn keep_hyphen(
    lexicon: &Lexicon,
    text: &str,
    token_start: usize,
    at: usize,
    next_at: usize,
    hi: usize,
) -> bool {
    // The part since the last hyphen or the token's start, looked for only
    // as far back as a prefix can reach (so a long hyphenated chunk stays
    // linear).
    let bytes = text.as_bytes();
    let mut left_start = at;
    while left_start > token_start && at - left_start <= MAX_PREFIX && bytes[left_start - 1] != b'-' {
        left_start -= 1;
    }
    let left = &bytes[left_start..at];
    let left_digits = text.as_bytes()[token_start..at]
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let right_digits = text.as_bytes()[next_at..hi]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if left_digits > 0 && right_digits > 0 {
        // Phone numbers, ZIP+4 codes and dates stay whole ("713-853-3989",
        // "713/853-6197", "1-800-991-9019", "77042-2016", "11-20-2000");
        // "3-4" and "1969-1970" are ranges and split.
        if hi - token_start > MAX_NUMBER_WITH_HYPHENS {
            return false;
        }
        let whole = &text[token_start..hi];
        let n_hyphens = whole.bytes().filter(|&b| b == b'-').count();
        let n_digits = whole.bytes().filter(u8::is_ascii_digit).count();
        let groups_are_long = whole.split('-').all(|group| group.len() >= 2);
        return ((left_digits == 3 || left_digits == 5) && right_digits == 4)
            || (left_digits == 3 && right_digits == 3 && n_hyphens >= 2)
            || (n_hyphens >= 2 && (groups_are_long || n_digits >= 10));
    }
    if left.len() > MAX_PREFIX
        || !left.is_ascii()
        || (left_start > token_start && bytes[left_start - 1] != b'-')
    {
        return false;
    }
    let mut lower = [0u8; MAX_PREFIX];
    for (slot, byte) in lower.iter_mut().zip(left) {
        *slot = byte.to_ascii_lowercase();
    }
    std::str::from_utf8(&lower[..left.len()]).is_ok_and(|prefix| lexicon.hyphen_prefixes.contains(prefix))
}

const MAX_PREFIX: usize = 8;

/// The longest phone number or date with hyphens kept whole, in bytes.
const MAX_NUMBER_WITH_HYPHENS: usize = 40;

/// A fast, deterministic hasher for the lexicon's short strings (lookups
/// only: nothing ever iterates these sets in an order that matters).
#[derive(Default, Clone, Copy)]
struct ShortStringHasher(u64);

impl Hasher for ShortStringHasher {
    fn finish(&self) -> u64 {
        crate::perceptron::mix(self.0, 0)
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

type FastBuild = BuildHasherDefault<ShortStringHasher>;

/// What the tokeniser learns from a treebank: the abbreviations it writes
/// with their period, the prefixes it keeps hyphenated, and the contractions
/// written without an apostrophe that it splits into words.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    /// Exact forms, period included ("Mr.", "etc.").
    abbreviations: HashSet<String, FastBuild>,
    /// Lowercase prefixes ("non", "e", "co").
    hyphen_prefixes: HashSet<String, FastBuild>,
    /// Lowercase forms and where they split ("gonna" → [3, 0]).
    whole_contractions: HashMap<String, [usize; 2], FastBuild>,
    /// For each length, a bit per first letter of the learned contractions.
    contraction_filter: [u32; MAX_WHOLE_CONTRACTION + 1],
}

/// News abbreviations the web treebank is too small to have seen: titles,
/// months and days, US states, companies and the like.
const NEWS_ABBREVIATIONS: &[&str] = &[
    "Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "Sen.", "Sens.", "Rep.", "Reps.", "Gov.", "Govs.", "Lt.", "Gen.",
    "Col.", "Capt.", "Cmdr.", "Sgt.", "Maj.", "Adm.", "Cpl.", "Pvt.", "Pres.", "Supt.", "Insp.", "Det.",
    "Atty.", "Gen.", "Rev.", "Fr.", "Sr.", "Jr.", "Sra.", "Mme.", "Messrs.", "Hon.", "St.", "Ste.", "Mt.",
    "Ft.", "Ave.", "Blvd.", "Rd.", "Hwy.", "Sq.", "Jan.", "Feb.", "Mar.", "Apr.", "Aug.", "Sep.", "Sept.",
    "Oct.", "Nov.", "Dec.", "Mon.", "Tue.", "Tues.", "Wed.", "Thu.", "Thur.", "Thurs.", "Fri.", "Sat.",
    "Ala.", "Ariz.", "Ark.", "Calif.", "Colo.", "Conn.", "Del.", "Fla.", "Ga.", "Ill.", "Ind.", "Kan.",
    "Kans.", "Ky.", "La.", "Md.", "Mass.", "Mich.", "Minn.", "Miss.", "Mo.", "Mont.", "Neb.", "Nebr.",
    "Nev.", "N.H.", "N.J.", "N.M.", "N.Y.", "N.C.", "N.D.", "Okla.", "Ore.", "Pa.", "R.I.", "S.C.", "S.D.",
    "Tenn.", "Tex.", "Vt.", "Va.", "Wash.", "Wis.", "Wisc.", "W.Va.", "Wyo.", "D.C.", "Inc.", "Corp.", "Co.",
    "Cos.", "Ltd.", "Bros.", "Assn.", "Assoc.", "Dept.", "Univ.", "Inst.", "Gov't.", "No.", "Nos.", "Vol.",
    "Vols.", "pp.", "p.", "ch.", "vs.", "v.", "etc.", "e.g.", "i.e.", "cf.", "al.", "approx.", "est.", "ca.",
    "a.m.", "p.m.", "U.S.", "U.K.", "U.N.", "E.U.", "U.S.A.", "Ph.D.", "M.D.", "B.A.", "M.A.", "Esq.", "Op.",
    "Ed.", "Eds.", "Fig.", "lb.", "lbs.", "oz.", "ext.", "esp.", "eg.", "ft.", "sq.", "yr.", "yrs.", "min.",
    "hr.", "hrs.", "tel.", "Tel.",
];

/// Prefixes EWT train keeps hyphenated but too rarely to learn them
/// ("counter-propaganda", "un-ruly", "socio-economic", "arch-murderer",
/// "intra-day": each seen kept and never split).
const BOUND_HYPHEN_PREFIXES: &[&str] = &["counter", "un", "socio", "arch", "intra"];

impl Lexicon {
    /// The lexicon learned from UD English EWT 2.16 train, embedded.
    pub fn embedded() -> &'static Lexicon {
        static LEXICON: OnceLock<Lexicon> = OnceLock::new();
        LEXICON.get_or_init(|| {
            let mut lexicon =
                Lexicon::from_text(include_str!("../weights/tokenise_lexicon.txt")).unwrap_or_default();
            lexicon.add_hand_lists();
            lexicon
        })
    }

    /// Adds the hand-written news lists (not stored in the learned file).
    pub fn add_hand_lists(&mut self) {
        for abbreviation in NEWS_ABBREVIATIONS {
            self.abbreviations.insert((*abbreviation).to_string());
        }
        for prefix in BOUND_HYPHEN_PREFIXES {
            self.hyphen_prefixes.insert((*prefix).to_string());
        }
    }

    /// A copy with the hand-written news lists added: the lexicon as the
    /// tokeniser uses it, from the learned part that is stored.
    pub fn with_hand_lists(&self) -> Lexicon {
        let mut lexicon = self.clone();
        lexicon.add_hand_lists();
        lexicon
    }

    /// Adds a contraction written without an apostrophe (lowercase ASCII).
    pub fn insert_contraction(&mut self, form: &str, split: [usize; 2]) {
        let Some(&first) = form.as_bytes().first() else {
            return;
        };
        if form.len() > MAX_WHOLE_CONTRACTION || !first.is_ascii_lowercase() {
            return;
        }
        self.contraction_filter[form.len()] |= 1u32 << (first - b'a');
        self.whole_contractions.insert(form.to_string(), split);
    }

    /// Whether `form` (ending in a period) is an abbreviation that keeps it.
    pub fn is_abbreviation(&self, form: &str) -> bool {
        let Some(body) = form.strip_suffix('.') else {
            return false;
        };
        if body.is_empty() {
            return false;
        }
        let mut chars = body.chars();
        let first = chars.next().unwrap_or(' ');
        // An initial: "J." (but not the pronoun "I.").
        if chars.next().is_none() {
            return first.is_uppercase() && first != 'I';
        }
        // Letters with inner periods: "U.S.", "p.m.", "a.k.a.", "Ph.D.".
        if body.contains('.') && body.chars().all(|c| c.is_alphabetic() || c == '.') && !body.contains("..") {
            return true;
        }
        self.abbreviations.contains(form)
    }

    /// Learns the lists from treebank sentences (their surface tokens and
    /// `SpaceAfter=No`).
    pub fn learn(sentences: &[conllu::Sentence]) -> Lexicon {
        let mut kept_abbreviation: HashMap<String, (u32, u32)> = HashMap::new();
        let mut prefix_counts: HashMap<String, (u32, u32)> = HashMap::new();
        let mut contraction_counts: HashMap<String, (u32, u32, [usize; 2])> = HashMap::new();
        let mut single_counts: HashMap<String, u32> = HashMap::new();
        for sentence in sentences {
            let tokens = sentence.tokens();
            for (idx, token) in tokens.iter().enumerate() {
                let form = token.form;
                let lower = form.to_lowercase();
                if token.words.len() == 1 {
                    *single_counts.entry(lower.clone()).or_default() += 1;
                }
                // Abbreviations: one token ending in a period.
                if form.len() >= 2
                    && form.ends_with('.')
                    && form.chars().next().is_some_and(char::is_alphabetic)
                    && form.chars().all(|c| c.is_alphabetic() || c == '.' || c == '\'')
                {
                    kept_abbreviation.entry(form.to_string()).or_default().0 += 1;
                }
                // The same word split from its period ("Sun" + ".").
                if token.no_space_after
                    && tokens.get(idx + 1).is_some_and(|next| next.form == ".")
                    && form.chars().all(char::is_alphabetic)
                {
                    kept_abbreviation.entry(format!("{form}.")).or_default().1 += 1;
                }
                // Hyphen prefixes kept inside a token.
                if let Some((left, right)) = form.split_once('-')
                    && !left.is_empty()
                    && left.chars().all(char::is_alphabetic)
                    && right.chars().next().is_some_and(char::is_alphanumeric)
                {
                    prefix_counts.entry(left.to_lowercase()).or_default().0 += 1;
                }
                // ... and split off ("long" + "-" + "term").
                if token.no_space_after
                    && form.chars().all(char::is_alphabetic)
                    && tokens
                        .get(idx + 1)
                        .is_some_and(|next| next.form == "-" && next.no_space_after)
                    && tokens
                        .get(idx + 2)
                        .is_some_and(|next| next.form.chars().next().is_some_and(char::is_alphanumeric))
                {
                    prefix_counts.entry(lower.clone()).or_default().1 += 1;
                }
                // Contractions without an apostrophe.
                if token.words.len() > 1
                    && !form.chars().any(is_apostrophe)
                    && form.is_ascii()
                    && form.len() <= MAX_WHOLE_CONTRACTION
                {
                    let mut split = [0usize; 2];
                    let mut offset = 0usize;
                    let mut consistent = true;
                    for (slot, word_idx) in token.words.clone().take(token.words.len() - 1).enumerate() {
                        offset += sentence.words[word_idx].form.len();
                        if slot < 2 {
                            split[slot] = offset;
                        } else {
                            consistent = false;
                        }
                    }
                    let joined: String = token
                        .words
                        .clone()
                        .map(|word_idx| sentence.words[word_idx].form.as_str())
                        .collect();
                    if consistent && joined.eq_ignore_ascii_case(form) {
                        let entry = contraction_counts.entry(lower.clone()).or_insert((0, 0, split));
                        entry.0 += 1;
                        entry.2 = split;
                    }
                }
            }
        }
        let mut lexicon = Lexicon::default();
        for (form, (kept, split)) in kept_abbreviation {
            // Seen twice, and kept at least twice as often as split; an
            // acronym with a period ("LA.") is a sentence's end, not an
            // abbreviation.
            let body = &form[..form.len() - 1];
            let acronym = body.chars().count() > 1 && body.chars().all(|c| c.is_uppercase());
            if kept >= 2 && kept > 2 * split && !acronym {
                lexicon.abbreviations.insert(form);
            }
        }
        for (prefix, (kept, split)) in prefix_counts {
            if kept >= 2 && kept > split && prefix.len() <= MAX_PREFIX {
                lexicon.hyphen_prefixes.insert(prefix);
            }
        }
        for (form, (n_split, _, split)) in contraction_counts {
            let n_single = single_counts.get(&form).copied().unwrap_or(0);
            // A possessive without its apostrophe ("plumbers" for
            // "plumber's") is a typo of a content word the treebank saw once
            // or twice; only function words ("hes", "thats") are learned.
            let host = &form[..split[0].min(form.len())];
            let possessive = form.len() == split[0] + 1 && form.ends_with('s');
            let alphabetic = form.bytes().all(|b| b.is_ascii_alphabetic());
            if n_split >= 2
                && n_split > n_single
                && alphabetic
                && (!possessive || FUNCTION_WORD_HOSTS.contains(&host))
            {
                lexicon.insert_contraction(&form, split);
            }
        }
        lexicon
    }

    /// The lexicon as sorted text lines (`abbreviation\tMr.`,
    /// `hyphen-prefix\tnon`, `contraction\tgonna\t3\t0`), for the weights folder.
    pub fn to_text(&self) -> String {
        let mut lines: Vec<String> = Vec::new();
        for form in &self.abbreviations {
            lines.push(format!("abbreviation\t{form}"));
        }
        for prefix in &self.hyphen_prefixes {
            lines.push(format!("hyphen-prefix\t{prefix}"));
        }
        for (form, split) in &self.whole_contractions {
            lines.push(format!("contraction\t{form}\t{}\t{}", split[0], split[1]));
        }
        lines.sort();
        let mut text = String::from(
            "# claimdb tokeniser lexicon, learned from UD English EWT 2.16 train (CC BY-SA 4.0)\n",
        );
        for line in lines {
            text.push_str(&line);
            text.push('\n');
        }
        text
    }

    /// Reads what [`Lexicon::to_text`] wrote.
    pub fn from_text(text: &str) -> Result<Lexicon, crate::perceptron::FormatError> {
        let mut lexicon = Lexicon::default();
        for (line_idx, line) in text.lines().enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split('\t').collect();
            let bad = || {
                crate::perceptron::FormatError(format!("tokeniser lexicon line {}: {line:?}", line_idx + 1))
            };
            match fields.as_slice() {
                ["abbreviation", form] => {
                    lexicon.abbreviations.insert((*form).to_string());
                }
                ["hyphen-prefix", prefix] => {
                    lexicon.hyphen_prefixes.insert((*prefix).to_string());
                }
                ["contraction", form, first, second] => {
                    let first = first.parse::<usize>().map_err(|_| bad())?;
                    let second = second.parse::<usize>().map_err(|_| bad())?;
                    if first > form.len() || second > form.len() || form.len() > MAX_WHOLE_CONTRACTION {
                        return Err(bad());
                    }
                    lexicon.insert_contraction(form, [first, second]);
                }
                _ => return Err(bad()),
            }
        }
        Ok(lexicon)
    }
}

#[cfg(test)]
mod tests;
