//! `mqscope replay FILE [CONN]`: publishes a recording again (what `sub --record`, `sub --json`
//! and the explorer's `e` write) through any broker, with its timing: each message is due at
//! the replay's start plus its offset from the first one replayed, divided by `--speed`, on
//! the monotonic clock (deadlines, not accumulated sleeps, so waits never add up to drift).
//! The file is read as a stream, so a recording of any size replays in bounded memory, and a
//! bad line is reported with its number while the rest goes on.
//!
//! At most `WINDOW` publishes are in the worker's hands at once: a replay at full speed waits
//! for the connection rather than filling memory, and that wait shows as lateness. Lateness is
//! measured when a message is handed to the connection, against its deadline.

pub mod core;
pub mod lateness;
mod progress;

use super::warn_insecure;
use crate::cli::ReplayArgs;
use crate::mqtt;
use crate::mqtt::topic::{validate_filter, validate_topic};
use crate::process::failure::{Failure, runtime, usage};
use crate::session::connect::{failure_from_tls, headless_settings};
use core::{Plan, Reporter, Tally};
use lateness::Lateness;
use progress::Progress;

pub async fn run(args: ReplayArgs) -> Result<(), Failure> {
    for f in &args.filters {
        validate_filter(f).map_err(|e| usage(format!("--filter '{f}': {e}")))?;
    }
    if let Some(p) = &args.prefix {
        validate_topic(p).map_err(|e| usage(format!("--prefix: {e}")))?;
    }
    let shown = crate::text::clean(&args.file.display().to_string()).into_owned();
    let size = core::open(&args.file, &shown)?.1;
    let mut settings = headless_settings(&args.conn)?;
    settings.subscriptions.clear();
    warn_insecure(&settings);
    let options = mqtt::WorkerOptions {
        trace: args.debug,
        ..mqtt::WorkerOptions::default()
    };
    let handle = mqtt::spawn(&settings, options).map_err(failure_from_tls)?;
    let plan = Plan {
        file: args.file.clone(),
        speed: (!args.as_fast_as_possible).then_some(args.speed),
        repeat: args.repeat,
        prefix: args.prefix.clone(),
        filters: args.filters.clone(),
        from: args.from,
        to: args.to,
        timeout: args.timeout,
    };
    let mut reporter = Stderr {
        shown: shown.clone(),
        progress: Progress::new(&shown, size, plan.speed.is_some()),
        scheduled: plan.speed.is_some(),
    };
    let stop = crate::process::signals::stop_requested();
    let result = core::replay_through(&handle, &settings, &plan, stop, &mut reporter).await;
    handle.shut_down().await;
    let tally = result?;
    summary(&args, &tally)
}

/// `replay`'s reporter: stderr, and a progress line on a terminal.
struct Stderr {
    shown: String,
    progress: Progress,
    scheduled: bool,
}

impl Reporter for Stderr {
    fn bad_line(&mut self, line_no: u64, why: &str) {
        self.progress.clear();
        eprintln!(
            "mqscope: {}:{line_no}: skipped: {}",
            self.shown,
            crate::text::clean(why)
        );
    }

    fn first_failure(&mut self, why: &str) {
        self.progress.clear();
        eprintln!(
            "mqscope: a publish failed: {} (the replay goes on; the count is at the end)",
            crate::text::clean(why)
        );
    }

    fn packet(&mut self, line: &str) {
        self.progress.clear();
        eprintln!("mqscope: {}", crate::text::clean(line));
    }

    fn progress(&mut self, consumed: u64, tally: &Tally, late: &Lateness) {
        self.progress.show(consumed, tally.sent, tally.passes, late);
    }

    fn finished(&mut self, late: &Lateness) {
        self.progress.clear();
        if self.scheduled && late.count() > 0 {
            eprintln!(
                "mqscope: late against the schedule: median {}, max {} ({} messages)",
                ms(late.median_us().unwrap_or(0)),
                ms(late.max_us()),
                late.count()
            );
        }
    }
}

fn ms(us: u64) -> String {
    format!("{:.3} ms", us as f64 / 1e3)
}

fn summary(args: &ReplayArgs, t: &Tally) -> Result<(), Failure> {
    let mut words = format!("replayed {} messages", t.sent);
    if args.repeat {
        words += &format!(" in {} passes", t.passes);
    }
    words += &format!(
        ": {} settled, {} failed, {} unknown",
        t.settled, t.failed, t.unknown
    );
    if t.skipped > 0 {
        words += &format!("; {} outside the filters or range", t.skipped);
    }
    if t.bad_lines > 0 {
        words += &format!("; {} bad lines skipped", t.bad_lines);
    }
    if t.stopped {
        words += "; stopped on request";
    }
    eprintln!("mqscope: {words}");
    if t.properties_dropped > 0 {
        eprintln!(
            "mqscope: warning: {} messages went without their MQTT 5 properties: the broker speaks MQTT 3.1.1 (--protocol 5 refuses such a broker)",
            t.properties_dropped
        );
    }
    if t.failed + t.unknown + t.bad_lines > 0 {
        return Err(runtime(format!(
            "not every message was replayed: {} failed, {} unknown, {} bad lines",
            t.failed, t.unknown, t.bad_lines
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::core::{Pass, deadline, prefixed};
    use std::time::Duration;
    use tokio::time::Instant;

    #[test]
    fn deadlines_follow_the_offsets_at_speed_and_never_go_back() {
        let start = Instant::now();
        let mut pass = Pass {
            base_time: None,
            anchor: Some((1000.0, start)),
            last_due: None,
        };
        assert_eq!(deadline(&mut pass, 1000.0, 1.0), start);
        assert_eq!(
            deadline(&mut pass, 3000.0, 2.0),
            start + Duration::from_secs(1)
        );
        // Recorded out of order: at once after the one before, not before it.
        assert_eq!(
            deadline(&mut pass, 1500.0, 2.0),
            start + Duration::from_secs(1)
        );
    }

    #[test]
    fn a_prefix_is_a_level_of_its_own() {
        assert_eq!(prefixed("replay", "a/b"), "replay/a/b");
        assert_eq!(prefixed("replay/", "a/b"), "replay/a/b");
        assert_eq!(prefixed("r", "/a"), "r//a");
    }
}
