//! The explorer's recording (`E`): a writer on a thread of its own, fed batches over a bounded
//! channel, so the loop never waits for the disk. A batch the channel cannot take is counted
//! back to the app as not recorded (shown, never waited for). The writer ends when the loop
//! drops its side (`E` again, or quitting: then the loop waits a little for the last lines to
//! reach the disk), or when writing fails; its end comes back as `RecordingEnded`.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, TrySendError, sync_channel};
use std::time::{Duration, Instant, SystemTime};

use crate::app::features::record::{Header, Item};
use crate::app::{JobKind, Output};
use crate::headless::record::{self, Recorder};

/// Batches waiting for the writer: at a flood's ~1,000 messages a batch, 256 of them are a
/// quarter of a second of a fast broker and a few MiB of messages whose payloads are shared.
const BATCHES: usize = 256;

/// The loop's side of a recording under way.
pub struct Recording {
    tx: SyncSender<Vec<Item>>,
    /// Told once the last line is on disk.
    done: Receiver<()>,
}

/// The file's name: in `dir`, stamped to the millisecond, so no two recordings share one.
pub fn path_in(dir: &Path) -> PathBuf {
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S%.3f");
    dir.join(format!("mqscope-recording-{stamp}.jsonl"))
}

impl Recording {
    /// Starts the writer for `path`; `finished` is how its end reaches the loop (a job).
    pub fn start(
        path: PathBuf,
        header: Header,
        wall: SystemTime,
        started: Instant,
        jobs: &mut super::jobs::Jobs,
    ) -> Recording {
        let (tx, rx) = sync_channel::<Vec<Item>>(BATCHES);
        let (done_tx, done) = sync_channel(1);
        jobs.spawn_each(JobKind::Record, async move {
            super::jobs::blocking(move || {
                let (written, why) = write_all(&path, &header, wall, started, &rx);
                let _ = done_tx.send(());
                Ok(Output::RecordingEnded { path, written, why })
            })
            .await
        });
        Recording { tx, done }
    }

    /// Hands a batch over; the number of messages not taken when the writer is behind (or
    /// gone: its end is on its way to the loop).
    pub fn send(&self, items: Vec<Item>) -> u64 {
        match self.tx.try_send(items) {
            Ok(()) => 0,
            Err(TrySendError::Full(items) | TrySendError::Disconnected(items)) => {
                items.len() as u64
            }
        }
    }

    /// Ends the recording and waits up to `limit` for its last lines to reach the disk.
    pub fn finish(self, limit: Duration) {
        drop(self.tx);
        let _ = self.done.recv_timeout(limit);
    }
}

/// Writes until the channel closes or a write fails: (messages written, why it failed).
fn write_all(
    path: &Path,
    header: &Header,
    wall: SystemTime,
    started: Instant,
    rx: &Receiver<Vec<Item>>,
) -> (u64, Option<String>) {
    let head = record::Header {
        brokers: header.brokers.clone(),
        filters: header.filters.iter().map(String::as_str).collect(),
        shows: header.shows.as_deref(),
    };
    let mut rec = match Recorder::create(path, head, wall, started) {
        Ok(r) => r,
        Err(f) => return (0, Some(f.to_string())),
    };
    let mut failed = None;
    let mut next = rx.recv().ok();
    while let Some(batch) = next {
        for item in &batch {
            if let Err(f) = rec.write(&item.message, item.broker.as_deref(), item.taken) {
                failed = Some(f.to_string());
                break;
            }
        }
        if failed.is_some() {
            break;
        }
        next = match rx.try_recv() {
            Ok(b) => Some(b),
            // What has come is on disk before waiting for more: a recording cut short by a
            // crash or a kill keeps all but the batch being written.
            Err(TryRecvError::Empty) => match rec.flush() {
                Ok(()) => rx.recv().ok(),
                Err(f) => {
                    failed = Some(f.to_string());
                    break;
                }
            },
            Err(TryRecvError::Disconnected) => None,
        };
    }
    if failed.is_none()
        && let Err(f) = rec.flush()
    {
        failed = Some(f.to_string());
    }
    (rec.written(), failed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mqtt::{Message, QoS};

    fn item(topic: &str, payload: &[u8], taken: Instant) -> Item {
        Item {
            message: Message {
                topic: topic.into(),
                payload: payload.to_vec().into(),
                qos: QoS::AtLeastOnce,
                retain: true,
                dup: false,
                received: SystemTime::UNIX_EPOCH,
                properties: None,
            },
            broker: Some("b".into()),
            taken,
        }
    }

    #[test]
    fn the_writer_writes_a_header_and_each_message_with_its_offset() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.jsonl");
        let (tx, rx) = sync_channel(4);
        let t0 = Instant::now();
        tx.send(vec![
            item("a", b"1", t0 + Duration::from_millis(5)),
            item("b", &[0xff], t0 + Duration::from_millis(7)),
        ])
        .unwrap();
        drop(tx);
        let header = Header {
            brokers: vec!["mqtt://h:1883".into()],
            filters: vec!["#".into()],
            shows: Some("temp".into()),
        };
        let (n, why) = write_all(&path, &header, SystemTime::UNIX_EPOCH, t0, &rx);
        assert_eq!((n, why), (2, None));
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines[0]["recording"]["shows"], "temp");
        assert_eq!(lines[0]["recording"]["brokers"][0], "mqtt://h:1883");
        assert_eq!(lines[1]["offset_ms"], 5.0);
        assert_eq!(lines[1]["broker"], "b");
        assert_eq!(lines[2]["encoding"], "base64");
        assert_eq!(lines[2]["retain"], true);
        // Never over a file that exists.
        let (_, rx) = sync_channel::<Vec<Item>>(1);
        let (n, why) = write_all(&path, &header, SystemTime::UNIX_EPOCH, t0, &rx);
        assert_eq!(n, 0);
        assert!(why.unwrap().contains("the file exists"));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    }
}
