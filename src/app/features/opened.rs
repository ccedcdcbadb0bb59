//! `--open FILE`: a recording browsed with no broker. Its messages come in through the same
//! door as a broker's (`Msg::Mqtt`); this holds what the status bar says of the file, and
//! what the reader's end tells the user.

use crate::app::{App, Level};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Opened {
    /// The file's name as given, escaped.
    pub file: String,
    /// Read to its end.
    pub done: bool,
    /// Where the recording's time stands (`L`: stepped and played).
    pub time: super::playback::Playhead,
}

impl App {
    /// The reader reached the file's end (or stopped: `failed`).
    pub(in crate::app) fn file_read(
        &mut self,
        messages: u64,
        bad: u64,
        told: Vec<String>,
        failed: Option<String>,
    ) {
        let Some(opened) = &mut self.opened else {
            return;
        };
        opened.done = true;
        let file = opened.file.clone();
        let read = crate::text::count(messages, "message", "messages");
        if let Some(why) = failed {
            self.tell(
                Level::Error,
                format!(
                    "{file}: {}; {read} read before it",
                    crate::text::clean(&why)
                ),
            );
            return;
        }
        if bad == 0 {
            self.tell(Level::Info, format!("{file}: {read} read"));
            return;
        }
        let lines: Vec<String> = told
            .iter()
            .map(|t| crate::text::clean(t).into_owned())
            .collect();
        let mut words = format!(
            "{file}: {read} read; {} skipped ({})",
            crate::text::count(bad, "bad line", "bad lines"),
            lines.join("; ")
        );
        if bad > told.len() as u64 {
            words += &format!(" and {} more", bad - told.len() as u64);
        }
        self.tell(Level::Warning, words);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::Opened;
    use crate::app::effect::Output;
    use crate::app::{App, Clock, ConnId, Msg};
    use crate::store::Limits;

    #[test]
    fn a_file_s_messages_fill_the_tree_and_its_end_is_told() {
        let t0 = Instant::now();
        let mut app = App::new(Vec::new(), Limits::default(), t0);
        app.opened = Some(Opened {
            file: "rec.jsonl".into(),
            ..Opened::default()
        });
        let batch = vec![
            crate::app::test_support::message("a/b"),
            crate::app::test_support::message("a/c"),
        ];
        app.update(Msg::Mqtt(ConnId::FIRST, batch), Clock::at(t0));
        assert_eq!(app.link.store.tree.topic_count(), 2);
        app.update(
            Msg::Done(Output::FileRead {
                messages: 2,
                bad: 7,
                told: vec![
                    "line 3: not JSON".into(),
                    "line 9: \"qos\": 0, 1 or 2".into(),
                ],
                failed: None,
            }),
            Clock::at(t0),
        );
        assert!(app.opened.as_ref().is_some_and(|o| o.done));
        let told = app.notice_text().unwrap_or_default();
        assert_eq!(
            told,
            "rec.jsonl: 2 messages read; 7 bad lines skipped (line 3: not JSON; line 9: \"qos\": 0, 1 or 2) and 5 more"
        );
    }
}
