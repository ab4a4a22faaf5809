//! `claimdb eval news`: the extractor scored on the hand-written news gold set.

use super::output::{out, outln};
use std::collections::HashMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::extract::{Options, extract_with};
use crate::gold::{self, Figures};
use crate::hash;
use crate::import::jsonl;

#[derive(Debug, clap::Args)]
pub struct EvalNewsArgs {
    /// The folder of gold files (`ID.json`).
    #[arg(long, default_value = "tests/data/news-gold")]
    gold: PathBuf,
    /// The corpus folder: each gold file names its corpus, read from
    /// `CORPUS/NAME/articles.jsonl`.
    #[arg(long, default_value = "../shared/corpus")]
    corpus: PathBuf,
    /// Also prints every wrong judgement (speaker, rewrite, date), one per line.
    #[arg(long)]
    errors: bool,
}

/// Reads the bodies of `ids` from one corpus file.
fn read_bodies(path: &Path, ids: &[&str]) -> anyhow::Result<HashMap<String, (String, Option<String>)>> {
    let file = std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut bodies = HashMap::new();
    for (number, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("{}:{}", path.display(), number + 1))?;
        let (id, body, metadata) = jsonl::parse_line(line.as_bytes())
            .map_err(|why| anyhow::anyhow!("{}:{} {why}", path.display(), number + 1))?;
        if let Some(id) = id.filter(|id| ids.contains(&id.as_str())) {
            bodies.insert(id, (body, metadata.published_date));
        }
    }
    Ok(bodies)
}

pub fn run(args: &EvalNewsArgs) -> anyhow::Result<()> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&args.gold)
        .with_context(|| format!("cannot read {}", args.gold.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        bail!("{} holds no gold files (ID.json)", args.gold.display());
    }
    // Which articles of which corpus, then each corpus read once.
    let mut texts = Vec::with_capacity(paths.len());
    let mut wanted: HashMap<String, Vec<String>> = HashMap::new();
    for path in &paths {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        let head: serde_json::Value =
            serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
        let (Some(id), Some(corpus)) = (head["id"].as_str(), head["corpus"].as_str()) else {
            bail!("{} has no id or corpus", path.display());
        };
        wanted.entry(corpus.to_owned()).or_default().push(id.to_owned());
        texts.push((path, corpus.to_owned(), id.to_owned(), text));
    }
    let mut bodies = HashMap::new();
    for (corpus, ids) in &wanted {
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let file = args.corpus.join(corpus).join("articles.jsonl");
        for (id, body) in read_bodies(&file, &ids)? {
            bodies.insert((corpus.clone(), id), body);
        }
    }
    let mut figures = Figures::default();
    for (path, corpus, id, text) in texts {
        let (body, published) = bodies
            .get(&(corpus.clone(), id.clone()))
            .with_context(|| format!("{}: no article {id} in {corpus}", path.display()))?;
        let article = gold::read_article(&text, body.len()).with_context(|| format!("{}", path.display()))?;
        if hex::encode(hash::sha256(body)) != article.body_sha256 {
            bail!(
                "{}: the body of {id} in {corpus} is not the one annotated",
                path.display()
            );
        }
        let extraction = extract_with(
            body,
            &Options {
                reference_date: published.clone(),
            },
        );
        figures.merge(gold::score_article(&article, body, &extraction.claims));
    }
    if args.errors {
        for error in &figures.errors {
            outln!("{error}");
        }
    }
    out!("{figures}");
    Ok(())
}
