//! The extractor on arbitrary text: it never panics, and every span it returns lies inside the
//! text, on char boundaries, with each claim's sentence exactly the text its span covers.

#![no_main]

use claimdb::extract::{self, Span};
use libfuzzer_sys::fuzz_target;

fn check_span(body: &str, span: Span, what: &str) {
    assert!(
        span.start <= span.end && span.end <= body.len(),
        "{what} span {span:?} outside a body of {} bytes",
        body.len()
    );
    assert!(
        body.is_char_boundary(span.start) && body.is_char_boundary(span.end),
        "{what} span {span:?} is not on char boundaries"
    );
}

fuzz_target!(|data: &[u8]| {
    let body = String::from_utf8_lossy(data);
    let extraction = extract::extract(&body);
    for claim in &extraction.claims {
        check_span(&body, claim.span, "claim");
        assert_eq!(claim.sentence, body[claim.span.start..claim.span.end]);
        assert!(
            (0.0..=1.0).contains(&claim.checkworthiness),
            "checkworthiness {}",
            claim.checkworthiness
        );
        for rewrite in &claim.details.rewrites {
            check_span(&body, rewrite.span, "rewrite");
        }
    }
    for diagnostic in &extraction.diagnostics {
        check_span(&body, diagnostic.span, "diagnostic");
    }
});
