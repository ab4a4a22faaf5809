//! The paraphrase matcher's nearest-neighbour scan (issue 15): `embed::index::Index::nearest`
//! (int8 rows, the query quantised, integer dot products) over N claim embeddings, against a
//! baseline in the same run: the fp32 scan `embed::nearest` over the same vectors dequantised.
//! Reports p50 and p99 per query for k = 50 (what `FindSimilarClaims` asks for), one thread.
//!
//! The vectors are random unit vectors from a fixed seed (a scan's cost does not depend on
//! what the numbers mean).
//!
//! ```sh
//! nice cargo bench --bench similar_scan -- 1000000 200
//! ```
//!
//! With `--embed`, it times instead what one `FindSimilarClaims` request
//! embeds when the background embedder has a backlog: the text and at most
//! `EMBEDDED_PER_REQUEST` (8) of its BM25 matches, against the text and all
//! 51 that the server embedded before that bound, alternated, 20 rounds:
//!
//! ```sh
//! nice cargo bench --bench similar_scan -- --embed
//! ```

use std::time::{Duration, Instant};

use claimdb::embed::index::{Index, Query, quantise};
use claimdb::embed::{self, DIM};
use claimdb::model::ClaimId;

/// A small deterministic generator (xorshift64*), so that runs compare.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Roughly normal, from the sum of four uniforms.
    fn gaussian(&mut self) -> f32 {
        (0..4)
            .map(|_| (self.next() >> 40) as f32 / (1u64 << 24) as f32)
            .sum::<f32>()
            - 2.0
    }

    fn unit(&mut self) -> Vec<f32> {
        let mut v: Vec<f32> = (0..DIM).map(|_| self.gaussian()).collect();
        embed::normalise(&mut v);
        v
    }
}

fn percentile(times: &mut [Duration], p: f64) -> Duration {
    times.sort();
    let at = ((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1;
    times[at]
}

/// Times embedding 1 + 8 texts against 1 + 51, alternated (`--embed`).
fn embed_batches() {
    let embedder = embed::shared().expect("the embedded model loads");
    let claims: Vec<String> = (0..51)
        .map(|i| {
            format!(
                "Officials said on Monday that sanctions number {i} against the country could lead \
                 to a rupture in ties, and the ministry would respond within {} days.",
                i % 7 + 2
            )
        })
        .collect();
    let query = "Any sanctions could lead to a complete breakdown in ties with Washington.";
    let batch = |n: usize| -> Vec<&str> {
        std::iter::once(query)
            .chain(claims.iter().take(n).map(String::as_str))
            .collect()
    };
    let (bounded, unbounded) = (batch(8), batch(51));
    let (mut bounded_times, mut unbounded_times) = (Vec::new(), Vec::new());
    for _ in 0..20 {
        let t = Instant::now();
        embedder.embed(&bounded).expect("embeds");
        bounded_times.push(t.elapsed());
        let t = Instant::now();
        embedder.embed(&unbounded).expect("embeds");
        unbounded_times.push(t.elapsed());
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let (b50, u50) = (
        percentile(&mut bounded_times, 0.5),
        percentile(&mut unbounded_times, 0.5),
    );
    println!(
        "embed 1 + 8 texts: median {:.0} ms; 1 + 51 texts: median {:.0} ms; ratio {:.2}",
        ms(b50),
        ms(u50),
        ms(b50) / ms(u50)
    );
}

fn main() {
    if std::env::args().any(|arg| arg == "--embed") {
        embed_batches();
        return;
    }
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let n: usize = args.first().map_or(1_000_000, |a| a.parse().expect("N"));
    let queries: usize = args.get(1).map_or(200, |a| a.parse().expect("queries"));
    let k = claimdb::review::similar::FUSION_DEPTH;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let started = Instant::now();
    let mut index = Index::default();
    let mut fp32: Vec<f32> = Vec::with_capacity(n * DIM);
    for i in 0..n {
        let embedding = quantise(ClaimId(i as i64 + 1), &rng.unit());
        fp32.extend(embedding.vector.iter().map(|&q| f32::from(q) * embedding.scale));
        index.insert(embedding);
    }
    println!(
        "{n} vectors of {DIM} ({} MB int8, {} MB fp32) made in {:.1} s",
        n * DIM / 1_000_000,
        n * DIM * 4 / 1_000_000,
        started.elapsed().as_secs_f64()
    );
    let query_vectors: Vec<Vec<f32>> = (0..queries).map(|_| rng.unit()).collect();
    let mut int8_times = Vec::with_capacity(queries);
    let mut fp32_times = Vec::with_capacity(queries);
    let mut agree = 0usize;
    // Alternate the two so that a neighbour's load falls on both alike.
    for vector in &query_vectors {
        let t = Instant::now();
        let found = index.nearest(&Query::new(vector), k);
        int8_times.push(t.elapsed());
        let t = Instant::now();
        let reference = embed::nearest(&fp32, vector, k);
        fp32_times.push(t.elapsed());
        agree += usize::from(
            found.first().map(|(id, _)| id.0 as usize - 1) == reference.first().map(|(row, _)| *row),
        );
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let (i50, i99) = (
        percentile(&mut int8_times, 0.5),
        percentile(&mut int8_times, 0.99),
    );
    let (f50, f99) = (
        percentile(&mut fp32_times, 0.5),
        percentile(&mut fp32_times, 0.99),
    );
    println!(
        "int8 scan (Index::nearest):  p50 {:.1} ms  p99 {:.1} ms",
        ms(i50),
        ms(i99)
    );
    println!(
        "fp32 scan (embed::nearest):  p50 {:.1} ms  p99 {:.1} ms",
        ms(f50),
        ms(f99)
    );
    println!(
        "ratio int8/fp32: p50 {:.2}  p99 {:.2}; the same nearest claim in {agree} of {queries} queries",
        ms(i50) / ms(f50),
        ms(i99) / ms(f99)
    );
}
