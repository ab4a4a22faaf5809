//! Reads one gold file: the JSON format of `tests/data/news-gold/README.md`.

use serde::Deserialize;

use super::{GoldArticle, GoldDate, GoldEntity, GoldMetonym, GoldPronoun, GoldSentence, Reading};
use crate::model::Span;

/// A gold file that cannot be used, and why.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ReadError(String);

#[derive(Deserialize)]
struct File {
    id: String,
    corpus: String,
    body_sha256: String,
    article_date: Option<String>,
    #[serde(default)]
    dateline: Option<Dateline>,
    #[serde(default)]
    entities: Vec<Entity>,
    sentences: Vec<Sentence>,
}

#[derive(Deserialize)]
struct Dateline {
    span: [usize; 2],
}

#[derive(Deserialize)]
struct Entity {
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    variants: Vec<String>,
}

#[derive(Deserialize)]
struct Sentence {
    span: [usize; 2],
    speaker: Option<String>,
    check_worthy: bool,
    #[serde(default)]
    needs_context: bool,
    #[serde(default)]
    pronouns: Vec<Pronoun>,
    #[serde(default)]
    metonyms: Vec<Metonym>,
    #[serde(default)]
    dates: Vec<Date>,
    claims: Vec<String>,
}

#[derive(Deserialize)]
struct Pronoun {
    span: [usize; 2],
    text: String,
    antecedent: Option<String>,
}

#[derive(Deserialize)]
struct Metonym {
    span: [usize; 2],
    text: String,
    reading: String,
    rewrite: Option<String>,
}

#[derive(Deserialize)]
struct Date {
    span: [usize; 2],
    text: String,
    start: Option<String>,
    end: Option<String>,
}

fn span([start, end]: [usize; 2]) -> Span {
    Span { start, end }
}

/// Parses a gold file and checks that it hangs together: spans in order and
/// inside the body's length, speakers and antecedents among the entities.
/// `body_len` is the length of the article's body, which the caller has
/// checked against `body_sha256`.
pub fn read_article(json: &str, body_len: usize) -> Result<GoldArticle, ReadError> {
    let file: File =
        serde_json::from_str(json).map_err(|error| ReadError(format!("not a gold file: {error}")))?;
    let problem = |what: String| ReadError(format!("{}: {what}", file.id));
    let known = |name: &Option<String>| {
        name.as_ref()
            .is_none_or(|name| file.entities.iter().any(|entity| &entity.name == name))
    };
    let mut sentences = Vec::with_capacity(file.sentences.len());
    let mut last_end = 0;
    for (number, sentence) in file.sentences.into_iter().enumerate() {
        let [start, end] = sentence.span;
        if start < last_end || start >= end || end > body_len {
            return Err(problem(format!(
                "sentence {number}: span {start}..{end} is out of order or outside the body"
            )));
        }
        last_end = end;
        if !known(&sentence.speaker) {
            return Err(problem(format!(
                "sentence {number}: speaker {:?} is not an entity",
                sentence.speaker
            )));
        }
        let inside = |[mention_start, mention_end]: [usize; 2]| start <= mention_start && mention_end <= end;
        let mut pronouns = Vec::new();
        for pronoun in sentence.pronouns {
            if !inside(pronoun.span) || !known(&pronoun.antecedent) {
                return Err(problem(format!(
                    "sentence {number}: pronoun {:?} is outside it or refers to no entity",
                    pronoun.text
                )));
            }
            pronouns.push(GoldPronoun {
                span: span(pronoun.span),
                text: pronoun.text,
                antecedent: pronoun.antecedent,
            });
        }
        let mut metonyms = Vec::new();
        for metonym in sentence.metonyms {
            let reading = match metonym.reading.as_str() {
                "state" => Reading::State,
                "institution" => Reading::Institution,
                "place" => Reading::Place,
                "name_part" => Reading::NamePart,
                other => {
                    return Err(problem(format!(
                        "sentence {number}: unknown metonym reading {other:?}"
                    )));
                }
            };
            if !inside(metonym.span) {
                return Err(problem(format!(
                    "sentence {number}: metonym {:?} is outside it",
                    metonym.text
                )));
            }
            metonyms.push(GoldMetonym {
                span: span(metonym.span),
                text: metonym.text,
                reading,
                rewrite: metonym.rewrite,
            });
        }
        let mut dates = Vec::new();
        for date in sentence.dates {
            if !inside(date.span) {
                return Err(problem(format!(
                    "sentence {number}: date {:?} is outside it",
                    date.text
                )));
            }
            let range = match (date.start, date.end) {
                (Some(first), Some(last)) => Some((first, last)),
                (None, None) => None,
                _ => {
                    return Err(problem(format!(
                        "sentence {number}: date {:?} has one end only",
                        date.text
                    )));
                }
            };
            dates.push(GoldDate {
                span: span(date.span),
                text: date.text,
                range,
            });
        }
        sentences.push(GoldSentence {
            span: Span { start, end },
            speaker: sentence.speaker,
            check_worthy: sentence.check_worthy,
            needs_context: sentence.needs_context,
            pronouns,
            metonyms,
            dates,
            claims: sentence.claims,
        });
    }
    Ok(GoldArticle {
        id: file.id,
        corpus: file.corpus,
        body_sha256: file.body_sha256,
        article_date: file.article_date,
        dateline: file.dateline.map(|dateline| span(dateline.span)),
        entities: file
            .entities
            .into_iter()
            .map(|entity| GoldEntity {
                name: entity.name,
                kind: entity.kind,
                variants: entity.variants,
            })
            .collect(),
        sentences,
    })
}
