//! The hostile-input suite (issue 14): a fixed seed generates a few thousand malformed requests
//! across every RPC of every service (bad names, page tokens, filters, queries, URLs, enums,
//! numbers, timestamps, control characters, huge strings, random nasty values in every field,
//! undecodable bytes), and each must get the code its fault calls for, never INTERNAL or
//! UNKNOWN. Afterwards the server still serves, and the refused writes changed no row.
//!
//! Each generated request breaks at most one field and fills every other field with a value
//! that is valid however odd (quotes, NUL inside a quoted filter value, escape sequences in a
//! body, right-to-left marks, SQL), so the code it must get follows from the broken field alone:
//! INVALID_ARGUMENT for a malformed field, RESOURCE_EXHAUSTED for one too large,
//! NOT_FOUND for a well-formed name of nothing. Requests that break no field get OK when they
//! read; those that write are built to fail at the store (a stale etag, a claim nobody holds)
//! or to match nothing, so that the database must come out exactly as it went in.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use claimdb::api::pb;
use claimdb::api::pb::article_service_client::ArticleServiceClient;
use claimdb::api::pb::claim_service_client::ClaimServiceClient;
use claimdb::api::pb::find_similar_claims_request::Query;
use claimdb::api::pb::review_service_client::ReviewServiceClient;
use claimdb::model::Role;
use claimdb::store::Store;
use claimdb::store::test_support::Snapshot;
use tokio::sync::Semaphore;
use tonic::Code;
use tonic::transport::Channel;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_types::StatusExt;

use crate::support::raw::RawCodec;
use crate::support::{Authed, Bearer, MISSION_ARTICLE, TestServer, spawn_server};

use pb::import_item_result::Outcome;

/// The seed of every generated request: the same requests on every run.
const SEED: u64 = 0x1414_c1a1_3d0b_0014;
/// Generated requests per RPC, besides the undecodable and unauthenticated ones.
const CASES_PER_RPC: usize = 90;
/// Calls under way at once: well under the server's admission limit, so
/// nothing is shed.
const CONCURRENCY: usize = 8;
/// The longest any one call may take before it counts as a hang.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// Ids no resource has in the suite's database.
const ABSENT_IDS: std::ops::Range<u64> = 1_000_000..1_000_000_000_000;
/// The largest request message the server reads (`api::MAX_MESSAGE_BYTES`).
const MAX_MESSAGE_BYTES: usize = 4 << 20;
/// The largest article body (`ingest::MAX_BODY_BYTES`).
const MAX_BODY_BYTES: usize = 1 << 20;

/// A small seeded generator (SplitMix64): deterministic, and no more is needed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn range(&mut self, range: std::ops::Range<u64>) -> u64 {
        range.start + self.next() % (range.end - range.start)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// Characters `char::is_control` is true of (Unicode's Cc), alone and in
/// the terminal sequences of issue 14's defect 8.
const CONTROLS: &[&str] = &[
    "\0",
    "\u{1}",
    "\u{7}",
    "\u{8}",
    "\u{1b}",
    "\u{1b}[2J",
    "\u{1b}]0;pwned\u{7}",
    "\r",
    "\n",
    "\t",
    "\u{7f}",
    "\u{85}",
    "\u{9b}",
];

/// Etags no server makes: missing, bare numbers, wildcards, strong or
/// padded forms, controls. Each is INVALID_ARGUMENT, never ABORTED.
const MALFORMED_ETAGS: &[&str] = &[
    "",
    "1",
    "*",
    "\"1\"",
    "x\u{0}y",
    "W/\"01\"",
    "W/\"-1\"",
    "W/\"99999999999999999999\"",
    "garbage",
];

/// Pieces that are no control character but break careless code: quotes,
/// SQL and FTS5 syntax, LIKE wildcards, odd Unicode, numbers at the edges.
const ODD: &[&str] = &[
    "'",
    "\"",
    "\\",
    "%",
    "_",
    "*",
    "'; DROP TABLE claims; --",
    "\" OR 1=1 --",
    "NEAR(",
    " AND ",
    " OR ",
    "NOT",
    "^",
    ":",
    "-",
    "{",
    "}",
    "(",
    ")",
    "claims/1",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%00",
    "%s%n",
    "${jndi:ldap://x}",
    "\u{202e}",
    "\u{200b}",
    "\u{feff}",
    "\u{fffd}",
    "e\u{301}",
    "\u{1d54f}",
    "\u{1f980}",
    "\u{10ffff}",
    "\u{df}",
    "\u{130}",
    "\u{3000}",
    "\u{a0}",
    "-1",
    "9223372036854775808",
    "1e999",
    "NaN",
    "word",
    "Biden",
    "alpha",
];

/// A nasty string of up to `max_pieces` pieces, with control characters
/// when `controls` is set; never blank.
fn nasty(rng: &mut Rng, controls: bool, max_pieces: usize) -> String {
    let mut text = String::from("x");
    for _ in 0..rng.below(max_pieces) + 1 {
        if controls && rng.chance(3) {
            text.push_str(rng.pick::<&str>(CONTROLS));
        } else {
            text.push_str(rng.pick::<&str>(ODD));
        }
    }
    text
}

/// Nasty text with at least one control character.
fn with_control(rng: &mut Rng) -> String {
    let mut text = nasty(rng, false, 4);
    let at = text
        .char_indices()
        .map(|(idx, _)| idx)
        .nth(rng.below(text.chars().count()))
        .unwrap_or(0);
    text.insert_str(at, rng.pick::<&str>(CONTROLS));
    text
}

/// Whether `name` is `{collection}/{id}` with an id in plain digits, no
/// leading zero, positive, fitting an i64: the one spelling of a name
/// (AIP-122), stated here apart from the server's parser.
fn is_canonical(name: &str, collection: &str) -> bool {
    let Some(id) = name
        .strip_prefix(collection)
        .and_then(|rest| rest.strip_prefix('/'))
    else {
        return false;
    };
    !id.is_empty()
        && !id.starts_with('0')
        && id.bytes().all(|b| b.is_ascii_digit())
        && id.parse::<i64>().is_ok()
}

/// A resource name that is not one: the classes issue 14 names and random ones.
fn bad_name(rng: &mut Rng, collection: &str) -> String {
    let other = if collection == "claims" {
        "articles"
    } else {
        "claims"
    };
    let fixed = [
        String::new(),
        " ".into(),
        collection.into(),
        format!("{collection}/"),
        format!("{collection}/0"),
        format!("{collection}/01"),
        format!("{collection}/-1"),
        format!("{collection}/+1"),
        format!("{collection}/1 "),
        format!(" {collection}/1"),
        format!("{collection}/1/"),
        format!("{collection}//1"),
        format!("{collection}/1.0"),
        format!("{collection}/1e3"),
        format!("{collection}/0x1"),
        format!("{collection}/\u{661}"),
        format!("{collection}/\u{ff11}"),
        format!("{collection}/9223372036854775808"),
        format!("{collection}/{}", "9".repeat(40)),
        format!("{}/1", collection.to_uppercase()),
        format!("{collection}/1\0"),
        format!("{collection}\0/1"),
        format!("{collection}/1;DROP TABLE claims"),
        format!("{collection}/%31"),
        format!("{other}/1"),
        format!("{collection}/1/reviews/1"),
        format!("/{collection}/1"),
        format!("{collection}/1\n"),
        format!("{collection}/{}", "9".repeat(100_000)),
        "x".repeat(100_000),
    ];
    let name = match rng.below(3) {
        0 => rng.pick(&fixed).clone(),
        1 => format!("{collection}/{}", nasty(rng, true, 3)),
        _ => format!("{collection}/0{}", rng.range(0..1_000_000)),
    };
    debug_assert!(!is_canonical(&name, collection), "{name:?}");
    name
}

/// A well-formed name of a resource that does not exist.
fn absent_name(rng: &mut Rng, collection: &str) -> String {
    format!("{collection}/{}", rng.range(ABSENT_IDS))
}

/// A string for a quoted filter value: `"` and `\` escaped as the filter
/// syntax asks.
fn quoted(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A condition that parses, with an odd but valid value.
fn good_condition(rng: &mut Rng) -> String {
    let text_value = quoted(&nasty(rng, true, 4));
    match rng.below(13) {
        0 => format!("status = {}", rng.pick(&["UNREVIEWED", "REVIEWED", "DISPUTED"])),
        1 => format!("verdict != {}", rng.pick(&["TRUE", "MIXED", "NOT_A_CLAIM"])),
        2 => format!("kind = {}", rng.pick(&["STATISTIC", "EVENT", "OPINION"])),
        3 => format!("checkable = {}", rng.pick(&["true", "false"])),
        4 => format!("needs_context != {}", rng.pick(&["true", "false"])),
        5 => format!("speaker = {text_value}"),
        6 => format!("entity != {text_value}"),
        7 => format!("article = articles/{}", rng.range(1..1_000_000_000)),
        8 => format!(
            "checkworthiness >= {}",
            rng.pick(&["0", "0.5", "1", "1e-300", ".25"])
        ),
        9 => format!(
            "create_time > {}",
            rng.pick(&[
                "2022-01-01T00:00:00Z",
                "\"1970-01-01T00:00:00.123456789+23:59\"",
                "9999-12-31T23:59:59Z",
                "0001-01-01",
                "2022-01-01t00:00:00z"
            ])
        ),
        10 => format!(
            "date <= {}",
            rng.pick(&["2022-01-15", "0001-01-01", "9999-12-31"])
        ),
        11 => format!("reviewer = {text_value}"),
        _ => good_article_condition(rng),
    }
}

/// A condition on the article's fields (issue 16), valid in claim and
/// article filters alike.
fn good_article_condition(rng: &mut Rng) -> String {
    let text_value = quoted(&nasty(rng, true, 4));
    match rng.below(5) {
        0 => format!(
            "published_date {} {}",
            rng.pick(&["=", "!=", "<", ">="]),
            rng.pick(&["2022-01-15", "0001-01-01", "'9999-12-31'"])
        ),
        1 => format!("publisher != {text_value}"),
        2 => format!("url = {text_value}"),
        // A name: no comma, not blank.
        3 => format!(
            "agency = {}",
            rng.pick(&["reuters", "\"Agence France-Presse\"", "'ÄP'"])
        ),
        _ => format!("source != {}", rng.pick(&["AP", "'x\\' OR 1=1 --'", "\"%_*\""])),
    }
}

/// An article filter that does not parse (ListArticles).
const BAD_ARTICLE_FILTERS: &[&str] = &[
    "status = REVIEWED",
    "speaker = x",
    "published_date = 2022-02-30",
    "published_date >= \"2022-01-01T00:00:00Z\"",
    "publisher > x",
    "url < x",
    "agency = 'a, b'",
    "source = ''",
    "agency = \"  \"",
    "published_date >= 2022-01-01 OR url = x",
    "url = ",
];

/// A condition that does not parse, of one of the classes issue 14 names.
fn bad_condition(rng: &mut Rng) -> String {
    let fixed: &[&str] = &[
        "nonsense = 1",
        "body = \"x\"",
        "status = FOO",
        "status = UNREVIEWED_",
        "kind = \"STATISTIC \"",
        "verdict = 9",
        "speaker > \"a\"",
        "status =",
        "status UNREVIEWED",
        "checkable = yes",
        "checkworthiness > 1.5",
        "checkworthiness >= -0.1",
        "checkworthiness = NaN",
        "checkworthiness < inf",
        "checkworthiness < 1e999",
        "checkworthiness = 0x1",
        "create_time > \"2022-13-01T00:00:00Z\"",
        "create_time > \"2022-01-01T24:00:00Z\"",
        "create_time > yesterday",
        "create_time > \"2022-01-01 00:00:00\"",
        "create_time > \"2022-01-01T00:00:00.1234567890Z\"",
        "create_time > \"2022-01-01T00:00:00+25:00\"",
        "create_time > \"99999-01-01T00:00:00Z\"",
        "create_time > \"2022-02-30T00:00:00Z\"",
        "date = 2022-02-30",
        "date = 2022-1-1",
        "date = \"2022-01-01T00:00:00Z\"",
        "article = articles/01",
        "article = claims/1",
        "article = articles/-1",
        "article = articles/9223372036854775808",
        "speaker = \"abc",
        "speaker = 'abc",
        "speaker = \"a\\n\"",
        "speaker ! \"a\"",
        "speaker = \"a\" ; x",
        "speaker = @x",
        "speaker = #x",
        "speaker = \u{0}x",
        "speaker = x OR speaker = y",
        "NOT speaker = x",
        "speaker == x",
        "= x",
        "speaker = \u{1b}[2J",
        "published_date = 2022-02-30",
        "publisher > x",
        "agency = 'a, b'",
        "source = ''",
    ];
    match rng.below(4) {
        0 => format!("speaker = {}", quoted(&"v".repeat(1001))),
        1 => format!("{} = x", nasty(rng, false, 2).replace(' ', "_")),
        _ => rng.pick(fixed).to_string(),
    }
}

/// A filter and whether it is valid: conditions joined by AND, some in
/// parentheses; invalid when a condition is, or the structure is broken.
fn filter(rng: &mut Rng, valid: bool) -> String {
    let n_conditions = rng.below(4) + 1;
    let bad_at = (!valid).then(|| rng.below(n_conditions + 1));
    let mut conditions = Vec::new();
    for idx in 0..n_conditions {
        let condition = if bad_at == Some(idx) {
            bad_condition(rng)
        } else {
            good_condition(rng)
        };
        conditions.push(if rng.chance(3) {
            format!("({condition})")
        } else {
            condition
        });
    }
    let mut filter = conditions.join(" AND ");
    if bad_at == Some(n_conditions) {
        // The conditions are fine; the structure around them is not.
        filter = match rng.below(7) {
            0 => format!("{filter} AND"),
            1 => format!("AND {filter}"),
            2 => format!("({filter}"),
            3 => format!("{filter})"),
            4 => format!("{}{filter}{}", "(".repeat(9), ")".repeat(9)),
            5 => vec!["checkable = true"; 33].join(" AND "),
            _ => format!("{filter} AND speaker = {}", quoted(&"w".repeat(990))).repeat(3),
        };
    }
    filter
}

/// Page tokens the server never handed out, and tokens it handed out for
/// another listing (`others`).
fn bad_page_token(rng: &mut Rng, others: &[String]) -> String {
    use base64::Engine;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    let other = rng.pick(others).clone();
    match rng.below(10) {
        0 => rng
            .pick(&["x", "!!!", "AAAA", "'; DROP TABLE claims; --", "\0", "====", " "])
            .to_string(),
        1 => "A".repeat(rng.below(20_000) + 1),
        2 => URL_SAFE_NO_PAD.encode(rng.bytes(24)),
        3 => {
            let n = rng.below(64);
            URL_SAFE_NO_PAD.encode(rng.bytes(n))
        }
        4 => STANDARD.encode(rng.bytes(24)),
        5 => other,
        6 => format!("{other}A"),
        7 => other[..other.len() - 1].to_owned(),
        8 => {
            // One character of a real token changed.
            let mut chars: Vec<char> = other.chars().collect();
            let idx = rng.below(chars.len());
            chars[idx] = if chars[idx] == 'A' { 'B' } else { 'A' };
            chars.into_iter().collect()
        }
        _ => nasty(rng, true, 3),
    }
}

fn bad_page_size(rng: &mut Rng) -> i32 {
    *rng.pick(&[-1, -50, 1001, 5000, i32::MIN, i32::MAX])
}

fn good_page_size(rng: &mut Rng) -> i32 {
    *rng.pick(&[0, 1, 7, 50, 1000])
}

/// URLs that are not absolute http(s) links to a host, written as RFC 3986 allows.
fn bad_url(rng: &mut Rng) -> String {
    let fixed: &[&str] = &[
        "https://[::1",
        "https://%00/",
        "https://example.org/<script>",
        "https://user:pass@example.org/",
        "https://trusted.org@evil.example/",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "ftp://example.org/",
        "//example.org/",
        "example.org",
        "https://",
        "https:///path",
        "http://?x",
        "https://exa mple.org/",
        "https://example.org/\u{0}",
        "https://example.org/\u{1b}[2J",
        "https://example.org/a\"b",
        "https://example.org/{x}",
        "https://example.org/a|b",
        "https://exa%zzmple.org/",
        "https://[::1]:99999/",
        "http://256.256.256.256.256/",
    ];
    match rng.below(3) {
        0 => format!("https://example.org/{}", "a".repeat(2048)),
        1 => format!("https://example.org/{}", with_control(rng)),
        _ => rng.pick(fixed).to_string(),
    }
}

fn good_url(rng: &mut Rng) -> String {
    rng.pick(&[
        "https://www.reuters.com/world/x",
        "HTTP://example.org",
        "https://example.org/a%20b?q=%22x%22#frag",
        "https://b\u{fc}cher.example/\u{e9}",
        "https://[::1]:8080/x",
        "http://127.0.0.1/",
    ])
    .to_string()
}

/// Dates that are not calendar dates written YYYY-MM-DD (and not blank,
/// which means "not given").
fn bad_date(rng: &mut Rng) -> String {
    rng.pick(&[
        "2022-02-30",
        "2022-13-01",
        "2021-02-29",
        "22-1-1",
        "2022-01-01T00:00:00Z",
        "yesterday",
        "2022/01/01",
        "2022-01-01\0",
        "\u{ff12}022-01-01",
        "0000-00-00",
        "-2022-01-01",
        "99999-01-01",
    ])
    .to_string()
}

/// A search query that is refused, and one that is not however odd: every
/// term is quoted, so FTS5 syntax is only text.
fn search_query(rng: &mut Rng, valid: bool) -> String {
    if valid {
        let pieces: &[&str] = &[
            "alpha",
            "beta",
            "index",
            "\"rose by\"",
            "alp*",
            "ind*",
            "NEAR(alpha",
            "alpha OR beta",
            "NOT",
            "col:alpha",
            "^alpha",
            "\"unterminated",
            "'; DROP TABLE claims; --",
            "\u{1f980}word",
            "\u{202e}alpha",
            "e\u{301}t\u{e9}",
            "percent%",
            "a_b",
            "{alpha}",
        ];
        let n_terms = rng.below(5) + 1;
        let mut terms: Vec<&str> = (0..n_terms).map(|_| *rng.pick(pieces)).collect();
        // At most four prefix terms.
        let mut n_prefixes = 0;
        terms.retain(|term| {
            let prefix = term.ends_with('*');
            n_prefixes += usize::from(prefix);
            !prefix || n_prefixes <= 4
        });
        terms.push("alpha");
        terms.join(" ")
    } else {
        match rng.below(9) {
            0 => String::new(),
            1 => rng.pick(&[" ", "\t\n", "***", "\"\"", "- - -", "!!"]).to_string(),
            2 => format!("alpha\0{}", nasty(rng, true, 2)),
            3 => "alpha ".repeat(201),
            4 => "t* a* s* i* o* w* h* m* p* c* b* d* f* g* l* n* r*".into(),
            5 => "alp* bet* ind* ros* per*".into(),
            6 => format!("alpha {}*", rng.pick(&["b", "be", "x-y", "\u{1f980}a"])),
            7 => (0..33).map(|idx| format!("w{idx}")).collect::<Vec<_>>().join(" "),
            _ => format!("\0{}", nasty(rng, false, 2)),
        }
    }
}

/// The request of one RPC.
#[derive(Clone)]
enum Call {
    CreateArticle(pb::CreateArticleRequest),
    GetArticle(pb::GetArticleRequest),
    ListArticles(pb::ListArticlesRequest),
    /// The items, each with the outcomes it may get.
    ImportArticles(Vec<(pb::ImportArticlesRequest, &'static [Outcome])>),
    ExtractClaims(pb::ExtractClaimsRequest),
    GetClaim(pb::GetClaimRequest),
    ListClaims(pb::ListClaimsRequest),
    SearchClaims(pb::SearchClaimsRequest),
    FindSimilarClaims(pb::FindSimilarClaimsRequest),
    UpdateClaim(Box<pb::UpdateClaimRequest>),
    WatchClaims(pb::WatchClaimsRequest),
    AcquireClaim(pb::AcquireClaimRequest),
    ReleaseClaim(pb::ReleaseClaimRequest),
    SubmitReview(pb::SubmitReviewRequest),
    ListReviews(pb::ListReviewsRequest),
    GetClaimHistory(pb::GetClaimHistoryRequest),
    GetReviewStats(pb::GetReviewStatsRequest),
    ListAuditEvents(pb::ListAuditEventsRequest),
    /// Raw bytes as the request message of an RPC.
    Raw(&'static str, Vec<u8>),
}

/// Every RPC of `proto/`: its path, and whether its request's field 1 is a string.
const RPCS: &[(&str, bool)] = &[
    ("/claimdb.v1.ArticleService/CreateArticle", false),
    ("/claimdb.v1.ArticleService/GetArticle", true),
    ("/claimdb.v1.ArticleService/ListArticles", false),
    ("/claimdb.v1.ArticleService/ImportArticles", true),
    ("/claimdb.v1.ClaimService/ExtractClaims", true),
    ("/claimdb.v1.ClaimService/GetClaim", true),
    ("/claimdb.v1.ClaimService/ListClaims", true),
    ("/claimdb.v1.ClaimService/SearchClaims", true),
    ("/claimdb.v1.ClaimService/FindSimilarClaims", true),
    ("/claimdb.v1.ClaimService/UpdateClaim", false),
    ("/claimdb.v1.ClaimService/WatchClaims", true),
    ("/claimdb.v1.ReviewService/AcquireClaim", true),
    ("/claimdb.v1.ReviewService/ReleaseClaim", true),
    ("/claimdb.v1.ReviewService/SubmitReview", true),
    ("/claimdb.v1.ReviewService/ListReviews", true),
    ("/claimdb.v1.ReviewService/GetClaimHistory", true),
    ("/claimdb.v1.ReviewService/GetReviewStats", false),
    ("/claimdb.v1.ReviewService/ListAuditEvents", false),
];

#[derive(Clone)]
enum Caller {
    Admin,
    Reader,
    Nobody,
    Forged,
    /// This `authorization` value, sent as it is (raw calls only).
    Header(Vec<u8>),
}

#[derive(Clone)]
struct Case {
    /// The RPC and what is wrong, for the failure report.
    label: String,
    caller: Caller,
    call: Call,
    expect: Code,
}

/// What the generators know of the database: names that exist and page
/// tokens the server handed out.
struct World {
    claims: Vec<String>,
    articles: Vec<String>,
    /// The admin's token, and one that was revoked.
    admin: String,
    revoked: String,
    /// Each with the RPC that handed it out.
    page_tokens: Vec<(&'static str, String)>,
}

impl World {
    /// The page tokens of every listing but `rpc`'s: a token is valid for
    /// the request it came from, and for the same listing again.
    fn foreign_tokens(&self, rpc: &str) -> Vec<String> {
        self.page_tokens
            .iter()
            .filter(|(from, _)| *from != rpc)
            .map(|(_, token)| token.clone())
            .collect()
    }
}

/// A valid article with nasty metadata, or one with exactly one field
/// wrong (and the code that field calls for).
fn article(rng: &mut Rng, broken: Option<usize>) -> (pb::Article, Code) {
    let mut article = pb::Article {
        body: format!(
            "{} The river rose by {} metres, the mayor said.",
            nasty(rng, true, 6),
            rng.range(1..1000)
        ),
        title: if rng.chance(2) {
            nasty(rng, false, 3)
        } else {
            String::new()
        },
        source_url: if rng.chance(2) {
            good_url(rng)
        } else {
            String::new()
        },
        publisher: nasty(rng, false, 2),
        credit: if rng.chance(2) {
            nasty(rng, false, 2)
        } else {
            " ".into()
        },
        dateline: nasty(rng, false, 2),
        published_date: rng
            .pick(&["", "2022-01-01", "2024-02-29", "0001-01-01", "9999-12-31"])
            .to_string(),
        // Output-only fields are ignored, however wrong.
        name: bad_name(rng, "articles"),
        sha256: nasty(rng, true, 2),
        claim_count: -1,
        ..Default::default()
    };
    let mut code = Code::InvalidArgument;
    match broken {
        None => code = Code::Ok,
        Some(0) => article.body = rng.pick(&["", " ", "\n\t \u{3000}", "\u{a0}"]).to_string(),
        Some(1) => {
            article.body = "x".repeat(MAX_BODY_BYTES + 1);
            code = Code::ResourceExhausted;
        }
        Some(2) => article.title = with_control(rng),
        Some(3) => article.publisher = "p".repeat(1001),
        Some(4) => article.credit = with_control(rng),
        Some(5) => article.dateline = with_control(rng),
        Some(6) => article.source_url = bad_url(rng),
        _ => article.published_date = bad_date(rng),
    }
    (article, code)
}

/// Generates every case, from [`SEED`].
fn generate(world: &World) -> Vec<Case> {
    let mut rng = Rng(SEED);
    let mut cases = Vec::new();
    let mut push = |label: String, call: Call, expect: Code| {
        cases.push(Case {
            label,
            caller: Caller::Admin,
            call,
            expect,
        });
    };
    let existing_claim = |rng: &mut Rng| rng.pick(&world.claims).clone();
    for _ in 0..CASES_PER_RPC {
        // CreateArticle: always one field wrong, so nothing is stored.
        let broken = rng.below(8);
        let (given, code) = article(&mut rng, Some(broken));
        let (given, expect) = if rng.chance(20) {
            (None, Code::InvalidArgument)
        } else {
            (Some(given), code)
        };
        push(
            format!("CreateArticle field {broken}"),
            Call::CreateArticle(pb::CreateArticleRequest { article: given }),
            expect,
        );

        // GetArticle, GetClaim, GetClaimHistory, ReleaseClaim: a name.
        for (rpc, collection) in [
            ("GetArticle", "articles"),
            ("GetClaim", "claims"),
            ("GetClaimHistory", "claims"),
            ("ReleaseClaim", "claims"),
        ] {
            let (name, expect) = match rng.below(4) {
                0 => (absent_name(&mut rng, collection), Code::NotFound),
                1 => {
                    let name = if collection == "claims" {
                        existing_claim(&mut rng)
                    } else {
                        rng.pick(&world.articles).clone()
                    };
                    // Nobody holds a claim, so the caller cannot release it.
                    let code = if rpc == "ReleaseClaim" {
                        Code::FailedPrecondition
                    } else {
                        Code::Ok
                    };
                    (name, code)
                }
                _ => (bad_name(&mut rng, collection), Code::InvalidArgument),
            };
            let call = match rpc {
                "GetArticle" => Call::GetArticle(pb::GetArticleRequest { name }),
                "GetClaim" => Call::GetClaim(pb::GetClaimRequest { name }),
                "GetClaimHistory" => Call::GetClaimHistory(pb::GetClaimHistoryRequest { name }),
                _ => Call::ReleaseClaim(pb::ReleaseClaimRequest { name }),
            };
            push(format!("{rpc} name"), call, expect);
        }

        // ListArticles and ListAuditEvents: page size and token.
        for rpc in ["ListArticles", "ListAuditEvents"] {
            let mut page_size = good_page_size(&mut rng);
            let mut page_token = String::new();
            // ListArticles' filter: over the article fields only (issue 16).
            let mut article_filter = String::new();
            let (what, expect) = match rng.below(4) {
                0 => {
                    page_size = bad_page_size(&mut rng);
                    ("page_size", Code::InvalidArgument)
                }
                1 => {
                    page_token = bad_page_token(&mut rng, &world.foreign_tokens(rpc));
                    ("page_token", Code::InvalidArgument)
                }
                2 if rpc == "ListArticles" => {
                    article_filter = rng.pick(BAD_ARTICLE_FILTERS).to_string();
                    ("filter", Code::InvalidArgument)
                }
                _ => {
                    if rpc == "ListArticles" && rng.chance(2) {
                        article_filter = good_article_condition(&mut rng);
                    }
                    ("nothing", Code::Ok)
                }
            };
            let call = if rpc == "ListArticles" {
                Call::ListArticles(pb::ListArticlesRequest {
                    page_size,
                    page_token,
                    filter: article_filter,
                })
            } else {
                Call::ListAuditEvents(pb::ListAuditEventsRequest {
                    page_size,
                    page_token,
                    ..Default::default()
                })
            };
            push(format!("{rpc} {what}"), call, expect);
        }

        // ImportArticles: a dry run may mix good and bad articles; a real
        // one holds only bad ones, so it stores nothing.
        let dry_run = rng.chance(2);
        let n_items = rng.below(5) + 1;
        let mut items = Vec::new();
        for _ in 0..n_items {
            let broken = if dry_run && rng.chance(2) {
                None
            } else {
                // A body over the limit fails the whole message, not the item.
                Some(*rng.pick(&[0, 2, 3, 4, 5, 6, 7]))
            };
            let (article, _) = article(&mut rng, broken);
            let outcomes: &'static [Outcome] = if broken.is_none() {
                &[Outcome::Created, Outcome::AlreadyExists]
            } else {
                &[Outcome::Invalid]
            };
            let article = if broken.is_some() && rng.chance(15) {
                None
            } else {
                Some(article)
            };
            items.push((
                pb::ImportArticlesRequest {
                    item_id: nasty(&mut rng, true, 3),
                    article,
                    dry_run,
                },
                outcomes,
            ));
        }
        push(
            format!("ImportArticles dry_run={dry_run}"),
            Call::ImportArticles(items),
            Code::Ok,
        );

        // ExtractClaims: any non-blank body up to the limit is text.
        let (body, expect) = match rng.below(8) {
            0 => (rng.pick(&["", " ", "\t\n\r "]).to_string(), Code::InvalidArgument),
            1 if rng.chance(3) => ("y".repeat(MAX_BODY_BYTES + 1), Code::ResourceExhausted),
            2 => (
                format!("{}{}", MISSION_ARTICLE, nasty(&mut rng, true, 8)),
                Code::Ok,
            ),
            // Text shaped to make an extractor work hard or trip.
            3 if rng.chance(2) => {
                let body = match rng.below(10) {
                    0 => "A".repeat(20_000),
                    1 => "word ".repeat(4_000),
                    2 => format!("{}{}", "(".repeat(5_000), ")".repeat(5_000)),
                    3 => "\"".repeat(10_000),
                    4 => "date 2022-01-01 X \u{2022}\n".repeat(500),
                    5 => "WASHINGTON (Reuters) - ".repeat(500),
                    6 => "e\u{301}".repeat(5_000),
                    7 => format!("{}x", "\n".repeat(20_000)),
                    8 => format!("{}Putin said it.", "Mr. ".repeat(3_000)),
                    _ => format!("{}.", "He said she said they said ".repeat(500)),
                };
                (body, Code::Ok)
            }
            _ => (nasty(&mut rng, true, 40), Code::Ok),
        };
        push(
            "ExtractClaims body".into(),
            Call::ExtractClaims(pb::ExtractClaimsRequest { body }),
            expect,
        );

        // ListClaims: one of five fields wrong, or none.
        let mut request = pb::ListClaimsRequest {
            article: if rng.chance(3) {
                rng.pick(&world.articles).clone()
            } else {
                String::new()
            },
            page_size: good_page_size(&mut rng),
            page_token: String::new(),
            filter: filter(&mut rng, true),
            order_by: rng
                .pick(&[
                    "",
                    "create_time",
                    "checkworthiness desc",
                    "name asc, create_time desc",
                ])
                .to_string(),
        };
        let (what, expect) = match rng.below(6) {
            0 => {
                request.article = bad_name(&mut rng, "articles");
                // An empty article means "any article".
                if request.article.is_empty() {
                    ("nothing", Code::Ok)
                } else {
                    ("article", Code::InvalidArgument)
                }
            }
            1 => {
                request.article = absent_name(&mut rng, "articles");
                ("absent article", Code::NotFound)
            }
            2 => {
                request.page_size = bad_page_size(&mut rng);
                ("page_size", Code::InvalidArgument)
            }
            3 => {
                request.page_token = bad_page_token(&mut rng, &world.foreign_tokens("ListClaims"));
                ("page_token", Code::InvalidArgument)
            }
            4 => {
                request.filter = filter(&mut rng, false);
                ("filter", Code::InvalidArgument)
            }
            _ if rng.chance(2) => {
                request.order_by = rng
                    .pick(&[
                        "speaker",
                        "create_time up",
                        "create_time desc desc",
                        ",",
                        "create_time,",
                        "\0",
                        "name; DROP TABLE claims",
                        "checkworthiness desc, (name)",
                    ])
                    .to_string();
                ("order_by", Code::InvalidArgument)
            }
            _ => ("nothing", Code::Ok),
        };
        push(format!("ListClaims {what}"), Call::ListClaims(request), expect);

        // SearchClaims.
        let mut request = pb::SearchClaimsRequest {
            query: search_query(&mut rng, true),
            filter: if rng.chance(2) {
                filter(&mut rng, true)
            } else {
                String::new()
            },
            page_size: good_page_size(&mut rng),
            page_token: String::new(),
            exhaustive: rng.chance(2),
        };
        let (what, expect) = match rng.below(5) {
            0 | 1 => {
                request.query = search_query(&mut rng, false);
                ("query", Code::InvalidArgument)
            }
            2 => {
                request.filter = filter(&mut rng, false);
                ("filter", Code::InvalidArgument)
            }
            3 if rng.chance(2) => {
                request.page_size = bad_page_size(&mut rng);
                ("page_size", Code::InvalidArgument)
            }
            3 => {
                request.page_token = bad_page_token(&mut rng, &world.foreign_tokens("SearchClaims"));
                ("page_token", Code::InvalidArgument)
            }
            _ => ("nothing", Code::Ok),
        };
        push(
            format!("SearchClaims {what}"),
            Call::SearchClaims(request),
            expect,
        );

        // FindSimilarClaims: a claim's name or a free text.
        let (query, what, expect) = match rng.below(6) {
            0 => (
                Some(Query::Claim(bad_name(&mut rng, "claims"))),
                "claim",
                Code::InvalidArgument,
            ),
            1 => (
                Some(Query::Claim(absent_name(&mut rng, "claims"))),
                "absent claim",
                Code::NotFound,
            ),
            2 => (Some(Query::Claim(existing_claim(&mut rng))), "nothing", Code::Ok),
            3 => (None, "query", Code::InvalidArgument),
            _ => {
                let text = if rng.chance(4) {
                    "sanctions ".repeat(101 + rng.below(2000))
                } else {
                    nasty(&mut rng, false, 6)
                };
                // The text's limits: 1000 bytes, no NUL, not blank.
                if text.len() > 1000 || text.contains('\0') || text.trim().is_empty() {
                    (Some(Query::Text(text)), "text", Code::InvalidArgument)
                } else {
                    (Some(Query::Text(text)), "nothing", Code::Ok)
                }
            }
        };
        let page_size = if rng.chance(4) {
            bad_page_size(&mut rng)
        } else {
            good_page_size(&mut rng)
        };
        // The page size is checked first.
        let (what, expect) = if !(0..=1000).contains(&page_size) {
            ("page_size", Code::InvalidArgument)
        } else {
            (what, expect)
        };
        push(
            format!("FindSimilarClaims {what}"),
            Call::FindSimilarClaims(pb::FindSimilarClaimsRequest { query, page_size }),
            expect,
        );

        // UpdateClaim: a stale etag when nothing else is wrong.
        let mut claim = pb::Claim {
            name: existing_claim(&mut rng),
            text: nasty(&mut rng, false, 4),
            speaker: nasty(&mut rng, false, 2),
            kind: rng.range(1..6) as i32,
            checkable: rng.chance(2),
            // Fields outside the mask are ignored, however wrong.
            sentence: with_control(&mut rng),
            checkworthiness: f64::NAN,
            ..Default::default()
        };
        let mut paths: Vec<String> = ["text", "speaker", "kind", "checkable"]
            .iter()
            .filter(|_| rng.chance(2))
            .map(|path| path.to_string())
            .collect();
        if paths.is_empty() {
            paths.push("text".into());
        }
        let mut etag = rng
            .pick(&[
                "W/\"999999\"",
                "W/\"0\"",
                "W/\"77\"",
                "W/\"123456789\"",
                "W/\"5\"",
            ])
            .to_string();
        let mut mask = Some(prost_types::FieldMask { paths: paths.clone() });
        let mut with_claim = true;
        let (what, expect) = match rng.below(9) {
            0 => {
                claim.name = bad_name(&mut rng, "claims");
                ("claim.name", Code::InvalidArgument)
            }
            1 => {
                claim.name = absent_name(&mut rng, "claims");
                ("absent claim", Code::NotFound)
            }
            2 => {
                // Empty, or not an etag the server makes. See: #16.
                etag = rng.pick(MALFORMED_ETAGS).to_string();
                ("etag", Code::InvalidArgument)
            }
            3 => {
                mask = rng
                    .pick(&[None, Some(prost_types::FieldMask { paths: vec![] })])
                    .clone();
                ("update_mask", Code::InvalidArgument)
            }
            4 => {
                let bad_path = rng.pick(&["sentence", "etag", "status", "", "text.x", "TEXT", "*"]);
                paths.push(bad_path.to_string());
                mask = Some(prost_types::FieldMask { paths });
                ("update_mask path", Code::InvalidArgument)
            }
            5 => {
                let bad = match rng.below(3) {
                    0 => with_control(&mut rng),
                    1 => " \u{3000}".into(),
                    _ => "t".repeat(20_000),
                };
                paths.push("text".into());
                claim.text = bad;
                mask = Some(prost_types::FieldMask { paths });
                ("claim.text", Code::InvalidArgument)
            }
            6 => {
                claim.kind = *rng.pick(&[0, 6, 99, -1, i32::MAX, i32::MIN]);
                paths.push("kind".into());
                mask = Some(prost_types::FieldMask { paths });
                ("claim.kind", Code::InvalidArgument)
            }
            7 if rng.chance(2) => {
                with_claim = false;
                ("claim", Code::InvalidArgument)
            }
            _ => ("stale etag", Code::Aborted),
        };
        push(
            format!("UpdateClaim {what}"),
            Call::UpdateClaim(Box::new(pb::UpdateClaimRequest {
                claim: with_claim.then_some(claim),
                update_mask: mask,
                etag,
            })),
            expect,
        );

        // WatchClaims and AcquireClaim: a filter. The acquire's valid
        // filters match nothing, so no lease is written.
        let valid = rng.chance(2);
        let watch_filter = if valid && rng.chance(4) {
            String::new()
        } else {
            filter(&mut rng, valid)
        };
        push(
            format!("WatchClaims filter valid={valid}"),
            Call::WatchClaims(pb::WatchClaimsRequest { filter: watch_filter }),
            if valid { Code::Ok } else { Code::InvalidArgument },
        );
        let valid = rng.chance(2);
        let acquire_filter = if valid {
            format!("({}) AND checkworthiness > 1", filter(&mut rng, true))
        } else {
            filter(&mut rng, false)
        };
        push(
            format!("AcquireClaim filter valid={valid}"),
            Call::AcquireClaim(pb::AcquireClaimRequest {
                filter: acquire_filter,
            }),
            if valid { Code::Ok } else { Code::InvalidArgument },
        );

        // SubmitReview: a stale etag when nothing else is wrong.
        let mut request = pb::SubmitReviewRequest {
            claim: existing_claim(&mut rng),
            etag: rng.pick(&["W/\"999999\"", "W/\"0\"", "W/\"31\""]).to_string(),
            verdict: rng.range(1..9) as i32,
            rationale: format!("{}\n\t{}", nasty(&mut rng, false, 6), nasty(&mut rng, false, 2)),
            evidence_urls: (0..rng.below(4)).map(|_| good_url(&mut rng)).collect(),
        };
        let (what, expect) = match rng.below(9) {
            0 => {
                request.claim = bad_name(&mut rng, "claims");
                ("claim", Code::InvalidArgument)
            }
            1 => {
                request.claim = absent_name(&mut rng, "claims");
                ("absent claim", Code::NotFound)
            }
            2 => {
                request.etag = rng.pick(MALFORMED_ETAGS).to_string();
                ("etag", Code::InvalidArgument)
            }
            3 => {
                request.verdict = *rng.pick(&[0, 9, -1, 100, i32::MAX, i32::MIN]);
                ("verdict", Code::InvalidArgument)
            }
            4 => {
                request.rationale = match rng.below(3) {
                    0 => rng.pick(&["", " ", "\n\t", "\u{3000}"]).to_string(),
                    1 => "r".repeat(10_001),
                    // Controls other than newline and tab.
                    _ => format!("why{}", rng.pick(&CONTROLS[..8])),
                };
                ("rationale", Code::InvalidArgument)
            }
            5 => {
                let at = rng.below(request.evidence_urls.len() + 1);
                request.evidence_urls.insert(at, bad_url(&mut rng));
                ("evidence_urls", Code::InvalidArgument)
            }
            6 if rng.chance(2) => {
                request.evidence_urls = (0..21).map(|_| good_url(&mut rng)).collect();
                ("21 evidence_urls", Code::InvalidArgument)
            }
            _ => ("stale etag", Code::Aborted),
        };
        push(
            format!("SubmitReview {what}"),
            Call::SubmitReview(request),
            expect,
        );

        // ListReviews.
        let mut request = pb::ListReviewsRequest {
            parent: existing_claim(&mut rng),
            page_size: good_page_size(&mut rng),
            page_token: String::new(),
        };
        let (what, expect) = match rng.below(5) {
            0 => {
                request.parent = bad_name(&mut rng, "claims");
                ("parent", Code::InvalidArgument)
            }
            1 => {
                request.parent = absent_name(&mut rng, "claims");
                ("absent parent", Code::NotFound)
            }
            2 => {
                request.page_size = bad_page_size(&mut rng);
                ("page_size", Code::InvalidArgument)
            }
            3 => {
                request.page_token = bad_page_token(&mut rng, &world.foreign_tokens("ListReviews"));
                ("page_token", Code::InvalidArgument)
            }
            _ => ("nothing", Code::Ok),
        };
        push(format!("ListReviews {what}"), Call::ListReviews(request), expect);

        // GetReviewStats takes no field: unknown ones are skipped, as
        // protobuf asks, and anything that does not decode is refused.
        let mut bytes = Vec::new();
        let n_fields = rng.below(4) + 1;
        for _ in 0..n_fields {
            let field = rng.range(1..1000) as u32;
            prost::encoding::string::encode(field, &nasty(&mut rng, true, 3), &mut bytes);
        }
        push(
            "GetReviewStats unknown fields".into(),
            Call::Raw("/claimdb.v1.ReviewService/GetReviewStats", bytes),
            Code::Ok,
        );
        push(
            "GetReviewStats".into(),
            Call::GetReviewStats(pb::GetReviewStatsRequest {}),
            Code::Ok,
        );
    }

    // Every RPC: bytes that cannot decode, a message over the limit, and
    // callers without a usable token or with too small a role.
    for &(path, field_1_is_string) in RPCS {
        let rpc = path.rsplit('/').next().unwrap_or(path);
        for variant in 0..12 {
            let mut bytes = match variant % 6 {
                // Field number 0 does not exist.
                0 => vec![0x00],
                // Wire types 6 and 7 do not exist.
                1 => vec![(rng.range(1..16) as u8) << 3 | rng.range(6..8) as u8],
                // A varint that never ends.
                2 => {
                    let mut bytes = vec![0x08];
                    bytes.extend(std::iter::repeat_n(0xff, rng.below(9) + 1));
                    bytes
                }
                // A length longer than what follows.
                3 => vec![0x0a, 0x7f, b'a', b'b'],
                // Field 1 as a string that is not UTF-8, where it is a
                // string; elsewhere a valid field then a broken key.
                4 if field_1_is_string => vec![0x0a, 0x03, 0xff, 0xfe, 0xfd],
                _ => {
                    let mut bytes = Vec::new();
                    prost::encoding::string::encode(20, &"ok".to_owned(), &mut bytes);
                    bytes.push(0x0f);
                    bytes
                }
            };
            // Random bytes after the broken start cannot mend it, except
            // for the varint, which they could end.
            if variant >= 6 && variant % 6 != 2 && variant % 6 != 4 {
                let n = rng.below(64);
                bytes.extend(rng.bytes(n));
            }
            push(
                format!("{rpc} undecodable bytes {variant}"),
                Call::Raw(path, bytes),
                Code::InvalidArgument,
            );
        }
        push(
            format!("{rpc} message over the limit"),
            Call::Raw(path, vec![0; MAX_MESSAGE_BYTES + 1]),
            Code::ResourceExhausted,
        );
    }
    let admin = world.admin.as_bytes();
    let mut not_ascii = b"Bearer ".to_vec();
    not_ascii.extend_from_slice(admin);
    not_ascii.push(0xe9);
    let headers: Vec<Vec<u8>> = vec![
        format!("Bearer {}", "A".repeat(10_000)).into_bytes(),
        b"Basic dXNlcjpwYXNz".to_vec(),
        b"Bearer ".to_vec(),
        admin.to_vec(),
        format!("Bearer {}", world.revoked).into_bytes(),
        not_ascii,
    ];
    for &(path, _) in RPCS {
        let rpc = path.rsplit('/').next().unwrap_or(path);
        let callers = [Caller::Nobody, Caller::Forged]
            .into_iter()
            .chain(headers.iter().cloned().map(Caller::Header));
        for caller in callers {
            let expect = Code::Unauthenticated;
            cases.push(Case {
                label: format!("{rpc} without a real token"),
                caller,
                call: Call::Raw(path, Vec::new()),
                expect,
            });
        }
        let admin_or_reviewer = [
            "CreateArticle",
            "ImportArticles",
            "UpdateClaim",
            "AcquireClaim",
            "ReleaseClaim",
            "SubmitReview",
            "GetReviewStats",
            "ListAuditEvents",
        ];
        if admin_or_reviewer.contains(&rpc) {
            cases.push(Case {
                label: format!("{rpc} as a reader"),
                caller: Caller::Reader,
                call: Call::Raw(path, Vec::new()),
                expect: Code::PermissionDenied,
            });
        }
    }
    cases
}

/// The channel and tokens every case is sent with.
struct Clients {
    channel: Channel,
    admin: String,
    reader: String,
}

impl Clients {
    fn bearer(&self, caller: &Caller) -> Bearer {
        match caller {
            Caller::Admin => Bearer::new(&self.admin),
            Caller::Reader => Bearer::new(&self.reader),
            Caller::Nobody | Caller::Header(_) => Bearer::none(),
            Caller::Forged => Bearer::new(&format!("cdb_{}", "A".repeat(43))),
        }
    }

    fn articles(&self, caller: &Caller) -> ArticleServiceClient<Authed> {
        ArticleServiceClient::with_interceptor(self.channel.clone(), self.bearer(caller))
            .max_encoding_message_size(usize::MAX)
            .max_decoding_message_size(usize::MAX)
    }

    fn claims(&self, caller: &Caller) -> ClaimServiceClient<Authed> {
        ClaimServiceClient::with_interceptor(self.channel.clone(), self.bearer(caller))
            .max_encoding_message_size(usize::MAX)
            .max_decoding_message_size(usize::MAX)
    }

    fn reviews(&self, caller: &Caller) -> ReviewServiceClient<Authed> {
        ReviewServiceClient::with_interceptor(self.channel.clone(), self.bearer(caller))
            .max_encoding_message_size(usize::MAX)
            .max_decoding_message_size(usize::MAX)
    }
}

/// Checks what ExtractClaims returned for `body`: every span inside the
/// body, on char boundaries, and the sentence the text it spans.
fn check_extraction(body: &str, response: &pb::ExtractClaimsResponse) -> Result<(), String> {
    for claim in &response.claims {
        let span = claim.span.ok_or("a claim without a span")?;
        let (start, end) = (span.start as usize, span.end as usize);
        if start > end || end > body.len() || !body.is_char_boundary(start) || !body.is_char_boundary(end) {
            return Err(format!("span {start}..{end} is not a span of the body"));
        }
        if claim.sentence != body[start..end] {
            return Err(format!("span {start}..{end} is not the claim's sentence"));
        }
    }
    Ok(())
}

/// Sends one case; `Ok(Err(status))` is a refusal, `Err` a broken promise
/// of an answer that succeeded.
async fn send(clients: &Clients, case: &Case) -> Result<Result<(), tonic::Status>, String> {
    let who = &case.caller;
    let answer = match case.call.clone() {
        Call::CreateArticle(request) => clients.articles(who).create_article(request).await.map(drop),
        Call::GetArticle(request) => clients.articles(who).get_article(request).await.map(drop),
        Call::ListArticles(request) => clients.articles(who).list_articles(request).await.map(drop),
        Call::ImportArticles(items) => {
            let requests: Vec<_> = items.iter().map(|(request, _)| request.clone()).collect();
            let answers = clients
                .articles(who)
                .import_articles(tokio_stream::iter(requests))
                .await;
            match answers {
                Err(status) => Err(status),
                Ok(answers) => {
                    let mut answers = answers.into_inner();
                    let mut results = Vec::new();
                    let mut summary = None;
                    loop {
                        match answers.message().await {
                            Ok(Some(pb::ImportArticlesResponse {
                                response: Some(pb::import_articles_response::Response::Item(item)),
                            })) => results.push(item),
                            Ok(Some(pb::ImportArticlesResponse {
                                response: Some(pb::import_articles_response::Response::Summary(totals)),
                            })) => summary = Some(totals),
                            Ok(Some(_)) => return Err("an empty ImportArticles answer".into()),
                            Ok(None) => break,
                            Err(status) => return Ok(Err(status)),
                        }
                    }
                    if results.len() != items.len() {
                        return Err(format!("{} answers to {} articles", results.len(), items.len()));
                    }
                    for (result, (request, allowed)) in results.iter().zip(&items) {
                        if result.item_id != request.item_id {
                            return Err(format!(
                                "item_id {:?} came back as {:?}",
                                request.item_id, result.item_id
                            ));
                        }
                        if !allowed.contains(&result.outcome()) {
                            return Err(format!(
                                "item {:?} got {:?} ({}), not one of {allowed:?}",
                                result.item_id,
                                result.outcome(),
                                result.reason
                            ));
                        }
                    }
                    let summary = summary.ok_or("no summary")?;
                    let n_invalid = results
                        .iter()
                        .filter(|result| result.outcome() == Outcome::Invalid)
                        .count();
                    if summary.received != items.len() as i64 || summary.invalid != n_invalid as i64 {
                        return Err(format!("the summary {summary:?} does not count the answers"));
                    }
                    Ok(())
                }
            }
        }
        Call::ExtractClaims(request) => {
            let body = request.body.clone();
            match clients.claims(who).extract_claims(request).await {
                Ok(response) => {
                    check_extraction(&body, response.get_ref())?;
                    Ok(())
                }
                Err(status) => Err(status),
            }
        }
        Call::GetClaim(request) => clients.claims(who).get_claim(request).await.map(drop),
        Call::FindSimilarClaims(request) => clients.claims(who).find_similar_claims(request).await.map(drop),
        Call::ListClaims(request) => clients.claims(who).list_claims(request).await.map(drop),
        Call::SearchClaims(request) => clients.claims(who).search_claims(request).await.map(drop),
        Call::UpdateClaim(request) => clients.claims(who).update_claim(*request).await.map(drop),
        // A watch that is accepted streams until it is dropped.
        Call::WatchClaims(request) => clients.claims(who).watch_claims(request).await.map(drop),
        Call::AcquireClaim(request) => match clients.reviews(who).acquire_claim(request).await {
            Ok(response) if response.get_ref().claim.is_some() => {
                return Err("a filter that matches nothing leased a claim".into());
            }
            answer => answer.map(drop),
        },
        Call::ReleaseClaim(request) => clients.reviews(who).release_claim(request).await.map(drop),
        Call::SubmitReview(request) => clients.reviews(who).submit_review(request).await.map(drop),
        Call::ListReviews(request) => clients.reviews(who).list_reviews(request).await.map(drop),
        Call::GetClaimHistory(request) => clients.reviews(who).get_claim_history(request).await.map(drop),
        Call::GetReviewStats(request) => clients.reviews(who).get_review_stats(request).await.map(drop),
        Call::ListAuditEvents(request) => clients.reviews(who).list_audit_events(request).await.map(drop),
        Call::Raw(path, bytes) => raw(clients, who, path, bytes).await,
    };
    Ok(answer)
}

/// Sends `bytes` as the one request message of `path`, streaming or not,
/// and reads every answer.
async fn raw(
    clients: &Clients,
    caller: &Caller,
    path: &'static str,
    bytes: Vec<u8>,
) -> Result<(), tonic::Status> {
    let channel =
        tonic::service::interceptor::InterceptedService::new(clients.channel.clone(), clients.bearer(caller));
    let mut grpc = tonic::client::Grpc::new(channel).max_encoding_message_size(usize::MAX);
    grpc.ready()
        .await
        .map_err(|err| tonic::Status::unavailable(err.to_string()))?;
    let mut request = tonic::Request::new(tokio_stream::once(Bytes::from(bytes)));
    if let Caller::Header(value) = caller {
        let value = tonic::metadata::AsciiMetadataValue::try_from(value.as_slice())
            .map_err(|err| tonic::Status::unknown(format!("cannot send the header: {err}")))?;
        request.metadata_mut().insert("authorization", value);
    }
    let mut answers = grpc
        .streaming(request, http::uri::PathAndQuery::from_static(path), RawCodec)
        .await?
        .into_inner();
    // A watch streams until it is dropped: one answer, or none yet, is enough.
    if path.ends_with("/WatchClaims") {
        return Ok(());
    }
    while answers.message().await?.is_some() {}
    Ok(())
}

/// Runs one case and says what was wrong with its answer, if anything.
async fn check(clients: &Clients, case: &Case) -> Option<String> {
    let answer = match tokio::time::timeout(CALL_TIMEOUT, send(clients, case)).await {
        Err(_) => return Some(format!("no answer within {CALL_TIMEOUT:?}")),
        Ok(Err(broken)) => return Some(broken),
        Ok(Ok(answer)) => answer,
    };
    let (code, status) = match &answer {
        Ok(()) => (Code::Ok, None),
        Err(status) => (status.code(), Some(status)),
    };
    if code != case.expect {
        let message = status
            .map(|status| claimdb::text::quoted_excerpt(status.message()))
            .unwrap_or_default();
        return Some(format!("got {code:?} {message}, expected {:?}", case.expect));
    }
    let status = status?;
    // Every refusal is short enough for the trailers, and the server's own
    // carry its ErrorInfo (tonic's answers to a missing token do not).
    if status.message().len() > 1024 {
        return Some(format!("a message of {} bytes", status.message().len()));
    }
    if code == Code::InvalidArgument && status.get_error_details().error_info().is_none() {
        return Some(format!("no ErrorInfo with {:?}", status.message()));
    }
    None
}

async fn healthy(server: &TestServer) {
    let mut health = HealthClient::new(server.channel().await);
    let serving = health
        .check(HealthCheckRequest {
            service: String::new(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(serving.status(), ServingStatus::Serving);
    let claim = server
        .claims(Some(&server.reader))
        .await
        .get_claim(pb::GetClaimRequest {
            name: "claims/1".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(claim.name, "claims/1");
}

/// A page token each listing handed out, to be sent to the others.
async fn page_tokens(server: &TestServer) -> Vec<(&'static str, String)> {
    let mut articles = server.articles(Some(&server.reader)).await;
    let mut claims = server.claims(Some(&server.reader)).await;
    let mut reviews = server.reviews(Some(&server.admin)).await;
    let tokens = vec![
        articles
            .list_articles(pb::ListArticlesRequest {
                page_size: 1,
                page_token: String::new(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner()
            .next_page_token,
        claims
            .list_claims(pb::ListClaimsRequest {
                page_size: 1,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner()
            .next_page_token,
        claims
            .search_claims(pb::SearchClaimsRequest {
                query: "alpha".into(),
                page_size: 1,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner()
            .next_page_token,
        reviews
            .list_audit_events(pb::ListAuditEventsRequest {
                page_size: 1,
                page_token: String::new(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner()
            .next_page_token,
    ];
    assert!(tokens.iter().all(|token| !token.is_empty()), "{tokens:?}");
    ["ListArticles", "ListClaims", "SearchClaims", "ListAuditEvents"]
        .into_iter()
        .zip(tokens)
        .collect()
}

// See: #14 (the hostile-input suite).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thousands_of_malformed_requests_get_their_codes_and_change_nothing() {
    let server = spawn_server().await;
    server.load_claims(5, 4).await;
    // Two audited writes, so the audit log has a second page.
    server.create_article(MISSION_ARTICLE.to_owned()).await;
    server
        .create_article("The bridge is 40 metres long, the council said.".into())
        .await;
    let revoked = claimdb::auth::new_token().unwrap();
    let info = server
        .store
        .create_token(
            "revoked".into(),
            Role::Admin,
            claimdb::auth::token_sha256(&revoked),
        )
        .await
        .unwrap();
    server.store.revoke_token(info.id).await.unwrap();
    let world = World {
        admin: server.admin.clone(),
        revoked,
        claims: (1..=20).map(|id| format!("claims/{id}")).collect(),
        articles: (1..=7).map(|id| format!("articles/{id}")).collect(),
        page_tokens: page_tokens(&server).await,
    };
    let cases = generate(&world);
    let mut per_rpc = std::collections::BTreeMap::<&str, usize>::new();
    for &(path, _) in RPCS {
        let rpc = path.rsplit('/').next().unwrap_or(path);
        let n = cases
            .iter()
            .filter(|case| case.label.split(' ').next() == Some(rpc))
            .count();
        per_rpc.insert(rpc, n);
    }
    assert!(cases.len() >= 1500, "{} cases", cases.len());
    assert!(per_rpc.values().all(|n| *n >= 30), "{per_rpc:?}");

    let before = server.store.snapshot().await.unwrap();
    let started = Instant::now();
    let clients = Arc::new(Clients {
        channel: server.channel().await,
        admin: server.admin.clone(),
        reader: server.reader.clone(),
    });
    let places = Arc::new(Semaphore::new(CONCURRENCY));
    let mut running = tokio::task::JoinSet::new();
    for (idx, case) in cases.iter().cloned().enumerate() {
        let place = Arc::clone(&places).acquire_owned().await.unwrap();
        let clients = Arc::clone(&clients);
        running.spawn(async move {
            let problem = check(&clients, &case).await;
            drop(place);
            problem.map(|problem| format!("#{idx} {}: {problem}", case.label))
        });
    }
    let mut problems: Vec<String> = running.join_all().await.into_iter().flatten().collect();
    problems.sort();
    let elapsed = started.elapsed();

    healthy(&server).await;
    let after = server.store.snapshot().await.unwrap();
    let mut report = String::new();
    for (old, new) in before.iter().zip(&after) {
        if old != new {
            let _ = writeln!(report, "{}: {} rows, now {}", old.table, old.n_rows, new.n_rows);
        }
    }
    assert_eq!(before.len(), after.len());
    assert!(report.is_empty(), "refused writes changed rows:\n{report}");
    assert!(
        problems.is_empty(),
        "{} of {} cases went wrong ({per_rpc:?}, {elapsed:?}):\n{}",
        problems.len(),
        cases.len(),
        problems.iter().take(40).cloned().collect::<Vec<_>>().join("\n")
    );
    eprintln!("{} hostile requests in {elapsed:?}: {per_rpc:?}", cases.len());
    server.stop().await;
}
