//! What an entity is: a run of words and its kind (PER, ORG, LOC). Shared
//! by the recogniser ([`crate::ner`]) and the UNER reader ([`crate::iob2`]),
//! so that neither reaches into the other for it.

use std::ops::Range;

/// What kind of thing an entity names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    Person,
    Organisation,
    /// A place: countries, cities, regions, addresses, natural features (UNER
    /// folds geopolitical entities in here; see the module comment).
    Location,
}

impl EntityKind {
    pub const ALL: [EntityKind; N_KINDS] =
        [EntityKind::Person, EntityKind::Organisation, EntityKind::Location];

    /// The Universal NER label: `PER`, `ORG` or `LOC`.
    pub fn label(self) -> &'static str {
        match self {
            EntityKind::Person => "PER",
            EntityKind::Organisation => "ORG",
            EntityKind::Location => "LOC",
        }
    }

    /// The kind of a Universal NER label.
    pub fn from_label(label: &str) -> Option<EntityKind> {
        EntityKind::ALL.into_iter().find(|kind| kind.label() == label)
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// How many entity kinds there are.
pub(crate) const N_KINDS: usize = 3;

/// One entity: a run of words of a sentence and its kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Entity {
    /// Word indices (0-based, end exclusive).
    pub words: Range<usize>,
    pub kind: EntityKind,
}
