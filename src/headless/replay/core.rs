//! A replay's core, shared by `mqscope replay` and the explorer's replay popup: the file read
//! as a stream, each message published at its deadline (the replay's start plus its offset
//! from the first one replayed, divided by the speed, on the monotonic clock: deadlines, not
//! accumulated sleeps), at most `WINDOW` publishes in the worker's hands, and how it goes told
//! to a `Reporter`.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::time::{Duration, SystemTime};

use tokio::time::Instant;

use super::super::{StateReport, connection_failure};
use super::lateness::Lateness;
use crate::mqtt::topic::filter_matches;
use crate::mqtt::{self, ConnState, MqttEvent, MqttHandle, Protocol, PublishOutcome};
use crate::process::failure::{Failure, runtime, usage};
use crate::publish::lines::{LINE_MAX, Read, next_line};
use crate::publish::recorded::{Line, Position, Recorded, parse_line};
pub use crate::publish::replay_plan::{Plan, Tally};

/// Publishes handed to the worker and not yet settled (its command queue holds 1,024).
const WINDOW: usize = 512;
/// At full speed, how often the stop is looked at.
const LOOK_EVERY: Duration = Duration::from_millis(100);

/// Where a replay tells how it goes: stderr and a progress line (`replay`), or the
/// explorer's messages (its popup and status bar).
pub trait Reporter: Send {
    /// A line that is not a message (its number, why); the replay goes on.
    fn bad_line(&mut self, line_no: u64, why: &str);
    /// The first publish that failed (the rest are counted).
    fn first_failure(&mut self, why: &str);
    /// A control packet of the connection (with `-d`).
    fn packet(&mut self, line: &str);
    /// After each message handed over: bytes of the file read, the tally, the lateness.
    fn progress(&mut self, consumed: u64, tally: &Tally, late: &Lateness);
    /// The replay's end: the lateness over all of it.
    fn finished(&mut self, late: &Lateness);
}

/// The connection and what is known of it.
struct Conn<'a> {
    reporter: &'a mut dyn Reporter,
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
                MqttEvent::Packet(p) => self.reporter.packet(&p.line()),
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
                    self.reporter.first_failure(why);
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
pub(super) fn prefixed(prefix: &str, topic: &str) -> String {
    match prefix.ends_with('/') {
        true => format!("{prefix}{topic}"),
        false => format!("{prefix}/{topic}"),
    }
}

pub(super) fn open(path: &Path, shown: &str) -> Result<(BufReader<File>, u64), Failure> {
    let file = File::open(path).map_err(|e| usage(format!("{shown}: cannot open it: {e}")))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    Ok((BufReader::with_capacity(256 * 1024, file), size))
}

/// Where the schedule of one pass through the file stands.
pub(super) struct Pass {
    /// The first message's wall time: the schedule of lines without an offset.
    pub(super) base_time: Option<SystemTime>,
    /// The first replayed message's place (ms) and when it went.
    pub(super) anchor: Option<(f64, Instant)>,
    /// The latest deadline so far: a message recorded out of order goes at once, not early.
    pub(super) last_due: Option<Instant>,
}

/// Replays `plan` through the connection of `handle` until the file ends (or, with `repeat`,
/// until `stop` completes); what is still in the worker's hands settles or is counted unknown.
pub async fn replay_through(
    handle: &MqttHandle,
    settings: &mqtt::ConnectionSettings,
    plan: &Plan,
    stop: impl std::future::Future<Output = ()>,
    reporter: &mut dyn Reporter,
) -> Result<Tally, Failure> {
    let shown = crate::text::clean(&plan.file.display().to_string()).into_owned();
    let mut conn = Conn {
        reporter,
        handle,
        settings,
        report: StateReport::default(),
        protocol: None,
        pending: 0,
        tally: Tally::default(),
        batch: Vec::new(),
    };
    replay(plan, &shown, stop, &mut conn).await
}

async fn replay(
    args: &Plan,
    shown: &str,
    stop: impl std::future::Future<Output = ()>,
    conn: &mut Conn<'_>,
) -> Result<Tally, Failure> {
    // Listened for from the start: a stop before the first message is a stop, not a kill.
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
    let speed = args.speed;
    let mut late = Lateness::default();
    // At full speed the stop is looked at between messages, this often.
    let mut next_look = Instant::now();
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
                    conn.reporter.bad_line(line_no, &why);
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
            } else if Instant::now() >= next_look {
                next_look = Instant::now() + LOOK_EVERY;
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
            conn.reporter.progress(consumed, &conn.tally, &late);
        }
        resume = pass.last_due;
        if !args.repeat || conn.tally.sent == 0 {
            break;
        }
    }
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
    conn.reporter.finished(&late);
    Ok(tally)
}

/// When a message at `at` ms goes: the pass's anchor plus its distance from the anchor's
/// message, at `speed`; never before the deadline of the message before it.
pub(super) fn deadline(pass: &mut Pass, at: f64, speed: f64) -> Instant {
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

fn wanted(args: &Plan, r: &Recorded, at: f64) -> bool {
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
