//! Compose's publish history and snippets (`Ctrl+P`): every publish from compose (topic,
//! payload, QoS, retain, properties, outcome, time) is kept, across restarts in the data
//! directory (`history_file.rs`, bounded to `MAX`), and can be loaded back into compose and
//! sent again; the profile file's `[[snippets]]` are offered first.

use std::collections::VecDeque;
use std::time::SystemTime;

use crate::app::effect::Draft;
use crate::app::{App, Effect};
use crate::config::Snippet;

/// Publishes kept (`MAX`; the oldest go first), and the file holds as many.
pub use crate::publish::history_item::{HistoryItem, MAX};

#[derive(Debug, Default)]
pub struct History {
    /// Oldest first.
    pub items: VecDeque<HistoryItem>,
    /// New items not yet written to the file (the loop hands them to a job).
    unsaved: Vec<HistoryItem>,
    /// Items the file has taken this session (its jobs report them).
    pub saved: usize,
    /// Lines the file holds: past a fifth over `MAX`, it is rewritten with `items` (the newest
    /// `MAX`), so it stays bounded without being read back.
    file_lines: usize,
    pub snippets: Vec<Snippet>,
}

impl History {
    pub fn new(items: Vec<HistoryItem>, snippets: Vec<Snippet>) -> History {
        let mut items: VecDeque<HistoryItem> = items.into();
        while items.len() > MAX {
            items.pop_front();
        }
        History {
            file_lines: items.len(),
            items,
            unsaved: Vec::new(),
            saved: 0,
            snippets,
        }
    }

    /// The file holds `n` lines (as read at start; it may hold more than it gave).
    pub fn with_file_lines(mut self, n: usize) -> History {
        self.file_lines = n;
        self
    }

    /// A compose publish finished with `outcome`.
    pub fn record(&mut self, draft: &Draft, outcome: String, time: SystemTime) {
        let item = HistoryItem {
            time,
            publish: draft.publish.clone(),
            outcome,
        };
        if self.items.len() >= MAX {
            self.items.pop_front();
        }
        self.items.push_back(item.clone());
        self.unsaved.push(item);
    }
}

impl History {
    /// What the file needs now, once each: the new items appended, or (when the file has
    /// grown a fifth past `MAX`) every item kept, written anew. None when nothing is new.
    pub fn to_save(&mut self) -> Option<Effect> {
        if self.unsaved.is_empty() {
            return None;
        }
        let new = std::mem::take(&mut self.unsaved);
        let count = new.len();
        self.file_lines += count;
        Some(if self.file_lines > MAX + MAX / 5 {
            self.file_lines = self.items.len();
            Effect::SaveHistory {
                items: self.items.iter().cloned().collect(),
                rewrite: true,
                new: count,
            }
        } else {
            Effect::SaveHistory {
                items: new,
                rewrite: false,
                new: count,
            }
        })
    }
}

impl App {
    /// New history items for the file (asked after every message).
    pub(in crate::app) fn history_effects(&mut self) -> Vec<Effect> {
        self.history.to_save().into_iter().collect()
    }

    /// Compose takes a kept publish: topic, payload, QoS, retain and properties.
    pub fn load_into_compose(&mut self, item: &HistoryItem) {
        self.compose.set_topic(&item.topic);
        // The bytes as sent: text as text, anything else as base64 (it once went through a
        // lossy text conversion, and Ctrl+S then sent other bytes).
        self.compose.set_payload_bytes(&item.payload);
        self.compose.set_qos(item.qos.as_u8());
        self.compose.retain = item.retain;
        self.compose.set_properties(item.properties.clone());
    }

    /// Compose takes a snippet (its templates expand when it is sent).
    pub fn load_snippet(&mut self, s: &Snippet) {
        self.compose.set_topic(&s.topic);
        self.compose.payload.set(&s.payload);
        self.compose.set_qos(s.qos.as_u8());
        self.compose.retain = s.retain;
    }

    /// Compose's message as a snippet named `name`, written into the profile file.
    pub fn save_snippet(&mut self, name: String) -> Vec<Effect> {
        let s = Snippet {
            name,
            topic: self.compose.topic_text(),
            payload: self.compose.payload_text(),
            qos: self.compose.qos,
            retain: self.compose.retain,
        };
        match self.history.snippets.iter_mut().find(|k| k.name == s.name) {
            Some(old) => *old = s.clone(),
            None => self.history.snippets.push(s.clone()),
        }
        vec![Effect::SaveSnippet(s)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mqtt::QoS;
    use bytes::Bytes;

    #[test]
    fn the_file_is_appended_to_then_rewritten_once_a_fifth_over() {
        let mut app = App::new(Vec::new(), Default::default(), std::time::Instant::now());
        app.history = History::new(Vec::new(), Vec::new()).with_file_lines(MAX + MAX / 5 - 1);
        let draft = Draft {
            publish: crate::publish::Publish {
                topic: "t".into(),
                payload: Bytes::from_static(b"x"),
                qos: QoS::AtMostOnce,
                retain: false,
                properties: None,
            },
            templated: true,
            compose: true,
        };
        app.history
            .record(&draft, "sent".into(), SystemTime::UNIX_EPOCH);
        assert!(matches!(
            &app.history_effects()[..],
            [Effect::SaveHistory {
                rewrite: false,
                new: 1,
                ..
            }]
        ));
        app.history
            .record(&draft, "sent".into(), SystemTime::UNIX_EPOCH);
        let e = app.history_effects();
        assert!(
            matches!(&e[..], [Effect::SaveHistory { rewrite: true, new: 1, items, .. }] if items.len() == 2),
            "{e:?}"
        );
        assert!(app.history_effects().is_empty());
    }
}
