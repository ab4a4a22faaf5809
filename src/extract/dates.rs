//! Time grounding: finds date expressions in a sentence and resolves them against the article's date.
//!
//! Calendar arithmetic is done on day numbers (days since 1970-01-01,
//! proleptic Gregorian) by the one [`calendar`].
//!
//! Recognised, case-insensitively: "yesterday", "today", "tomorrow";
//! weekdays ("on Thursday", "last Friday", "next Monday"); month and day
//! ("Jan 12", "Jan 9-10", "12 January", "January 12, 2022"); months alone
//! after a preposition ("in March", "last December"); years after a
//! preposition ("in 2014"); "this/last/next week|month|year", "earlier this
//! week|month|year", "over the weekend"; and "over the past two months",
//! "in the last 3 weeks", "this past month"; parts of a month or a year
//! ("in early April", "since mid-September", "late 2002", "early next
//! year"), shares of a year ("the first half of 2005", "the last three
//! months of 2004") and ranges of months ("between March and October
//! 2004", "April-July"). Expressions that point back
//! ("the previous year", "a year earlier", "at the time", "later that
//! evening") are resolved against the last date the article gave that tells
//! when something happens, and left out when there is none.

use super::Span;
use super::lexicon::Lexeme;
use super::words::{Word, lower_key};
use crate::calendar::{self, days_in_month, is_valid as valid};
use claimdb_analysis::pipeline::Analysis;

/// A calendar date as a day number: days since 1970-01-01 ([`calendar`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day(pub i64);

impl Day {
    /// The day of `year-month-day`; the caller ensures the date is valid.
    pub fn from_civil(year: i64, month: u32, day: u32) -> Day {
        Day(calendar::days_from_civil(year, month, day))
    }

    /// `(year, month, day)`.
    pub fn to_civil(self) -> (i64, u32, u32) {
        calendar::civil_from_days(self.0)
    }

    /// Parses `YYYY-MM-DD`, only when it is a calendar date.
    pub fn parse(text: &str) -> Option<Day> {
        calendar::parse_date(text).map(Day)
    }

    /// Monday is 0, Sunday 6.
    pub fn weekday(self) -> i64 {
        // 1970-01-01 was a Thursday.
        (self.0 + 3).rem_euclid(7)
    }

    pub fn plus(self, days: i64) -> Day {
        Day(self.0 + days)
    }

    pub fn iso(self) -> String {
        calendar::iso(self.0)
    }
}

fn month_range(year: i64, month: u32) -> (Day, Day) {
    (
        Day::from_civil(year, month, 1),
        Day::from_civil(year, month, days_in_month(year, month)),
    )
}

/// `month` shifted by `delta` months, as (year, month).
fn add_months(year: i64, month: u32, delta: i64) -> (i64, u32) {
    let index = year * 12 + i64::from(month) - 1 + delta;
    (index.div_euclid(12), (index.rem_euclid(12) + 1) as u32)
}

/// The same day `delta` months away, clamped to the month's length.
fn shift_months(day: Day, delta: i64) -> Day {
    let (year, month, day_of_month) = day.to_civil();
    let (year, month) = add_months(year, month, delta);
    Day::from_civil(year, month, day_of_month.min(days_in_month(year, month)))
}

/// The time of the clause a date expression belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tense {
    /// "rose", "was signed", "had met": a date without its year is the
    /// latest such date up to the article's.
    Past,
    /// Neither: the nearest such date either way.
    Present,
    /// "will meet", "shall vote": the first such date from the article's.
    Future,
}

/// What the date rules ask of the sentence's analysis; an implementation
/// analyses the sentence only when first asked.
pub trait Tree {
    /// The tense of the clause holding byte `at` of the sentence ([`clause_tense`]).
    fn tense_at(&mut self, at: usize) -> Tense;
    /// Whether the number at byte `at` of the sentence counts a thing
    /// ("2000 people", "1500 troops") rather than naming a year ([`counts_a_thing`]).
    fn counts_at(&mut self, at: usize) -> bool;
    /// Whether the phrase at bytes `span` modifies a noun ("the July 25
    /// phone call", "the 2016 elections") rather than telling when
    /// something happens ([`modifies_a_noun`]).
    fn modifies_noun_at(&mut self, span: Span) -> bool;
}

impl Tree for &Analysis<'_> {
    fn tense_at(&mut self, at: usize) -> Tense {
        clause_tense(self, at)
    }

    fn counts_at(&mut self, at: usize) -> bool {
        counts_a_thing(self, at)
    }

    fn modifies_noun_at(&mut self, span: Span) -> bool {
        modifies_a_noun(self, span)
    }
}

/// No analysis at hand: every clause is in the present and no number counts a thing.
#[cfg(test)]
pub struct NoTree;

#[cfg(test)]
impl Tree for NoTree {
    fn tense_at(&mut self, _at: usize) -> Tense {
        Tense::Present
    }

    fn counts_at(&mut self, _at: usize) -> bool {
        false
    }

    fn modifies_noun_at(&mut self, _span: Span) -> bool {
        false
    }
}

/// Whether the number at byte `at` of the analysed sentence counts a
/// plural common noun that is not a time word ("2000 people", "the 1500
/// troops"): then it is an amount, not a year ("the 1994 World Cup Finals",
/// "the 2016 election", "2019 is not as strong as 2018" are years).
pub fn counts_a_thing(analysis: &Analysis<'_>, at: usize) -> bool {
    let words = &analysis.words;
    let at = analysis.span.start + at;
    let Some(idx) = words
        .iter()
        .position(|word| word.span.start <= at && at < word.span.end)
    else {
        return false;
    };
    let head = words[idx].head as usize;
    head > 0
        && words[idx].deprel == "nummod"
        && words[head - 1].xpos == "NNS"
        && !is_time_word(&words[head - 1].lemma.to_lowercase())
}

/// Whether the words at bytes `span` of the analysed sentence, taken as one
/// phrase, are a compound or adjective of a common noun that names no time:
/// "July 25" in "Trump's July 25 phone call", "2016" in "the 2016
/// elections". Such a date names what a thing is, not when the text's
/// events happen, so it is no time later words can point back to ("Later
/// in the day" is not July 25).
pub fn modifies_a_noun(analysis: &Analysis<'_>, span: Span) -> bool {
    let words = &analysis.words;
    let (start, end) = (analysis.span.start + span.start, analysis.span.start + span.end);
    let inside = |idx: usize| start <= words[idx].span.start && words[idx].span.end <= end;
    // The phrase's head: its word whose head lies outside it.
    let Some(idx) = (0..words.len()).find(|&idx| {
        let head = words[idx].head as usize;
        inside(idx) && (head == 0 || !inside(head - 1))
    }) else {
        return false;
    };
    let head = words[idx].head as usize;
    head > 0
        && matches!(
            words[idx].deprel,
            "compound" | "amod" | "nummod" | "nmod:unmarked"
        )
        && words[head - 1].upos == "NOUN"
        && !is_time_word(&words[head - 1].lemma.to_lowercase())
}

/// Nouns that name a stretch of time ("year", "morning", "today"), or a
/// part of one ("the start of the week", "the end of March").
fn is_time_word(lemma: &str) -> bool {
    month_number(lemma).is_some()
        || weekday_number(lemma).is_some()
        || matches!(
            lemma,
            "year"
                | "month"
                | "week"
                | "day"
                | "weekend"
                | "morning"
                | "afternoon"
                | "evening"
                | "night"
                | "today"
                | "yesterday"
                | "tomorrow"
                | "beginning"
                | "start"
                | "end"
                | "middle"
        )
}

/// The tense of the clause that holds the word starting at byte `at` of
/// the analysed sentence (`analysis.span.start` is where the sentence
/// starts in the analysed text): climb from the word to the head of its clause (a
/// verb, or a predicate with a copula) and read the tense of it and its
/// auxiliaries. "He said the talks will be held on Monday": "on Monday"
/// belongs to "held", whose "will" makes it future.
pub fn clause_tense(analysis: &Analysis<'_>, at: usize) -> Tense {
    let words = &analysis.words;
    // The analysis may have the body's offsets; `at` is the sentence's.
    let at = analysis.span.start + at;
    let Some(mut idx) = words
        .iter()
        .position(|word| word.span.start <= at && at < word.span.end)
    else {
        return Tense::Present;
    };
    let has_auxiliary = |idx: usize| {
        words
            .iter()
            .any(|child| child.head as usize == idx + 1 && matches!(child.deprel, "cop" | "aux" | "aux:pass"))
    };
    let is_clause_head = |idx: usize| words[idx].upos == "VERB" || has_auxiliary(idx);
    // A noun that is not a time word between the date and its clause makes
    // the date a modifier of that thing ("a Jan 9-10 security meeting"):
    // the clause's tense says nothing of when the thing is.
    let start = idx;
    for _ in 0..words.len() {
        if is_clause_head(idx) {
            break;
        }
        if idx != start
            && matches!(words[idx].upos, "NOUN" | "PROPN")
            && !is_time_word(&words[idx].lemma.to_lowercase())
        {
            return Tense::Present;
        }
        match words[idx].head as usize {
            0 => break,
            head => idx = head - 1,
        }
    }
    // "an exam conducted in February": a past participle on its own
    // tells of something done, unless it schedules it ("a vote set for
    // March").
    let head = &words[idx];
    if head.xpos == "VBN"
        && matches!(head.deprel, "acl" | "advcl")
        && !has_auxiliary(idx)
        && !matches!(
            head.lemma.to_lowercase().as_str(),
            "schedule" | "plan" | "set" | "slate" | "expect" | "due"
        )
    {
        return Tense::Past;
    }
    let group = std::iter::once(idx).chain((0..words.len()).filter(|&child| {
        words[child].head as usize == idx + 1 && matches!(words[child].deprel, "aux" | "aux:pass" | "cop")
    }));
    let mut tense = Tense::Present;
    let mut modal = false;
    let mut perfect_infinitive = false;
    for member in group {
        let word = &words[member];
        if matches!(word.lemma.as_str(), "will" | "shall") || word.lemma == "'ll" {
            return Tense::Future;
        }
        // "should ease by Thursday", "could open next month"; but "could
        // have happened on Friday" happened, if at all, before.
        if word.xpos == "MD" {
            modal = true;
        }
        if word.lemma == "have" && word.deprel == "aux" && word.feats.contains("VerbForm=Inf") {
            perfect_infinitive = true;
        }
        // "rose", and the present perfect "has risen": what has happened.
        let perfect = word.lemma == "have" && word.deprel == "aux" && word.feats.contains("Tense=Pres");
        if perfect || (word.feats.contains("VerbForm=Fin") && word.feats.contains("Tense=Past")) {
            tense = Tense::Past;
        }
    }
    match (modal, perfect_infinitive) {
        (true, true) => Tense::Past,
        (true, false) if tense == Tense::Present => Tense::Future,
        _ => tense,
    }
}

/// A date expression found in a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundDate {
    /// Byte span of the words within the sentence.
    pub span: Span,
    pub start: Day,
    pub end: Day,
}

fn month_number(key: &str) -> Option<u32> {
    let month = match key {
        "january" | "jan" => 1,
        "february" | "feb" => 2,
        "march" | "mar" => 3,
        "april" | "apr" => 4,
        "may" => 5,
        "june" | "jun" => 6,
        "july" | "jul" => 7,
        "august" | "aug" => 8,
        "september" | "sep" | "sept" => 9,
        "october" | "oct" => 10,
        "november" | "nov" => 11,
        "december" | "dec" => 12,
        _ => return None,
    };
    Some(month)
}

/// Whether `text`, in any case, names a month in full or in short.
fn is_month_name(text: &str) -> bool {
    (3..=9).contains(&text.len()) && month_number(&text.to_ascii_lowercase()).is_some()
}

fn weekday_number(key: &str) -> Option<i64> {
    let weekday = match key {
        "monday" => 0,
        "tuesday" => 1,
        "wednesday" => 2,
        "thursday" => 3,
        "friday" => 4,
        "saturday" => 5,
        "sunday" => 6,
        _ => return None,
    };
    Some(weekday)
}

fn small_number(key: &str) -> Option<i64> {
    let number = match key {
        "a" | "an" | "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        _ => key.parse().ok().filter(|n| (1..=1000).contains(n))?,
    };
    Some(number)
}

/// A plain number of one or two digits, as a day of the month.
fn day_number(text: &str) -> Option<u32> {
    let digits = text
        .strip_suffix("th")
        .or_else(|| text.strip_suffix("st"))
        .or_else(|| text.strip_suffix("nd"))
        .or_else(|| text.strip_suffix("rd"))
        .unwrap_or(text);
    if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|day| (1..=31).contains(day))
}

/// A four-digit year between 1000 and 2999.
pub fn year_number(text: &str) -> Option<i64> {
    (text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
        .filter(|year| (1000..=2999).contains(year))
}

/// Whether a word names a year: "2014", "2014's", "1990s", "mid-1990s", "2008-2016".
fn names_a_year(text: &str) -> bool {
    let text = text.strip_prefix("mid-").unwrap_or(text);
    text.get(..4).and_then(year_number).is_some()
}

/// Words that may open a date expression and belong to its text.
const PREPOSITIONS: &[&str] = &["on", "in", "over", "since", "during", "until", "by"];

/// Finds the date expressions of a sentence, resolved against `reference`;
/// without one, only dates that name their year are found.
/// `tree` gives the tense of the clause holding a byte of the sentence
/// ([`clause_tense`]), asked only for dates without their year: it turns
/// "in March" and "on Monday" back in a past clause and forward in a future
/// one. Words in `found` do not overlap.
///
/// `narrative` is the article's time so far: the last date found before this
/// sentence, which expressions that point back ("the previous year", "a
/// year earlier", "at the time", "later that evening") are resolved
/// against ([`anaphoric_at`]); this sentence's last date replaces it.
pub fn find_dates(
    sentence: &str,
    words: &[Word<'_>],
    reference: Option<Day>,
    narrative: &mut Option<(Day, Day)>,
    tree: &mut dyn Tree,
    found: &mut Vec<FoundDate>,
) {
    found.clear();
    // Absolute dates ("in 2014", "January 12, 2020") need no reference; any
    // day serves to run the shared patterns.
    let resolve_against = reference.unwrap_or(Day(0));
    // Most sentences name no date: look for a word that can start or anchor
    // one first (without a reference, only a year can, or a word that
    // points back to the article's time so far).
    let points_back = |word: &Word<'_>| {
        ANAPHORIC_WORDS
            .iter()
            .any(|part| word.text.eq_ignore_ascii_case(part))
    };
    if reference.is_none()
        && !words
            .iter()
            .any(|word| names_a_year(word.text) || (narrative.is_some() && points_back(word)))
    {
        return;
    }
    let may_hold_date = words.iter().any(|word| {
        word.lexeme.has(Lexeme::DATE_WORD)
            || word.lexeme.has(Lexeme::DAY_OR_MONTH)
            || names_a_year(word.text)
            || [
                "night",
                "morning",
                "halloween",
                "christmas",
                "eve",
                "afternoon",
                "evening",
                "today's",
                "today\u{2019}s",
            ]
            .iter()
            .any(|part| word.text.eq_ignore_ascii_case(part))
            || (matches!(word.text.len(), 3..=9)
                && [
                    "days",
                    "day",
                    "weeks",
                    "months",
                    "years",
                    "week's",
                    "month's",
                    "year's",
                    "week\u{2019}s",
                    "month\u{2019}s",
                    "year\u{2019}s",
                ]
                .iter()
                .any(|unit| word.text.eq_ignore_ascii_case(unit)))
            || points_back(word)
            // "mid-September", "July-September".
            || (word.text.contains('-') && word.text.split(['-', '\u{2013}']).any(is_month_name))
    });
    if !may_hold_date {
        return;
    }
    // Lower-cased keys in fixed buffers: no allocation per word.
    let keys: Vec<([u8; 24], usize)> = words
        .iter()
        .map(|word| {
            let mut buffer = [0u8; 24];
            let len = match lower_key(word.text, &mut buffer) {
                Some(key) => key.len(),
                None => 0,
            };
            if len > 0 && buffer[..len].iter().all(|b| *b == 0) {
                // lower_key returned the word itself without copying.
                buffer[..len].copy_from_slice(word.text.as_bytes());
            }
            (buffer, len)
        })
        .collect();
    let key = |idx: usize| {
        keys.get(idx)
            .and_then(|(buffer, len)| std::str::from_utf8(&buffer[..*len]).ok())
            .unwrap_or("")
    };
    // Words of one expression are separated by spaces only (a comma ends it,
    // except in "January 12, 2022").
    let joined = |idx: usize| {
        idx + 1 < words.len()
            && sentence[words[idx].end..words[idx + 1].start]
                .trim_matches(' ')
                .is_empty()
    };
    let mut word_idx = 0;
    while word_idx < words.len() {
        // What the sentence found so far is the latest time of the text.
        let time_so_far = latest_time(found, tree).or(*narrative);
        let (found_at, from_narrative) =
            match date_at(sentence, words, &key, &joined, word_idx, resolve_against, tree) {
                Some(date) => (Some(date), false),
                None => (
                    anaphoric_at(words, &key, &joined, word_idx, time_so_far, reference, tree),
                    true,
                ),
            };
        let Some((first_idx, last_idx, start, end)) = found_at else {
            word_idx += 1;
            continue;
        };
        // Without a reference date only dates that name their year hold,
        // or those resolved against a date the text gave.
        let names_year = words[first_idx..=last_idx]
            .iter()
            .any(|word| names_a_year(word.text));
        if reference.is_none() && !names_year && !from_narrative {
            word_idx += 1;
            continue;
        }
        // Keep a preposition right before the expression in its text.
        let text_first_idx =
            if first_idx > 0 && PREPOSITIONS.contains(&key(first_idx - 1)) && joined(first_idx - 1) {
                first_idx - 1
            } else {
                first_idx
            };
        // "since 1985" runs up to the article's date, "until 2047" from it.
        let (mut start, mut end) = (start, end);
        if let Some(reference) = reference
            && text_first_idx < first_idx
        {
            match key(text_first_idx) {
                "since" if start <= reference => end = reference,
                "until" if reference < start => start = reference,
                // "until this year" ends where this year began, from a
                // start the words do not give: better missing than wrong.
                "until" if start <= reference && reference <= end => {
                    word_idx = last_idx + 1;
                    continue;
                }
                _ => {}
            }
        }
        if start <= end {
            found.push(FoundDate {
                span: Span {
                    start: words[text_first_idx].start,
                    end: words[last_idx].end,
                },
                start,
                end,
            });
        }
        word_idx = last_idx + 1;
    }
    if let Some(latest) = latest_time(found, tree) {
        *narrative = Some(latest);
    }
}

/// The last of `found` that tells when something happens, not what a thing
/// is ([`Tree::modifies_noun_at`]).
fn latest_time(found: &[FoundDate], tree: &mut dyn Tree) -> Option<(Day, Day)> {
    found
        .iter()
        .rev()
        .find(|date| !tree.modifies_noun_at(date.span))
        .map(|date| (date.start, date.end))
}

/// Words that may open or carry an expression resolved against the
/// article's time so far, or against its date ("at the moment", "for the
/// remainder of the year").
const ANAPHORIC_WORDS: &[&str] = &[
    "previous",
    "prior",
    "preceding",
    "following",
    "same",
    "earlier",
    "later",
    "time",
    "those",
    "moment",
    "remainder",
    "rest",
    "end",
];

/// A calendar unit named by a word, singular or plural.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Day,
    Week,
    Month,
    Year,
}

fn unit_of(key: &str) -> Option<Unit> {
    let unit = match key {
        "day" | "days" => Unit::Day,
        "week" | "weeks" => Unit::Week,
        "month" | "months" => Unit::Month,
        "year" | "years" => Unit::Year,
        _ => return None,
    };
    Some(unit)
}

/// The whole `unit` that holds `day`.
fn unit_around(day: Day, unit: Unit) -> (Day, Day) {
    let (year, month, _) = day.to_civil();
    match unit {
        Unit::Day => (day, day),
        Unit::Week => {
            let monday = day.plus(-day.weekday());
            (monday, monday.plus(6))
        }
        Unit::Month => month_range(year, month),
        Unit::Year => (Day::from_civil(year, 1, 1), Day::from_civil(year, 12, 31)),
    }
}

/// `range` moved by `count` units, keeping its shape: a whole month stays
/// a whole month ("a year earlier" than October 2019 is October 2018), a
/// whole year a whole year.
fn shift_range((start, end): (Day, Day), unit: Unit, count: i64) -> (Day, Day) {
    let (start_year, start_month, start_day) = start.to_civil();
    let (end_year, end_month, end_day) = end.to_civil();
    let months = match unit {
        Unit::Day => return (start.plus(count), end.plus(count)),
        Unit::Week => return (start.plus(7 * count), end.plus(7 * count)),
        Unit::Month => count,
        Unit::Year => 12 * count,
    };
    let whole_months = start_day == 1 && end_day == days_in_month(end_year, end_month);
    if whole_months {
        let (year, month) = add_months(start_year, start_month, months);
        let (last_year, last_month) = add_months(end_year, end_month, months);
        return (month_range(year, month).0, month_range(last_year, last_month).1);
    }
    (shift_months(start, months), shift_months(end, months))
}

/// The expression starting at `word_idx` that points back to the text's
/// time so far (`narrative`: the last date found before it) or is told
/// against the article's date (`reference`), as (first word, last word,
/// start, end):
/// - "the previous year", "the prior month", "the year before": the unit
///   before the one holding the narrative's start; "the following week",
///   "the next day", "the day after": the unit after it;
/// - "a year earlier", "two days later": the narrative moved, keeping its
///   shape;
/// - "the same year", "that same day", "at the time", "over the same
///   span", "in those years": the narrative itself (the unit holding it);
/// - "later that evening", "earlier in the day", "in the morning" at the
///   start of a sentence: the narrative's day, when it is one day;
/// - "at the moment": the article's day; "for the remainder of the year",
///   "toward the end of the year" (not in a past clause): from the
///   article's day to the end of its year.
///
/// "a day after the vote" is told against the vote, not the narrative, and
/// is left alone: an offset from an event whose date is not given is
/// better missing than wrong.
fn anaphoric_at<'k>(
    words: &[Word<'_>],
    key: &impl Fn(usize) -> &'k str,
    joined: &impl Fn(usize) -> bool,
    word_idx: usize,
    narrative: Option<(Day, Day)>,
    reference: Option<Day>,
    tree: &mut dyn Tree,
) -> Option<(usize, usize, Day, Day)> {
    let word = key(word_idx);
    let at = words[word_idx].start;
    let next = |offset: usize| {
        if (0..offset).all(|step| joined(word_idx + step)) {
            key(word_idx + offset)
        } else {
            ""
        }
    };
    // Nothing joined after the word at `offset`: the expression ends there
    // ("a year after," but not "a year after the vote").
    let ends_after = |offset: usize| next(offset + 1).is_empty();
    let single_day = narrative.filter(|(start, end)| start == end);
    let before = word_idx
        .checked_sub(1)
        .filter(|&before| joined(before))
        .map_or("", key);

    if let Some(reference) = reference {
        // "at the moment", "at present".
        if word == "at" && (next(1), next(2)) == ("the", "moment") {
            return Some((word_idx, word_idx + 2, reference, reference));
        }
        if word == "at" && next(1) == "present" && ends_after(1) {
            return Some((word_idx, word_idx + 1, reference, reference));
        }
        // "for the remainder of the year", "the rest of the month".
        if word == "the"
            && matches!(next(1), "remainder" | "rest")
            && next(2) == "of"
            && next(3) == "the"
            && let Some(unit @ (Unit::Week | Unit::Month | Unit::Year)) = unit_of(next(4))
            && tree.tense_at(at) != Tense::Past
        {
            let first_idx = if matches!(before, "for" | "through" | "throughout") {
                word_idx - 1
            } else {
                word_idx
            };
            return Some((first_idx, word_idx + 4, reference, unit_around(reference, unit).1));
        }
        // "toward the end of the year", "by the end of the month".
        if matches!(word, "toward" | "towards" | "by" | "before" | "until")
            && (next(1), next(2), next(3), next(4)) == ("the", "end", "of", "the")
            && let Some(unit @ (Unit::Week | Unit::Month | Unit::Year)) = unit_of(next(5))
            && ends_after(5)
            && tree.tense_at(at) != Tense::Past
        {
            return Some((word_idx, word_idx + 5, reference, unit_around(reference, unit).1));
        }
    }

    let narrative = narrative?;
    // "a year earlier", "two days later".
    if let Some(count) = small_number(word)
        && let Some(unit) = unit_of(next(1))
        && matches!(next(2), "earlier" | "later")
    {
        let step = if next(2) == "earlier" { -count } else { count };
        let (start, end) = shift_range(narrative, unit, step);
        return Some((word_idx, word_idx + 2, start, end));
    }
    match word {
        "the" => {
            // "the previous year", "the following week", "the next day".
            let step = match next(1) {
                "previous" | "prior" | "preceding" => Some(-1),
                "following" => Some(1),
                "next" if matches!(next(2), "day" | "morning") => Some(1),
                _ => None,
            };
            if let Some(step) = step {
                if next(2) == "morning" {
                    let day = single_day?.0.plus(1);
                    return Some((word_idx, word_idx + 2, day, day));
                }
                let unit =
                    unit_of(next(2)).filter(|_| matches!(next(2), "day" | "week" | "month" | "year"))?;
                let (start, end) = shift_range(unit_around(narrative.0, unit), unit, step);
                return Some((word_idx, word_idx + 2, start, end));
            }
            // "the year before", "the day after".
            if let Some(unit) =
                unit_of(next(1)).filter(|_| matches!(next(1), "day" | "week" | "month" | "year"))
                && matches!(next(2), "before" | "after")
                && ends_after(2)
            {
                let step = if next(2) == "before" { -1 } else { 1 };
                let (start, end) = shift_range(unit_around(narrative.0, unit), unit, step);
                return Some((word_idx, word_idx + 2, start, end));
            }
            // "the same year", "the same day", "over the same span".
            if next(1) == "same" {
                let found = same_as(narrative, single_day, next(2), word_idx, word_idx + 2)?;
                return same_in_another_year(found, next(3), next(4));
            }
            None
        }
        // "that same day".
        "that" if next(1) == "same" => same_as(narrative, single_day, next(2), word_idx, word_idx + 2),
        // "on that day", "later that evening", "earlier that year".
        "that"
            if matches!(
                before,
                "on" | "in" | "at" | "by" | "during" | "of" | "later" | "earlier" | "until" | "since"
            ) =>
        {
            let first_idx = if matches!(before, "later" | "earlier") {
                word_idx - 1
            } else {
                word_idx
            };
            match next(1) {
                "morning" | "afternoon" | "evening" | "night" => {
                    let (day, _) = single_day?;
                    Some((first_idx, word_idx + 1, day, day))
                }
                unit_word @ ("day" | "week" | "month" | "year") => {
                    let unit = unit_of(unit_word)?;
                    let (start, end) = unit_around(narrative.0, unit);
                    (unit != Unit::Day || single_day.is_some()).then_some((
                        first_idx,
                        word_idx + 1,
                        start,
                        end,
                    ))
                }
                _ => None,
            }
        }
        // "later in the day": the day the text is on. "Earlier in the
        // year" is told from the article's own year more often than from
        // the text's (a report's year ago figure is no "year" it goes on
        // in), so it is read only when both are the same.
        "later" | "earlier"
            if (next(1), next(2)) == ("in", "the")
                && matches!(next(3), "day" | "week" | "month" | "year")
                && ends_after(3) =>
        {
            let unit = unit_of(next(3))?;
            let around = unit_around(narrative.0, unit);
            let holds_narrative = narrative.1 <= around.1;
            let agrees = match unit {
                Unit::Day => single_day.is_some(),
                _ => reference.is_some_and(|reference| unit_around(reference, unit) == around),
            };
            (holds_narrative && agrees).then_some((word_idx, word_idx + 3, around.0, around.1))
        }
        // "In the morning, ..." opening a sentence: the morning of the day
        // the text is on.
        "in" if word_idx == 0
            && next(1) == "the"
            && matches!(next(2), "morning" | "afternoon" | "evening")
            && ends_after(2) =>
        {
            let (day, _) = single_day?;
            Some((word_idx, word_idx + 2, day, day))
        }
        // "at the time", "at that time" (but not "at the time of the vote").
        "at" if matches!(next(1), "the" | "that") && next(2) == "time" && ends_after(2) => {
            Some((word_idx, word_idx + 2, narrative.0, narrative.1))
        }
        // "in those years", "during those days": a range the text gave.
        "those"
            if matches!(before, "in" | "during" | "over" | "for")
                && matches!(next(1), "years" | "months")
                && ends_after(1)
                && narrative.0.to_civil().0 < narrative.1.to_civil().0 =>
        {
            Some((word_idx - 1, word_idx + 1, narrative.0, narrative.1))
        }
        _ => None,
    }
}

/// "the same period" followed by what it is of: "the same period of 2003"
/// is the narrative's period moved to 2003 (when the period lies in one
/// year); "the same period last year", "the same month a year earlier",
/// "the same period in 2003-04" point to a time the narrative does not
/// give and are left out.
fn same_in_another_year(
    (first_idx, last_idx, start, end): (usize, usize, Day, Day),
    after: &str,
    second: &str,
) -> Option<(usize, usize, Day, Day)> {
    match (after, second) {
        ("in" | "of", "time") | ("", _) => Some((first_idx, last_idx, start, end)),
        ("in" | "of", year_word) => {
            let year = year_number(year_word)?;
            let (start_year, _, _) = start.to_civil();
            if start_year != end.to_civil().0 {
                return None;
            }
            let (start, end) = shift_range((start, end), Unit::Year, year - start_year);
            Some((first_idx, last_idx + 2, start, end))
        }
        ("last" | "next" | "a" | "one" | "previous" | "prior", _) => None,
        _ => Some((first_idx, last_idx, start, end)),
    }
}

/// "the same year", "the same day", "the same span": the narrative, as the
/// unit that holds it (a day only when it is one day).
fn same_as(
    narrative: (Day, Day),
    single_day: Option<(Day, Day)>,
    what: &str,
    first_idx: usize,
    last_idx: usize,
) -> Option<(usize, usize, Day, Day)> {
    let (start, end) = match what {
        "day" => single_day?,
        "week" | "month" | "year" => {
            let unit = unit_of(what)?;
            let around = unit_around(narrative.0, unit);
            // "the same year" as a range of years is the range.
            if narrative.1 > around.1 { narrative } else { around }
        }
        // Not "at the same time": that says two things happen together.
        "period" | "span" => narrative,
        _ => return None,
    };
    Some((first_idx, last_idx, start, end))
}

/// The date expression starting at `word_idx`, as (first word, last word, start, end).
fn date_at<'k>(
    sentence: &str,
    words: &[Word<'_>],
    key: &impl Fn(usize) -> &'k str,
    joined: &impl Fn(usize) -> bool,
    word_idx: usize,
    reference: Day,
    tree: &mut dyn Tree,
) -> Option<(usize, usize, Day, Day)> {
    let word = key(word_idx);
    let at = words[word_idx].start;
    let (ref_year, ref_month, _) = reference.to_civil();
    let next = |offset: usize| {
        if joined(word_idx + offset - 1) {
            key(word_idx + offset)
        } else {
            ""
        }
    };
    // "today's", "1776's": a possessive names its day or year as well.
    let base = word
        .strip_suffix("'s")
        .or_else(|| word.strip_suffix("\u{2019}s"))
        .unwrap_or(word);
    match base {
        "yesterday" => return Some((word_idx, word_idx, reference.plus(-1), reference.plus(-1))),
        "today" | "tonight" => return Some((word_idx, word_idx, reference, reference)),
        "tomorrow" => return Some((word_idx, word_idx, reference.plus(1), reference.plus(1))),
        _ => {}
    }
    // "last night" runs from the evening before into the article's day;
    // "this morning", "this evening" are the article's day.
    match (word, next(1)) {
        ("last", "night") => return Some((word_idx, word_idx + 1, reference.plus(-1), reference)),
        ("this", "morning" | "afternoon" | "evening") => {
            return Some((word_idx, word_idx + 1, reference, reference));
        }
        // "this weekend": the one the article's day is in, else the next
        // one in a future clause and the last one otherwise (news reports
        // what happened, as with weekdays).
        ("this", "weekend") => {
            let saturday = match reference.weekday() {
                5 => reference,
                6 => reference.plus(-1),
                _ if tree.tense_at(at) == Tense::Future => weekday_from(reference, 5, false, true),
                _ => last_saturday_before(reference),
            };
            return Some((word_idx, word_idx + 1, saturday, saturday.plus(1)));
        }
        _ => {}
    }
    // "a year ago", "18 years ago", "two weeks ago", "three days ago": the
    // day, or the week, month or year that held it.
    if let Some(count) = small_number(word)
        && next(2) == "ago"
    {
        let range = match next(1) {
            "day" | "days" => Some((reference.plus(-count), reference.plus(-count))),
            "week" | "weeks" => {
                let monday = reference.plus(-7 * count);
                let monday = monday.plus(-monday.weekday());
                Some((monday, monday.plus(6)))
            }
            "month" | "months" => {
                let (year, month) = add_months(ref_year, ref_month, -count);
                Some(month_range(year, month))
            }
            "year" | "years" => Some((
                Day::from_civil(ref_year - count, 1, 1),
                Day::from_civil(ref_year - count, 12, 31),
            )),
            _ => None,
        };
        if let Some((start, end)) = range {
            return Some((word_idx, word_idx + 2, start, end));
        }
    }
    // "early March", "mid-September", "late 2004", "early next year": a
    // third of a month or a year.
    if let Some(found) = part_at(words, key, joined, word_idx, reference, tree) {
        return Some(found);
    }
    // "the first half of 2005", "the last three months of 2004".
    if let Some(found) = share_of_year_at(words, key, joined, word_idx, reference) {
        return Some(found);
    }
    // "between March and October 2004", "from December 2004 to April 2005", "July-September".
    if let Some(found) = month_range_at(words, key, joined, word_idx, reference, tree) {
        return Some(found);
    }
    // "by the end of 2006": a deadline, the year's last day.
    if word == "by"
        && (next(1), next(2), next(3)) == ("the", "end", "of")
        && let Some(year) = year_number(next(4))
    {
        let last = Day::from_civil(year, 12, 31);
        return Some((word_idx, word_idx + 4, last, last));
    }
    // "the 1990s", "the early 2000s", "the mid-1980s", "the late 1970s".
    if let Some((decade, part)) = decade_of(base) {
        let (part, first_idx) = match (part, word_idx.checked_sub(1).map(&key)) {
            (None, Some(qualifier @ ("early" | "mid" | "late"))) if joined(word_idx - 1) => {
                (Some(qualifier), word_idx - 1)
            }
            (part, _) => (part, word_idx),
        };
        let (first, last) = match part {
            Some("early") => (0, 3),
            Some("mid") => (4, 6),
            Some("late") => (7, 9),
            _ => (0, 9),
        };
        return Some((
            first_idx,
            word_idx,
            Day::from_civil(decade + first, 1, 1),
            Day::from_civil(decade + last, 12, 31),
        ));
    }
    // "from 2008 to 2016", "between 2008 and 2016", "2008-2016".
    if let Some((first_year, last_year, last_idx)) = year_range_at(words, key, joined, word_idx) {
        let first_idx = match word_idx.checked_sub(1).map(&key) {
            Some("from" | "between") if joined(word_idx - 1) => word_idx - 1,
            _ => word_idx,
        };
        return Some((
            first_idx,
            last_idx,
            Day::from_civil(first_year, 1, 1),
            Day::from_civil(last_year, 12, 31),
        ));
    }
    // "earlier this week", "this month", "last year", "next week", "this past month".
    if matches!(word, "this" | "last" | "next" | "earlier") {
        let (relation, unit_offset) = match (word, next(1)) {
            ("earlier", "this") => ("earlier", 2),
            ("this", "past") => ("past", 2),
            (relation, _) => (relation, 1),
        };
        // "next year's election" is told of next year.
        let unit_word = if unit_offset == 2 && !joined(word_idx + 1) {
            ""
        } else {
            let unit_word = next(unit_offset);
            unit_word
                .strip_suffix("'s")
                .or_else(|| unit_word.strip_suffix("\u{2019}s"))
                .unwrap_or(unit_word)
        };
        let last_idx = word_idx + unit_offset;
        if let Some((start, end)) = relative_period(relation, unit_word, reference) {
            // "Sales rose this year", "so far this year", "this year to
            // date": the year so far; "will be sold this year": the year.
            let so_far = (word_idx >= 2
                && key(word_idx - 2) == "so"
                && key(word_idx - 1) == "far"
                && joined(word_idx - 2)
                && joined(word_idx - 1))
                || matches!(
                    (next(unit_offset + 1), next(unit_offset + 2)),
                    ("so" | "thus", "far") | ("to", "date")
                );
            let (start, end) = match relation {
                "this"
                    if start <= reference
                        && reference <= end
                        && (so_far || tree.tense_at(at) == Tense::Past) =>
                {
                    (start, reference)
                }
                _ => (start, end),
            };
            let first_idx = if so_far && word_idx >= 2 && key(word_idx - 2) == "so" {
                word_idx - 2
            } else {
                word_idx
            };
            return Some((first_idx, last_idx, start, end));
        }
        // "last Friday", "next Monday".
        if let Some(weekday) = weekday_number(next(1))
            && word != "earlier"
        {
            let day = weekday_from(
                reference,
                weekday,
                word == "next",
                word == "this" && tree.tense_at(at) == Tense::Future,
            );
            return Some((word_idx, word_idx + 1, day, day));
        }
        // "last December".
        if let Some(month) = month_number(next(1))
            && next(1) != "may"
            && word != "earlier"
        {
            let year = match word {
                "last" if month >= ref_month => ref_year - 1,
                "next" if month <= ref_month => ref_year + 1,
                _ => ref_year,
            };
            let (start, end) = month_range(year, month);
            return Some((word_idx, word_idx + 1, start, end));
        }
        return None;
    }
    // "year to date", "the year thus far": January the 1st up to the article.
    if word == "year" && matches!((next(1), next(2)), ("to", "date") | ("thus" | "so", "far")) {
        let first_idx = match word_idx.checked_sub(1).map(&key) {
            Some("the") if joined(word_idx - 1) => word_idx - 1,
            _ => word_idx,
        };
        return Some((
            first_idx,
            word_idx + 2,
            Day::from_civil(ref_year, 1, 1),
            reference,
        ));
    }
    // "the weekend", "over the weekend", "at the weekend".
    if word == "weekend" && word_idx > 0 && key(word_idx - 1) == "the" {
        let saturday = last_saturday_before(reference);
        return Some((word_idx - 1, word_idx, saturday, saturday.plus(1)));
    }
    // "the past two months", "the last 3 weeks", "the past month".
    if word == "the" && matches!(next(1), "past" | "last") {
        let (count, unit_idx) = match small_number(next(2)) {
            Some(count) if next(2) != "a" => (count, word_idx + 3),
            _ => (1, word_idx + 2),
        };
        let unit = if unit_idx == word_idx + 3 {
            next(3)
        } else {
            next(2)
        };
        // "the last two years of his presidency", "the last three months of
        // 2004": the end of something else, not the time up to the article.
        if next(unit_idx - word_idx + 1) == "of" {
            return None;
        }
        let start = match unit {
            "day" | "days" => reference.plus(-count),
            "week" | "weeks" => reference.plus(-7 * count),
            "month" | "months" => shift_months(reference, -count),
            "year" | "years" => shift_months(reference, -12 * count),
            _ => return None,
        };
        return Some((word_idx, unit_idx, start, reference));
    }
    // "Saturday, May 18", "Monday, Nov. 18, 2019": the date that follows
    // the weekday tells the day, whatever the tense would say.
    if weekday_number(word).is_some()
        && words.get(word_idx + 1).is_some_and(|after| {
            matches!(
                sentence[words[word_idx].end..after.start].trim_matches(' '),
                "," | ""
            )
        })
        && let Some((_, last_idx, start, end)) =
            date_at(sentence, words, key, joined, word_idx + 1, reference, tree)
                .filter(|(first_idx, _, start, end)| *first_idx == word_idx + 1 && start == end)
    {
        return Some((word_idx, last_idx, start, end));
    }
    // "Christmas Day", "Singles Day", "Black Friday": a named day of the
    // year, in the year the tense points to unless a year follows.
    if words[word_idx].is_capitalised()
        && let Some((last_idx, day_of_year)) = holiday_at(key, joined, word_idx)
    {
        let (year, last_idx) = match words.get(last_idx + 1).and_then(|after| year_number(after.text)) {
            Some(year) if joined(last_idx) => (year, last_idx + 1),
            _ => {
                let (month, day) = day_of_year(ref_year);
                (year_for(reference, month, day, tree.tense_at(at)), last_idx)
            }
        };
        let (month, day) = day_of_year(year);
        let date = Day::from_civil(year, month, day);
        return Some((word_idx, last_idx, date, date));
    }
    // "at the beginning of the week", "to start the week": the Monday of
    // the article's week, told of the past or the present.
    let week_start_words = match (word, next(1), next(2), next(3), next(4), next(5)) {
        ("at", "the", "beginning" | "start", "of", "the", "week") => Some(5),
        ("to", "begin" | "start", "the", "week", _, _) => Some(3),
        _ => None,
    };
    if let Some(offset) = week_start_words
        && tree.tense_at(words[word_idx + offset].start) != Tense::Future
    {
        let monday = reference.plus(-reference.weekday());
        return Some((word_idx, word_idx + offset, monday, monday));
    }
    // Weekdays.
    if let Some(weekday) = weekday_number(word) {
        let day = match tree.tense_at(at) {
            Tense::Future => weekday_from(reference, weekday, false, true),
            Tense::Past => weekday_from(reference, weekday, false, false),
            // "Lowe's reports earnings Wednesday", "holds a hearing
            // Wednesday": the present tells of the week around the
            // article, the nearer side first (the past on a tie).
            Tense::Present => {
                let back = weekday_from(reference, weekday, false, false);
                let ahead = weekday_from(reference, weekday, false, true);
                if ahead.0 - reference.0 < reference.0 - back.0 {
                    ahead
                } else {
                    back
                }
            }
        };
        return Some((word_idx, word_idx, day, day));
    }
    // "Jan 12", "Jan 9-10", "January 12, 2022", "in March", "March 2020".
    if let Some(month) = month_number(word) {
        if !words[word_idx].is_capitalised() {
            return None;
        }
        let after = next(1);
        // "Nov. 19", "Sept. 1": an abbreviated month keeps its full stop.
        let abbreviated = words[word_idx].text.len() <= 4
            && words
                .get(word_idx + 1)
                .is_some_and(|day| &sentence[words[word_idx].end..day.start] == ". ");
        if let Some((first_day, last_day)) = day_range(words, word_idx + 1, joined(word_idx) || abbreviated) {
            // An explicit year may follow: "January 12, 2022".
            let year_idx = word_idx + 2;
            let explicit_year = words.get(year_idx).and_then(|year_word| {
                let gap = &sentence[words[year_idx - 1].end..year_word.start];
                (gap.trim() == "," || gap.trim().is_empty())
                    .then(|| year_number(year_word.text))
                    .flatten()
            });
            let year =
                explicit_year.unwrap_or_else(|| year_for(reference, month, first_day, tree.tense_at(at)));
            if !valid(year, month, first_day) || !valid(year, month, last_day) {
                return None;
            }
            let last_idx = if explicit_year.is_some() {
                year_idx
            } else {
                word_idx + 1
            };
            return Some((
                word_idx,
                last_idx,
                Day::from_civil(year, month, first_day),
                Day::from_civil(year, month, last_day),
            ));
        }
        if let Some(year) = year_number(after) {
            let (start, end) = month_range(year, month);
            return Some((word_idx, word_idx + 1, start, end));
        }
        // A month alone only after a preposition, and never "may".
        let preceded =
            word_idx > 0 && matches!(key(word_idx - 1), "in" | "since" | "until" | "by" | "during");
        if preceded && word != "may" && words[word_idx].text.len() > 3 {
            // A month is past once it has begun, future until it ends.
            let day = match tree.tense_at(at) {
                Tense::Past => 1,
                Tense::Future => days_in_month(reference.to_civil().0, month),
                Tense::Present => 15,
            };
            let year = year_for(reference, month, day, tree.tense_at(at));
            let (start, end) = month_range(year, month);
            return Some((word_idx, word_idx, start, end));
        }
        return None;
    }
    // "12 January".
    if let Some(day) = day_number(words[word_idx].text)
        && let Some(month) = month_number(next(1))
        && words.get(word_idx + 1).is_some_and(Word::is_capitalised)
    {
        let year = year_for(reference, month, day, tree.tense_at(at));
        if valid(year, month, day) {
            let date = Day::from_civil(year, month, day);
            return Some((word_idx, word_idx + 1, date, date));
        }
    }
    // "in 2014", "since 1999".
    if let Some(year) = year_number(words[word_idx].text)
        && word_idx > 0
        && matches!(
            key(word_idx - 1),
            "in" | "since" | "until" | "by" | "during" | "of"
        )
        && joined(word_idx - 1)
        && !is_dimension(sentence, &words[word_idx])
    {
        return Some((
            word_idx,
            word_idx,
            Day::from_civil(year, 1, 1),
            Day::from_civil(year, 12, 31),
        ));
    }
    // A year standing alone ("2019 is just not as strong as 2018", "the
    // 1994 World Cup", "1776's Wealth of Nations"): a possessive of any year,
    // or a year of the last two centuries that is no amount ("$2000",
    // "2000 people", "about 1900").
    if let Some(year) = year_number(base) {
        let possessive = base.len() < word.len();
        let amount_before = word_idx.checked_sub(1).is_some_and(|before| {
            matches!(
                key(before),
                "$" | "£"
                    | "€"
                    | "about"
                    | "around"
                    | "nearly"
                    | "almost"
                    | "some"
                    | "than"
                    | "over"
                    | "under"
                    | "approximately"
                    | "roughly"
                    | "least"
                    | "no"
                    | "number"
                    | "top"
            ) || sentence[words[before].end..words[word_idx].start].contains(['$', '£', '€', '#'])
                || words[before]
                    .text
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b',')
        });
        let amount_after = matches!(next(1), "%" | "percent" | "per" | "cent")
            || sentence[words[word_idx].end..].starts_with(['%', '-', '/', ':', '.', ','])
                && sentence[words[word_idx].end..]
                    .chars()
                    .nth(1)
                    .is_some_and(|c| c.is_ascii_digit());
        // "fiscal 2019", "financial year 2019": a company's or a state's
        // year, whose bounds the words do not give.
        let fiscal = word_idx.checked_sub(1).is_some_and(|before| {
            matches!(key(before), "fiscal" | "fy")
                || (key(before) == "year" && before > 0 && matches!(key(before - 1), "fiscal" | "financial"))
        });
        if fiscal {
            return None;
        }
        let dimension = is_dimension(sentence, &words[word_idx]);
        let plausible = possessive || (1900..=2099).contains(&year);
        if plausible && !amount_before && !amount_after && !dimension && (possessive || !tree.counts_at(at)) {
            return Some((
                word_idx,
                word_idx,
                Day::from_civil(year, 1, 1),
                Day::from_civil(year, 12, 31),
            ));
        }
    }
    None
}

/// A third of a month or a year: "early", "mid" or "late".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Early,
    Mid,
    Late,
}

fn part_of(key: &str) -> Option<Part> {
    let part = match key {
        "early" => Part::Early,
        "mid" => Part::Mid,
        "late" => Part::Late,
        _ => return None,
    };
    Some(part)
}

/// The days of a month a part covers: the 1st to the 10th, the 11th to the
/// 20th, the 21st to the month's end.
fn month_part(year: i64, month: u32, part: Part) -> (Day, Day) {
    let (first, last) = match part {
        Part::Early => (1, 10),
        Part::Mid => (11, 20),
        Part::Late => (21, days_in_month(year, month)),
    };
    (
        Day::from_civil(year, month, first),
        Day::from_civil(year, month, last),
    )
}

/// The months of a year a part covers: January to April, May to August,
/// September to December (as "the early 2000s" are 2000 to 2003).
fn year_part(year: i64, part: Part) -> (Day, Day) {
    let (first, last) = match part {
        Part::Early => (1, 4),
        Part::Mid => (5, 8),
        Part::Late => (9, 12),
    };
    (month_range(year, first).0, month_range(year, last).1)
}

/// Words that may stand before a month's part without a year ("in early
/// March", "since mid-September", "until late May").
const PART_PREPOSITIONS: &[&str] = &[
    "in", "since", "until", "till", "by", "during", "from", "before", "after", "through", "around", "to",
];

/// The part of a month or a year starting at `word_idx`, as (first word,
/// last word, start, end) ([`month_part`], [`year_part`]):
/// - "mid-2019", "early 2005", "late 2002": the part of that year;
/// - "early next year", "late last month": the part of that period (of
///   this year or month only up to the article in a past clause);
/// - "mid-January 2005": the part of that month;
/// - "in early April", "since mid-September": after a preposition, the part
///   of the month in the year the tense points to, as for a month alone. A
///   part without one ("a late October harvest", "sown mid-November") is
///   left out: often a habit or a kind, not a time.
fn part_at<'k>(
    words: &[Word<'_>],
    key: &impl Fn(usize) -> &'k str,
    joined: &impl Fn(usize) -> bool,
    word_idx: usize,
    reference: Day,
    tree: &mut dyn Tree,
) -> Option<(usize, usize, Day, Day)> {
    let word = key(word_idx);
    let at = words[word_idx].start;
    // "mid-September" is one word, "mid September" two.
    let (part, named_idx, named, named_text) = match word.strip_prefix("mid-") {
        Some(rest) => (Part::Mid, word_idx, rest, words[word_idx].text.get(4..)?),
        None => {
            let part = part_of(word)?;
            if !joined(word_idx) {
                return None;
            }
            let named_word = words.get(word_idx + 1)?;
            (part, word_idx + 1, key(word_idx + 1), named_word.text)
        }
    };
    if let Some(year) = year_number(named) {
        if tree.counts_at(words[named_idx].start) {
            return None;
        }
        let (start, end) = year_part(year, part);
        return Some((word_idx, named_idx, start, end));
    }
    if named_idx > word_idx
        && matches!(named, "this" | "last" | "next")
        && joined(named_idx)
        && let unit @ ("year" | "month") = key(named_idx + 1)
    {
        let (period_start, _) = relative_period(named, unit, reference)?;
        let (year, month, _) = period_start.to_civil();
        let (start, end) = if unit == "year" {
            year_part(year, part)
        } else {
            month_part(year, month, part)
        };
        let end =
            if named == "this" && start <= reference && reference < end && tree.tense_at(at) == Tense::Past {
                reference
            } else {
                end
            };
        return (start <= end).then_some((word_idx, named_idx + 1, start, end));
    }
    let month = month_number(named)?;
    let capitalised = named_text.chars().next().is_some_and(char::is_uppercase);
    // "Dec" or "Mar" alone may be no month; "May" is one here.
    if !capitalised || (named.len() <= 3 && named != "may") {
        return None;
    }
    // "mid-January 2005".
    if joined(named_idx)
        && let Some(year) = words
            .get(named_idx + 1)
            .and_then(|year_word| year_number(year_word.text))
    {
        let (start, end) = month_part(year, month, part);
        return Some((word_idx, named_idx + 1, start, end));
    }
    let preceded = word_idx > 0 && joined(word_idx - 1) && PART_PREPOSITIONS.contains(&key(word_idx - 1));
    if !preceded {
        return None;
    }
    // As for a month alone: a part is past once it has begun, future until
    // it ends, and otherwise the nearest one.
    let tense = tree.tense_at(at);
    let (ref_year, _, _) = reference.to_civil();
    let (first, last) = month_part(ref_year, month, part);
    let day = match tense {
        Tense::Past => first.to_civil().2,
        Tense::Future => last.to_civil().2,
        Tense::Present => (first.to_civil().2 + last.to_civil().2) / 2,
    };
    let year = year_for(reference, month, day, tense);
    let (start, end) = month_part(year, month, part);
    Some((word_idx, named_idx, start, end))
}

/// The share of a year starting at `word_idx`: "the first half of 2005"
/// (January to June), "the second half of next year", "the first six months
/// of 2005", "the last three months of 2004" (October to December), as
/// (first word, last word, start, end). A year's quarters are left out: a
/// company's quarter is often of its fiscal year, whose bounds the words do
/// not give; "fiscal 2005" names no calendar year and is left out too.
fn share_of_year_at<'k>(
    words: &[Word<'_>],
    key: &impl Fn(usize) -> &'k str,
    joined: &impl Fn(usize) -> bool,
    word_idx: usize,
    reference: Day,
) -> Option<(usize, usize, Day, Day)> {
    let next = |offset: usize| {
        if (0..offset).all(|step| joined(word_idx + step)) {
            key(word_idx + offset)
        } else {
            ""
        }
    };
    let ordinal_offset = usize::from(key(word_idx) == "the");
    let from_start = match next(ordinal_offset) {
        "first" => true,
        "second" | "last" | "final" => false,
        _ => return None,
    };
    // How many months, and the offset of "of".
    let (months, of_offset) = match next(ordinal_offset + 1) {
        "half" => (6, ordinal_offset + 2),
        count_word => {
            let count = small_number(count_word).filter(|count| (1..=11).contains(count))?;
            if count_word == "a" || count_word == "an" || next(ordinal_offset + 2) != "months" {
                return None;
            }
            // "the second three months" is no share the words bound.
            if next(ordinal_offset) == "second" && count != 6 {
                return None;
            }
            (count as u32, ordinal_offset + 3)
        }
    };
    if next(of_offset) != "of" {
        return None;
    }
    let (year, last_offset) = match next(of_offset + 1) {
        relation @ ("this" | "last" | "next") if next(of_offset + 2) == "year" => (
            relative_period(relation, "year", reference)?.0.to_civil().0,
            of_offset + 2,
        ),
        year_word => (year_number(year_word)?, of_offset + 1),
    };
    // "the first half of 2005-06" names a season or a fiscal year.
    if last_offset == of_offset + 1
        && words
            .get(word_idx + last_offset + 1)
            .is_some_and(|after| words[word_idx + last_offset].end == after.start)
    {
        return None;
    }
    let (first_month, last_month) = if from_start {
        (1, months)
    } else {
        (13 - months, 12)
    };
    Some((
        word_idx,
        word_idx + last_offset,
        month_range(year, first_month).0,
        month_range(year, last_month).1,
    ))
}

/// Verbs that move a date: "moved from May to June" names two dates, not a
/// stretch of time.
const RESCHEDULING_WORDS: &[&str] = &[
    "moved",
    "move",
    "moving",
    "postponed",
    "postpone",
    "delayed",
    "delay",
    "shifted",
    "shift",
    "switched",
    "swapped",
    "changed",
    "brought",
    "pushed",
    "rescheduled",
    "put",
    "bumped",
];

/// A range of months starting at `word_idx`, as (first word, last word,
/// start, end): "between March and October 2004", "from December 2004 to
/// April 2005", "from November to December", "the July to September
/// period", "April-July". The years come from the words when they are given
/// (a year at the end holds for both months, the first month falling in the
/// year before when it comes later in the calendar), and otherwise from the
/// tense, as for a month alone. "from May to June" after a verb that moves
/// a date ("postponed from May to June") and a chain ("from May to April to
/// March") are no range.
fn month_range_at<'k>(
    words: &[Word<'_>],
    key: &impl Fn(usize) -> &'k str,
    joined: &impl Fn(usize) -> bool,
    word_idx: usize,
    reference: Day,
    tree: &mut dyn Tree,
) -> Option<(usize, usize, Day, Day)> {
    let word = key(word_idx);
    let at = words[word_idx].start;
    let month_at = |idx: usize| {
        let text = words.get(idx)?.text;
        let capitalised = text.chars().next().is_some_and(char::is_uppercase);
        (capitalised && (text.len() > 3 || text == "May"))
            .then(|| month_number(key(idx)))
            .flatten()
    };
    let year_after = |idx: usize| {
        joined(idx)
            .then(|| {
                words
                    .get(idx + 1)
                    .and_then(|year_word| year_number(year_word.text))
            })
            .flatten()
    };
    // (first month, its year, last month, its year, first word, last word).
    let (first_month, first_year, last_month, last_year, first_idx, last_idx) =
        if let Some((first, last)) = words[word_idx].text.split_once(['-', '\u{2013}']) {
            // "April-July", "July-September 2004".
            let capitalised = |text: &str| text.chars().next().is_some_and(char::is_uppercase);
            let full = |text: &str| text.len() > 3 || text == "May";
            if !(capitalised(first) && capitalised(last) && full(first) && full(last)) {
                return None;
            }
            let first_month = month_number(&first.to_ascii_lowercase())?;
            let last_month = month_number(&last.to_ascii_lowercase())?;
            let year = year_after(word_idx);
            let last_idx = if year.is_some() { word_idx + 1 } else { word_idx };
            (first_month, None, last_month, year, word_idx, last_idx)
        } else {
            let opens = match word {
                "between" | "from" => true,
                "the" => false,
                _ => return None,
            };
            if !joined(word_idx) {
                return None;
            }
            let first_month_idx = word_idx + 1;
            let first_month = month_at(first_month_idx)?;
            let first_year = year_after(first_month_idx);
            let joiner_idx = first_month_idx + 1 + usize::from(first_year.is_some());
            if !joined(joiner_idx - 1) || !joined(joiner_idx) {
                return None;
            }
            let joins = matches!(
                (word, key(joiner_idx)),
                ("between", "and") | ("from" | "the", "to" | "through" | "until" | "till")
            );
            if !joins {
                return None;
            }
            let last_month_idx = joiner_idx + 1;
            let last_month = month_at(last_month_idx)?;
            let last_year = year_after(last_month_idx);
            let last_idx = last_month_idx + usize::from(last_year.is_some());
            // "from May to April to March" is a chain of changes.
            if joined(last_idx) && matches!(key(last_idx + 1), "to" | "through" | "until" | "till") {
                return None;
            }
            if word == "from" && (0..word_idx).any(|idx| RESCHEDULING_WORDS.contains(&key(idx))) {
                return None;
            }
            // "the July to September period" keeps no "the".
            let first_idx = if opens { word_idx } else { first_month_idx };
            (
                first_month,
                first_year,
                last_month,
                last_year,
                first_idx,
                last_idx,
            )
        };
    let (first_year, last_year) = match (first_year, last_year) {
        (Some(first), Some(last)) => (first, last),
        (None, Some(last)) => (if first_month <= last_month { last } else { last - 1 }, last),
        (Some(first), None) => (
            first,
            if first_month <= last_month {
                first
            } else {
                first + 1
            },
        ),
        (None, None) => {
            let wraps = i64::from(first_month > last_month);
            match tree.tense_at(at) {
                // Past once it has begun; future until it ends.
                Tense::Past => {
                    let first = year_for(reference, first_month, 1, Tense::Past);
                    (first, first + wraps)
                }
                Tense::Future => {
                    let last = year_for(reference, last_month, 31, Tense::Future);
                    (last - wraps, last)
                }
                Tense::Present => {
                    let first = year_for(reference, first_month, 15, Tense::Present);
                    (first, first + wraps)
                }
            }
        }
    };
    let start = month_range(first_year, first_month).0;
    let end = month_range(last_year, last_month).1;
    (start < end).then_some((first_idx, last_idx, start, end))
}

/// A named day's month and day in a given year.
type DayOfYear = fn(i64) -> (u32, u32);

/// The named day of the year that starts at `word_idx` ("Christmas Day",
/// "New Year's Eve", "St Patrick's Day", "Singles Day"): its last word and
/// its month and day in a given year. Names whose day differs between countries
/// ("Independence Day", "Thanksgiving", "Mother's Day") are left out; Black
/// Friday and Cyber Monday are the American ones.
fn holiday_at<'k>(
    key: &impl Fn(usize) -> &'k str,
    joined: &impl Fn(usize) -> bool,
    word_idx: usize,
) -> Option<(usize, DayOfYear)> {
    let next = |offset: usize| {
        if (word_idx..word_idx + offset).all(joined) {
            key(word_idx + offset)
        } else {
            ""
        }
    };
    let (offset, day_of_year): (usize, DayOfYear) = match (key(word_idx), next(1), next(2)) {
        ("christmas", "day", _) => (1, |_| (12, 25)),
        ("christmas", "eve", _) => (1, |_| (12, 24)),
        ("boxing", "day", _) => (1, |_| (12, 26)),
        ("new", "year's" | "year\u{2019}s", "day") => (2, |_| (1, 1)),
        ("new", "year's" | "year\u{2019}s", "eve") => (2, |_| (12, 31)),
        ("valentine's" | "valentine\u{2019}s", "day", _) => (1, |_| (2, 14)),
        ("st" | "st." | "saint", "patrick's" | "patrick\u{2019}s", "day") => (2, |_| (3, 17)),
        ("halloween", _, _) => (0, |_| (10, 31)),
        ("bastille", "day", _) => (1, |_| (7, 14)),
        ("armistice" | "veterans" | "veterans'" | "veterans\u{2019}", "day", _) => (1, |_| (11, 11)),
        ("singles" | "singles'" | "singles\u{2019}", "day", _) => (1, |_| (11, 11)),
        // They move with Thanksgiving.
        ("black", "friday", _) => (1, |year| (11, thanksgiving(year) + 1)),
        ("cyber", "monday", _) => (1, |year| (11, thanksgiving(year) + 4)),
        _ => return None,
    };
    Some((word_idx + offset, day_of_year))
}

/// The day of November of the United States' Thanksgiving in `year`, its
/// fourth Thursday.
fn thanksgiving(year: i64) -> u32 {
    let first = Day::from_civil(year, 11, 1).weekday();
    let first_thursday = 1 + (3 - first).rem_euclid(7);
    u32::try_from(first_thursday + 21).unwrap_or(22)
}

/// Whether the number `word` is the first side of a dimension ("2048 *
/// 1080 pixels", "1920 x 1080"), which is no year.
fn is_dimension(sentence: &str, word: &Word<'_>) -> bool {
    let rest = sentence[word.end..].trim_start_matches(' ');
    rest.strip_prefix(['*', 'x', '\u{d7}']).is_some_and(|rest| {
        rest.trim_start_matches(' ')
            .starts_with(|c: char| c.is_ascii_digit())
    })
}

/// "1990s" (or "mid-1990s") as its decade's first year and the "mid" it
/// may carry.
fn decade_of(text: &str) -> Option<(i64, Option<&'static str>)> {
    let (text, part) = match text.strip_prefix("mid-") {
        Some(rest) => (rest, Some("mid")),
        None => (text, None),
    };
    let year = year_number(text.strip_suffix('s')?)?;
    (year % 10 == 0).then_some((year, part))
}

/// A range of years at `word_idx`: "2008 to 2016", "2008 and 2016" (after
/// "between"), "2008-2016", as (first year, last year, last word).
fn year_range_at<'k>(
    words: &[Word<'_>],
    key: &impl Fn(usize) -> &'k str,
    joined: &impl Fn(usize) -> bool,
    word_idx: usize,
) -> Option<(i64, i64, usize)> {
    let text = words[word_idx].text;
    if let Some((first, last)) = text.split_once(['-', '\u{2013}'])
        && let (Some(first), Some(last)) = (year_number(first), year_number(last))
    {
        return (first < last).then_some((first, last, word_idx));
    }
    let first = year_number(text)?;
    let between = word_idx > 0 && key(word_idx - 1) == "between";
    let from = word_idx > 0 && key(word_idx - 1) == "from";
    let joiner = key(word_idx + 1);
    let joins = (joiner == "to" && (between || from)) || (joiner == "and" && between);
    if !joins || !joined(word_idx) || !joined(word_idx + 1) {
        return None;
    }
    let last = year_number(words.get(word_idx + 2)?.text)?;
    (first < last).then_some((first, last, word_idx + 2))
}

/// "9" or "9-10" at `idx`, as days of a month.
fn day_range(words: &[Word<'_>], idx: usize, joined: bool) -> Option<(u32, u32)> {
    if !joined {
        return None;
    }
    let text = words.get(idx)?.text;
    match text.split_once('-') {
        Some((first, last)) => {
            let (first, last) = (day_number(first)?, day_number(last)?);
            (first <= last).then_some((first, last))
        }
        None => day_number(text).map(|day| (day, day)),
    }
}

/// The year of `month`/`day` for a clause in `tense`: the latest one up to
/// `reference` in the past, the first one from it in the future, the
/// nearest one otherwise.
fn year_for(reference: Day, month: u32, day: u32, tense: Tense) -> i64 {
    let (ref_year, _, _) = reference.to_civil();
    let candidates = [ref_year - 1, ref_year, ref_year + 1]
        .into_iter()
        .filter(|year| valid(*year, month, day.min(days_in_month(*year, month))))
        .map(|year| {
            (
                year,
                Day::from_civil(year, month, day.min(days_in_month(year, month))),
            )
        });
    let chosen = match tense {
        Tense::Past => candidates
            .filter(|(_, date)| *date <= reference)
            .max_by_key(|(_, date)| *date),
        Tense::Future => candidates
            .filter(|(_, date)| *date >= reference)
            .min_by_key(|(_, date)| *date),
        Tense::Present => candidates.min_by_key(|(_, date)| (date.0 - reference.0).abs()),
    };
    chosen.map_or(ref_year, |(year, _)| year)
}

/// The weekday nearest to `reference` in the right direction: the past by
/// default (news reports what happened), the future after "next" or in a
/// sentence about the future. The reference's own weekday is the reference day.
fn weekday_from(reference: Day, weekday: i64, next: bool, future: bool) -> Day {
    let today = reference.weekday();
    if next || future {
        let ahead = (weekday - today).rem_euclid(7);
        reference.plus(if ahead == 0 && next { 7 } else { ahead })
    } else {
        reference.plus(-(today - weekday).rem_euclid(7))
    }
}

/// The Saturday of the last weekend that began before `reference`.
fn last_saturday_before(reference: Day) -> Day {
    let back = (reference.weekday() - 5).rem_euclid(7);
    reference.plus(-if back == 0 { 7 } else { back })
}

/// "this week", "earlier this month", "last year", "this past month" as a range.
fn relative_period(relation: &str, unit: &str, reference: Day) -> Option<(Day, Day)> {
    let (year, month, _) = reference.to_civil();
    let monday = reference.plus(-reference.weekday());
    let range = match (relation, unit) {
        ("this", "week") => (monday, monday.plus(6)),
        ("last", "week") => (monday.plus(-7), monday.plus(-1)),
        ("next", "week") => (monday.plus(7), monday.plus(13)),
        ("earlier", "week") => (monday, reference.plus(-1).max(monday)),
        ("this", "month") => month_range(year, month),
        ("last", "month") => {
            let (year, month) = add_months(year, month, -1);
            month_range(year, month)
        }
        ("next", "month") => {
            let (year, month) = add_months(year, month, 1);
            month_range(year, month)
        }
        ("earlier", "month") => {
            let first = Day::from_civil(year, month, 1);
            (first, reference.plus(-1).max(first))
        }
        ("this", "year") => (Day::from_civil(year, 1, 1), Day::from_civil(year, 12, 31)),
        ("last", "year") => (Day::from_civil(year - 1, 1, 1), Day::from_civil(year - 1, 12, 31)),
        ("next", "year") => (Day::from_civil(year + 1, 1, 1), Day::from_civil(year + 1, 12, 31)),
        ("earlier", "year") => {
            let first = Day::from_civil(year, 1, 1);
            (first, reference.plus(-1).max(first))
        }
        ("past", "week") => (reference.plus(-7), reference),
        ("past", "month") => (shift_months(reference, -1), reference),
        ("past", "year") => (shift_months(reference, -12), reference),
        _ => return None,
    };
    Some(range)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::words::words;
    use claimdb_analysis::pipeline::Models;

    fn dates(sentence: &str, reference: &str) -> Vec<(String, String, String)> {
        let sentence_words: Vec<Word<'_>> = words(sentence).collect();
        let mut found = Vec::new();
        let analysis = Models::embedded().analyse(sentence, 0..sentence.len());
        find_dates(
            sentence,
            &sentence_words,
            Some(Day::parse(reference).unwrap()),
            &mut None,
            &mut &analysis,
            &mut found,
        );
        found
            .into_iter()
            .map(|date| {
                (
                    date.start.iso(),
                    date.end.iso(),
                    sentence[date.span.start..date.span.end].to_string(),
                )
            })
            .collect()
    }

    /// The dates of `sentences` read in order, as one article dated
    /// `reference` (or undated), each sentence's list apart.
    fn dates_of_text(sentences: &[&str], reference: Option<&str>) -> Vec<Vec<(String, String, String)>> {
        let models = Models::embedded();
        let mut narrative = None;
        sentences
            .iter()
            .map(|sentence| {
                let sentence_words: Vec<Word<'_>> = words(sentence).collect();
                let analysis = models.analyse(sentence, 0..sentence.len());
                let mut found = Vec::new();
                find_dates(
                    sentence,
                    &sentence_words,
                    reference.map(|day| Day::parse(day).unwrap()),
                    &mut narrative,
                    &mut &analysis,
                    &mut found,
                );
                found
                    .into_iter()
                    .map(|date| {
                        (
                            date.start.iso(),
                            date.end.iso(),
                            sentence[date.span.start..date.span.end].to_string(),
                        )
                    })
                    .collect()
            })
            .collect()
    }

    fn one(sentence: &str) -> (String, String, String) {
        let found = dates(sentence, "2022-01-01");
        assert_eq!(found.len(), 1, "{sentence:?}: {found:?}");
        found.into_iter().next().unwrap()
    }

    fn range(start: &str, end: &str, text: &str) -> (String, String, String) {
        (start.into(), end.into(), text.into())
    }

    #[test]
    fn civil_days_round_trip() {
        for text in [
            "1970-01-01",
            "2000-02-29",
            "2021-12-30",
            "2022-01-01",
            "1600-03-01",
            "2100-12-31",
        ] {
            assert_eq!(Day::parse(text).unwrap().iso(), text);
        }
        assert_eq!(Day::parse("2022-01-01").unwrap().weekday(), 5, "a Saturday");
        assert_eq!(Day::parse("2021-02-29"), None);
        assert_eq!(Day::parse("2022-1-01"), None);
        let mut day = Day::parse("1999-12-25").unwrap();
        for _ in 0..1000 {
            let (year, month, day_of_month) = day.to_civil();
            assert_eq!(Day::from_civil(year, month, day_of_month), day);
            day = day.plus(1);
        }
    }

    #[test]
    fn the_mission_article_dates() {
        assert_eq!(
            one("In a call on Thursday, he spoke."),
            range("2021-12-30", "2021-12-30", "on Thursday")
        );
        assert_eq!(
            one("It happened yesterday."),
            range("2021-12-31", "2021-12-31", "yesterday")
        );
        assert_eq!(
            one("Talks this month could help."),
            range("2022-01-01", "2022-01-31", "this month")
        );
        assert_eq!(
            one("a Jan 9-10 security meeting"),
            range("2022-01-09", "2022-01-10", "Jan 9-10")
        );
        assert_eq!(
            one("a session on Jan 12, and more"),
            range("2022-01-12", "2022-01-12", "on Jan 12")
        );
        assert_eq!(
            one("the seizure of Crimea in 2014 and"),
            range("2014-01-01", "2014-12-31", "in 2014")
        );
        assert_eq!(
            one("deployments over the past two months have"),
            range("2021-11-01", "2022-01-01", "over the past two months")
        );
        assert_eq!(
            one("for the first time earlier this week"),
            range("2021-12-27", "2021-12-31", "earlier this week")
        );
        assert_eq!(
            one("a report over the weekend that"),
            range("2021-12-25", "2021-12-26", "over the weekend")
        );
        assert_eq!(
            one("their second conversation this past month,"),
            range("2021-12-01", "2022-01-01", "this past month")
        );
    }

    #[test]
    fn other_expressions() {
        assert_eq!(
            one("He met her last Friday."),
            range("2021-12-31", "2021-12-31", "last Friday")
        );
        assert_eq!(
            one("They will meet on Monday."),
            range("2022-01-03", "2022-01-03", "on Monday")
        );
        // Past tense in a January article: last year's March.
        assert_eq!(
            one("It rose in March."),
            range("2021-03-01", "2021-03-31", "in March")
        );
        assert_eq!(
            one("It fell last December."),
            range("2021-12-01", "2021-12-31", "last December")
        );
        assert_eq!(
            one("It rose 5% last year."),
            range("2021-01-01", "2021-12-31", "last year")
        );
        assert_eq!(
            one("It was signed on 12 December."),
            range("2021-12-12", "2021-12-12", "on 12 December")
        );
        assert_eq!(
            one("Signed January 12, 2020 in Paris."),
            range("2020-01-12", "2020-01-12", "January 12, 2020")
        );
        assert_eq!(
            one("They will vote tomorrow."),
            range("2022-01-02", "2022-01-02", "tomorrow")
        );
    }

    #[test]
    fn the_tense_of_the_dates_clause_picks_the_year() {
        let december = |sentence: &str| {
            let found = dates(sentence, "2017-12-15");
            assert_eq!(found.len(), 1, "{sentence:?}: {found:?}");
            found.into_iter().next().unwrap()
        };
        // In a December article a past "in March" is that year's.
        assert_eq!(
            december("The bill passed in March."),
            range("2017-03-01", "2017-03-31", "in March")
        );
        assert_eq!(
            december("The vote will be held in March."),
            range("2018-03-01", "2018-03-31", "in March")
        );
        assert_eq!(
            december("He was arrested on May 18."),
            range("2017-05-18", "2017-05-18", "on May 18")
        );
        // The clause of the date decides, not the sentence's first verb.
        assert_eq!(
            december("He said the talks will be held on Monday."),
            range("2017-12-18", "2017-12-18", "on Monday")
        );
        assert_eq!(
            december("Sales fell 5% this year."),
            range("2017-01-01", "2017-12-15", "this year")
        );
    }

    #[test]
    fn expressions_that_point_back_take_the_articles_time_so_far() {
        let day = Some("2019-11-20");
        assert_eq!(
            dates_of_text(
                &["Dealers last year sold 303,417 new vehicles, up 4 percent from the previous year."],
                day
            ),
            [vec![
                range("2018-01-01", "2018-12-31", "last year"),
                range("2017-01-01", "2017-12-31", "the previous year"),
            ]]
        );
        // "a year earlier" than a month is that month a year before.
        assert_eq!(
            dates_of_text(
                &["The rate averaged 5.7 percent in October, down from 6.2 percent a year earlier."],
                day
            ),
            [vec![
                range("2019-10-01", "2019-10-31", "in October"),
                range("2018-10-01", "2018-10-31", "a year earlier"),
            ]]
        );
        // Across sentences: the last date the text gave.
        assert_eq!(
            dates_of_text(
                &[
                    "Trump had his annual physical in 2018.",
                    "As Gupta noted at the time, the risk was moderate.",
                    "Sources said that a year later, he had made only minor changes.",
                ],
                day
            ),
            [
                vec![range("2018-01-01", "2018-12-31", "in 2018")],
                vec![range("2018-01-01", "2018-12-31", "at the time")],
                vec![range("2019-01-01", "2019-12-31", "a year later")],
            ]
        );
        assert_eq!(
            dates_of_text(
                &[
                    "The girl went missing on May 18.",
                    "Later that evening, he admitted that he took her to a hotel.",
                    "The next day, police found her.",
                ],
                Some("2019-11-19")
            ),
            [
                vec![range("2019-05-18", "2019-05-18", "on May 18")],
                vec![range("2019-05-18", "2019-05-18", "Later that evening")],
                vec![range("2019-05-19", "2019-05-19", "The next day")],
            ]
        );
        // An undated article: the year the text gave.
        assert_eq!(
            dates_of_text(
                &[
                    "Their best was 2002's Here To Stay, while Untouchables, released in the same year, made number four."
                ],
                None
            ),
            [vec![
                range("2002-01-01", "2002-12-31", "2002's"),
                range("2002-01-01", "2002-12-31", "in the same year"),
            ]]
        );
        // Told against the article's day.
        assert_eq!(
            dates_of_text(
                &["Rates should stay low for the remainder of the year, but at the moment they are rising."],
                day
            ),
            [vec![
                range("2019-11-20", "2019-12-31", "for the remainder of the year"),
                range("2019-11-20", "2019-11-20", "at the moment"),
            ]]
        );
    }

    #[test]
    fn the_same_period_of_another_year() {
        // See: #12. An undated article: only the text's own dates.
        assert_eq!(
            dates_of_text(
                &[
                    "Boeing's earnings fell in the last three months of 2004.",
                    "Net profit was $186m, compared with $1.13bn in the same period of 2003.",
                    "Orders were 9% higher than in the same period last year.",
                    "Over the same period, costs rose.",
                ],
                None
            ),
            [
                vec![range(
                    "2004-10-01",
                    "2004-12-31",
                    "in the last three months of 2004"
                )],
                vec![range("2003-10-01", "2003-12-31", "in the same period of 2003")],
                vec![],
                vec![range("2003-10-01", "2003-12-31", "Over the same period")],
            ]
        );
    }

    #[test]
    fn expressions_that_point_back_to_nothing_known_are_left_out() {
        let day = Some("2019-11-20");
        // No date came before: nothing to count back from.
        assert_eq!(
            dates_of_text(&["Sales rose 4 percent from the previous year."], day),
            [vec![]]
        );
        // An offset from an event, or the time of an event, whose date the
        // text does not give.
        assert_eq!(
            dates_of_text(
                &[
                    "The talks began in 2018.",
                    "The crash came a day after the Taliban swapped two hostages.",
                    "At the time of the vote, he was abroad.",
                ],
                day
            ),
            [vec![range("2018-01-01", "2018-12-31", "in 2018")], vec![], vec![]]
        );
        // A date that says what a thing is ("the July 25 phone call") is
        // not the time the text goes on in; "at the same time" says two
        // things happen together.
        assert_eq!(
            dates_of_text(
                &[
                    "The hearings ended on Tuesday.",
                    "Lawmakers asked about Trump's July 25 phone call.",
                    "Later in the day, Volker testified, and at the same time protesters marched.",
                ],
                day
            ),
            [
                vec![range("2019-11-19", "2019-11-19", "on Tuesday")],
                vec![range("2019-07-25", "2019-07-25", "July 25")],
                vec![range("2019-11-19", "2019-11-19", "Later in the day")],
            ]
        );
        // A day part needs a day to belong to.
        assert_eq!(
            dates_of_text(
                &["The talks began in 2018.", "Later that evening, they ended."],
                day
            ),
            [vec![range("2018-01-01", "2018-12-31", "in 2018")], vec![]]
        );
    }

    #[test]
    fn modals_participles_and_the_year_so_far() {
        // 2019-11-19 is a Tuesday.
        let tuesday = |sentence: &str| {
            let found = dates(sentence, "2019-11-19");
            assert_eq!(found.len(), 1, "{sentence:?}: {found:?}");
            found.into_iter().next().unwrap()
        };
        // A modal looks ahead; a modal perfect looks back.
        assert_eq!(
            tuesday("The weather should ease by Thursday."),
            range("2019-11-21", "2019-11-21", "by Thursday")
        );
        assert_eq!(
            tuesday("The weather could have eased by Thursday."),
            range("2019-11-14", "2019-11-14", "by Thursday")
        );
        // A past participle on its own tells of something done.
        assert_eq!(
            tuesday("In his last exam -- conducted in February -- he weighed 243 pounds."),
            range("2019-02-01", "2019-02-28", "in February")
        );
        // "so far", "to date": the year up to the article, whatever the tense.
        assert_eq!(
            tuesday("More than 2,500 civilians have been killed so far this year."),
            range("2019-01-01", "2019-11-19", "so far this year")
        );
        assert_eq!(
            tuesday("Shares are up 80% year to date."),
            range("2019-01-01", "2019-11-19", "year to date")
        );
        // The future takes the whole year: the year's sales, not the rest.
        assert_eq!(
            tuesday("Edmunds expects 16.6 million vehicles will be sold this year."),
            range("2019-01-01", "2019-12-31", "this year")
        );
    }

    #[test]
    fn abbreviated_months_keep_their_full_stop() {
        assert_eq!(
            one("The results came out on Dec. 12."),
            range("2021-12-12", "2021-12-12", "on Dec. 12")
        );
        assert_eq!(
            one("They were elected on Nov. 8, 2016."),
            range("2016-11-08", "2016-11-08", "on Nov. 8, 2016")
        );
    }

    #[test]
    fn a_date_that_modifies_a_thing_takes_the_nearest_year() {
        // "set" is past, but the meeting it speaks of is to come.
        assert_eq!(
            one("The exchange set the stage for a Jan 9-10 security meeting."),
            range("2022-01-09", "2022-01-10", "Jan 9-10")
        );
    }

    #[test]
    fn since_and_until_run_to_and_from_the_article_date() {
        assert_eq!(
            one("Prices have risen since 1985."),
            range("1985-01-01", "2022-01-01", "since 1985")
        );
        assert_eq!(
            one("The rules hold until 2047."),
            range("2022-01-01", "2047-12-31", "until 2047")
        );
    }

    #[test]
    fn without_a_reference_only_dates_with_a_year() {
        let sentence = "It began in 2014, grew on Thursday and ended January 12, 2020.";
        let sentence_words: Vec<Word<'_>> = words(sentence).collect();
        let mut found = Vec::new();
        find_dates(
            sentence,
            &sentence_words,
            None,
            &mut None,
            &mut NoTree,
            &mut found,
        );
        let texts: Vec<&str> = found
            .iter()
            .map(|date| &sentence[date.span.start..date.span.end])
            .collect();
        assert_eq!(texts, vec!["in 2014", "January 12, 2020"]);
        assert_eq!(found[1].start.iso(), "2020-01-12");
    }

    #[test]
    fn years_ago_decades_ranges_and_bare_years() {
        // The reference, 2019-11-20, is a Wednesday.
        let at = |sentence: &str| dates(sentence, "2019-11-20");
        assert_eq!(
            at("It opened 18 years ago."),
            vec![range("2001-01-01", "2001-12-31", "18 years ago")]
        );
        assert_eq!(
            at("Sales were higher a month ago."),
            vec![range("2019-10-01", "2019-10-31", "a month ago")]
        );
        // Two weeks before the Wednesday: the week of Monday 4 November.
        assert_eq!(
            at("He resigned two weeks ago."),
            vec![range("2019-11-04", "2019-11-10", "two weeks ago")]
        );
        assert_eq!(
            at("She left three days ago."),
            vec![range("2019-11-17", "2019-11-17", "three days ago")]
        );
        assert_eq!(
            at("Prices rose throughout the 1990s."),
            vec![range("1990-01-01", "1999-12-31", "1990s")]
        );
        assert_eq!(
            at("It began in the early 2000s."),
            vec![range("2000-01-01", "2003-12-31", "early 2000s")]
        );
        assert_eq!(
            at("Troops stayed between 2008 and 2016."),
            vec![range("2008-01-01", "2016-12-31", "between 2008 and 2016")]
        );
        assert_eq!(
            at("He served from 2008 to 2016."),
            vec![range("2008-01-01", "2016-12-31", "from 2008 to 2016")]
        );
        assert_eq!(
            at("\"2019 is just not as strong as 2018,\" he said."),
            vec![
                range("2019-01-01", "2019-12-31", "2019"),
                range("2018-01-01", "2018-12-31", "2018"),
            ]
        );
        assert_eq!(
            at("The Irish beat Italy in the 1994 World Cup Finals."),
            vec![range("1994-01-01", "1994-12-31", "1994")]
        );
        assert_eq!(
            at("He is the author of 1776's Wealth of Nations."),
            vec![range("1776-01-01", "1776-12-31", "1776's")]
        );
        assert_eq!(
            at("Today's hearing was the third."),
            vec![range("2019-11-20", "2019-11-20", "Today's")]
        );
    }

    #[test]
    fn nights_mornings_weekends_and_the_perfect() {
        let at = |sentence: &str| dates(sentence, "2019-11-20");
        assert_eq!(
            at("Two soldiers died last night."),
            vec![range("2019-11-19", "2019-11-20", "last night")]
        );
        assert_eq!(
            at("He will speak tonight."),
            vec![range("2019-11-20", "2019-11-20", "tonight")]
        );
        assert_eq!(
            at("The minister resigned this morning."),
            vec![range("2019-11-20", "2019-11-20", "this morning")]
        );
        // On a Wednesday, a past weekend is the one just gone and a coming
        // one the next.
        assert_eq!(
            at("Soldiers cleared barricades this weekend."),
            vec![range("2019-11-16", "2019-11-17", "this weekend")]
        );
        assert_eq!(
            at("They will march this weekend."),
            vec![range("2019-11-23", "2019-11-24", "this weekend")]
        );
        // The present perfect tells of what has happened: the year so far.
        assert_eq!(
            at("Sales have fallen this year."),
            vec![range("2019-01-01", "2019-11-20", "this year")]
        );
    }

    #[test]
    fn amounts_are_not_years() {
        for sentence in [
            "It cost $2000 to build.",
            "Nearly 2000 people came.",
            "About 1900 workers were laid off.",
            "Turnout was 2019 votes higher.",
            "The score was 2019-18.",
        ] {
            assert!(
                dates(sentence, "2019-11-20").is_empty(),
                "{sentence:?}: {:?}",
                dates(sentence, "2019-11-20")
            );
        }
    }

    #[test]
    fn written_dates_weekday_dates_possessives_and_deadlines() {
        // The reference, 2019-11-20, is a Wednesday; the Monday before
        // it is the 18th, but the written date says the 4th.
        assert_eq!(
            dates(
                "The report, published on Monday, Nov. 4, said prices rose.",
                "2019-11-20"
            ),
            vec![range("2019-11-04", "2019-11-04", "on Monday, Nov. 4")]
        );
        assert_eq!(
            dates("Voters will choose in next year's election.", "2019-11-20"),
            vec![range("2020-01-01", "2020-12-31", "in next year's")]
        );
        assert_eq!(
            dates("The plant will close by the end of 2021.", "2019-11-20"),
            vec![range("2021-12-31", "2021-12-31", "by the end of 2021")]
        );
    }

    #[test]
    fn named_days_of_the_year_and_the_start_of_the_week() {
        // The reference, 2019-11-20, is a Wednesday.
        assert_eq!(
            dates("Alibaba sold $38 billion of goods on Singles Day.", "2019-11-20"),
            vec![range("2019-11-11", "2019-11-11", "on Singles Day")]
        );
        assert_eq!(
            dates("Shops will open early on Christmas Eve.", "2019-11-20"),
            vec![range("2019-12-24", "2019-12-24", "on Christmas Eve")]
        );
        // In 2019 Thanksgiving fell on November 28.
        assert_eq!(
            dates("Retailers expect record sales on Black Friday.", "2019-11-20"),
            vec![range("2019-11-29", "2019-11-29", "on Black Friday")]
        );
        assert_eq!(
            dates("The party was held on New Year's Eve 2017.", "2019-11-20"),
            vec![range("2017-12-31", "2017-12-31", "on New Year's Eve 2017")]
        );
        assert_eq!(
            dates(
                "The deal was announced at the beginning of the week.",
                "2019-11-20"
            ),
            vec![range("2019-11-18", "2019-11-18", "at the beginning of the week")]
        );
        assert_eq!(
            dates("Shares rose 2% to begin the week.", "2019-11-20"),
            vec![range("2019-11-18", "2019-11-18", "to begin the week")]
        );
        // A lower-case "black friday" is no name; a future start of the
        // week is not this one.
        assert!(
            !dates("It was a black friday for the firm.", "2019-11-20")
                .iter()
                .any(|(start, _, _)| start == "2019-11-29")
        );
        assert_eq!(
            dates("Talks will resume at the start of the week.", "2019-11-20"),
            vec![]
        );
    }

    #[test]
    fn years_whose_bounds_the_words_do_not_give_are_left_out() {
        for sentence in [
            // Until this year: from a start the sentence does not give.
            "The ban was in force until this year.",
            // A company's or a state's year.
            "The company expects a profit in fiscal 2019.",
            "Spending rose in the financial year 2019.",
            // A dimension, not a year.
            "The screen shows 2048 * 1080 pixels.",
            "The UK digital network will be the first to employ 2k projectors - which are capable of showing films at resolutions of 2048 * 1080 pixels.",
        ] {
            assert!(
                dates(sentence, "2019-11-20").is_empty(),
                "{sentence:?}: {:?}",
                dates(sentence, "2019-11-20")
            );
        }
    }

    #[test]
    fn early_mid_and_late_parts_of_months_and_years() {
        // See: #12. The reference, 2019-11-20, is a Wednesday.
        let at = |sentence: &str| dates(sentence, "2019-11-20");
        // "since" runs from the part's first day to the article's.
        assert_eq!(
            at("One station hasn't seen rain since mid-September."),
            vec![range("2019-09-11", "2019-11-20", "since mid-September")]
        );
        assert_eq!(
            at("Filming began in early April."),
            vec![range("2019-04-01", "2019-04-10", "in early April")]
        );
        assert_eq!(
            at("He left in late May."),
            vec![range("2019-05-21", "2019-05-31", "in late May")]
        );
        // Still to come in a November article: next January.
        assert_eq!(
            at("The sedan will go on sale in late January."),
            vec![range("2020-01-21", "2020-01-31", "in late January")]
        );
        assert_eq!(
            at("The firm must find a deal by mid-January 2005."),
            vec![range("2005-01-11", "2005-01-20", "by mid-January 2005")]
        );
        assert_eq!(
            at("The Act comes into force in mid-2005."),
            vec![range("2005-05-01", "2005-08-31", "in mid-2005")]
        );
        assert_eq!(
            at("The film was released in late 2002."),
            vec![range("2002-09-01", "2002-12-31", "in late 2002")]
        );
        assert_eq!(
            at("The plant will open early next year."),
            vec![range("2020-01-01", "2020-04-30", "early next year")]
        );
        assert_eq!(
            at("He built up his stake late last year."),
            vec![range("2018-09-01", "2018-12-31", "late last year")]
        );
        // A part with no preposition is often a habit or a kind.
        assert_eq!(at("Winter wheat is typically sown mid-November."), vec![]);
    }

    #[test]
    fn shares_of_a_year() {
        // See: #12.
        assert_eq!(
            dates(
                "It has earmarked 100 trillion won for the first six months of 2005.",
                "2019-11-20"
            ),
            vec![range("2005-01-01", "2005-06-30", "the first six months of 2005")]
        );
        assert_eq!(
            dates("Exports declined in the second half of 2004.", "2019-11-20"),
            vec![range("2004-07-01", "2004-12-31", "in the second half of 2004")]
        );
        // The end of a year long gone, not the months up to the article.
        assert_eq!(
            dates("Sales rose 5% in the last three months of 2004.", "2005-02-01"),
            vec![range(
                "2004-10-01",
                "2004-12-31",
                "in the last three months of 2004"
            )]
        );
        assert_eq!(
            dates("A new model is due in the first half of next year.", "2019-11-20"),
            vec![range(
                "2020-01-01",
                "2020-06-30",
                "in the first half of next year"
            )]
        );
        // The end of something else; a fiscal year.
        assert_eq!(
            dates(
                "He was popular in the last two years of his presidency.",
                "2019-11-20"
            ),
            vec![]
        );
        assert_eq!(
            dates("Profit rose in the first half of fiscal 2019.", "2019-11-20"),
            vec![]
        );
    }

    #[test]
    fn ranges_of_months() {
        // See: #12.
        let at = |sentence: &str| dates(sentence, "2019-11-20");
        assert_eq!(
            at("He damaged the system between March and October 2004."),
            vec![range(
                "2004-03-01",
                "2004-10-31",
                "between March and October 2004"
            )]
        );
        assert_eq!(
            at("Rates rose five times between November 2003 and August 2004."),
            vec![range(
                "2003-11-01",
                "2004-08-31",
                "between November 2003 and August 2004"
            )]
        );
        assert_eq!(
            at("Orders were placed for delivery from December 2004 to April 2005."),
            vec![range(
                "2004-12-01",
                "2005-04-30",
                "from December 2004 to April 2005"
            )]
        );
        // A year at the end holds for both; a later first month is of the year before.
        assert_eq!(
            at("Heating bills rose between November and February 2005."),
            vec![range(
                "2004-11-01",
                "2005-02-28",
                "between November and February 2005"
            )]
        );
        // No year: the tense, as for a month alone.
        assert_eq!(
            at("The economy grew 1% in the July to September period."),
            vec![range("2019-07-01", "2019-09-30", "July to September")]
        );
        assert_eq!(
            at("Trade rose in April-July."),
            vec![range("2019-04-01", "2019-07-31", "in April-July")]
        );
        // A date moved, and a chain of moves, are no stretch of time.
        assert_eq!(at("The vote was postponed from May to June."), vec![]);
        assert_eq!(at("Its slot went from May to April to March."), vec![]);
    }

    #[test]
    fn traps_are_not_dates() {
        for sentence in [
            "Prices may rise.",
            "Troops march on.",
            "He won 2014 votes.",
            "The 10,000 troops left.",
            "It was the last word.",
            "This is the week's news.",
            "Jan 45 is not a day.",
        ] {
            assert!(dates(sentence, "2022-01-01").is_empty(), "{sentence:?}");
        }
    }
}
