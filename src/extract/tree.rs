//! Attribution read from the sentence's dependency tree (the language
//! analysis), for sentences the word rules of [`super::attribution`] leave
//! without a speaker: the subject of a reporting verb, as a whole noun
//! phrase without its appositive, relative clause and time or place
//! modifiers ("Chris Tang, Hong Kong's new police commissioner, said in an
//! interview that ..." → Chris Tang).
//!
//! **Invariant:** a speaker comes only from a subject of a reporting verb
//! outside quotation marks, as the sentence writes it; a pronoun subject is
//! no speaker here (resolving it is coreference's job).

use std::collections::HashSet;
use std::sync::OnceLock;

use claimdb_analysis::pipeline::{Analysis, Word};

use super::Span;

/// Verbs that report what someone asserts, by lemma: their subject speaks
/// whatever follows them.
const STRONG_REPORTING: &[&str] = &[
    "acknowledge",
    "admit",
    "allege",
    "announce",
    "argue",
    "assert",
    "claim",
    "confirm",
    "contend",
    "declare",
    "deny",
    "explain",
    "insist",
    "maintain",
    "note",
    "reply",
    "say",
    "state",
    "stress",
    "tell",
    "testify",
    "tweet",
    "warn",
    "write",
];

/// Verbs that report only with a clause after them ("believe the bill is
/// ...", "added that ..."), not with a mere object ("described the scene",
/// "the stock added 2%", "reported $2.53 a share").
const WEAK_REPORTING: &[&str] = &[
    "add",
    "report",
    "respond",
    "ask",
    "believe",
    "boast",
    "caution",
    "comment",
    "complain",
    "concede",
    "conclude",
    "describe",
    "disclose",
    "emphasise",
    "emphasize",
    "estimate",
    "indicate",
    "joke",
    "observe",
    "predict",
    "promise",
    "quip",
    "recall",
    "remark",
    "reveal",
    "suggest",
    "urge",
    "vow",
];

/// Every reporting lemma.
pub const REPORTING_LEMMAS: &[&[&str]] = &[STRONG_REPORTING, WEAK_REPORTING];

/// Every inflected form of the reporting verbs: "says", "said",
/// "warned", "testifying", "denied", "quipped".
fn reporting_forms() -> &'static HashSet<String> {
    static FORMS: OnceLock<HashSet<String>> = OnceLock::new();
    FORMS.get_or_init(|| {
        let mut forms: HashSet<String> = ["said", "told", "wrote", "written", "thought"]
            .into_iter()
            .map(str::to_owned)
            .collect();
        for lemma in REPORTING_LEMMAS.iter().copied().flatten() {
            let stem = lemma.strip_suffix('e').unwrap_or(lemma);
            forms.extend([
                (*lemma).to_owned(),
                format!("{lemma}s"),
                format!("{stem}ed"),
                format!("{stem}ing"),
            ]);
            if let Some(root) = lemma.strip_suffix('y') {
                forms.extend([format!("{root}ies"), format!("{root}ied")]);
            }
            // "quip" → "quipped", "quipping".
            if let Some(last) = lemma.chars().last().filter(|c| !"aeiouwy".contains(*c)) {
                forms.extend([format!("{lemma}{last}ed"), format!("{lemma}{last}ing")]);
            }
            if lemma.ends_with(['s', 'h']) {
                forms.insert(format!("{lemma}es"));
            }
        }
        forms
    })
}

/// Whether a word may be a form of a reporting verb: a cheap
/// test that spares the analysis of sentences that have none.
pub fn may_report(word: &str) -> bool {
    word.len() >= 3 && reporting_forms().contains(&word.to_ascii_lowercase())
}

/// Children that are not part of a speaker's name.
const NOT_THE_SPEAKER: &[&str] = &[
    "appos",
    "acl",
    "acl:relcl",
    "advmod",
    "obl",
    "obl:tmod",
    "obl:unmarked",
    "nmod:tmod",
    "punct",
    "parataxis",
    "cc",
    "conj",
    "dep",
];

/// A speaker found in the tree: the words of its noun phrase and the
/// reporting verb, as byte spans of the sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeSpeaker {
    pub speaker: Span,
    pub verb: Span,
}

/// The subject of the sentence's main reporting verb, when it is a name or
/// a noun phrase (not a pronoun) and stands outside quotation marks.
/// `inside_quote(byte)` tells whether a byte of the sentence is quoted.
pub fn speaker(analysis: &Analysis<'_>, inside_quote: &dyn Fn(usize) -> bool) -> Option<TreeSpeaker> {
    let words = &analysis.words;
    let depth = |mut idx: usize| {
        let mut depth = 0;
        while words[idx].head != 0 && depth < words.len() {
            idx = words[idx].head as usize - 1;
            depth += 1;
        }
        depth
    };
    // The reporting verbs, the one nearest the root first.
    let mut verbs: Vec<usize> = (0..words.len())
        .filter(|&idx| {
            matches!(words[idx].upos, "VERB")
                && REPORTING_LEMMAS
                    .iter()
                    .any(|lemmas| lemmas.contains(&words[idx].lemma.to_lowercase().as_str()))
                && !inside_quote(words[idx].span.start - analysis.span.start)
        })
        .collect();
    verbs.sort_by_key(|&idx| (depth(idx), idx));
    for verb in verbs {
        // What is reported: a clause ("said that ...", "believe the bill
        // is ..."), a quotation after it, or what one is urged to do.
        let reports = (0..words.len()).any(|idx| {
            words[idx].head as usize == verb + 1
                && matches!(words[idx].deprel, "ccomp" | "parataxis" | "xcomp")
        });
        if !reports && !STRONG_REPORTING.contains(&words[verb].lemma.to_lowercase().as_str()) {
            continue;
        }
        let Some(subject) = (0..words.len())
            .find(|&idx| words[idx].head as usize == verb + 1 && words[idx].deprel == "nsubj")
        else {
            continue;
        };
        if matches!(words[subject].upos, "PRON" | "DET") {
            return None;
        }
        let phrase = phrase_of(words, subject);
        let start = words[*phrase.first()?].span.start - analysis.span.start;
        let end = words[*phrase.last()?].span.end - analysis.span.start;
        if inside_quote(start) {
            return None;
        }
        return Some(TreeSpeaker {
            speaker: Span { start, end },
            verb: Span {
                start: words[verb].span.start - analysis.span.start,
                end: words[verb].span.end - analysis.span.start,
            },
        });
    }
    None
}

/// The words of the noun phrase headed by `head`, without the children in
/// [`NOT_THE_SPEAKER`] (and what hangs from them), in order and contiguous
/// around the head.
fn phrase_of(words: &[Word<'_>], head: usize) -> Vec<usize> {
    let mut kept = vec![head];
    let mut frontier = vec![head];
    while let Some(parent) = frontier.pop() {
        for (child, word) in words.iter().enumerate() {
            if word.head as usize == parent + 1 && !NOT_THE_SPEAKER.contains(&word.deprel) {
                kept.push(child);
                frontier.push(child);
            }
        }
    }
    kept.sort_unstable();
    // Keep the contiguous run around the head: a dropped child in between
    // cuts the phrase there.
    let at = kept.iter().position(|&idx| idx == head).unwrap_or(0);
    let mut first = at;
    while first > 0 && kept[first - 1] + 1 == kept[first] {
        first -= 1;
    }
    let mut last = at;
    while last + 1 < kept.len() && kept[last] + 1 == kept[last + 1] {
        last += 1;
    }
    kept[first..=last].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use claimdb_analysis::pipeline::Models;

    fn speaker_of(sentence: &str) -> Option<String> {
        let analysis = Models::embedded().analyse(sentence, 0..sentence.len());
        speaker(&analysis, &|_| false)
            .map(|found| sentence[found.speaker.start..found.speaker.end].to_owned())
    }

    #[test]
    fn the_subject_of_a_reporting_verb_without_its_appositive_speaks() {
        assert_eq!(
            speaker_of(
                "Chris Tang, Hong Kong's new police commissioner, said in an interview that police alone could not end it."
            ),
            Some("Chris Tang".into())
        );
        assert_eq!(
            speaker_of("Senator Dick Durbin, the No. 2 Democrat in the Senate, said the bill would pass."),
            Some("Senator Dick Durbin".into())
        );
        assert_eq!(
            speaker_of("Officials warned that more attacks would follow."),
            Some("Officials".into())
        );
        assert_eq!(
            speaker_of("Protesters believe the bill is an example of eroding autonomy."),
            Some("Protesters".into())
        );
    }

    #[test]
    fn forms_of_reporting_verbs_are_recognised() {
        for form in [
            "said",
            "says",
            "told",
            "warned",
            "testifying",
            "denied",
            "replies",
            "noting",
            "quipped",
            "believes",
        ] {
            assert!(may_report(form), "{form}");
        }
        for form in ["grew", "the", "sale", "president"] {
            assert!(!may_report(form), "{form}");
        }
    }

    #[test]
    fn pronouns_quotes_and_other_verbs_name_no_speaker() {
        assert_eq!(speaker_of("He said the plan would fail."), None);
        assert_eq!(speaker_of("The economy grew by 2% last year."), None);
        // Worrying about something reports nothing.
        assert_eq!(
            speaker_of("Leaders worry about the troops gathered to the north."),
            None
        );
        assert_eq!(speaker_of("The witness described the scene."), None);
        let sentence = "\"Police said nothing,\" the report began.";
        let analysis = Models::embedded().analyse(sentence, 0..sentence.len());
        let quoted = |at: usize| at < 22;
        assert_eq!(speaker(&analysis, &quoted), None);
    }
}
