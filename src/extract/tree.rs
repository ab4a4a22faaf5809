//! Attribution read from the sentence's dependency tree (the language
//! analysis), for sentences the word rules of [`super::attribution`] leave
//! without a speaker: the subject of a reporting verb, as a whole noun
//! phrase without its appositive, relative clause and time or place
//! modifiers ("Chris Tang, Hong Kong's new police commissioner, said in an
//! interview that ..." → Chris Tang).
//!
//! **Invariant:** a speaker comes only from a subject of a reporting verb
//! (or of the verb a conjunct or participle reporting verb shares its
//! subject with) outside quotation marks, as the sentence writes it; a
//! personal pronoun subject is returned as a pronoun, never resolved here.

use std::collections::HashMap;
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
    // "called the process a sham", "branded the response as poor": with a
    // predicate after the object, a judgement.
    "brand",
    "call",
    "label",
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
    // "Edmunds expects 16.6 million vehicles will be sold": a forecast is
    // its maker's claim.
    "expect",
    "forecast",
    "indicate",
    "joke",
    "observe",
    "pledge",
    "predict",
    "promise",
    "quip",
    "recall",
    "recognise",
    "recognize",
    "remark",
    "reveal",
    "suggest",
    "urge",
    "vow",
];

/// Every reporting lemma.
pub const REPORTING_LEMMAS: &[&[&str]] = &[STRONG_REPORTING, WEAK_REPORTING];

/// Every inflected form of the reporting verbs, with its lemma: "says",
/// "said", "warned", "testifying", "denied", "quipped".
fn reporting_forms() -> &'static HashMap<String, &'static str> {
    static FORMS: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    FORMS.get_or_init(|| {
        let mut forms: HashMap<String, &'static str> = [
            ("said", "say"),
            ("told", "tell"),
            ("wrote", "write"),
            ("written", "write"),
            ("thought", "think"),
        ]
        .into_iter()
        .map(|(form, lemma)| (form.to_owned(), lemma))
        .collect();
        for lemma in REPORTING_LEMMAS.iter().copied().flatten() {
            let lemma: &'static str = lemma;
            let stem = lemma.strip_suffix('e').unwrap_or(lemma);
            let mut add = |form: String| {
                forms.entry(form).or_insert(lemma);
            };
            add(lemma.to_owned());
            add(format!("{lemma}s"));
            add(format!("{stem}ed"));
            add(format!("{stem}ing"));
            if let Some(root) = lemma.strip_suffix('y') {
                add(format!("{root}ies"));
                add(format!("{root}ied"));
            }
            // "quip" → "quipped", "quipping".
            if let Some(last) = lemma.chars().last().filter(|c| !"aeiouwy".contains(*c)) {
                add(format!("{lemma}{last}ed"));
                add(format!("{lemma}{last}ing"));
            }
            if lemma.ends_with(['s', 'h']) {
                add(format!("{lemma}es"));
            }
        }
        forms
    })
}

/// The reporting lemma of a word of the tree, if it is one: by the
/// analysis's lemma, or by its form where the lemmatiser's rules missed
/// ("conceded" → "conced").
fn reporting_lemma(word: &Word<'_>, form: &str) -> Option<&'static str> {
    let lemma = word.lemma.to_lowercase();
    REPORTING_LEMMAS
        .iter()
        .copied()
        .flatten()
        .find(|known| **known == lemma)
        .copied()
        .or_else(|| reporting_forms().get(&form.to_lowercase()).copied())
}

/// Whether word `idx` of the tree calls its object something: "called the
/// impeachment process a sham", "branded the response as \"piecemeal\"",
/// "labelled it a failure" (a predicate after the object, which the parser
/// attaches to the verb as `xcomp`, `obl:unmarked` or an `obl` with "as").
fn judges(words: &[Word<'_>], idx: usize) -> bool {
    if !matches!(
        words[idx].lemma.to_lowercase().as_str(),
        "call" | "brand" | "label"
    ) {
        return false;
    }
    let child = |deprel: &str| {
        (0..words.len()).find(|&c| words[c].head as usize == idx + 1 && words[c].deprel == deprel)
    };
    let Some(object) = child("obj") else {
        return false;
    };
    (object + 1..words.len()).any(|c| {
        words[c].head as usize == idx + 1
            && match words[c].deprel {
                "xcomp" | "obl:unmarked" => matches!(words[c].upos, "NOUN" | "ADJ"),
                "obl" => has_child(words, c, "case", "as"),
                _ => false,
            }
    })
}

/// The forms of "point", which reports only with its particle: "pointed
/// out that ...", "points out a couple of reasons", never "pointed to the
/// map".
const POINT_FORMS: &[&str] = &["point", "points", "pointed", "pointing"];

/// Whether word `idx` of the tree is "point" with the particle "out".
fn points_out(words: &[Word<'_>], idx: usize) -> bool {
    words[idx].lemma.eq_ignore_ascii_case("point") && has_child(words, idx, "compound:prt", "out")
}

/// Whether word `idx` of the tree has a child of relation `deprel` whose
/// lemma is `lemma` (in any case).
fn has_child(words: &[Word<'_>], idx: usize, deprel: &str, lemma: &str) -> bool {
    words.iter().any(|word| {
        word.head as usize == idx + 1 && word.deprel == deprel && word.lemma.eq_ignore_ascii_case(lemma)
    })
}

/// Whether a word may be a form of a reporting verb: a cheap
/// test that spares the analysis of sentences that have none.
pub fn may_report(word: &str) -> bool {
    word.len() >= 3
        && (reporting_forms().contains_key(&word.to_ascii_lowercase())
            || POINT_FORMS.iter().any(|form| word.eq_ignore_ascii_case(form)))
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

/// A speaker found in the tree: the words of its noun phrase (`None` for a
/// personal pronoun, which the caller resolves) and the reporting verb, as
/// byte spans of the sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeSpeaker {
    pub speaker: Option<Span>,
    pub verb: Span,
}

/// The subject of the sentence's main reporting verb, when it is a name or
/// a noun phrase (not a pronoun) and stands outside quotation marks.
/// `sentence` is the analysed sentence's text; `inside_quote(byte)` tells
/// whether a byte of it is quoted.
pub fn speaker(
    analysis: &Analysis<'_>,
    sentence: &str,
    inside_quote: &dyn Fn(usize) -> bool,
) -> Option<TreeSpeaker> {
    let words = &analysis.words;
    let form = |idx: usize| {
        let span = &words[idx].span;
        sentence
            .get(span.start - analysis.span.start..span.end - analysis.span.start)
            .unwrap_or("")
    };
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
                && (reporting_lemma(&words[idx], form(idx)).is_some() || points_out(words, idx))
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
        }) || judges(words, verb);
        let strong = points_out(words, verb)
            || reporting_lemma(&words[verb], form(verb))
                .is_some_and(|lemma| STRONG_REPORTING.contains(&lemma));
        if !reports && !strong {
            continue;
        }
        let subject_of = |verb: usize| {
            (0..words.len()).find(|&idx| words[idx].head as usize == verb + 1 && words[idx].deprel == "nsubj")
        };
        // "wants them cheaper but conceded this was ambitious", "issued a
        // rallying cry, telling supporters ...": a conjunct verb, or a
        // participle hanging from a verb, shares that verb's subject.
        let word = &words[verb];
        let participle = word.deprel == "advcl"
            && word.xpos == "VBG"
            && verb
                .checked_sub(1)
                .is_some_and(|before| words[before].lemma == ",")
            && !is_negated_participle(words, verb);
        let shares_subject = word.head != 0 && (word.deprel == "conj" || participle);
        let (subject, shared_with) = match subject_of(verb) {
            Some(subject) => (subject, None),
            None if shares_subject => match subject_of(word.head as usize - 1) {
                Some(subject) => (subject, participle.then_some(word.head as usize - 1)),
                None => continue,
            },
            None => continue,
        };
        let verb_span = Span {
            start: words[verb].span.start - analysis.span.start,
            end: words[verb].span.end - analysis.span.start,
        };
        if words[subject].upos == "PRON" {
            // "he", "she", "they" speak as the word rules' pronouns do;
            // "it", "this" and the rest name nobody.
            let personal = matches!(
                words[subject].lemma.to_lowercase().as_str(),
                "he" | "she" | "they"
            );
            return personal.then_some(TreeSpeaker {
                speaker: None,
                verb: verb_span,
            });
        }
        if words[subject].upos == "DET" {
            return None;
        }
        let mut phrase = phrase_of(words, subject);
        // "The guitarist with US rock band Korn has quit": a second subject
        // of the verb that starts right where the first ends is the rest of
        // one noun phrase the parser split.
        if let Some(&last) = phrase.last()
            && let Some(next) = (last + 1..words.len())
                .find(|&idx| words[idx].head == words[subject].head && words[idx].deprel == "nsubj")
        {
            let rest = phrase_of(words, next);
            if rest.first() == Some(&(last + 1)) {
                phrase.extend(rest);
            }
        }
        // "Prince Andrew, the nearly 60-year-old younger brother of ...,
        // has told": a common noun set off after a name that opens the
        // sentence describes that name, whichever the parser made the
        // subject.
        let phrase = match named_before(words, leftmost(words, subject)) {
            Some(name) if words[subject].upos == "NOUN" => name,
            _ => phrase,
        };
        let start = words[*phrase.first()?].span.start - analysis.span.start;
        let end = words[*phrase.last()?].span.end - analysis.span.start;
        if inside_quote(start) {
            return None;
        }
        // The subject a participle shares stands next to its verb, or with
        // an appositive set off by two commas: one comma between them
        // ("interview with the FBI, Webb confessed") is a tree the parser
        // got wrong.
        if let Some(head) = shared_with
            && let Some(gap) = sentence.get(end..words[head].span.start - analysis.span.start)
            && gap.matches(',').count() % 2 == 1
        {
            continue;
        }
        return Some(TreeSpeaker {
            speaker: Some(Span { start, end }),
            verb: verb_span,
        });
    }
    None
}

/// Whether the participle `verb` is negated by its subordinator ("left
/// without saying why"): its subject did not report.
fn is_negated_participle(words: &[Word<'_>], verb: usize) -> bool {
    has_child(words, verb, "mark", "without")
}

/// The first word of the subtree headed by `head`.
fn leftmost(words: &[Word<'_>], head: usize) -> usize {
    let descends = |mut idx: usize| {
        for _ in 0..words.len() {
            if idx == head {
                return true;
            }
            match words[idx].head as usize {
                0 => return false,
                parent => idx = parent - 1,
            }
        }
        false
    };
    (0..=head).find(|&idx| descends(idx)).unwrap_or(head)
}

/// The name that opens the sentence and ends in a comma right before word
/// `first`: "Prince Andrew" in "Prince Andrew, the ...".
fn named_before(words: &[Word<'_>], first: usize) -> Option<Vec<usize>> {
    let comma = first.checked_sub(1)?;
    if words[comma].upos != "PUNCT" || words[comma].lemma != "," || comma == 0 {
        return None;
    }
    // "Cheuk Hau-yip": the tree's words split at hyphens, and the part
    // after one may be tagged as anything.
    let hyphen = |idx: usize| words[idx].xpos == "HYPH";
    (0..comma)
        .all(|idx| words[idx].upos == "PROPN" || idx > 0 && (hyphen(idx) || hyphen(idx - 1)))
        .then(|| (0..comma).collect())
}

/// The words of the noun phrase headed by `head`, without the children in
/// [`NOT_THE_SPEAKER`] (and what hangs from them), in order and contiguous
/// around the head.
fn phrase_of(words: &[Word<'_>], head: usize) -> Vec<usize> {
    let mut kept = vec![head];
    let mut frontier = vec![head];
    while let Some(parent) = frontier.pop() {
        for (child, word) in words.iter().enumerate() {
            // "the guitarist with US rock band Korn": an appositive inside
            // a modifier names what the modifier names, not the speaker.
            let nested_appositive = parent != head && word.deprel == "appos";
            if word.head as usize == parent + 1
                && (!NOT_THE_SPEAKER.contains(&word.deprel) || nested_appositive)
            {
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
        speaker(&analysis, sentence, &|_| false).map(|found| match found.speaker {
            Some(span) => sentence[span.start..span.end].to_owned(),
            None => "<pronoun>".to_owned(),
        })
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
        // Parsed with the description as the subject and the name apart.
        assert_eq!(
            speaker_of(
                "Prince Andrew, the nearly 60-year-old younger brother of heir to the British throne, Charles, has reportedly told friends that he will step back."
            ),
            Some("Prince Andrew".into())
        );
        assert_eq!(
            speaker_of("Officials warned that more attacks would follow."),
            Some("Officials".into())
        );
        // A conjunct shares its subject, and a form the lemmatiser missed
        // ("conceded" → "conced") still reports.
        assert_eq!(
            speaker_of(
                "Mr Negroponte wants the laptops to become more common than mobile phones but conceded this was ambitious."
            ),
            Some("Mr Negroponte".into())
        );
        assert_eq!(
            speaker_of("Protesters believe the bill is an example of eroding autonomy."),
            Some("Protesters".into())
        );
    }

    #[test]
    fn a_participle_or_particle_reports_for_the_subject_it_shares() {
        assert_eq!(
            speaker_of(
                "The utilities commission is frustrated with the companies, saying they failed to share information."
            ),
            Some("The utilities commission".into())
        );
        assert_eq!(
            speaker_of(
                "The company pointed out that the farm, which employs 300 workers, provides meat for the market."
            ),
            Some("The company".into())
        );
        // A subject the parser split in two is whole.
        assert_eq!(
            speaker_of(
                "The guitarist with US rock band Korn has quit the music business, saying he made the decision."
            ),
            Some("The guitarist with US rock band Korn".into())
        );
        // Calling something something is a judgement; calling someone is not.
        assert_eq!(
            speaker_of("The White House called the impeachment process a sham."),
            Some("The White House".into())
        );
        assert_eq!(speaker_of("The minister called the hospital on Monday."), None);
        // Pointing at something, or leaving without saying, reports nothing.
        assert_eq!(speaker_of("The minister pointed to the map on the wall."), None);
        assert_eq!(
            speaker_of("The chairman resigned on Monday without saying why he had gone."),
            None
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
        assert_eq!(
            speaker_of("He said the plan would fail."),
            Some("<pronoun>".into())
        );
        assert_eq!(speaker_of("It said the plan would fail."), None);
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
        assert_eq!(speaker(&analysis, sentence, &quoted), None);
    }
}
