//! The article layout parser (header line, title, wire dateline, credit line) on arbitrary
//! text: it never panics, the prose it finds lies inside the text on char boundaries, and a
//! published date it reports is a calendar date.

#![no_main]

use claimdb::extract::{is_valid_date, parse_layout};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let body = String::from_utf8_lossy(data);
    let layout = parse_layout(&body);
    let content = layout.content;
    assert!(content.start <= content.end && content.end <= body.len(), "{content:?}");
    assert!(body.is_char_boundary(content.start) && body.is_char_boundary(content.end));
    for diagnostic in &layout.diagnostics {
        let span = diagnostic.span;
        assert!(span.start <= span.end && span.end <= body.len(), "{span:?}");
        assert!(body.is_char_boundary(span.start) && body.is_char_boundary(span.end));
    }
    if let Some(date) = &layout.meta.published_date {
        assert!(is_valid_date(date), "{date:?}");
    }
});
