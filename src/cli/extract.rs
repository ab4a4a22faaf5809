//! `claimdb extract`: runs the extractor on a file and prints the claims as JSON lines
//! (the `Claim` message in canonical JSON, as ExtractClaims answers).

use std::path::Path;

use crate::api;
use crate::ingest;
use crate::model::ArticleMetadata;

use super::json;

pub fn run(file: &Path) -> anyhow::Result<()> {
    let body = super::read_input(file)?;
    if let Err(problem) = ingest::check_body(&body) {
        anyhow::bail!("{}: {} {}", file.display(), problem.field, problem.description);
    }
    let prepared = ingest::prepare_article(body, ArticleMetadata::default());
    let article = prepared.article;
    for claim in article.claims {
        // The same conversion ExtractClaims answers with, so the CLI and the
        // API describe a claim alike.
        let claim = api::unstored_claim(claim, &article.extractor_version);
        json::print(&claim)?;
    }
    Ok(())
}
