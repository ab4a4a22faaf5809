//! Trains only the tagger on EWT train and scores it on EWT dev from gold
//! words (UPOS, XPOS, both, UFeats, Lemmas as plain word accuracies), for
//! quick tagger experiments that never read the test split:
//!
//!     cargo run --release -p claimdb-analysis --example tagger_dev -- [epochs=10] [min_feature_count=2] ...
//!
//! Options are `TaggerOptions` fields as `name=value`; `SEEDS=1,2,3` averages
//! over seeds (2026 alone by default), since one seed moves UPOS by about
//! 0.001; `CONFUSIONS=1` prints the most frequent UPOS confusions;
//! `WRITE_TAGGER=FILE` writes the (last seed's) tagger there, to time it.

use std::collections::BTreeMap;
use std::time::Instant;

use claimdb_analysis::conllu;
use claimdb_analysis::tagger::{Tagger, TaggerOptions};

fn read(path: &str) -> Vec<conllu::Sentence> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{path}: {error}"));
    conllu::parse(&text).expect("valid CoNLL-U")
}

fn parse<T: std::str::FromStr>(name: &str, value: &str) -> T {
    value
        .parse()
        .unwrap_or_else(|_| panic!("bad value for {name}: {value}"))
}

fn options_from_args() -> TaggerOptions {
    let mut options = TaggerOptions::default();
    for arg in std::env::args().skip(1) {
        let (name, value) = arg.split_once('=').expect("name=value");
        match name {
            "epochs" => options.epochs = parse(name, value),
            "min_weight" => options.min_weight = parse(name, value),
            "dictionary_min_count" => options.dictionary_min_count = parse(name, value),
            "dictionary_min_share" => options.dictionary_min_share = parse(name, value),
            "min_suffix_types" => options.min_suffix_types = parse(name, value),
            "min_feature_count" => options.min_feature_count = parse(name, value),
            "feats_min_weight" => options.feats_min_weight = parse(name, value),
            "lexicon_folds" => options.lexicon_folds = parse(name, value),
            _ => panic!("no option {name}"),
        }
    }
    options
}

fn main() {
    let mut options = options_from_args();
    let seeds: Vec<u64> = std::env::var("SEEDS")
        .unwrap_or_else(|_| "2026".to_string())
        .split(',')
        .map(|seed| seed.trim().parse().expect("a seed"))
        .collect();
    let shared = std::env::var("SHARED").unwrap_or_else(|_| "../shared".to_string());
    let train = read(&format!(
        "{shared}/datasets/ud-english-ewt/en_ewt-ud-train.conllu"
    ));
    let dev = read(&format!("{shared}/datasets/ud-english-ewt/en_ewt-ud-dev.conllu"));
    let mut means = [0f64; 5];
    for &seed in &seeds {
        options.seed = seed;
        let started = Instant::now();
        let tagger = Tagger::train(&train, &options);
        let training = started.elapsed().as_secs_f64();
        let (n_features, n_weights, ..) = tagger.sizes();
        let mut counts = [0usize; 5];
        let mut n_words = 0;
        let mut confusions: BTreeMap<(String, String), usize> = BTreeMap::new();
        let mut out = Vec::new();
        let started = Instant::now();
        for sentence in &dev {
            let forms: Vec<&str> = sentence.words.iter().map(|word| word.form.as_str()).collect();
            tagger.tag(&forms, &mut out);
            for (word, tagged) in sentence.words.iter().zip(&out) {
                n_words += 1;
                let right = [
                    word.upos == tagged.upos,
                    word.xpos == tagged.xpos,
                    word.upos == tagged.upos && word.xpos == tagged.xpos,
                    word.feats == tagged.feats,
                    word.lemma == tagged.lemma,
                ];
                for (count, right) in counts.iter_mut().zip(right) {
                    *count += usize::from(right);
                }
                if word.upos != tagged.upos {
                    *confusions
                        .entry((word.upos.clone(), tagged.upos.to_string()))
                        .or_default() += 1;
                }
            }
        }
        let tagging = started.elapsed().as_secs_f64();
        let shares = counts.map(|count| count as f64 / n_words as f64);
        println!(
            "seed {seed}: UPOS={:.4} XPOS={:.4} both={:.4} feats={:.4} lemmas={:.4} features={n_features} weights={n_weights} train_s={training:.1} tag_tok_s={:.0}",
            shares[0],
            shares[1],
            shares[2],
            shares[3],
            shares[4],
            n_words as f64 / tagging
        );
        if std::env::var("CONFUSIONS").is_ok() {
            let mut sorted: Vec<_> = confusions.into_iter().collect();
            sorted.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
            for ((gold, system), count) in sorted.iter().take(20) {
                println!("  gold {gold} tagged {system}: {count}");
            }
        }
        if let Ok(path) = std::env::var("WRITE_TAGGER") {
            std::fs::write(&path, tagger.to_bytes()).unwrap_or_else(|error| panic!("{path}: {error}"));
        }
        for (mean, share) in means.iter_mut().zip(shares) {
            *mean += share / seeds.len() as f64;
        }
    }
    println!("options={options:?}");
    println!(
        "mean of {} seeds: UPOS={:.4} XPOS={:.4} both={:.4} feats={:.4} lemmas={:.4}",
        seeds.len(),
        means[0],
        means[1],
        means[2],
        means[3],
        means[4]
    );
}
