//! Analysis throughput on one core: tokens per second of each stage and of the
//! whole analysis, over the news corpus and EWT test's raw text.
//!
//!     cargo bench -p claimdb-analysis --bench throughput -- [articles.jsonl ...]
//!
//! Defaults to every `../shared/corpus/*/articles.jsonl` beside the project.
//! Prints the best of several passes (the host is shared and noisy) as
//! `STAGE_TOKENS_PER_S=` lines that `benches/analysis_vs_spacy.sh` reads.

use std::path::{Path, PathBuf};
use std::time::Instant;

use claimdb_analysis::pipeline::Models;
use claimdb_analysis::{sentences, tokenise};

const N_PASSES: usize = 5;

fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

fn read_bodies(paths: &[PathBuf]) -> Vec<String> {
    let mut bodies = Vec::new();
    for path in paths {
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        for line in text.lines().filter(|line| !line.trim().is_empty()) {
            let value: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            if let Some(body) = value
                .get("body")
                .or_else(|| value.get("text"))
                .and_then(|body| body.as_str())
            {
                bodies.push(body.to_string());
            }
        }
    }
    bodies
}

/// Runs `work` N_PASSES times and returns the fastest pass in seconds.
fn best_of(mut work: impl FnMut() -> usize) -> (f64, usize) {
    let mut best = f64::INFINITY;
    let mut result = 0;
    for _ in 0..N_PASSES {
        let started = Instant::now();
        result = std::hint::black_box(work());
        best = best.min(started.elapsed().as_secs_f64());
    }
    (best, result)
}

fn measure(name: &str, texts: &[String]) {
    let models = Models::embedded();
    let n_bytes: usize = texts.iter().map(String::len).sum();
    // Stage inputs, made once: sentences, then the words of each.
    let sentences: Vec<(usize, std::ops::Range<usize>)> = texts
        .iter()
        .enumerate()
        .flat_map(|(idx, text)| {
            sentences::split_sentences(text)
                .into_iter()
                .map(move |span| (idx, span))
        })
        .collect();
    let word_forms: Vec<Vec<&str>> = sentences
        .iter()
        .map(|(idx, span)| {
            let text = &texts[*idx];
            tokenise::tokenise(text, span.clone())
                .words
                .iter()
                .map(|word| &text[word.clone()])
                .collect()
        })
        .collect();
    let n_words: usize = word_forms.iter().map(Vec::len).sum();

    let (split_s, _) = best_of(|| {
        let mut n_tokens = 0;
        for text in texts {
            for span in sentences::split_sentences(text) {
                n_tokens += tokenise::tokenise(text, span).tokens.len();
            }
        }
        n_tokens
    });
    let mut tagged = Vec::new();
    let (tag_s, _) = best_of(|| {
        let mut n = 0;
        for forms in &word_forms {
            models.tagger.tag(forms, &mut tagged);
            n += tagged.len();
        }
        n
    });
    let tags: Vec<(Vec<&str>, Vec<&str>)> = word_forms
        .iter()
        .map(|forms| {
            models.tagger.tag(forms, &mut tagged);
            (
                tagged.iter().map(|tag| tag.upos).collect(),
                tagged.iter().map(|tag| tag.xpos).collect(),
            )
        })
        .collect();
    let mut arcs = Vec::new();
    let (parse_s, _) = best_of(|| {
        let mut n = 0;
        for (forms, (upos, xpos)) in word_forms.iter().zip(&tags) {
            models.parser.parse(forms, upos, xpos, &mut arcs);
            n += arcs.len();
        }
        n
    });
    let mut entities = Vec::new();
    let (ner_s, _) = best_of(|| {
        let mut n = 0;
        for (forms, (upos, xpos)) in word_forms.iter().zip(&tags) {
            entities.clear();
            models.recogniser.recognise(forms, upos, xpos, &mut entities);
            n += entities.len();
        }
        n
    });
    let (whole_s, _) = best_of(|| texts.iter().map(|text| models.analyse_text(text).len()).sum());
    println!(
        "{name}: {} texts, {:.2} MB, {} sentences, {n_words} words",
        texts.len(),
        n_bytes as f64 / 1e6,
        sentences.len()
    );
    for (stage, seconds) in [
        ("SPLIT_TOKENISE", split_s),
        ("TAG", tag_s),
        ("PARSE", parse_s),
        ("NER", ner_s),
        ("WHOLE", whole_s),
    ] {
        println!("{name} {stage}_TOKENS_PER_S={:.0}", n_words as f64 / seconds);
    }
    println!("{name} WHOLE_MBPS={:.2}", n_bytes as f64 / 1e6 / whole_s);
}

fn main() {
    let args: Vec<PathBuf> = std::env::args()
        .skip(1)
        .filter(|arg| arg != "--bench")
        .map(PathBuf::from)
        .collect();
    let corpus = if args.is_empty() {
        let dir = shared().join("corpus");
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
            .filter_map(|entry| entry.ok().map(|entry| entry.path().join("articles.jsonl")))
            .filter(|path| Path::exists(path))
            .collect();
        paths.sort();
        paths
    } else {
        args
    };
    measure("news", &read_bodies(&corpus));
    let ewt_path = shared().join("datasets/ud-english-ewt/en_ewt-ud-test.conllu");
    let ewt =
        std::fs::read_to_string(&ewt_path).unwrap_or_else(|error| panic!("{}: {error}", ewt_path.display()));
    let gold = claimdb_analysis::conllu::parse(&ewt).expect("EWT test parses");
    measure("ewt-test", &[claimdb_analysis::eval::raw_text(&gold)]);
}
