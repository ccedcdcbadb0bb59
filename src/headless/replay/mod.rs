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

mod lateness;
mod progress;

use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::time::{Duration, SystemTime};

use tokio::time::Instant;

use super::{StateReport, connection_failure};
use crate::cli::ReplayArgs;
use crate::mqtt::topic::{filter_matches, validate_filter, validate_topic};
use crate::mqtt::{self, ConnState, MqttEvent, MqttHandle, Protocol, PublishOutcome};
use crate::process::failure::{Failure, runtime, usage};
use crate::publish::lines::{LINE_MAX, Read, next_line};
use crate::publish::recorded::{Line, Position, Recorded, parse_line};
use crate::session::connect::{failure_from_tls, headless_settings};
use lateness::Lateness;
use progress::Progress;

/// Publishes handed to the worker and not yet settled (its command queue holds 1,024).
const WINDOW: usize = 512;

/// What a replay did, told at the end.
#[derive(Debug, Default)]
struct Tally {
    /// Handed to the connection.
    sent: u64,
    /// Settled: written (QoS 0), acknowledged (QoS 1) or completed (QoS 2).
    settled: u64,
    failed: u64,
    unknown: u64,
    bad_lines: u64,
    /// Not replayed: outside the filters or the time range.
    skipped: u64,
    /// Sent without their MQTT 5 properties (the broker speaks 3.1.1).
    properties_dropped: u64,
    /// Passes through the file begun.
    passes: u64,
    stopped: bool,
}

pub async fn run(args: ReplayArgs) -> Result<(), Failure> {
    for f in &args.filters {
        validate_filter(f).map_err(|e| usage(format!("--filter '{f}': {e}")))?;
    }
    if let Some(p) = &args.prefix {
        validate_topic(p).map_err(|e| usage(format!("--prefix: {e}")))?;
    }
    let shown = crate::text::clean(&args.file.display().to_string()).into_owned();
    let size = open(&args.file, &shown)?.1;
    let mut settings = headless_settings(&args.conn)?;
    settings.subscriptions.clear();
    super::warn_insecure(&settings);
    let options = mqtt::WorkerOptions {
        trace: args.debug,
        ..mqtt::WorkerOptions::default()
    };
    let handle = mqtt::spawn(&settings, options).map_err(failure_from_tls)?;
    let mut conn = Conn {
        handle: &handle,
        settings: &settings,
        report: StateReport::default(),
        protocol: None,
        pending: 0,
        tally: Tally::default(),
        batch: Vec::new(),
    };
    let result = replay(&args, &shown, size, &mut conn).await;
    handle.shut_down().await;
    let tally = result?;
    summary(&args, &tally)
}

/// The connection and what is known of it.
struct Conn<'a> {
    handle: &'a MqttHandle,
    settings: &'a mqtt::ConnectionSettings,
    report: StateReport,
    protocol: Option<Protocol>,
    /// Publishes handed over and not settled.
    pending: usize,
    tally: Tally,
    batch: Vec<MqttEvent>,
}

impl Conn<'_> {
    /// Waits for the worker's next events and takes them in.
    async fn events(&mut self) -> Result<(), Failure> {
        let mut batch = std::mem::take(&mut self.batch);
        let open = self.handle.events().recv_batch(&mut batch).await;
        for event in batch.drain(..) {
            match event {
                MqttEvent::Packet(p) => {
                    eprintln!("mqscope: {}", crate::text::clean(&p.line()))
                }
                MqttEvent::State(state) => {
                    self.report.check(self.settings, &state)?;
                    if let ConnState::Disconnected { error: None } = state {
                        return Err(connection_failure(self.settings, "connection closed"));
                    }
                }
                MqttEvent::Negotiated { protocol, .. } => self.protocol = Some(protocol),
                MqttEvent::Publish { outcome, .. } => self.settle(&outcome),
                _ => {}
            }
        }
        self.batch = batch;
        if !open {
            return Err(connection_failure(self.settings, "connection closed"));
        }
        Ok(())
    }

    fn settle(&mut self, outcome: &PublishOutcome) {
        if !outcome.is_final() {
            return;
        }
        self.pending = self.pending.saturating_sub(1);
        match outcome {
            PublishOutcome::Failed(why) => {
                self.tally.failed += 1;
                if self.tally.failed == 1 {
                    eprintln!(
                        "mqscope: a publish failed: {} (the replay goes on; the count is at the end)",
                        crate::text::clean(why)
                    );
                }
            }
            PublishOutcome::Unknown(_) => self.tally.unknown += 1,
            _ => self.tally.settled += 1,
        }
    }

    /// Hands one publish to the worker once there is room in the window.
    async fn publish(&mut self, mut r: Recorded, prefix: Option<&str>) -> Result<(), Failure> {
        while self.pending >= WINDOW {
            self.events().await?;
        }
        if let Some(p) = prefix {
            r.publish.topic = prefixed(p, &r.publish.topic);
        }
        if self.protocol == Some(Protocol::V311) && r.publish.properties.take().is_some() {
            self.tally.properties_dropped += 1;
        }
        self.handle
            .publish(r.publish)
            .map_err(|e| runtime(e.to_string()))?;
        self.pending += 1;
        self.tally.sent += 1;
        Ok(())
    }
}

/// `P/topic`, or `Ptopic` when P ends with a slash.
fn prefixed(prefix: &str, topic: &str) -> String {
    match prefix.ends_with('/') {
        true => format!("{prefix}{topic}"),
        false => format!("{prefix}/{topic}"),
    }
}

fn open(path: &Path, shown: &str) -> Result<(BufReader<File>, u64), Failure> {
    let file = File::open(path).map_err(|e| usage(format!("{shown}: cannot open it: {e}")))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    Ok((BufReader::with_capacity(256 * 1024, file), size))
}

/// Where the schedule of one pass through the file stands.
struct Pass {
    /// The first message's wall time: the schedule of lines without an offset.
    base_time: Option<SystemTime>,
    /// The first replayed message's place (ms) and when it went.
    anchor: Option<(f64, Instant)>,
    /// The latest deadline so far: a message recorded out of order goes at once, not early.
    last_due: Option<Instant>,
}

async fn replay(
    args: &ReplayArgs,
    shown: &str,
    size: u64,
    conn: &mut Conn<'_>,
) -> Result<Tally, Failure> {
    // Listened for from the start: a stop before the first message is a stop, not a kill.
    let stop = crate::process::signals::stop_requested();
    tokio::pin!(stop);
    // Connected before the clock starts: the schedule is the recording's, not the handshake's.
    let connect_by = Instant::now() + Duration::from_secs_f64(args.timeout);
    while conn.protocol.is_none() {
        tokio::select! {
            _ = &mut stop => {
                conn.tally.stopped = true;
                return Ok(std::mem::take(&mut conn.tally));
            }
            r = conn.events() => r?,
            _ = tokio::time::sleep_until(connect_by) => {
                return Err(runtime(format!(
                    "{}: not connected after {} s",
                    conn.settings.url, args.timeout
                )));
            }
        }
    }
    let speed = if args.as_fast_as_possible {
        None
    } else {
        Some(args.speed)
    };
    let mut late = Lateness::default();
    let mut progress = Progress::new(shown, size, speed.is_some());
    let mut buf = Vec::new();
    // The next pass starts where the last one's last message was due.
    let mut resume: Option<Instant> = None;
    'passes: loop {
        conn.tally.passes += 1;
        let (mut reader, _) = open(&args.file, shown)?;
        let mut consumed = 0u64;
        let mut pass = Pass {
            base_time: None,
            anchor: None,
            last_due: resume,
        };
        let mut line_no = 0u64;
        loop {
            line_no += 1;
            let read = next_line(&mut reader, &mut buf, LINE_MAX, &mut consumed)
                .map_err(|e| runtime(format!("{shown}: reading line {line_no} failed: {e}")))?;
            let parsed = match read {
                Read::End => break,
                Read::TooLong => Err(format!("longer than {} MiB", LINE_MAX >> 20)),
                Read::Line => parse_line(&buf).map_err(|e| e.to_string()),
            };
            let r = match parsed {
                Ok(Line::Message(r)) => *r,
                Ok(Line::Header(_) | Line::Blank) => continue,
                Err(why) => {
                    conn.tally.bad_lines += 1;
                    progress.clear();
                    eprintln!(
                        "mqscope: {shown}:{line_no}: skipped: {}",
                        crate::text::clean(&why)
                    );
                    continue;
                }
            };
            if pass.base_time.is_none() {
                pass.base_time = r.time;
            }
            let at = r.at_ms(pass.base_time).unwrap_or(0.0);
            if !wanted(args, &r, at) {
                conn.tally.skipped += 1;
                continue;
            }
            let due = speed.map(|speed| deadline(&mut pass, at, speed));
            if let Some(due) = due {
                loop {
                    tokio::select! {
                        biased;
                        _ = &mut stop => {
                            conn.tally.stopped = true;
                            break 'passes;
                        }
                        _ = tokio::time::sleep_until(due) => break,
                        r = conn.events() => r?,
                    }
                }
            } else if progress.due(Instant::now()) {
                // At full speed the stop signal is looked at between messages.
                if futures::FutureExt::now_or_never(&mut stop).is_some() {
                    conn.tally.stopped = true;
                    break 'passes;
                }
            }
            tokio::select! {
                biased;
                _ = &mut stop => {
                    conn.tally.stopped = true;
                    break 'passes;
                }
                r = conn.publish(r, args.prefix.as_deref()) => r?,
            }
            if let Some(due) = due {
                let now = Instant::now();
                late.add(now.saturating_duration_since(due).as_micros() as u64);
            }
            progress.show(consumed, conn.tally.sent, conn.tally.passes, &late);
        }
        resume = pass.last_due;
        if !args.repeat || conn.tally.sent == 0 {
            break;
        }
    }
    progress.clear();
    // What is still in the worker's hands settles, or is counted unknown.
    let settle_by = Instant::now() + Duration::from_secs_f64(args.timeout);
    while conn.pending > 0 {
        tokio::select! {
            r = conn.events() => r?,
            _ = tokio::time::sleep_until(settle_by) => {
                conn.tally.unknown += conn.pending as u64;
                conn.pending = 0;
            }
        }
    }
    let tally = std::mem::take(&mut conn.tally);
    if speed.is_some() && late.count() > 0 {
        eprintln!(
            "mqscope: late against the schedule: median {}, max {} ({} messages)",
            ms(late.median_us().unwrap_or(0)),
            ms(late.max_us()),
            late.count()
        );
    }
    Ok(tally)
}

/// When a message at `at` ms goes: the pass's anchor plus its distance from the anchor's
/// message, at `speed`; never before the deadline of the message before it.
fn deadline(pass: &mut Pass, at: f64, speed: f64) -> Instant {
    let (first, start) = *pass.anchor.get_or_insert_with(|| {
        let start = pass.last_due.unwrap_or_else(Instant::now);
        (at, start)
    });
    let after = ((at - first) / speed).max(0.0) / 1e3;
    let due = start + Duration::from_secs_f64(after.min(crate::cli::SECONDS_MAX));
    let due = pass.last_due.map_or(due, |l| due.max(l));
    pass.last_due = Some(due);
    due
}

fn wanted(args: &ReplayArgs, r: &Recorded, at: f64) -> bool {
    let topic = &r.publish.topic;
    if !args.filters.is_empty() && !args.filters.iter().any(|f| filter_matches(f, topic)) {
        return false;
    }
    let from_ok = args
        .from
        .is_none_or(|f| f.reached(at, r.time).unwrap_or(false));
    let to_ok = args.to.is_none_or(|t| match t {
        // `--to` is inclusive: a message at the very time still goes.
        Position::OffsetMs(o) => at <= o,
        Position::Time(t) => r.time.is_some_and(|m| m <= t),
    });
    from_ok && to_ok
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
    use super::*;

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
