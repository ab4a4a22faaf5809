//! ClaimReview JSON-LD in → claims with an external review: single objects, arrays, `@graph`
//! documents, JSON lines, and the Fact Check Tools API's `claims:search` response.
//!
//! Real feeds are messy, so the reader takes what it can: an author as text or as an object, an
//! array where one object is expected (its first object is read), HTML in the claim, a missing
//! `itemReviewed`. What it cannot take it reports per review, naming the field, and goes on with
//! the next one: nothing in one review fails another. A document that is not JSON at all is one
//! error. Deep nesting stops at serde_json's recursion limit (128) as an error, never a crash.

use serde_json::{Map, Value};

use crate::calendar;
use crate::links;
use crate::model::{EntityKind, ExternalReview, NewExternalClaim};
use crate::review::claimreview::{PublishedRating, verdict_of};
use crate::text;

/// The longest claim text taken, in bytes after markup is removed.
pub const MAX_CLAIM_BYTES: usize = 16 * 1024;
/// The longest name (publisher, speaker) or rating words taken, in bytes.
pub const MAX_NAME_BYTES: usize = 1024;

/// One review found in a document, or why it could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadReview {
    /// Where in the document it stands: `[2]`, `@graph[0]`,
    /// `claims[3].claimReview[0]`, `line 4`; empty for a lone object.
    pub path: String,
    pub result: Result<NewExternalClaim, String>,
}

/// Every review in a document. `Err` only when the document as a whole is
/// not JSON (nor JSON lines); the message says where it stops being JSON.
pub fn read_document(document: &str) -> Result<Vec<ReadReview>, String> {
    let mut reviews = Vec::new();
    match serde_json::from_str::<Value>(document) {
        Ok(value) => collect(&value, String::new(), true, &mut reviews),
        Err(whole_err) => {
            let mut lines = document
                .lines()
                .enumerate()
                .filter(|(_, line)| !line.trim().is_empty());
            let first_is_json = lines
                .next()
                .is_some_and(|(_, line)| serde_json::from_str::<Value>(line).is_ok());
            if !first_is_json || lines.next().is_none() {
                return Err(format!("document: is not JSON: {whole_err}"));
            }
            for (line_idx, line) in document.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let path = format!("line {}", line_idx + 1);
                match serde_json::from_str::<Value>(line) {
                    Ok(value) => collect(&value, path, true, &mut reviews),
                    Err(err) => reviews.push(ReadReview {
                        path,
                        result: Err(format!("is not JSON: {err}")),
                    }),
                }
            }
        }
    }
    Ok(reviews)
}

/// Joins a path and a step: `claims[0]` + `.claimReview[1]`.
fn join(path: &str, step: &str) -> String {
    if path.is_empty() {
        step.trim_start_matches('.').to_owned()
    } else if step.starts_with('[') {
        format!("{path}{step}")
    } else {
        format!("{path} {}", step.trim_start_matches('.'))
    }
}

/// Finds the reviews in a JSON value. `strict` reports a node that is not a
/// ClaimReview; inside `@graph`, other nodes (the page, the organisation)
/// are context and passed over.
fn collect(value: &Value, path: String, strict: bool, out: &mut Vec<ReadReview>) {
    match value {
        Value::Array(items) => {
            for (idx, item) in items.iter().enumerate() {
                collect(item, join(&path, &format!("[{idx}]")), strict, out);
            }
        }
        Value::Object(object) => {
            if let Some(graph) = object.get("@graph") {
                collect_graph(graph, join(&path, "@graph"), out);
            } else if object.contains_key("claims") && !object.contains_key("@type") {
                collect_fact_check_tools(object, &path, out);
            } else if has_type(object, "ClaimReview") {
                out.push(ReadReview {
                    result: read_claim_review(object),
                    path,
                });
            } else if strict {
                let found = object.get("@type").map_or_else(
                    || "has no @type".to_owned(),
                    |kind| format!("@type is {}", text::quoted_excerpt(&kind.to_string())),
                );
                out.push(ReadReview {
                    path,
                    result: Err(format!("is not a ClaimReview: {found}")),
                });
            }
        }
        other if strict => out.push(ReadReview {
            path,
            result: Err(format!("is {}, not a ClaimReview object", kind_of(other))),
        }),
        _ => {}
    }
}

fn collect_graph(graph: &Value, path: String, out: &mut Vec<ReadReview>) {
    match graph {
        Value::Array(nodes) => {
            for (idx, node) in nodes.iter().enumerate() {
                collect(node, format!("{path}[{idx}]"), false, out);
            }
        }
        node => collect(node, path, false, out),
    }
}

/// The Fact Check Tools API's `claims:search` response:
/// `{"claims": [{"text", "claimant", "claimDate", "claimReview": [..]}]}`.
fn collect_fact_check_tools(object: &Map<String, Value>, path: &str, out: &mut Vec<ReadReview>) {
    let Some(Value::Array(found)) = object.get("claims") else {
        out.push(ReadReview {
            path: join(path, "claims"),
            result: Err("claims: is not an array".into()),
        });
        return;
    };
    for (claim_idx, claim) in found.iter().enumerate() {
        let claim_path = join(path, &format!("claims[{claim_idx}]"));
        let Value::Object(claim) = claim else {
            out.push(ReadReview {
                result: Err(format!("is {}, not a claim object", kind_of(claim))),
                path: claim_path,
            });
            continue;
        };
        let reviews: Vec<&Value> = match claim.get("claimReview") {
            Some(Value::Array(reviews)) => reviews.iter().collect(),
            Some(review @ Value::Object(_)) => vec![review],
            Some(other) => {
                out.push(ReadReview {
                    result: Err(format!("claimReview: is {}, not an array", kind_of(other))),
                    path: claim_path,
                });
                continue;
            }
            None => {
                out.push(ReadReview {
                    result: Err("claimReview: is missing".into()),
                    path: claim_path,
                });
                continue;
            }
        };
        for (review_idx, review) in reviews.into_iter().enumerate() {
            out.push(ReadReview {
                path: format!("{claim_path}.claimReview[{review_idx}]"),
                result: match review {
                    Value::Object(review) => read_fact_check_tools_review(claim, review),
                    other => Err(format!("is {}, not a review object", kind_of(other))),
                },
            });
        }
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Whether a node's `@type` (text or an array of them, compact or full
/// IRI) names `wanted`.
fn has_type(object: &Map<String, Value>, wanted: &str) -> bool {
    let names = |kind: &Value| -> Vec<String> {
        match kind {
            Value::String(name) => vec![name.clone()],
            Value::Array(names) => names
                .iter()
                .filter_map(|name| name.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        }
    };
    object.get("@type").is_some_and(|kind| {
        names(kind)
            .iter()
            .any(|name| name.rsplit(['/', ':', '#']).next() == Some(wanted))
    })
}

/// The first object of a value that should be one object: the object, or
/// the first object of an array. Missing or null is `None`; text or a
/// number where an object belongs is an error.
fn object_field<'a>(
    object: &'a Map<String, Value>,
    field: &str,
) -> Result<Option<&'a Map<String, Value>>, String> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(inner)) => Ok(Some(inner)),
        Some(Value::Array(items)) => Ok(items.iter().find_map(Value::as_object)),
        Some(other) => Err(format!("{field}: is {}, not an object", kind_of(other))),
    }
}

/// Text where text belongs: a string, the first string of an array, or an
/// object's `name` (or `@value`). Markup is removed; empty is `None`.
fn text_field(object: &Map<String, Value>, field: &str, max_bytes: usize) -> Result<Option<String>, String> {
    let Some(value) = object.get(field) else {
        return Ok(None);
    };
    let raw = match value {
        Value::Null => return Ok(None),
        Value::String(text) => Some(text.as_str()),
        Value::Array(items) => items.iter().find_map(Value::as_str),
        Value::Object(inner) => inner
            .get("name")
            .or_else(|| inner.get("@value"))
            .and_then(Value::as_str),
        other => return Err(format!("{field}: is {}, not text", kind_of(other))),
    };
    let Some(raw) = raw else {
        return Err(format!("{field}: holds no text"));
    };
    // The limit applies before markup is removed too, so that a huge input
    // is refused before it is copied.
    if raw.len() > 4 * max_bytes {
        return Err(format!("{field}: is {} bytes, more than {max_bytes}", raw.len()));
    }
    let plain = strip_html(raw);
    if plain.len() > max_bytes {
        return Err(format!(
            "{field}: is {} bytes, more than {max_bytes}",
            plain.len()
        ));
    }
    Ok((!plain.is_empty()).then_some(plain))
}

/// A number where a number belongs: a JSON number or a numeric string.
fn number_field(object: &Map<String, Value>, field: &str) -> Result<Option<f64>, String> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(number)) => Ok(number.as_f64()),
        Some(Value::String(text)) if text.trim().is_empty() => Ok(None),
        Some(Value::String(text)) => text
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|value| value.is_finite())
            .map(Some)
            .ok_or_else(|| format!("{field}: {} is not a number", text::quoted_excerpt(text))),
        Some(other) => Err(format!("{field}: is {}, not a number", kind_of(other))),
    }
}

/// A date as `YYYY-MM-DD`, from a date or an RFC 3339 date-time (with or
/// without its zone: the calendar day as written is kept).
fn date_field(object: &Map<String, Value>, field: &str) -> Result<Option<String>, String> {
    let Some(text) = text_field(object, field, 64)? else {
        return Ok(None);
    };
    let day = text.get(..10).filter(|day| calendar::parse_date(day).is_some());
    let rest = text.get(10..).unwrap_or("");
    let well_formed = match day {
        Some(_) if rest.is_empty() => true,
        Some(_) => {
            calendar::parse_timestamp_micros(&text).is_some()
                || (rest.starts_with(['T', 't']) && rest.len() >= 9)
        }
        None => false,
    };
    match day {
        Some(day) if well_formed => Ok(Some(day.to_owned())),
        _ => Err(format!(
            "{field}: {} is not a date (YYYY-MM-DD or an RFC 3339 date-time)",
            text::quoted_excerpt(&text)
        )),
    }
}

fn url_field(object: &Map<String, Value>, field: &str) -> Result<Option<String>, String> {
    let Some(url) = text_field(object, field, links::MAX_URL_BYTES)? else {
        return Ok(None);
    };
    links::check_url(&url).map_err(|problem| format!("{field}: {} {problem}", text::quoted_excerpt(&url)))?;
    Ok(Some(url))
}

/// A person or organisation: text (a name) or an object with `name`,
/// `@type` and `url`; an array's first.
struct Agent {
    name: String,
    kind: Option<EntityKind>,
    url: Option<String>,
}

fn agent_field(object: &Map<String, Value>, field: &str) -> Result<Option<Agent>, String> {
    let value = match object.get(field) {
        Some(Value::Array(items)) => items.first(),
        other => other,
    };
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(_)) => Ok(text_field(object, field, MAX_NAME_BYTES)?.map(|name| Agent {
            name,
            kind: None,
            url: None,
        })),
        Some(Value::Object(agent)) => {
            let Some(name) =
                text_field(agent, "name", MAX_NAME_BYTES).map_err(|err| format!("{field}.{err}"))?
            else {
                return Err(format!("{field}.name: is missing"));
            };
            let kind = if has_type(agent, "Person") {
                Some(EntityKind::Person)
            } else if is_organisation(agent) {
                Some(EntityKind::Organisation)
            } else {
                None
            };
            let url = url_field(agent, "url").map_err(|err| format!("{field}.{err}"))?;
            Ok(Some(Agent { name, kind, url }))
        }
        Some(other) => Err(format!("{field}: is {}, not a name or an object", kind_of(other))),
    }
}

/// Whether a node is an organisation: `Organization` or one of the
/// subtypes feeds use (`NewsMediaOrganization`, `GovernmentOrganization`,
/// `Corporation`, `NGO` …).
fn is_organisation(node: &Map<String, Value>) -> bool {
    const OTHER_NAMES: &[&str] = &["Corporation", "NGO", "Consortium", "PoliticalParty", "Project"];
    let names: Vec<&str> = match node.get("@type") {
        Some(Value::String(name)) => vec![name.as_str()],
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    names.iter().any(|name| {
        let local = name.rsplit(['/', ':', '#']).next().unwrap_or(name);
        local.ends_with("Organization") || OTHER_NAMES.contains(&local)
    })
}

/// Where a claim appeared: a URL as text, or a CreativeWork with `url` and
/// `headline` (or `name`).
fn appearance_field(
    object: &Map<String, Value>,
    field: &str,
) -> Result<(Option<String>, Option<String>), String> {
    let value = match object.get(field) {
        Some(Value::Array(items)) => items.first(),
        other => other,
    };
    match value {
        None | Some(Value::Null) => Ok((None, None)),
        Some(Value::String(_)) => Ok((url_field(object, field)?, None)),
        Some(Value::Object(work)) => {
            let url = url_field(work, "url").map_err(|err| format!("{field}.{err}"))?;
            let headline = match text_field(work, "headline", MAX_CLAIM_BYTES) {
                Ok(None) => text_field(work, "name", MAX_CLAIM_BYTES),
                found => found,
            }
            .map_err(|err| format!("{field}.{err}"))?;
            Ok((url, headline))
        }
        Some(other) => Err(format!("{field}: is {}, not a URL or an object", kind_of(other))),
    }
}

fn claim_text(object: &Map<String, Value>, field: &str) -> Result<String, String> {
    text_field(object, field, MAX_CLAIM_BYTES)?.ok_or_else(|| format!("{field}: is missing or empty"))
}

/// The rating as stored: the words as published, or the number on its scale.
fn rating_words(rating: &PublishedRating) -> String {
    match (&rating.words, rating.value) {
        (Some(words), _) => words.clone(),
        (None, Some(value)) => format!(
            "{value} ({}–{})",
            rating.worst.unwrap_or(1.0),
            rating.best.unwrap_or(5.0)
        ),
        (None, None) => String::new(),
    }
}

/// A schema.org ClaimReview node.
fn read_claim_review(object: &Map<String, Value>) -> Result<NewExternalClaim, String> {
    let text = claim_text(object, "claimReviewed")?;
    let item = object_field(object, "itemReviewed")?;
    let (speaker, claim_date, appearance_url, appearance_headline) = match item {
        Some(item) => {
            let speaker = agent_field(item, "author").map_err(|err| format!("itemReviewed.{err}"))?;
            let date = date_field(item, "datePublished").map_err(|err| format!("itemReviewed.{err}"))?;
            let (mut url, mut headline) =
                appearance_field(item, "appearance").map_err(|err| format!("itemReviewed.{err}"))?;
            if url.is_none() && headline.is_none() {
                (url, headline) =
                    appearance_field(item, "firstAppearance").map_err(|err| format!("itemReviewed.{err}"))?;
            }
            (speaker, date, url, headline)
        }
        None => (None, None, None, None),
    };
    let Some(rating) = object_field(object, "reviewRating")? else {
        return Err("reviewRating: is missing".into());
    };
    let words = match text_field(rating, "alternateName", MAX_NAME_BYTES) {
        Ok(None) => text_field(rating, "name", MAX_NAME_BYTES),
        found => found,
    }
    .map_err(|err| format!("reviewRating.{err}"))?;
    let published = PublishedRating {
        words,
        value: number_field(rating, "ratingValue").map_err(|err| format!("reviewRating.{err}"))?,
        best: number_field(rating, "bestRating").map_err(|err| format!("reviewRating.{err}"))?,
        worst: number_field(rating, "worstRating").map_err(|err| format!("reviewRating.{err}"))?,
    };
    if published.words.is_none() && published.value.is_none() {
        return Err("reviewRating: has neither alternateName nor ratingValue".into());
    }
    let url = url_field(object, "url")?;
    let publisher = match agent_field(object, "author")? {
        Some(author) => author,
        None => match agent_field(object, "publisher")? {
            Some(publisher) => publisher,
            None => return Err("author: is missing (the organisation that published the review)".into()),
        },
    };
    let date = date_field(object, "datePublished")?;
    Ok(NewExternalClaim {
        text,
        speaker: speaker
            .as_ref()
            .map(|agent| agent.name.clone())
            .unwrap_or_default(),
        speaker_kind: speaker.and_then(|agent| agent.kind),
        claim_date,
        appearance_url,
        appearance_headline,
        review: ExternalReview {
            publisher: publisher.name,
            publisher_url: publisher.url,
            url,
            date,
            rating: rating_words(&published),
            verdict: verdict_of(&published),
        },
    })
}

/// One `claimReview` of a `claims:search` claim.
fn read_fact_check_tools_review(
    claim: &Map<String, Value>,
    review: &Map<String, Value>,
) -> Result<NewExternalClaim, String> {
    let text = claim_text(claim, "text")?;
    let speaker = text_field(claim, "claimant", MAX_NAME_BYTES)?.unwrap_or_default();
    let claim_date = date_field(claim, "claimDate")?;
    let Some(publisher) = object_field(review, "publisher")? else {
        return Err("publisher: is missing".into());
    };
    let site = text_field(publisher, "site", MAX_NAME_BYTES).map_err(|err| format!("publisher.{err}"))?;
    let name =
        match text_field(publisher, "name", MAX_NAME_BYTES).map_err(|err| format!("publisher.{err}"))? {
            Some(name) => name,
            None => site.clone().ok_or("publisher.name: is missing")?,
        };
    // `site` is a bare host ("politifact.com"); kept as a URL when it makes one.
    let publisher_url = site
        .map(|site| {
            if site.contains("://") {
                site
            } else {
                format!("https://{site}")
            }
        })
        .filter(|url| links::check_url(url).is_ok());
    let Some(words) = text_field(review, "textualRating", MAX_NAME_BYTES)? else {
        return Err("textualRating: is missing".into());
    };
    let published = PublishedRating {
        words: Some(words),
        ..PublishedRating::default()
    };
    Ok(NewExternalClaim {
        text,
        speaker,
        speaker_kind: None,
        claim_date,
        appearance_url: None,
        appearance_headline: None,
        review: ExternalReview {
            publisher: name,
            publisher_url,
            url: url_field(review, "url")?,
            date: date_field(review, "reviewDate")?,
            rating: rating_words(&published),
            verdict: verdict_of(&published),
        },
    })
}

/// The HTML elements that sit inside a run of text without breaking it.
const INLINE_TAGS: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark", "q", "s",
    "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
];

/// Plain text from text that may hold HTML: tags removed (with the content
/// of `script` and `style`), the common entities and numeric character
/// references decoded, runs of white space made one space.
pub fn strip_html(input: &str) -> String {
    let mut plain = String::with_capacity(input.len());
    let mut rest = input;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            let tag_end = rest.find('>');
            let Some(tag_end) = tag_end else {
                // A lone '<' is text ("a < b").
                plain.push('<');
                rest = &rest[1..];
                continue;
            };
            let tag = rest[1..tag_end].to_ascii_lowercase();
            let looks_like_tag = tag.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!');
            if !looks_like_tag {
                plain.push('<');
                rest = &rest[1..];
                continue;
            }
            rest = &rest[tag_end + 1..];
            for hidden in ["script", "style"] {
                if tag.starts_with(hidden) {
                    let close = format!("</{hidden}");
                    let lower = rest.to_ascii_lowercase();
                    rest = match lower.find(&close) {
                        Some(at) => rest[at..].find('>').map_or("", |end| &rest[at + end + 1..]),
                        None => "",
                    };
                }
            }
            // A block's tag separates words ("a<br>b" is "a b"); an inline
            // one does not ("<b>half</b>." is "half.").
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            if !INLINE_TAGS.contains(&name.as_str()) {
                plain.push(' ');
            }
        } else if c == '&' {
            let (decoded, used) = decode_entity(rest);
            plain.push_str(&decoded);
            rest = &rest[used..];
        } else {
            plain.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    plain.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The character an entity at the start of `text` stands for and the bytes
/// it takes; a `&` that starts no known entity is itself.
fn decode_entity(text: &str) -> (String, usize) {
    let Some(end) = text.get(1..).and_then(|rest| rest.find(';')).map(|at| at + 1) else {
        return ("&".into(), 1);
    };
    let name = &text[1..end];
    if name.len() > 10 {
        return ("&".into(), 1);
    }
    let named = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        "rsquo" | "lsquo" => Some('\''),
        "rdquo" | "ldquo" => Some('"'),
        "ndash" => Some('–'),
        "mdash" => Some('—'),
        _ => None,
    };
    let numeric = || {
        let digits = name.strip_prefix('#')?;
        let code = match digits.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => digits.parse::<u32>().ok()?,
        };
        char::from_u32(code).filter(|c| !c.is_control() || c.is_whitespace())
    };
    match named.or_else(numeric) {
        Some(c) => (c.to_string(), end + 1),
        None => ("&".into(), 1),
    }
}

#[cfg(test)]
mod tests;
