//! `claimdb analyse`, `claimdb train analysis` and `claimdb eval analysis`:
//! the language analysis on a file, its training from the treebanks, and its
//! CoNLL 2018 shared-task figures.

use super::output::{errln, out, outln};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use claimdb_analysis::clusters::{self, ClusterOptions, WordClusters};
use claimdb_analysis::conllu::{self, Sentence};
use claimdb_analysis::iob2::{self, NerSentence};
use claimdb_analysis::measure::{self, format_scores};
use claimdb_analysis::ner::Recogniser;
use claimdb_analysis::parser::Parser;
use claimdb_analysis::pipeline::{self, Models};
use claimdb_analysis::sentences::SentenceSplitter;
use claimdb_analysis::tagger::Tagger;
use claimdb_analysis::tokenise::Lexicon;
use claimdb_analysis::train::{self, TrainedModels, TrainingOptions};

/// Where the weights the binary embeds live, relative to the project root.
const WEIGHTS_DIR: &str = "crates/analysis/weights";
const LEXICON_FILE: &str = "tokenise_lexicon.txt";
const SPLITTER_FILE: &str = "sentences.bin";
const TAGGER_FILE: &str = "tagger.bin";
const PARSER_FILE: &str = "parser.bin";
const RECOGNISER_FILE: &str = "ner.bin";
/// The word clusters the tagger and parser are trained with.
const CLUSTERS_FILE: &str = "clusters.txt";
/// The official test figures of the weights beside it, pinned by a test.
const FIGURES_FILE: &str = "test-figures.txt";

#[derive(Debug, clap::Args)]
pub struct TrainAnalysisArgs {
    /// The UD English EWT folder: `en_ewt-ud-train.conllu` trains the tokeniser,
    /// tagger and parser; `en_ewt-ud-dev.conllu` gives the gold tags of the
    /// entity sentences (UNER's training split is EWT dev).
    #[arg(long, default_value = "../shared/datasets/ud-english-ewt")]
    ewt: PathBuf,
    /// The Universal NER English-EWT folder (its `en_ewt-ud-dev.iob2`, the only
    /// split there is to train on, is read).
    #[arg(long, default_value = "../shared/datasets/uner-english-ewt")]
    uner: PathBuf,
    /// Where to write the weights (`tokenise_lexicon.txt`, `sentences.bin`,
    /// `tagger.bin`, `parser.bin`, `ner.bin`) and their test figures
    /// (`test-figures.txt`). The default is where the binary embeds them from
    /// (rebuild to use new weights).
    #[arg(long, default_value = WEIGHTS_DIR)]
    out: PathBuf,
    /// Seeds every part's shuffling: the same seed and data give the same weights.
    #[arg(long, default_value_t = TrainingOptions::default().seed)]
    seed: u64,
    /// Folds of jackknifed tags the parser is trained on (1: gold tags).
    #[arg(long, default_value_t = TrainingOptions::default().jackknife_folds as u64,
          value_parser = clap::value_parser!(u64).range(1..=50))]
    jackknife_folds: u64,
    /// Learns the word clusters from unlabelled text (the words of EWT
    /// train, the GAP development and validation snippets, the ClaimBuster
    /// sentences), writes them to `clusters.txt` in `--out`, and stops.
    #[arg(long)]
    learn_clusters: bool,
    /// Trains the tagger with the word clusters of this file (as
    /// `--learn-clusters` writes it). Without it there are no cluster
    /// features: on EWT dev they did not help (BENCHMARKS.md, issue 11,
    /// session 15), so the committed weights have none.
    #[arg(long, conflicts_with = "learn_clusters")]
    clusters: Option<PathBuf>,
    /// The GAP coreference folder (Wikipedia snippets), for `--learn-clusters`.
    #[arg(long, default_value = "../shared/datasets/gap-coreference")]
    gap: PathBuf,
    /// The ClaimBuster folder (debate sentences), for `--learn-clusters`.
    #[arg(long, default_value = "../shared/datasets/claimbuster-2.5xNCS")]
    claimbuster: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct EvalAnalysisArgs {
    /// The annotated data: a CoNLL-U treebank file, or with `--ner` a UNER
    /// IOB2 file.
    #[arg(long)]
    data: PathBuf,
    /// Scores named entities on an IOB2 file instead of a treebank.
    #[arg(long)]
    ner: bool,
    /// Scores this file, another system's output on the same text, instead
    /// of running claimdb's analysis: CoNLL-U for a treebank, or IOB2 over
    /// the same words with `--ner`.
    #[arg(long)]
    system: Option<PathBuf>,
    /// Reads the weights from this folder (as `claimdb train analysis`
    /// writes them) instead of those embedded in this binary.
    #[arg(long)]
    weights: Option<PathBuf>,
}

/// `claimdb analyse FILE|-`: prints the analysis of every sentence as CoNLL-U.
pub fn analyse(file: &Path) -> anyhow::Result<()> {
    let text = super::read_input(file)?;
    let models = Models::embedded();
    let mut out = std::io::stdout().lock();
    let mut buffer = String::new();
    for (idx, analysis) in models.analyse_text(&text).iter().enumerate() {
        buffer.clear();
        let sentence = pipeline::to_conllu(&text, analysis, Some(&format!("{}", idx + 1)));
        conllu::write_sentence(&mut buffer, &sentence);
        if let Err(err) = out.write_all(crate::text::escape_controls(&buffer).as_bytes()) {
            super::output::stdout_failed(err);
        }
    }
    Ok(())
}

/// `claimdb train analysis`.
pub fn train(args: &TrainAnalysisArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let treebank = read_treebank(&args.ewt.join("en_ewt-ud-train.conllu"))?;
    if args.learn_clusters {
        return learn_clusters(args, &treebank, started);
    }
    let clusters = match &args.clusters {
        None => WordClusters::default(),
        Some(path) => {
            let text =
                std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            WordClusters::from_text(&text).with_context(|| format!("{}", path.display()))?
        }
    };
    let entities = read_entities(&args.uner.join("en_ewt-ud-dev.iob2"))?;
    let entity_treebank = read_treebank(&args.ewt.join("en_ewt-ud-dev.conllu"))?;
    let options = TrainingOptions {
        seed: args.seed,
        jackknife_folds: args.jackknife_folds as usize,
        clusters,
    };
    let mut progress = |line: &str| errln!("[{:>6.1}s] {line}", started.elapsed().as_secs_f64());
    let models = train::train_all(&treebank, &entities, &entity_treebank, &options, &mut progress);
    std::fs::create_dir_all(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
    for (file, bytes) in [
        (LEXICON_FILE, models.learned_lexicon.to_text().into_bytes()),
        (SPLITTER_FILE, models.splitter.to_bytes()),
        (TAGGER_FILE, models.tagger.to_bytes()),
        (PARSER_FILE, models.parser.to_bytes()),
        (RECOGNISER_FILE, models.recogniser.to_bytes()),
    ] {
        let path = args.out.join(file);
        std::fs::write(&path, &bytes).with_context(|| format!("cannot write {}", path.display()))?;
        outln!("wrote {} ({} bytes)", path.display(), bytes.len());
    }
    outln!("trained in {:.1} s", started.elapsed().as_secs_f64());
    // The official test figures of what was just trained, recorded (never
    // used to choose anything) so that a test can pin the committed weights.
    let models = models.models();
    let ewt_test = read_treebank(&args.ewt.join("en_ewt-ud-test.conllu"))?;
    let uner_test = read_entities(&args.uner.join("en_ewt-ud-test.iob2"))?;
    let figures = measure::measure_treebank(&models, &ewt_test).context("cannot score EWT test")?;
    let mut record = measure::record_treebank("ewt-test", &figures);
    record.push_str(&measure::record_entities(
        "uner-ewt-test",
        &measure::measure_entities(&models, &uner_test),
    ));
    let path = args.out.join(FIGURES_FILE);
    std::fs::write(&path, &record).with_context(|| format!("cannot write {}", path.display()))?;
    out!("{record}");
    outln!("wrote {}", path.display());
    Ok(())
}

/// `claimdb train analysis --learn-clusters`: the unlabelled text is the
/// treebank's own training words and two sources whose licences allow
/// shipping what is learned from them (GAP: Apache 2.0; ClaimBuster: CC BY
/// 4.0). GAP test is left out, as `claimdb eval coref` measures on it.
fn learn_clusters(
    args: &TrainAnalysisArgs,
    treebank: &[Sentence],
    started: std::time::Instant,
) -> anyhow::Result<()> {
    let mut corpus: Vec<Vec<String>> = treebank
        .iter()
        .map(|sentence| sentence.words.iter().map(|word| word.form.clone()).collect())
        .collect();
    let models = Models::embedded();
    for file in ["gap-development.tsv", "gap-validation.tsv"] {
        let path = args.gap.join(file);
        let text =
            std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let rows = claimdb_analysis::coref::gap::parse(&text)
            .map_err(anyhow::Error::msg)
            .with_context(|| format!("{}", path.display()))?;
        for row in &rows {
            clusters::add_sentences_of(models.splitter, models.lexicon, &row.text, &mut corpus);
        }
    }
    let path = args.claimbuster.join("kfold_25ncs.csv");
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let sentences = crate::train::data::parse_claimbuster_csv(&text, "claimbuster")
        .map_err(|err| anyhow::anyhow!("{}: {}", path.display(), err.0))?;
    for sentence in &sentences {
        clusters::add_sentences_of(models.splitter, models.lexicon, &sentence.text, &mut corpus);
    }
    let n_words: usize = corpus.iter().map(Vec::len).sum();
    errln!(
        "[{:>6.1}s] clustering the words of {} sentences ({n_words} words)",
        started.elapsed().as_secs_f64(),
        corpus.len()
    );
    let options = ClusterOptions {
        seed: args.seed,
        ..ClusterOptions::default()
    };
    let learned = WordClusters::learn(&corpus, &options);
    std::fs::create_dir_all(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
    let path = args.out.join(CLUSTERS_FILE);
    std::fs::write(&path, learned.to_text()).with_context(|| format!("cannot write {}", path.display()))?;
    outln!(
        "wrote {} ({} words; {:.1} s)",
        path.display(),
        learned.n_words(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `claimdb eval analysis`.
pub fn eval(args: &EvalAnalysisArgs) -> anyhow::Result<()> {
    let loaded = match &args.weights {
        Some(dir) => Some(read_weights(dir)?),
        None => None,
    };
    let models = match &loaded {
        Some(trained) => trained.models(),
        None => Models::embedded(),
    };
    if args.ner {
        let gold = read_entities(&args.data)?;
        let f1 = match &args.system {
            Some(system_path) => {
                let system = read_entities(system_path)?;
                measure::score_entities(&gold, &system)
                    .map_err(anyhow::Error::msg)
                    .with_context(|| {
                        format!(
                            "cannot score {} against {}",
                            system_path.display(),
                            args.data.display()
                        )
                    })?
            }
            None => measure::measure_entities(&models, &gold),
        };
        outln!(
            "sentences={} precision={:.4} recall={:.4}",
            gold.len(),
            f1.precision,
            f1.recall
        );
        outln!("NER_F1={:.3}", f1.f1);
        return Ok(());
    }
    let gold = read_treebank(&args.data)?;
    if let Some(system_path) = &args.system {
        let system = read_treebank(system_path)?;
        let scores = claimdb_analysis::eval::evaluate(&gold, &system).with_context(|| {
            format!(
                "cannot score {} against {}",
                system_path.display(),
                args.data.display()
            )
        })?;
        outln!("{}", format_scores(&scores, true));
        return Ok(());
    }
    let started = std::time::Instant::now();
    let figures = measure::measure_treebank(&models, &gold)
        .with_context(|| format!("cannot score the analysis of {}", args.data.display()))?;
    let n_words: usize = gold.iter().map(|sentence| sentence.words.len()).sum();
    outln!(
        "sentences={} words={n_words} (both tracks in {:.1} s)",
        gold.len(),
        started.elapsed().as_secs_f64()
    );
    outln!("gold tokens: {}", format_scores(&figures.gold_tokens, false));
    outln!("raw text: {}", format_scores(&figures.raw_text, true));
    Ok(())
}

fn read_treebank(path: &Path) -> anyhow::Result<Vec<Sentence>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    conllu::parse(&text).with_context(|| format!("{}", path.display()))
}

fn read_entities(path: &Path) -> anyhow::Result<Vec<NerSentence>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    iob2::parse(&text).with_context(|| format!("{}", path.display()))
}

fn read_weights(dir: &Path) -> anyhow::Result<TrainedModels> {
    let read = |file: &str| -> anyhow::Result<Vec<u8>> {
        let path = dir.join(file);
        std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))
    };
    let lexicon_text = String::from_utf8(read(LEXICON_FILE)?).with_context(|| LEXICON_FILE.to_string())?;
    let learned_lexicon = Lexicon::from_text(&lexicon_text).with_context(|| LEXICON_FILE.to_string())?;
    Ok(TrainedModels {
        lexicon: learned_lexicon.with_hand_lists(),
        learned_lexicon,
        splitter: SentenceSplitter::from_bytes(&read(SPLITTER_FILE)?)
            .with_context(|| SPLITTER_FILE.to_string())?,
        tagger: Tagger::from_bytes(&read(TAGGER_FILE)?).with_context(|| TAGGER_FILE.to_string())?,
        parser: Parser::from_bytes(&read(PARSER_FILE)?).with_context(|| PARSER_FILE.to_string())?,
        recogniser: Recogniser::from_bytes(&read(RECOGNISER_FILE)?)
            .with_context(|| RECOGNISER_FILE.to_string())?,
    })
}
