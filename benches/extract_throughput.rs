//! Extraction throughput: MB/s of article text through `extract::extract` on one core.
//!
//! Reads JSON-lines corpora (one article per line with a `body`), by default
//! every `../shared/corpus/*/articles.jsonl`, or the files given as arguments.
//! Run with `cargo bench --bench extract_throughput`, or `benches/throughput.sh`
//! to compare with spaCy's sentencizer in the same run.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use claimdb::extract;

/// The allocator the `claimdb` binary uses (src/main.rs), so that the
/// extractor is measured as it runs in the server and the CLI.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Timed passes over the whole corpus; the best and the median are reported.
/// `BENCH_PASSES` overrides it, e.g. 1 to count instructions under valgrind.
const N_PASSES: usize = 7;

fn n_passes() -> usize {
    std::env::var("BENCH_PASSES")
        .ok()
        .and_then(|passes| passes.parse().ok())
        .filter(|&passes| passes > 0)
        .unwrap_or(N_PASSES)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Cargo passes `--bench` to bench targets; only paths are ours.
    let mut paths: Vec<PathBuf> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with("--"))
        .map(PathBuf::from)
        .collect();
    if paths.is_empty() {
        let corpus_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
        for entry in
            std::fs::read_dir(&corpus_dir).map_err(|err| format!("{}: {err}", corpus_dir.display()))?
        {
            let file = entry?.path().join("articles.jsonl");
            if file.is_file() {
                paths.push(file);
            }
        }
        paths.sort();
    }
    let mut bodies: Vec<String> = Vec::new();
    for path in &paths {
        let text = std::fs::read_to_string(path).map_err(|err| format!("{}: {err}", path.display()))?;
        for line in text.lines().filter(|line| !line.trim().is_empty()) {
            let article: serde_json::Value = serde_json::from_str(line)?;
            if let Some(body) = article.get("body").and_then(|body| body.as_str()) {
                bodies.push(body.to_string());
            }
        }
    }
    let n_bytes: usize = bodies.iter().map(String::len).sum();
    if n_bytes == 0 {
        return Err("no article bodies found".into());
    }
    let mut n_claims = 0;
    let mut n_diagnostics = 0;
    let extract_times = time_passes(|| {
        n_claims = 0;
        n_diagnostics = 0;
        for body in &bodies {
            let extraction = extract::extract(black_box(body));
            n_claims += extraction.claims.len();
            n_diagnostics += extraction.diagnostics.len();
            black_box(extraction);
        }
    });
    let mut n_sentences = 0;
    let split_times = time_passes(|| {
        n_sentences = 0;
        for body in &bodies {
            let spans = extract::split_sentences(black_box(body));
            n_sentences += spans.len();
            black_box(spans);
        }
    });
    println!(
        "corpus: {} files, {} articles, {:.2} MB; extractor {}: {} claims, {} diagnostics",
        paths.len(),
        bodies.len(),
        n_bytes as f64 / 1e6,
        extract::EXTRACTOR_VERSION,
        n_claims,
        n_diagnostics
    );
    report(
        "claimdb extract::extract (whole extractor)",
        n_bytes,
        &extract_times,
    );
    report(
        &format!("claimdb extract::split_sentences only ({n_sentences} sentences)"),
        n_bytes,
        &split_times,
    );
    let best_extract = n_bytes as f64 / 1e6 / extract_times.walls[0].as_secs_f64();
    println!("EXTRACT_MBPS={best_extract:.2}");
    Ok(())
}

/// Wall-clock times of the timed passes, fastest first, and the CPU time
/// this thread spent on all of them.
struct Timings {
    walls: Vec<Duration>,
    cpu: Option<Duration>,
}

/// One warm-up pass, then [`n_passes`] timed passes.
fn time_passes(mut pass: impl FnMut()) -> Timings {
    pass();
    let cpu_before = thread_cpu_time();
    let mut walls: Vec<Duration> = (0..n_passes())
        .map(|_| {
            let started = Instant::now();
            pass();
            started.elapsed()
        })
        .collect();
    let cpu = thread_cpu_time()
        .zip(cpu_before)
        .map(|(after, before)| after.saturating_sub(before));
    walls.sort();
    Timings { walls, cpu }
}

/// User plus system CPU time of this thread, from `/proc/thread-self/stat`
/// (Linux; clock ticks, usually 10 ms). On a machine shared with other
/// work, the wall clock also counts time slices given to other processes;
/// CPU time does not, so it is the fairer "one core" figure.
fn thread_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are the
    // 14th and 15th fields of the whole line.
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // The kernel's USER_HZ is 100 on every mainstream Linux.
    Some(Duration::from_millis(ticks * 10))
}

fn report(what: &str, n_bytes: usize, timings: &Timings) {
    let mbps = |time: Duration| n_bytes as f64 / 1e6 / time.as_secs_f64();
    let walls = &timings.walls;
    let cpu = timings.cpu.map_or_else(
        || "n/a".to_string(),
        |cpu| {
            format!(
                "{:.1} MB/s",
                (n_bytes * walls.len()) as f64 / 1e6 / cpu.as_secs_f64()
            )
        },
    );
    println!(
        "{what}: best {:.1} MB/s, median {:.1} MB/s wall over {} passes; per CPU second {cpu}",
        mbps(walls[0]),
        mbps(walls[walls.len() / 2]),
        walls.len()
    );
}
