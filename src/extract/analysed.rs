//! The article's sentence analyses (tokens, tags, tree, entities): each sentence is analysed at most once, when a rule first asks.
//!
//! Four rules read the tree (metonyms, the tense of a date's clause, the
//! speaker behind an appositive and the pronoun resolver's window), and
//! most sentences need none of them: analysing lazily keeps the extractor's
//! speed, and sharing one analysis per sentence keeps it from analysing the
//! same sentence several times. Every analysis is of the article body with
//! the body's offsets: a word's sentence offset is its span minus
//! `analysis.span.start`.

use claimdb_analysis::pipeline::{Analysis, Models};

use crate::model::Span;

/// The analyses of an article's sentences, made on first use.
pub struct Analysed<'b> {
    body: &'b str,
    spans: &'b [Span],
    made: Vec<Option<Analysis<'static>>>,
}

impl<'b> Analysed<'b> {
    /// Nothing analysed yet; `spans` are the sentences of `body`.
    pub fn new(body: &'b str, spans: &'b [Span]) -> Self {
        Analysed {
            body,
            spans,
            made: vec![None; spans.len()],
        }
    }

    /// The analysis of sentence `sentence_idx`, made now if it was not
    /// before; `None` for an index past the last sentence.
    pub fn sentence(&mut self, sentence_idx: usize) -> Option<&Analysis<'static>> {
        let span = *self.spans.get(sentence_idx)?;
        let body = self.body;
        let slot = self.made.get_mut(sentence_idx)?;
        Some(slot.get_or_insert_with(|| Models::embedded().analyse(body, span.start..span.end)))
    }

    /// The analyses of sentences `first..=last`, made where they were not.
    pub fn window(&mut self, first: usize, last: usize) -> Option<Vec<Analysis<'static>>> {
        (first..=last).map(|idx| self.sentence(idx).cloned()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sentence_is_analysed_with_the_bodys_offsets() {
        let body = "First one. He said so.";
        let spans = [Span { start: 0, end: 10 }, Span { start: 11, end: 22 }];
        let mut analysed = Analysed::new(body, &spans);
        let second = analysed.sentence(1).unwrap();
        assert_eq!(second.span, 11..22);
        let he = &second.words[0];
        assert_eq!(&body[he.span.clone()], "He");
        assert!(analysed.sentence(2).is_none());
        let window = analysed.window(0, 1).unwrap();
        assert_eq!(window.len(), 2);
        assert_eq!(&body[window[0].words[0].span.clone()], "First");
        assert!(analysed.window(1, 2).is_none());
    }
}
