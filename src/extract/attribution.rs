//! Speaker detection: finds who a sentence attributes its assertion to.
//!
//! Version 1 recognises a reporting verb outside quotation marks and the noun
//! phrase beside it, in these shapes:
//! - inverted, after a quote or comma: `"...," said White House press secretary Jen Psaki.`
//! - subject first: `Kremlin aide Yuri Ushakov said ...`, `..., Mr Biden said ...`,
//!   `"...," Mr Scholz said.` (auxiliaries and adverbs such as "has", "also" may
//!   sit between the subject and the verb);
//! - `According to the ministry, ...`;
//! - a name with its role set off by commas: `Jack Law, chief executive of
//!   Alcohol Focus Scotland, said ...` (the speaker keeps the role).
//!
//! A reporting verb after "to" or a form of "be" (an infinitive or a
//! passive: "led the firm to warn", "was confirmed") names no speaker.
//!
//! A lone pronoun subject ("He added:") is reported as [`SpeakerPhrase::Pronoun`]
//! so the caller can carry the previous sentence's speaker over. Names are
//! resolved against a [`NameMemory`] of full names seen earlier in the article,
//! so "Mr Ushakov" becomes "Yuri Ushakov".

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use super::Span;
use super::lexicon::{Lexeme, WordHasher, is_adverb_before_verb, lexeme_of};
use super::words::{Word, gap_breaks_phrase};

/// Who a sentence names as its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpeakerPhrase {
    /// A noun phrase, as a byte span into the sentence.
    Named(Span),
    /// "he", "she", "they" or "it": resolved from context by the caller.
    Pronoun,
}

/// An attribution found in a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attribution {
    pub speaker: SpeakerPhrase,
    /// Byte span, within the sentence, covering the speaker phrase and the
    /// reporting verb; used to decide whether trimming it off is safe.
    pub clause: Span,
    /// The reporting verb ("said", "denies", "according to", "called for").
    pub verb: Span,
    /// The speaker comes before the verb and the reported content after it
    /// ("Moscow denies planning ..."), so the content is what follows the verb.
    pub content_follows: bool,
}

/// Full names seen so far in an article, keyed by surname.
#[derive(Debug, Clone, Default)]
pub struct NameMemory {
    full_name_by_surname: HashMap<String, String, BuildHasherDefault<WordHasher>>,
    /// The full name of the person mentioned last, for "he" and "she".
    pub last_mentioned: Option<String>,
}

impl NameMemory {
    /// The full name remembered for `surname`, if any.
    pub fn full_name(&self, surname: &str) -> Option<&str> {
        self.full_name_by_surname
            .get(strip_possessive(surname))
            .map(String::as_str)
    }
}

/// The longest subject phrase taken whole; longer ones keep only their
/// trailing run of capitalised words.
const MAX_SUBJECT_WORDS: usize = 8;

/// Records the full names ("Firstname Lastname") that `words` mention.
pub fn remember_names(sentence: &str, words: &[Word<'_>], memory: &mut NameMemory) {
    let mut run_start = 0;
    for word_idx in 0..=words.len() {
        let name_like = words.get(word_idx).is_some_and(is_name_like);
        let continues_run = name_like
            && (word_idx == run_start
                || !gap_breaks_phrase(&sentence[words[word_idx - 1].end..words[word_idx].start]));
        if continues_run {
            continue;
        }
        if word_idx >= run_start + 2 {
            let surname = &words[word_idx - 1];
            // The name is the run's last two words, and before them words
            // known as first names (from the pronoun resolver's name
            // lexicon), up to four: "Nicholas Lee Jacobsen"; never a title,
            // a possessive or another capitalised word ("Monday Tony Blair",
            // "Tory Dominic Grieve").
            let is_title = |word: &Word<'_>| {
                word.lexeme.has(Lexeme::TITLE_WORD)
                    || word.lexeme.has(Lexeme::ORDINARY_CAPITALISED)
                    || word.lexeme.has(Lexeme::ROLE_NOUN)
            };
            let mut first_idx = word_idx - 1;
            while first_idx > run_start
                && word_idx - first_idx < 4
                && (word_idx - first_idx < 2 || is_first_name(words[first_idx - 1].text))
                && !is_title(&words[first_idx - 1])
                && strip_possessive(words[first_idx - 1].text) == words[first_idx - 1].text
            {
                first_idx -= 1;
            }
            let first_name = &words[first_idx];
            if first_idx < word_idx - 1 && !is_title(first_name) {
                let surname_text = strip_possessive(surname.text);
                // Most names are met again and again: look up before
                // allocating a key.
                let full_name = match memory.full_name_by_surname.get(surname_text) {
                    Some(full_name) => full_name,
                    None => memory
                        .full_name_by_surname
                        .entry(surname_text.to_string())
                        .or_insert_with(|| {
                            let given: Vec<&str> = words[first_idx..word_idx - 1]
                                .iter()
                                .map(|word| word.text)
                                .collect();
                            format!("{} {surname_text}", given.join(" "))
                        }),
                };
                if memory.last_mentioned.as_deref() != Some(full_name.as_str()) {
                    memory.last_mentioned = Some(full_name.clone());
                }
            }
        }
        run_start = if name_like { word_idx } else { word_idx + 1 };
    }
}

/// Whether a word is a first name the pronoun resolver learned a gender for.
fn is_first_name(word: &str) -> bool {
    claimdb_analysis::coref::Resolver::embedded()
        .names()
        .gender(&word.to_lowercase())
        .is_some()
}

/// The gender a speaker's words give away, if any: an honorific ("Mrs",
/// "Sir") or the first name of the name it ends with, when the pronoun
/// resolver learned one for it ("Alice Marchak"; not "Chelsea" in "Chelsea
/// winger Arjen Robben"). `None` when nothing says, or the words disagree.
pub fn speaker_gender(speaker: &str) -> Option<claimdb_analysis::coref::Gender> {
    use claimdb_analysis::coref::{Gender, Resolver};
    let names = Resolver::embedded().names();
    let words: Vec<&str> = speaker
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|word| !word.is_empty())
        .collect();
    let capitalised = |word: &str| word.starts_with(|c: char| c.is_uppercase());
    let first_name = match words.as_slice() {
        [.., first, last] if capitalised(first) && capitalised(last) => Some(words.len() - 2),
        _ => None,
    };
    let mut found: Option<Gender> = None;
    for (idx, word) in words.iter().enumerate() {
        let word = word.trim_end_matches('.');
        let gender = match word {
            "Mr" | "Sir" | "Lord" | "King" | "Prince" => Some(Gender::Masculine),
            "Mrs" | "Ms" | "Miss" | "Lady" | "Dame" | "Baroness" | "Queen" | "Princess" => {
                Some(Gender::Feminine)
            }
            _ if Some(idx) == first_name => names.gender(&word.to_lowercase()),
            _ => None,
        };
        match (found, gender) {
            (_, None) => {}
            (None, Some(gender)) => found = Some(gender),
            (Some(known), Some(gender)) if known != gender => return None,
            _ => {}
        }
    }
    found
}

/// A capitalised word with at least one lower-case letter ("Putin", not "US").
fn is_name_like(word: &Word<'_>) -> bool {
    word.is_capitalised()
        && (word.text.bytes().any(|byte| byte.is_ascii_lowercase())
            || (!word.text.is_ascii() && word.text.chars().any(char::is_lowercase)))
}

fn strip_possessive(word: &str) -> &str {
    word.strip_suffix("'s")
        .or_else(|| word.strip_suffix("\u{2019}s"))
        .unwrap_or(word)
}

/// How the double quotes of a sentence sit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QuoteProfile {
    pub has_marks: bool,
    /// The first quote mark closes a quotation opened in an earlier sentence.
    pub starts_inside: bool,
    /// A quotation is still open at the end of the sentence.
    pub ends_inside: bool,
}

/// Reads the double quotes of `sentence` in one pass.
///
/// Straight double quotes toggle; curly ones open and close. A sentence that
/// continues a quotation from the previous sentence shows it by closing a
/// quote before opening one, and then starts inside.
pub fn quote_profile(sentence: &str) -> QuoteProfile {
    let mut profile = QuoteProfile::default();
    let mut inside = false;
    for (quote_idx, quote) in double_quotes(sentence) {
        if !profile.has_marks {
            profile.has_marks = true;
            profile.starts_inside = first_quote_closes(sentence, quote_idx, quote);
            inside = profile.starts_inside;
        }
        inside = quote_state_after(inside, quote);
    }
    profile.ends_inside = inside;
    profile
}

/// For each word, whether it lies inside quotation marks.
pub fn inside_quote_flags(sentence: &str, words: &[Word<'_>], profile: QuoteProfile, flags: &mut Vec<bool>) {
    flags.clear();
    if !profile.has_marks {
        flags.resize(words.len(), false);
        return;
    }
    let mut inside = profile.starts_inside;
    let mut quotes = double_quotes(sentence).peekable();
    for word in words {
        // Quote marks are never part of a word, so each lies before some word or after all.
        while let Some((_, quote)) = quotes.next_if(|(quote_idx, _)| *quote_idx < word.start) {
            inside = quote_state_after(inside, quote);
        }
        flags.push(inside);
    }
}

fn quote_state_after(inside: bool, quote: char) -> bool {
    match quote {
        '"' => !inside,
        '\u{201C}' => true,
        _ => false,
    }
}

/// The byte index and character of every double quote mark in `text`.
pub fn double_quotes(text: &str) -> DoubleQuotes<'_> {
    DoubleQuotes {
        bytes: text.as_bytes(),
        pos: 0,
    }
}

/// The iterator returned by [`double_quotes`].
///
/// Scanning bytes is safe here: '"' is ASCII, and U+201C/U+201D are
/// E2 80 9C/9D, whose lead byte E2 never occurs inside another character.
/// Most sentences hold neither byte, and a vectorised search for the two
/// skips them at once.
pub struct DoubleQuotes<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Iterator for DoubleQuotes<'_> {
    type Item = (usize, char);

    fn next(&mut self) -> Option<(usize, char)> {
        let bytes = self.bytes;
        loop {
            let offset = memchr::memchr2(b'"', 0xE2, &bytes[self.pos..])?;
            let byte_idx = self.pos + offset;
            self.pos = byte_idx + 1;
            if bytes[byte_idx] == b'"' {
                return Some((byte_idx, '"'));
            }
            if bytes.get(byte_idx + 1) == Some(&0x80) {
                match bytes.get(byte_idx + 2) {
                    Some(0x9C) => return Some((byte_idx, '\u{201C}')),
                    Some(0x9D) => return Some((byte_idx, '\u{201D}')),
                    _ => {}
                }
            }
        }
    }
}

/// True when the first quote mark of a sentence closes a quotation.
fn first_quote_closes(sentence: &str, quote_idx: usize, quote: char) -> bool {
    match quote {
        '\u{201D}' => true,
        '"' => {
            // A straight quote right after a word or punctuation mark, and not
            // followed by a letter, closes a quotation.
            let before = sentence[..quote_idx].chars().next_back();
            let after = sentence[quote_idx + 1..].chars().next();
            before.is_some_and(|c| !c.is_whitespace()) && !after.is_some_and(char::is_alphanumeric)
        }
        _ => false,
    }
}

/// Finds the first attribution in `sentence` whose reporting verb is outside quotes.
///
/// `inside_quote` holds one flag per word, as filled by [`inside_quote_flags`].
pub fn find_attribution(sentence: &str, words: &[Word<'_>], inside_quote: &[bool]) -> Option<Attribution> {
    let mut first_found: Option<Attribution> = None;
    for verb_idx in 0..words.len() {
        if inside_quote.get(verb_idx).copied().unwrap_or(false) {
            continue;
        }
        let Some(attribution) = attribution_at(sentence, words, verb_idx) else {
            continue;
        };
        // An attribution that closes the sentence ("..., Mr Thomas said.")
        // governs it, even when an earlier clause has its own reporting verb
        // ("Government guidance said X, Mr Thomas said.").
        let rest = &sentence[attribution.clause.end.max(attribution.clause.start)..];
        if rest.chars().all(|c| !c.is_alphanumeric()) && first_found.is_some() {
            return Some(attribution);
        }
        first_found.get_or_insert(attribution);
    }
    first_found
}

/// The attribution whose reporting verb or "according" is `words[verb_idx]`, if any.
fn attribution_at(sentence: &str, words: &[Word<'_>], verb_idx: usize) -> Option<Attribution> {
    let verb = &words[verb_idx];
    // This runs for every word: one bit and one length reject nearly all
    // that are neither a reporting verb nor "according", "called", "calls".
    if !verb.lexeme.has(Lexeme::ATTRIBUTION_VERB) && !matches!(verb.text.len(), 5 | 6 | 9) {
        return None;
    }
    if verb.text.eq_ignore_ascii_case("according") {
        let is_according_to = words
            .get(verb_idx + 1)
            .is_some_and(|next| next.text.eq_ignore_ascii_case("to"));
        return if is_according_to {
            according_to(sentence, words, verb_idx)
        } else {
            None
        };
    }
    // Reporting verbs are lower case; "Says" at the start of a headline is
    // too ambiguous to trust.
    let is_called_for = matches!(verb.text, "called" | "calls")
        && words.get(verb_idx + 1).is_some_and(|next| next.text == "for");
    // "'...,' wrote Matuszewski.": right after a closing quotation a verb
    // of writing or asking names the speaker after it; anywhere else it is
    // no attribution ("He wrote a letter").
    if verb.lexeme.has(Lexeme::INVERTIBLE_VERB) && !verb.lexeme.has(Lexeme::ATTRIBUTION_VERB) {
        let after_quote = verb_idx > 0
            && sentence[words[verb_idx - 1].end..verb.start].contains(['"', '\u{201D}'])
            && verb.text.starts_with(|c: char| c.is_ascii_lowercase());
        if after_quote {
            return inverted_subject(sentence, words, verb_idx);
        }
        // "'...,' the 23-year-old wrote.": the subject right after a
        // closing quotation writes it, as it would say it.
        // Only a quotation that ends a sentence or clause counts, not a
        // quoted phrase ("William Hill's \"overwhelming evidence\" came on
        // Friday when four callers asked ...").
        return subject_before(sentence, words, verb_idx).filter(|attribution| {
            let before = sentence[..attribution.clause.start].trim_end();
            let inside = before.strip_suffix(',').unwrap_or(before);
            inside
                .strip_suffix(['"', '\u{201D}'])
                .is_some_and(|quoted| quoted.ends_with([',', '.', '?', '!']) || inside.len() < before.len())
        });
    }
    if !verb.text.starts_with(|c: char| c.is_ascii_lowercase())
        || !(verb.lexeme.has(Lexeme::ATTRIBUTION_VERB) || is_called_for)
    {
        return None;
    }
    if matches!(verb.text, "described" | "quoted" | "reported")
        && let Some(attribution) = passive_agent(sentence, words, verb_idx)
    {
        return Some(attribution);
    }
    // An infinitive or a passive ("leading the firm to warn", "was
    // confirmed") does not have the speaker for its subject.
    if let Some(before) = verb_idx.checked_sub(1).map(|before_idx| &words[before_idx])
        && sentence[before.end..verb.start] == *" "
        && matches!(
            before.text,
            "to" | "is" | "are" | "was" | "were" | "be" | "been" | "being"
        )
    {
        return None;
    }
    if adds_a_quantity(sentence, words, verb_idx) {
        return None;
    }
    // "Name, role of Y, said": before the inverted reading, which would
    // take the words after the verb for the speaker.
    if let Some(attribution) = appositive_role_subject(sentence, words, verb_idx) {
        return Some(attribution);
    }
    if verb.lexeme.has(Lexeme::INVERTIBLE_VERB)
        && verb_idx > 0
        && gap_has_clause_break(&sentence[words[verb_idx - 1].end..verb.start])
        && let Some(attribution) = inverted_subject(sentence, words, verb_idx)
    {
        return Some(attribution);
    }
    subject_before(sentence, words, verb_idx)
}

/// "Shares added 3%", "They added an extra 6.4% to $27.24": "add" with an
/// amount after it (before any clause break or "that") adds the amount and
/// reports nothing.
pub fn adds_a_quantity(sentence: &str, words: &[Word<'_>], verb_idx: usize) -> bool {
    const LOOKAHEAD: usize = 4;
    if !matches!(words[verb_idx].text, "add" | "adds" | "added" | "adding") {
        return false;
    }
    for idx in verb_idx + 1..words.len().min(verb_idx + 1 + LOOKAHEAD) {
        if gap_has_clause_break(&sentence[words[idx - 1].end..words[idx].start]) || words[idx].text == "that"
        {
            return false;
        }
        let amount = words[idx]
            .text
            .starts_with(|c: char| c.is_ascii_digit() || matches!(c, '$' | '£' | '€'))
            || words[idx].lexeme.has(Lexeme::NUMBER_WORD)
            || sentence[words[idx - 1].end..words[idx].start].contains(['$', '£', '€']);
        if amount {
            return true;
        }
    }
    false
}

/// `According to X, ...`: the phrase after "to" up to the next clause break.
fn according_to(sentence: &str, words: &[Word<'_>], according_idx: usize) -> Option<Attribution> {
    let first_idx = according_idx + 2;
    let last_idx = phrase_end(sentence, words, first_idx)?;
    let speaker = Span {
        start: words[first_idx].start,
        end: words[last_idx].end,
    };
    Some(Attribution {
        speaker: SpeakerPhrase::Named(speaker),
        clause: Span {
            start: words[according_idx].start,
            end: speaker.end,
        },
        verb: Span {
            start: words[according_idx].start,
            end: words[according_idx + 1].end,
        },
        content_follows: false,
    })
}

/// `..., said NP.`: the phrase after the verb up to the next clause break.
fn inverted_subject(sentence: &str, words: &[Word<'_>], verb_idx: usize) -> Option<Attribution> {
    let first_idx = verb_idx + 1;
    // "..., said in a statement" names no one after the verb.
    if words.get(first_idx)?.lexeme.has(Lexeme::PHRASE_PREPOSITION) {
        return None;
    }
    // "..., said they hoped Welch \"finds ...\"": a subject pronoun after
    // the verb opens what was said, and so does a phrase that runs into an
    // opening quotation.
    if matches!(
        words[first_idx].text.to_ascii_lowercase().as_str(),
        "he" | "she" | "they" | "we" | "i" | "it" | "you"
    ) {
        return None;
    }
    let last_idx = phrase_end(sentence, words, first_idx)?;
    // "..., said NHS staff wanted a period of consolidation": a finite verb
    // after a noun makes the words after the verb what was said, not who
    // said it ("said the retired general" keeps its participle).
    let holds_a_clause = (first_idx + 1..=last_idx).any(|idx| {
        crate::extract::decompose::is_finite_verb(&words[idx])
            && !matches!(
                words[idx - 1].text.to_ascii_lowercase().as_str(),
                "the" | "a" | "an" | "its" | "his" | "her" | "their" | "our"
            )
    });
    if holds_a_clause {
        return None;
    }
    let opens_quote = words.get(last_idx + 1).is_some_and(|after| {
        sentence[words[last_idx].end..after.start]
            .trim_start()
            .starts_with(['"', '\u{201C}'])
    });
    if opens_quote {
        return None;
    }
    let speaker = classify_phrase(words, first_idx, last_idx)?;
    Some(Attribution {
        speaker,
        clause: Span {
            start: words[verb_idx].start,
            end: words[last_idx].end,
        },
        verb: Span {
            start: words[verb_idx].start,
            end: words[verb_idx].end,
        },
        content_follows: false,
    })
}

/// The index of the last word of the phrase that starts at `first_idx`, which
/// ends before a clause break or at the end of the sentence.
fn phrase_end(sentence: &str, words: &[Word<'_>], first_idx: usize) -> Option<usize> {
    if first_idx >= words.len() {
        return None;
    }
    let mut last_idx = first_idx;
    while last_idx + 1 < words.len()
        && last_idx + 1 - first_idx < MAX_SUBJECT_WORDS
        && !gap_has_clause_break(&sentence[words[last_idx].end..words[last_idx + 1].start])
    {
        last_idx += 1;
    }
    // A phrase cut off by the length limit is a clause, not a name.
    let cut_off = last_idx + 1 < words.len()
        && !gap_has_clause_break(&sentence[words[last_idx].end..words[last_idx + 1].start]);
    (!cut_off).then_some(last_idx)
}

/// `NP [has/also/...] said ...`: the subject phrase before the verb.
fn subject_before(sentence: &str, words: &[Word<'_>], verb_idx: usize) -> Option<Attribution> {
    let mut last_idx = verb_idx;
    // Step back over auxiliaries and adverbs, staying inside the clause.
    loop {
        if last_idx == 0 {
            return None;
        }
        let gap = &sentence[words[last_idx - 1].end..words[last_idx].start];
        if gap.trim() == "," && last_idx == verb_idx {
            return appositive_subject(sentence, words, verb_idx);
        }
        if gap_has_clause_break(gap) {
            return None;
        }
        last_idx -= 1;
        if !words[last_idx].lexeme.has(Lexeme::AUXILIARY_OR_ADVERB) {
            break;
        }
    }
    // "a blog post that said ...": the relative pronoun is the subject,
    // and what it stands for is no speaker the words can tell; "a
    // spokesman who said ...": the one it stands for speaks.
    match words[last_idx].text.to_ascii_lowercase().as_str() {
        "that" | "which" => return None,
        "who"
            if last_idx > 0
                && !gap_has_clause_break(&sentence[words[last_idx - 1].end..words[last_idx].start]) =>
        {
            last_idx -= 1;
        }
        _ => {}
    }
    // A clause starts after punctuation or after the complementiser "that"
    // ("Reports suggest that Rudolph said ...").
    let starts_clause = |word_idx: usize| {
        word_idx == 0
            || words[word_idx - 1].text.eq_ignore_ascii_case("that")
            || gap_has_clause_break(&sentence[words[word_idx - 1].end..words[word_idx].start])
    };
    let mut first_idx = last_idx;
    while !starts_clause(first_idx) && last_idx - first_idx < MAX_SUBJECT_WORDS {
        first_idx -= 1;
    }
    let reaches_clause_start = starts_clause(first_idx);
    while first_idx < last_idx && words[first_idx].lexeme.has(Lexeme::CLAUSE_OPENER) {
        first_idx += 1;
    }
    let starts_with_preposition = words[first_idx].lexeme.has(Lexeme::PHRASE_PREPOSITION);
    if !reaches_clause_start || starts_with_preposition {
        // Keep only the trailing capitalised run ("... on Monday Mr Smith said"),
        // without the day or month names that often precede it.
        let mut run_start = last_idx + 1;
        while run_start > first_idx
            && words[run_start - 1].is_capitalised()
            && !words[run_start - 1].lexeme.has(Lexeme::DAY_OR_MONTH)
        {
            run_start -= 1;
        }
        if run_start > last_idx {
            return None;
        }
        first_idx = run_start;
    }
    let speaker = classify_phrase(words, first_idx, last_idx)?;
    Some(Attribution {
        speaker,
        clause: Span {
            start: words[first_idx].start,
            end: words[verb_idx].end,
        },
        verb: verb_span(words, verb_idx),
        content_follows: true,
    })
}

/// The span of the reporting verb at `verb_idx`, with the "for" of "called for".
fn verb_span(words: &[Word<'_>], verb_idx: usize) -> Span {
    let is_called_for = matches!(words[verb_idx].text, "called" | "calls" | "call")
        && words.get(verb_idx + 1).is_some_and(|next| next.text == "for");
    Span {
        start: words[verb_idx].start,
        end: words[verb_idx + usize::from(is_called_for)].end,
    }
}

/// `..., X was described by officials as "serious"`: the agent of a passive report.
fn passive_agent(sentence: &str, words: &[Word<'_>], verb_idx: usize) -> Option<Attribution> {
    const MAX_AGENT_WORDS: usize = 6;
    if words.get(verb_idx + 1)?.text != "by" {
        return None;
    }
    let first_idx = verb_idx + 2;
    let as_idx = (first_idx + 1..words.len().min(first_idx + MAX_AGENT_WORDS + 1))
        .find(|&idx| words[idx].text == "as")?;
    let gaps_plain = (first_idx + 1..=as_idx)
        .all(|idx| !gap_has_clause_break(&sentence[words[idx - 1].end..words[idx].start]));
    if !gaps_plain {
        return None;
    }
    let speaker = classify_phrase(words, first_idx, as_idx - 1)?;
    Some(Attribution {
        speaker,
        clause: Span {
            start: words[verb_idx].start,
            end: words[as_idx - 1].end,
        },
        verb: Span {
            start: words[verb_idx].start,
            end: words[verb_idx].end,
        },
        content_follows: false,
    })
}

/// `The Shadow Secretary, Theresa May, said ...`: a name set off by commas
/// right before the verb.
fn appositive_subject(sentence: &str, words: &[Word<'_>], verb_idx: usize) -> Option<Attribution> {
    const MAX_APPOSITIVE_WORDS: usize = 4;
    let last_idx = verb_idx.checked_sub(1)?;
    let mut first_idx = last_idx;
    loop {
        if !words[first_idx].is_capitalised() || last_idx - first_idx >= MAX_APPOSITIVE_WORDS {
            return None;
        }
        if first_idx == 0 {
            return None;
        }
        let gap = &sentence[words[first_idx - 1].end..words[first_idx].start];
        if gap.trim() == "," {
            break;
        }
        if gap_breaks_phrase(gap) {
            return None;
        }
        first_idx -= 1;
    }
    let speaker = classify_phrase(words, first_idx, last_idx)?;
    Some(Attribution {
        speaker,
        clause: Span {
            start: words[first_idx].start,
            end: words[verb_idx].end,
        },
        verb: verb_span(words, verb_idx),
        content_follows: true,
    })
}

/// Words that head a role but are not role nouns of the lexicon (which is
/// also a feature of the check-worthiness model, and so is left as trained).
fn is_role_head(text: &str) -> bool {
    matches!(
        text,
        "head"
            | "founder"
            | "executive"
            | "editor"
            | "professor"
            | "member"
            | "manager"
            | "commissioner"
            | "adviser"
            | "advisor"
            | "economist"
            | "chancellor"
            | "ambassador"
            | "general"
            | "boss"
            | "owner"
            | "spokesman"
            | "spokeswoman"
            | "deputy"
    )
}

/// `Jack Law, chief executive of Alcohol Focus Scotland, said ...`: a name
/// at the start of a clause, then a role set off by commas, right before the
/// verb. The speaker is the name with its role, as the article gives them.
fn appositive_role_subject(sentence: &str, words: &[Word<'_>], verb_idx: usize) -> Option<Attribution> {
    const MAX_ROLE_WORDS: usize = 12;
    const MAX_NAME_WORDS: usize = 5;
    let role_last = verb_idx.checked_sub(1)?;
    if sentence[words[role_last].end..words[verb_idx].start].trim() != "," {
        return None;
    }
    // The role: back to the comma that opens it, through plain gaps only.
    let mut role_first = role_last;
    loop {
        if role_first == 0 || role_last - role_first >= MAX_ROLE_WORDS {
            return None;
        }
        let gap = &sentence[words[role_first - 1].end..words[role_first].start];
        if gap.trim() == "," {
            break;
        }
        if gap_has_clause_break(gap) {
            return None;
        }
        role_first -= 1;
    }
    let role = &words[role_first..=role_last];
    let names_a_role = role
        .iter()
        .any(|word| word.lexeme.has(Lexeme::ROLE_NOUN) || is_role_head(word.text));
    if !role[0].text.starts_with(|c: char| c.is_ascii_lowercase()) || !names_a_role {
        return None;
    }
    // The name: a run of capitalised words before the opening comma that
    // starts its clause ("But David Frost, ..." drops the "But").
    let name_last = role_first - 1;
    if !words[name_last].is_capitalised() {
        return None;
    }
    let mut run_first = name_last;
    while run_first > 0
        && words[run_first - 1].is_capitalised()
        && !gap_breaks_phrase(&sentence[words[run_first - 1].end..words[run_first].start])
    {
        run_first -= 1;
        if name_last - run_first >= MAX_NAME_WORDS {
            return None;
        }
    }
    let starts_clause =
        run_first == 0 || gap_has_clause_break(&sentence[words[run_first - 1].end..words[run_first].start]);
    if !starts_clause {
        return None;
    }
    let mut name_first = run_first;
    while name_first < name_last && words[name_first].lexeme.has(Lexeme::CLAUSE_OPENER) {
        name_first += 1;
    }
    let SpeakerPhrase::Named(_) = classify_phrase(words, name_first, name_last)? else {
        return None;
    };
    Some(Attribution {
        speaker: SpeakerPhrase::Named(Span {
            start: words[name_first].start,
            end: words[role_last].end,
        }),
        clause: Span {
            start: words[name_first].start,
            end: words[verb_idx].end,
        },
        verb: verb_span(words, verb_idx),
        content_follows: true,
    })
}

/// Accepts `words[first_idx..=last_idx]` as a speaker when it is a pronoun, or
/// contains a name-like capitalised word or a role noun.
fn classify_phrase(words: &[Word<'_>], first_idx: usize, last_idx: usize) -> Option<SpeakerPhrase> {
    if first_idx == last_idx && words[first_idx].lexeme.has(Lexeme::PRONOUN) {
        return Some(SpeakerPhrase::Pronoun);
    }
    // "the British royal blankly denied", "Van Der Beek even noted": an
    // adverb before the verb is not part of who speaks.
    let mut last_idx = last_idx;
    while last_idx > first_idx && is_adverb_before_verb(words[last_idx].text) {
        last_idx -= 1;
    }
    // "Laying into the Conservatives' record he said": words before a
    // subject pronoun are a clause of their own; the pronoun speaks.
    if words[last_idx].lexeme.has(Lexeme::PRONOUN) && !words[last_idx].text.eq_ignore_ascii_case("it") {
        return Some(SpeakerPhrase::Pronoun);
    }
    let phrase = &words[first_idx..=last_idx];
    // A phrase with a verb in it is a clause, not who speaks ("Relations
    // between Mr Brown and Mr Milburn are widely [reported]").
    if phrase.iter().any(|word| {
        matches!(
            word.text,
            "is" | "are" | "was" | "were" | "be" | "been" | "being" | "has" | "have" | "had" | "saying"
        )
    }) {
        return None;
    }
    let names_a_source = phrase.iter().any(|word| {
        let is_name = word.is_capitalised() && !word.lexeme.has(Lexeme::ORDINARY_CAPITALISED);
        is_name || word.lexeme.has(Lexeme::ROLE_NOUN) || is_age_of_a_person(word.text)
    });
    names_a_source.then_some(SpeakerPhrase::Named(Span {
        start: phrase[0].start,
        end: phrase[phrase.len() - 1].end,
    }))
}

/// "the 23-year-old": an age names a person, as a role noun does.
fn is_age_of_a_person(word: &str) -> bool {
    word.strip_suffix("-year-old")
        .is_some_and(|age| !age.is_empty() && age.bytes().all(|b| b.is_ascii_digit()))
}

/// Who a speaker phrase names, without the adverbs and time phrases that
/// stood between the name and its verb: "McConnell on Friday" and "The
/// 52-year-old on Tuesday" speak as "McConnell" and "The 52-year-old",
/// "Van Der Beek even" as "Van Der Beek". The phrase is never emptied.
pub fn speaker_core(phrase: &str) -> &str {
    let mut core = phrase.trim_end();
    while let Some((rest, last)) = core.rsplit_once(' ') {
        let lower = last.to_ascii_lowercase();
        let cut = if is_adverb_before_verb(last)
            || matches!(lower.as_str(), "today" | "yesterday" | "tonight" | "earlier")
        {
            Some(rest)
        } else {
            time_phrase_start(core)
        };
        match cut.map(str::trim_end) {
            Some(shorter) if !shorter.is_empty() && shorter.len() < core.len() => core = shorter,
            _ => break,
        }
    }
    core
}

/// The text before a closing time phrase of `phrase` ("on Friday", "on
/// Friday night", "last week", "in March"), when it has one and something before it.
fn time_phrase_start(phrase: &str) -> Option<&str> {
    let is_time_word = |word: &str| {
        let word = word.trim_end_matches(['.', ',']);
        lexeme_of(word).has(Lexeme::DAY_OR_MONTH)
            || word.bytes().all(|byte| byte.is_ascii_digit())
            || matches!(
                word,
                "morning" | "afternoon" | "evening" | "night" | "week" | "weekend" | "month" | "year"
            )
    };
    // Titles of Sunday papers end like a time phrase.
    if [
        "Mail on Sunday",
        "Independent on Sunday",
        "Scotland on Sunday",
        "Wales on Sunday",
    ]
    .iter()
    .any(|title| phrase.ends_with(title))
    {
        return None;
    }
    let mut rest = phrase;
    let mut n_time_words = 0;
    while let Some((before, last)) = rest.rsplit_once(' ') {
        if matches!(
            last,
            "on" | "in" | "at" | "last" | "this" | "late" | "early" | "until" | "since" | "during"
        ) {
            if n_time_words == 0 {
                return None;
            }
            // "until last year", "since this week": the preposition goes too.
            return Some(match before.rsplit_once(' ') {
                Some((earlier, "until" | "since" | "during" | "from" | "by")) => earlier,
                _ => before,
            });
        }
        if !is_time_word(last) {
            return None;
        }
        n_time_words += 1;
        rest = before;
    }
    None
}

/// True when the text between two words separates clauses.
fn gap_has_clause_break(gap: &str) -> bool {
    gap.chars().any(|c| {
        matches!(
            c,
            ',' | ';'
                | ':'
                | '('
                | ')'
                | '"'
                | '\u{201C}'
                | '\u{201D}'
                | '\u{2013}'
                | '\u{2014}'
                | '?'
                | '!'
                | '\n'
        )
    }) || gap.contains(" - ")
}

/// Turns a speaker phrase into the speaker string, resolving "Mr Ushakov" or a
/// bare "Ushakov" to a full name remembered earlier in the article.
pub fn resolve_speaker(phrase: &str, memory: &NameMemory) -> String {
    let mut parts = phrase.split_whitespace();
    let (first, second, third) = (parts.next(), parts.next(), parts.next());
    let surname = match (first, second, third) {
        (Some(honorific), Some(surname), None) if is_honorific(honorific) => Some(surname),
        (Some(surname), None, None) => Some(surname),
        _ => None,
    };
    if let Some(full_name) = surname.and_then(|surname| memory.full_name(surname)) {
        return full_name.to_string();
    }
    super::header::collapse_whitespace(phrase)
}

/// A speaker string split into the person's name as the article gives it
/// in full and the role written before it: "US President Donald Trump" →
/// ("Donald Trump", "US President"), "White House press secretary
/// Stephanie Grisham" → ("Stephanie Grisham", "White House press
/// secretary"), "President Trump" → ("Donald Trump", "President") once the
/// article has named Donald Trump. `None` unless the speaker ends with a
/// remembered full name (or its last words) and what stands before it is a
/// role: lower-case words, titles, role nouns, honorifics or possessives,
/// never another given name ("Ivanka Trump" is not Donald Trump) or a
/// royal title that is part of the name ("Prince Andrew").
pub fn split_role(speaker: &str, memory: &NameMemory) -> Option<(String, String)> {
    let words: Vec<&str> = speaker.split_whitespace().collect();
    let last = *words.last()?;
    let full_name = memory.full_name(last)?;
    let name_words: Vec<&str> = full_name.split_whitespace().collect();
    // The longest run of the speaker's last words that ends the full name.
    let mut matched = 0;
    while matched < words.len().min(name_words.len())
        && strip_possessive(words[words.len() - 1 - matched]) == name_words[name_words.len() - 1 - matched]
    {
        matched += 1;
    }
    if matched == 0 || matched == words.len() {
        return None;
    }
    let mut role_words = &words[..words.len() - matched];
    let before = *role_words.last()?;
    let lexeme = lexeme_of(before.trim_end_matches('.'));
    let is_role_word = before.chars().next().is_some_and(char::is_lowercase)
        || lexeme.has(Lexeme::TITLE_WORD)
        || lexeme.has(Lexeme::ROLE_NOUN)
        || lexeme.has(Lexeme::HONORIFIC)
        || strip_possessive(before) != before;
    // "Office of Emergency Services", "Volker and Morrison", "the Mayo
    // Clinic", "Negroponte, founder of MIT's Media Labs": the name is part
    // of something else, or the phrase is no role and name.
    let joins_another_phrase = matches!(
        before.to_lowercase().as_str(),
        "of" | "on"
            | "for"
            | "and"
            | "or"
            | "nor"
            | "the"
            | "a"
            | "an"
            | "at"
            | "in"
            | "to"
            | "from"
            | "with"
            | "by"
            | "&"
    ) || role_words.iter().any(|word| word.ends_with([',', ';', ':']));
    if !is_role_word || joins_another_phrase || is_part_of_name(before) {
        return None;
    }
    // "Dr.", "Mr" belong to neither the name nor the role.
    while let Some(last) = role_words.last()
        && is_honorific(last)
    {
        role_words = &role_words[..role_words.len() - 1];
    }
    let role = role_words.join(" ");
    let role = role.trim_end_matches(',').trim();
    (!role.is_empty()).then(|| (full_name.to_string(), role.to_string()))
}

/// "Mr", "Dr.", "Mrs".
fn is_honorific(word: &str) -> bool {
    lexeme_of(word.trim_end_matches('.')).has(Lexeme::HONORIFIC)
}

/// Titles that are part of a person's name rather than a role.
fn is_part_of_name(word: &str) -> bool {
    matches!(
        word,
        "Prince"
            | "Princess"
            | "King"
            | "Queen"
            | "Pope"
            | "Duke"
            | "Duchess"
            | "Lord"
            | "Lady"
            | "Sir"
            | "Dame"
            | "Sheikh"
            | "Emperor"
            | "Empress"
    )
}

/// The inside-quote flags of a sentence, for tests of other modules.
#[cfg(test)]
pub fn quote_flags_for_tests(sentence: &str, words: &[Word<'_>]) -> Vec<bool> {
    let mut flags = Vec::new();
    inside_quote_flags(sentence, words, quote_profile(sentence), &mut flags);
    flags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::words::words;

    /// Runs attribution on `sentence` with `memory` and returns the resolved
    /// speaker, with pronouns shown as "<pronoun>".
    fn speaker_of(sentence: &str, memory: &mut NameMemory) -> Option<String> {
        let sentence_words: Vec<Word<'_>> = words(sentence).collect();
        let mut flags = Vec::new();
        inside_quote_flags(sentence, &sentence_words, quote_profile(sentence), &mut flags);
        remember_names(sentence, &sentence_words, memory);
        let attribution = find_attribution(sentence, &sentence_words, &flags)?;
        Some(match attribution.speaker {
            SpeakerPhrase::Named(span) => resolve_speaker(&sentence[span.start..span.end], memory),
            SpeakerPhrase::Pronoun => "<pronoun>".to_string(),
        })
    }

    fn speaker(sentence: &str) -> Option<String> {
        speaker_of(sentence, &mut NameMemory::default())
    }

    #[test]
    fn a_role_before_a_remembered_name_is_kept_apart() {
        let mut memory = NameMemory::default();
        for sentence in [
            "Donald Trump spoke to Ivanka Trump's aides.",
            "Stephanie Grisham and Andrew Parker Bowles left.",
        ] {
            let sentence_words: Vec<Word<'_>> = words(sentence).collect();
            remember_names(sentence, &sentence_words, &mut memory);
        }
        let split = |speaker: &str| split_role(speaker, &memory);
        let pair = |name: &str, role: &str| Some((name.to_string(), role.to_string()));
        assert_eq!(
            split("US President Donald Trump"),
            pair("Donald Trump", "US President")
        );
        assert_eq!(split("President Trump"), pair("Donald Trump", "President"));
        assert_eq!(
            split("White House press secretary Stephanie Grisham"),
            pair("Stephanie Grisham", "White House press secretary")
        );
        assert_eq!(
            split("the company's chief executive Dr. Grisham"),
            pair("Stephanie Grisham", "the company's chief executive")
        );
        // Nothing to split: the name alone, an unknown name, another given
        // name, a royal title, a role without a name.
        assert_eq!(split("Donald Trump"), None);
        assert_eq!(split("Senator Jane Doe"), None);
        assert_eq!(split("Ivanka Trump"), None);
        assert_eq!(split("Prince Bowles"), None);
        assert_eq!(split("a company spokesman"), None);
        assert_eq!(split("Volker and Trump"), None);
        assert_eq!(split("the Office of Stephanie Grisham"), None);
        assert_eq!(split("Grisham, the founder of the company's Donald Trump"), None);
    }

    #[test]
    fn a_speaker_gives_away_a_gender_by_an_honorific_or_a_first_name_only() {
        use claimdb_analysis::coref::Gender;
        assert_eq!(speaker_gender("Alice Marchak"), Some(Gender::Feminine));
        assert_eq!(speaker_gender("Mr Blair"), Some(Gender::Masculine));
        assert_eq!(speaker_gender("Baroness Ashton"), Some(Gender::Feminine));
        // A place or club before a role is no first name.
        assert_ne!(
            speaker_gender("Chelsea winger Arjen Robben"),
            Some(Gender::Feminine)
        );
        assert_eq!(speaker_gender("a company spokesman"), None);
    }

    #[test]
    fn a_writer_named_right_after_a_closing_quotation_speaks() {
        assert_eq!(
            speaker("\"Until you face it, you'll remain a false tabloid,\" the 23-year-old wrote."),
            Some("the 23-year-old".to_string())
        );
        assert_eq!(
            speaker("\"Is it over?\" the committee's chairman asked."),
            Some("the committee's chairman".to_string())
        );
        // Away from a quotation, writing and asking report nothing, nor
        // after a quoted phrase.
        assert_eq!(speaker("The 23-year-old wrote a letter to the council."), None);
        assert_eq!(
            speaker("The \"overwhelming evidence\" came on Friday when four callers asked to bet."),
            None
        );
        assert_eq!(speaker("Police, the chairman asked, should leave."), None);
    }

    #[test]
    fn a_clause_after_an_inverted_verb_is_what_was_said_not_who_said_it() {
        let found = speaker(
            "Brian Gibbons, who was a GP in Blaengwynfi before becoming AM for Aberavon, said NHS staff wanted a period of consolidation.",
        );
        assert!(
            matches!(found.as_deref(), None | Some("Brian Gibbons")),
            "{found:?}"
        );
        assert_eq!(
            speaker("The plan will fail, said the retired minister."),
            Some("the retired minister".to_string())
        );
    }

    #[test]
    fn an_adverb_before_the_verb_is_not_the_speaker() {
        assert_eq!(
            speaker("Van Der Beek even noted there should be zero shame."),
            Some("Van Der Beek".to_string())
        );
        assert_eq!(
            speaker("In it, the British royal blankly denied having met her."),
            Some("the British royal".to_string())
        );
        // A name that ends in "ly" keeps it.
        assert_eq!(
            speaker("Mr Kelly said it was over."),
            Some("Mr Kelly".to_string())
        );
    }

    #[test]
    fn adding_an_amount_reports_nothing() {
        assert_eq!(
            speaker("They added an extra 6.4% to $27.24 in electronic trading."),
            None
        );
        assert_eq!(speaker("Shares in the bank added 3% on Monday."), None);
        assert_eq!(speaker("He added two goals in the second half."), None);
        assert_eq!(
            speaker("Mr Smith added that 300 jobs would go."),
            Some("Mr Smith".to_string())
        );
        assert_eq!(
            speaker("Mr Smith added: \"300 jobs will go.\""),
            Some("Mr Smith".to_string())
        );
    }

    #[test]
    fn time_phrases_and_adverbs_are_not_part_of_the_speaker() {
        assert_eq!(speaker_core("McConnell on Friday"), "McConnell");
        assert_eq!(speaker_core("The 52-year-old on Tuesday"), "The 52-year-old");
        assert_eq!(speaker_core("Van Der Beek even"), "Van Der Beek");
        assert_eq!(speaker_core("Mr Brown on Friday night"), "Mr Brown");
        assert_eq!(speaker_core("the minister last week"), "the minister");
        assert_eq!(speaker_core("The governor in March 2019"), "The governor");
        assert_eq!(speaker_core("Ms Lee yesterday"), "Ms Lee");
        assert_eq!(
            speaker_core("Tim Renner, the head of Universal Music Germany until last year"),
            "Tim Renner, the head of Universal Music Germany"
        );
        assert_eq!(speaker_core("The Mail on Sunday"), "The Mail on Sunday");
        // Names and roles that end in such words keep them.
        assert_eq!(speaker_core("Apollo 11"), "Apollo 11");
        assert_eq!(speaker_core("the Tuesday Club"), "the Tuesday Club");
        assert_eq!(speaker_core("Friday"), "Friday");
        assert_eq!(
            speaker_core("Chairman of the Board of Trade"),
            "Chairman of the Board of Trade"
        );
    }

    #[test]
    fn a_full_name_keeps_all_its_given_names_but_no_title() {
        let mut memory = NameMemory::default();
        for sentence in [
            "A man, Nicholas Lee Jacobsen, was charged.",
            "Hong Kong Chief Executive Carrie Lam flew home.",
        ] {
            let sentence_words: Vec<Word<'_>> = words(sentence).collect();
            remember_names(sentence, &sentence_words, &mut memory);
        }
        assert_eq!(resolve_speaker("Mr Jacobsen", &memory), "Nicholas Lee Jacobsen");
        assert_eq!(resolve_speaker("Ms Lam", &memory), "Carrie Lam");
    }

    #[test]
    fn a_clause_is_not_a_speaker() {
        assert_eq!(
            speaker("Relations between Mr Brown and Mr Milburn are widely reported to be strained."),
            None
        );
    }

    #[test]
    fn inverted_attribution_after_a_quote() {
        assert_eq!(
            speaker(
                "\"President Biden reiterated that progress can occur,\" said White House press secretary Jen Psaki."
            ),
            Some("White House press secretary Jen Psaki".to_string())
        );
        assert_eq!(
            speaker(
                "\"Biden laid out two paths\", including \"serious costs\", said a senior administration official."
            ),
            Some("a senior administration official".to_string())
        );
        assert_eq!(
            speaker("Prices will rise, said Jen Psaki, the press secretary."),
            Some("Jen Psaki".to_string())
        );
    }

    #[test]
    fn subject_before_the_verb() {
        assert_eq!(
            speaker("Kremlin aide Yuri Ushakov said the call created a \"good backdrop\"."),
            Some("Kremlin aide Yuri Ushakov".to_string())
        );
        assert_eq!(
            speaker("Aides have said the options include sanctions."),
            Some("Aides".to_string())
        );
        assert_eq!(
            speaker("Moscow denies planning to attack Ukraine."),
            Some("Moscow".to_string())
        );
        assert_eq!(
            speaker("In a call on Thursday, Mr Biden said he needed to see progress."),
            Some("Mr Biden".to_string())
        );
        assert_eq!(
            speaker("In a speech on Monday Mr Smith said taxes would fall."),
            Some("Mr Smith".to_string())
        );
        assert_eq!(
            speaker("\"The inviolability of borders is non-negotiable,\" Mr Scholz said."),
            Some("Mr Scholz".to_string())
        );
    }

    #[test]
    fn appositive_names_and_final_attributions() {
        assert_eq!(
            speaker("The Shadow Secretary of State, Theresa May, said: \"These plans were announced.\""),
            Some("Theresa May".to_string())
        );
        assert_eq!(
            speaker("Government guidance said e-mails should only be deleted if useless, Mr Thomas said."),
            Some("Mr Thomas".to_string())
        );
        assert_eq!(
            speaker("The cuts, officials said, would hit schools."),
            Some("officials".to_string())
        );
    }

    #[test]
    fn a_relative_pronoun_is_no_speaker_but_who_it_stands_for_may_be() {
        assert_eq!(
            speaker("The company published a blog post that said customers could listen for free."),
            None
        );
        assert_eq!(
            speaker("Officials released a report which said prices would rise."),
            None
        );
        assert_eq!(
            speaker("A Pentagon spokesman who said the talks had failed declined to give details."),
            Some("A Pentagon spokesman".to_string())
        );
    }

    #[test]
    fn what_follows_an_inverted_verb_may_be_what_was_said() {
        assert_eq!(
            speaker(
                "The remaining members of the band, who are known for rock, said they hoped Welch \"finds happiness\"."
            ),
            None
        );
        assert_eq!(
            speaker("\"We will win,\" said Mr Smith."),
            Some("Mr Smith".to_string())
        );
    }

    #[test]
    fn prepositional_phrases_and_complementisers_are_not_speakers() {
        assert_eq!(
            speaker("\"It enables more science,\" said in the statement."),
            None
        );
        // See: #3. The name and role before the verb speak, not the phrase after it.
        assert_eq!(
            speaker(
                "\"It enables more science,\" NASA's Steve Clarke, deputy administrator, said in the statement."
            ),
            Some("NASA's Steve Clarke, deputy administrator".to_string())
        );
        assert_eq!(
            speaker("Reports suggest that Rudolph said the deal was done."),
            Some("Rudolph".to_string())
        );
    }

    #[test]
    fn a_name_with_its_role_in_commas_speaks() {
        // See: #3
        assert_eq!(
            speaker(
                "Jack Law, chief executive of Alcohol Focus Scotland, said the comment was \"ill-advised\"."
            ),
            Some("Jack Law, chief executive of Alcohol Focus Scotland".to_string())
        );
        assert_eq!(
            speaker(
                "But David Frost, director general of the British Chambers of Commerce, warned that firms could suffer."
            ),
            Some("David Frost, director general of the British Chambers of Commerce".to_string())
        );
        assert_eq!(
            speaker("Sir John Bourn, head of the NAO, said the problems were serious."),
            Some("Sir John Bourn, head of the NAO".to_string())
        );
        assert_eq!(
            speaker("\"The goal will be met,\" David Kim, an analyst at Sejong Securities, told Reuters."),
            Some("David Kim, an analyst at Sejong Securities".to_string())
        );
        // Without a role between the commas it is not an appositive speaker.
        assert_eq!(speaker("In London, on a cold morning, said nothing."), None);
    }

    #[test]
    fn more_reporting_verbs() {
        // See: #3
        for (sentence, expected) in [
            (
                "The minister stressed that the economy grew by 3% last year.",
                "The minister",
            ),
            ("Mr Brown urged voters to back the plan.", "Mr Brown"),
            ("Experts warn that prices will rise.", "Experts"),
            ("Critics argue the tax is unfair.", "Critics"),
            (
                "The Bank emphasised that fewer mortgages were approved.",
                "The Bank",
            ),
            ("\"It is over,\" the minister conceded.", "the minister"),
            ("\"It is over,\" conceded the minister.", "the minister"),
        ] {
            assert_eq!(speaker(sentence).as_deref(), Some(expected), "{sentence:?}");
        }
    }

    #[test]
    fn an_infinitive_or_a_passive_reporting_verb_names_no_speaker() {
        assert_eq!(
            speaker("Delays led the firm to warn that it was running out of cash."),
            None
        );
        assert_eq!(speaker("The plan was confirmed at a festival."), None);
        assert_eq!(speaker("Those figures have been confirmed by nobody."), None);
    }

    #[test]
    fn according_to() {
        assert_eq!(
            speaker("According to the ministry, 40 people died."),
            Some("the ministry".to_string())
        );
    }

    #[test]
    fn pronouns_are_left_to_the_caller() {
        assert_eq!(
            speaker("He added: \"It would be a mistake.\""),
            Some("<pronoun>".to_string())
        );
        assert_eq!(
            speaker("She also said prices would rise."),
            Some("<pronoun>".to_string())
        );
    }

    #[test]
    fn verbs_inside_quotes_or_without_a_source_do_not_attribute() {
        assert_eq!(speaker("\"He said no,\" the report read."), None);
        assert_eq!(speaker("The claims were false."), None);
        assert_eq!(speaker("Washington has not been convinced by a report."), None);
        assert_eq!(speaker("What was said matters."), None);
    }

    #[test]
    fn honorifics_resolve_to_remembered_full_names() {
        let mut memory = NameMemory::default();
        speaker_of(
            "US President Joe Biden and Vladimir Putin's aides spoke.",
            &mut memory,
        );
        speaker_of("Kremlin aide Yuri Ushakov said the call went well.", &mut memory);
        assert_eq!(memory.full_name("Biden"), Some("Joe Biden"));
        assert_eq!(memory.full_name("Putin"), Some("Vladimir Putin"));
        assert_eq!(
            speaker_of("Mr Ushakov said President Putin responded.", &mut memory),
            Some("Yuri Ushakov".to_string())
        );
        assert_eq!(
            speaker_of("Later, Mr. Biden said he was pleased.", &mut memory),
            Some("Joe Biden".to_string())
        );
        assert_eq!(
            speaker_of("Mr Nobody said nothing happened.", &mut memory),
            Some("Mr Nobody".to_string())
        );
    }

    #[test]
    fn quote_state_across_sentences() {
        let starts = |sentence: &str| quote_profile(sentence).starts_inside;
        let ends = |sentence: &str| quote_profile(sentence).ends_inside;
        assert!(ends("\"With a view on Ukraine, there are new challenges here."));
        assert!(starts("The inviolability is non-negotiable,\" Mr Scholz said."));
        assert!(!starts("He called it \"serious\"."));
        assert!(!ends("He called it \"serious\"."));
        assert!(starts("It is over.\u{201D} He left."));
        assert!(ends("He said: \u{201C}It is."));
        assert!(!quote_profile("No quotes here.").has_marks);
    }
}
