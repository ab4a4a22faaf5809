//! What the CLI prints for people; `--json` output is [`super::json`]'s.
//!
//! Everything the CLI prints for people goes out through [`outln!`] and [`out!`] (standard
//! output) or [`errln!`] (standard error), which pass the whole text through
//! [`crate::text::escape_controls`]: stored text (an article's body, a claim, a speaker, a
//! rationale, a server's error message) may hold terminal escapes, and a terminal must show
//! them, not obey them. JSON output escapes them as JSON does.

use crate::api::pb;

/// `println!` with control characters escaped ([`crate::text::escape_controls`]).
macro_rules! outln {
    () => {
        $crate::cli::output::write_stdout("\n")
    };
    ($($arg:tt)*) => {
        $crate::cli::output::write_stdout(&format!("{}\n", $crate::text::escape_controls(&format!($($arg)*))))
    };
}

/// `print!` with control characters escaped.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::output::write_stdout(&$crate::text::escape_controls(&format!($($arg)*)))
    };
}

/// `eprintln!` with control characters escaped.
macro_rules! errln {
    ($($arg:tt)*) => {
        eprintln!("{}", $crate::text::escape_controls(&format!($($arg)*)))
    };
}

/// Writes `text` to standard output. When the reader has gone (`claimdb
/// claims list | head`), the process ends quietly and successfully, as
/// ripgrep does; any other failure ends it with a message. The process
/// keeps Rust's default of ignoring SIGPIPE: with the signal's default
/// action, a server that closed the connection under a write (a plaintext
/// client calling a TLS server does exactly that) killed the client
/// silently, with no message and exit status 141.
pub fn write_stdout(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(err) = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        stdout_failed(err)
    }
}

/// Ends the process after a failed write to standard output: quietly when
/// the reader closed the pipe, with a message otherwise.
pub fn stdout_failed(err: std::io::Error) -> ! {
    if err.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("error: cannot write to standard output: {err}");
    std::process::exit(1);
}

pub(crate) use {errln, out, outln};

fn verdict_name(claim: &pb::Claim) -> Option<&'static str> {
    match claim.verdict() {
        pb::Verdict::Unspecified => None,
        verdict => Some(verdict.as_str_name()),
    }
}

fn or_dash(value: &str) -> &str {
    if value.is_empty() { "-" } else { value }
}

/// Cuts `text` to at most `max` characters, marking the cut.
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// One line per article for a listing.
pub fn article_line(article: &pb::Article) -> String {
    format!(
        "{:<14} {:<10} {:>4} claims  {}",
        article.name,
        or_dash(&article.published_date),
        article.claim_count,
        shorten(or_dash(&article.title), 70)
    )
}

/// An article's fields, one per line.
pub fn article_text(article: &pb::Article) -> String {
    let rows = [
        ("name", article.name.as_str()),
        ("title", &article.title),
        ("published", &article.published_date),
        ("dateline", &article.dateline),
        ("publisher", &article.publisher),
        ("credit", &article.credit),
        ("source_url", &article.source_url),
        ("sha256", &article.sha256),
        ("extractor", &article.extractor_version),
    ];
    let mut text = String::new();
    for (label, value) in rows {
        text.push_str(&format!("{label:<11}{}\n", or_dash(value)));
    }
    text.push_str(&format!("{:<11}{}\n", "claims", article.claim_count));
    text
}

/// The header of a claim listing.
pub const CLAIM_HEADER: &str =
    "NAME         WORTH  STATUS      VERDICT       KIND       SPEAKER                  TEXT";

/// The verdict column of a listing: an external one carries a `*ext` mark.
fn listed_verdict(claim: &pb::Claim) -> String {
    match (verdict_name(claim), claim.external_review.is_some()) {
        (Some(verdict), true) => format!("{verdict}*ext"),
        (Some(verdict), false) => verdict.to_owned(),
        (None, _) => "-".to_owned(),
    }
}

/// One line per claim for a listing.
pub fn claim_line(claim: &pb::Claim) -> String {
    format!(
        "{:<12} {:.2}   {:<11} {:<13} {:<10} {:<24} {}",
        claim.name,
        claim.checkworthiness,
        claim.status().as_str_name(),
        listed_verdict(claim),
        claim.kind().as_str_name(),
        shorten(&claim.speaker, 24),
        shorten(&claim.text, 90)
    )
}

/// One line per review.
/// One event of a claim's history as an indented line.
pub fn history_line(event: &pb::ClaimHistoryEvent) -> String {
    use pb::claim_history_event::Change;
    let time = event.time.map(|time| time.to_string()).unwrap_or_default();
    match &event.change {
        Some(Change::Extraction(extraction)) => format!(
            "  {time} extracted     by {:<16} from {}: {} (speaker {})",
            event.actor,
            extraction.article,
            shorten(&extraction.text, 80),
            if extraction.speaker.is_empty() {
                "-"
            } else {
                &extraction.speaker
            }
        ),
        Some(Change::Correction(correction)) => format!(
            "  {time} corrected     by {:<16} {}: {:?} -> {:?}",
            event.actor,
            correction.field,
            shorten(&correction.old_value, 60),
            shorten(&correction.new_value, 60)
        ),
        Some(Change::Review(review)) => review_line(review),
        None => format!("  {time} (an event this client does not know) by {}", event.actor),
    }
}

pub fn review_line(review: &pb::Review) -> String {
    let evidence = if review.evidence_urls.is_empty() {
        String::new()
    } else {
        format!(" [{}]", review.evidence_urls.join(" "))
    };
    format!(
        "  {} {:<13} by {:<16} {}{}",
        review
            .create_time
            .map(|time| time.to_string())
            .unwrap_or_default(),
        review.verdict().as_str_name(),
        review.reviewer,
        shorten(&review.rationale, 80),
        evidence
    )
}

/// One claim event per line, as `claims watch` prints it.
pub fn event_line(event: &pb::ClaimEvent) -> String {
    let time = event.event_time.map(|time| time.to_string()).unwrap_or_default();
    let kind = event.r#type().as_str_name();
    match &event.claim {
        _ if event.r#type() == pb::claim_event::Type::EventsDropped => format!(
            "{time} {kind:<14} {} events missed: re-read what you show",
            event.dropped_events
        ),
        Some(claim) => format!(
            "{time} {kind:<14} {:<12} by {:<16} {} {}",
            claim.name,
            event.actor,
            claim.status().as_str_name(),
            shorten(&claim.text, 80)
        ),
        None => format!("{time} {kind:<14} by {}", event.actor),
    }
}

/// One audit event per line.
pub fn audit_line(event: &pb::AuditEvent) -> String {
    format!(
        "{} {:<16} {:<15} {:<14} {}",
        event.create_time.map(|time| time.to_string()).unwrap_or_default(),
        event.actor,
        event.method,
        event.resource,
        event.details
    )
}

/// The review statistics as tables.
pub fn stats_text(stats: &pb::ReviewStats) -> String {
    let queue = stats.queue.unwrap_or_default();
    let mut text = String::from("QUEUE\n");
    for (label, n) in [
        ("unreviewed", queue.unreviewed),
        ("leased", queue.leased),
        ("awaiting second", queue.awaiting_second),
        ("disputed", queue.disputed),
        ("final", queue.r#final),
        ("imported", queue.imported),
    ] {
        text.push_str(&format!("  {label:<16}{n:>10}\n"));
    }
    text.push_str(&format!(
        "second review    {}\n",
        if stats.second_review { "on" } else { "off" }
    ));
    text.push_str(&format!(
        "agreement        Cohen's kappa {} over {} double-reviewed claims\n",
        stats
            .cohens_kappa
            .map_or_else(|| "undefined".to_owned(), |kappa| format!("{kappa:.3}")),
        stats.double_reviewed_claims
    ));
    text.push_str("REVIEWER                  REVIEWS  LAST 24 H\n");
    for reviewer in &stats.reviewers {
        text.push_str(&format!(
            "{:<24}{:>9}{:>11}\n",
            shorten(&reviewer.reviewer, 24),
            reviewer.reviews,
            reviewer.reviews_last_day
        ));
    }
    text
}

/// Another fact-checker's review of an imported claim: never shown as a
/// verdict of this database's reviewers.
fn external_review_text(external: &pb::ExternalReview) -> String {
    format!(
        "verdict    {} (EXTERNAL: {:?} by {}{}{})\n",
        external.verdict().as_str_name(),
        external.rating,
        external.publisher,
        if external.date.is_empty() {
            String::new()
        } else {
            format!(", {}", external.date)
        },
        if external.url.is_empty() {
            String::new()
        } else {
            format!(", {}", external.url)
        },
    )
}

/// A claim's fields, one per line; lists get one line per item.
pub fn claim_text(claim: &pb::Claim) -> String {
    let span = claim.span.unwrap_or_default();
    let stance = match &claim.stance {
        Some(stance) => format!("{} ({})", stance.verb, stance.polarity().as_str_name()),
        None => "-".to_owned(),
    };
    let speaker = if claim.speaker_role.is_empty() {
        claim.speaker.clone()
    } else {
        format!("{} ({})", claim.speaker, claim.speaker_role)
    };
    let mut text = format!(
        "name       {}\narticle    {}\nstatus     {}\nspeaker    {}\nstance     {}\nkind       {}\ncheckable  {}\ncontext    {}\nworthiness {:.2}\ntext       {}\ncontent    {}\nsentence   {}\nspan       {}..{}\nextractor  {}\netag       {}\n",
        claim.name,
        claim.article,
        claim.status().as_str_name(),
        speaker,
        stance,
        claim.kind().as_str_name(),
        if claim.checkable { "yes" } else { "no" },
        if claim.needs_context {
            "needed: the claim keeps words it could not resolve; read its sentence's article"
        } else {
            "not needed"
        },
        claim.checkworthiness,
        claim.text,
        claim.content,
        claim.sentence,
        span.start,
        span.end,
        claim.extractor_version,
        claim.etag
    );
    for entity in &claim.entities {
        text.push_str(&format!(
            "entity     {} ({})\n",
            entity.name,
            entity.kind().as_str_name()
        ));
    }
    for quantity in &claim.quantities {
        let value = match quantity.upper {
            Some(upper) => format!("{}..{}", quantity.value, upper),
            None => quantity.value.to_string(),
        };
        text.push_str(&format!(
            "quantity   {value} {} ({:?})\n",
            or_dash(&quantity.unit),
            quantity.text
        ));
    }
    for date in &claim.dates {
        let range = if date.start == date.end {
            date.start.clone()
        } else {
            format!("{}..{}", date.start, date.end)
        };
        text.push_str(&format!("date       {range} ({:?})\n", date.text));
    }
    for rewrite in &claim.rewrites {
        let span = rewrite.span.unwrap_or_default();
        text.push_str(&format!(
            "rewrite    {:?} -> {:?} ({}, at {}..{})\n",
            rewrite.original, rewrite.replacement, rewrite.rule, span.start, span.end
        ));
    }
    match (&claim.external_review, verdict_name(claim)) {
        (Some(external), _) => text.push_str(&external_review_text(external)),
        (None, Some(verdict)) => {
            let finality = if claim.verdict_final { "final" } else { "not final" };
            text.push_str(&format!(
                "verdict    {verdict} ({finality}, by {})\n",
                claim.last_reviewer
            ));
        }
        (None, None) => {}
    }
    if !claim.lease_holder.is_empty() {
        text.push_str(&format!(
            "leased to  {} until {}\n",
            claim.lease_holder,
            claim
                .lease_expire_time
                .map(|time| time.to_string())
                .unwrap_or_default()
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_cuts_on_characters() {
        assert_eq!(shorten("héllo", 10), "héllo");
        assert_eq!(shorten("héllo", 2), "hé…");
    }
}
