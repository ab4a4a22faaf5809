//! A ClaimReview document on arbitrary bytes: the reader never panics, what it reads holds
//! the reader's promises (plain text within its limits, checked URLs, civil dates), and a
//! review it accepts reads back as the same verdict from its own words.

#![no_main]

use claimdb::calendar::parse_date;
use claimdb::import::claimreview::{MAX_CLAIM_BYTES, read_document};
use claimdb::links::check_url;
use claimdb::review::claimreview::verdict_from_words;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(reviews) = read_document(text) else {
        return;
    };
    for review in reviews {
        let Ok(claim) = review.result else {
            continue;
        };
        assert!(!claim.text.is_empty() && claim.text.len() <= MAX_CLAIM_BYTES);
        // Markup removed, white space one space between words.
        assert_eq!(claim.text.split_whitespace().collect::<Vec<_>>().join(" "), claim.text);
        for url in [&claim.review.url, &claim.review.publisher_url, &claim.appearance_url]
            .into_iter()
            .flatten()
        {
            assert!(check_url(url).is_ok(), "{url}");
        }
        for date in [&claim.review.date, &claim.claim_date].into_iter().flatten() {
            assert!(parse_date(date).is_some(), "{date}");
        }
        if let Some(verdict) = verdict_from_words(&claim.review.rating) {
            assert_eq!(verdict, claim.review.verdict);
        }
    }
});
