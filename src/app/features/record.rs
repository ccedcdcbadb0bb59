//! `E`: records every message received, from every connection, to a new file (what the
//! tree's filter shows, when one is on as `E` is pressed), until `E` again. The file is the
//! format `sub --record` writes (one reader serves both, `mqscope replay` among them). The
//! messages of each batch go to a writer off the loop as one effect; when the writer cannot
//! keep up, what it could not take is counted and shown, never waited for.

use std::path::PathBuf;
use std::time::Instant;

use crate::app::panes::filter::Filter;
use crate::app::{App, ConnId, Effect, Level};
use crate::mqtt::{Message, MqttEvent};

/// One message for the writer: the message, the connection's name when several are open,
/// and when its batch was taken (the recording's offsets come from this clock).
#[derive(Debug, Clone)]
pub struct Item {
    pub message: Message,
    pub broker: Option<String>,
    pub taken: Instant,
}

/// What the recording's header says of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub brokers: Vec<String>,
    pub filters: Vec<String>,
    /// The tree filter it keeps to, in the user's words.
    pub shows: Option<String>,
}

#[derive(Debug)]
pub struct Recording {
    /// Known once the runner named the file.
    pub path: Option<PathBuf>,
    /// What it keeps (None: everything received).
    pub filter: Option<Filter>,
    /// Handed to the writer.
    pub handed: u64,
    /// Not taken: the writer was behind.
    pub dropped: u64,
    pub started: Instant,
    /// `E` again: the writer is finishing; nothing more is handed to it.
    pub stopping: bool,
}

impl App {
    pub(in crate::app) fn record_key(&mut self) -> Vec<Effect> {
        if let Some(rec) = &mut self.recording {
            if rec.stopping {
                return Vec::new();
            }
            rec.stopping = true;
            return vec![Effect::StopRecording];
        }
        let filter = self
            .tree
            .filter
            .is_active()
            .then(|| self.tree.filter.clone());
        let header = Header {
            brokers: self
                .links()
                .iter()
                .filter_map(|l| l.conn.as_ref().map(|c| c.url.clone()))
                .collect(),
            filters: self
                .links()
                .iter()
                .flat_map(|l| l.subscriptions.iter().map(|s| s.sub.filter.clone()))
                .collect(),
            shows: filter.as_ref().map(|f| f.text.clone()),
        };
        self.recording = Some(Recording {
            path: None,
            filter,
            handed: 0,
            dropped: 0,
            started: self.now,
            stopping: false,
        });
        vec![Effect::StartRecording {
            header,
            started: self.now,
            wall: self.wall,
        }]
    }

    /// The messages of a batch the recording keeps, as one effect for the writer.
    pub(in crate::app) fn record_batch(
        &mut self,
        conn: ConnId,
        batch: &[MqttEvent],
    ) -> Option<Effect> {
        // Nothing to do on a message's way in unless a recording is under way.
        self.recording.as_ref().filter(|r| !r.stopping)?;
        let broker = (self.conn_count() > 1).then(|| {
            self.links()
                .iter()
                .find(|l| l.id == conn)
                .map(|l| crate::app::features::connections::name_of(l))
                .unwrap_or_default()
        });
        let taken = self.now;
        let rec = self.recording.as_mut()?;
        let items: Vec<Item> = batch
            .iter()
            .filter_map(|e| match e {
                MqttEvent::Message(m) => Some(m),
                _ => None,
            })
            .filter(|m| {
                rec.filter
                    .as_ref()
                    .is_none_or(|f| f.matches_message(&m.topic, Some(&m.payload)))
            })
            .map(|m| Item {
                message: m.clone(),
                broker: broker.clone(),
                taken,
            })
            .collect();
        if items.is_empty() {
            return None;
        }
        rec.handed += items.len() as u64;
        Some(Effect::Record(items))
    }

    /// The runner named the file and the writer started.
    pub(in crate::app) fn recording_started(&mut self, path: PathBuf) {
        let file = crate::text::clean(&path.display().to_string()).into_owned();
        if let Some(rec) = &mut self.recording {
            rec.path = Some(path);
            // The bar keeps the count; the file's name is said here whole, as the bar gives it
            // up first when short of room.
            self.tell(Level::Info, format!("recording to {file} (E stops)"));
        }
    }

    /// The writer could not take `n` messages (it was behind).
    pub(in crate::app) fn recording_dropped(&mut self, n: u64) {
        if let Some(rec) = &mut self.recording {
            rec.handed = rec.handed.saturating_sub(n);
            rec.dropped += n;
        }
    }

    /// The writer finished: stopped by `E`, or failed (`why`).
    pub(in crate::app) fn recording_ended(
        &mut self,
        path: PathBuf,
        written: u64,
        why: Option<String>,
    ) {
        let dropped = self.recording.take().map_or(0, |r| r.dropped);
        let file = crate::text::clean(&path.display().to_string()).into_owned();
        let mut words = format!(
            "recorded {} to {file}",
            crate::text::count(written, "message", "messages")
        );
        if dropped > 0 {
            words += &format!(
                " ({} not recorded: the disk did not keep up)",
                crate::text::thousands(dropped)
            );
        }
        match why {
            None if dropped == 0 => self.tell(Level::Info, words),
            None => self.tell(Level::Warning, words),
            Some(why) => self.tell(
                Level::Error,
                format!("recording stopped: {}; {words}", crate::text::clean(&why)),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant, SystemTime};

    use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

    use crate::app::effect::Output;
    use crate::app::test_support::message;
    use crate::app::{App, Clock, ConnId, Effect, Focus, Msg};
    use crate::store::Limits;

    fn at(now: Instant) -> Clock {
        Clock {
            now,
            wall: SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_000_000),
        }
    }

    fn press_e(app: &mut App, now: Instant) -> Vec<Effect> {
        let e = Event::Key(KeyEvent::new(KeyCode::Char('E'), KeyModifiers::SHIFT));
        app.update(Msg::Term(e), at(now))
    }

    fn recorded(effects: &[Effect]) -> Vec<(String, Instant)> {
        effects
            .iter()
            .flat_map(|e| match e {
                Effect::Record(items) => items
                    .iter()
                    .map(|i| (i.message.topic.to_string(), i.taken))
                    .collect(),
                _ => Vec::new(),
            })
            .collect()
    }

    #[test]
    fn e_records_what_the_filter_shows_until_e_again() {
        let t0 = Instant::now();
        let mut app = App::new(Vec::new(), Limits::default(), t0);
        app.focus = Focus::Tree;
        let batch = || vec![message("keep/a"), message("drop/b"), message("keep/c")];
        // Not recording: nothing goes to a writer.
        let fx = app.update(Msg::Mqtt(ConnId::FIRST, batch()), at(t0));
        assert!(recorded(&fx).is_empty());

        app.tree.filter.text = "keep".into();
        let fx = press_e(&mut app, t0);
        let Some(Effect::StartRecording {
            header, started, ..
        }) = fx
            .iter()
            .find(|e| matches!(e, Effect::StartRecording { .. }))
        else {
            panic!("{fx:?}")
        };
        assert_eq!(header.shows.as_deref(), Some("keep"));
        assert_eq!(*started, t0);
        let path = std::path::PathBuf::from("/tmp/r.jsonl");
        app.update(
            Msg::Done(Output::RecordingStarted { path: path.clone() }),
            at(t0),
        );

        let t1 = t0 + Duration::from_millis(250);
        let fx = app.update(Msg::Mqtt(ConnId::FIRST, batch()), at(t1));
        assert_eq!(
            recorded(&fx),
            [("keep/a".to_string(), t1), ("keep/c".to_string(), t1)],
            "the filter's messages, taken at the batch's clock"
        );
        // The writer fell behind by one message: counted, and said.
        app.update(Msg::Done(Output::RecordingDropped(1)), at(t1));
        let rec = app.recording.as_ref().unwrap();
        assert_eq!((rec.handed, rec.dropped), (1, 1));

        // E again: the writer is told to finish, and nothing more is handed to it.
        let fx = press_e(&mut app, t1);
        assert!(
            fx.iter().any(|e| matches!(e, Effect::StopRecording)),
            "{fx:?}"
        );
        let fx = app.update(Msg::Mqtt(ConnId::FIRST, batch()), at(t1));
        assert!(recorded(&fx).is_empty());
        assert!(
            press_e(&mut app, t1).is_empty(),
            "stopping: E waits for the end"
        );

        app.update(
            Msg::Done(Output::RecordingEnded {
                path,
                written: 1,
                why: None,
            }),
            at(t1),
        );
        assert!(app.recording.is_none());
        let told = app.notice_text().unwrap_or_default();
        assert_eq!(
            told,
            "recorded 1 message to /tmp/r.jsonl (1 not recorded: the disk did not keep up)"
        );
    }
}
