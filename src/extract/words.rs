//! Word tokenisation with byte offsets, shared by attribution, filtering and scoring.

use super::lexicon::{Lexeme, lexeme_of};

/// One word of a sentence, as a byte range into the text it was cut from.
///
/// A word is a run of alphanumeric characters; an apostrophe, hyphen or dot
/// between two alphanumerics stays inside the word ("don't", "50-minute",
/// "U.S", "3.5"), and so does a comma between two digits ("60,000"). The
/// trailing dot of "U.S." is not part of the word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word<'a> {
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
    /// The word classes of the word, looked up once here so that later
    /// steps test bits instead of comparing strings.
    pub lexeme: Lexeme,
}

impl Word<'_> {
    /// True when the first character is an upper-case letter.
    pub fn is_capitalised(&self) -> bool {
        match self.text.as_bytes().first() {
            Some(byte) if byte.is_ascii() => byte.is_ascii_uppercase(),
            _ => self.text.chars().next().is_some_and(char::is_uppercase),
        }
    }

    /// True when the word begins with an ASCII digit.
    pub fn starts_with_digit(&self) -> bool {
        self.text.as_bytes().first().is_some_and(u8::is_ascii_digit)
    }
}

/// Iterates over the words of `text` in order.
pub fn words(text: &str) -> Words<'_> {
    Words { text, pos: 0 }
}

/// Fills `buffer` with the words of `text`, reusing its allocation.
pub fn collect_words<'a>(text: &'a str, buffer: &mut Vec<Word<'a>>) {
    buffer.clear();
    buffer.extend(words(text));
}

/// The iterator returned by [`words`].
#[derive(Debug, Clone)]
pub struct Words<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for Words<'a> {
    type Item = Word<'a>;

    fn next(&mut self) -> Option<Word<'a>> {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut start = self.pos;
        // Skip to the first alphanumeric character; ASCII bytes (nearly all)
        // are tested without decoding.
        loop {
            let byte = *bytes.get(start)?;
            if byte.is_ascii() {
                if IS_ASCII_ALPHANUMERIC[usize::from(byte)] {
                    break;
                }
                start += 1;
                continue;
            }
            let c = char_at(text, start)?;
            if c.is_alphanumeric() {
                break;
            }
            start += c.len_utf8();
        }
        let mut end = start;
        let mut previous = '\0';
        loop {
            // The run of ASCII letters and digits that makes most words.
            while let Some(&byte) = bytes.get(end) {
                if !IS_ASCII_ALPHANUMERIC[usize::from(byte)] {
                    break;
                }
                end += 1;
                previous = char::from(byte);
            }
            let Some(c) = char_at(text, end) else {
                break;
            };
            if c.is_alphanumeric() {
                end += c.len_utf8();
                previous = c;
                continue;
            }
            // A joiner only counts when an alphanumeric character follows it, so
            // that trailing punctuation never becomes part of the word.
            let joins = match c {
                '\'' | '\u{2019}' | '-' | '.' => {
                    char_at(text, end + c.len_utf8()).is_some_and(char::is_alphanumeric)
                }
                ',' => {
                    previous.is_ascii_digit()
                        && char_at(text, end + 1).is_some_and(|next| next.is_ascii_digit())
                }
                _ => false,
            };
            if !joins {
                break;
            }
            end += c.len_utf8();
            previous = c;
        }
        self.pos = end;
        let word_text = &text[start..end];
        Some(Word {
            start,
            end,
            text: word_text,
            lexeme: lexeme_of(word_text),
        })
    }
}

/// Whether each byte is an ASCII letter or digit: one load per byte in the
/// tokeniser's loops instead of two range tests.
const IS_ASCII_ALPHANUMERIC: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = (byte as u8).is_ascii_alphanumeric();
        byte += 1;
    }
    table
};

/// The character starting at byte `byte_idx`, which must be a char boundary or
/// the end; decodes only non-ASCII bytes, which keeps tokenising fast.
fn char_at(text: &str, byte_idx: usize) -> Option<char> {
    let byte = *text.as_bytes().get(byte_idx)?;
    if byte.is_ascii() {
        Some(char::from(byte))
    } else {
        text[byte_idx..].chars().next()
    }
}

/// Writes the ASCII-lower-cased form of `word` into `buffer` and returns it.
///
/// The curly apostrophe becomes a straight one so that word lists need only
/// one spelling. Returns `None` for words that are too long or contain other
/// non-ASCII characters: no word list in this module contains such words, so
/// callers can treat `None` as "not in any list".
pub fn lower_key<'b>(word: &'b str, buffer: &'b mut [u8; 24]) -> Option<&'b str> {
    if word.len() > buffer.len() {
        return None;
    }
    // Most words are already lower-case ASCII and need no copy.
    if word
        .bytes()
        .all(|byte| byte.is_ascii_lowercase() || byte == b'\'' || byte == b'-')
    {
        return Some(word);
    }
    let mut len = 0;
    for c in word.chars() {
        let byte = if c == '\u{2019}' {
            b'\''
        } else if c.is_ascii() {
            (c as u8).to_ascii_lowercase()
        } else {
            return None;
        };
        if len == buffer.len() {
            return None;
        }
        buffer[len] = byte;
        len += 1;
    }
    std::str::from_utf8(&buffer[..len]).ok()
}

/// True when `gap` (the text between two words) holds anything but spaces,
/// which means the two words do not belong to one uninterrupted phrase.
pub fn gap_breaks_phrase(gap: &str) -> bool {
    gap.chars().any(|c| !(c == ' ' || c == '\u{a0}'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<&str> {
        words(text).map(|word| word.text).collect()
    }

    #[test]
    fn joiners_stay_inside_words() {
        assert_eq!(
            texts("A 50-minute call, the U.S. said; 60,000 troops, 3.5% don't."),
            vec![
                "A",
                "50-minute",
                "call",
                "the",
                "U.S",
                "said",
                "60,000",
                "troops",
                "3.5",
                "don't"
            ]
        );
    }

    #[test]
    fn trailing_punctuation_is_not_a_word_part() {
        assert_eq!(
            texts("end. 'quoted' -dash- 1, 2"),
            vec!["end", "quoted", "dash", "1", "2"]
        );
    }

    #[test]
    fn offsets_point_into_the_text() {
        let text = "café – naïve 東京 🙂 ok";
        for word in words(text) {
            assert_eq!(&text[word.start..word.end], word.text);
        }
        assert_eq!(texts(text), vec!["café", "naïve", "東京", "ok"]);
    }

    #[test]
    fn lower_key_folds_ascii_and_apostrophes() {
        let mut buffer = [0u8; 24];
        assert_eq!(lower_key("We\u{2019}re", &mut buffer), Some("we're"));
        assert_eq!(lower_key("café", &mut buffer), None);
        assert_eq!(lower_key("abcdefghijklmnopqrstuvwxyz", &mut buffer), None);
    }
}
