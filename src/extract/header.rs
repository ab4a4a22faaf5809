//! Article layout: finds the header, title and closing credit line around the body text.
//!
//! Recognised shapes:
//! - Header: optional whitespace, `date`, a date token, an optional upper-case
//!   dateline, then `•`, all on the first line. The body continues after the
//!   bullet. When the date token is not a real `YYYY-MM-DD` calendar date the
//!   header is still recognised and kept out of the sentences (it is clearly
//!   metadata, not prose), but `published_date` stays `None` and a diagnostic
//!   says why.
//! - Title (only without a header): a first line under 200 bytes with no
//!   sentence-final punctuation, followed by a blank line.
//! - Credit: the last non-empty line, when it is short, mostly upper case and
//!   made only of letters and the punctuation that joins agency names.
//! - Wire dateline, where the prose starts: an upper-case place with an
//!   optional qualifier after a comma (a state, "Calif.", "N.Y.", or a date,
//!   "Jan 3"), an optional agency in parentheses, then a dash:
//!   "WASHINGTON (Reuters) - ", "LONDON, Jan 3 (Reuters) - ", "HAYWARD,
//!   Calif. (AP) — ", "BUFFALO, N.Y. — "; or an agency alone, "(CNN)". The
//!   place becomes the dateline and the agency the credit (unless a credit
//!   line gives one), and the prose starts after it: it is never claim text.

use super::{ArticleMeta, Diagnostic, Span};
use crate::calendar;

/// Where the prose of an article lies, and the metadata found around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub meta: ArticleMeta,
    /// The byte range of `body` that holds the prose to split into sentences.
    pub content: Span,
    pub diagnostics: Vec<Diagnostic>,
}

const HEADER_BULLET: char = '\u{2022}';
const MAX_HEADER_LINE_BYTES: usize = 200;
const MAX_TITLE_BYTES: usize = 200;
const MAX_CREDIT_BYTES: usize = 80;

/// Finds the header, title and credit line of `body`.
pub fn parse_layout(body: &str) -> Layout {
    let mut meta = ArticleMeta::default();
    let mut diagnostics = Vec::new();
    let mut content_start = 0;
    if let Some(header) = parse_header(body) {
        content_start = header.content_start;
        meta.dateline = header.dateline;
        if is_valid_date(&body[header.date.start..header.date.end]) {
            meta.published_date = Some(body[header.date.start..header.date.end].to_string());
        } else {
            diagnostics.push(Diagnostic {
                span: header.date,
                message: "header: not a valid YYYY-MM-DD date".to_string(),
            });
        }
    } else if let Some((title, after_title)) = parse_title(body) {
        meta.title = Some(title);
        content_start = after_title;
    }
    let mut content_end = body.len();
    if let Some((credit, line_start)) = parse_credit(body, content_start) {
        meta.credit = Some(credit);
        content_end = line_start;
    }
    if let Some(wire) = parse_wire_dateline(body, content_start) {
        if meta.dateline.is_none() {
            meta.dateline = wire.place;
        }
        if meta.credit.is_none() {
            meta.credit = wire.agency;
        }
        content_start = wire.content_start;
    }
    Layout {
        meta,
        content: Span {
            start: content_start,
            end: content_end.max(content_start),
        },
        diagnostics,
    }
}

/// The parts of a recognised header line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Header {
    date: Span,
    dateline: Option<String>,
    content_start: usize,
}

fn parse_header(body: &str) -> Option<Header> {
    let keyword_start = body.len() - body.trim_start().len();
    let after_keyword = keyword_start + 4;
    if !body
        .get(keyword_start..after_keyword)
        .is_some_and(|keyword| keyword.eq_ignore_ascii_case("date"))
    {
        return None;
    }
    let line_end = body[keyword_start..]
        .find('\n')
        .map_or(body.len(), |offset| keyword_start + offset);
    let line = &body[after_keyword..line_end];
    if !line.starts_with([' ', '\t']) {
        return None;
    }
    let date_start = after_keyword + (line.len() - line.trim_start().len());
    let date_len = body[date_start..line_end]
        .find(|c: char| c.is_whitespace() || c == HEADER_BULLET)
        .unwrap_or(line_end - date_start);
    let date_end = date_start + date_len;
    if !body[date_start..date_end].starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let bullet_offset = body[date_end..line_end].find(HEADER_BULLET)?;
    let bullet_idx = date_end + bullet_offset;
    if bullet_idx - keyword_start > MAX_HEADER_LINE_BYTES {
        return None;
    }
    let dateline_text = body[date_end..bullet_idx].trim();
    let dateline = (!dateline_text.is_empty() && !dateline_text.chars().any(char::is_lowercase))
        .then(|| collapse_whitespace(dateline_text));
    Some(Header {
        date: Span {
            start: date_start,
            end: date_end,
        },
        dateline,
        content_start: bullet_idx + HEADER_BULLET.len_utf8(),
    })
}

/// True for a `YYYY-MM-DD` string naming a day the [`calendar`] accepts.
pub fn is_valid_date(text: &str) -> bool {
    calendar::parse_date(text).is_some()
}

/// Returns the title and the byte index where the prose starts after it.
fn parse_title(body: &str) -> Option<(String, usize)> {
    let line_start = body.len() - body.trim_start().len();
    let line_end = line_start + body[line_start..].find('\n')?;
    let line = body[line_start..line_end].trim();
    if line.is_empty() || line.len() >= MAX_TITLE_BYTES {
        return None;
    }
    // Trailing emoji and closing quotes do not hide a final full stop or "!".
    let without_closers = line.trim_end_matches(|c: char| {
        !(c.is_alphanumeric() || c.is_ascii_punctuation()) || matches!(c, '"' | '\'' | ')')
    });
    if without_closers.ends_with(['.', '!', '?', '\u{2026}', ':', ';', ',']) {
        return None;
    }
    let after_line = &body[line_end + 1..];
    let blank_follows = after_line.trim_start_matches([' ', '\t', '\r']).starts_with('\n');
    blank_follows.then(|| (collapse_whitespace(line), line_end + 1))
}

/// A wire dateline at the start of the prose.
#[derive(Debug, Clone, PartialEq, Eq)]
struct WireDateline {
    place: Option<String>,
    agency: Option<String>,
    content_start: usize,
}

/// The longest wire dateline, in bytes.
const MAX_WIRE_DATELINE_BYTES: usize = 80;

fn parse_wire_dateline(body: &str, content_start: usize) -> Option<WireDateline> {
    let start = content_start + (body[content_start..].len() - body[content_start..].trim_start().len());
    let window_end = body[start..]
        .char_indices()
        .nth(MAX_WIRE_DATELINE_BYTES)
        .map_or(body.len(), |(offset, _)| start + offset);
    let window = &body[start..window_end];
    let window = &window[..window.find('\n').unwrap_or(window.len())];
    // "(CNN)" alone, with or without a dash after it.
    if let Some(rest) = window.strip_prefix('(') {
        let close = rest.find(')')?;
        let agency = &rest[..close];
        if !is_agency(agency) || !agency.chars().all(|c| c.is_ascii_uppercase()) {
            return None;
        }
        let after = start + 1 + close + 1;
        return Some(WireDateline {
            place: None,
            agency: Some(agency.to_owned()),
            content_start: after + dash_len(&body[after..]).unwrap_or(0),
        });
    }
    // The place: upper-case words, up to a comma, a parenthesis or a dash.
    let place_end = window.find([',', '(', '-', '\u{2014}', '\u{2013}'])?;
    let place = window[..place_end].trim_end();
    let is_place_char = |c: char| c.is_uppercase() || matches!(c, ' ' | '.' | '/' | '\'');
    if place.chars().filter(|c| c.is_alphabetic()).count() < 2 || !place.chars().all(is_place_char) {
        return None;
    }
    let mut at = place_end;
    // The qualifier after a comma: "Calif.", "N.Y.", "Jan 3", at most three words.
    if window[at..].starts_with(',') {
        let rest = &window[at + 1..];
        let end = rest.find(['(', '-', '\u{2014}', '\u{2013}'])?;
        let qualifier = rest[..end].trim();
        let words = qualifier.split_whitespace().count();
        if qualifier.is_empty()
            || words > 3
            || !qualifier.starts_with(|c: char| c.is_uppercase())
            || !qualifier
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '.' | ','))
        {
            return None;
        }
        at += 1 + end;
    }
    let mut agency = None;
    let gap = window[at..].len() - window[at..].trim_start().len();
    if window[at + gap..].starts_with('(') {
        let rest = &window[at + gap + 1..];
        let close = rest.find(')')?;
        if !is_agency(&rest[..close]) {
            return None;
        }
        agency = Some(rest[..close].to_owned());
        at += gap + 1 + close + 1;
    }
    // A dash must follow: without one an upper-case opening is prose.
    let dash = dash_len(&body[start + at..])?;
    Some(WireDateline {
        place: Some(collapse_whitespace(place)),
        agency,
        content_start: start + at + dash,
    })
}

/// An agency's name: one to four capitalised words ("Reuters", "AP", "AFP").
fn is_agency(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    (1..=4).contains(&words.len())
        && words.iter().all(|word| {
            word.starts_with(|c: char| c.is_uppercase())
                && word.chars().all(|c| c.is_alphabetic() || c == '.')
        })
}

/// The length of a dash with its spaces at the start of `text` (" - ", " — ").
fn dash_len(text: &str) -> Option<usize> {
    let trimmed = text.trim_start_matches(' ');
    let dash = ["--", "-", "\u{2014}", "\u{2013}"]
        .into_iter()
        .find(|dash| trimmed.starts_with(dash))?;
    let after = &trimmed[dash.len()..];
    let after_trimmed = after.trim_start_matches(' ');
    // "- " then prose; a dash glued to a word ("-based") is no separator.
    (after.len() != after_trimmed.len() || after.is_empty()).then(|| text.len() - after_trimmed.len())
}

/// Returns the credit and the byte index where its line starts.
fn parse_credit(body: &str, content_start: usize) -> Option<(String, usize)> {
    let trimmed_end = body.trim_end().len();
    let line_start = body[..trimmed_end].rfind('\n').map_or(0, |idx| idx + 1);
    if line_start < content_start {
        return None;
    }
    let line = body[line_start..trimmed_end].trim();
    if line.len() < 2 || line.len() > MAX_CREDIT_BYTES {
        return None;
    }
    let allowed = |c: char| c.is_alphabetic() || matches!(c, ' ' | ',' | '-' | '&' | '/' | '.' | '\'');
    if !line.chars().all(allowed) || line.ends_with(['.', ',', '-', '&', '/']) {
        return None;
    }
    let n_letters = line.chars().filter(|c| c.is_alphabetic()).count();
    let n_upper = line.chars().filter(|c| c.is_uppercase()).count();
    // "Mostly" upper case tolerates names like "McCLATCHY" while rejecting headings.
    if n_letters < 2 || n_upper * 10 < n_letters * 8 {
        return None;
    }
    Some((collapse_whitespace(line), line_start))
}

/// Replaces every run of whitespace with one space and trims the ends.
pub fn collapse_whitespace(text: &str) -> String {
    if !needs_collapsing(text) {
        return text.to_string();
    }
    let mut collapsed = String::with_capacity(text.len());
    for part in text.split_whitespace() {
        if !collapsed.is_empty() {
            collapsed.push(' ');
        }
        collapsed.push_str(part);
    }
    collapsed
}

/// True when `text` has leading, trailing, repeated or non-space whitespace.
/// Most sentences have none, and this byte scan is much cheaper than splitting.
fn needs_collapsing(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') || text.contains("  ") {
        return true;
    }
    // A branch-free pass that the compiler can vectorise; only when a
    // candidate byte shows up is the exact (slower) check made. 0xC2, 0xE1,
    // 0xE2 and 0xE3 are the lead bytes of every non-ASCII whitespace character.
    let has_candidate = bytes.iter().fold(false, |found, byte| {
        found | matches!(byte, 0x09..=0x0D | 0xC2 | 0xE1 | 0xE2 | 0xE3)
    });
    has_candidate && text.chars().any(|c| c.is_whitespace() && c != ' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(body: &str) -> (Option<String>, Option<String>, &str) {
        let layout = parse_layout(body);
        (
            layout.meta.dateline,
            layout.meta.credit,
            &body[layout.content.start..layout.content.end],
        )
    }

    #[test]
    fn wire_datelines_go_to_the_metadata_not_the_prose() {
        let some = |text: &str| Some(text.to_owned());
        assert_eq!(
            wire("WASHINGTON (Reuters) - The Senate voted on Friday."),
            (some("WASHINGTON"), some("Reuters"), "The Senate voted on Friday.")
        );
        assert_eq!(
            wire("LONDON, Jan 3 (Reuters) - Shares fell."),
            (some("LONDON"), some("Reuters"), "Shares fell.")
        );
        assert_eq!(
            wire("HAYWARD, Calif. (AP) \u{2014} A man was stabbed."),
            (some("HAYWARD"), some("AP"), "A man was stabbed.")
        );
        assert_eq!(
            wire("BUFFALO, N.Y. \u{2014} Zach Parise scored twice."),
            (some("BUFFALO"), None, "Zach Parise scored twice.")
        );
        assert_eq!(
            wire("(CNN)Donald Trump went to the hospital."),
            (None, some("CNN"), "Donald Trump went to the hospital.")
        );
        assert_eq!(
            wire("SAN FRANCISCO (AP) \u{2014} A man died."),
            (some("SAN FRANCISCO"), some("AP"), "A man died.")
        );
    }

    #[test]
    fn upper_case_prose_is_not_a_dateline() {
        for body in [
            "NATO said on Friday it would meet.",
            "US-based firms grew.",
            "BREAKING: the vote failed.",
            "The vote (narrowly) failed - again.",
            "(The vote failed.)",
        ] {
            let (dateline, credit, prose) = wire(body);
            assert_eq!((dateline, credit, prose), (None, None, body), "{body}");
        }
    }

    #[test]
    fn whitespace_is_collapsed() {
        assert_eq!(collapse_whitespace("a b"), "a b");
        assert_eq!(collapse_whitespace(" a  b\n\tc\u{a0}d\u{3000}e "), "a b c d e");
        assert_eq!(collapse_whitespace("\u{201C}a\u{201D}"), "\u{201C}a\u{201D}");
        assert_eq!(collapse_whitespace(""), "");
    }

    #[test]
    fn header_with_date_dateline_and_bullet() {
        let body = " date 2022-01-01 WILMINGTON/MOSCOW \u{2022} US President Joe Biden spoke.\n\nREUTERS, AGENCE FRANCE-PRESSE";
        let layout = parse_layout(body);
        assert_eq!(layout.meta.published_date.as_deref(), Some("2022-01-01"));
        assert_eq!(layout.meta.dateline.as_deref(), Some("WILMINGTON/MOSCOW"));
        assert_eq!(
            layout.meta.credit.as_deref(),
            Some("REUTERS, AGENCE FRANCE-PRESSE")
        );
        assert_eq!(layout.meta.title, None);
        assert_eq!(
            body[layout.content.start..layout.content.end].trim(),
            "US President Joe Biden spoke."
        );
        assert!(layout.diagnostics.is_empty());
    }

    #[test]
    fn invalid_date_keeps_header_out_of_the_prose() {
        let body = "date 2022-13-45 LONDON \u{2022} Prices rose.";
        let layout = parse_layout(body);
        assert_eq!(layout.meta.published_date, None);
        assert_eq!(layout.meta.dateline.as_deref(), Some("LONDON"));
        assert_eq!(&body[layout.content.start..], " Prices rose.");
        assert_eq!(layout.diagnostics.len(), 1);
        let span = layout.diagnostics[0].span;
        assert_eq!(&body[span.start..span.end], "2022-13-45");
    }

    #[test]
    fn header_without_dateline() {
        let layout = parse_layout("date 2020-02-29 \u{2022} Leap day.");
        assert_eq!(layout.meta.published_date.as_deref(), Some("2020-02-29"));
        assert_eq!(layout.meta.dateline, None);
    }

    #[test]
    fn header_needs_a_bullet_on_its_line() {
        let layout = parse_layout("date 2022-01-01\n\u{2022} text");
        assert_eq!(layout.meta.published_date, None);
        assert_eq!(layout.content.start, 0);
    }

    #[test]
    fn calendar_dates_are_validated() {
        assert!(is_valid_date("2022-01-01"));
        assert!(is_valid_date("2000-02-29"));
        assert!(!is_valid_date("1900-02-29"));
        assert!(!is_valid_date("2022-02-30"));
        assert!(!is_valid_date("2022-13-45"));
        assert!(!is_valid_date("2022-00-10"));
        assert!(!is_valid_date("0000-01-01"));
        assert!(!is_valid_date("2022-1-01x"));
        assert!(!is_valid_date("２０２２-01-01"));
    }

    #[test]
    fn title_line_followed_by_blank_line() {
        let body = "Labour plans maternity pay rise\n\nMaternity pay is to rise.";
        let layout = parse_layout(body);
        assert_eq!(
            layout.meta.title.as_deref(),
            Some("Labour plans maternity pay rise")
        );
        assert_eq!(&body[layout.content.start..], "\nMaternity pay is to rise.");
    }

    #[test]
    fn sentence_first_line_is_not_a_title() {
        assert_eq!(parse_layout("It rose.\n\nThen it fell.").meta.title, None);
        assert_eq!(parse_layout("No blank line after\nthis one").meta.title, None);
    }

    #[test]
    fn no_header_and_no_credit() {
        let body = "Inflation rose to 3% in May, the ONS said.\n\nPrices of food led the rise.";
        let layout = parse_layout(body);
        assert_eq!(layout.meta, ArticleMeta::default());
        assert_eq!(
            layout.content,
            Span {
                start: 0,
                end: body.len()
            }
        );
    }

    #[test]
    fn credit_line_rules() {
        let credit = |body: &str| parse_layout(body).meta.credit;
        assert_eq!(credit("Text here.\n\nAP\n"), Some("AP".to_string()));
        assert_eq!(
            credit("Text here.\n\nREUTERS / AFP"),
            Some("REUTERS / AFP".to_string())
        );
        assert_eq!(credit("Text here.\n\nIT ROSE 5%"), None);
        assert_eq!(credit("Text here.\n\nTHE END."), None);
        assert_eq!(credit("Text here.\n\nThe end of the story"), None);
        assert_eq!(
            credit(
                "Text here.\n\nTHIS LINE IS FAR TOO LONG TO BE A CREDIT LINE BECAUSE IT GOES ON AND ON AND ON FOREVER"
            ),
            None
        );
    }
}
