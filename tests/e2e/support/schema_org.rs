//! Checks JSON-LD against the schema.org vocabulary (the committed extract in
//! `tests/data/schema-org/vocabulary.txt`, made from `../shared/schema-org` by
//! `cargo run --example schemaorg_extract`) and against Google's required and recommended
//! ClaimReview properties (README.md, "ClaimReview export").

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

/// Google's required properties of a ClaimReview (structured data for fact checks).
pub const GOOGLE_REQUIRED: &[&str] = &["claimReviewed", "reviewRating", "url"];
/// Google's required property of its `reviewRating`.
pub const GOOGLE_REQUIRED_RATING: &[&str] = &["alternateName"];
/// Google's recommended properties of a ClaimReview.
pub const GOOGLE_RECOMMENDED: &[&str] = &["author", "datePublished", "itemReviewed"];
/// Google's recommended properties of the Claim in `itemReviewed`.
pub const GOOGLE_RECOMMENDED_CLAIM: &[&str] = &["appearance", "author", "datePublished", "firstAppearance"];
/// Google's recommended properties of the `reviewRating`.
pub const GOOGLE_RECOMMENDED_RATING: &[&str] = &["bestRating", "ratingValue", "worstRating"];
/// Google's recommended properties of the review's `author`.
pub const GOOGLE_RECOMMENDED_AUTHOR: &[&str] = &["name", "url"];

/// The data types whose values are JSON strings.
const STRING_TYPES: &[&str] = &["Text", "URL", "Date", "DateTime", "Time"];

pub struct Vocabulary {
    /// Type → its direct supertypes.
    types: HashMap<String, Vec<String>>,
    /// Property → (domainIncludes, rangeIncludes).
    properties: HashMap<String, (Vec<String>, Vec<String>)>,
}

impl Vocabulary {
    pub fn load() -> Vocabulary {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/schema-org/vocabulary.txt");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        Vocabulary::parse(&text)
    }

    pub fn parse(text: &str) -> Vocabulary {
        let mut types = HashMap::new();
        let mut properties = HashMap::new();
        let list = |field: &str| -> Vec<String> {
            field
                .split(',')
                .filter(|name| !name.is_empty())
                .map(str::to_owned)
                .collect()
        };
        for line in text
            .lines()
            .filter(|line| !line.starts_with('#') && !line.is_empty())
        {
            let words: Vec<&str> = line.split(' ').collect();
            match words.as_slice() {
                ["type", name, parents @ ..] => {
                    types.insert(name.to_string(), parents.iter().map(|p| p.to_string()).collect());
                }
                ["property", name, "domain", domain, "range", range] => {
                    properties.insert(name.to_string(), (list(domain), list(range)));
                }
                ["property", name, "domain", "range", range] => {
                    properties.insert(name.to_string(), (Vec::new(), list(range)));
                }
                _ => panic!("unreadable vocabulary line {line:?}"),
            }
        }
        Vocabulary { types, properties }
    }

    pub fn n_terms(&self) -> (usize, usize) {
        (self.types.len(), self.properties.len())
    }

    /// A type and all its supertypes, through `subClassOf`.
    fn ancestry(&self, name: &str) -> HashSet<String> {
        let mut seen = HashSet::new();
        let mut todo = vec![name.to_owned()];
        while let Some(next) = todo.pop() {
            if seen.insert(next.clone()) {
                todo.extend(self.types.get(&next).into_iter().flatten().cloned());
            }
        }
        seen
    }

    /// Every problem of a JSON-LD node and the nodes in it: unknown types
    /// and properties, properties not allowed on their node's type (by
    /// `domainIncludes`, counting inheritance), and values outside a
    /// property's `rangeIncludes`.
    pub fn problems(&self, value: &Value) -> Vec<String> {
        let mut problems = Vec::new();
        match value {
            Value::Object(node) => self.check_node(node, "$", &mut problems),
            _ => problems.push("$: not an object".into()),
        }
        problems
    }

    fn check_node(&self, node: &Map<String, Value>, path: &str, problems: &mut Vec<String>) {
        let Some(kind) = node.get("@type").and_then(Value::as_str) else {
            problems.push(format!("{path}: no @type"));
            return;
        };
        if !self.types.contains_key(kind) {
            problems.push(format!("{path}: type {kind} is not in schema.org"));
            return;
        }
        let ancestry = self.ancestry(kind);
        for (property, value) in node {
            if property.starts_with('@') {
                continue;
            }
            let at = format!("{path}.{property}");
            let Some((domain, range)) = self.properties.get(property) else {
                problems.push(format!("{at}: property {property} is not in schema.org"));
                continue;
            };
            if !domain.iter().any(|allowed| ancestry.contains(allowed)) {
                problems.push(format!(
                    "{at}: {property} is not a property of {kind} (domain {domain:?})"
                ));
            }
            let values: Vec<&Value> = match value {
                Value::Array(items) => items.iter().collect(),
                one => vec![one],
            };
            for (idx, item) in values.into_iter().enumerate() {
                let item_at = format!("{at}[{idx}]");
                self.check_value(item, range, &item_at, problems);
            }
        }
    }

    fn check_value(&self, value: &Value, range: &[String], at: &str, problems: &mut Vec<String>) {
        let range_accepts = |wanted: &[&str]| {
            range.iter().any(|allowed| {
                self.ancestry(allowed)
                    .iter()
                    .any(|name| wanted.contains(&name.as_str()))
            })
        };
        match value {
            Value::String(_) if !range_accepts(STRING_TYPES) => {
                problems.push(format!("{at}: text where the range is {range:?}"));
            }
            Value::Number(_) if !range_accepts(&["Number"]) => {
                problems.push(format!("{at}: a number where the range is {range:?}"));
            }
            Value::Object(inner) => {
                // An unknown type is reported by `check_node`.
                let known = inner
                    .get("@type")
                    .and_then(Value::as_str)
                    .filter(|kind| self.types.contains_key(*kind));
                if let Some(kind) = known {
                    let ancestry = self.ancestry(kind);
                    if !range.iter().any(|allowed| ancestry.contains(allowed)) {
                        problems.push(format!("{at}: a {kind} where the range is {range:?}"));
                    }
                }
                self.check_node(inner, at, problems);
            }
            Value::Bool(_) | Value::Null | Value::Array(_) => {
                problems.push(format!("{at}: unexpected {value}"))
            }
            _ => {}
        }
    }
}

/// The Google properties of `wanted` that `node` lacks.
pub fn missing<'a>(node: &Value, wanted: &[&'a str]) -> Vec<&'a str> {
    wanted
        .iter()
        .copied()
        .filter(|property| node.get(property).is_none())
        .collect()
}
