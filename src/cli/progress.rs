//! The import's progress bar: redrawn on a steady tick, with rates and time left computed at each
//! draw from what the server has answered, fitted to the terminal's width, and drawn only when
//! standard error is a terminal.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// How often the bar is redrawn, whether or not an answer came: elapsed
/// time, rates and time left move steadily between the server's batches.
pub const TICK: Duration = Duration::from_millis(200);
/// The most redraws a second (the tick asks for 5).
const REFRESH_HZ: u8 = 10;
/// No estimate of the time left before this much time and some progress:
/// the first answers wait for the server's first batch, and a rate over
/// less than that says nothing about the rest.
const ESTIMATE_AFTER: Duration = Duration::from_secs(1);

/// What the bar shows beside the bytes: items and claims answered so far.
/// The import adds to them; the bar reads them at every draw.
#[derive(Debug, Default)]
pub struct Counts {
    pub n_items: AtomicU64,
    pub n_claims: AtomicU64,
}

impl Counts {
    pub fn add(&self, n_items: u64, n_claims: u64) {
        self.n_items.fetch_add(n_items, Ordering::Relaxed);
        self.n_claims.fetch_add(n_claims, Ordering::Relaxed);
    }
}

/// Whether the bar is drawn: never for `--json` (a script reads the
/// output), and only when standard error is a terminal, so that CI logs,
/// pipes and files get no progress output at all.
pub fn is_drawn(json: bool) -> bool {
    !json && std::io::stderr().is_terminal()
}

/// A bar over the input's bytes answered by the server when their total is
/// known (the time left from the average rate so far), a spinner otherwise.
/// Hidden unless [`is_drawn`].
pub fn bar(total_bytes: Option<u64>, json: bool, counts: Arc<Counts>) -> ProgressBar {
    if !is_drawn(json) {
        return ProgressBar::hidden();
    }
    let template = match total_bytes {
        // `wide_bar` takes what the line leaves of the terminal's width, so
        // the line is never longer than the terminal and never wraps.
        Some(_) => "{elapsed_precise} [{wide_bar}] {percent:>3}% {counts} {left}",
        None => "{spinner} {elapsed_precise} {bytes} {counts}",
    };
    let style = ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
        .with_key(
            "counts",
            move |state: &ProgressState, out: &mut dyn std::fmt::Write| {
                let _ = write!(out, "{}", counts_text(&counts, state.elapsed()));
            },
        )
        .with_key("left", |state: &ProgressState, out: &mut dyn std::fmt::Write| {
            let _ = write!(out, "{}", time_left(state.pos(), state.len(), state.elapsed()));
        });
    let progress = match total_bytes {
        Some(total) => ProgressBar::new(total),
        None => ProgressBar::new_spinner(),
    };
    progress.set_draw_target(ProgressDrawTarget::stderr_with_hz(REFRESH_HZ));
    progress.set_style(style);
    progress.enable_steady_tick(TICK);
    progress
}

fn counts_text(counts: &Counts, elapsed: Duration) -> String {
    let n_items = counts.n_items.load(Ordering::Relaxed);
    let n_claims = counts.n_claims.load(Ordering::Relaxed);
    let seconds = elapsed.as_secs_f64().max(1e-3);
    format!(
        "{n_items} items {:.0}/s, {n_claims} claims {:.0}/s",
        n_items as f64 / seconds,
        n_claims as f64 / seconds
    )
}

/// The time left at the average rate so far: `done` of `total` bytes in
/// `elapsed`. Without enough to go on it says so rather than guess.
pub fn time_left(done: u64, total: Option<u64>, elapsed: Duration) -> String {
    let Some(total) = total else {
        return String::new();
    };
    if done >= total {
        return "finishing".to_owned();
    }
    if done == 0 || elapsed < ESTIMATE_AFTER {
        return "estimating time left".to_owned();
    }
    let seconds_left = elapsed.as_secs_f64() * (total - done) as f64 / done as f64;
    format!("{} left", duration_text(seconds_left))
}

fn duration_text(seconds: f64) -> String {
    let seconds = seconds.ceil() as u64;
    match seconds {
        0..60 => format!("{seconds}s"),
        60..3600 => format!("{}m{:02}s", seconds / 60, seconds % 60),
        _ => format!("{}h{:02}m", seconds / 3600, (seconds % 3600) / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // See: #16 (the bar started at "44m left" for a job of seconds).
    #[test]
    fn the_time_left_is_the_average_rate_so_far_and_never_a_guess() {
        let second = Duration::from_secs(1);
        assert_eq!(time_left(0, Some(100), 5 * second), "estimating time left");
        assert_eq!(
            time_left(10, Some(100), Duration::from_millis(300)),
            "estimating time left"
        );
        assert_eq!(time_left(50, Some(100), 2 * second), "2s left");
        assert_eq!(time_left(25, Some(100), 20 * second), "1m00s left");
        assert_eq!(time_left(1, Some(100), 60 * second), "1h39m left");
        assert_eq!(time_left(100, Some(100), second), "finishing");
        assert_eq!(time_left(5, None, second), "");
    }

    #[test]
    fn counts_are_rates_over_the_elapsed_time() {
        let counts = Counts::default();
        counts.add(10, 40);
        counts.add(10, 0);
        assert_eq!(
            counts_text(&counts, Duration::from_secs(2)),
            "20 items 10/s, 40 claims 20/s"
        );
    }

    #[test]
    fn nothing_is_drawn_for_json() {
        assert!(!is_drawn(true));
        assert!(bar(Some(10), true, Arc::default()).is_hidden());
    }
}
