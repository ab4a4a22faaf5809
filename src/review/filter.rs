//! Filter expressions in a subset of Google's AIP-160: comparisons joined by `AND`, with optional
//! parentheses, parsed into a typed AST. The field table says which fields exist and what values
//! they take; the store turns the AST into SQL with bound parameters.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::calendar::{parse_date, parse_timestamp_micros};
use crate::model::Claim;
use crate::names;

/// The longest filter accepted, in bytes.
pub const MAX_FILTER_BYTES: usize = 2000;
/// The most comparisons one filter may hold.
pub const MAX_CONDITIONS: usize = 32;
/// The deepest nesting of parentheses accepted.
const MAX_DEPTH: usize = 8;
/// The longest text value accepted, in bytes.
const MAX_VALUE_BYTES: usize = 1000;

/// The claim kinds issue 3's extractor assigns.
pub const KINDS: &[&str] = &["STATISTIC", "EVENT", "STATEMENT", "PREDICTION", "OPINION"];

/// What a filter can test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Status,
    Verdict,
    Kind,
    Checkable,
    NeedsContext,
    Speaker,
    Entity,
    Article,
    Checkworthiness,
    CreateTime,
    Date,
    Reviewer,
    /// Who holds the claim's lease now (`me`: the caller).
    Holder,
    /// Whether anyone holds the claim's lease now.
    Leased,
    /// The article's publication date, `YYYY-MM-DD`.
    PublishedDate,
    /// The article's publisher, exact.
    Publisher,
    /// One of the agencies in the article's credit, in any case.
    Agency,
    /// The article's publisher or one of its credited agencies, in any case.
    Source,
    /// The article's source URL, exact.
    Url,
}

impl Field {
    /// Whether the field is the claim's article's, not the claim's own:
    /// the claim does not carry it, and the store reads it from `articles`.
    pub fn is_article_field(self) -> bool {
        matches!(
            self,
            Field::PublishedDate | Field::Publisher | Field::Agency | Field::Source | Field::Url
        )
    }
}

/// The value that stands for the caller in `holder` and `reviewer`
/// conditions: `holder = me` is "the claims I hold".
pub const CALLER: &str = "me";
/// The filter of the claims the caller holds (`claimdb review mine`).
pub const MINE: &str = "holder = me";

/// The comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }
}

/// A checked value, typed for its field.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Int(i64),
    Real(f64),
    Bool(bool),
}

/// One comparison, `field op value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub field: Field,
    pub op: Op,
    pub value: Value,
}

/// A parsed filter: every condition must hold. Empty matches everything.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filter {
    pub conditions: Vec<Condition>,
}

/// What a field's values are.
#[derive(Debug, Clone, Copy)]
enum ValueType {
    /// One of these names.
    Enum(&'static [&'static str]),
    Text,
    Bool,
    /// A number from 0 to 1.
    Score,
    /// RFC 3339, or a date meaning its midnight UTC; compared as microseconds.
    Timestamp,
    /// `YYYY-MM-DD`.
    Date,
    /// `articles/{id}`.
    ArticleName,
    /// A name compared without regard to ASCII case, stored lower-cased; no
    /// comma, which separates the names of a credit line.
    Name,
}

impl ValueType {
    fn is_ordered(self) -> bool {
        matches!(self, ValueType::Score | ValueType::Timestamp | ValueType::Date)
    }
}

struct FieldSpec {
    name: &'static str,
    field: Field,
    value: ValueType,
}

const STATUSES: &[&str] = &["UNREVIEWED", "REVIEWED", "DISPUTED"];
const VERDICTS: &[&str] = &[
    "TRUE",
    "MOSTLY_TRUE",
    "MIXED",
    "MOSTLY_FALSE",
    "FALSE",
    "MISLEADING",
    "UNVERIFIABLE",
    "NOT_A_CLAIM",
];

/// Every field a filter may name. `kind`, `checkable`, `entity` and `date`
/// read what issue 3's migration 0002 adds.
const FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "status",
        field: Field::Status,
        value: ValueType::Enum(STATUSES),
    },
    FieldSpec {
        name: "verdict",
        field: Field::Verdict,
        value: ValueType::Enum(VERDICTS),
    },
    FieldSpec {
        name: "kind",
        field: Field::Kind,
        value: ValueType::Enum(KINDS),
    },
    FieldSpec {
        name: "checkable",
        field: Field::Checkable,
        value: ValueType::Bool,
    },
    FieldSpec {
        name: "needs_context",
        field: Field::NeedsContext,
        value: ValueType::Bool,
    },
    FieldSpec {
        name: "speaker",
        field: Field::Speaker,
        value: ValueType::Text,
    },
    FieldSpec {
        name: "entity",
        field: Field::Entity,
        value: ValueType::Text,
    },
    FieldSpec {
        name: "article",
        field: Field::Article,
        value: ValueType::ArticleName,
    },
    FieldSpec {
        name: "checkworthiness",
        field: Field::Checkworthiness,
        value: ValueType::Score,
    },
    FieldSpec {
        name: "create_time",
        field: Field::CreateTime,
        value: ValueType::Timestamp,
    },
    FieldSpec {
        name: "date",
        field: Field::Date,
        value: ValueType::Date,
    },
    FieldSpec {
        name: "reviewer",
        field: Field::Reviewer,
        value: ValueType::Text,
    },
    FieldSpec {
        name: "holder",
        field: Field::Holder,
        value: ValueType::Text,
    },
    FieldSpec {
        name: "leased",
        field: Field::Leased,
        value: ValueType::Bool,
    },
    PUBLISHED_DATE,
    PUBLISHER,
    AGENCY,
    SOURCE,
    URL,
];

const PUBLISHED_DATE: FieldSpec = FieldSpec {
    name: "published_date",
    field: Field::PublishedDate,
    value: ValueType::Date,
};
const PUBLISHER: FieldSpec = FieldSpec {
    name: "publisher",
    field: Field::Publisher,
    value: ValueType::Text,
};
const AGENCY: FieldSpec = FieldSpec {
    name: "agency",
    field: Field::Agency,
    value: ValueType::Name,
};
const SOURCE: FieldSpec = FieldSpec {
    name: "source",
    field: Field::Source,
    value: ValueType::Name,
};
const URL: FieldSpec = FieldSpec {
    name: "url",
    field: Field::Url,
    value: ValueType::Text,
};

/// The fields an article filter (`ListArticles`) may name: the article
/// fields of a claim filter, with the same meaning.
const ARTICLE_FIELDS: &[FieldSpec] = &[PUBLISHED_DATE, PUBLISHER, AGENCY, SOURCE, URL];

impl Filter {
    /// The filter with [`CALLER`] (`me`) in `holder` and `reviewer`
    /// conditions read as `caller`, the name of whoever asks: the parser
    /// does not know who that is, the api does.
    pub fn for_caller(mut self, caller: &str) -> Filter {
        for condition in &mut self.conditions {
            if matches!(condition.field, Field::Holder | Field::Reviewer)
                && condition.value == Value::Text(CALLER.to_owned())
            {
                condition.value = Value::Text(caller.to_owned());
            }
        }
        self
    }
}

/// The names a filter may use, for error messages and documentation.
pub fn field_names() -> Vec<&'static str> {
    FIELDS.iter().map(|spec| spec.name).collect()
}

/// The names an article filter may use.
pub fn article_field_names() -> Vec<&'static str> {
    ARTICLE_FIELDS.iter().map(|spec| spec.name).collect()
}

/// A malformed filter (or order_by): what is wrong, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// 1-based position in characters.
    pub position: usize,
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at position {}: {}", self.position, self.message)
    }
}

impl std::error::Error for SyntaxError {}

#[derive(Debug, Clone, PartialEq)]
enum TokenKind {
    /// A bare word: a field name or an unquoted value.
    Word(String),
    /// A quoted string, unescaped.
    Quoted(String),
    Op(Op),
    Open,
    Close,
    Comma,
}

#[derive(Debug, Clone, PartialEq)]
struct Token {
    kind: TokenKind,
    /// Byte offset in the input.
    offset: usize,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '+' | ':' | '/')
}

/// The 1-based character position of byte `offset` in `input`.
fn position(input: &str, offset: usize) -> usize {
    input[..offset.min(input.len())].chars().count() + 1
}

fn error(input: &str, offset: usize, message: impl Into<String>) -> SyntaxError {
    SyntaxError {
        position: position(input, offset),
        message: message.into(),
    }
}

/// Splits an expression into tokens. Shared by filters and `order_by`.
fn tokenize(input: &str) -> Result<Vec<Token>, SyntaxError> {
    let mut tokens = Vec::new();
    let mut chars = input.char_indices().peekable();
    while let Some(&(offset, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let kind = match c {
            '(' => {
                chars.next();
                TokenKind::Open
            }
            ')' => {
                chars.next();
                TokenKind::Close
            }
            ',' => {
                chars.next();
                TokenKind::Comma
            }
            '=' => {
                chars.next();
                TokenKind::Op(Op::Eq)
            }
            '!' | '<' | '>' => {
                chars.next();
                let followed_by_eq = chars.peek().is_some_and(|&(_, next)| next == '=');
                if followed_by_eq {
                    chars.next();
                }
                match (c, followed_by_eq) {
                    ('!', true) => TokenKind::Op(Op::Ne),
                    ('!', false) => return Err(error(input, offset, "expected != but found a lone !")),
                    ('<', true) => TokenKind::Op(Op::Le),
                    ('<', false) => TokenKind::Op(Op::Lt),
                    ('>', true) => TokenKind::Op(Op::Ge),
                    _ => TokenKind::Op(Op::Gt),
                }
            }
            '"' | '\'' => {
                chars.next();
                let quote = c;
                let mut value = String::new();
                loop {
                    match chars.next() {
                        None => return Err(error(input, offset, "unterminated string")),
                        Some((_, ch)) if ch == quote => break,
                        Some((escape_at, '\\')) => match chars.next() {
                            Some((_, escaped @ ('\\' | '"' | '\''))) => value.push(escaped),
                            _ => {
                                return Err(error(
                                    input,
                                    escape_at,
                                    "unknown escape: only \\\\, \\\" and \\' are allowed",
                                ));
                            }
                        },
                        Some((_, ch)) => value.push(ch),
                    }
                }
                TokenKind::Quoted(value)
            }
            c if is_word_char(c) => {
                let mut word = String::new();
                while let Some(&(_, ch)) = chars.peek() {
                    if !is_word_char(ch) {
                        break;
                    }
                    word.push(ch);
                    chars.next();
                }
                TokenKind::Word(word)
            }
            other => return Err(error(input, offset, format!("unexpected character {other:?}"))),
        };
        tokens.push(Token { kind, offset });
    }
    Ok(tokens)
}

/// Parses a filter expression. An empty or blank one matches every claim.
pub fn parse(input: &str) -> Result<Filter, SyntaxError> {
    parse_over(input, FIELDS)
}

/// Parses an article filter (`ListArticles`): the language of [`parse`],
/// over the article fields only. An empty or blank one matches every article.
pub fn parse_article_filter(input: &str) -> Result<Filter, SyntaxError> {
    parse_over(input, ARTICLE_FIELDS)
}

fn parse_over(input: &str, fields: &'static [FieldSpec]) -> Result<Filter, SyntaxError> {
    if input.len() > MAX_FILTER_BYTES {
        return Err(SyntaxError {
            position: 1,
            message: format!(
                "the filter is {} bytes, more than the limit of {MAX_FILTER_BYTES}",
                input.len()
            ),
        });
    }
    let tokens = tokenize(input)?;
    let mut parser = Parser {
        input,
        fields,
        tokens: &tokens,
        next: 0,
        conditions: Vec::new(),
    };
    if tokens.is_empty() {
        return Ok(Filter::default());
    }
    parser.conjunction(0)?;
    if let Some(token) = parser.peek() {
        let message = match &token.kind {
            TokenKind::Close => "unbalanced ')'".to_owned(),
            _ => "expected AND between conditions".to_owned(),
        };
        return Err(error(input, token.offset, message));
    }
    Ok(Filter {
        conditions: parser.conditions,
    })
}

struct Parser<'a> {
    input: &'a str,
    fields: &'static [FieldSpec],
    tokens: &'a [Token],
    next: usize,
    conditions: Vec<Condition>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.next)
    }

    fn end_offset(&self) -> usize {
        self.input.len()
    }

    fn conjunction(&mut self, depth: usize) -> Result<(), SyntaxError> {
        self.primary(depth)?;
        while let Some(token) = self.peek() {
            match &token.kind {
                TokenKind::Word(word) if word == "AND" => {
                    self.next += 1;
                    self.primary(depth)?;
                }
                TokenKind::Word(word) if word == "OR" => {
                    return Err(error(
                        self.input,
                        token.offset,
                        "OR is not supported: combine conditions with AND",
                    ));
                }
                _ => return Ok(()),
            }
        }
        Ok(())
    }

    fn primary(&mut self, depth: usize) -> Result<(), SyntaxError> {
        let Some(token) = self.peek().cloned() else {
            return Err(error(self.input, self.end_offset(), "expected a condition"));
        };
        match token.kind {
            TokenKind::Open => {
                if depth >= MAX_DEPTH {
                    return Err(error(self.input, token.offset, "parentheses nest too deep"));
                }
                self.next += 1;
                self.conjunction(depth + 1)?;
                match self.peek() {
                    Some(Token {
                        kind: TokenKind::Close,
                        ..
                    }) => {
                        self.next += 1;
                        Ok(())
                    }
                    Some(other) => Err(error(self.input, other.offset, "expected ')' or AND")),
                    None => Err(error(self.input, token.offset, "unclosed '('")),
                }
            }
            TokenKind::Word(word) if matches!(word.as_str(), "NOT" | "OR" | "AND") => Err(error(
                self.input,
                token.offset,
                format!("{word} is not supported here: write `field op value` conditions joined by AND"),
            )),
            TokenKind::Word(name) => self.comparison(&name, token.offset),
            _ => Err(error(self.input, token.offset, "expected a field name")),
        }
    }

    fn comparison(&mut self, name: &str, name_offset: usize) -> Result<(), SyntaxError> {
        let spec = self.fields.iter().find(|spec| spec.name == name).ok_or_else(|| {
            let known: Vec<&str> = self.fields.iter().map(|spec| spec.name).collect();
            error(
                self.input,
                name_offset,
                format!("unknown field {name:?}; known fields: {}", known.join(", ")),
            )
        })?;
        self.next += 1;
        let op = match self.peek() {
            Some(Token {
                kind: TokenKind::Op(op),
                ..
            }) => *op,
            Some(other) => {
                return Err(error(
                    self.input,
                    other.offset,
                    format!("expected a comparison (=, !=, <, <=, >, >=) after {name}"),
                ));
            }
            None => {
                return Err(error(
                    self.input,
                    self.end_offset(),
                    format!("expected a comparison after {name}"),
                ));
            }
        };
        let op_offset = self.tokens[self.next].offset;
        self.next += 1;
        if !spec.value.is_ordered() && !matches!(op, Op::Eq | Op::Ne) {
            return Err(error(
                self.input,
                op_offset,
                format!("{name} can only be compared with = or !="),
            ));
        }
        let (raw, value_offset) = match self.peek() {
            Some(Token {
                kind: TokenKind::Word(word) | TokenKind::Quoted(word),
                offset,
            }) => (word.clone(), *offset),
            Some(other) => {
                return Err(error(
                    self.input,
                    other.offset,
                    format!("expected a value for {name}"),
                ));
            }
            None => {
                return Err(error(
                    self.input,
                    self.end_offset(),
                    format!("expected a value for {name}"),
                ));
            }
        };
        self.next += 1;
        let value = typed_value(spec, &raw).map_err(|message| error(self.input, value_offset, message))?;
        if self.conditions.len() >= MAX_CONDITIONS {
            return Err(error(
                self.input,
                name_offset,
                format!("more than {MAX_CONDITIONS} conditions"),
            ));
        }
        self.conditions.push(Condition {
            field: spec.field,
            op,
            value,
        });
        Ok(())
    }
}

fn typed_value(spec: &FieldSpec, raw: &str) -> Result<Value, String> {
    let name = spec.name;
    if raw.len() > MAX_VALUE_BYTES {
        return Err(format!(
            "the value for {name} is longer than {MAX_VALUE_BYTES} bytes"
        ));
    }
    match spec.value {
        // Enum names and booleans in any case (`kind = statistic`), as the
        // CLI takes `--verdict mostly_true`; they are stored in one case.
        ValueType::Enum(names) => names
            .iter()
            .find(|allowed| allowed.eq_ignore_ascii_case(raw))
            .map(|allowed| Value::Text((*allowed).to_owned()))
            .ok_or_else(|| format!("{name} must be one of {}, got {raw:?}", names.join(", "))),
        ValueType::Text => Ok(Value::Text(raw.to_owned())),
        ValueType::Bool if raw.eq_ignore_ascii_case("true") => Ok(Value::Bool(true)),
        ValueType::Bool if raw.eq_ignore_ascii_case("false") => Ok(Value::Bool(false)),
        ValueType::Bool => Err(format!("{name} must be true or false, got {raw:?}")),
        ValueType::Score => raw
            .parse::<f64>()
            .ok()
            .filter(|score| (0.0..=1.0).contains(score))
            .map(Value::Real)
            .ok_or_else(|| format!("{name} must be a number from 0 to 1, got {raw:?}")),
        ValueType::Timestamp => parse_timestamp_micros(raw).map(Value::Int).ok_or_else(|| {
            format!(
                "{name} must be an RFC 3339 time (2022-01-01T12:00:00Z) or a date (2022-01-01), got {raw:?}"
            )
        }),
        ValueType::Date => parse_date(raw)
            .map(|_| Value::Text(raw.to_owned()))
            .ok_or_else(|| format!("{name} must be a date YYYY-MM-DD, got {raw:?}")),
        ValueType::Name if raw.contains(',') => {
            Err(format!("{name} is one name and cannot hold a comma, got {raw:?}"))
        }
        ValueType::Name if raw.trim().is_empty() => Err(format!("{name} must not be empty")),
        ValueType::Name => Ok(Value::Text(raw.trim().to_ascii_lowercase())),
        ValueType::ArticleName => names::parse_article(raw)
            .map(|id| Value::Int(id.0))
            .ok_or_else(|| format!("{name} must be a resource name articles/{{id}}, got {raw:?}")),
    }
}

/// A key to order claims by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderField {
    CreateTime,
    Checkworthiness,
    /// The claim id, i.e. its resource name.
    Name,
}

impl OrderField {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderField::CreateTime => "create_time",
            OrderField::Checkworthiness => "checkworthiness",
            OrderField::Name => "name",
        }
    }
}

/// One `order_by` key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OrderKey {
    pub field: OrderField,
    pub descending: bool,
}

/// Parses an AIP-132 `order_by`: `field [asc|desc]` separated by commas.
/// The result always ends with `name` (in the direction of the key before
/// it), so the order is total and keyset
/// pagination never skips or repeats a claim. Empty means oldest first.
pub fn parse_order_by(input: &str) -> Result<Vec<OrderKey>, SyntaxError> {
    if input.len() > MAX_FILTER_BYTES {
        return Err(SyntaxError {
            position: 1,
            message: format!("order_by is longer than {MAX_FILTER_BYTES} bytes"),
        });
    }
    let tokens = tokenize(input)?;
    let mut keys: Vec<OrderKey> = Vec::new();
    let mut index = 0;
    while index < tokens.len() {
        let token = &tokens[index];
        let TokenKind::Word(word) = &token.kind else {
            return Err(error(input, token.offset, "expected a field name"));
        };
        let field = match word.as_str() {
            "create_time" => OrderField::CreateTime,
            "checkworthiness" => OrderField::Checkworthiness,
            "name" => OrderField::Name,
            other => {
                return Err(error(
                    input,
                    token.offset,
                    format!("cannot order by {other:?}; use create_time, checkworthiness or name"),
                ));
            }
        };
        if keys.iter().any(|key| key.field == field) {
            return Err(error(input, token.offset, format!("{word} appears twice")));
        }
        index += 1;
        let mut descending = false;
        if let Some(Token {
            kind: TokenKind::Word(direction),
            offset,
        }) = tokens.get(index)
        {
            descending = match direction.to_ascii_lowercase().as_str() {
                "desc" => true,
                "asc" => false,
                other => {
                    return Err(error(
                        input,
                        *offset,
                        format!("expected asc, desc or a comma, got {other:?}"),
                    ));
                }
            };
            index += 1;
        }
        keys.push(OrderKey { field, descending });
        match tokens.get(index) {
            None => {}
            Some(Token {
                kind: TokenKind::Comma,
                offset,
            }) => {
                index += 1;
                if index == tokens.len() {
                    return Err(error(input, *offset, "a comma must be followed by a field"));
                }
            }
            Some(other) => return Err(error(input, other.offset, "expected a comma")),
        }
    }
    if let Some(position) = keys.iter().position(|key| key.field == OrderField::Name) {
        // Keys after the unique one cannot change the order.
        keys.truncate(position + 1);
    } else {
        // The tie-break follows the last key's direction, so that an order
        // in one direction can page with one row-value comparison along an
        // index.
        let descending = keys.last().is_some_and(|key| key.descending);
        keys.push(OrderKey {
            field: OrderField::Name,
            descending,
        });
    }
    Ok(keys)
}

/// One key's value at a row, for keyset pagination.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SortValue {
    Int(i64),
    Real(f64),
}

/// Where `claim` stands in the order `keys`: the page position after it.
pub fn sort_key(claim: &Claim, keys: &[OrderKey]) -> Vec<SortValue> {
    keys.iter()
        .map(|key| match key.field {
            OrderField::CreateTime => SortValue::Int(micros(claim.create_time)),
            OrderField::Checkworthiness => SortValue::Real(claim.checkworthiness),
            OrderField::Name => SortValue::Int(claim.id.0),
        })
        .collect()
}

/// Microseconds since the Unix epoch, as the store keeps times (rounded
/// towards zero).
pub(crate) fn micros(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_micros()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_micros()).unwrap_or(i64::MAX),
    }
}

#[cfg(test)]
mod tests;
