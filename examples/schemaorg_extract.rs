//! Writes the schema.org extract the ClaimReview validation test reads (`tests/data/schema-org/vocabulary.txt`):
//! every type with its direct supertypes, every property with its `domainIncludes` and
//! `rangeIncludes`, from the vocabulary's JSON-LD, so that the test needs no copy of `../shared`.
//!
//! `cargo run --example schemaorg_extract -- ../shared/schema-org/schemaorg-current-https.jsonld > tests/data/schema-org/vocabulary.txt`

use std::collections::BTreeMap;

use serde_json::Value;

/// The compact ids of a JSON-LD reference or a list of them, `schema:` ones only, without the prefix.
fn schema_ids(value: Option<&Value>) -> Vec<String> {
    let mut ids: Vec<String> = match value {
        Some(Value::Array(items)) => items.iter().filter_map(|item| item.get("@id")).collect(),
        Some(one) => one.get("@id").into_iter().collect(),
        None => Vec::new(),
    }
    .into_iter()
    .filter_map(Value::as_str)
    .filter_map(|id| id.strip_prefix("schema:"))
    .map(str::to_owned)
    .collect();
    ids.sort();
    ids
}

fn kinds(node: &Value) -> Vec<&str> {
    match node.get("@type") {
        Some(Value::String(kind)) => vec![kind.as_str()],
        Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/schema-org/schemaorg-current-https.jsonld".into());
    let vocabulary: Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
    let graph = vocabulary["@graph"].as_array().ok_or("no @graph")?;
    let mut types = BTreeMap::new();
    let mut properties = BTreeMap::new();
    for node in graph {
        let Some(name) = node["@id"].as_str().and_then(|id| id.strip_prefix("schema:")) else {
            continue;
        };
        let node_kinds = kinds(node);
        if node_kinds.contains(&"rdfs:Class") {
            let mut parents = schema_ids(node.get("rdfs:subClassOf"));
            // The data types (Text, Number, Date …) are marked by their @type.
            if node_kinds.contains(&"schema:DataType") {
                parents.push("DataType".into());
            }
            types.insert(name.to_owned(), parents);
        } else if node_kinds.contains(&"rdf:Property") {
            let domain = schema_ids(node.get("schema:domainIncludes"));
            let range = schema_ids(node.get("schema:rangeIncludes"));
            properties.insert(name.to_owned(), (domain, range));
        }
    }
    println!(
        "# schema.org vocabulary, release 30.0, https://schema.org, CC BY-SA 3.0: an extract made by\n\
         # `cargo run --example schemaorg_extract` (types with their direct supertypes; properties with\n\
         # domainIncludes and rangeIncludes). {} types, {} properties.",
        types.len(),
        properties.len()
    );
    for (name, parents) in &types {
        let line = format!("type {name} {}", parents.join(" "));
        println!("{}", line.trim_end());
    }
    for (name, (domain, range)) in &properties {
        println!(
            "property {name} domain {} range {}",
            domain.join(","),
            range.join(",")
        );
    }
    Ok(())
}
