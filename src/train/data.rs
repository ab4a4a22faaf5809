//! Readers for the labelled check-worthiness data sets: CT24 TSV, ClaimBuster CSV, CheckThat! 2020 debate transcripts and AVeriTeC JSON.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// One sentence and whether annotators found it check-worthy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelledSentence {
    pub text: String,
    pub is_checkworthy: bool,
    /// The file the sentence came from; a debate transcript is one ranking unit.
    pub group: String,
}

/// The file layouts [`read_dataset`] understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// CheckThat! 2024 task 1: tab-separated with a header row naming
    /// `Sentence_id`, `Text` and `class_label` (`Yes`/`No`); fields may be
    /// quoted as in CSV.
    Ct24,
    /// ClaimBuster: comma-separated with a header row naming `text` and
    /// `label` (`1`/`0`).
    ClaimBuster,
    /// CheckThat! 2020 task 5: a transcript per file, tab-separated without a
    /// header, `line_number, speaker, text, label` (`1`/`0`), no quoting. A
    /// directory is read as all its `.tsv` transcripts.
    Debates,
    /// AVeriTeC: a JSON array of objects with a `claim`. Every claim was
    /// chosen by fact-checkers, so every one is labelled check-worthy.
    Averitec,
}

impl Layout {
    pub fn name(self) -> &'static str {
        match self {
            Layout::Ct24 => "ct24",
            Layout::ClaimBuster => "claimbuster",
            Layout::Debates => "debates",
            Layout::Averitec => "averitec",
        }
    }
}

/// Why a data set could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("cannot read {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: {message}")]
    Format { path: PathBuf, message: String },
}

/// A parse problem before the file name is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError(pub String);

/// Reads a labelled data set, choosing the layout from the path: a directory
/// holds debate transcripts, `.json` is AVeriTeC, `.csv` is ClaimBuster, and a
/// `.tsv` is CT24 when its first line names `Sentence_id`, else a transcript.
pub fn read_dataset(path: &Path) -> Result<(Layout, Vec<LabelledSentence>), DataError> {
    let io_error = |source| DataError::Io {
        path: path.to_path_buf(),
        source,
    };
    if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(io_error)?
            .map(|entry| entry.map(|entry| entry.path()))
            .collect::<Result<_, _>>()
            .map_err(io_error)?;
        files.retain(|file| file.extension().is_some_and(|extension| extension == "tsv"));
        files.sort();
        if files.is_empty() {
            return Err(DataError::Format {
                path: path.to_path_buf(),
                message: "no .tsv transcripts in the directory".to_string(),
            });
        }
        let mut sentences = Vec::new();
        for file in files {
            let text = read_text(&file)?;
            let group = file
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            sentences.extend(parse_debate_tsv(&text, &group).map_err(|err| format_error(&file, err))?);
        }
        return Ok((Layout::Debates, sentences));
    }
    let text = read_text(path)?;
    let group = path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let extension = path
        .extension()
        .map(|extension| extension.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let first_line = text.lines().next().unwrap_or_default();
    let layout = match extension.as_str() {
        "json" => Layout::Averitec,
        "csv" => Layout::ClaimBuster,
        _ if first_line
            .trim_start_matches('\u{FEFF}')
            .starts_with("Sentence_id") =>
        {
            Layout::Ct24
        }
        _ => Layout::Debates,
    };
    let parsed = match layout {
        Layout::Ct24 => parse_ct24_tsv(&text, &group),
        Layout::ClaimBuster => parse_claimbuster_csv(&text, &group),
        Layout::Debates => parse_debate_tsv(&text, &group),
        Layout::Averitec => parse_averitec_json(&text, &group),
    };
    parsed
        .map(|sentences| (layout, sentences))
        .map_err(|err| format_error(path, err))
}

fn read_text(path: &Path) -> Result<String, DataError> {
    std::fs::read_to_string(path).map_err(|source| DataError::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn format_error(path: &Path, err: FormatError) -> DataError {
    DataError::Format {
        path: path.to_path_buf(),
        message: err.0,
    }
}

/// Parses the CT24 layout.
pub fn parse_ct24_tsv(text: &str, group: &str) -> Result<Vec<LabelledSentence>, FormatError> {
    let records = parse_delimited(text, b'\t')?;
    let columns = HeaderColumns::find(&records, "Text", "class_label")?;
    records[1..]
        .iter()
        .enumerate()
        .map(|(row_idx, record)| {
            let (sentence, label) = columns.fields(record, row_idx)?;
            let is_checkworthy = match label.trim() {
                "Yes" => true,
                "No" => false,
                other => return Err(bad_label(row_idx, other, "Yes or No")),
            };
            Ok(labelled(sentence, is_checkworthy, group))
        })
        .collect()
}

/// Parses the ClaimBuster CSV layout.
pub fn parse_claimbuster_csv(text: &str, group: &str) -> Result<Vec<LabelledSentence>, FormatError> {
    let records = parse_delimited(text, b',')?;
    let columns = HeaderColumns::find(&records, "text", "label")?;
    records[1..]
        .iter()
        .enumerate()
        .map(|(row_idx, record)| {
            let (sentence, label) = columns.fields(record, row_idx)?;
            Ok(labelled(sentence, parse_binary_label(label, row_idx)?, group))
        })
        .collect()
}

/// Parses one CheckThat! 2020 debate transcript.
pub fn parse_debate_tsv(text: &str, group: &str) -> Result<Vec<LabelledSentence>, FormatError> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(line_idx, line)| {
            let fields: Vec<&str> = line.trim_end_matches('\r').split('\t').collect();
            let [_, _, sentence, label] = fields[..] else {
                return Err(FormatError(format!(
                    "line {}: expected 4 tab-separated fields, found {}",
                    line_idx + 1,
                    fields.len()
                )));
            };
            Ok(labelled(sentence, parse_binary_label(label, line_idx)?, group))
        })
        .collect()
}

/// Parses AVeriTeC's JSON array; every claim is check-worthy.
pub fn parse_averitec_json(text: &str, group: &str) -> Result<Vec<LabelledSentence>, FormatError> {
    #[derive(Deserialize)]
    struct AveritecClaim {
        claim: String,
    }
    let claims: Vec<AveritecClaim> = serde_json::from_str(text)
        .map_err(|err| FormatError(format!("not an AVeriTeC JSON array: {err}")))?;
    Ok(claims
        .into_iter()
        .map(|claim| labelled(&claim.claim, true, group))
        .collect())
}

fn labelled(text: &str, is_checkworthy: bool, group: &str) -> LabelledSentence {
    LabelledSentence {
        text: text.to_string(),
        is_checkworthy,
        group: group.to_string(),
    }
}

fn parse_binary_label(label: &str, row_idx: usize) -> Result<bool, FormatError> {
    match label.trim() {
        "1" => Ok(true),
        "0" => Ok(false),
        other => Err(bad_label(row_idx, other, "1 or 0")),
    }
}

fn bad_label(row_idx: usize, found: &str, expected: &str) -> FormatError {
    FormatError(format!("row {}: label {found:?} is not {expected}", row_idx + 1))
}

/// Where the text and label columns are, found by their header names.
struct HeaderColumns {
    text_idx: usize,
    label_idx: usize,
}

impl HeaderColumns {
    fn find(
        records: &[Vec<String>],
        text_name: &str,
        label_name: &str,
    ) -> Result<HeaderColumns, FormatError> {
        let header = records
            .first()
            .ok_or_else(|| FormatError("empty file: no header row".to_string()))?;
        let position = |name: &str| {
            header
                .iter()
                .position(|column| column.trim_start_matches('\u{FEFF}').trim() == name)
                .ok_or_else(|| FormatError(format!("no {name:?} column in the header row")))
        };
        Ok(HeaderColumns {
            text_idx: position(text_name)?,
            label_idx: position(label_name)?,
        })
    }

    fn fields<'r>(&self, record: &'r [String], row_idx: usize) -> Result<(&'r str, &'r str), FormatError> {
        match (record.get(self.text_idx), record.get(self.label_idx)) {
            (Some(text), Some(label)) => Ok((text, label)),
            _ => Err(FormatError(format!(
                "row {}: {} fields, too few for the header",
                row_idx + 1,
                record.len()
            ))),
        }
    }
}

/// Splits delimited text into records as RFC 4180 does: a field that starts
/// with `"` runs to the next lone `"`, may hold delimiters and line breaks,
/// and spells `"` as `""`. Empty lines are skipped.
pub fn parse_delimited(text: &str, delimiter: u8) -> Result<Vec<Vec<String>>, FormatError> {
    let bytes = text.as_bytes();
    let mut records = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut pos = 0;
    let mut line_number = 1;
    while pos < bytes.len() {
        let mut field = String::new();
        if bytes[pos] == b'"' {
            let opened_on = line_number;
            pos += 1;
            loop {
                let Some(offset) = bytes[pos..].iter().position(|&byte| byte == b'"') else {
                    return Err(FormatError(format!(
                        "line {opened_on}: quoted field never closes"
                    )));
                };
                let chunk = &text[pos..pos + offset];
                line_number += chunk.matches('\n').count();
                field.push_str(chunk);
                pos += offset + 1;
                if bytes.get(pos) == Some(&b'"') {
                    field.push('"');
                    pos += 1;
                } else {
                    break;
                }
            }
            // Anything between the closing quote and the delimiter is kept, as
            // lenient readers do.
            let rest_end = bytes[pos..]
                .iter()
                .position(|&byte| byte == delimiter || byte == b'\n')
                .map_or(bytes.len(), |offset| pos + offset);
            field.push_str(text[pos..rest_end].trim_end_matches('\r'));
            pos = rest_end;
        } else {
            let end = bytes[pos..]
                .iter()
                .position(|&byte| byte == delimiter || byte == b'\n')
                .map_or(bytes.len(), |offset| pos + offset);
            field.push_str(text[pos..end].trim_end_matches('\r'));
            pos = end;
        }
        record.push(field);
        match bytes.get(pos) {
            Some(&byte) if byte == delimiter => pos += 1,
            _ => {
                // A line break or the end of the text closes the record.
                pos += 1;
                line_number += 1;
                let is_blank = record.len() == 1 && record[0].is_empty();
                if !is_blank {
                    records.push(std::mem::take(&mut record));
                }
                record.clear();
            }
        }
    }
    // A delimiter at the very end leaves a last, empty field open.
    if !record.is_empty() {
        record.push(String::new());
        records.push(record);
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ct24_rows_with_quoted_text() {
        let text = "Sentence_id\tText\tclass_label\r\n26\t\"You know, I saw a movie - \"\"Crocodile Dundee.\"\"\"\tNo\r\n80\tWe're consuming 50 percent of the world's cocaine.\tYes\r\n\r\n";
        let rows = parse_ct24_tsv(text, "dev").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].text, "You know, I saw a movie - \"Crocodile Dundee.\"");
        assert!(!rows[0].is_checkworthy);
        assert_eq!(rows[1].text, "We're consuming 50 percent of the world's cocaine.");
        assert!(rows[1].is_checkworthy);
        assert_eq!(rows[1].group, "dev");
    }

    #[test]
    fn ct24_rejects_unknown_labels_and_missing_columns() {
        let bad_label = parse_ct24_tsv("Sentence_id\tText\tclass_label\n1\tHi.\tMaybe\n", "x");
        assert_eq!(
            bad_label,
            Err(FormatError("row 1: label \"Maybe\" is not Yes or No".to_string()))
        );
        let no_column = parse_ct24_tsv("Sentence_id\tSentence\tclass_label\n", "x");
        assert!(no_column.unwrap_err().0.contains("\"Text\""));
        assert!(parse_ct24_tsv("", "x").is_err());
    }

    #[test]
    fn claimbuster_csv_with_commas_and_newlines_in_quotes() {
        let text = "sentence_id,screening,label,text\n27247,-3,1,We're 9 million jobs short of that.\n10766,-3,1,\"You know, last year, we've lost 700,000 jobs.\"\n5,-3,0,\"Two\nlines\"\n";
        let rows = parse_claimbuster_csv(text, "cb").unwrap();
        let texts: Vec<&str> = rows.iter().map(|row| row.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "We're 9 million jobs short of that.",
                "You know, last year, we've lost 700,000 jobs.",
                "Two\nlines"
            ]
        );
        let labels: Vec<bool> = rows.iter().map(|row| row.is_checkworthy).collect();
        assert_eq!(labels, vec![true, true, false]);
    }

    #[test]
    fn unterminated_quote_is_an_error() {
        let err = parse_delimited("a,b\n1,\"open\n", b',').unwrap_err();
        assert_eq!(err, FormatError("line 2: quoted field never closes".to_string()));
    }

    #[test]
    fn debate_transcripts_keep_quotes_literally() {
        let text = "1\tHOLT\tI'm Lester Holt, anchor of \"NBC Nightly News.\"\t0\n2\tTRUMP\t\"Our jobs are fleeing the country.\t1\n";
        let rows = parse_debate_tsv(text, "20160926_1pres.tsv").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].text, "\"Our jobs are fleeing the country.");
        assert!(rows[1].is_checkworthy && !rows[0].is_checkworthy);
        assert!(parse_debate_tsv("1\tHOLT\tonly three", "x").is_err());
    }

    #[test]
    fn averitec_claims_are_all_checkworthy() {
        let text =
            r#"[{"claim": "Sean Connery refused.", "label": "Refuted"}, {"claim": "Prices doubled."}]"#;
        let rows = parse_averitec_json(text, "dev.json").unwrap();
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|row| row.is_checkworthy));
        assert!(parse_averitec_json("{}", "x").is_err());
    }
}
