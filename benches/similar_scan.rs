//! The paraphrase matcher's nearest-neighbour search (issue 15) over N claim embeddings, int8
//! as the server holds them (`embed::index::Index`): the inverted lists the server searches a
//! large index through (`Index::nearest_probing`, at `lists::PROBES` and at the other numbers
//! of lists given with `--probes`) against the exact flat scan (`Index::nearest_exact`) in the
//! same run, alternated query by query. Reports, for k = 50 (what `FindSimilarClaims` asks
//! for), one thread: p50 and p99 per query, recall@10 and @50 against the flat scan, the
//! index's memory and the time to make the lists (what a server start at N rows spends).
//!
//! The vectors come from a fixed seed. By default they are clustered as meanings are (a
//! claim near its topic, a topic near its subject: see `Clustered`); `--random` takes random
//! unit vectors instead, all nearly equidistant, the worst case for any approximate index.
//!
//! ```sh
//! nice cargo bench --bench similar_scan -- 1000000 200
//! nice cargo bench --bench similar_scan -- 1000000 200 --random
//! nice cargo bench --bench similar_scan -- 1000000 200 --probes 8,16,64
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

use claimdb::embed::index::{Index, Query, lists, quantise};
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

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// `a + spread · b`, normalised.
fn mix(a: &[f32], b: &[f32], spread: f32) -> Vec<f32> {
    let mut v: Vec<f32> = a.iter().zip(b).map(|(x, y)| x + spread * y).collect();
    embed::normalise(&mut v);
    v
}

/// Vectors clustered as meanings are: 1,000 subjects (random unit vectors), 50 topics near
/// each (a subject plus a random direction as long, cosine about 0.7 to it) and each claim
/// near a topic the same way. Two claims of a topic have a cosine of about 0.5, of a subject
/// about 0.25, of different subjects about 0.
struct Clustered {
    topics: Vec<Vec<f32>>,
}

impl Clustered {
    const SUBJECTS: usize = 1_000;
    const TOPICS_PER_SUBJECT: usize = 50;

    fn new(rng: &mut Rng) -> Clustered {
        let topics = (0..Self::SUBJECTS)
            .flat_map(|_| {
                let subject = rng.unit();
                (0..Self::TOPICS_PER_SUBJECT)
                    .map(|_| mix(&subject, &rng.unit(), 1.0))
                    .collect::<Vec<_>>()
            })
            .collect();
        Clustered { topics }
    }

    fn claim(&self, rng: &mut Rng) -> Vec<f32> {
        let topic = &self.topics[rng.below(self.topics.len())];
        mix(topic, &rng.unit(), 1.0)
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

/// How many of `exact`'s first `k` are in `found`'s first `k`.
fn overlap(found: &[(ClaimId, f32)], exact: &[(ClaimId, f32)], k: usize) -> usize {
    let exact: std::collections::HashSet<ClaimId> = exact.iter().take(k).map(|(id, _)| *id).collect();
    found.iter().take(k).filter(|(id, _)| exact.contains(id)).count()
}

fn main() {
    if std::env::args().any(|arg| arg == "--embed") {
        embed_batches();
        return;
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let random = args.iter().any(|a| a == "--random");
    let mut probes = vec![lists::PROBES];
    if let Some(at) = args.iter().position(|a| a == "--probes") {
        let more = args.get(at + 1).expect("--probes N,N,...");
        probes.extend(
            more.split(',')
                .map(|p| p.parse::<usize>().expect("--probes N,N,...")),
        );
    }
    let numbers: Vec<&String> = args
        .iter()
        .enumerate()
        .filter(|(i, a)| !a.starts_with("--") && (*i == 0 || args[i - 1] != "--probes"))
        .map(|(_, a)| a)
        .collect();
    let n: usize = numbers.first().map_or(1_000_000, |a| a.parse().expect("N"));
    let queries: usize = numbers.get(1).map_or(200, |a| a.parse().expect("queries"));
    let k = claimdb::review::similar::FUSION_DEPTH;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let started = Instant::now();
    let clustered = (!random).then(|| Clustered::new(&mut rng));
    let vector = |rng: &mut Rng| match &clustered {
        Some(clustered) => clustered.claim(rng),
        None => rng.unit(),
    };
    let mut index = Index::default();
    for i in 0..n {
        index.insert(quantise(ClaimId(i as i64 + 1), &vector(&mut rng)));
    }
    let query_vectors: Vec<Vec<f32>> = (0..queries).map(|_| vector(&mut rng)).collect();
    let flat_bytes = index.heap_bytes();
    println!(
        "{n} {} vectors of {DIM} made in {:.1} s; the flat index holds {:.0} MB",
        if random { "random" } else { "clustered" },
        started.elapsed().as_secs_f64(),
        flat_bytes as f64 / 1e6
    );
    let started = Instant::now();
    let plan = index.plan_lists();
    assert!(index.use_lists(plan), "nothing changed since the plan");
    let build = started.elapsed();
    println!(
        "inverted lists ({} lists) made in {:.1} s on {} threads; the index now holds {:.0} MB ({:+.0} MB)",
        lists::lists_for(n),
        build.as_secs_f64(),
        std::thread::available_parallelism().map_or(1, usize::from),
        index.heap_bytes() as f64 / 1e6,
        (index.heap_bytes() as f64 - flat_bytes as f64) / 1e6
    );
    let mut flat_times = Vec::with_capacity(queries);
    let mut probe_times = vec![Vec::with_capacity(queries); probes.len()];
    let mut found_10 = vec![0usize; probes.len()];
    let mut found_50 = vec![0usize; probes.len()];
    let mut probed = vec![0usize; probes.len()];
    // Alternate them so that a neighbour's load falls on all alike.
    for vector in &query_vectors {
        let query = Query::new(vector);
        let t = Instant::now();
        let exact = index.nearest_exact(&query, k);
        flat_times.push(t.elapsed());
        for (p, &n_probes) in probes.iter().enumerate() {
            let t = Instant::now();
            let found = index.nearest_probing(&query, k, n_probes);
            probe_times[p].push(t.elapsed());
            found_10[p] += overlap(&found, &exact, 10);
            found_50[p] += overlap(&found, &exact, k);
            probed[p] += index.probed_rows(&query, n_probes);
        }
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "flat scan (Index::nearest_exact):          p50 {:>6.2} ms  p99 {:>6.2} ms",
        ms(percentile(&mut flat_times, 0.5)),
        ms(percentile(&mut flat_times, 0.99))
    );
    for (p, &n_probes) in probes.iter().enumerate() {
        println!(
            "lists, {n_probes:>3} probed (Index::nearest_probing): p50 {:>6.2} ms  p99 {:>6.2} ms  recall@10 {:.3}  recall@{k} {:.3}  rows read {:.0}{}",
            ms(percentile(&mut probe_times[p], 0.5)),
            ms(percentile(&mut probe_times[p], 0.99)),
            found_10[p] as f64 / (queries * 10) as f64,
            found_50[p] as f64 / (queries * k) as f64,
            probed[p] as f64 / queries as f64,
            if p == 0 { "  (the server's)" } else { "" }
        );
    }
}
