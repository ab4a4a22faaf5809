//! The claim extractor: turns raw article text into check-worthy claim drafts plus diagnostics.
//!
//! The extractor is pure: text in, claims out, no I/O. It never fails and
//! never panics; anything it cannot use becomes a [`Diagnostic`].
//!
//! Pipeline, one module per step:
//! 1. `header` finds the header line (`date YYYY-MM-DD DATELINE •`), a
//!    title line and the closing credit line, and so the prose region;
//! 2. [`sentences`] splits the prose into sentences with exact byte spans;
//! 3. per sentence, [`words`] tokenises once, looking every word up in
//!    [`lexicon`], and the word list is shared by
//!    `skip` (non-claims), `attribution` (speaker) and [`score`]
//!    (check-worthiness features and score);
//! 4. [`claim_text`] normalises the assertion text.
//!
//! The sentence splitter and the feature scoring are public so later, smarter
//! versions (sentence decomposition, a learned model) can reuse them.

mod attribution;
pub mod claim_text;
mod header;
pub mod lexicon;
pub mod model;
pub mod score;
pub mod sentences;
mod skip;
pub mod words;

pub use header::{Layout, is_valid_date, parse_layout};
pub use score::{Features, checkworthiness, sentence_features};
pub use sentences::{split_sentences, split_sentences_in};

use attribution::{NameMemory, SpeakerPhrase};

use crate::model::ClaimDetails;

/// Changes whenever the extractor's output changes.
pub const EXTRACTOR_VERSION: &str = "claimdb-extract/0.2.0";

/// A byte range `start..end` into the article body, on UTF-8 char boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// Metadata read from the article's header, title line and credit line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleMeta {
    pub title: Option<String>,
    /// "YYYY-MM-DD", only if it is a valid calendar date.
    pub published_date: Option<String>,
    /// E.g. "WILMINGTON/MOSCOW".
    pub dateline: Option<String>,
    /// E.g. "REUTERS, AGENCE FRANCE-PRESSE".
    pub credit: Option<String>,
}

/// One candidate claim: an atomic assertion of a sentence. Several claims
/// may share one sentence when it is a compound of several assertions.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimDraft {
    /// The assertion: the sentence with whitespace normalised, and surrounding
    /// quote marks and attribution trimmed when that is trivially safe.
    pub text: String,
    /// Exactly `body[span.start..span.end]`.
    pub sentence: String,
    pub span: Span,
    /// Who asserts it; `None` means unattributed (the caller fills in the publication).
    pub speaker: Option<String>,
    /// How worth checking the claim is, in 0..=1.
    pub checkworthiness: f64,
    /// The index of the sentence among the sentences of the prose region.
    pub sentence_idx: usize,
    /// Content, kind, stance, entities, quantities, dates and rewrites.
    pub details: ClaimDetails,
}

/// Something the extractor noticed but did not turn into a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub span: Span,
    /// E.g. "skipped: question", "skipped: too short".
    pub message: String,
}

/// The result of [`extract`].
#[derive(Debug, Clone, PartialEq)]
pub struct Extraction {
    pub meta: ArticleMeta,
    pub claims: Vec<ClaimDraft>,
    pub diagnostics: Vec<Diagnostic>,
}

/// How many sentences a quotation may run on and still pass its speaker
/// along; a bound so that one stray quote mark cannot attribute a whole article.
const MAX_QUOTE_SENTENCES: usize = 6;

/// What the caller knows about an article beyond its text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// The date relative dates are resolved against, `YYYY-MM-DD`; when
    /// `None` or not a calendar date, the date of the header line is used,
    /// and without either relative dates stay unresolved.
    pub reference_date: Option<String>,
}

/// Extracts claim drafts from an article body, exactly as received, dated by its header.
pub fn extract(body: &str) -> Extraction {
    extract_with(body, &Options::default())
}

/// Extracts claim drafts from an article body, exactly as received.
pub fn extract_with(body: &str, options: &Options) -> Extraction {
    let _ = options;
    let Layout {
        meta,
        content,
        mut diagnostics,
    } = parse_layout(body);
    let spans = split_sentences_in(body, content);
    let mut claims: Vec<ClaimDraft> = Vec::with_capacity(spans.len());
    let mut name_memory = NameMemory::default();
    let mut sentence_words = Vec::new();
    let mut inside_quote = Vec::new();
    let mut previous_speaker: Option<String> = None;
    // The quotation left open by the previous sentence, if any: whether there
    // is one, who speaks it, and which of its claims still lack a speaker.
    let mut previous_ends_inside_quote = false;
    let mut open_quote_speaker: Option<String> = None;
    let mut n_open_quote_sentences = 0usize;
    let mut pending_quote_claims: Vec<usize> = Vec::new();
    for span in spans {
        let sentence = &body[span.start..span.end];
        words::collect_words(sentence, &mut sentence_words);
        let quotes = attribution::quote_profile(sentence);
        attribution::inside_quote_flags(sentence, &sentence_words, quotes, &mut inside_quote);
        attribution::remember_names(sentence, &sentence_words, &mut name_memory);
        let found = attribution::find_attribution(sentence, &sentence_words, &inside_quote);
        let mut speaker = match found.map(|attribution| attribution.speaker) {
            Some(SpeakerPhrase::Named(phrase)) => Some(attribution::resolve_speaker(
                &sentence[phrase.start..phrase.end],
                &name_memory,
            )),
            Some(SpeakerPhrase::Pronoun) => previous_speaker.clone(),
            None => None,
        };
        // A quotation may run over several sentences and paragraphs: the
        // sentences inside it share the speaker named at its start, or, when
        // it is named only at the end ("...here. The rest," Mr Scholz said.),
        // receive that speaker afterwards.
        let continues_quote = previous_ends_inside_quote && n_open_quote_sentences < MAX_QUOTE_SENTENCES;
        if continues_quote {
            n_open_quote_sentences += 1;
            if speaker.is_none() {
                speaker.clone_from(&open_quote_speaker);
            } else if open_quote_speaker.is_none() {
                for claim_idx in pending_quote_claims.drain(..) {
                    claims[claim_idx].speaker.clone_from(&speaker);
                }
            }
        } else {
            n_open_quote_sentences = 0;
            pending_quote_claims.clear();
        }
        let ends_inside_quote = if quotes.has_marks {
            quotes.ends_inside
        } else {
            continues_quote
        };
        previous_ends_inside_quote = ends_inside_quote;
        if ends_inside_quote {
            if !continues_quote || open_quote_speaker.is_none() {
                open_quote_speaker.clone_from(&speaker);
            }
        } else {
            open_quote_speaker = None;
            pending_quote_claims.clear();
        }
        previous_speaker.clone_from(&speaker);
        if let Some(reason) = skip::skip_reason(sentence, &sentence_words) {
            diagnostics.push(Diagnostic {
                span,
                message: reason.to_string(),
            });
            continue;
        }
        if speaker.is_none() && ends_inside_quote {
            pending_quote_claims.push(claims.len());
        }
        let features = sentence_features(sentence, &sentence_words);
        let text = claim_text::claim_text(sentence, found.map(|attribution| attribution.clause));
        claims.push(ClaimDraft {
            details: ClaimDetails {
                content: text.clone(),
                ..ClaimDetails::default()
            },
            text,
            sentence: sentence.to_string(),
            span,
            speaker,
            checkworthiness: checkworthiness(&sentence_words, &features),
            sentence_idx: 0,
        });
    }
    Extraction {
        meta,
        claims,
        diagnostics,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MISSION_ARTICLE: &str = include_str!("../../tests/data/extract/2022-01-01-biden-putin-call.txt");

    /// Checks the invariants every extraction must satisfy for `body`.
    fn assert_well_formed(body: &str, extraction: &Extraction) {
        for claim in &extraction.claims {
            let span = claim.span;
            assert!(span.start < span.end && span.end <= body.len(), "{span:?}");
            assert!(body.is_char_boundary(span.start) && body.is_char_boundary(span.end));
            assert_eq!(&body[span.start..span.end], claim.sentence);
            assert!((0.0..=1.0).contains(&claim.checkworthiness));
            assert!(!claim.text.is_empty());
        }
        for diagnostic in &extraction.diagnostics {
            let span = diagnostic.span;
            assert!(span.start <= span.end && span.end <= body.len(), "{span:?}");
            assert!(body.is_char_boundary(span.start) && body.is_char_boundary(span.end));
        }
    }

    fn claim_starting<'a>(extraction: &'a Extraction, prefix: &str) -> &'a ClaimDraft {
        extraction
            .claims
            .iter()
            .find(|claim| claim.sentence.starts_with(prefix))
            .unwrap_or_else(|| panic!("no claim starts with {prefix:?}"))
    }

    #[test]
    fn mission_article_metadata() {
        let extraction = extract(MISSION_ARTICLE);
        assert_eq!(extraction.meta.published_date.as_deref(), Some("2022-01-01"));
        assert_eq!(extraction.meta.dateline.as_deref(), Some("WILMINGTON/MOSCOW"));
        assert_eq!(
            extraction.meta.credit.as_deref(),
            Some("REUTERS, AGENCE FRANCE-PRESSE")
        );
        assert_eq!(extraction.meta.title, None);
    }

    #[test]
    fn mission_article_sentences_and_claims() {
        let extraction = extract(MISSION_ARTICLE);
        assert_well_formed(MISSION_ARTICLE, &extraction);
        // Counted by reading: 22 paragraphs after the header; paragraphs 2
        // ("... rupture in ties. The call ...") and 12 ("... invade Ukraine.
        // \"Biden laid out ...") hold two sentences, and the Scholz quotation
        // ("... new challenges here. The inviolability ...") holds two.
        // Every one of the 25 states something, so all are claims.
        assert_eq!(extraction.claims.len(), 25, "{:#?}", extraction.claims);
        assert!(extraction.diagnostics.is_empty(), "{:?}", extraction.diagnostics);
        let first = &extraction.claims[0];
        assert!(first.sentence.starts_with("US President Joe Biden and"));
        let last = extraction.claims.last().unwrap();
        assert!(last.sentence.ends_with("capable of standing up for itself."));
        for claim in &extraction.claims {
            assert!(!claim.sentence.contains("REUTERS"));
            assert!(!claim.sentence.contains("date 2022"));
            assert!(!claim.sentence.contains('\u{2022}'));
        }
    }

    #[test]
    fn mission_article_speakers() {
        let extraction = extract(MISSION_ARTICLE);
        let psaki = claim_starting(&extraction, "\"President Biden reiterated");
        assert!(
            psaki.speaker.as_deref().unwrap().contains("Jen Psaki"),
            "{psaki:?}"
        );
        assert_eq!(
            psaki.text,
            "President Biden reiterated that substantive progress in these dialogues can occur only in an environment of de-escalation rather than escalation."
        );
        let ushakov = claim_starting(&extraction, "Mr Ushakov said President Putin");
        assert_eq!(ushakov.speaker.as_deref(), Some("Yuri Ushakov"));
        let added = claim_starting(&extraction, "He added:");
        assert_eq!(added.speaker.as_deref(), Some("Yuri Ushakov"));
        assert!(added.text.starts_with("Our President also mentioned"));
        let biden = claim_starting(&extraction, "In a 50-minute call");
        assert_eq!(biden.speaker.as_deref(), Some("Joe Biden"));
        let official = claim_starting(&extraction, "\"Biden laid out two paths\"");
        assert_eq!(
            official.speaker.as_deref(),
            Some("a senior administration official")
        );
        let scholz_first = claim_starting(&extraction, "\"With a view on Ukraine");
        assert_eq!(scholz_first.speaker.as_deref(), Some("Olaf Scholz"));
        let scholz_second = claim_starting(&extraction, "The inviolability of borders");
        assert_eq!(scholz_second.speaker.as_deref(), Some("Olaf Scholz"));
        let unattributed = claim_starting(&extraction, "The call was requested");
        assert_eq!(unattributed.speaker, None);
        let moscow = claim_starting(&extraction, "Moscow denies");
        assert_eq!(moscow.speaker.as_deref(), Some("Moscow"));
    }

    #[test]
    fn mission_article_scores_favour_concrete_sentences() {
        let extraction = extract(MISSION_ARTICLE);
        let troops = claim_starting(&extraction, "In the Ukrainian capital");
        let vague = claim_starting(&extraction, "And neither country");
        assert!(troops.checkworthiness > vague.checkworthiness);
        assert!(troops.checkworthiness > 0.7);
    }

    #[test]
    fn every_prefix_of_the_mission_article_is_well_formed() {
        for (byte_idx, _) in MISSION_ARTICLE.char_indices() {
            let body = &MISSION_ARTICLE[..byte_idx];
            assert_well_formed(body, &extract(body));
        }
    }

    #[test]
    fn awkward_inputs_never_panic() {
        let long_dots = ".".repeat(10_000);
        let combining = "e\u{301}\u{301}\u{301}\u{20DD}".repeat(200);
        let many_quotes = "\"".repeat(1_000);
        let many_newlines = "\n \n\r\n".repeat(1_000);
        let awkward: Vec<&str> = vec![
            "",
            " ",
            "\n\n\t  \r\n",
            "...!?",
            ".",
            "\u{2022}",
            " \u{2022} ",
            "date",
            "date ",
            "date 2022-01-01",
            "date 2022-01-01 \u{2022}",
            "date \u{2022}",
            "date 2022-02-30 X \u{2022} It happened on the day in question.",
            "\"unterminated quote that never closes",
            "He said: \u{201C}it goes on and on",
            "\u{201D}closing first\u{201C}",
            &long_dots,
            &combining,
            &many_quotes,
            &many_newlines,
            "English, \u{0420}\u{0443}\u{0441}\u{0441}\u{043A}\u{0438}\u{0439}, \u{4E2D}\u{6587}, \u{0627}\u{0644}\u{0639}\u{0631}\u{0628}\u{064A}\u{0629}. \u{1F600}\u{1F1FA}\u{1F1F8}.",
            "Line one.\r\nLine two said Mr Smith.\r\n\r\nREUTERS\r\n",
            "Mr.",
            "Mr. ",
            "U.S.",
            "e.g.",
            "A. B. C. D.",
            "According to",
            "according to ,",
            "said",
            ", said",
            "\"x,\" said",
            "He added:",
            "REUTERS",
            "Title only\n\n",
            "\u{FEFF}Byte order mark. Then text.",
            "\u{0}\u{1}\u{7F} control characters.",
            "- \n* \n\u{2022} \n\u{2013}",
            "http://example.com",
            "50% 50% 50%",
            "\u{2026}\u{2026}\u{2026}",
            "'''''",
            "Mr Mr Mr Mr said said said.",
        ];
        for body in awkward {
            let extraction = extract(body);
            assert_well_formed(body, &extraction);
        }
    }

    #[test]
    fn invalid_header_date_is_a_diagnostic_not_a_sentence() {
        let body = "date 2022-13-45 LONDON \u{2022} Inflation rose to 5% in March, the ONS said.";
        let extraction = extract(body);
        assert_eq!(extraction.meta.published_date, None);
        assert_eq!(extraction.meta.dateline.as_deref(), Some("LONDON"));
        assert_eq!(extraction.claims.len(), 1);
        assert_eq!(extraction.claims[0].speaker.as_deref(), Some("the ONS"));
        assert_eq!(extraction.diagnostics.len(), 1);
    }

    #[test]
    fn article_without_header_or_credit() {
        let body = "Profits rose 12% to $3.4bn last year, the company said. Is that enough? Hello there.\n\nShares fell.";
        let extraction = extract(body);
        assert_eq!(extraction.meta, ArticleMeta::default());
        assert_eq!(extraction.claims.len(), 1);
        assert_eq!(extraction.claims[0].speaker.as_deref(), Some("the company"));
        let messages: Vec<&str> = extraction
            .diagnostics
            .iter()
            .map(|diagnostic| diagnostic.message.as_str())
            .collect();
        assert_eq!(
            messages,
            vec![
                "skipped: question",
                "skipped: greeting or boilerplate",
                "skipped: too short"
            ]
        );
        assert_well_formed(body, &extraction);
    }

    #[test]
    fn quotations_over_several_sentences_share_their_speaker() {
        let body = "Ms Hewitt said: \"We have doubled it. We will extend it.\n\n\"We made a firm commitment.\"\n\nShe said more would follow soon.\n\nPrices rose 5% last year.";
        let extraction = extract(body);
        let speakers: Vec<Option<&str>> = extraction
            .claims
            .iter()
            .map(|claim| claim.speaker.as_deref())
            .collect();
        assert_eq!(
            speakers,
            vec![
                Some("Ms Hewitt"),
                Some("Ms Hewitt"),
                Some("Ms Hewitt"),
                Some("Ms Hewitt"),
                None
            ]
        );
        let late = extract(
            "\"Taxes will rise next year. Spending will fall,\" the minister said. Growth slowed to 1%.",
        );
        let speakers: Vec<Option<&str>> = late.claims.iter().map(|claim| claim.speaker.as_deref()).collect();
        assert_eq!(speakers, vec![Some("the minister"), Some("the minister"), None]);
    }

    #[test]
    fn pronoun_without_previous_speaker_is_unattributed() {
        let extraction = extract("The economy grew by 2% last year. He said that was good news.");
        assert_eq!(extraction.claims[1].speaker, None);
    }

    #[test]
    fn throughput_is_linear() {
        // A coarse guard against quadratic behaviour: 200 copies of the
        // article must produce exactly 200 times the claims, and the spans of
        // the last copy must be offset correctly.
        let body = MISSION_ARTICLE.repeat(200);
        let extraction = extract(&body);
        assert_well_formed(&body, &extraction);
        assert!(extraction.claims.len() >= 200 * 24);
    }
}
