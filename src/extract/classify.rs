//! Classification: a claim's kind and checkability, the entities it names and the quantities it states.

use super::attribution::NameMemory;
use super::decompose::is_finite_verb;
use super::decontext::{Places, split_possessive};
use super::lexicon::{Lexeme, is_lower_ascii};
use super::names;
use super::words::Word;
use super::{Span, dates::Day};
use crate::model::{ClaimKind, Entity, EntityKind, Quantity};

/// Value judgements: words that make an unattributed sentence an opinion.
pub const OPINION_WORDS: &[&str] = &[
    "rare",
    "remarkable",
    "valuable",
    "indispensable",
    "unacceptable",
    "shameful",
    "disgraceful",
    "excellent",
    "terrible",
    "wonderful",
    "appalling",
    "outrageous",
    "ridiculous",
    "brilliant",
    "mistake",
    "should",
    "ought",
    "deserves",
    "deserve",
    "shocking",
    "admirable",
    "disastrous",
    "welcome",
];

fn is_future_modal(text: &str) -> bool {
    matches!(
        text,
        "will" | "would" | "could" | "may" | "might" | "shall" | "won't"
    )
}

/// "plans to", "is set to", "threatens to", "is expected to", "intends to".
pub const PLAN_VERBS: &[&str] = &[
    "plans",
    "plan",
    "set",
    "threatens",
    "threaten",
    "expected",
    "intends",
    "intend",
    "aims",
    "due",
];

/// The kind of a claim from its content words, whether a quantity stands in
/// the content, and whether a reporting verb frames it.
pub fn kind_of(content: &[Word<'_>], has_quantity: bool, attributed: bool) -> ClaimKind {
    if has_quantity {
        return ClaimKind::Statistic;
    }
    if attributed {
        return ClaimKind::Statement;
    }
    let first_finite = content.iter().position(is_finite_verb);
    if let Some(verb_idx) = first_finite {
        let verb = content[verb_idx].text;
        let plans = content.windows(2).any(|pair| {
            pair[0].lexeme.has(Lexeme::PLAN_VERB)
                && is_lower_ascii(pair[0].text)
                && pair[1].text == "to"
                && !pair[0].text.ends_with("ed")
                || pair[0].text == "due"
        });
        if is_future_modal(verb)
            || (plans && matches!(verb, "is" | "are" | "plans" | "threatens" | "intends" | "aims"))
        {
            return ClaimKind::Prediction;
        }
    }
    if content
        .iter()
        .any(|word| word.lexeme.has(Lexeme::OPINION_WORD) && is_lower_ascii(word.text))
    {
        return ClaimKind::Opinion;
    }
    ClaimKind::Event
}

/// Opinions cannot be checked against facts, and predictions only once due.
pub fn is_checkable(kind: ClaimKind, date_ends: &[Day], reference: Option<Day>) -> bool {
    match kind {
        ClaimKind::Opinion => false,
        ClaimKind::Prediction => match reference {
            Some(reference) => !date_ends.is_empty() && date_ends.iter().all(|end| *end < reference),
            None => false,
        },
        _ => true,
    }
}

/// Adds the entities named by `words` (a claim's words) to `entities`, once each.
pub fn add_entities(
    words: &[Word<'_>],
    all_words: &[Word<'_>],
    memory: &NameMemory,
    places: &Places,
    entities: &mut Vec<Entity>,
) {
    let mut push = |name: &str, kind: EntityKind| {
        if !entities
            .iter()
            .any(|entity| entity.name == name && entity.kind == kind)
        {
            entities.push(Entity {
                name: name.to_string(),
                kind,
            });
        }
    };
    // Indices into `all_words` so that neighbours outside the claim's words
    // (e.g. "the" before a metonym) are still seen.
    let Some(offset) = words
        .first()
        .and_then(|first| all_words.iter().position(|word| word.start == first.start))
    else {
        return;
    };
    let mut idx = offset;
    let end = offset + words.len();
    while idx < end {
        let word = &all_words[idx];
        if !word.is_capitalised() {
            idx += 1;
            continue;
        }
        // Organisations of up to four words, tried only after a word that
        // can start one.
        let mut matched = false;
        let may_start_organisation = matches!(
            split_possessive(word.text).0,
            "Nato"
                | "NATO"
                | "North"
                | "EU"
                | "European"
                | "UN"
                | "United"
                | "IMF"
                | "International"
                | "WHO"
                | "World"
                | "OSCE"
                | "Kremlin"
                | "White"
                | "Pentagon"
        );
        let max_words = if may_start_organisation { 4 } else { 0 };
        for n_words in (1..=max_words).rev() {
            if idx + n_words > end {
                continue;
            }
            let mut texts = [""; 4];
            for (slot, word) in texts.iter_mut().zip(&all_words[idx..idx + n_words]) {
                *slot = split_possessive(word.text).0;
            }
            if let Some(name) = names::organisation_of(&texts[..n_words]) {
                // A metonym used as a state is a place; in a title it is the organisation.
                if let Some((_, last, country, false)) = places.metonym(idx) {
                    push(country.name, EntityKind::Place);
                    idx = last + 1;
                } else {
                    push(name, EntityKind::Organisation);
                    idx += n_words;
                }
                matched = true;
                break;
            }
        }
        if matched {
            continue;
        }
        if let Some((country, last)) = places.country(idx) {
            push(country.name, EntityKind::Place);
            idx = last + 1;
            continue;
        }
        let stem = split_possessive(word.text).0;
        if let Some(place) = names::place_of_word(stem) {
            push(place, EntityKind::Place);
        } else if !word.lexeme.has(Lexeme::ORDINARY_CAPITALISED)
            && let Some(full_name) = memory.full_name(stem)
        {
            push(full_name, EntityKind::Person);
        }
        idx += 1;
    }
}

/// Words that cannot be the unit after a number.
fn is_not_unit(text: &str) -> bool {
    matches!(
        text,
        "to" | "and"
            | "or"
            | "of"
            | "the"
            | "a"
            | "in"
            | "on"
            | "at"
            | "is"
            | "are"
            | "was"
            | "were"
            | "has"
            | "have"
            | "had"
            | "than"
            | "by"
            | "for"
            | "from"
            | "with"
            | "per"
            | "percent"
            | "cent"
            | "million"
            | "billion"
            | "thousand"
            | "trillion"
    )
}

fn multiplier(text: &str) -> Option<f64> {
    match text {
        "thousand" => Some(1e3),
        "million" | "mn" | "m" => Some(1e6),
        "billion" | "bn" => Some(1e9),
        "trillion" | "tn" => Some(1e12),
        _ => None,
    }
}

/// A number as written: "60,000", "3.5", "50" of "50-minute".
fn parse_number(text: &str) -> Option<f64> {
    let cleaned: String = text.chars().filter(|c| *c != ',').collect();
    cleaned.parse::<f64>().ok().filter(|value| value.is_finite())
}

/// The quantities `words` state, skipping the words inside `date_spans`
/// (sentence-relative) and bare years.
pub fn quantities(sentence: &str, words: &[Word<'_>], date_spans: &[Span], out: &mut Vec<Quantity>) {
    let in_date = |word: &Word<'_>| {
        date_spans
            .iter()
            .any(|span| span.start <= word.start && word.end <= span.end)
    };
    let mut idx = 0;
    while idx < words.len() {
        let word = &words[idx];
        if !word.starts_with_digit() || in_date(word) {
            idx += 1;
            continue;
        }
        let first_idx = idx;
        // "50-minute": the number and its unit in one word.
        let (number_text, joined_unit) = match word.text.split_once('-') {
            Some((number, rest)) if !rest.starts_with(|c: char| c.is_ascii_digit()) => (number, Some(rest)),
            _ => (word.text, None),
        };
        let (number_text, upper_text) = match number_text.split_once('-') {
            Some((low, high)) => (low, Some(high)),
            None => (number_text, None),
        };
        let Some(mut value) = parse_number(number_text) else {
            idx += 1;
            continue;
        };
        let mut upper = upper_text.and_then(parse_number);
        let mut last_idx = idx;
        let before = &sentence[..word.start];
        let mut unit: Option<String> = match before.trim_end().chars().next_back() {
            Some('$') => Some("USD".into()),
            Some('\u{a3}') => Some("GBP".into()),
            Some('\u{20ac}') => Some("EUR".into()),
            _ => None,
        };
        let gap_after = |idx: usize| {
            words
                .get(idx + 1)
                .map(|next| &sentence[words[idx].end..next.start])
        };
        let next_text = |idx: usize| words.get(idx + 1).map_or("", |next| next.text);
        if let Some(factor) = multiplier(next_text(last_idx)) {
            value *= factor;
            last_idx += 1;
        }
        // "60,000 to 90,000", "between 5 and 10".
        if joined_unit.is_none()
            && matches!(next_text(last_idx), "to" | "and")
            && words.get(last_idx + 2).is_some_and(Word::starts_with_digit)
            && (next_text(last_idx) == "to" || (first_idx > 0 && words[first_idx - 1].text == "between"))
            && let Some(high) = parse_number(words[last_idx + 2].text)
        {
            upper = Some(high);
            last_idx += 2;
            if let Some(factor) = multiplier(next_text(last_idx)) {
                value *= factor;
                upper = upper.map(|high| high * factor);
                last_idx += 1;
            }
        }
        let is_bare_year =
            word.text.len() == 4 && upper.is_none() && super::dates::year_number(word.text).is_some();
        if let Some(joined_unit) = joined_unit {
            unit.get_or_insert_with(|| joined_unit.to_string());
        } else if gap_after(last_idx).is_some_and(|gap| gap.starts_with('%'))
            || sentence[words[last_idx].end..].starts_with('%')
        {
            unit = Some("%".into());
        } else if matches!(next_text(last_idx), "percent" | "pc") {
            unit = Some("%".into());
            last_idx += 1;
        } else if next_text(last_idx) == "per" && next_text(last_idx + 1) == "cent" {
            unit = Some("%".into());
            last_idx += 2;
        } else if unit.is_none() {
            // The counted noun, perhaps after one capitalised adjective ("Russian troops").
            let mut unit_idx = last_idx + 1;
            if words.get(unit_idx).is_some_and(Word::is_capitalised) {
                unit_idx += 1;
            }
            let joined = (last_idx + 1..=unit_idx).all(|idx| {
                idx < words.len()
                    && sentence[words[idx - 1].end..words[idx].start]
                        .chars()
                        .all(|c| c == ' ')
            });
            if let Some(unit_word) = words.get(unit_idx)
                && joined
                && unit_word.text.starts_with(|c: char| c.is_ascii_lowercase())
                && !is_not_unit(unit_word.text)
                && !is_finite_verb(unit_word)
            {
                unit = Some(unit_word.text.to_string());
                last_idx = unit_idx;
            }
        }
        if is_bare_year && unit.is_none() {
            idx += 1;
            continue;
        }
        let text_start = match unit.as_deref() {
            Some("USD" | "GBP" | "EUR") => {
                before.trim_end().len() - before.trim_end().chars().next_back().map_or(0, char::len_utf8)
            }
            _ => word.start,
        };
        out.push(Quantity {
            value,
            upper,
            unit: unit.unwrap_or_default(),
            text: sentence[text_start..words[last_idx].end].to_string(),
        });
        idx = last_idx + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::words::words;

    fn quantities_of(sentence: &str) -> Vec<(f64, Option<f64>, String, String)> {
        let sentence_words: Vec<Word<'_>> = words(sentence).collect();
        let mut out = Vec::new();
        quantities(sentence, &sentence_words, &[], &mut out);
        out.into_iter()
            .map(|quantity| (quantity.value, quantity.upper, quantity.unit, quantity.text))
            .collect()
    }

    fn q(value: f64, upper: Option<f64>, unit: &str, text: &str) -> (f64, Option<f64>, String, String) {
        (value, upper, unit.to_string(), text.to_string())
    }

    #[test]
    fn numbers_units_and_ranges() {
        assert_eq!(
            quantities_of("leaders worry about the 60,000 to 90,000 Russian troops that have gathered"),
            vec![q(
                60_000.0,
                Some(90_000.0),
                "troops",
                "60,000 to 90,000 Russian troops"
            )]
        );
        assert_eq!(
            quantities_of("pulling back about 10,000 troops, with"),
            vec![q(10_000.0, None, "troops", "10,000 troops")]
        );
        assert_eq!(
            quantities_of("In a 50-minute call"),
            vec![q(50.0, None, "minute", "50-minute")]
        );
        assert_eq!(
            quantities_of("Inflation rose to 5.4% in March."),
            vec![q(5.4, None, "%", "5.4")]
        );
        assert_eq!(
            quantities_of("It cost $3.5 billion last year."),
            vec![q(3.5e9, None, "USD", "$3.5 billion")]
        );
        assert_eq!(
            quantities_of("Unemployment fell 2 per cent."),
            vec![q(2.0, None, "%", "2 per cent")]
        );
        assert_eq!(quantities_of("He was elected in 2014 and won."), vec![]);
    }

    #[test]
    fn entities_people_organisations_and_places() {
        let mut memory = NameMemory::default();
        let sentence = "Joe Biden told Nato, the European Union, the United Nations and the World Health Organization \
                        that Mr Biden's White House press secretary met Kremlin aides in Moscow and Crimea.";
        let sentence_words: Vec<Word<'_>> = words(sentence).collect();
        crate::extract::attribution::remember_names(sentence, &sentence_words, &mut memory);
        let mut entities = Vec::new();
        let places = crate::extract::decontext::Places::of(sentence, &sentence_words);
        add_entities(&sentence_words, &sentence_words, &memory, &places, &mut entities);
        let found: Vec<(&str, EntityKind)> = entities
            .iter()
            .map(|entity| (entity.name.as_str(), entity.kind))
            .collect();
        assert_eq!(
            found,
            vec![
                ("Joe Biden", EntityKind::Person),
                ("Nato", EntityKind::Organisation),
                ("European Union", EntityKind::Organisation),
                ("United Nations", EntityKind::Organisation),
                ("World Health Organization", EntityKind::Organisation),
                ("White House", EntityKind::Organisation),
                ("Kremlin", EntityKind::Organisation),
                ("Moscow", EntityKind::Place),
                ("Crimea", EntityKind::Place),
            ]
        );
    }

    #[test]
    fn kinds() {
        let kind = |sentence: &str, has_quantity: bool, attributed: bool| {
            let sentence_words: Vec<Word<'_>> = words(sentence).collect();
            kind_of(&sentence_words, has_quantity, attributed)
        };
        assert_eq!(
            kind("The call was requested by Mr Putin.", false, false),
            ClaimKind::Event
        );
        assert_eq!(kind("Troops gathered.", true, false), ClaimKind::Statistic);
        assert_eq!(
            kind("planning to attack Ukraine", false, true),
            ClaimKind::Statement
        );
        assert_eq!(
            kind("Talks will resume next week.", false, false),
            ClaimKind::Prediction
        );
        assert_eq!(
            kind("The government is set to raise taxes.", false, false),
            ClaimKind::Prediction
        );
        assert_eq!(
            kind("The clear warning to Russia marks a rare message.", false, false),
            ClaimKind::Opinion
        );
        assert_eq!(
            kind(
                "Leaders conveyed optimism that talks could ease tensions.",
                false,
                false
            ),
            ClaimKind::Event
        );
        let reference = Day::parse("2022-01-01");
        let past = [Day::parse("2021-06-01").unwrap()];
        let future = [Day::parse("2022-06-01").unwrap()];
        assert!(is_checkable(ClaimKind::Prediction, &past, reference));
        assert!(!is_checkable(ClaimKind::Prediction, &future, reference));
        assert!(!is_checkable(ClaimKind::Prediction, &[], reference));
        assert!(!is_checkable(ClaimKind::Opinion, &[], reference));
        assert!(is_checkable(ClaimKind::Event, &[], reference));
    }
}
