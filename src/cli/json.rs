//! `--json` output: every object the CLI prints is a proto message in the
//! proto3 canonical JSON mapping (lowerCamelCase names, enums by name, 64-bit
//! integers as strings, timestamps in RFC 3339, fields at their default left
//! out), so `claimdb ... --json`, grpcurl, buf curl and every other gRPC
//! client print the same shape. The mapping comes from the descriptor set the
//! server also serves by reflection, never from hand-written copies.

use std::sync::LazyLock;

use anyhow::{Context, anyhow};
use prost_reflect::{DescriptorPool, DynamicMessage, SerializeOptions};

use crate::api::pb;

/// The compiled proto files (with the well-known types they import).
static POOL: LazyLock<Result<DescriptorPool, String>> =
    LazyLock::new(|| DescriptorPool::decode(pb::FILE_DESCRIPTOR_SET).map_err(|error| error.to_string()));

/// `message` in canonical JSON, on one line.
pub fn to_line<M: prost::Name>(message: &M) -> anyhow::Result<String> {
    let pool = POOL
        .as_ref()
        .map_err(|error| anyhow!("the compiled proto descriptors do not load: {error}"))?;
    let name = M::full_name();
    let descriptor = pool
        .get_message_by_name(&name)
        .ok_or_else(|| anyhow!("{name} is not in the compiled proto descriptors"))?;
    let dynamic = DynamicMessage::decode(descriptor, message.encode_to_vec().as_slice())
        .with_context(|| format!("re-reading a {name}"))?;
    let mut line = Vec::new();
    let mut serializer = serde_json::Serializer::new(&mut line);
    dynamic
        .serialize_with_options(&mut serializer, &SerializeOptions::new())
        .with_context(|| format!("writing a {name} as JSON"))?;
    Ok(String::from_utf8(line)?)
}

/// Prints `message` as one JSON line.
pub fn print<M: prost::Name>(message: &M) -> anyhow::Result<()> {
    let line = to_line(message)?;
    super::output::write_stdout(&format!("{line}\n"));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed<M: prost::Name>(message: &M) -> serde_json::Value {
        serde_json::from_str(&to_line(message).unwrap()).unwrap()
    }

    #[test]
    fn claims_use_the_canonical_mapping() {
        let claim = pb::Claim {
            name: "claims/7".into(),
            text: "Russia denies planning to attack Ukraine".into(),
            span: Some(pb::Span { start: 39, end: 233 }),
            checkworthiness: 0.5,
            status: pb::claim::Status::Unreviewed.into(),
            create_time: Some(prost_types::Timestamp {
                seconds: 1_640_995_200,
                nanos: 0,
            }),
            ..Default::default()
        };
        let json = parsed(&claim);
        assert_eq!(json["name"], "claims/7");
        // Nested messages as objects, names in lowerCamelCase.
        assert_eq!(json["span"], serde_json::json!({"start": 39, "end": 233}));
        assert_eq!(json["status"], "UNREVIEWED");
        assert_eq!(json["createTime"], "2022-01-01T00:00:00Z");
        // Fields at their default are left out.
        assert!(json.get("speaker").is_none(), "{json}");
        assert!(json.get("extractor_version").is_none());
    }

    #[test]
    fn sixty_four_bit_integers_are_strings_and_oneofs_name_their_case() {
        let response = pb::ImportArticlesResponse {
            response: Some(pb::import_articles_response::Response::Summary(
                pb::ImportSummary {
                    received: 3,
                    created: 2,
                    ..Default::default()
                },
            )),
        };
        let json = parsed(&response);
        assert_eq!(
            json,
            serde_json::json!({"summary": {"received": "3", "created": "2"}})
        );
    }
}
