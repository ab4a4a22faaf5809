//! The whole analysis of a sentence: tokens and words with byte spans, then
//! tags, morphology and lemmas, then the dependency tree, then named
//! entities, each step reading what the one before it wrote.
//!
//! [`Models`] holds the four trained parts; [`Models::embedded`] gives the
//! ones compiled into the binary. [`to_conllu`] writes an analysis as CoNLL-U
//! (with each token's byte span in MISC as `TokenRange=START:END`, as UDPipe
//! writes it, and each word's entity label as `NER=B-PER`), so standard tools
//! can read it.

use std::ops::Range;

use crate::conllu;
use crate::ner::{Entity, EntityKind, Recogniser};
use crate::parser::Parser;
use crate::sentences::{SentenceSplitter, SentenceTokens, split_and_tokenise_with};
use crate::tagger::Tagger;
use crate::tokenise::{Lexicon, Token, Tokenised, tokenise_into};

/// The trained parts of the analysis.
#[derive(Debug, Clone, Copy)]
pub struct Models<'m> {
    /// The tokeniser's word lists (abbreviations, contractions, prefixes).
    pub lexicon: &'m Lexicon,
    pub splitter: &'m SentenceSplitter,
    pub tagger: &'m Tagger,
    pub parser: &'m Parser,
    pub recogniser: &'m Recogniser,
}

/// One syntactic word of an analysed sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word<'m> {
    /// Its bytes in the text (a part of its token's span for a multiword token).
    pub span: Range<usize>,
    /// The index of its token in [`Analysis::tokens`].
    pub token: usize,
    pub upos: &'m str,
    pub xpos: &'m str,
    /// `_` or the UD FEATS string (`Number=Sing|Person=3`).
    pub feats: &'m str,
    pub lemma: String,
    /// 0 for the root, else the 1-based index of the head word.
    pub head: u32,
    pub deprel: &'m str,
}

impl Word<'_> {
    /// The value of one morphological feature (`word.feature("Tense")`).
    pub fn feature(&self, name: &str) -> Option<&str> {
        feature(self.feats, name)
    }
}

/// The value of one feature in a UD FEATS string.
pub fn feature<'f>(feats: &'f str, name: &str) -> Option<&'f str> {
    feats.split('|').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name).then_some(value)
    })
}

/// A named entity with its words and its bytes in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntitySpan {
    /// Indices into [`Analysis::words`].
    pub words: Range<usize>,
    pub span: Range<usize>,
    pub kind: EntityKind,
}

/// The analysis of one sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analysis<'m> {
    /// The sentence's bytes in the text.
    pub span: Range<usize>,
    pub tokens: Vec<Token>,
    pub words: Vec<Word<'m>>,
    pub entities: Vec<EntitySpan>,
}

impl Models<'static> {
    /// The models compiled into this binary.
    pub fn embedded() -> Models<'static> {
        Models {
            lexicon: Lexicon::embedded(),
            splitter: SentenceSplitter::embedded(),
            tagger: Tagger::embedded(),
            parser: Parser::embedded(),
            recogniser: Recogniser::embedded(),
        }
    }
}

impl<'m> Models<'m> {
    /// Analyses `text[span]` as one sentence. Never fails: an empty or
    /// all-space span has no tokens.
    pub fn analyse(&self, text: &str, span: Range<usize>) -> Analysis<'m> {
        let mut tokenised = Tokenised::default();
        tokenise_into(self.lexicon, text, span.clone(), &mut tokenised);
        self.analyse_tokens(text, span, &tokenised.tokens, &tokenised.words)
    }

    /// Analyses one sentence's tokens; `words` holds the words their
    /// `words` ranges index (a whole text's, or the sentence's own).
    fn analyse_tokens(
        &self,
        text: &str,
        span: Range<usize>,
        tokens: &[Token],
        words: &[Range<usize>],
    ) -> Analysis<'m> {
        let first_word = tokens.first().map_or(0, |token| token.words.start);
        let end_word = tokens
            .last()
            .map_or(first_word, |token| token.words.end)
            .max(first_word);
        let sentence_words = words.get(first_word..end_word).unwrap_or(&[]);
        let tokens: Vec<Token> = tokens
            .iter()
            .map(|token| Token {
                span: token.span.clone(),
                words: token.words.start - first_word..token.words.end - first_word,
            })
            .collect();
        let mut token_of_word = vec![0; sentence_words.len()];
        for (token_idx, token) in tokens.iter().enumerate() {
            for word_idx in token.words.clone() {
                if let Some(slot) = token_of_word.get_mut(word_idx) {
                    *slot = token_idx;
                }
            }
        }
        let forms: Vec<&str> = sentence_words.iter().map(|word| &text[word.clone()]).collect();
        let mut analysis = self.analyse_words(&forms);
        for (word, (span, token)) in analysis
            .words
            .iter_mut()
            .zip(sentence_words.iter().zip(token_of_word))
        {
            word.span = span.clone();
            word.token = token;
        }
        for entity in &mut analysis.entities {
            entity.span = span_of(&analysis.words, &entity.words);
        }
        analysis.span = span;
        analysis.tokens = tokens;
        analysis
    }

    /// Analyses a sentence already split into words (the gold-token track):
    /// the spans are left empty and each word is its own token.
    pub fn analyse_words(&self, forms: &[&str]) -> Analysis<'m> {
        let mut tagged = Vec::with_capacity(forms.len());
        self.tagger.tag(forms, &mut tagged);
        let upos: Vec<&str> = tagged.iter().map(|tag| tag.upos).collect();
        let xpos: Vec<&str> = tagged.iter().map(|tag| tag.xpos).collect();
        let mut arcs = Vec::with_capacity(forms.len());
        self.parser.parse(forms, &upos, &xpos, &mut arcs);
        let mut entities: Vec<Entity> = Vec::new();
        self.recogniser.recognise(forms, &upos, &xpos, &mut entities);
        let words: Vec<Word<'m>> = tagged
            .into_iter()
            .zip(arcs)
            .enumerate()
            .map(|(idx, (tag, arc))| Word {
                span: 0..0,
                token: idx,
                upos: tag.upos,
                xpos: tag.xpos,
                feats: tag.feats,
                lemma: tag.lemma,
                head: arc.head,
                deprel: arc.deprel,
            })
            .collect();
        let entities = entities
            .into_iter()
            .filter(|entity| entity.words.start < entity.words.end && entity.words.end <= words.len())
            .map(|entity| EntitySpan {
                span: 0..0,
                words: entity.words,
                kind: entity.kind,
            })
            .collect();
        let tokens = (0..words.len())
            .map(|idx| Token {
                span: 0..0,
                words: idx..idx + 1,
            })
            .collect();
        Analysis {
            span: 0..0,
            tokens,
            words,
            entities,
        }
    }

    /// Splits a whole text into sentences and analyses each.
    pub fn analyse_text(&self, text: &str) -> Vec<Analysis<'m>> {
        let mut tokenised = Tokenised::default();
        let mut sentences: Vec<SentenceTokens> = Vec::new();
        split_and_tokenise_with(self.splitter, self.lexicon, text, &mut tokenised, &mut sentences);
        sentences
            .into_iter()
            .map(|sentence| {
                let tokens = tokenised.tokens.get(sentence.tokens.clone()).unwrap_or(&[]);
                self.analyse_tokens(text, sentence.span, tokens, &tokenised.words)
            })
            .collect()
    }
}

fn span_of(words: &[Word<'_>], range: &Range<usize>) -> Range<usize> {
    match (
        words.get(range.start),
        range.end.checked_sub(1).and_then(|last| words.get(last)),
    ) {
        (Some(first), Some(last)) => first.span.start..last.span.end,
        _ => 0..0,
    }
}

/// The IOB2 label of every word (`O`, `B-PER`, `I-PER`, ...).
pub fn entity_labels(analysis: &Analysis<'_>) -> Vec<String> {
    let mut labels = vec!["O".to_string(); analysis.words.len()];
    for entity in &analysis.entities {
        for (offset, word_idx) in entity.words.clone().enumerate() {
            if let Some(label) = labels.get_mut(word_idx) {
                let prefix = if offset == 0 { "B" } else { "I" };
                *label = format!("{prefix}-{}", entity.kind.label());
            }
        }
    }
    labels
}

/// An analysis as a CoNLL-U sentence. `text` is what the spans point into.
pub fn to_conllu(text: &str, analysis: &Analysis<'_>, sent_id: Option<&str>) -> conllu::Sentence {
    let mut sentence = conllu::Sentence::default();
    if let Some(sent_id) = sent_id {
        sentence.comments.push(format!("sent_id = {sent_id}"));
    }
    if let Some(sentence_text) = text.get(analysis.span.clone()) {
        let one_line: String = sentence_text
            .chars()
            .map(|c| {
                if c == '\n' || c == '\r' || c == '\t' {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        sentence.comments.push(format!("text = {one_line}"));
    }
    let labels = entity_labels(analysis);
    for (token_idx, token) in analysis.tokens.iter().enumerate() {
        let no_space_after = analysis
            .tokens
            .get(token_idx + 1)
            .is_some_and(|next| next.span.start == token.span.end);
        let mut token_misc = Vec::new();
        if no_space_after {
            token_misc.push("SpaceAfter=No".to_string());
        }
        token_misc.push(format!("TokenRange={}:{}", token.span.start, token.span.end));
        let multiword = token.words.len() > 1;
        if multiword {
            sentence.multiword_tokens.push(conllu::MultiwordToken {
                first: token.words.start as u32 + 1,
                last: token.words.end as u32,
                form: text.get(token.span.clone()).unwrap_or("_").to_string(),
                misc: join_misc(&token_misc),
            });
        }
        for word_idx in token.words.clone() {
            let Some(word) = analysis.words.get(word_idx) else {
                continue;
            };
            let mut misc = if multiword { Vec::new() } else { token_misc.clone() };
            if let Some(label) = labels.get(word_idx).filter(|label| *label != "O") {
                misc.push(format!("NER={label}"));
            }
            sentence.words.push(conllu::Word {
                form: text.get(word.span.clone()).unwrap_or("_").to_string(),
                lemma: word.lemma.clone(),
                upos: word.upos.to_string(),
                xpos: word.xpos.to_string(),
                feats: word.feats.to_string(),
                head: word.head,
                deprel: word.deprel.to_string(),
                deps: "_".to_string(),
                misc: join_misc(&misc),
            });
        }
    }
    sentence
}

fn join_misc(items: &[String]) -> String {
    if items.is_empty() {
        "_".to_string()
    } else {
        items.join("|")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_one_feature_of_a_feats_string() {
        assert_eq!(feature("Mood=Ind|Tense=Past|VerbForm=Fin", "Tense"), Some("Past"));
        assert_eq!(feature("Mood=Ind|Tense=Past|VerbForm=Fin", "Number"), None);
        assert_eq!(feature("_", "Tense"), None);
    }

    #[test]
    fn a_sentence_of_news_is_analysed_with_spans_tags_tree_and_entities() {
        // (A dateline such as "WASHINGTON (Reuters) -" is the extractor's
        // header step's to remove before sentences are analysed.)
        let text = "Senator Dick Durbin, the No. 2 Democrat in the Senate, said on Friday that he didn't expect a vote.";
        let models = Models::embedded();
        let sentences = models.analyse_text(text);
        assert_eq!(sentences.len(), 1, "one sentence");
        let analysis = &sentences[0];
        let forms: Vec<&str> = analysis
            .words
            .iter()
            .map(|word| &text[word.span.clone()])
            .collect();
        let did = forms
            .iter()
            .position(|form| *form == "did")
            .expect("didn't is did + n't");
        assert_eq!(forms[did + 1], "n't");
        assert_eq!(
            analysis.words[did].token,
            analysis.words[did + 1].token,
            "one multiword token"
        );
        assert_eq!(
            analysis.words.iter().filter(|word| word.head == 0).count(),
            1,
            "one root"
        );
        let said = forms.iter().position(|form| *form == "said").unwrap();
        assert_eq!(analysis.words[said].upos, "VERB");
        assert_eq!(analysis.words[said].feature("Tense"), Some("Past"));
        assert_eq!(analysis.words[said].lemma, "say");
        // UD EWT heads a name on its first word ("Dick", with "Durbin" as flat)
        // and hangs a title on the name ("Senator" as nmod:desc).
        let subject = analysis
            .words
            .iter()
            .position(|word| word.head as usize == said + 1 && word.deprel == "nsubj");
        assert_eq!(
            subject.map(|idx| forms[idx]),
            Some("Dick"),
            "Dick Durbin is the subject of said"
        );
        let senate = analysis
            .entities
            .iter()
            .find(|entity| entity.kind == EntityKind::Organisation);
        assert_eq!(
            senate.map(|entity| &text[entity.span.clone()]),
            Some("Senate"),
            "{:?}",
            analysis.entities
        );
        let sentence = to_conllu(text, analysis, Some("s1"));
        let written = conllu::write(&[sentence]);
        let read_back = conllu::parse(&written).unwrap();
        assert_eq!(read_back[0].words.len(), analysis.words.len());
        assert!(written.contains("NER=B-ORG"), "{written}");
    }
}
