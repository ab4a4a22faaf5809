//! Runs the extractor over every article of a corpus and checks its invariants: no panic, no empty claim, no span mismatch.
//!
//! Not part of `cargo test` (the corpus is not in the repository):
//!
//! ```sh
//! cargo run --release --example corpus_run -- ../shared/corpus/*/articles.jsonl
//! ```
//!
//! Each input file holds one JSON object per line with a `body` and an
//! optional `published` date (`YYYY-MM-DD`), which becomes the reference date.
//! Prints a summary; exits non-zero when an invariant fails.
//!
//! `--dump FILE` also writes every extraction (claims with all their details,
//! and diagnostics) to FILE, one debug-printed article after another, so that
//! a change meant to keep the output (an optimisation) can be checked by
//! diffing two dumps.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::time::Instant;

use claimdb::extract::{Options, extract_with};

/// The allocator the `claimdb` binary uses (src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(serde::Deserialize)]
struct Article {
    body: String,
    #[serde(default)]
    published: Option<String>,
}

/// CPU time of this thread from Linux's schedstat (nanoseconds on the CPU),
/// so that the figure holds on a shared, loaded machine; `None` elsewhere.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: f64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(nanos / 1e9)
}

fn main() -> anyhow::Result<()> {
    let mut paths: Vec<String> = Vec::new();
    let mut dump_path: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--dump" {
            dump_path = Some(
                args.next()
                    .ok_or_else(|| anyhow::anyhow!("--dump needs a file"))?,
            );
        } else {
            paths.push(arg);
        }
    }
    anyhow::ensure!(!paths.is_empty(), "usage: corpus_run [--dump FILE] FILE.jsonl...");
    let mut dump = match &dump_path {
        Some(path) => Some(std::io::BufWriter::new(std::fs::File::create(path)?)),
        None => None,
    };
    let mut n_articles = 0usize;
    let mut n_bytes = 0usize;
    let mut n_sentences = 0usize;
    let mut n_claims = 0usize;
    let mut n_checkable = 0usize;
    let mut n_with_speaker = 0usize;
    let mut n_with_dates = 0usize;
    let mut n_with_rewrites = 0usize;
    let mut n_diagnostics = 0usize;
    let mut n_unresolved = 0usize;
    let mut kinds: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut failures: Vec<String> = Vec::new();
    let mut extract_seconds = 0.0f64;
    // Parse everything first so that only extraction is timed.
    let mut articles: Vec<(String, usize, Article)> = Vec::new();
    for path in &paths {
        let file = std::io::BufReader::new(std::fs::File::open(path)?);
        for (line_idx, line) in file.lines().enumerate() {
            let line = line?;
            if !line.trim().is_empty() {
                articles.push((path.clone(), line_idx + 1, serde_json::from_str(&line)?));
            }
        }
    }
    let mut extractions = Vec::with_capacity(articles.len());
    let cpu_before = thread_cpu_seconds();
    let started = Instant::now();
    for (_, _, article) in &articles {
        let options = Options {
            reference_date: article.published.clone(),
        };
        extractions.push(std::panic::catch_unwind(|| extract_with(&article.body, &options)));
    }
    extract_seconds += started.elapsed().as_secs_f64();
    let extract_cpu_seconds = thread_cpu_seconds()
        .zip(cpu_before)
        .map(|(after, before)| after - before);
    for ((path, line_no, article), extraction) in articles.iter().zip(extractions) {
        {
            let line_idx = line_no - 1;
            let Ok(extraction) = extraction else {
                failures.push(format!("{path}:{}: panic", line_idx + 1));
                continue;
            };
            if let Some(dump) = &mut dump {
                use std::io::Write;
                writeln!(dump, "{path}:{}\n{extraction:#?}", line_idx + 1)?;
            }
            n_articles += 1;
            n_bytes += article.body.len();
            let body = &article.body;
            let mut sentence_spans = std::collections::BTreeSet::new();
            for claim in &extraction.claims {
                sentence_spans.insert((claim.span.start, claim.span.end));
                let span_ok = claim.span.start < claim.span.end
                    && body.get(claim.span.start..claim.span.end) == Some(claim.sentence.as_str());
                if !span_ok {
                    failures.push(format!("{path}:{}: span mismatch {:?}", line_idx + 1, claim.span));
                }
                if claim.text.trim().is_empty() || claim.details.content.trim().is_empty() {
                    failures.push(format!(
                        "{path}:{}: empty claim at {:?}",
                        line_idx + 1,
                        claim.span
                    ));
                }
                for rewrite in &claim.details.rewrites {
                    if body.get(rewrite.span.start..rewrite.span.end) != Some(rewrite.original.as_str()) {
                        failures.push(format!(
                            "{path}:{}: rewrite span mismatch {rewrite:?}",
                            line_idx + 1
                        ));
                    }
                }
                for date in &claim.details.dates {
                    if date.start > date.end {
                        failures.push(format!("{path}:{}: date range reversed {date:?}", line_idx + 1));
                    }
                }
                n_claims += 1;
                n_checkable += usize::from(claim.details.checkable);
                n_with_speaker += usize::from(claim.speaker.is_some());
                n_with_dates += usize::from(!claim.details.dates.is_empty());
                n_with_rewrites += usize::from(!claim.details.rewrites.is_empty());
                *kinds.entry(claim.details.kind.as_str()).or_default() += 1;
            }
            n_sentences += sentence_spans.len();
            n_diagnostics += extraction.diagnostics.len();
            n_unresolved += extraction
                .diagnostics
                .iter()
                .filter(|diagnostic| diagnostic.message == "unresolved pronoun")
                .count();
        }
    }
    if let Some(mut dump) = dump {
        use std::io::Write;
        dump.flush()?;
    }
    let share = |n: usize| 100.0 * n as f64 / n_claims.max(1) as f64;
    println!("articles                 {n_articles}");
    println!("bytes                    {n_bytes}");
    println!("sentences with claims    {n_sentences}");
    println!("claims                   {n_claims}");
    println!(
        "claims per sentence      {:.2}",
        n_claims as f64 / n_sentences.max(1) as f64
    );
    println!(
        "checkable                {n_checkable} ({:.1}%)",
        share(n_checkable)
    );
    println!(
        "with a named speaker     {n_with_speaker} ({:.1}%)",
        share(n_with_speaker)
    );
    println!(
        "with dates               {n_with_dates} ({:.1}%)",
        share(n_with_dates)
    );
    println!(
        "with rewrites            {n_with_rewrites} ({:.1}%)",
        share(n_with_rewrites)
    );
    for (kind, n) in &kinds {
        println!("kind {kind:<19} {n} ({:.1}%)", share(*n));
    }
    println!("diagnostics              {n_diagnostics} ({n_unresolved} unresolved pronouns)");
    println!(
        "extraction wall time     {:.3} s, {:.1} MB/s",
        extract_seconds,
        n_bytes as f64 / 1e6 / extract_seconds.max(1e-9)
    );
    if let Some(cpu) = extract_cpu_seconds {
        println!(
            "extraction CPU time      {:.3} s, {:.1} MB/s on one core",
            cpu,
            n_bytes as f64 / 1e6 / cpu.max(1e-9)
        );
    }
    println!("failures                 {}", failures.len());
    for failure in failures.iter().take(20) {
        println!("  {failure}");
    }
    anyhow::ensure!(failures.is_empty(), "{} invariant failures", failures.len());
    Ok(())
}
