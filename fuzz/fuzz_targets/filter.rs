//! The filter and `order_by` parsers, and the search-query translation, on arbitrary text: they
//! never panic, an error's position lies within the input, a parsed filter keeps its bounds,
//! and a translated query holds no NUL (which FTS5 would read as the end of the text).

#![no_main]

use claimdb::review::{filter, search};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let n_chars = input.chars().count();
    match filter::parse(input) {
        Ok(parsed) => assert!(parsed.conditions.len() <= filter::MAX_CONDITIONS),
        Err(err) => assert!(err.position >= 1 && err.position <= n_chars + 1, "{err:?}"),
    }
    if let Err(err) = filter::parse_order_by(input) {
        assert!(err.position >= 1 && err.position <= n_chars + 1, "{err:?}");
    }
    if let Ok(fts) = search::fts_query(input) {
        assert!(!fts.contains('\0'));
        let terms = search::mark_terms(input);
        let _ = search::highlight(input, &terms);
        let _ = search::snippet(input, &terms, 24);
    }
});
