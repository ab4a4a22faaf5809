//! Input formats for batch import: `.txt` files (one article each), `.jsonl` files (one article per
//! line), directories of them, and standard input, read as a stream of domain values.
//!
//! The serde types of the formats are private to this module; what comes out
//! is a body with [`ArticleMetadata`], or why a piece of input could not be
//! read, each with where it came from (file and line). Nothing here checks
//! the articles: the server does, so that a dry run reports what the server
//! would refuse.

pub mod claimreview;
pub mod jsonl;

use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use crate::model::ArticleMetadata;

/// How a file's content is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The whole file is one article, with its header and credit lines.
    Text,
    /// One JSON object per line, each an article.
    JsonLines,
}

/// One file (or standard input) to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The path as given or found; `-` is standard input.
    pub path: PathBuf,
    pub format: Format,
    /// The size in bytes, when known, for the progress bar.
    pub n_bytes: Option<u64>,
}

/// Where a piece of input came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub path: PathBuf,
    /// The 1-based line of a JSON-lines file; none for a text file.
    pub line: Option<u64>,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}", self.path.display()),
            None => write!(f, "{}", self.path.display()),
        }
    }
}

/// An article read from the input, not yet checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub origin: Origin,
    /// The record's own `id`, when a JSON line has one.
    pub id: Option<String>,
    pub body: String,
    pub metadata: ArticleMetadata,
}

/// What reading the input yields, piece by piece.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    Article(Item),
    /// A piece of input that is not an article: a line that is not JSON or
    /// has no body, a file that is not UTF-8 text or cannot be read.
    Unreadable {
        origin: Origin,
        reason: String,
    },
}

/// Why the inputs cannot be listed.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot read {}", path.display())]
    Io { path: PathBuf, source: io::Error },
}

/// The file extension of JSON-lines files; every other file is text.
const JSONL_EXTENSION: &str = "jsonl";

/// Lists the files to read for `paths`: a file stands for itself (JSON
/// lines when it ends in `.jsonl`, otherwise text), a directory for every
/// `.txt` and `.jsonl` file under it, recursively and in name order, and `-`
/// for standard input in `stdin_format`.
pub fn inputs(paths: &[PathBuf], stdin_format: Format) -> Result<Vec<Input>, InputError> {
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input {
                path: path.clone(),
                format: stdin_format,
                n_bytes: None,
            });
            continue;
        }
        let metadata = std::fs::metadata(path).map_err(|source| InputError::Io {
            path: path.clone(),
            source,
        })?;
        if metadata.is_dir() {
            walk(path, &mut inputs)?;
        } else {
            inputs.push(Input {
                path: path.clone(),
                format: format_of(path),
                n_bytes: Some(metadata.len()),
            });
        }
    }
    Ok(inputs)
}

fn format_of(path: &Path) -> Format {
    if path.extension().is_some_and(|ext| ext == JSONL_EXTENSION) {
        Format::JsonLines
    } else {
        Format::Text
    }
}

/// Adds the `.txt` and `.jsonl` files under `dir`, in name order.
fn walk(dir: &Path, inputs: &mut Vec<Input>) -> Result<(), InputError> {
    let io_error = |source| InputError::Io {
        path: dir.to_owned(),
        source,
    };
    let mut entries = std::fs::read_dir(dir)
        .map_err(io_error)?
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<io::Result<Vec<_>>>()
        .map_err(io_error)?;
    entries.sort();
    for path in entries {
        let metadata = std::fs::metadata(&path).map_err(|source| InputError::Io {
            path: path.clone(),
            source,
        })?;
        if metadata.is_dir() {
            walk(&path, inputs)?;
        } else if path
            .extension()
            .is_some_and(|ext| ext == JSONL_EXTENSION || ext == "txt")
        {
            inputs.push(Input {
                format: format_of(&path),
                path,
                n_bytes: Some(metadata.len()),
            });
        }
    }
    Ok(())
}

/// Reads `input` and hands each entry, with the number of input bytes it
/// took, to `each`, which returns false to stop. A file that cannot be
/// read becomes one [`Entry::Unreadable`].
pub fn read(input: &Input, each: &mut dyn FnMut(Entry, u64) -> bool) {
    let origin = Origin {
        path: input.path.clone(),
        line: None,
    };
    let source: Box<dyn Read> = if input.path.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        match File::open(&input.path) {
            Ok(file) => Box::new(file),
            Err(err) => {
                each(unreadable(origin, format!("cannot open: {err}")), 0);
                return;
            }
        }
    };
    match input.format {
        Format::Text => read_text(source, origin, each),
        Format::JsonLines => read_lines(BufReader::new(source), &input.path, each),
    }
}

fn unreadable(origin: Origin, reason: String) -> Entry {
    Entry::Unreadable { origin, reason }
}

fn read_text(mut source: Box<dyn Read>, origin: Origin, each: &mut dyn FnMut(Entry, u64) -> bool) {
    let mut bytes = Vec::new();
    if let Err(err) = source.read_to_end(&mut bytes) {
        each(unreadable(origin, format!("cannot read: {err}")), 0);
        return;
    }
    let n_bytes = bytes.len() as u64;
    let entry = match String::from_utf8(bytes) {
        Ok(body) => Entry::Article(Item {
            origin,
            id: None,
            body,
            metadata: ArticleMetadata::default(),
        }),
        Err(_) => unreadable(origin, "is not UTF-8 text".into()),
    };
    each(entry, n_bytes);
}

fn read_lines(mut source: impl BufRead, path: &Path, each: &mut dyn FnMut(Entry, u64) -> bool) {
    let mut line = Vec::new();
    let mut line_number = 0;
    loop {
        line.clear();
        line_number += 1;
        let origin = Origin {
            path: path.to_owned(),
            line: Some(line_number),
        };
        let n_bytes = match source.read_until(b'\n', &mut line) {
            Ok(0) => return,
            Ok(n_bytes) => n_bytes as u64,
            Err(err) => {
                each(unreadable(origin, format!("cannot read: {err}")), 0);
                return;
            }
        };
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let entry = match jsonl::parse_line(&line) {
            Ok((id, body, metadata)) => Entry::Article(Item {
                origin,
                id,
                body,
                metadata,
            }),
            Err(reason) => unreadable(origin, reason),
        };
        if !each(entry, n_bytes) {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(input: &Input) -> Vec<Entry> {
        let mut entries = Vec::new();
        read(input, &mut |entry, _| {
            entries.push(entry);
            true
        });
        entries
    }

    #[test]
    fn directories_are_walked_in_name_order_keeping_txt_and_jsonl() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("b")).unwrap();
        std::fs::write(dir.path().join("b/2.txt"), "Two.").unwrap();
        std::fs::write(dir.path().join("a.jsonl"), "{\"text\": \"One.\"}\n").unwrap();
        std::fs::write(dir.path().join("notes.md"), "skipped").unwrap();
        let inputs = inputs(&[dir.path().to_owned()], Format::JsonLines).unwrap();
        let names: Vec<_> = inputs
            .iter()
            .map(|input| input.path.strip_prefix(dir.path()).unwrap().to_owned())
            .collect();
        assert_eq!(names, [PathBuf::from("a.jsonl"), PathBuf::from("b/2.txt")]);
        assert_eq!(inputs[0].format, Format::JsonLines);
        assert_eq!(inputs[1].format, Format::Text);
        assert!(super::inputs(&[dir.path().join("missing")], Format::Text).is_err());
    }

    #[test]
    fn json_lines_become_articles_or_unreadable_entries_with_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.jsonl");
        std::fs::write(
            &path,
            "{\"id\": \"a1\", \"body\": \"First.\", \"source\": \"BBC News\", \"published\": \"2019-01-02\"}\n\
             \n\
             not json\n\
             {\"title\": \"no body\"}\n\
             {\"text\": \"Second.\", \"publisher\": \"P\", \"url\": \"https://example.org/x\", \"id\": 7}\n",
        )
        .unwrap();
        let entries = read_all(&Input {
            path: path.clone(),
            format: Format::JsonLines,
            n_bytes: None,
        });
        assert_eq!(entries.len(), 4);
        let Entry::Article(first) = &entries[0] else {
            panic!("{:?}", entries[0])
        };
        assert_eq!(first.origin.to_string(), format!("{}:1", path.display()));
        assert_eq!(first.id.as_deref(), Some("a1"));
        assert_eq!(first.body, "First.");
        assert_eq!(first.metadata.publisher.as_deref(), Some("BBC News"));
        assert_eq!(first.metadata.published_date.as_deref(), Some("2019-01-02"));
        let Entry::Unreadable { origin, .. } = &entries[1] else {
            panic!("{:?}", entries[1])
        };
        assert_eq!(origin.line, Some(3));
        let Entry::Unreadable { origin, reason } = &entries[2] else {
            panic!("{:?}", entries[2])
        };
        assert_eq!(origin.line, Some(4));
        assert!(reason.contains("body"), "{reason}");
        let Entry::Article(second) = &entries[3] else {
            panic!("{:?}", entries[3])
        };
        assert_eq!(second.id.as_deref(), Some("7"));
        assert_eq!(
            second.metadata.source_url.as_deref(),
            Some("https://example.org/x")
        );
        assert_eq!(second.origin.line, Some(5));
    }

    #[test]
    fn a_text_file_is_one_article_and_must_be_utf8() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("a.txt");
        std::fs::write(&good, "date 2022-01-01 MOSCOW • Text.").unwrap();
        let bad = dir.path().join("b.txt");
        std::fs::write(&bad, [0xff, 0xfe]).unwrap();
        let inputs = inputs(&[good, bad], Format::Text).unwrap();
        let entries: Vec<_> = inputs.iter().flat_map(read_all).collect();
        assert!(matches!(&entries[0], Entry::Article(item) if item.body.starts_with("date")));
        assert!(matches!(&entries[1], Entry::Unreadable { reason, .. } if reason.contains("UTF-8")));
    }
}
