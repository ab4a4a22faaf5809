//! Decomposition: cuts a compound sentence into the regions of its atomic claims.
//!
//! Only coordination outside quotation marks is cut, and only where what
//! follows the conjunction is plainly a clause or a verb phrase:
//! - a verb phrase sharing the subject: "Moscow denies X and says Y",
//!   "... exchanged warnings but also conveyed optimism" (only when the
//!   first verb phrase has a single finite verb, so that "said he needed X
//!   and wanted Y" keeps "he" as the subject of "wanted");
//! - a clause after ", while", ", but", ", although", ", whereas", ", and"
//!   or ";": a short subject followed by a finite verb;
//! - ", with officials saying ...": a reported statement of its own;
//! - any of these right after a closing quote ("warned of \"severe
//!   consequences\" and said ..."); the first claim keeps the closing mark.
//!   An auxiliary followed by its own subject ("but can we trust ...") asks
//!   a question and is not a verb phrase sharing the subject.
//!
//! Noun coordinations ("the US and the European Union", "north, east and
//! south of the country") have no finite verb after the conjunction and stay whole.

use super::Span;
use super::lexicon::{Lexeme, is_adverb_before_verb, is_lower_ascii};
use super::words::Word;

/// How a claim region relates to the sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentKind {
    /// The first (or only) claim of the sentence.
    First,
    /// A verb phrase whose subject is `subject`, earlier in the sentence.
    SharedSubject { subject: Span },
    /// A clause with its own subject.
    OwnClause,
    /// ", with `subject` saying ...": `frame` covers "with officials saying".
    Participle {
        subject: Span,
        frame: Span,
        verb_idx: usize,
    },
}

/// One claim's region of a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    pub kind: SegmentKind,
    /// Byte span within the sentence.
    pub region: Span,
    /// The words of the region are `words[first_word..end_word]`.
    pub first_word: usize,
    pub end_word: usize,
}

/// Forms that are finite verbs whatever their context.
pub const AUXILIARIES: &[&str] = &[
    "is", "are", "was", "were", "has", "have", "had", "will", "would", "can", "could", "shall", "should",
    "may", "might", "must", "does", "did", "do",
];

/// A cheap test for a finite verb: an auxiliary, a lower-case reporting
/// verb, or a lower-case regular past form ("conveyed", "requested").
pub fn is_finite_verb(word: &Word<'_>) -> bool {
    let text = word.text;
    let bytes = text.as_bytes();
    if !bytes.first().is_some_and(u8::is_ascii_lowercase) {
        return false;
    }
    // Cheapest tests first: this runs for nearly every word.
    if word.lexeme.has(Lexeme::ATTRIBUTION_VERB) {
        return !text.ends_with("ing");
    }
    if bytes.len() >= 5 && text.ends_with("ed") {
        return !text.ends_with("eed");
    }
    bytes.len() <= 7 && word.lexeme.has(Lexeme::FINITE_FORM) && is_lower_ascii(text)
}

/// Irregular past forms that are not also common nouns or present forms
/// ("left", "set", "cut" and "put" are left out).
pub const IRREGULAR_PASTS: &[&str] = &[
    "rose", "fell", "grew", "went", "came", "made", "took", "gave", "found", "held", "won", "lost", "paid",
    "sent", "built", "spent", "sold", "bought", "began", "became", "saw", "knew", "thought", "brought",
    "kept", "wrote", "stood", "heard", "spoke", "told", "said", "ran", "drew", "threw", "struck", "fought",
    "caught", "sought", "taught", "chose", "froze", "shot",
];

/// Participles of reporting verbs that introduce ", with X saying ...".
fn is_reporting_participle(text: &str) -> bool {
    matches!(
        text,
        "saying" | "warning" | "adding" | "arguing" | "insisting" | "claiming" | "noting" | "stressing"
    )
}

/// Conjunctions that may join two clauses.
pub const CLAUSE_CONJUNCTIONS: &[&str] = &["and", "but", "while", "although", "whereas", "though"];

fn is_clause_conjunction(word: &Word<'_>) -> bool {
    word.lexeme.has(Lexeme::CLAUSE_CONJUNCTION) && is_lower_ascii(word.text)
}

/// Words a subject never starts with: prepositions, relatives, participles.
fn cannot_start_subject(word: &Word<'_>) -> bool {
    let text = word.text;
    word.lexeme.has(Lexeme::PHRASE_PREPOSITION)
        || matches!(
            text,
            "that" | "which" | "who" | "to" | "as" | "not" | "also" | "then"
        )
        || (text.ends_with("ing") && text.starts_with(|c: char| c.is_ascii_lowercase()))
        || is_finite_verb(word)
}

/// The longest subject of a clause after a conjunction, in words.
const MAX_CLAUSE_SUBJECT_WORDS: usize = 6;

/// Cuts `sentence` into claim regions. `inside_quote` holds one flag per word.
pub fn decompose(sentence: &str, words: &[Word<'_>], inside_quote: &[bool], segments: &mut Vec<Segment>) {
    segments.clear();
    let whole = Segment {
        kind: SegmentKind::First,
        region: Span {
            start: 0,
            end: sentence.len(),
        },
        first_word: 0,
        end_word: words.len(),
    };
    // Most sentences have no conjunction that could cut them.
    let may_cut = sentence.contains(';')
        || words
            .iter()
            .any(|word| is_clause_conjunction(word) || word.text == "with");
    if !may_cut {
        segments.push(whole);
        return;
    }
    let quoted = |idx: usize| inside_quote.get(idx).copied().unwrap_or(true);
    let gap_before = |idx: usize| &sentence[words[idx - 1].end..words[idx].start];
    let Some(first_verb) = (0..words.len()).find(|&idx| !quoted(idx) && is_finite_verb(&words[idx])) else {
        segments.push(whole);
        return;
    };
    let mut subject = subject_before(sentence, words, 0, first_verb);
    let mut n_finite_in_clause = 1usize;
    let mut current = whole;
    let mut word_idx = first_verb + 1;
    // A clause is never cut again at the word it starts with.
    let mut first_cut_idx = word_idx;
    while word_idx < words.len() {
        // A quotation that closes right before this word ("warned of
        // \"severe consequences\" and said ...") does not stop a cut here.
        let closes_quote =
            !quoted(word_idx) && quoted(word_idx - 1) && gap_before(word_idx).contains(['"', '\u{201D}']);
        if quoted(word_idx) || (quoted(word_idx - 1) && !closes_quote) || word_idx < first_cut_idx {
            if word_idx < first_cut_idx && !quoted(word_idx) && is_finite_verb(&words[word_idx]) {
                n_finite_in_clause += 1;
            }
            word_idx += 1;
            continue;
        }
        let word = &words[word_idx];
        let gap = gap_before(word_idx);
        let has_comma = gap.contains(',');
        let has_semicolon = gap.contains(';');
        // The closing quote mark itself is not punctuation between clauses.
        let is_closing_mark = |c: char| closes_quote && matches!(c, '"' | '\u{201D}');
        let plain = gap.chars().all(|c| c == ' ' || is_closing_mark(c));
        let quote_in_gap = gap.chars().any(|c| c == '"' && !is_closing_mark(c));
        // A verb after optional adverbs: "and says", "but also conveyed".
        let verb_after = |from: usize| {
            let mut idx = from;
            while idx < words.len()
                && words[idx].lexeme.has(Lexeme::AUXILIARY_OR_ADVERB)
                && !is_finite_verb(&words[idx])
                && idx < from + 2
            {
                idx += 1;
            }
            // "but can we trust ...": an auxiliary before its own subject
            // asks a question and shares no subject.
            let asks = words
                .get(idx)
                .is_some_and(|verb| AUXILIARIES.contains(&verb.text))
                && words.get(idx + 1).is_some_and(|next| {
                    matches!(next.text, "we" | "you" | "i" | "he" | "she" | "they" | "it")
                });
            (idx < words.len() && !quoted(idx) && is_finite_verb(&words[idx]) && !asks).then_some(idx)
        };
        let mut split: Option<(SegmentKind, usize)> = None;
        if has_semicolon {
            if clause_follows(sentence, words, word_idx, &quoted) {
                split = Some((SegmentKind::OwnClause, word_idx));
            }
        } else if matches!(word.text, "and" | "but") && plain {
            if n_finite_in_clause == 1
                && let Some(verb_idx) = verb_after(word_idx + 1)
                && let Some(subject) = subject
            {
                split = Some((SegmentKind::SharedSubject { subject }, word_idx + 1));
                let _ = verb_idx;
            }
        } else if has_comma && is_clause_conjunction(word) && !quote_in_gap {
            if let Some(subject) = subject
                && verb_after(word_idx + 1).is_some()
                && n_finite_in_clause == 1
            {
                split = Some((SegmentKind::SharedSubject { subject }, word_idx + 1));
            } else if clause_follows(sentence, words, word_idx + 1, &quoted) {
                split = Some((SegmentKind::OwnClause, word_idx + 1));
            }
        } else if has_comma && word.text == "with" {
            split = participle_at(sentence, words, word_idx, &quoted);
        }
        match split {
            Some((kind, start_word)) if start_word < words.len() => {
                current.region.end = words[word_idx - 1].end;
                if closes_quote {
                    // Keep the closing mark with the quotation it closes.
                    let gap_start = words[word_idx - 1].end;
                    if let Some((offset, mark)) =
                        gap.char_indices().find(|(_, c)| matches!(c, '"' | '\u{201D}'))
                    {
                        current.region.end = gap_start + offset + mark.len_utf8();
                    }
                }
                current.end_word = word_idx;
                segments.push(current);
                let region_start = match kind {
                    SegmentKind::Participle { frame, .. } => frame.start,
                    _ => words[start_word].start,
                };
                let first_word = match kind {
                    SegmentKind::Participle { .. } => word_idx,
                    _ => start_word,
                };
                current = Segment {
                    kind,
                    region: Span {
                        start: region_start,
                        end: sentence.len(),
                    },
                    first_word,
                    end_word: words.len(),
                };
                n_finite_in_clause = 0;
                if kind == SegmentKind::OwnClause {
                    let clause_verb = (start_word..words.len()).find(|&idx| is_finite_verb(&words[idx]));
                    if let Some(clause_verb) = clause_verb {
                        subject = subject_before(sentence, words, start_word, clause_verb);
                    }
                }
                word_idx = start_word;
                first_cut_idx = start_word + 1;
                continue;
            }
            _ => {}
        }
        if is_finite_verb(word) {
            n_finite_in_clause += 1;
        }
        word_idx += 1;
    }
    segments.push(current);
}

/// The subject of a clause whose first finite verb is `verb_idx`: the words
/// from `clause_start` (or after an opening adverbial phrase ending in a
/// comma, as in "In a call on Thursday, Mr Biden said") up to the verb.
pub fn subject_before(
    sentence: &str,
    words: &[Word<'_>],
    clause_start: usize,
    verb_idx: usize,
) -> Option<Span> {
    let mut first = clause_start;
    for idx in clause_start + 1..verb_idx {
        let gap = &sentence[words[idx - 1].end..words[idx].start];
        if gap.contains([',', ';', ':', '(', ')']) {
            first = idx;
        }
    }
    while first < verb_idx && words[first].lexeme.has(Lexeme::CLAUSE_OPENER) {
        first += 1;
    }
    let mut last = verb_idx;
    // "he slightly increased borrowing but insisted ...": the adverb is
    // the first verb's, and the second verb shares only "he".
    while last > first
        && (words[last - 1].lexeme.has(Lexeme::AUXILIARY_OR_ADVERB)
            || is_adverb_before_verb(words[last - 1].text))
    {
        // "The firm reportedly booked expenses and inflated profits": the
        // hedge or negation may govern both verbs, and without it the
        // second claim would state what the sentence only reports or denies.
        if is_unasserting(words[last - 1].text) {
            return None;
        }
        last -= 1;
    }
    (first < last && !cannot_start_subject(&words[first])).then(|| Span {
        start: words[first].start,
        end: words[last - 1].end,
    })
}

/// An adverb or modal under which a verb is not asserted as fact: a
/// negation, a hedge, a report, an approximation or a modal.
fn is_unasserting(word: &str) -> bool {
    matches!(
        word.to_ascii_lowercase().as_str(),
        "not"
            | "never"
            | "n't"
            | "allegedly"
            | "reportedly"
            | "supposedly"
            | "apparently"
            | "possibly"
            | "probably"
            | "likely"
            | "hardly"
            | "barely"
            | "scarcely"
            | "rarely"
            | "seldom"
            | "nearly"
            | "almost"
            | "falsely"
            | "wrongly"
            | "mistakenly"
            | "purportedly"
            | "seemingly"
            | "ostensibly"
            | "reputedly"
            | "only"
            | "partly"
            | "partially"
            | "would"
            | "will"
            | "could"
            | "may"
            | "might"
            | "should"
            | "must"
            | "can"
    )
}

/// True when a clause starts at `start`: a short subject, then a finite verb,
/// with no punctuation between.
fn clause_follows(sentence: &str, words: &[Word<'_>], start: usize, quoted: &impl Fn(usize) -> bool) -> bool {
    if start >= words.len() || quoted(start) || cannot_start_subject(&words[start]) {
        return false;
    }
    for idx in start + 1..words.len().min(start + MAX_CLAUSE_SUBJECT_WORDS + 1) {
        let gap = &sentence[words[idx - 1].end..words[idx].start];
        if !gap.chars().all(|c| c == ' ') || quoted(idx) {
            return false;
        }
        if matches!(words[idx].text, "that" | "which" | "who") {
            return false;
        }
        if is_finite_verb(&words[idx]) {
            return true;
        }
    }
    false
}

/// ", with officials saying ...": the subject, the frame and the participle.
fn participle_at(
    sentence: &str,
    words: &[Word<'_>],
    with_idx: usize,
    quoted: &impl Fn(usize) -> bool,
) -> Option<(SegmentKind, usize)> {
    const MAX_SUBJECT_WORDS: usize = 4;
    let subject_start = with_idx + 1;
    for idx in subject_start + 1..words.len().min(subject_start + MAX_SUBJECT_WORDS + 1) {
        let gap = &sentence[words[idx - 1].end..words[idx].start];
        if !gap.chars().all(|c| c == ' ') || quoted(idx) {
            return None;
        }
        if is_reporting_participle(words[idx].text) {
            if idx + 1 >= words.len() {
                return None;
            }
            let subject = Span {
                start: words[subject_start].start,
                end: words[idx - 1].end,
            };
            let frame = Span {
                start: words[with_idx].start,
                end: words[idx].end,
            };
            return Some((
                SegmentKind::Participle {
                    subject,
                    frame,
                    verb_idx: idx,
                },
                idx + 1,
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::words::words;

    fn regions(sentence: &str) -> Vec<String> {
        regions_with(sentence, |sentence_words| vec![false; sentence_words.len()])
    }

    /// [`regions`] with the quotation flags the extractor computes.
    fn regions_quoted(sentence: &str) -> Vec<String> {
        regions_with(sentence, |sentence_words| {
            crate::extract::attribution::quote_flags_for_tests(sentence, sentence_words)
        })
    }

    /// The claim regions of `sentence` (a shared subject in brackets before
    /// its region), with the inside-quote flags `flags` gives for its words.
    fn regions_with(sentence: &str, flags: impl FnOnce(&[Word<'_>]) -> Vec<bool>) -> Vec<String> {
        let sentence_words: Vec<Word<'_>> = words(sentence).collect();
        let flags = flags(&sentence_words);
        let mut segments = Vec::new();
        decompose(sentence, &sentence_words, &flags, &mut segments);
        segments
            .iter()
            .map(|segment| {
                let region = &sentence[segment.region.start..segment.region.end];
                match segment.kind {
                    SegmentKind::SharedSubject { subject } => {
                        format!("[{}] {region}", &sentence[subject.start..subject.end])
                    }
                    _ => region.to_string(),
                }
            })
            .collect()
    }

    #[test]
    fn a_clause_after_a_closing_quote_is_cut() {
        // See: #3
        assert_eq!(
            regions_quoted("Biden warned of \"severe consequences\" and said the US would impose sanctions."),
            vec![
                "Biden warned of \"severe consequences\"",
                "[Biden] said the US would impose sanctions."
            ]
        );
        assert_eq!(
            regions_quoted(
                "The Tories dismissed the plan as \u{201C}desperate\u{201D}, while the Liberal Democrats said it was misdirected."
            ),
            vec![
                "The Tories dismissed the plan as \u{201C}desperate\u{201D}",
                "the Liberal Democrats said it was misdirected."
            ]
        );
        // Inside the quotation nothing is cut.
        assert_eq!(
            regions_quoted("Biden said \"we will respond and they will pay\" on Thursday."),
            vec!["Biden said \"we will respond and they will pay\" on Thursday."]
        );
    }

    #[test]
    fn a_question_after_a_conjunction_shares_no_subject() {
        assert_eq!(
            regions_quoted("You can now buy \"trusted computers\", but can we really trust the PC vendors?"),
            vec!["You can now buy \"trusted computers\", but can we really trust the PC vendors?"]
        );
    }

    #[test]
    fn coordinated_verb_phrases_share_the_subject() {
        assert_eq!(
            regions(
                "Moscow denies planning to attack Ukraine and says it has the right to move its troops on its own soil as it likes."
            ),
            vec![
                "Moscow denies planning to attack Ukraine",
                "[Moscow] says it has the right to move its troops on its own soil as it likes."
            ]
        );
        assert_eq!(
            regions(
                "Joe Biden and Vladimir Putin exchanged warnings over Ukraine but also conveyed some optimism."
            ),
            vec![
                "Joe Biden and Vladimir Putin exchanged warnings over Ukraine",
                "[Joe Biden and Vladimir Putin] also conveyed some optimism."
            ]
        );
        // An adverb before the first verb is that verb's alone.
        assert_eq!(
            regions("In the report, he slightly increased borrowing but insisted targets would be met."),
            vec![
                "In the report, he slightly increased borrowing",
                "[he] insisted targets would be met."
            ]
        );
        // A hedge or negation may govern both verbs: nothing is split off.
        assert_eq!(
            regions("The firm reportedly booked expenses and inflated profits."),
            vec!["The firm reportedly booked expenses and inflated profits."]
        );
        assert_eq!(
            regions("The firm falsely booked expenses, and inflated profits."),
            vec!["The firm falsely booked expenses, and inflated profits."]
        );
        // A noun in "-ly" is the subject's own.
        assert_eq!(
            regions("The royal family issued a statement and said the prince was well."),
            vec![
                "The royal family issued a statement",
                "[The royal family] said the prince was well."
            ]
        );
    }

    #[test]
    fn coordinated_clauses_are_cut() {
        assert_eq!(
            regions(
                "In a call on Thursday, Mr Biden said he needed progress, while Mr Putin said sanctions could lead to a rupture."
            ),
            vec![
                "In a call on Thursday, Mr Biden said he needed progress",
                "Mr Putin said sanctions could lead to a rupture."
            ]
        );
        assert_eq!(
            regions("The US deployed a plane, although different types of surveillance aircraft are common."),
            vec![
                "The US deployed a plane",
                "different types of surveillance aircraft are common."
            ]
        );
        assert_eq!(
            regions("Prices rose sharply; wages fell."),
            vec!["Prices rose sharply", "wages fell."]
        );
        assert_eq!(
            regions("Mr Smith resigned, but the party kept its lead."),
            vec!["Mr Smith resigned", "the party kept its lead."]
        );
        assert_eq!(
            regions(
                "Washington has not been convinced by a report, with officials saying they have seen little evidence."
            ),
            vec![
                "Washington has not been convinced by a report",
                "with officials saying they have seen little evidence."
            ]
        );
    }

    #[test]
    fn noun_coordinations_and_nested_verbs_stay_whole() {
        for sentence in [
            "Transatlantic cooperation between the US and the European Union is indispensable.",
            "Troops have gathered to the north, east and south of the country.",
            "Talks included a meeting on Jan 12, and a broader conference including Russia, the US and other European countries set for Jan 13.",
            "Mr Biden said he needed progress and wanted talks.",
            "Aides have said the measures would disconnect Russia, while further arming Nato.",
            "Sanctions threatened by Washington and allies could lead to a rupture.",
        ] {
            assert_eq!(
                regions(sentence).len(),
                1,
                "{sentence:?}: {:?}",
                regions(sentence)
            );
        }
    }
}
