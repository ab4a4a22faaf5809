//! Scores the extractor's drafts for one article against its gold.

use std::collections::BTreeMap;
use std::fmt;

use super::{GoldArticle, GoldEntity, GoldSentence, Reading};
use crate::extract::ClaimDraft;
use crate::model::{Rewrite, Span};

/// How many of the judged things were right.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Judged {
    pub right: u64,
    pub total: u64,
}

impl Judged {
    fn add(&mut self, right: bool) {
        self.total += 1;
        self.right += u64::from(right);
    }

    /// `right / total`, or `None` when nothing was judged.
    pub fn ratio(&self) -> Option<f64> {
        (self.total > 0).then(|| self.right as f64 / self.total as f64)
    }

    fn merge(&mut self, other: Judged) {
        self.right += other.right;
        self.total += other.total;
    }
}

impl fmt::Display for Judged {
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.ratio() {
            Some(ratio) => write!(out, "{ratio:.3} ({}/{})", self.right, self.total),
            None => write!(out, "n/a (0/0)"),
        }
    }
}

/// One rewrite rule's record: how often it fired, and how often it was right
/// where the gold can tell.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RuleRecord {
    pub fired: u64,
    pub judged: Judged,
}

/// Everything measured, summed over articles.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Figures {
    pub articles: u64,
    pub sentences: u64,
    /// Gold sentences that gave at least one claim.
    pub sentences_with_claims: u64,
    pub claims: u64,
    /// Claims whose sentence overlaps no gold sentence (headline or dateline text).
    pub claims_outside_gold: u64,
    /// Claims whose sentence holds the wire dateline.
    pub claims_with_dateline: u64,
    /// Per claim: its speaker is the gold sentence's (the article's own
    /// voice is no speaker).
    pub speaker: Judged,
    /// The same, over claims of sentences the gold attributes to someone.
    pub speaker_attributed: Judged,
    /// Per article and gold speaker that some claim names rightly: every
    /// such claim gives that speaker in one form (one person, one speaker).
    pub one_form_per_speaker: Judged,
    /// Rewrites at a gold pronoun or description: to its antecedent.
    pub pronoun_rewrites: Judged,
    /// Gold pronouns with an entity antecedent, in sentences that gave a
    /// claim: rewritten to it in some claim.
    pub pronoun_coverage: Judged,
    /// Rewrites at a gold metonym, or by the metonym rule anywhere: to the
    /// state, and only for a state reading.
    pub metonym_rewrites: Judged,
    /// Gold metonyms read as a state, in sentences that gave a claim:
    /// rewritten to it in some claim.
    pub metonym_coverage: Judged,
    /// Dates of sentences that gave claims: gold dates with a range found
    /// with that range; dates found where the gold has none, or has no
    /// range, are wrong.
    pub dates: Judged,
    /// Per gold sentence: some claim of it scores 0.5 or more.
    pub checkworthy_true_positive: u64,
    pub checkworthy_false_positive: u64,
    pub checkworthy_false_negative: u64,
    /// Claim words neither in the claim's sentence nor in one of its
    /// recorded rewrites.
    pub untraceable_words: u64,
    pub claim_words: u64,
    /// Examples of untraceable words, `article: word in "claim"`.
    pub untraceable_examples: Vec<String>,
    /// Every wrong judgement, one line each, for `--errors`.
    pub errors: Vec<String>,
    pub rules: BTreeMap<String, RuleRecord>,
}

impl Figures {
    pub fn merge(&mut self, other: Figures) {
        self.articles += other.articles;
        self.sentences += other.sentences;
        self.sentences_with_claims += other.sentences_with_claims;
        self.claims += other.claims;
        self.claims_outside_gold += other.claims_outside_gold;
        self.claims_with_dateline += other.claims_with_dateline;
        self.speaker.merge(other.speaker);
        self.speaker_attributed.merge(other.speaker_attributed);
        self.one_form_per_speaker.merge(other.one_form_per_speaker);
        self.pronoun_rewrites.merge(other.pronoun_rewrites);
        self.pronoun_coverage.merge(other.pronoun_coverage);
        self.metonym_rewrites.merge(other.metonym_rewrites);
        self.metonym_coverage.merge(other.metonym_coverage);
        self.dates.merge(other.dates);
        self.checkworthy_true_positive += other.checkworthy_true_positive;
        self.checkworthy_false_positive += other.checkworthy_false_positive;
        self.checkworthy_false_negative += other.checkworthy_false_negative;
        self.untraceable_words += other.untraceable_words;
        self.claim_words += other.claim_words;
        self.untraceable_examples.extend(other.untraceable_examples);
        self.errors.extend(other.errors);
        for (rule, record) in other.rules {
            let mine = self.rules.entry(rule).or_default();
            mine.fired += record.fired;
            mine.judged.merge(record.judged);
        }
    }

    /// Precision, recall and F1 of check-worthiness per sentence.
    pub fn checkworthy(&self) -> (f64, f64, f64) {
        let tp = self.checkworthy_true_positive as f64;
        let precision = tp / (tp + self.checkworthy_false_positive as f64).max(1.0);
        let recall = tp / (tp + self.checkworthy_false_negative as f64).max(1.0);
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        (precision, recall, f1)
    }
}

impl fmt::Display for Figures {
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(out, "rewrite rule        fired  judged  right  precision")?;
        for (rule, record) in &self.rules {
            let precision = record
                .judged
                .ratio()
                .map_or_else(|| "n/a".to_owned(), |ratio| format!("{ratio:.3}"));
            writeln!(
                out,
                "{rule:<18} {:>6} {:>7} {:>6}  {precision}",
                record.fired, record.judged.total, record.judged.right
            )?;
        }
        for example in self.untraceable_examples.iter().take(20) {
            writeln!(out, "untraceable: {example}")?;
        }
        let (precision, recall, f1) = self.checkworthy();
        writeln!(
            out,
            "articles={} sentences={} sentences_with_claims={} claims={} claims_outside_gold={} claims_with_dateline={}",
            self.articles,
            self.sentences,
            self.sentences_with_claims,
            self.claims,
            self.claims_outside_gold,
            self.claims_with_dateline
        )?;
        writeln!(
            out,
            "speaker_accuracy={} attributed={} one_form_per_speaker={}",
            self.speaker, self.speaker_attributed, self.one_form_per_speaker
        )?;
        writeln!(
            out,
            "pronoun_rewrite_precision={} coverage={}",
            self.pronoun_rewrites, self.pronoun_coverage
        )?;
        writeln!(
            out,
            "metonym_rewrite_precision={} coverage={}",
            self.metonym_rewrites, self.metonym_coverage
        )?;
        writeln!(out, "date_accuracy={}", self.dates)?;
        writeln!(
            out,
            "checkworthy_precision={precision:.3} recall={recall:.3} F1={f1:.3}"
        )?;
        writeln!(
            out,
            "untraceable_words={} (of {} claim words)",
            self.untraceable_words, self.claim_words
        )
    }
}

/// Lower case, "the" and a possessive "'s" dropped, whitespace collapsed.
fn normalise(text: &str) -> String {
    let lower = text.to_lowercase().replace(['’', '\''], "'");
    let words: Vec<&str> = lower.split_whitespace().collect();
    let words = match words.first() {
        Some(&"the") => &words[1..],
        _ => &words[..],
    };
    let joined = words.join(" ");
    joined
        .strip_suffix("'s")
        .unwrap_or(&joined)
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_owned()
}

/// Whether `needle` occurs in `haystack` as whole words.
fn contains_words(haystack: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    haystack.match_indices(needle).any(|(at, _)| {
        let before = haystack[..at].chars().next_back();
        let after = haystack[at + needle.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// The entity `text` names: the one with the longest name or variant found
/// in it as whole words (an exact match wins outright).
fn entity_named<'g>(text: &str, entities: &'g [GoldEntity]) -> Option<&'g GoldEntity> {
    let text = normalise(text);
    let mut best: Option<(&GoldEntity, usize, bool)> = None;
    for entity in entities {
        for name in entity.names() {
            let name = normalise(name);
            let exact = name == text;
            if exact || contains_words(&text, &name) {
                let better = match best {
                    None => true,
                    Some((_, length, was_exact)) => {
                        (exact && !was_exact) || (exact == was_exact && name.len() > length)
                    }
                };
                if better {
                    best = Some((entity, name.len(), exact));
                }
            }
        }
    }
    best.map(|(entity, _, _)| entity)
}

/// Whether `text` names the entity called `name`: the entity it names
/// best, or one of that entity's own written forms exactly (two entities
/// may share a form, "the officers" of two forces: the one meant is right).
fn names_entity(text: &str, entities: &[GoldEntity], name: &str) -> bool {
    let normalised = normalise(text);
    entity_named(text, entities).is_some_and(|entity| entity.name == name)
        || entities
            .iter()
            .filter(|entity| entity.name == name)
            .flat_map(GoldEntity::names)
            .any(|form| normalise(form) == normalised)
}

fn overlaps(first: Span, second: Span) -> bool {
    first.start < second.end && second.start < first.end
}

fn overlap(first: Span, second: Span) -> usize {
    first
        .end
        .min(second.end)
        .saturating_sub(first.start.max(second.start))
}

/// The words of a text, lower case, for tracing.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
}

/// Scores one article: `claims` are the extractor's drafts for the body
/// `body` the gold's spans point into.
pub fn score_article(gold: &GoldArticle, body: &str, claims: &[ClaimDraft]) -> Figures {
    let mut figures = Figures {
        articles: 1,
        sentences: gold.sentences.len() as u64,
        claims: claims.len() as u64,
        ..Figures::default()
    };
    // Each claim to the gold sentence it overlaps most.
    let mut by_sentence: Vec<Vec<&ClaimDraft>> = vec![Vec::new(); gold.sentences.len()];
    for claim in claims {
        if gold
            .dateline
            .is_some_and(|dateline| overlaps(dateline, claim.span))
        {
            figures.claims_with_dateline += 1;
            figures
                .errors
                .push(format!("{} dateline in claim {:?}", gold.id, claim.text));
        }
        let best = gold
            .sentences
            .iter()
            .enumerate()
            .map(|(idx, sentence)| (overlap(sentence.span, claim.span), idx))
            .filter(|&(length, _)| length > 0)
            .max_by_key(|&(length, idx)| (length, std::cmp::Reverse(idx)));
        match best {
            Some((_, idx)) => by_sentence[idx].push(claim),
            None => figures.claims_outside_gold += 1,
        }
        trace_words(gold, body, claim, &mut figures);
        judge_rewrites(gold, claim, &mut figures);
    }
    // (gold speaker, the claim's speaker) of every rightly attributed claim.
    let mut forms: Vec<(&str, &str)> = Vec::new();
    for (sentence, claims) in gold.sentences.iter().zip(&by_sentence) {
        score_sentence(gold, sentence, claims, &mut figures, &mut forms);
    }
    forms.sort_unstable();
    forms.dedup();
    let mut speakers: Vec<&str> = forms.iter().map(|(speaker, _)| *speaker).collect();
    speakers.dedup();
    for speaker in speakers {
        let n_forms = forms
            .iter()
            .filter(|(gold_speaker, _)| *gold_speaker == speaker)
            .count();
        figures.one_form_per_speaker.add(n_forms == 1);
        if n_forms > 1 {
            let written: Vec<&str> = forms
                .iter()
                .filter(|(gold_speaker, _)| *gold_speaker == speaker)
                .map(|(_, form)| *form)
                .collect();
            figures
                .errors
                .push(format!("{} speaker {speaker:?} written {written:?}", gold.id));
        }
    }
    figures
}

fn score_sentence<'g>(
    gold: &'g GoldArticle,
    sentence: &'g GoldSentence,
    claims: &[&'g ClaimDraft],
    figures: &mut Figures,
    forms: &mut Vec<(&'g str, &'g str)>,
) {
    let predicted = claims.iter().any(|claim| claim.checkworthiness >= 0.5);
    match (predicted, sentence.check_worthy) {
        (true, true) => figures.checkworthy_true_positive += 1,
        (true, false) => figures.checkworthy_false_positive += 1,
        (false, true) => figures.checkworthy_false_negative += 1,
        (false, false) => {}
    }
    if claims.is_empty() {
        return;
    }
    figures.sentences_with_claims += 1;
    for claim in claims {
        let right = match (&sentence.speaker, &claim.speaker) {
            (None, None) => true,
            (Some(gold_speaker), Some(speaker)) => names_entity(speaker, &gold.entities, gold_speaker),
            _ => false,
        };
        figures.speaker.add(right);
        if right && let (Some(gold_speaker), Some(speaker)) = (&sentence.speaker, &claim.speaker) {
            forms.push((gold_speaker.as_str(), speaker.as_str()));
        }
        if !right {
            figures.errors.push(format!(
                "{} speaker {:?}, gold {:?}: {:?}",
                gold.id, claim.speaker, sentence.speaker, claim.text
            ));
        }
        if sentence.speaker.is_some() {
            figures.speaker_attributed.add(right);
        }
    }
    for pronoun in &sentence.pronouns {
        let Some(antecedent) = &pronoun.antecedent else {
            continue;
        };
        let resolved = claims
            .iter()
            .flat_map(|claim| &claim.details.rewrites)
            .any(|rewrite| {
                overlaps(rewrite.span, pronoun.span)
                    && entity_named(&rewrite.replacement, &gold.entities)
                        .is_some_and(|entity| &entity.name == antecedent)
            });
        figures.pronoun_coverage.add(resolved);
    }
    for metonym in &sentence.metonyms {
        let Some(state) = metonym
            .rewrite
            .as_ref()
            .filter(|_| metonym.reading == Reading::State)
        else {
            continue;
        };
        let rewritten = claims
            .iter()
            .flat_map(|claim| &claim.details.rewrites)
            .any(|rewrite| {
                overlaps(rewrite.span, metonym.span) && normalise(&rewrite.replacement) == normalise(state)
            });
        figures.metonym_coverage.add(rewritten);
        if !rewritten {
            figures.errors.push(format!(
                "{} metonym {:?} ({state}) not rewritten",
                gold.id, metonym.text
            ));
        }
    }
    // Dates: each distinct date the claims carry, matched to a gold
    // expression by its words.
    let mut found: Vec<(&str, &str, &str)> = Vec::new();
    for claim in claims {
        for date in &claim.details.dates {
            let entry = (date.text.as_str(), date.start.as_str(), date.end.as_str());
            if !found.contains(&entry) {
                found.push(entry);
            }
        }
    }
    let mut used = vec![false; found.len()];
    for date in &sentence.dates {
        let gold_text = date.text.to_lowercase();
        let matched = found.iter().enumerate().find(|(idx, (text, _, _))| {
            let text = text.to_lowercase();
            !used[*idx] && (gold_text.contains(&text) || text.contains(&gold_text))
        });
        match (matched, &date.range) {
            (Some((idx, &(text, start, end))), Some((gold_start, gold_end))) => {
                used[idx] = true;
                let right = start == gold_start && end == gold_end;
                figures.dates.add(right);
                if !right {
                    figures.errors.push(format!(
                        "{} date {text:?} {start}..{end}, gold {gold_start}..{gold_end}",
                        gold.id
                    ));
                }
            }
            (Some((idx, &(text, start, end))), None) => {
                used[idx] = true;
                figures.dates.add(false);
                figures.errors.push(format!(
                    "{} date {text:?} {start}..{end}, gold unresolvable",
                    gold.id
                ));
            }
            (None, Some((gold_start, gold_end))) => {
                figures.dates.add(false);
                figures.errors.push(format!(
                    "{} date {:?} {gold_start}..{gold_end} missed",
                    gold.id, date.text
                ));
            }
            (None, None) => {}
        }
    }
    for (&(text, start, end), _) in found.iter().zip(&used).filter(|(_, used)| !**used) {
        figures.dates.add(false);
        figures.errors.push(format!(
            "{} date {text:?} {start}..{end} is no date expression of the gold",
            gold.id
        ));
    }
}

/// Judges each rewrite of a claim where the gold can tell, and counts every
/// one under its rule.
fn judge_rewrites(gold: &GoldArticle, claim: &ClaimDraft, figures: &mut Figures) {
    for rewrite in &claim.details.rewrites {
        let verdict = judge_rewrite(gold, rewrite);
        let record = figures.rules.entry(rewrite.rule.clone()).or_default();
        record.fired += 1;
        if let Some((kind, right)) = verdict {
            record.judged.add(right);
            if !right {
                figures.errors.push(format!(
                    "{} {} {:?} -> {:?} wrong in {:?}",
                    gold.id, rewrite.rule, rewrite.original, rewrite.replacement, claim.text
                ));
            }
            match kind {
                Kind::Pronoun => figures.pronoun_rewrites.add(right),
                Kind::Metonym => figures.metonym_rewrites.add(right),
                Kind::Name => {}
            }
        }
    }
}

enum Kind {
    Pronoun,
    Metonym,
    Name,
}

fn judge_rewrite(gold: &GoldArticle, rewrite: &Rewrite) -> Option<(Kind, bool)> {
    let sentence = gold
        .sentences
        .iter()
        .find(|sentence| overlaps(sentence.span, rewrite.span))?;
    // A rewrite resolves a pronoun or description when it replaces all of
    // it, or (the pronoun rule) part of it; a name rewritten inside a longer
    // description ("Mr Clarke's proposed amendment") is judged as a name.
    let resolves = |mention: Span| {
        (rewrite.span.start <= mention.start && mention.end <= rewrite.span.end)
            || (rewrite.rule == "pronoun" && overlaps(mention, rewrite.span))
    };
    if let Some(pronoun) = sentence.pronouns.iter().find(|pronoun| resolves(pronoun.span)) {
        let right = pronoun.antecedent.as_ref().is_some_and(|antecedent| {
            entity_named(&rewrite.replacement, &gold.entities)
                .is_some_and(|entity| &entity.name == antecedent)
        });
        return Some((Kind::Pronoun, right));
    }
    if let Some(metonym) = sentence
        .metonyms
        .iter()
        .find(|metonym| overlaps(metonym.span, rewrite.span))
    {
        let right = metonym.reading == Reading::State
            && metonym
                .rewrite
                .as_ref()
                .is_some_and(|state| normalise(state) == normalise(&rewrite.replacement));
        return Some((Kind::Metonym, right));
    }
    if rewrite.rule == "metonym" {
        // The gold marks every capital and seat of government: one it does
        // not mark is no metonym.
        return Some((Kind::Metonym, false));
    }
    if rewrite.rule == "pronoun" {
        // An object or possessive pronoun: the gold marks subjects only.
        return None;
    }
    let original = entity_named(&rewrite.original, &gold.entities)?;
    let replacement = entity_named(&rewrite.replacement, &gold.entities);
    Some((
        Kind::Name,
        replacement.is_some_and(|entity| entity.name == original.name),
    ))
}

/// Counts the claim's words that neither its sentence nor its rewrites give.
fn trace_words(gold: &GoldArticle, body: &str, claim: &ClaimDraft, figures: &mut Figures) {
    let sentence = body.get(claim.span.start..claim.span.end).unwrap_or("");
    let mut known: std::collections::HashSet<String> = words(sentence).collect();
    for rewrite in &claim.details.rewrites {
        known.extend(words(&rewrite.replacement));
    }
    for word in words(&claim.text) {
        figures.claim_words += 1;
        if !known.contains(&word) {
            figures.untraceable_words += 1;
            figures
                .untraceable_examples
                .push(format!("{}: {word:?} in {:?}", gold.id, claim.text));
        }
    }
}
