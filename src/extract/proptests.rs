//! Property tests: on any text the extractor never panics and every span it returns is valid.

use proptest::prelude::*;

use super::{Options, extract_with};

/// Checks every span and invariant of an extraction of `body`.
fn check_spans(body: &str, options: &Options) -> Result<(), TestCaseError> {
    let extraction = extract_with(body, options);
    for claim in &extraction.claims {
        let span = claim.span;
        prop_assert!(span.start < span.end && span.end <= body.len());
        prop_assert!(body.is_char_boundary(span.start) && body.is_char_boundary(span.end));
        prop_assert_eq!(&body[span.start..span.end], claim.sentence.as_str());
        prop_assert!(!claim.text.trim().is_empty());
        prop_assert!(!claim.details.content.trim().is_empty());
        for rewrite in &claim.details.rewrites {
            let rewrite_span = rewrite.span;
            prop_assert!(span.start <= rewrite_span.start && rewrite_span.end <= span.end);
            prop_assert!(
                body.is_char_boundary(rewrite_span.start) && body.is_char_boundary(rewrite_span.end)
            );
            prop_assert_eq!(
                &body[rewrite_span.start..rewrite_span.end],
                rewrite.original.as_str()
            );
        }
        for date in &claim.details.dates {
            prop_assert!(date.start <= date.end);
        }
    }
    for diagnostic in &extraction.diagnostics {
        let span = diagnostic.span;
        prop_assert!(span.start <= span.end && span.end <= body.len());
        prop_assert!(body.is_char_boundary(span.start) && body.is_char_boundary(span.end));
    }
    Ok(())
}

/// Fragments that exercise the rules: metonyms, honorifics, quotes,
/// coordination, dates, numbers, acronyms and odd characters.
const FRAGMENTS: &[&str] = &[
    "Moscow",
    "the Kremlin",
    "Washington",
    "White House press secretary",
    "Mr",
    "Mr.",
    "Ms Hewitt",
    "Joe Biden",
    "said",
    "says",
    "denies",
    "added:",
    "according to",
    "described by",
    "as",
    "and",
    "but also",
    ", while",
    ";",
    ", with officials saying",
    "he",
    "He",
    "it",
    "they",
    "the country",
    "Nato",
    "(Nato)",
    "North Atlantic Treaty Organisation",
    "on Thursday",
    "yesterday",
    "Jan 9-10",
    "in 2014",
    "over the past two months",
    "earlier this week",
    "over the weekend",
    "this month",
    "60,000 to 90,000",
    "troops",
    "3.5%",
    "$4 billion",
    "50-minute",
    "U.S.",
    "e.g.",
    "\"",
    "\u{201C}",
    "\u{201D}",
    ".",
    ",",
    " ",
    "\n\n",
    "\u{2022}",
    "date 2022-01-01 X \u{2022}",
    "REUTERS",
    "é",
    "\u{301}",
    "東京",
    "🙂",
    "will",
    "could",
    "rare",
    "Russian",
    "Ukraine",
    "-",
    "'s",
    "\u{2019}s",
];

fn fragment_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..60).prop_map(|parts| {
        let mut text = String::new();
        for part in parts {
            text.push_str(part);
            text.push(' ');
        }
        text
    })
}

fn reference_date() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some("2022-01-01".to_string())),
        Just(Some("2000-02-29".to_string())),
        Just(Some("not a date".to_string())),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_unicode_never_panics_and_spans_hold(body in any::<String>(), reference_date in reference_date()) {
        check_spans(&body, &Options { reference_date })?;
    }

    #[test]
    fn rule_fragments_never_panic_and_spans_hold(body in fragment_text(), reference_date in reference_date()) {
        check_spans(&body, &Options { reference_date })?;
    }
}
