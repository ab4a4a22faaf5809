//! The command line: the server, local extraction, token management and a gRPC client.
//! The only module that uses anyhow.

mod client;
mod extract;
mod import;
mod output;
mod serve;
mod token;

use std::path::PathBuf;
use std::process::ExitCode;

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
    },
    /// Extracts claims from an article file (or - for standard input) and
    /// prints them as JSON lines. Needs no server.
    Extract {
        /// The article text file, or - for standard input.
        file: PathBuf,
    },
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
        #[arg(long, value_enum, default_value_t = StdinFormat::Jsonl)]
        stdin_format: StdinFormat,
    },
    /// Reads claims on a running server.
    Claims {
        #[command(flatten)]
        client: ClientArgs,
        #[command(subcommand)]
        command: ClaimsCommand,
    },
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
        #[command(flatten)]
        page: PageArgs,
    },
    /// Shows one article, e.g. `articles/1`.
    Show { name: String },
}

#[derive(Debug, Subcommand)]
enum ClaimsCommand {
    /// Lists stored claims, oldest first.
    List {
        /// Only the claims of this article, e.g. `articles/1`.
        #[arg(long)]
        article: Option<String>,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Shows one claim, e.g. `claims/3`.
    Show { name: String },
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

fn parse_role(value: &str) -> Result<Role, String> {
    value
        .parse()
        .map_err(|_| format!("{value:?} is not a role: use reader, reviewer or admin"))
}

/// Runs a parsed command line and returns the process's exit code.
pub fn run(cli: Cli) -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
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
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn dispatch(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve { db, addr } => serve::run(&db, &addr).await,
        Command::Extract { file } => extract::run(&file),
        Command::Token {
            command: TokenCommand::Create { role, name, db },
        } => token::create(&db, role, name).await,
        Command::Articles { client, command } => client::articles(client, command).await,
        Command::Claims { client, command } => client::claims(client, command).await,
        Command::Import {
            client,
            paths,
            dry_run,
            stdin_format,
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
