//! CoNLL-U: the Universal Dependencies file format, read into sentences of
//! words and written back. Parsing works on text already read; it never
//! touches the file system.
//!
//! Empty nodes (`8.1`) are skipped, as the CoNLL 2018 shared task's scorer
//! skips them; multiword-token ranges (`3-4  don't`) are kept beside the words
//! they cover.

use std::fmt;
use std::fmt::Write as _;

/// One syntactic word: a line of CoNLL-U with an integer id.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Word {
    pub form: String,
    pub lemma: String,
    pub upos: String,
    pub xpos: String,
    /// `_` or `Name=Value|Name=Value`, sorted by name as UD requires.
    pub feats: String,
    /// 0 for the root, else the 1-based index of the head word.
    pub head: u32,
    pub deprel: String,
    pub deps: String,
    pub misc: String,
}

impl Word {
    /// Whether the word is written with no space after it (`SpaceAfter=No`).
    pub fn no_space_after(&self) -> bool {
        has_no_space_after(&self.misc)
    }
}

/// A multiword token: the surface form of words `first..=last` (1-based).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MultiwordToken {
    pub first: u32,
    pub last: u32,
    pub form: String,
    pub misc: String,
}

/// One sentence: its comments, words and multiword tokens.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sentence {
    /// The comment lines without their `# `, in file order (`sent_id = ..`,
    /// `text = ..`, `newdoc id = ..`).
    pub comments: Vec<String>,
    pub words: Vec<Word>,
    pub multiword_tokens: Vec<MultiwordToken>,
}

impl Sentence {
    /// The value of a `# key = value` comment.
    pub fn comment(&self, key: &str) -> Option<&str> {
        self.comments.iter().find_map(|line| {
            let (name, value) = line.split_once('=')?;
            (name.trim() == key).then(|| value.trim())
        })
    }

    /// The `# sent_id`, if any.
    pub fn sent_id(&self) -> Option<&str> {
        self.comment("sent_id")
    }

    /// The `# text`, if any.
    pub fn text(&self) -> Option<&str> {
        self.comment("text")
    }

    /// Whether a new document starts here (`# newdoc`).
    pub fn starts_document(&self) -> bool {
        self.comments
            .iter()
            .any(|line| line == "newdoc" || line.starts_with("newdoc ") || line.starts_with("newdoc="))
    }

    /// The surface tokens in order: each is one word or one multiword token,
    /// given as (form, the words it covers as a 0-based range, no space after).
    pub fn tokens(&self) -> Vec<SurfaceToken<'_>> {
        let mut tokens = Vec::with_capacity(self.words.len());
        let mut next_word = 0usize;
        let mut ranges = self.multiword_tokens.iter().peekable();
        while next_word < self.words.len() {
            match ranges.peek() {
                Some(range) if range.first as usize == next_word + 1 => {
                    let last = (range.last as usize).min(self.words.len());
                    tokens.push(SurfaceToken {
                        form: &range.form,
                        words: next_word..last,
                        no_space_after: has_no_space_after(&range.misc),
                    });
                    next_word = last.max(next_word + 1);
                    ranges.next();
                }
                Some(range) if (range.first as usize) <= next_word => {
                    ranges.next();
                }
                _ => {
                    let word = &self.words[next_word];
                    tokens.push(SurfaceToken {
                        form: &word.form,
                        words: next_word..next_word + 1,
                        no_space_after: word.no_space_after(),
                    });
                    next_word += 1;
                }
            }
        }
        tokens
    }
}

/// A token as written: a word, or a multiword token and the words it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurfaceToken<'a> {
    pub form: &'a str,
    /// 0-based indices into [`Sentence::words`].
    pub words: std::ops::Range<usize>,
    pub no_space_after: bool,
}

fn has_no_space_after(misc: &str) -> bool {
    misc.split('|').any(|item| item == "SpaceAfter=No")
}

/// A line that is not valid CoNLL-U.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line number.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Parses a CoNLL-U document into its sentences.
pub fn parse(text: &str) -> Result<Vec<Sentence>, ParseError> {
    let mut sentences = Vec::new();
    let mut current = Sentence::default();
    for (line_idx, raw_line) in text.lines().enumerate() {
        let line_no = line_idx + 1;
        let line = raw_line.strip_suffix('\r').unwrap_or(raw_line);
        if line.trim().is_empty() {
            if !current.words.is_empty() || !current.comments.is_empty() {
                finish(&mut current, line_no)?;
                sentences.push(std::mem::take(&mut current));
            }
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            current.comments.push(comment.trim_start().to_string());
            continue;
        }
        let columns: Vec<&str> = line.split('\t').collect();
        if columns.len() != 10 {
            return Err(ParseError {
                line: line_no,
                message: format!("expected 10 tab-separated columns, found {}", columns.len()),
            });
        }
        let id = columns[0];
        if id.contains('.') {
            continue;
        }
        if let Some((first, last)) = id.split_once('-') {
            let (Ok(first), Ok(last)) = (first.parse::<u32>(), last.parse::<u32>()) else {
                return Err(ParseError {
                    line: line_no,
                    message: format!("bad token range {id:?}"),
                });
            };
            if first == 0 || last < first {
                return Err(ParseError {
                    line: line_no,
                    message: format!("bad token range {id:?}"),
                });
            }
            current.multiword_tokens.push(MultiwordToken {
                first,
                last,
                form: columns[1].to_string(),
                misc: columns[9].to_string(),
            });
            continue;
        }
        let Ok(id) = id.parse::<u32>() else {
            return Err(ParseError {
                line: line_no,
                message: format!("bad word id {id:?}"),
            });
        };
        if id as usize != current.words.len() + 1 {
            return Err(ParseError {
                line: line_no,
                message: format!("word id {id} out of order (expected {})", current.words.len() + 1),
            });
        }
        let head = if columns[6] == "_" {
            0
        } else {
            columns[6].parse::<u32>().map_err(|_| ParseError {
                line: line_no,
                message: format!("bad head {:?}", columns[6]),
            })?
        };
        current.words.push(Word {
            form: columns[1].to_string(),
            lemma: columns[2].to_string(),
            upos: columns[3].to_string(),
            xpos: columns[4].to_string(),
            feats: columns[5].to_string(),
            head,
            deprel: columns[7].to_string(),
            deps: columns[8].to_string(),
            misc: columns[9].to_string(),
        });
    }
    if !current.words.is_empty() {
        finish(&mut current, text.lines().count() + 1)?;
        sentences.push(current);
    }
    Ok(sentences)
}

fn finish(sentence: &mut Sentence, line_no: usize) -> Result<(), ParseError> {
    if sentence.words.is_empty() {
        return Err(ParseError {
            line: line_no,
            message: "sentence with comments but no words".into(),
        });
    }
    let n_words = sentence.words.len() as u32;
    if let Some(word) = sentence.words.iter().find(|word| word.head > n_words) {
        return Err(ParseError {
            line: line_no,
            message: format!(
                "head {} beyond the sentence's {n_words} words (word {:?})",
                word.head, word.form
            ),
        });
    }
    if let Some(range) = sentence
        .multiword_tokens
        .iter()
        .find(|range| range.last > n_words)
    {
        return Err(ParseError {
            line: line_no,
            message: format!(
                "token range {}-{} beyond the sentence's {n_words} words",
                range.first, range.last
            ),
        });
    }
    Ok(())
}

/// Writes sentences as CoNLL-U, each followed by a blank line.
pub fn write(sentences: &[Sentence]) -> String {
    let mut out = String::new();
    for sentence in sentences {
        write_sentence(&mut out, sentence);
    }
    out
}

/// Appends one sentence as CoNLL-U, followed by a blank line.
pub fn write_sentence(out: &mut String, sentence: &Sentence) {
    for comment in &sentence.comments {
        let _ = writeln!(out, "# {comment}");
    }
    let mut ranges = sentence.multiword_tokens.iter().peekable();
    for (idx, word) in sentence.words.iter().enumerate() {
        let id = idx as u32 + 1;
        while let Some(range) = ranges.next_if(|range| range.first <= id) {
            let _ = writeln!(
                out,
                "{}-{}\t{}\t_\t_\t_\t_\t_\t_\t_\t{}",
                range.first,
                range.last,
                range.form,
                or_blank(&range.misc)
            );
        }
        let _ = writeln!(
            out,
            "{id}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            or_blank(&word.form),
            or_blank(&word.lemma),
            or_blank(&word.upos),
            or_blank(&word.xpos),
            or_blank(&word.feats),
            word.head,
            or_blank(&word.deprel),
            or_blank(&word.deps),
            or_blank(&word.misc),
        );
    }
    out.push('\n');
}

fn or_blank(value: &str) -> &str {
    if value.is_empty() { "_" } else { value }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# newdoc id = d1\n# sent_id = s1\n# text = I don't know.\n\
1\tI\tI\tPRON\tPRP\tCase=Nom|Number=Sing|Person=1|PronType=Prs\t4\tnsubj\t4:nsubj\t_\n\
2-3\tdon't\t_\t_\t_\t_\t_\t_\t_\t_\n\
2\tdo\tdo\tAUX\tVBP\tMood=Ind|Number=Sing|Person=1|Tense=Pres|VerbForm=Fin\t4\taux\t4:aux\t_\n\
3\tn't\tnot\tPART\tRB\t_\t4\tadvmod\t4:advmod\t_\n\
4\tknow\tknow\tVERB\tVB\tVerbForm=Inf\t0\troot\t0:root\tSpaceAfter=No\n\
4.1\tknew\tknow\tVERB\tVBD\t_\t_\t_\t4:conj\t_\n\
5\t.\t.\tPUNCT\t.\t_\t4\tpunct\t4:punct\t_\n\n";

    #[test]
    fn reads_words_ranges_and_comments_and_skips_empty_nodes() {
        let sentences = parse(SAMPLE).unwrap();
        assert_eq!(sentences.len(), 1);
        let sentence = &sentences[0];
        assert_eq!(sentence.sent_id(), Some("s1"));
        assert_eq!(sentence.text(), Some("I don't know."));
        assert!(sentence.starts_document());
        assert_eq!(sentence.words.len(), 5);
        assert_eq!(sentence.words[2].lemma, "not");
        assert_eq!(sentence.words[3].head, 0);
        assert!(sentence.words[3].no_space_after());
        let tokens = sentence.tokens();
        let forms: Vec<&str> = tokens.iter().map(|token| token.form).collect();
        assert_eq!(forms, ["I", "don't", "know", "."]);
        assert_eq!(tokens[1].words, 1..3);
        assert!(tokens[2].no_space_after);
    }

    #[test]
    fn writes_what_it_reads() {
        let sentences = parse(SAMPLE).unwrap();
        let written = write(&sentences);
        assert_eq!(parse(&written).unwrap(), sentences);
        assert!(written.contains("2-3\tdon't\t"));
    }

    #[test]
    fn names_the_line_of_a_bad_row() {
        let error = parse("# x\n1\tA\n").unwrap_err();
        assert_eq!(error.line, 2);
        let error = parse("1\ta\ta\tX\tX\t_\t9\tdep\t_\t_\n\n").unwrap_err();
        assert!(error.message.contains("head 9"), "{error}");
        let error = parse("2\ta\ta\tX\tX\t_\t0\troot\t_\t_\n\n").unwrap_err();
        assert!(error.message.contains("out of order"), "{error}");
    }
}
