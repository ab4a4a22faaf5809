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

mod analysed;
mod attribution;
mod build;
pub mod claim_text;
mod classify;
mod dates;
mod decompose;
mod decontext;
#[cfg(test)]
mod golden;
mod header;
pub mod lexicon;
pub mod model;
mod names;
#[cfg(test)]
mod proptests;
pub mod score;
pub mod sentences;
mod skip;
pub mod syntax;
mod tree;
pub mod words;

pub use header::{Layout, is_valid_date, parse_layout};
pub use score::{Features, checkworthiness, sentence_features};
pub use sentences::{split_sentences, split_sentences_in};

use analysed::Analysed;
use attribution::{NameMemory, SpeakerPhrase};
use dates::Day;

use crate::model::{ClaimDetails, ClaimKind, DateRange, Polarity};
use claimdb_analysis::coref::{self, MentionKind, Resolver};
use claimdb_analysis::ner::EntityKind;

/// Changes whenever the extractor's output changes.
pub const EXTRACTOR_VERSION: &str = "claimdb-extract/0.28.0";

/// The extractor's byte ranges are the domain's one span type.
pub use crate::model::Span;

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
    let Layout {
        meta,
        content,
        mut diagnostics,
    } = parse_layout(body);
    let reference = options
        .reference_date
        .as_deref()
        .and_then(Day::parse)
        .or_else(|| meta.published_date.as_deref().and_then(Day::parse));
    let spans = split_sentences_in(body, content);
    let mut claims: Vec<ClaimDraft> = Vec::with_capacity(spans.len());
    let mut name_memory = NameMemory::default();
    let mut context = decontext::Context::default();
    let mut scratch = Scratch::default();
    let mut sentence_words = Vec::new();
    let mut places = decontext::Places::default();
    let mut inside_quote = Vec::new();
    let mut previous_speaker: Option<String> = None;
    let mut previous_verb: Option<String> = None;
    // Analyses of the article's sentences, made when a rule needs them.
    let mut analysed = Analysed::new(body, &spans);
    // The quotation left open by the previous sentence, if any: whether there
    // is one, who speaks it, and which of its claims still lack a speaker.
    let mut previous_ends_inside_quote = false;
    let mut open_quote_speaker: Option<(String, Option<String>)> = None;
    // Whether that speaker was only borrowed from the sentence before the
    // quotation, so that a speaker the quotation names later overrides it.
    let mut open_quote_borrowed = false;
    // The speaker of the last sentence that quoted someone, while only
    // quotations follow it.
    let mut last_quoted: Option<(String, Option<String>)> = None;
    let mut n_open_quote_sentences = 0usize;
    let mut pending_quote_claims: Vec<usize> = Vec::new();
    // The body's quoted text so far, in order: a name inside a quotation is
    // the quoted speaker's word, not the narrator's antecedent.
    let mut quoted_spans: Vec<Span> = Vec::new();
    for (sentence_idx, &span) in spans.iter().enumerate() {
        let sentence = &body[span.start..span.end];
        words::collect_words(sentence, &mut sentence_words);
        places.fill(sentence, &sentence_words, &mut analysed, sentence_idx);
        let quotes = attribution::quote_profile(sentence);
        attribution::inside_quote_flags(sentence, &sentence_words, quotes, &mut inside_quote);
        attribution::remember_names(sentence, &sentence_words, &mut name_memory);
        let found = attribution::find_attribution(sentence, &sentence_words, &inside_quote);
        let mut speaker = match found.map(|attribution| attribution.speaker) {
            Some(SpeakerPhrase::Named(phrase)) => {
                Some(speaker_name(&sentence[phrase.start..phrase.end], &name_memory))
            }
            Some(SpeakerPhrase::Pronoun) => previous_speaker.clone(),
            None => None,
        };
        let mut verb =
            found.map(|attribution| sentence[attribution.verb.start..attribution.verb.end].to_string());
        if matches!(
            found.map(|attribution| attribution.speaker),
            Some(SpeakerPhrase::Pronoun)
        ) && speaker.is_none()
        {
            verb = None;
        }
        // A quotation may run over several sentences and paragraphs: the
        // sentences inside it share the speaker named at its start, or, when
        // it is named only at the end ("...here. The rest," Mr Scholz said.),
        // receive that speaker afterwards.
        let continues_quote = previous_ends_inside_quote && n_open_quote_sentences < MAX_QUOTE_SENTENCES;
        if continues_quote {
            n_open_quote_sentences += 1;
            if speaker.is_none() {
                if let Some((open_speaker, open_verb)) = &open_quote_speaker {
                    speaker = Some(open_speaker.clone());
                    verb.clone_from(open_verb);
                }
            } else if open_quote_speaker.is_none() || open_quote_borrowed {
                open_quote_borrowed = false;
                for claim_idx in pending_quote_claims.drain(..) {
                    let claim = &mut claims[claim_idx];
                    claim.speaker.clone_from(&speaker);
                    claim.details.reporting_verb.clone_from(&verb);
                    if claim.details.kind != ClaimKind::Statistic {
                        claim.details.kind = ClaimKind::Statement;
                        claim.details.checkable = true;
                    }
                }
            }
        } else {
            n_open_quote_sentences = 0;
            pending_quote_claims.clear();
        }
        // No word rule named a speaker: the subject of a reporting verb in
        // the sentence's tree may ("Chris Tang, the police commissioner,
        // said in an interview that ...").
        if speaker.is_none()
            && found.is_none()
            && !continues_quote
            && !quotes.starts_inside
            && (0..sentence_words.len()).any(|idx| {
                !inside_quote[idx]
                    && tree::may_report(sentence_words[idx].text)
                    && !attribution::adds_a_quantity(sentence, &sentence_words, idx)
                    && !idx
                        .checked_sub(1)
                        .is_some_and(|before| is_determiner(sentence_words[before].text))
            })
        {
            let quoted = |at: usize| {
                sentence_words
                    .iter()
                    .position(|word| word.start <= at && at < word.end)
                    .is_some_and(|idx| inside_quote[idx])
            };
            let hit = analysed
                .sentence(sentence_idx)
                .and_then(|analysis| tree::speaker(analysis, sentence, &quoted));
            match hit {
                Some(tree::TreeSpeaker {
                    speaker: Some(phrase),
                    verb: verb_span,
                }) => {
                    // The tree's words split at hyphens ("Hau-yip" is three):
                    // the speaker runs to the ends of the extractor's words.
                    let start = sentence_words
                        .iter()
                        .find(|word| word.start <= phrase.start && phrase.start < word.end)
                        .map_or(phrase.start, |word| word.start);
                    let end = sentence_words
                        .iter()
                        .find(|word| word.start < phrase.end && phrase.end <= word.end)
                        .map_or(phrase.end, |word| word.end);
                    speaker = Some(speaker_name(&sentence[start..end], &name_memory));
                    verb = Some(sentence[verb_span.start..verb_span.end].to_string());
                }
                // "He also promised to ...": the pronoun is the previous
                // sentence's speaker, as for the word rules' pronouns.
                Some(tree::TreeSpeaker {
                    speaker: None,
                    verb: verb_span,
                }) if previous_speaker.is_some() => {
                    speaker.clone_from(&previous_speaker);
                    verb = Some(sentence[verb_span.start..verb_span.end].to_string());
                }
                _ => {}
            }
        }
        // A quotation that opens a sentence with nobody named goes on
        // quoting whoever the quotation before it quoted ("'It's hard,'
        // Suter said." then "'We know where we are.'"); a sentence of
        // narration ends that.
        // Only a sentence that is all quotation: words after the quotation
        // that name nobody the rules know ("'...,' chimed in Bergeron.")
        // must not be given the previous speaker.
        let opens_with_quote =
            sentence.trim_start().starts_with(['"', '\u{201C}']) && inside_quote.iter().all(|&quoted| quoted);
        let mut borrowed = false;
        if speaker.is_none()
            && found.is_none()
            && opens_with_quote
            && let Some((quoted_speaker, quoted_verb)) = &last_quoted
        {
            speaker = Some(quoted_speaker.clone());
            verb.clone_from(quoted_verb);
        } else if speaker.is_none() && found.is_none() && opens_with_quote && !continues_quote {
            // "Wilson said the feud would help. "It helps him ...": a
            // quotation right after someone's reported words is theirs,
            // until the quotation itself names another speaker.
            if let Some(previous) = &previous_speaker {
                speaker = Some(previous.clone());
                verb.clone_from(&previous_verb);
                borrowed = true;
            }
        }
        last_quoted = match (&speaker, quotes.has_marks) {
            (Some(speaker), true) => Some((speaker.clone(), verb.clone())),
            (None, true) => None,
            (_, false) if continues_quote => last_quoted,
            _ => None,
        };
        let ends_inside_quote = if quotes.has_marks {
            quotes.ends_inside
        } else {
            continues_quote
        };
        previous_ends_inside_quote = ends_inside_quote;
        note_quoted(
            span,
            &sentence_words,
            &inside_quote,
            continues_quote && !quotes.has_marks,
            &mut quoted_spans,
        );
        if ends_inside_quote {
            if !continues_quote || open_quote_speaker.is_none() {
                open_quote_speaker = speaker.clone().map(|speaker| (speaker, verb.clone()));
                open_quote_borrowed = borrowed;
            }
        } else {
            open_quote_speaker = None;
            open_quote_borrowed = false;
            pending_quote_claims.clear();
        }
        previous_speaker.clone_from(&speaker);
        previous_verb.clone_from(&verb);
        if let Some(reason) = skip::skip_reason(sentence, &sentence_words) {
            diagnostics.push(Diagnostic {
                span,
                message: reason.to_string(),
            });
            context.learn(sentence, &sentence_words, &places);
            continue;
        }
        let mut features = sentence_features(sentence, &sentence_words);
        if model::embedded().config.analysis {
            features.syntax = analysed.sentence(sentence_idx).map(syntax::syntax_features);
        }
        let sentence_view = SentenceView {
            body,
            sentence,
            span,
            sentence_idx,
            words: &sentence_words,
            inside_quote: &inside_quote,
            quoted_spans: &quoted_spans,
            places: &places,
            checkworthiness: checkworthiness(&sentence_words, &features),
            reference,
        };
        let first_new_claim = claims.len();
        build_sentence_claims(
            &sentence_view,
            SentenceAttribution {
                found,
                speaker: speaker.as_deref(),
                verb: verb.as_deref(),
                starts_inside_quote: quotes.starts_inside || continues_quote,
            },
            &name_memory,
            &context,
            &mut analysed,
            &mut scratch,
            &mut claims,
            &mut diagnostics,
        );
        if (speaker.is_none() || open_quote_borrowed) && ends_inside_quote {
            pending_quote_claims.extend(first_new_claim..claims.len());
        }
        name_memory.last_mentioned = None;
        context.learn(sentence, &sentence_words, &places);
    }
    canonical_speakers(&mut claims, &name_memory);
    Extraction {
        meta,
        claims,
        diagnostics,
    }
}

/// One person is one speaker in an article: "Trump", "President Trump" and
/// "U.S. President Donald Trump" all become "Donald Trump" once the article
/// has named him, with the role the article wrote beside the name kept in
/// `speaker_role` ([`attribution::split_role`]).
fn canonical_speakers(claims: &mut [ClaimDraft], memory: &NameMemory) {
    for claim in claims {
        let Some(speaker) = claim.speaker.take() else {
            continue;
        };
        claim.speaker = Some(match attribution::split_role(&speaker, memory) {
            Some((name, role)) => {
                claim.details.speaker_role = Some(role);
                name
            }
            None => attribution::resolve_speaker(&speaker, memory),
        });
    }
}

/// The name a third-person pronoun at byte `at` of the body (in sentence
/// `sentence_idx`) stands for, when the learned resolver is confident of a
/// named antecedent (`coref::Resolution::confident`, chosen for a held-out
/// precision of 0.95), as the article's fullest form of that name; `None`
/// otherwise. Analyses the sentences of the resolver's window once each.
///
/// A narrator's pronoun is not trusted to an antecedent inside a quotation
/// (`quoted`, body ranges): "'... of Adam Smith ...' He continued:" is the
/// man quoted, not Smith. GAP, which the threshold was chosen on, has no
/// quotations. A pronoun in a quotation's later sentence may stand for a
/// name earlier in the quotation ("Bob was driven. He didn't suffer fools").
fn resolve_pronoun(
    body: &str,
    quoted: &[Span],
    analysed: &mut Analysed<'_>,
    sentence_idx: usize,
    at: usize,
    memory: &NameMemory,
) -> Option<String> {
    let first = sentence_idx.saturating_sub(coref::WINDOW_SENTENCES);
    let window = analysed.window(first, sentence_idx)?;
    let current = window.last()?;
    let word = current.words.iter().position(|word| word.span.start == at)?;
    let resolution = Resolver::embedded().resolve(
        &window,
        coref::WordRef {
            sentence: window.len() - 1,
            word,
        },
    )?;
    let best = resolution.confident()?;
    if is_quoted(quoted, best.mention.span.start) && !is_quoted(quoted, at) {
        return None;
    }
    let name = body.get(best.mention.span.clone())?;
    // "He" and "she" are people: a person the recogniser found, or a run of
    // proper nouns the article has used as a person's name before; never an
    // organisation or a place ("He" is not "Labour" or "Central Park").
    let surname = name.split_whitespace().last().unwrap_or(name);
    let person = match best.mention.kind {
        MentionKind::Name(EntityKind::Person) => true,
        MentionKind::ProperNoun => memory.full_name(surname).is_some(),
        _ => false,
    };
    person.then(|| attribution::resolve_speaker(name, memory))
}

/// Appends the quoted words of the sentence at `span` to `quoted` as body
/// ranges, one per run of quoted words; `whole` when the sentence carries on
/// a quotation without a mark of its own.
fn note_quoted(span: Span, words: &[words::Word<'_>], flags: &[bool], whole: bool, quoted: &mut Vec<Span>) {
    if whole {
        quoted.push(span);
        return;
    }
    let mut run: Option<Span> = None;
    for (word, &inside) in words.iter().zip(flags) {
        match (&mut run, inside) {
            (Some(open), true) => open.end = span.start + word.end,
            (None, true) => {
                run = Some(Span {
                    start: span.start + word.start,
                    end: span.start + word.end,
                });
            }
            (Some(_), false) => quoted.extend(run.take()),
            (None, false) => {}
        }
    }
    quoted.extend(run);
}

/// Whether body byte `at` lies in one of the sorted, disjoint `quoted` ranges.
fn is_quoted(quoted: &[Span], at: usize) -> bool {
    let after = quoted.partition_point(|range| range.start <= at);
    after > 0 && at < quoted[after - 1].end
}

/// One sentence's analysis, made when a date rule first asks.
struct SentenceTree<'a, 'b> {
    analysed: &'a mut Analysed<'b>,
    sentence_idx: usize,
}

impl dates::Tree for SentenceTree<'_, '_> {
    fn tense_at(&mut self, at: usize) -> dates::Tense {
        self.analysed
            .sentence(self.sentence_idx)
            .map_or(dates::Tense::Present, |analysis| {
                dates::clause_tense(analysis, at)
            })
    }

    fn counts_at(&mut self, at: usize) -> bool {
        self.analysed
            .sentence(self.sentence_idx)
            .is_some_and(|analysis| dates::counts_a_thing(analysis, at))
    }

    fn modifies_noun_at(&mut self, span: Span) -> bool {
        self.analysed
            .sentence(self.sentence_idx)
            .is_some_and(|analysis| dates::modifies_a_noun(analysis, span))
    }
}

/// Buffers reused from sentence to sentence.
#[derive(Default)]
struct Scratch {
    segments: Vec<decompose::Segment>,
    replacements: Vec<decontext::Replacement>,
    dates: Vec<dates::FoundDate>,
    /// The article's time so far: the last date found ([`dates::find_dates`]).
    narrative: Option<(Day, Day)>,
}

/// One sentence and what is known about it.
struct SentenceView<'s, 'w> {
    /// The article body, of which `sentence` is `span`.
    body: &'s str,
    sentence: &'s str,
    span: Span,
    sentence_idx: usize,
    words: &'w [words::Word<'s>],
    inside_quote: &'w [bool],
    /// The body's quoted text up to and including this sentence ([`note_quoted`]).
    quoted_spans: &'w [Span],
    places: &'w decontext::Places,
    checkworthiness: f64,
    reference: Option<Day>,
}

/// The sentence-level attribution, which a single-claim sentence keeps.
#[derive(Clone, Copy)]
struct SentenceAttribution<'a> {
    found: Option<attribution::Attribution>,
    speaker: Option<&'a str>,
    verb: Option<&'a str>,
    starts_inside_quote: bool,
}

/// The speaker string for a phrase: full names for honorifics, states for metonyms.
fn speaker_name(phrase: &str, memory: &NameMemory) -> String {
    let phrase = attribution::speaker_core(phrase);
    match decontext::speaker_metonym(phrase) {
        Some(state) => capitalise(state),
        None => attribution::resolve_speaker(phrase, memory),
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) if first.is_lowercase() && !text.starts_with("the ") => {
            first.to_uppercase().chain(chars).collect()
        }
        _ => text.to_string(),
    }
}

/// Words after which a reporting word is a noun ("the report", "his
/// remarks"), never the verb a speaker is the subject of.
fn is_determiner(text: &str) -> bool {
    matches!(
        text.to_ascii_lowercase().as_str(),
        "the" | "a" | "an" | "his" | "her" | "its" | "their" | "our" | "my" | "your" | "these" | "those"
    )
}

fn is_subject_pronoun(text: &str) -> bool {
    matches!(text, "he" | "she" | "they" | "He" | "She" | "They")
}

/// Whether the pronoun that opens reported content plausibly is its
/// speaker: "he"/"she" for a person, "it" for one state or body, "they" for
/// a plural ("the Liberal Democrats said it was misdirected": "it" is not them).
fn pronoun_fits_speaker(pronoun: &str, speaker: &str) -> bool {
    // A speaker that is itself a pronoun resolves nothing ("It said it ...").
    if matches!(
        speaker.to_ascii_lowercase().as_str(),
        "he" | "she" | "it" | "they" | "we" | "i" | "you"
    ) {
        return false;
    }
    let plural = speaker.ends_with('s') && !speaker.ends_with("ss");
    let clashes = |pronoun_gender| {
        attribution::speaker_gender(person_named_by(speaker)).is_some_and(|gender| gender != pronoun_gender)
    };
    match pronoun {
        // "Alice Marchak said that he looked like George Raft": "he" is not her.
        "he" => is_person_like(speaker) && !clashes(claimdb_analysis::coref::Gender::Masculine),
        "she" => is_person_like(speaker) && !clashes(claimdb_analysis::coref::Gender::Feminine),
        "it" => !plural && !is_person_like(speaker),
        "they" => plural && !is_person_like(speaker),
        _ => false,
    }
}

/// The name in a speaker that gives a role after it ("Jack Law, chief
/// executive of Alcohol Focus Scotland" → "Jack Law"): what a pronoun that
/// refers to the speaker is replaced with.
fn person_named_by(speaker: &str) -> &str {
    speaker.split(", ").next().unwrap_or(speaker)
}

/// Whether a speaker names a person, to whom a later "he" or "she" may refer.
fn is_person_like(speaker: &str) -> bool {
    let first = speaker.split_whitespace().next().unwrap_or("");
    speaker.contains(' ')
        && first.starts_with(|c: char| c.is_uppercase())
        && !matches!(first, "The" | "A" | "An")
        && decontext::speaker_metonym(speaker).is_none()
}

/// Decomposes one sentence into claims and appends them, or a diagnostic
/// for each claim whose subject cannot be resolved.
#[allow(clippy::too_many_arguments)]
fn build_sentence_claims(
    view: &SentenceView<'_, '_>,
    attributed: SentenceAttribution<'_>,
    memory: &NameMemory,
    context: &decontext::Context,
    analysed: &mut Analysed<'_>,
    scratch: &mut Scratch,
    claims: &mut Vec<ClaimDraft>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let sentence = view.sentence;
    let words = view.words;
    let inside_quote = view.inside_quote;
    if attributed.starts_inside_quote {
        scratch.segments.clear();
        scratch.segments.push(decompose::Segment {
            kind: decompose::SegmentKind::First,
            region: Span {
                start: 0,
                end: sentence.len(),
            },
            first_word: 0,
            end_word: words.len(),
        });
    } else {
        decompose::decompose(sentence, words, inside_quote, &mut scratch.segments);
    }
    decontext::sentence_replacements(
        sentence,
        words,
        inside_quote,
        memory,
        context,
        view.places,
        &mut scratch.replacements,
    );
    // The tense of a date's clause and whether a number counts a thing,
    // from the sentence's tree, analysed only when a date rule asks.
    let mut tree = SentenceTree {
        analysed,
        sentence_idx: view.sentence_idx,
    };
    dates::find_dates(
        sentence,
        words,
        view.reference,
        &mut scratch.narrative,
        &mut tree,
        &mut scratch.dates,
    );
    let quoted = |idx: usize| inside_quote.get(idx).copied().unwrap_or(true);
    let single = scratch.segments.len() == 1;
    // Dates in an opening phrase ("In a call on Thursday, ...") date every claim.
    let prefix_end = if single {
        0
    } else {
        (0..words.len())
            .find(|&idx| !quoted(idx) && decompose::is_finite_verb(&words[idx]))
            .and_then(|verb_idx| decompose::subject_before(sentence, words, 0, verb_idx))
            .map_or(0, |subject| subject.start)
    };
    for segment in &scratch.segments {
        let mut extra: Vec<decontext::Replacement> = Vec::new();
        // The attribution of this claim: the sentence's when it is the only
        // claim, else the segment's own.
        let (found, mut speaker, mut verb): (
            Option<attribution::Attribution>,
            Option<String>,
            Option<String>,
        ) = if single {
            (
                attributed.found,
                attributed.speaker.map(str::to_string),
                attributed.verb.map(str::to_string),
            )
        } else {
            segment_attribution(view, segment, memory, &mut extra)
        };
        // At most two regions: a shared subject and the verb phrase. A
        // fixed array keeps this allocation out of the per-claim path.
        let (mut piece_array, n_pieces) = match segment.kind {
            decompose::SegmentKind::SharedSubject { subject } => ([subject, segment.region], 2),
            _ if single => (
                [
                    claim_text::claim_region(sentence, found.map(|attribution| attribution.clause)),
                    Span::default(),
                ],
                1,
            ),
            _ => ([segment.region, Span::default()], 1),
        };
        let mut rewrites = Vec::new();
        build::drop_connective(
            sentence,
            view.span.start,
            words,
            &mut piece_array[0],
            &mut rewrites,
        );
        let pieces = &piece_array[..n_pieces];
        // A subject pronoun is resolved only when its antecedent is known;
        // otherwise the claim keeps the article's word and needs context.
        let mut needs_context = false;
        if let Some(first_idx) = words.iter().position(|word| word.start >= pieces[0].start)
            && words[first_idx].start == pieces[0].start
            && !quoted(first_idx)
            && is_subject_pronoun(words[first_idx].text)
        {
            let pronoun = words[first_idx].text.to_ascii_lowercase();
            let is_speaker =
                found.is_some_and(|attribution| attribution.clause.start == words[first_idx].start);
            let antecedent = match pronoun.as_str() {
                "they" => speaker.clone().filter(|_| is_speaker),
                _ if is_speaker && speaker.is_some() => speaker.clone(),
                // Anyone else only through the learned resolver, when it is
                // confident (issue 12): never the last name seen.
                _ => resolve_pronoun(
                    view.body,
                    view.quoted_spans,
                    analysed,
                    view.sentence_idx,
                    view.span.start + words[first_idx].start,
                    memory,
                ),
            };
            match antecedent {
                None => {
                    diagnostics.push(Diagnostic {
                        span: view.span,
                        message: "unresolved pronoun".to_string(),
                    });
                    needs_context = true;
                    // "He said ...": he speaks, not the publication.
                    if is_speaker && speaker.is_none() {
                        speaker = Some(words[first_idx].text.to_string());
                        verb = found.map(|attribution| {
                            sentence[attribution.verb.start..attribution.verb.end].to_string()
                        });
                    }
                }
                Some(antecedent) => {
                    // "He said ..." with no speaker before: the person named last speaks.
                    if is_speaker && speaker.is_none() {
                        speaker = Some(antecedent.clone());
                        verb = found.map(|attribution| {
                            sentence[attribution.verb.start..attribution.verb.end].to_string()
                        });
                    }
                    extra.push(decontext::Replacement {
                        span: Span {
                            start: words[first_idx].start,
                            end: words[first_idx].end,
                        },
                        text: person_named_by(&antecedent).to_string(),
                        rule: "pronoun",
                    });
                }
            }
        }
        let mut replacements: Vec<&decontext::Replacement> =
            scratch.replacements.iter().chain(&extra).collect();
        replacements.sort_by_key(|replacement| replacement.span.start);
        let text = build::render(sentence, view.span.start, pieces, &replacements, &mut rewrites);
        if !text.chars().any(char::is_alphanumeric) {
            continue;
        }
        // The content: what follows a reporting verb that follows its speaker.
        let last_piece = pieces[pieces.len() - 1];
        let content_region = found
            .filter(|attribution| {
                attribution.content_follows
                    && attribution.verb.end < last_piece.end
                    && attribution.verb.start >= pieces[0].start.min(last_piece.start)
            })
            .map(|attribution| {
                let mut start = attribution.verb.end;
                if let Some(next) = words.iter().find(|word| word.start >= start)
                    && next.text == "that"
                {
                    start = next.end;
                }
                Span {
                    start,
                    end: last_piece.end,
                }
            })
            .filter(|region| {
                sentence[region.start..region.end]
                    .chars()
                    .any(char::is_alphanumeric)
            });
        let content = match content_region {
            Some(region) => {
                let mut content_extra: Vec<decontext::Replacement> = Vec::new();
                if let Some(first) = words.iter().find(|word| word.start >= region.start)
                    && let Some(speaker) = &speaker
                    && pronoun_fits_speaker(first.text, speaker)
                {
                    content_extra.push(decontext::Replacement {
                        span: Span {
                            start: first.start,
                            end: first.end,
                        },
                        text: person_named_by(speaker).to_string(),
                        rule: "pronoun",
                    });
                }
                let mut content_replacements: Vec<&decontext::Replacement> =
                    scratch.replacements.iter().chain(&content_extra).collect();
                content_replacements.sort_by_key(|replacement| replacement.span.start);
                build::render(
                    sentence,
                    view.span.start,
                    &[region],
                    &content_replacements,
                    &mut rewrites,
                )
            }
            None => text.clone(),
        };
        // Dates, quantities and entities of the claim's own words.
        let inside = |word_span: Span| {
            pieces
                .iter()
                .any(|piece| piece.start <= word_span.start && word_span.end <= piece.end)
                || (!single && word_span.end <= prefix_end)
        };
        let claim_dates: Vec<&dates::FoundDate> =
            scratch.dates.iter().filter(|date| inside(date.span)).collect();
        let date_spans: Vec<Span> = scratch.dates.iter().map(|date| date.span).collect();
        let mut quantities = Vec::new();
        let mut entities = Vec::new();
        for piece in pieces {
            let piece_words = words_in(words, *piece);
            classify::quantities(sentence, piece_words, &date_spans, &mut quantities);
            classify::add_entities(piece_words, words, memory, view.places, &mut entities);
        }
        let content_words = match content_region {
            Some(region) => words_in(words, region),
            None => words_in(words, pieces[pieces.len() - 1]),
        };
        let mut content_quantities = Vec::new();
        classify::quantities(sentence, content_words, &date_spans, &mut content_quantities);
        let kind = classify::kind_of(
            content_words,
            !content_quantities.is_empty(),
            verb.is_some() && speaker.is_some(),
        );
        let date_ends: Vec<Day> = claim_dates.iter().map(|date| date.end).collect();
        let checkable = classify::is_checkable(kind, &date_ends, view.reference);
        claims.push(ClaimDraft {
            text,
            sentence: sentence.to_string(),
            span: view.span,
            speaker,
            checkworthiness: view.checkworthiness,
            sentence_idx: view.sentence_idx,
            details: ClaimDetails {
                content,
                kind,
                checkable,
                needs_context,
                speaker_role: None,
                reporting_verb: verb,
                polarity: polarity_of(
                    found.map(|attribution| &sentence[attribution.verb.start..attribution.verb.end]),
                ),
                entities,
                quantities,
                dates: claim_dates
                    .iter()
                    .map(|date| DateRange {
                        start: date.start.iso(),
                        end: date.end.iso(),
                        text: sentence[date.span.start..date.span.end].to_string(),
                    })
                    .collect(),
                rewrites,
            },
        });
    }
}

/// The words that lie inside `region`.
fn words_in<'w, 's>(words: &'w [words::Word<'s>], region: Span) -> &'w [words::Word<'s>] {
    let first = words.partition_point(|word| word.start < region.start);
    let end = words.partition_point(|word| word.end <= region.end);
    &words[first..end.max(first)]
}

/// Denials: the speaker rejects the content.
fn polarity_of(verb: Option<&str>) -> Polarity {
    match verb {
        Some(
            "denies" | "denied" | "deny" | "denying" | "rejects" | "rejected" | "dismissed" | "dismisses",
        ) => Polarity::Denies,
        _ => Polarity::Affirms,
    }
}

/// The present tense of a reporting participle, for a plural or a singular
/// subject: "saying" → "say" or "says", "noting" → "note" or "notes".
fn present_of_participle(participle: &str, plural: bool) -> String {
    let stem = match participle {
        "saying" => "say",
        "warning" => "warn",
        "adding" => "add",
        "arguing" => "argue",
        "insisting" => "insist",
        "claiming" => "claim",
        "noting" => "note",
        "stressing" => "stress",
        other => other.strip_suffix("ing").unwrap_or(other),
    };
    match (plural, stem.ends_with("ss")) {
        (true, _) => stem.to_string(),
        (false, true) => format!("{stem}es"),
        (false, false) => format!("{stem}s"),
    }
}

/// The attribution of one claim of a compound sentence.
fn segment_attribution(
    view: &SentenceView<'_, '_>,
    segment: &decompose::Segment,
    memory: &NameMemory,
    extra: &mut Vec<decontext::Replacement>,
) -> (Option<attribution::Attribution>, Option<String>, Option<String>) {
    let sentence = view.sentence;
    let words = view.words;
    match segment.kind {
        decompose::SegmentKind::SharedSubject { subject } => {
            // "and says ...": the verb after optional adverbs.
            let verb_idx = (segment.first_word..segment.end_word.min(segment.first_word + 3))
                .find(|&idx| decompose::is_finite_verb(&words[idx]));
            match verb_idx {
                Some(verb_idx) if words[verb_idx].lexeme.has(lexicon::Lexeme::ATTRIBUTION_VERB) => {
                    let verb = Span {
                        start: words[verb_idx].start,
                        end: words[verb_idx].end,
                    };
                    let attribution = attribution::Attribution {
                        speaker: SpeakerPhrase::Named(subject),
                        clause: Span {
                            start: subject.start,
                            end: verb.end,
                        },
                        verb,
                        content_follows: true,
                    };
                    let subject_text = &sentence[subject.start..subject.end];
                    if matches!(subject_text, "he" | "she" | "He" | "She") {
                        // The claim's pronoun is resolved like any other,
                        // and the person it stands for becomes the speaker.
                        return (Some(attribution), None, None);
                    }
                    (
                        Some(attribution),
                        Some(speaker_name(subject_text, memory)),
                        Some(sentence[verb.start..verb.end].to_string()),
                    )
                }
                _ => (None, None, None),
            }
        }
        decompose::SegmentKind::Participle {
            subject,
            frame,
            verb_idx,
        } => {
            let subject_text = &sentence[subject.start..subject.end];
            let base = present_of_participle(words[verb_idx].text, subject_text.ends_with('s'));
            extra.push(decontext::Replacement {
                span: frame,
                text: format!("{subject_text} {base}"),
                rule: "decomposition",
            });
            let verb = Span {
                start: words[verb_idx].start,
                end: words[verb_idx].end,
            };
            let attribution = attribution::Attribution {
                speaker: SpeakerPhrase::Named(subject),
                clause: frame,
                verb,
                content_follows: true,
            };
            (
                Some(attribution),
                Some(speaker_name(subject_text, memory)),
                Some(words[verb_idx].text.to_string()),
            )
        }
        _ => {
            let segment_words = &words[segment.first_word..segment.end_word];
            let flags = &view.inside_quote[segment.first_word..segment.end_word.min(view.inside_quote.len())];
            let found = attribution::find_attribution(sentence, segment_words, flags);
            let speaker = found.and_then(|attribution| match attribution.speaker {
                SpeakerPhrase::Named(phrase) => {
                    Some(speaker_name(&sentence[phrase.start..phrase.end], memory))
                }
                SpeakerPhrase::Pronoun => None,
            });
            let verb = found
                .filter(|_| speaker.is_some())
                .map(|attribution| sentence[attribution.verb.start..attribution.verb.end].to_string());
            (found.filter(|_| speaker.is_some()), speaker, verb)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EntityKind;

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

    fn speakers_of(extraction: &Extraction) -> Vec<Option<&str>> {
        extraction
            .claims
            .iter()
            .map(|claim| claim.speaker.as_deref())
            .collect()
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
        // Every one of the 25 states something, so all give claims; five
        // are compounds of two claims each (paragraphs 1, 2, 11, 12 and the
        // "Moscow denies ... and says ..." sentence), so there are 30.
        assert_eq!(extraction.claims.len(), 30, "{:#?}", extraction.claims);
        let n_sentences = extraction.claims.last().unwrap().sentence_idx + 1;
        assert_eq!(n_sentences, 25);
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
        assert_eq!(moscow.speaker.as_deref(), Some("Russia"));
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
        let speakers = speakers_of(&extraction);
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
    fn a_pronoun_in_the_content_stands_for_a_fitting_speaker_only() {
        let extraction = extract(
            "The Tories dismissed the plan. The Liberal Democrats said it was misdirected. Moscow says it will respond.",
        );
        let misdirected = &extraction.claims[1];
        assert_eq!(misdirected.details.content, "It was misdirected.");
        assert!(misdirected.details.rewrites.is_empty());
        let respond = &extraction.claims[2];
        assert_eq!(respond.details.content, "Russia will respond.");
    }

    #[test]
    fn a_pronoun_in_the_content_of_another_gender_is_not_the_speaker() {
        let extraction = extract(
            "His assistant, Alice Marchak, said that he looked like George Raft. John Smith said that he would come back.",
        );
        let raft = &extraction.claims[0];
        assert_eq!(raft.speaker.as_deref(), Some("Alice Marchak"));
        assert_eq!(raft.details.content, "He looked like George Raft.");
        assert!(raft.details.rewrites.is_empty(), "{:?}", raft.details.rewrites);
        let back = &extraction.claims[1];
        assert_eq!(back.details.content, "John Smith would come back.");
    }

    #[test]
    fn participles_of_reporting_verbs_become_present_forms() {
        let forms: Vec<String> = ["saying", "noting", "arguing", "stressing", "warning", "claiming"]
            .iter()
            .map(|participle| present_of_participle(participle, false))
            .collect();
        assert_eq!(
            forms,
            vec!["says", "notes", "argues", "stresses", "warns", "claims"]
        );
        assert_eq!(present_of_participle("noting", true), "note");
    }

    #[test]
    fn a_speaker_with_a_role_is_named_without_it_for_his_pronouns() {
        // See: #3
        let extraction = extract(
            "Jack Law, chief executive of Alcohol Focus Scotland, said the comment was unhelpful. He added that drinking had risen by 5%.",
        );
        let first = &extraction.claims[0];
        assert_eq!(
            first.speaker.as_deref(),
            Some("Jack Law, chief executive of Alcohol Focus Scotland")
        );
        assert_eq!(first.details.content, "The comment was unhelpful.");
        let second = &extraction.claims[1];
        assert_eq!(
            second.speaker.as_deref(),
            Some("Jack Law, chief executive of Alcohol Focus Scotland")
        );
        assert_eq!(second.text, "Jack Law added that drinking had risen by 5%.");
    }

    #[test]
    fn a_compound_after_a_closing_quote_makes_two_attributed_claims() {
        // See: #3
        let extraction = extract("Officials called the talks \"useful\" but warned that no deal was close.");
        let texts: Vec<&str> = extraction
            .claims
            .iter()
            .map(|claim| claim.text.as_str())
            .collect();
        assert_eq!(
            texts,
            vec![
                "Officials called the talks \"useful\".",
                "Officials warned that no deal was close."
            ]
        );
        let warning = &extraction.claims[1];
        assert_eq!(warning.speaker.as_deref(), Some("Officials"));
        assert_eq!(warning.details.reporting_verb.as_deref(), Some("warned"));
        assert_eq!(warning.details.content, "No deal was close.");
    }

    #[test]
    fn a_pronoun_subject_shared_by_a_reported_claim_is_resolved() {
        // See: #3
        let extraction = extract(
            "Geoff Brooks runs a pub. He described the ban as \"ridiculous\" but said it would be hard to defy.",
        );
        let said = extraction
            .claims
            .iter()
            .find(|claim| claim.details.reporting_verb.as_deref() == Some("said"))
            .unwrap();
        assert_eq!(said.speaker.as_deref(), Some("Geoff Brooks"));
        assert_eq!(said.text, "Geoff Brooks said it would be hard to defy.");
    }

    #[test]
    fn a_pronoun_speaker_is_resolved_only_when_the_resolver_is_sure() {
        // Two women before "She": nobody can tell which one speaks, so the
        // words stay and the claim says it needs context (the old rule took
        // the last name seen).
        let extraction = extract(
            "Trade Secretary Patricia Hewitt met Margaret Beckett on Monday. She said the change would help families.",
        );
        let second = &extraction.claims[1];
        assert_eq!(second.speaker.as_deref(), Some("She"));
        assert_eq!(second.details.reporting_verb.as_deref(), Some("said"));
        assert!(second.details.needs_context);
        assert_eq!(second.text, "She said the change would help families.");
    }

    #[test]
    fn a_name_inside_a_quotation_is_no_antecedent_for_the_narrators_pronoun() {
        // "He" is the man being quoted; the only man the window names is
        // Adam Smith, inside the quotation. The old rule wrote "Adam Smith continued".
        let extraction = extract(
            "US Federal Reserve chairman Alan Greenspan has given a speech at a Scottish church in honour of the pioneering economist, Adam Smith.\n\n\
             He said the philosopher was a \"towering contributor to the modern world\". \"Kirkcaldy, the birthplace in 1723 of Adam Smith and, by extension, of modern economics, is also of course, where your chancellor was reared. \"I am led to ponder to what extent the chancellor's skills are the result of exposure to this area.\" He continued: \"Smith reached far beyond the insights of his predecessors.\"",
        );
        let continued = extraction
            .claims
            .iter()
            .find(|claim| claim.sentence.contains("continued"))
            .unwrap();
        assert!(continued.text.starts_with("He continued:"), "{}", continued.text);
        assert!(continued.details.needs_context);
    }

    #[test]
    fn a_quotation_that_follows_a_quotation_keeps_its_speaker() {
        let extraction = extract(
            "\u{201C}It is hard not to, though,\u{201D} Ryan Suter acknowledged.\n\n\u{201C}We know where we are, and we took a good step forward.\u{201D}\n\nThe team still ranks last in the division.\n\n\u{201C}Nobody said it would be easy.\u{201D}",
        );
        let speakers = speakers_of(&extraction);
        // The second quotation is Suter's; after a sentence of narration,
        // a quotation with nobody named is nobody's.
        assert_eq!(speakers, [Some("Ryan Suter"), Some("Ryan Suter"), None, None]);
    }

    #[test]
    fn a_quotation_after_reported_words_is_their_speakers_until_it_names_another() {
        let extraction = extract(
            "Elliott Wilson said the feud would boost sales.\n\n\"It helps him in terms of exposure.\n\nYou can't ask for better promotion,\" he said.\n\nPolice said two men were arrested.\n\n\"It was a horrible sight.\n\nWe ran,\" Anna Lee said.\n\nThe shop reopened on Monday after repairs.\n\n\"Nobody said it would be easy.\"",
        );
        let speakers = speakers_of(&extraction);
        // Wilson's reported words, then his quotation over two sentences;
        // Anna Lee's quotation names her at its end, which overrides the
        // police borrowed at its start; after narration, nobody.
        assert_eq!(
            speakers,
            [
                Some("Elliott Wilson"),
                Some("Elliott Wilson"),
                Some("Elliott Wilson"),
                Some("Police"),
                Some("Anna Lee"),
                Some("Anna Lee"),
                None,
                None
            ]
        );
    }

    #[test]
    fn a_conjunct_reporting_verb_and_a_pronoun_subject_in_the_tree_speak() {
        let extraction = extract(
            "Nicholas Negroponte is developing a cheap laptop.\n\nMr Negroponte wants the laptops to be common but conceded this was ambitious.\n\nHe also pledged to cut the price.\n\nLaying into the record of the government he said: \"Never again.\"",
        );
        let speakers = speakers_of(&extraction);
        assert_eq!(
            speakers,
            [
                None,
                Some("Nicholas Negroponte"),
                Some("Nicholas Negroponte"),
                Some("Nicholas Negroponte")
            ]
        );
    }

    #[test]
    fn a_hyphenated_name_from_the_tree_is_whole() {
        let extraction = extract(
            "Cheuk Hau-yip, the commander of Kowloon West district, said the rioters were also criminals.",
        );
        assert_eq!(extraction.claims[0].speaker.as_deref(), Some("Cheuk Hau-yip"));
    }

    #[test]
    fn a_writer_after_a_quotation_speaks_and_nobody_else_is_guessed() {
        let extraction = extract(
            "\u{201C}Sales were light,\u{201D} Jonathan Matuszewski said.\n\n\u{201C}Margins were in line,\u{201D} wrote Zachary Fadem.\n\n\u{201C}It was a lovely gesture,\u{201D} chimed in Tom Bergeron.\n\nHe wrote a letter to the board.",
        );
        let speakers = speakers_of(&extraction);
        // "wrote" names its writer after a quotation; an attribution the
        // rules do not know gives no speaker rather than the last one; "He
        // wrote a letter" is no reported speech.
        assert_eq!(
            speakers,
            [Some("Jonathan Matuszewski"), Some("Zachary Fadem"), None, None]
        );
    }

    #[test]
    fn an_unresolved_pronoun_keeps_its_words_and_needs_context() {
        let extraction = extract("The economy grew by 2% last year. He said that was good news.");
        assert_eq!(extraction.claims.len(), 2);
        assert_eq!(extraction.diagnostics.len(), 1);
        assert_eq!(extraction.diagnostics[0].message, "unresolved pronoun");
        assert_eq!(extraction.diagnostics[0].span.start, 34);
        let [economy, he] = [&extraction.claims[0], &extraction.claims[1]];
        assert!(economy.sentence.starts_with("The economy"));
        assert!(!economy.details.needs_context);
        // Nobody was named before "He": no guess, the article's words.
        assert!(he.details.needs_context);
        assert!(he.text.starts_with("He said"), "{}", he.text);
        assert_eq!(
            he.speaker.as_deref(),
            Some("He"),
            "he speaks, not the publication"
        );
        assert_eq!(he.details.reporting_verb.as_deref(), Some("said"));
        assert!(
            he.details
                .rewrites
                .iter()
                .all(|rewrite| rewrite.rule != "pronoun")
        );
    }

    #[test]
    fn the_mission_example_keeps_content_and_stance_apart() {
        // See: #3
        let extraction = extract(MISSION_ARTICLE);
        let sentence = "Moscow denies planning to attack Ukraine and says it has the right to move its troops on its own soil as it likes.";
        let claims: Vec<&ClaimDraft> = extraction
            .claims
            .iter()
            .filter(|claim| claim.sentence == sentence)
            .collect();
        assert_eq!(claims.len(), 2);
        let (denial, assertion) = (claims[0], claims[1]);
        assert_eq!(denial.text, "Russia denies planning to attack Ukraine.");
        assert_eq!(denial.details.content, "Planning to attack Ukraine.");
        assert_eq!(denial.details.reporting_verb.as_deref(), Some("denies"));
        assert_eq!(denial.details.polarity, Polarity::Denies);
        assert_eq!(
            assertion.text,
            "Russia says it has the right to move its troops on its own soil as it likes."
        );
        assert_eq!(
            assertion.details.content,
            "Russia has the right to move its troops on its own soil as it likes."
        );
        assert_eq!(assertion.details.polarity, Polarity::Affirms);
        assert_eq!(denial.span, assertion.span, "both keep the sentence's span");
        let moscow_at = MISSION_ARTICLE.find(sentence).unwrap();
        let metonym = &denial.details.rewrites[0];
        assert_eq!(metonym.original, "Moscow");
        assert_eq!(metonym.replacement, "Russia");
        assert_eq!(metonym.rule, "metonym");
        assert_eq!(metonym.span.start, moscow_at);
        assert_eq!(&MISSION_ARTICLE[metonym.span.start..metonym.span.end], "Moscow");
        let pronoun = assertion
            .details
            .rewrites
            .iter()
            .find(|rewrite| rewrite.rule == "pronoun")
            .unwrap();
        assert_eq!(&MISSION_ARTICLE[pronoun.span.start..pronoun.span.end], "it");
        let entity_names: Vec<&str> = denial.details.entities.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(entity_names, vec!["Russia", "Ukraine"]);
    }

    #[test]
    fn every_rewrite_points_at_its_original_words() {
        let extraction = extract(MISSION_ARTICLE);
        let mut rules = std::collections::BTreeSet::new();
        for claim in &extraction.claims {
            for rewrite in &claim.details.rewrites {
                assert_eq!(
                    &MISSION_ARTICLE[rewrite.span.start..rewrite.span.end],
                    rewrite.original,
                    "{rewrite:?}"
                );
                assert!(claim.span.start <= rewrite.span.start && rewrite.span.end <= claim.span.end);
                rules.insert(rewrite.rule.as_str());
            }
        }
        assert_eq!(
            rules.into_iter().collect::<Vec<_>>(),
            vec![
                "acronym",
                "connective",
                "decomposition",
                "honorific",
                "metonym",
                "pronoun",
                "the country"
            ]
        );
    }

    #[test]
    fn entities_quantities_and_dates_of_the_mission_article() {
        let extraction = extract(MISSION_ARTICLE);
        let troops = claim_starting(&extraction, "In the Ukrainian capital");
        assert_eq!(troops.details.kind, ClaimKind::Statistic);
        assert_eq!(troops.details.quantities.len(), 1);
        let quantity = &troops.details.quantities[0];
        assert_eq!((quantity.value, quantity.upper), (60_000.0, Some(90_000.0)));
        assert_eq!(quantity.unit, "troops");
        let call = claim_starting(&extraction, "In a 50-minute call");
        let names: Vec<(&str, EntityKind)> = call
            .details
            .entities
            .iter()
            .map(|entity| (entity.name.as_str(), entity.kind))
            .collect();
        assert_eq!(
            names,
            vec![
                ("Joe Biden", EntityKind::Person),
                ("Russia", EntityKind::Place),
                ("Ukraine", EntityKind::Place)
            ]
        );
        let psaki = claim_starting(&extraction, "\"President Biden reiterated");
        assert!(psaki.details.rewrites.is_empty(), "a quotation keeps its words");
        for claim in &extraction.claims {
            for date in &claim.details.dates {
                assert!(date.start <= date.end, "{date:?}");
            }
        }
    }

    #[test]
    fn the_reference_date_comes_from_the_caller_or_the_header() {
        let body = "The minister resigned yesterday, officials said.";
        let dated = extract_with(
            body,
            &Options {
                reference_date: Some("2020-03-01".into()),
            },
        );
        assert_eq!(dated.claims[0].details.dates[0].start, "2020-02-29");
        assert!(
            extract(body).claims[0].details.dates.is_empty(),
            "no date, no grounding"
        );
        let header = extract("date 2022-01-01 X \u{2022} The minister resigned yesterday, officials said.");
        assert_eq!(header.claims[0].details.dates[0].start, "2021-12-31");
    }

    #[test]
    fn traps_abbreviations_decimals_and_nested_attribution() {
        let extraction = extract(
            "The U.S. economy grew 2.5% in 2021, the Commerce Dept. said. \"Mr. Smith said prices rose,\" the report said. \
             The White House press secretary said the U.S. would respond.",
        );
        let texts: Vec<&str> = extraction
            .claims
            .iter()
            .map(|claim| claim.text.as_str())
            .collect();
        assert_eq!(texts.len(), 3, "{texts:?}");
        let first = &extraction.claims[0];
        assert_eq!(first.details.quantities[0].value, 2.5);
        assert_eq!(first.details.quantities[0].unit, "%");
        assert_eq!(first.details.kind, ClaimKind::Statistic);
        assert!(
            first
                .details
                .entities
                .iter()
                .any(|entity| entity.name == "United States")
        );
        // Nested: the report says that Mr Smith said something.
        assert_eq!(extraction.claims[1].speaker.as_deref(), Some("the report"));
        assert_eq!(extraction.claims[1].text, "Mr. Smith said prices rose.");
        // "White House" inside a title is not a metonym.
        assert!(
            extraction.claims[2]
                .text
                .starts_with("The White House press secretary")
        );
    }

    #[test]
    fn predictions_not_yet_due_are_not_checkable() {
        let extraction = extract(
            "date 2022-01-01 X \u{2022} The central bank will raise rates next month. Critics say the plan is a mistake.",
        );
        let prediction = &extraction.claims[0];
        assert_eq!(prediction.details.kind, ClaimKind::Prediction);
        assert!(!prediction.details.checkable);
        assert_eq!(prediction.details.dates[0].start, "2022-02-01");
        let statement = &extraction.claims[1];
        assert_eq!(statement.details.kind, ClaimKind::Statement);
        assert!(statement.details.checkable);
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
