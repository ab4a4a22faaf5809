//! The features of one (pronoun, candidate) pair: agreement, syntactic roles
//! and parallelism, distance in sentences, words and mentions, reporting
//! verbs, intervening agreeing candidates, first mention and repetition.
//! No feature reads a word's form or lemma as such (beyond the closed lists
//! in [`super::mentions`]), so that what is learned from Wikipedia
//! biographies carries over to news.

use crate::perceptron::{hash_str, key, mix};
use crate::pipeline::Analysis;

use super::NameGenders;
use super::mentions::{self, Gender, Mention, MentionKind, Number, Pronoun, PronounCase};

/// How many sentences before the pronoun's own are searched for candidates.
pub const WINDOW_SENTENCES: usize = 3;

/// A pronoun in context, with the candidates the resolver ranks for it.
#[derive(Debug, Clone)]
pub struct Site {
    pub sentence: usize,
    pub word: usize,
    pub pronoun: Pronoun,
    pub candidates: Vec<Mention>,
    /// Per candidate: its gender and number as the analysis shows them.
    pub genders: Vec<Gender>,
    pub numbers: Vec<Number>,
    /// Per candidate: mentions with its repetition key in the whole text,
    /// and whether it is the first of them.
    pub repetitions: Vec<usize>,
    pub first_mentions: Vec<bool>,
    /// Per candidate: its repetition key (a name's last word, a noun's lemma).
    pub keys: Vec<String>,
    /// Per candidate: how many person-like names start before it in the text.
    pub name_ranks: Vec<usize>,
}

/// The word index of the start of every sentence in the text, and the total.
fn offsets(sentences: &[Analysis<'_>]) -> Vec<usize> {
    let mut offsets = Vec::with_capacity(sentences.len() + 1);
    let mut total = 0;
    for sentence in sentences {
        offsets.push(total);
        total += sentence.words.len();
    }
    offsets.push(total);
    offsets
}

/// Whether a candidate of this gender can be what the pronoun refers to.
pub fn gender_clash(pronoun: &Pronoun, gender: Gender) -> bool {
    match (pronoun.gender, gender) {
        (Gender::Masculine, Gender::Feminine | Gender::Neuter) => true,
        (Gender::Feminine, Gender::Masculine | Gender::Neuter) => true,
        (Gender::Neuter, Gender::Masculine | Gender::Feminine) => true,
        // "They" is used of one person too.
        _ => false,
    }
}

/// Whether a candidate of this number and kind can be what the pronoun refers to.
pub fn number_clash(pronoun: &Pronoun, number: Number, kind: MentionKind) -> bool {
    match (pronoun.number, number) {
        (Number::Singular, Number::Plural) => true,
        // Organisations are "they" in news ("Google said they ...").
        (Number::Plural, Number::Singular) => !matches!(kind, MentionKind::Name(_) | MentionKind::ProperNoun),
        _ => false,
    }
}

/// Whether the candidate agrees (or at least does not clash) in gender and number.
pub fn compatible(site: &Site, candidate: usize) -> bool {
    !gender_clash(&site.pronoun, site.genders[candidate])
        && !number_clash(
            &site.pronoun,
            site.numbers[candidate],
            site.candidates[candidate].kind,
        )
}

/// The pronoun at `sentence`/`word` with its candidates: every mention of
/// the window's sentences except those that contain the pronoun and those
/// known to be of the other personal gender. `None`
/// when the word is not a third-person personal pronoun.
pub fn site(sentences: &[Analysis<'_>], sentence: usize, word: usize, names: &NameGenders) -> Option<Site> {
    let analysis = sentences.get(sentence)?;
    let pronoun_word = analysis.words.get(word)?;
    let pronoun = mentions::third_person_pronoun(pronoun_word)?;
    let mut all: Vec<Mention> = Vec::new();
    for (idx, sentence_analysis) in sentences.iter().enumerate() {
        all.extend(mentions::sentence_mentions(idx, sentence_analysis));
    }
    let keys: Vec<String> = all
        .iter()
        .map(|mention| mentions::repetition_key(&sentences[mention.sentence], mention))
        .collect();
    let first = sentence.saturating_sub(WINDOW_SENTENCES);
    let mut site = Site {
        sentence,
        word,
        pronoun,
        candidates: Vec::new(),
        genders: Vec::new(),
        numbers: Vec::new(),
        repetitions: Vec::new(),
        first_mentions: Vec::new(),
        keys: Vec::new(),
        name_ranks: Vec::new(),
    };
    let person_like = |mention: &Mention| {
        matches!(
            mention.kind,
            MentionKind::Name(crate::ner::EntityKind::Person) | MentionKind::ProperNoun
        )
    };
    for (idx, mention) in all.iter().enumerate() {
        if mention.sentence < first || mention.sentence > sentence {
            continue;
        }
        if mention.sentence == sentence && mention.words.contains(&word) {
            continue;
        }
        let mention_analysis = &sentences[mention.sentence];
        let gender = mention_gender(mention_analysis, mention, names);
        // The other personal gender is a hard constraint: "he" is never a
        // name the lexicon or a title knows as a woman's. (A place or an
        // organisation for "he" is left to the model: the recogniser
        // sometimes calls a person one.)
        let other_person = matches!(
            (pronoun.gender, gender),
            (Gender::Masculine, Gender::Feminine) | (Gender::Feminine, Gender::Masculine)
        );
        if other_person {
            continue;
        }
        site.genders.push(gender);
        site.numbers
            .push(mentions::mention_number(mention_analysis, mention));
        site.repetitions
            .push(keys.iter().filter(|key| **key == keys[idx]).count());
        site.first_mentions
            .push(keys[..idx].iter().all(|key| *key != keys[idx]));
        site.keys.push(keys[idx].clone());
        let mut earlier_names: Vec<&str> = all[..idx]
            .iter()
            .zip(&keys)
            .filter(|(other, _)| person_like(other))
            .map(|(_, key)| key.as_str())
            .collect();
        earlier_names.sort_unstable();
        earlier_names.dedup();
        site.name_ranks
            .push(earlier_names.iter().filter(|key| **key != keys[idx]).count());
        site.candidates.push(mention.clone());
    }
    Some(site)
}

/// A candidate's gender: from a title, the first-name lexicon, the entity
/// type or the list of gendered nouns.
pub fn mention_gender(analysis: &Analysis<'_>, mention: &Mention, names: &NameGenders) -> Gender {
    if let Some(gender) = mentions::title_gender(analysis, mention) {
        return gender;
    }
    match mention.kind {
        MentionKind::Name(crate::ner::EntityKind::Person) | MentionKind::ProperNoun => {
            mentions::first_name_key(analysis, mention)
                .and_then(|name| names.gender(&name))
                .unwrap_or(Gender::Unknown)
        }
        MentionKind::Name(_) => Gender::Neuter,
        MentionKind::Noun => mentions::noun_gender(&mentions::lower_lemma(&analysis.words[mention.head]))
            .unwrap_or(Gender::Unknown),
    }
}

fn bucket(value: usize) -> u64 {
    match value {
        0..=3 => value as u64,
        4..=5 => 4,
        6..=8 => 5,
        9..=15 => 6,
        16..=30 => 7,
        _ => 8,
    }
}

fn gender_label(gender: Gender) -> u64 {
    gender as u64
}

/// Feature keys of every candidate of the site, one vector per candidate.
pub fn candidate_features(sentences: &[Analysis<'_>], site: &Site) -> Vec<Vec<u64>> {
    let offsets = offsets(sentences);
    let pronoun_at = offsets[site.sentence] + site.word;
    let pronoun_analysis = &sentences[site.sentence];
    let pronoun_role = mentions::word_role(pronoun_analysis, site.word);
    let pronoun_head = pronoun_analysis.words[site.word].head as usize;
    let class = hash_str(site.pronoun.class());
    let case = site.pronoun.case as u64;
    let position = |mention: &Mention| offsets[mention.sentence] + mention.head;
    let compatible: Vec<bool> = (0..site.candidates.len())
        .map(|idx| compatible(site, idx))
        .collect();
    // The baseline's choice is a feature too: the most recent compatible subject.
    let recent_subject = super::baseline_choice(sentences, site);
    site.candidates
        .iter()
        .enumerate()
        .map(|(idx, mention)| {
            let analysis = &sentences[mention.sentence];
            let at = position(mention);
            let before = at < pronoun_at;
            let kind = hash_str(mention.kind.label());
            let cand_role = mentions::word_role(analysis, mention.head);
            let cand_role_hash = hash_str(cand_role);
            let pronoun_role_hash = hash_str(pronoun_role);
            let sentence_distance = site.sentence - mention.sentence;
            let sentence_bucket = if before { sentence_distance as u64 } else { 9 };
            let word_distance = at.abs_diff(pronoun_at);
            let (low, high) = if before {
                (at, pronoun_at)
            } else {
                (pronoun_at, at)
            };
            let between: Vec<usize> = (0..site.candidates.len())
                .filter(|&other| {
                    let other_at = position(&site.candidates[other]);
                    other != idx && other_at > low && other_at < high
                })
                .collect();
            let between_compatible = between.iter().filter(|&&other| compatible[other]).count();
            let between_compatible_names = between
                .iter()
                .filter(|&&other| compatible[other] && site.candidates[other].kind.is_name())
                .count();
            let gender = gender_label(site.genders[idx]);
            let gender_clash = gender_clash(&site.pronoun, site.genders[idx]);
            let number_clash = number_clash(&site.pronoun, site.numbers[idx], mention.kind);
            let reporting = matches!(cand_role, "subj")
                && mentions::head_lemma(analysis, mention.head)
                    .is_some_and(|lemma| mentions::REPORTING_VERBS.contains(&lemma));
            let same_sentence = mention.sentence == site.sentence;
            let cand_head = analysis.words[mention.head].head as usize;
            let co_argument = same_sentence && cand_head != 0 && cand_head == pronoun_head;
            let dominates = same_sentence && mentions::dominates(analysis, mention.head, site.word);
            let possessed = same_sentence
                && site.pronoun.case == PronounCase::Possessive
                && pronoun_head == mention.head + 1;
            let root_subject = cand_role == "subj"
                && cand_head > 0
                && analysis
                    .words
                    .get(cand_head - 1)
                    .is_some_and(|word| word.deprel == "root");
            let repetitions = bucket(site.repetitions[idx]);
            let first_mention = site.first_mentions[idx];
            let is_recent_subject = recent_subject == Some(idx);
            let mut features = vec![
                key(0, 0),
                key(1, kind),
                key(2, mix(kind, class)),
                key(3, mix(gender, class)),
                key(4, mix(u64::from(gender_clash), class)),
                key(5, mix(u64::from(number_clash), class)),
                key(6, cand_role_hash),
                key(7, mix(cand_role_hash, pronoun_role_hash)),
                key(8, u64::from(cand_role == pronoun_role)),
                key(9, sentence_bucket),
                key(10, mix(sentence_bucket, cand_role_hash)),
                key(11, bucket(word_distance)),
                key(12, mix(bucket(between.len()), u64::from(before))),
                key(13, mix(bucket(between_compatible), u64::from(before))),
                key(14, mix(bucket(between_compatible_names), u64::from(before))),
                key(15, mix(u64::from(reporting), sentence_bucket.min(2))),
                key(16, mix(u64::from(co_argument), case)),
                key(17, u64::from(dominates)),
                key(18, u64::from(possessed)),
                key(19, mix(u64::from(root_subject), sentence_bucket.min(2))),
                key(20, mix(repetitions, kind)),
                key(21, mix(u64::from(first_mention), kind)),
                key(22, mix(u64::from(is_recent_subject), class)),
                key(23, mix(cand_role_hash, case)),
                key(24, mix(u64::from(compatible[idx]), mix(kind, class))),
                key(25, mix(bucket(between_compatible), kind)),
                key(26, mix(u64::from(mention.sentence == 0), kind)),
            ];
            let governor_dominates = same_sentence
                && cand_head > 0
                && before
                && mentions::dominates(analysis, cand_head - 1, site.word);
            let near = sentence_bucket.min(2);
            let most_repeated = site
                .repetitions
                .iter()
                .zip(&site.candidates)
                .filter(|(_, other)| other.kind == mention.kind)
                .all(|(count, _)| *count <= site.repetitions[idx]);
            features.extend([
                key(28, mix(mix(cand_role_hash, pronoun_role_hash), near)),
                key(29, mix(mix(cand_role_hash, case), u64::from(same_sentence))),
                key(30, mix(u64::from(governor_dominates), cand_role_hash)),
                key(31, mix(bucket(site.name_ranks[idx]), kind)),
                key(32, mix(bucket(word_distance), u64::from(same_sentence))),
                key(33, mix(u64::from(most_repeated), kind)),
                key(
                    34,
                    mix(mix(bucket(between_compatible_names), near), cand_role_hash),
                ),
                key(35, mix(u64::from(first_mention), mix(cand_role_hash, near))),
                key(36, mix(repetitions, mix(near, kind))),
            ]);
            if gender_clash || number_clash {
                features.push(key(27, mix(kind, class)));
            }
            features
        })
        .collect()
}
