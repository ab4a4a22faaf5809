//! IOB2: the Universal NER file format (one word a line, `ID FORM TAG - ANNOTATOR`,
//! a blank line after each sentence), read into sentences with their entity spans.
//! Parsing works on text already read; it never touches the file system.
//!
//! Tags are decoded the way the CoNLL `conlleval` script reads them, so that a
//! slightly malformed sequence still means something: an `I-X` that does not
//! continue an `X` entity starts a new one, and a `B-X` right after a `B-X`
//! (or an `I-X`) starts a second entity rather than extending the first.

use crate::entity::{Entity, EntityKind};

/// One sentence of an IOB2 file: its words and gold entities, plus the
/// part-of-speech tags the recogniser reads (the file has none: the caller
/// fills them, from gold UD EWT matched by `sent_id` or from the tagger).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NerSentence {
    pub sent_id: Option<String>,
    pub forms: Vec<String>,
    /// In word order, never overlapping.
    pub entities: Vec<Entity>,
    pub upos: Vec<String>,
    pub xpos: Vec<String>,
}

impl NerSentence {
    /// The document a sentence belongs to: its `sent_id` without the final
    /// `-NNNN` sentence number (EWT's ids are `<document>-<number>`).
    pub fn document_id(&self) -> Option<&str> {
        let sent_id = self.sent_id.as_deref()?;
        Some(sent_id.rsplit_once('-').map_or(sent_id, |(document, _)| document))
    }
}

/// A line that is not valid IOB2: the same error as CoNLL-U's (line number
/// and message).
pub use crate::conllu::ParseError;

/// One word's tag: outside, or the beginning or inside of an entity of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    Outside,
    Begin(EntityKind),
    Inside(EntityKind),
}

impl Tag {
    /// Reads `O`, `B-PER`, `I-LOC` and so on; `None` for anything else.
    pub fn parse(text: &str) -> Option<Tag> {
        if text == "O" {
            return Some(Tag::Outside);
        }
        let (prefix, label) = text.split_once('-')?;
        let kind = EntityKind::from_label(label)?;
        match prefix {
            "B" => Some(Tag::Begin(kind)),
            "I" => Some(Tag::Inside(kind)),
            _ => None,
        }
    }
}

/// The entities a tag sequence spells, read as `conlleval` reads them (see the
/// module comment): `I-X` after anything but `B-X`/`I-X` begins an entity.
pub fn entities_from_tags(tags: &[Tag]) -> Vec<Entity> {
    let mut entities: Vec<Entity> = Vec::new();
    let mut open: Option<(usize, EntityKind)> = None;
    for (word_idx, tag) in tags.iter().enumerate() {
        let continues =
            matches!((tag, open), (Tag::Inside(kind), Some((_, open_kind))) if *kind == open_kind);
        if continues {
            continue;
        }
        if let Some((start, kind)) = open.take() {
            entities.push(Entity {
                words: start..word_idx,
                kind,
            });
        }
        if let Tag::Begin(kind) | Tag::Inside(kind) = tag {
            open = Some((word_idx, *kind));
        }
    }
    if let Some((start, kind)) = open {
        entities.push(Entity {
            words: start..tags.len(),
            kind,
        });
    }
    entities
}

/// The IOB2 tags of `n_words` words holding `entities` (the inverse of
/// [`entities_from_tags`] for well-formed, non-overlapping entities; entities
/// reaching past `n_words` are cut at the end).
pub fn tags_from_entities(n_words: usize, entities: &[Entity]) -> Vec<Tag> {
    let mut tags = vec![Tag::Outside; n_words];
    for entity in entities {
        let start = entity.words.start.min(n_words);
        let end = entity.words.end.clamp(start, n_words);
        for (offset, tag) in tags[start..end].iter_mut().enumerate() {
            *tag = if offset == 0 {
                Tag::Begin(entity.kind)
            } else {
                Tag::Inside(entity.kind)
            };
        }
    }
    tags
}

/// Parses an IOB2 document into its sentences (with empty `upos`/`xpos`).
pub fn parse(text: &str) -> Result<Vec<NerSentence>, ParseError> {
    let mut sentences = Vec::new();
    let mut current = NerSentence::default();
    let mut tags: Vec<Tag> = Vec::new();
    let mut has_comments = false;
    for (line_idx, raw_line) in text.lines().enumerate() {
        let line_no = line_idx + 1;
        let line = raw_line.strip_suffix('\r').unwrap_or(raw_line);
        if line.trim().is_empty() {
            if !current.forms.is_empty() {
                current.entities = entities_from_tags(&tags);
                tags.clear();
                sentences.push(std::mem::take(&mut current));
            } else if has_comments {
                return Err(ParseError {
                    line: line_no,
                    message: "sentence with comments but no words".into(),
                });
            }
            has_comments = false;
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            has_comments = true;
            if let Some((name, value)) = comment.split_once('=')
                && name.trim() == "sent_id"
            {
                current.sent_id = Some(value.trim().to_string());
            }
            continue;
        }
        let columns: Vec<&str> = line.split('\t').collect();
        if columns.len() < 3 {
            return Err(ParseError {
                line: line_no,
                message: format!(
                    "expected at least 3 tab-separated columns (id, form, tag), found {}",
                    columns.len()
                ),
            });
        }
        let expected_id = current.forms.len() + 1;
        if columns[0].parse::<usize>().ok() != Some(expected_id) {
            return Err(ParseError {
                line: line_no,
                message: format!("word id {:?} where {expected_id} was expected", columns[0]),
            });
        }
        let Some(tag) = Tag::parse(columns[2]) else {
            return Err(ParseError {
                line: line_no,
                message: format!("unknown tag {:?}", columns[2]),
            });
        };
        current.forms.push(columns[1].to_string());
        tags.push(tag);
    }
    if !current.forms.is_empty() {
        current.entities = entities_from_tags(&tags);
        sentences.push(current);
    } else if has_comments {
        return Err(ParseError {
            line: text.lines().count() + 1,
            message: "sentence with comments but no words".into(),
        });
    }
    Ok(sentences)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(words: std::ops::Range<usize>, kind: EntityKind) -> Entity {
        Entity { words, kind }
    }

    #[test]
    fn reads_sentences_ids_and_multiword_entities() {
        let text = "# newdoc id = doc-a\n# sent_id = doc-a-0001\n# text = Go to Tampa Bay now\n\
                    1\tGo\tO\t-\t-\n2\tto\tO\t-\t-\n3\tTampa\tB-LOC\t-\tstephen\n4\tBay\tI-LOC\t-\tstephen\n5\tnow\tO\t-\t-\n\n\
                    # sent_id = doc-a-0002\n1\tJohn\tB-PER\t-\tstephen\n2\tcalled\tO\t-\t-\n";
        let sentences = parse(text).unwrap();
        assert_eq!(sentences.len(), 2);
        assert_eq!(sentences[0].sent_id.as_deref(), Some("doc-a-0001"));
        assert_eq!(sentences[0].document_id(), Some("doc-a"));
        assert_eq!(sentences[0].forms, ["Go", "to", "Tampa", "Bay", "now"]);
        assert_eq!(sentences[0].entities, [entity(2..4, EntityKind::Location)]);
        assert_eq!(sentences[1].forms, ["John", "called"]);
        assert_eq!(sentences[1].entities, [entity(0..1, EntityKind::Person)]);
        assert!(sentences[1].upos.is_empty());
    }

    #[test]
    fn a_malformed_line_is_named_by_its_line_number() {
        let bad_tag = "# sent_id = x-1\n1\tGo\tO\t-\t-\n2\tParis\tB-CITY\t-\t-\n";
        let error = parse(bad_tag).unwrap_err();
        assert_eq!(error.line, 3);
        assert!(error.message.contains("B-CITY"), "{error}");

        let too_few_columns = "1\tGo\tO\n\n1\tParis\n";
        assert_eq!(parse(too_few_columns).unwrap_err().line, 3);

        let skipped_id = "1\tGo\tO\t-\t-\n3\tthere\tO\t-\t-\n";
        let error = parse(skipped_id).unwrap_err();
        assert_eq!(error.line, 2);
        assert_eq!(error.to_string(), "line 2: word id \"3\" where 2 was expected");
    }

    #[test]
    fn an_inside_tag_without_a_beginning_starts_an_entity() {
        let tags = [
            Tag::Outside,
            Tag::Inside(EntityKind::Organisation),
            Tag::Inside(EntityKind::Organisation),
            Tag::Inside(EntityKind::Person),
        ];
        assert_eq!(
            entities_from_tags(&tags),
            [
                entity(1..3, EntityKind::Organisation),
                entity(3..4, EntityKind::Person)
            ]
        );
    }

    #[test]
    fn a_beginning_after_a_beginning_starts_a_second_entity() {
        let tags = [
            Tag::Begin(EntityKind::Person),
            Tag::Begin(EntityKind::Person),
            Tag::Inside(EntityKind::Person),
            Tag::Outside,
        ];
        assert_eq!(
            entities_from_tags(&tags),
            [entity(0..1, EntityKind::Person), entity(1..3, EntityKind::Person)]
        );
        assert_eq!(tags_from_entities(4, &entities_from_tags(&tags)), tags);
    }

    #[test]
    fn empty_and_comment_only_input() {
        assert_eq!(parse("").unwrap(), []);
        assert_eq!(parse("\n\n").unwrap(), []);
        assert!(parse("# sent_id = lonely\n\n").is_err());
    }
}
