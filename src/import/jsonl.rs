//! One line of a JSON-lines article file: the private serde type and its mapping to the model.

use serde::Deserialize;

use crate::model::ArticleMetadata;

/// An article as a JSON object. Both the names claimdb uses and those of
/// common news corpora are accepted (`body` or `text`, `source` or
/// `publisher`, `published` or `published_date`); other keys are ignored.
#[derive(Debug, Deserialize)]
struct JsonArticle {
    id: Option<JsonId>,
    text: Option<String>,
    body: Option<String>,
    title: Option<String>,
    url: Option<String>,
    publisher: Option<String>,
    source: Option<String>,
    published: Option<String>,
    published_date: Option<String>,
}

/// Corpora use both strings and numbers as record ids.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum JsonId {
    Text(String),
    Number(serde_json::Number),
}

/// Parses one line into its record id, body and metadata, or says why it
/// is not an article.
pub fn parse_line(line: &[u8]) -> Result<(Option<String>, String, ArticleMetadata), String> {
    let article: JsonArticle =
        serde_json::from_slice(line).map_err(|err| format!("is not a JSON article object: {err}"))?;
    let body = article
        .text
        .or(article.body)
        .ok_or_else(|| "has neither a \"text\" nor a \"body\" string".to_owned())?;
    let id = article.id.map(|id| match id {
        JsonId::Text(text) => text,
        JsonId::Number(number) => number.to_string(),
    });
    let metadata = ArticleMetadata {
        title: article.title,
        source_url: article.url,
        publisher: article.publisher.or(article.source),
        published_date: article.published_date.or(article.published),
        credit: None,
        dateline: None,
    };
    Ok((id, body, metadata))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claimdb_names_win_over_corpus_names() {
        let line = br#"{"text": "T", "body": "B", "publisher": "P", "source": "S", "published_date": "2020-01-01", "published": "2019-01-01", "category": "x"}"#;
        let (id, body, meta) = parse_line(line).unwrap();
        assert_eq!(id, None);
        assert_eq!(body, "T");
        assert_eq!(meta.publisher.as_deref(), Some("P"));
        assert_eq!(meta.published_date.as_deref(), Some("2020-01-01"));
    }

    #[test]
    fn a_line_without_a_body_or_of_the_wrong_shape_says_why() {
        assert!(parse_line(br#"{"title": "x"}"#).unwrap_err().contains("\"body\""));
        assert!(parse_line(b"[1, 2]").unwrap_err().contains("JSON"));
        assert!(parse_line(br#"{"body": 5}"#).is_err());
    }
}
