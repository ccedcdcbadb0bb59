//! `mqscope --open FILE`: a recording browsed with no broker. A thread reads the file as a
//! stream (one line in memory) and hands its messages over in batches through a bounded
//! channel, so a large file fills the store at the pace the loop files it, and the store's
//! budget, as for a broker, decides what is kept. The loop takes what is ready once a frame
//! and files it through the same door as a broker's messages: the tree, the log, the detail,
//! the decoders, charts, diff, filters and export all work on it.
//!
//! Time can be stepped and played (`L`): the reader holds back every message later than the
//! gate the app sets (`TimeGate`), so the explorer shows the recording as it stood at that
//! moment; going back reads the file again from its start up to the new moment.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, TryRecvError, sync_channel};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, SystemTime};

use crate::app::Output;
use crate::mqtt::{Message, MqttEvent};
use crate::publish::lines::{LINE_MAX, Read, next_line};
use crate::publish::recorded::{Line, parse_line, rfc3339_time};

/// Messages a batch: the size of a busy broker's frame.
const BATCH: usize = 1024;
/// Batches read ahead of the loop.
const AHEAD: usize = 8;
/// Bad lines told one by one; past these, only counted.
const BAD_TOLD: usize = 5;

pub enum Feed {
    Messages(Vec<MqttEvent>),
    Read(Output),
}

/// How far the reader may go: messages up to `until` (µs since the Unix epoch; None: all of
/// them), and `extra` more past it (each moves `until` to its time).
#[derive(Debug, Default)]
struct Gate {
    until: Option<u64>,
    extra: u64,
    /// The explorer let go of this reader (a new one replaces it, or it quit).
    closed: bool,
}

type SharedGate = Arc<(Mutex<Gate>, Condvar)>;

pub struct OpenFile {
    rx: Receiver<Feed>,
    path: PathBuf,
    gate: SharedGate,
}

impl Drop for OpenFile {
    fn drop(&mut self) {
        let (lock, cvar) = &*self.gate;
        if let Ok(mut g) = lock.lock() {
            g.closed = true;
        }
        cvar.notify_all();
    }
}

impl OpenFile {
    /// Opens `path` (an error names it) and starts reading it, all of it.
    pub fn start(path: &Path) -> Result<OpenFile, String> {
        OpenFile::start_at(path, None)
    }

    /// Opens `path` and reads it up to `until` (µs since the Unix epoch; None: all of it),
    /// and `extra` messages past it.
    fn start_at(path: &Path, until: Option<(u64, u64)>) -> Result<OpenFile, String> {
        let shown = crate::text::clean(&path.display().to_string()).into_owned();
        let file = File::open(path).map_err(|e| format!("--open {shown}: cannot open it: {e}"))?;
        let (tx, rx) = sync_channel(AHEAD);
        let gate: SharedGate = Arc::new((
            Mutex::new(Gate {
                until: until.map(|u| u.0),
                extra: until.map_or(0, |u| u.1),
                closed: false,
            }),
            Condvar::new(),
        ));
        let held = Arc::clone(&gate);
        std::thread::Builder::new()
            .name("open-file".into())
            .spawn(move || read_all(BufReader::with_capacity(256 * 1024, file), &tx, &held))
            .map_err(|e| format!("--open {shown}: cannot start its reader: {e}"))?;
        Ok(OpenFile {
            rx,
            path: path.to_path_buf(),
            gate,
        })
    }

    /// Moves the gate: on to a later moment (or all), some messages more, or back (the file is
    /// read again from its start: what comes replaces what was read).
    pub fn set(&mut self, gate: crate::app::effect::TimeGate) -> Result<(), String> {
        use crate::app::effect::TimeGate;
        if let TimeGate::Back { until, extra } = gate {
            let path = self.path.clone();
            *self = OpenFile::start_at(&path, Some((until, extra)))?;
            return Ok(());
        }
        let (lock, cvar) = &*self.gate;
        match gate {
            TimeGate::Back { .. } => {}
            TimeGate::Until(until) => {
                if let Ok(mut g) = lock.lock() {
                    g.until = until;
                }
            }
            TimeGate::Step(n) => {
                if let Ok(mut g) = lock.lock() {
                    g.extra += n;
                }
            }
        }
        cvar.notify_all();
        Ok(())
    }

    /// What is ready, without waiting (at most a few batches: the loop keeps its frame).
    pub fn take(&mut self) -> Vec<Feed> {
        let mut out = Vec::new();
        for _ in 0..AHEAD {
            match self.rx.try_recv() {
                Ok(f) => out.push(f),
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
            }
        }
        out
    }
}

/// A recorded message as the store files it: when it arrived, by its wall time; a line with
/// only an offset, at the recording's start plus its offset.
fn message(r: crate::publish::recorded::Recorded, started: Option<SystemTime>) -> Message {
    let received = r
        .time
        .or_else(|| {
            let ms = r.offset_ms?;
            started?.checked_add(Duration::from_secs_f64(ms / 1e3))
        })
        .unwrap_or(SystemTime::UNIX_EPOCH);
    Message {
        topic: r.publish.topic.into(),
        payload: r.publish.payload,
        qos: r.publish.qos,
        retain: r.publish.retain,
        dup: false,
        received,
        properties: r.publish.properties,
    }
}

/// Whether the message at `t` (µs) may go now; waits, with what is batched handed over first,
/// while the gate holds it back. False: the explorer let go of this reader.
fn wait_for_gate(
    gate: &SharedGate,
    t: u64,
    batch: &mut Vec<MqttEvent>,
    tx: &std::sync::mpsc::SyncSender<Feed>,
) -> bool {
    let (lock, cvar) = &**gate;
    loop {
        let Ok(mut g) = lock.lock() else {
            return false;
        };
        if g.closed {
            return false;
        }
        match g.until {
            None => return true,
            Some(u) if t <= u => return true,
            _ => {}
        }
        if g.extra > 0 {
            g.extra -= 1;
            g.until = Some(t);
            return true;
        }
        if !batch.is_empty() {
            drop(g);
            let full = std::mem::replace(batch, Vec::with_capacity(BATCH));
            if tx.send(Feed::Messages(full)).is_err() {
                return false;
            }
            continue;
        }
        // Woken by a new gate; the timeout only bounds a wait nobody ends.
        let _ = cvar.wait_timeout(g, Duration::from_millis(500));
    }
}

fn micros(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64)
}

fn read_all(
    mut reader: BufReader<File>,
    tx: &std::sync::mpsc::SyncSender<Feed>,
    gate: &SharedGate,
) {
    let (mut buf, mut consumed, mut line_no) = (Vec::new(), 0u64, 0u64);
    let (mut messages, mut bad, mut told) = (0u64, 0u64, Vec::new());
    let mut started: Option<SystemTime> = None;
    let mut batch = Vec::with_capacity(BATCH);
    let mut failed = None;
    loop {
        line_no += 1;
        let parsed = match next_line(&mut reader, &mut buf, LINE_MAX, &mut consumed) {
            Err(e) => {
                failed = Some(format!("reading line {line_no} failed: {e}"));
                break;
            }
            Ok(Read::End) => break,
            Ok(Read::TooLong) => Err(format!("longer than {} MiB", LINE_MAX >> 20)),
            Ok(Read::Line) => parse_line(&buf).map_err(|e| e.to_string()),
        };
        match parsed {
            Ok(Line::Header(h)) => {
                started = h["started"].as_str().and_then(rfc3339_time);
            }
            Ok(Line::Blank) => {}
            Ok(Line::Message(r)) => {
                let m = message(*r, started);
                if !wait_for_gate(gate, micros(m.received), &mut batch, tx) {
                    return;
                }
                batch.push(MqttEvent::Message(m));
                messages += 1;
                if batch.len() == BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    if tx.send(Feed::Messages(full)).is_err() {
                        return; // the explorer closed
                    }
                }
            }
            Err(why) => {
                bad += 1;
                if told.len() < BAD_TOLD {
                    told.push(format!("line {line_no}: {why}"));
                }
            }
        }
    }
    if !batch.is_empty() && tx.send(Feed::Messages(batch)).is_err() {
        return;
    }
    let _ = tx.send(Feed::Read(Output::FileRead {
        messages,
        bad,
        told,
        failed,
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_read_in_batches_and_bad_lines_are_counted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.jsonl");
        let mut text = String::from(
            "{\"recording\":{\"format\":\"mqscope recording\",\"version\":1,\"started\":\"2026-12-08T00:00:00Z\"}}\n",
        );
        for i in 0..1500 {
            text += &format!(
                "{{\"topic\":\"t/{}\",\"payload\":\"{i}\",\"offset_ms\":{i}}}\n",
                i % 3
            );
        }
        text += "not json\n{\"topic\":\"t\"}\n";
        std::fs::write(&path, text).unwrap();
        let mut open = OpenFile::start(&path).unwrap();
        let (mut got, mut end) = (Vec::new(), None);
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while end.is_none() && std::time::Instant::now() < deadline {
            for f in open.take() {
                match f {
                    Feed::Messages(b) => got.extend(b),
                    Feed::Read(o) => end = Some(o),
                }
            }
            std::thread::yield_now();
        }
        assert_eq!(got.len(), 1500);
        let MqttEvent::Message(m) = &got[1000] else {
            panic!()
        };
        assert_eq!(m.topic.as_str(), "t/1");
        assert_eq!(
            m.received,
            SystemTime::from(chrono::DateTime::parse_from_rfc3339("2026-12-08T00:00:01Z").unwrap())
        );
        match end {
            Some(Output::FileRead {
                messages,
                bad,
                told,
                failed,
            }) => {
                assert_eq!((messages, bad, failed), (1500, 2, None));
                assert_eq!(told[1], "line 1503: \"payload\" is missing");
            }
            other => panic!("{other:?}"),
        }
        assert!(OpenFile::start(&dir.path().join("none")).is_err());
    }
}
