//! One line of a `.jsonl` import on arbitrary bytes: the reader never panics, and what it reads
//! goes through the server's article check without a panic either.

#![no_main]

use claimdb::import::jsonl::parse_line;
use claimdb::ingest::check_article;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((_id, body, metadata)) = parse_line(data) {
        let _ = check_article(&body, &metadata);
    }
});
