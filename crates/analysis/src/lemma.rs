//! The lemmatiser, and the suffix back-off tables it shares with the tagger's
//! morphological features: what a word's lemma (or FEATS) was in the
//! treebank when the word was seen with that tag, else what the longest
//! matching suffix most often gave with that tag.
//!
//! A lemma is written as an edit of the form (an `EditScript`): strip a suffix,
//! append another, optionally after lowercasing. EWT writes lemmas of ordinary
//! words in lower case and keeps the case of proper nouns and of `I`, so the
//! lowercasing is part of the learned edit, not a fixed rule.

use std::collections::BTreeMap;

use crate::perceptron::{FormatError, hash_str, key2};

/// The longest suffix (in characters) the back-off tables look at.
pub(crate) const MAX_SUFFIX: usize = 6;

/// How to turn a form into its lemma.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct EditScript {
    /// Start from the lowercased form (else from the form as written).
    pub(crate) lowercase: bool,
    /// The suffix to strip; the script applies only to words ending in it.
    pub(crate) remove: String,
    pub(crate) append: String,
}

impl EditScript {
    /// The edit that turns `form` into `lemma`: lowercasing when the lemma
    /// has no capitals, then the shortest strip-and-append.
    pub(crate) fn between(form: &str, lemma: &str) -> EditScript {
        let lowercase = !lemma.chars().any(char::is_uppercase);
        let base = if lowercase {
            lowercase_of(form)
        } else {
            form.to_string()
        };
        let mut base_at = 0;
        let mut lemma_at = 0;
        for (base_char, lemma_char) in base.chars().zip(lemma.chars()) {
            if base_char != lemma_char {
                break;
            }
            base_at += base_char.len_utf8();
            lemma_at += lemma_char.len_utf8();
        }
        EditScript {
            lowercase,
            remove: base[base_at..].to_string(),
            append: lemma[lemma_at..].to_string(),
        }
    }

    /// Writes the lemma into `out` (cleared first) and says whether the
    /// script applied; it does not when the word lacks the suffix to strip or
    /// the lemma would be empty.
    pub(crate) fn apply(&self, form: &str, lower: &str, out: &mut String) -> bool {
        let base = if self.lowercase { lower } else { form };
        let Some(stem) = base.strip_suffix(self.remove.as_str()) else {
            return false;
        };
        if stem.is_empty() && self.append.is_empty() {
            return false;
        }
        out.clear();
        out.push_str(stem);
        out.push_str(&self.append);
        true
    }
}

/// The lowercase of a word, with a fast path for ASCII.
pub(crate) fn lowercase_of(form: &str) -> String {
    let mut out = String::with_capacity(form.len());
    push_lowercase(form, &mut out);
    out
}

/// Appends the lowercase of a word to `out`.
#[inline]
pub(crate) fn push_lowercase(form: &str, out: &mut String) {
    if form.is_ascii() {
        let start = out.len();
        out.push_str(form);
        out[start..].make_ascii_lowercase();
    } else {
        for character in form.chars() {
            out.extend(character.to_lowercase());
        }
    }
}

/// The byte offsets where the last 1, 2, .. `MAX_SUFFIX` characters of a
/// word start (as many as the word has characters), longest last.
#[inline]
pub(crate) fn suffix_starts(word: &str, starts: &mut [usize; MAX_SUFFIX]) -> usize {
    let mut n = 0;
    for (at, _) in word.char_indices().rev().take(MAX_SUFFIX) {
        starts[n] = at;
        n += 1;
    }
    n
}

/// A compact, deterministic map from `u64` keys to `u32` values: the pairs
/// in key order (what is written), and an open-addressing index of 8-byte
/// slots that hold a key's high 32 bits beside its value, so a lookup costs
/// one memory read. A key is told apart by its slot and its high bits (about
/// 50 bits in all), so a false match is vanishingly rare.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct KeyTable {
    pairs: Vec<(u64, u32)>,
    slots: Vec<(u32, u32)>,
}

/// Marks an empty slot of a [`KeyTable`] (no stored value is this large).
const EMPTY: u32 = u32::MAX;

impl KeyTable {
    /// Builds the table; for a key given twice the first value wins.
    pub(crate) fn from_pairs(mut pairs: Vec<(u64, u32)>) -> KeyTable {
        pairs.sort_by_key(|(key, _)| *key);
        pairs.dedup_by_key(|(key, _)| *key);
        pairs.retain(|(_, value)| *value != EMPTY);
        let capacity = (pairs.len() * 2).next_power_of_two().max(16);
        let mask = capacity - 1;
        let mut slots = vec![(0u32, EMPTY); capacity];
        for &(key, value) in &pairs {
            let mut slot = (key as usize) & mask;
            while slots[slot].1 != EMPTY {
                slot = (slot + 1) & mask;
            }
            slots[slot] = ((key >> 32) as u32, value);
        }
        KeyTable { pairs, slots }
    }

    #[inline]
    pub(crate) fn get(&self, key: u64) -> Option<u32> {
        let mask = self.slots.len() - 1;
        let key_high = (key >> 32) as u32;
        let mut slot = (key as usize) & mask;
        loop {
            let (slot_key, value) = self.slots[slot];
            if value == EMPTY {
                return None;
            }
            if slot_key == key_high {
                return Some(value);
            }
            slot = (slot + 1) & mask;
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.pairs.len()
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        put_u32(out, self.pairs.len() as u32);
        for (key, _) in &self.pairs {
            out.extend_from_slice(&key.to_le_bytes());
        }
        for (_, value) in &self.pairs {
            put_u32(out, *value);
        }
    }

    pub(crate) fn read(reader: &mut ByteReader<'_>, n_values: u32) -> Result<KeyTable, FormatError> {
        let n = reader.u32()? as usize;
        if n > reader.remaining() / 12 {
            return Err(FormatError(format!(
                "a table of {n} keys is longer than the blob"
            )));
        }
        let mut keys = Vec::with_capacity(n);
        for _ in 0..n {
            keys.push(reader.u64()?);
        }
        if keys.windows(2).any(|pair| pair[0] >= pair[1]) {
            return Err(FormatError("table keys out of order".into()));
        }
        let mut values = Vec::with_capacity(n);
        for _ in 0..n {
            let value = reader.u32()?;
            if value >= n_values {
                return Err(FormatError(format!("table value {value} of {n_values}")));
            }
            values.push(value);
        }
        Ok(KeyTable::from_pairs(keys.into_iter().zip(values).collect()))
    }
}

/// Values (lemma edits or FEATS, by number) for (word, tag) and, backing
/// off, for (suffix, tag): the word's own entry first, then the longest
/// suffix's, down to the tag's overall most frequent value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct BackoffTable {
    words: KeyTable,
    suffixes: KeyTable,
}

/// One training observation for a [`BackoffTable`]: `word` keys the word's
/// own entry (the form as written, or lowercased), `lower` gives the
/// suffixes.
pub(crate) struct Observation<'a> {
    pub(crate) word: &'a str,
    pub(crate) lower: &'a str,
    pub(crate) tag: u32,
    pub(crate) value: u32,
}

/// Per (word, tag): the lowercase word and how often each value was seen.
type WordCounts<'a> = BTreeMap<(&'a str, u32), (&'a str, BTreeMap<u32, u32>)>;

fn word_key(lower_hash: u64, tag: u32) -> u64 {
    key2(40, lower_hash, u64::from(tag))
}

fn suffix_key(suffix_hash: u64, length: usize, tag: u32) -> u64 {
    key2(41 + length as u32, suffix_hash, u64::from(tag))
}

impl BackoffTable {
    /// Learns the table: per (word, tag) the most frequent value over tokens;
    /// per (suffix, tag) the most frequent value over word types, kept when
    /// at least `min_types` types back it (always for the empty suffix).
    /// Ties go to the lowest value number.
    pub(crate) fn learn(observations: &[Observation<'_>], min_types: u32) -> BackoffTable {
        let mut per_word: WordCounts<'_> = BTreeMap::new();
        for observation in observations {
            *per_word
                .entry((observation.word, observation.tag))
                .or_insert_with(|| (observation.lower, BTreeMap::new()))
                .1
                .entry(observation.value)
                .or_default() += 1;
        }
        let mut word_pairs = Vec::with_capacity(per_word.len());
        let mut per_suffix: BTreeMap<(u32, &str), BTreeMap<u32, u32>> = BTreeMap::new();
        for (&(word, tag), (lower, counts)) in &per_word {
            let lower: &str = lower;
            let best = most_frequent(counts);
            word_pairs.push((word_key(hash_str(word), tag), best));
            let mut starts = [0usize; MAX_SUFFIX];
            let n = suffix_starts(lower, &mut starts);
            *per_suffix.entry((tag, "")).or_default().entry(best).or_default() += 1;
            for &start in &starts[..n] {
                *per_suffix
                    .entry((tag, &lower[start..]))
                    .or_default()
                    .entry(best)
                    .or_default() += 1;
            }
        }
        let mut suffix_pairs = Vec::new();
        for (&(tag, suffix), counts) in &per_suffix {
            let total: u32 = counts.values().sum();
            if !suffix.is_empty() && total < min_types {
                continue;
            }
            let length = suffix.chars().count();
            suffix_pairs.push((suffix_key(hash_str(suffix), length, tag), most_frequent(counts)));
        }
        BackoffTable {
            words: KeyTable::from_pairs(word_pairs),
            suffixes: KeyTable::from_pairs(suffix_pairs),
        }
    }

    /// The word's own value with this tag, if it was seen with it
    /// (`word_hash` hashes the word as the table was keyed).
    #[inline]
    pub(crate) fn word_value(&self, word_hash: u64, tag: u32) -> Option<u32> {
        self.words.get(word_key(word_hash, tag))
    }

    /// Calls `accept` on the word's value, then on each suffix value (of the
    /// lowercase word) from the longest suffix down to the empty one, until
    /// `accept` says yes.
    #[inline]
    pub(crate) fn first_accepted(
        &self,
        lower: &str,
        word_hash: u64,
        tag: u32,
        mut accept: impl FnMut(u32) -> bool,
    ) -> Option<u32> {
        if let Some(value) = self.word_value(word_hash, tag)
            && accept(value)
        {
            return Some(value);
        }
        self.suffix_accepted(lower, tag, accept)
    }

    /// Like [`BackoffTable::first_accepted`] without the word's own value.
    #[inline]
    pub(crate) fn suffix_accepted(
        &self,
        lower: &str,
        tag: u32,
        mut accept: impl FnMut(u32) -> bool,
    ) -> Option<u32> {
        let mut starts = [0usize; MAX_SUFFIX];
        let n = suffix_starts(lower, &mut starts);
        for length in (1..=n).rev() {
            let suffix = &lower[starts[length - 1]..];
            if let Some(value) = self.suffixes.get(suffix_key(hash_str(suffix), length, tag))
                && accept(value)
            {
                return Some(value);
            }
        }
        self.suffixes
            .get(suffix_key(hash_str(""), 0, tag))
            .filter(|value| accept(*value))
    }

    pub(crate) fn n_entries(&self) -> usize {
        self.words.len() + self.suffixes.len()
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        self.words.write(out);
        self.suffixes.write(out);
    }

    pub(crate) fn read(reader: &mut ByteReader<'_>, n_values: u32) -> Result<BackoffTable, FormatError> {
        Ok(BackoffTable {
            words: KeyTable::read(reader, n_values)?,
            suffixes: KeyTable::read(reader, n_values)?,
        })
    }
}

fn most_frequent(counts: &BTreeMap<u32, u32>) -> u32 {
    let mut best = (0u32, 0u32);
    for (&value, &count) in counts {
        if count > best.1 {
            best = (value, count);
        }
    }
    best.0
}

/// A word as the lemmatiser reads it: as written and lowercased, each with
/// its [`hash_str`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct WordForms<'a> {
    pub(crate) form: &'a str,
    pub(crate) form_hash: u64,
    pub(crate) lower: &'a str,
    pub(crate) lower_hash: u64,
}

/// Lemmas from (form, XPOS): a suffix back-off table of edit scripts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Lemmatiser {
    scripts: Vec<EditScript>,
    table: BackoffTable,
}

impl Lemmatiser {
    /// Learns from (form, XPOS number, lemma) triples.
    pub(crate) fn learn(examples: &[(&str, u32, &str)], min_types: u32) -> Lemmatiser {
        let mut script_of: BTreeMap<EditScript, u32> = BTreeMap::new();
        let scripts_per_example: Vec<EditScript> = examples
            .iter()
            .map(|(form, _, lemma)| EditScript::between(form, lemma))
            .collect();
        for script in &scripts_per_example {
            script_of.entry(script.clone()).or_insert(0);
        }
        // Number the scripts in sorted order, so ties break the same way on
        // every run.
        for (number, value) in script_of.values_mut().enumerate() {
            *value = number as u32;
        }
        let lowers: Vec<String> = examples.iter().map(|(form, _, _)| lowercase_of(form)).collect();
        // Seen words are looked up as written: EWT lemmatises "I" and "i"
        // alike as "I", but "The" and "the" as "the".
        let observations: Vec<Observation<'_>> = examples
            .iter()
            .zip(&lowers)
            .zip(&scripts_per_example)
            .map(|(((form, tag, _), lower), script)| Observation {
                word: form,
                lower,
                tag: *tag,
                value: script_of[script],
            })
            .collect();
        Lemmatiser {
            table: BackoffTable::learn(&observations, min_types),
            scripts: script_of.into_keys().collect(),
        }
    }

    /// Writes the lemma of a word with the given XPOS number into `out`: as
    /// the word was seen written, else as it was seen lowercased, else by its
    /// suffix; the form itself when nothing applies.
    #[inline]
    pub(crate) fn lemmatise(&self, word: WordForms<'_>, xpos: u32, out: &mut String) {
        let WordForms {
            form,
            form_hash,
            lower,
            lower_hash,
        } = word;
        let mut apply = |script: u32| {
            self.scripts
                .get(script as usize)
                .is_some_and(|script| script.apply(form, lower, out))
        };
        let applied = self.table.word_value(form_hash, xpos).is_some_and(&mut apply)
            || (form_hash != lower_hash && self.table.word_value(lower_hash, xpos).is_some_and(&mut apply))
            || self.table.suffix_accepted(lower, xpos, &mut apply).is_some();
        if !applied {
            out.clear();
            out.push_str(form);
        }
    }

    pub(crate) fn n_entries(&self) -> usize {
        self.table.n_entries()
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        put_u32(out, self.scripts.len() as u32);
        for script in &self.scripts {
            out.push(u8::from(script.lowercase));
            put_str(out, &script.remove);
            put_str(out, &script.append);
        }
        self.table.write(out);
    }

    pub(crate) fn read(reader: &mut ByteReader<'_>) -> Result<Lemmatiser, FormatError> {
        let n = reader.u32()?;
        let mut scripts = Vec::new();
        for _ in 0..n {
            let lowercase = reader.take(1)?[0] != 0;
            let remove = reader.string()?;
            let append = reader.string()?;
            scripts.push(EditScript {
                lowercase,
                remove,
                append,
            });
        }
        Ok(Lemmatiser {
            table: BackoffTable::read(reader, n)?,
            scripts,
        })
    }
}

pub(crate) fn put_u32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

pub(crate) fn put_str(out: &mut Vec<u8>, text: &str) {
    put_u32(out, text.len() as u32);
    out.extend_from_slice(text.as_bytes());
}

/// Reads the little-endian values [`put_u32`] and friends wrote.
pub(crate) struct ByteReader<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) at: usize,
}

impl<'a> ByteReader<'a> {
    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], FormatError> {
        let end = self.at.checked_add(n).filter(|end| *end <= self.bytes.len());
        let end = end.ok_or_else(|| FormatError("truncated".into()))?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len() - self.at
    }

    pub(crate) fn u32(&mut self) -> Result<u32, FormatError> {
        let mut array = [0u8; 4];
        array.copy_from_slice(self.take(4)?);
        Ok(u32::from_le_bytes(array))
    }

    pub(crate) fn u64(&mut self) -> Result<u64, FormatError> {
        let mut array = [0u8; 8];
        array.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(array))
    }

    pub(crate) fn string(&mut self) -> Result<String, FormatError> {
        let n = self.u32()? as usize;
        let bytes = self.take(n)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| FormatError("a string is not utf-8".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lemma_of(script: &EditScript, form: &str) -> Option<String> {
        let mut out = String::new();
        script.apply(form, &lowercase_of(form), &mut out).then_some(out)
    }

    #[test]
    fn edit_scripts_strip_and_append_and_lowercase_only_when_the_lemma_is_lowercase() {
        let children = EditScript::between("children", "child");
        assert_eq!((children.remove.as_str(), children.append.as_str()), ("ren", ""));
        assert_eq!(
            lemma_of(&children, "Grandchildren").as_deref(),
            Some("grandchild")
        );
        let was = EditScript::between("Was", "be");
        assert!(was.lowercase);
        assert_eq!(lemma_of(&was, "WAS").as_deref(), Some("be"));
        let bush = EditScript::between("Bush", "Bush");
        assert!(!bush.lowercase);
        assert_eq!(lemma_of(&bush, "Obama").as_deref(), Some("Obama"));
        let studies = EditScript::between("studies", "study");
        assert_eq!(lemma_of(&studies, "Flies").as_deref(), Some("fly"));
        assert_eq!(lemma_of(&studies, "dogs"), None, "no -ies to strip");
    }

    #[test]
    fn lemmatiser_uses_seen_words_then_the_longest_suffix_with_that_tag() {
        // Tag 0 plays NNS, tag 1 VBD.
        let examples = [
            ("dogs", 0, "dog"),
            ("cats", 0, "cat"),
            ("bats", 0, "bat"),
            ("flies", 0, "fly"),
            ("stories", 0, "story"),
            ("children", 0, "child"),
            ("walked", 1, "walk"),
            ("talked", 1, "talk"),
            ("was", 1, "be"),
        ];
        let lemmatiser = Lemmatiser::learn(&examples, 2);
        let lemma = |form: &str, tag: u32| {
            let lower = lowercase_of(form);
            let mut out = String::new();
            let word = WordForms {
                form,
                form_hash: hash_str(form),
                lower: &lower,
                lower_hash: hash_str(&lower),
            };
            lemmatiser.lemmatise(word, tag, &mut out);
            out
        };
        assert_eq!(lemma("children", 0), "child");
        assert_eq!(lemma("Was", 1), "be");
        assert_eq!(lemma("berries", 0), "berry");
        assert_eq!(lemma("hats", 0), "hat");
        assert_eq!(lemma("jumped", 1), "jump");
        assert_eq!(lemma("", 0), "", "an empty word stays empty");
        let mut bytes = Vec::new();
        lemmatiser.write(&mut bytes);
        let mut reader = ByteReader { bytes: &bytes, at: 0 };
        assert_eq!(Lemmatiser::read(&mut reader).unwrap(), lemmatiser);
    }

    #[test]
    fn suffix_starts_count_characters_not_bytes() {
        let mut starts = [0usize; MAX_SUFFIX];
        let n = suffix_starts("café", &mut starts);
        assert_eq!(n, 4);
        assert_eq!(&"café"[starts[0]..], "é");
        assert_eq!(&"café"[starts[3]..], "café");
        assert_eq!(suffix_starts("", &mut starts), 0);
    }
}
