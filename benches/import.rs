//! Batch import benchmark (issue 5): `claimdb import` over gRPC into a fresh `claimdb serve`,
//! side by side with the ceiling — plain rusqlite inserts of the same articles and claims,
//! extracted beforehand, in one transaction.
//!
//! ```sh
//! nice cargo bench --bench import -- ../shared/corpus 100000 2
//! ```
//!
//! The last argument is the number of rounds (default 2): the gRPC import
//! and the ceiling alternate, each on a fresh database, and the best round
//! of each is compared.
//!
//! The corpus files (`CORPUS_DIR/*/articles.jsonl`) are copied into one
//! JSON-lines file under the system temp directory until it holds N
//! articles, each copy's body ending in a numbered line so that no two are
//! the same. Nothing is written into the repository.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

#[path = "../tests/e2e/support/process.rs"]
mod process;

use claimdb::import::{self, Entry, Format, Input};
use claimdb::ingest;
use claimdb::model::NewArticle;
use claimdb::store::SqliteStore;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|arg| arg != "--bench").collect();
    let corpus_dir = PathBuf::from(args.first().map_or("../shared/corpus", String::as_str));
    let n_articles: usize = args.get(1).map_or(100_000, |n| n.parse().expect("N is a number"));
    let n_rounds: usize = args.get(2).map_or(2, |n| n.parse().expect("ROUNDS is a number"));
    let work = std::env::temp_dir().join("claimdb-import-bench");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();

    let input = work.join("corpus.jsonl");
    let (n_written, input_bytes, body_bytes) = make_input(&corpus_dir, n_articles, &input);
    println!(
        "input: {n_written} articles, {:.1} MB of JSON lines, {:.1} MB of article text ({})",
        mb(input_bytes),
        mb(body_bytes),
        input.display()
    );

    // The ceiling's articles are extracted once, beforehand (not timed).
    let extract_started = Instant::now();
    let prepared = prepare_all(&input);
    let extract_seconds = extract_started.elapsed().as_secs_f64();
    let n_claims: usize = prepared.iter().map(|article| article.claims.len()).sum();
    println!(
        "articles: {n_written}, claims: {n_claims}; extraction alone, one thread: {extract_seconds:.1} s, {:.0} articles/s",
        n_written as f64 / extract_seconds
    );

    // The machine may be shared: the two sides alternate, round after
    // round, so that a burst of load elsewhere does not favour either, and
    // each side's best round is compared.
    let rate = |seconds: f64| (n_written as f64 / seconds, mb(body_bytes) / seconds);
    let (mut best_grpc, mut best_ceiling, mut peak_rss_mb) = (f64::MAX, f64::MAX, 0.0_f64);
    for round in 1..=n_rounds {
        let ceiling_db = work.join(format!("ceiling-{round}.sqlite"));
        drop(SqliteStore::open(&ceiling_db).unwrap());
        let ceiling_seconds = insert_all(&ceiling_db, &prepared);
        let (grpc_seconds, rss_mb) = import_over_grpc(&work.join(format!("grpc-{round}.sqlite")), &input);
        let (ceiling_articles, ceiling_mb) = rate(ceiling_seconds);
        let (grpc_articles, grpc_mb) = rate(grpc_seconds);
        println!(
            "round {round}: gRPC import {grpc_seconds:.1} s ({grpc_articles:.0} articles/s, {grpc_mb:.2} MB/s, server peak RSS {rss_mb:.0} MB); \
             ceiling {ceiling_seconds:.1} s ({ceiling_articles:.0} articles/s, {ceiling_mb:.2} MB/s); ratio {:.2}",
            ceiling_seconds / grpc_seconds
        );
        for db in [ceiling_db, work.join(format!("grpc-{round}.sqlite"))] {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
            }
        }
        best_grpc = best_grpc.min(grpc_seconds);
        best_ceiling = best_ceiling.min(ceiling_seconds);
        peak_rss_mb = peak_rss_mb.max(rss_mb);
    }
    let (grpc_articles, grpc_mb) = rate(best_grpc);
    let (ceiling_articles, ceiling_mb) = rate(best_ceiling);
    println!(
        "best gRPC import (extract + store): {best_grpc:.1} s, {grpc_articles:.0} articles/s, {grpc_mb:.2} MB/s; server peak RSS {peak_rss_mb:.0} MB"
    );
    println!(
        "best ceiling (rusqlite inserts, one transaction): {best_ceiling:.1} s, {ceiling_articles:.0} articles/s, {ceiling_mb:.2} MB/s"
    );
    println!("gRPC / ceiling: {:.2}", best_ceiling / best_grpc);
    let _ = std::fs::remove_dir_all(&work);
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

/// Runs `claimdb import` of `input` against a fresh `claimdb serve` on
/// `db`, returning the seconds taken and the server's peak RSS in MB.
fn import_over_grpc(db: &Path, input: &Path) -> (f64, f64) {
    let (mut server, addr, token) = process::start_server(db, true);
    let token = token.expect("a fresh server prints its admin token");
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_claimdb"))
        .args(["import", input.to_str().unwrap(), "--addr", &addr])
        .env("CLAIMDB_TOKEN", &token)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let seconds = started.elapsed().as_secs_f64();
    let peak_rss_kb = peak_rss_kb(server.id());
    server.kill().unwrap();
    server.wait().unwrap();
    let summary = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{summary}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    print!("  claimdb import: {summary}");
    (seconds, peak_rss_kb as f64 / 1024.0)
}

/// Writes `n_articles` articles to `out`, cycling through the corpus files
/// and ending each copy's body with a line numbering the copy. Returns the
/// number of articles and the bytes of the file and of the bodies.
fn make_input(corpus_dir: &Path, n_articles: usize, out: &Path) -> (usize, u64, u64) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir)
        .unwrap_or_else(|err| panic!("{}: {err}", corpus_dir.display()))
        .map(|entry| entry.unwrap().path().join("articles.jsonl"))
        .filter(|path| path.exists())
        .collect();
    files.sort();
    let mut lines = Vec::new();
    for file in &files {
        for line in BufReader::new(std::fs::File::open(file).unwrap()).lines() {
            let line = line.unwrap();
            if !line.trim().is_empty() {
                lines.push(serde_json::from_str::<serde_json::Value>(&line).unwrap());
            }
        }
    }
    assert!(!lines.is_empty(), "no articles under {}", corpus_dir.display());
    let mut writer = BufWriter::new(std::fs::File::create(out).unwrap());
    let (mut input_bytes, mut body_bytes) = (0, 0);
    for n in 0..n_articles {
        let copy = n / lines.len();
        let mut record = lines[n % lines.len()].clone();
        let key = if record.get("text").is_some() {
            "text"
        } else {
            "body"
        };
        let body = format!(
            "{}\n\nArchive copy {copy}.\n",
            record[key].as_str().unwrap().trim_end()
        );
        body_bytes += body.len() as u64;
        record[key] = serde_json::Value::String(body);
        let line = serde_json::to_string(&record).unwrap();
        input_bytes += line.len() as u64 + 1;
        writeln!(writer, "{line}").unwrap();
    }
    writer.flush().unwrap();
    (n_articles, input_bytes, body_bytes)
}

/// The peak resident set size of a process, from /proc (Linux).
fn peak_rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Reads the input as `claimdb import` does and extracts every article.
fn prepare_all(input: &Path) -> Vec<NewArticle> {
    let mut prepared = Vec::new();
    let input = Input {
        path: input.to_owned(),
        format: Format::JsonLines,
        n_bytes: None,
    };
    import::read(&input, &mut |entry, _| {
        if let Entry::Article(item) = entry {
            prepared.push(ingest::prepare_article(item.body, item.metadata).article);
        }
        true
    });
    prepared
}

/// Inserts the articles and their claims with plain rusqlite in one
/// transaction, on the server's settings (WAL, synchronous FULL, foreign
/// keys on), and returns the seconds taken.
fn insert_all(db: &Path, articles: &[NewArticle]) -> f64 {
    let mut conn = rusqlite::Connection::open(db).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    let started = Instant::now();
    let tx = conn.transaction().unwrap();
    {
        let mut insert_article = tx
            .prepare(
                "INSERT INTO articles (sha256, body, title, source_url, publisher, credit, dateline, \
                 published_date, extractor_version, claim_count, create_time) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )
            .unwrap();
        let mut insert_claim = tx
            .prepare(
                "INSERT INTO claims (article_id, text, sentence, span_start, span_end, speaker, \
                 checkworthiness, extractor_version, status, create_time) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'UNREVIEWED', ?9)",
            )
            .unwrap();
        let now = 1_700_000_000_000_000_i64;
        for article in articles {
            let meta = &article.metadata;
            insert_article
                .execute(rusqlite::params![
                    article.sha256,
                    article.body,
                    meta.title,
                    meta.source_url,
                    meta.publisher,
                    meta.credit,
                    meta.dateline,
                    meta.published_date,
                    article.extractor_version,
                    article.claims.len() as i64,
                    now,
                ])
                .unwrap();
            let article_id = tx.last_insert_rowid();
            for claim in &article.claims {
                insert_claim
                    .execute(rusqlite::params![
                        article_id,
                        claim.text,
                        claim.sentence,
                        claim.span.start as i64,
                        claim.span.end as i64,
                        claim.speaker,
                        claim.checkworthiness,
                        article.extractor_version,
                        now,
                    ])
                    .unwrap();
            }
        }
    }
    tx.commit().unwrap();
    started.elapsed().as_secs_f64()
}
