//! Compose's publish history and snippets (`Ctrl+P`): every publish from compose (topic,
//! payload, QoS, retain, properties, outcome, time) is kept, across restarts in the data
//! directory (`history_file.rs`, bounded to `MAX`), and can be loaded back into compose and
//! sent again; the profile file's `[[snippets]]` are offered first.

use std::collections::VecDeque;
use std::time::SystemTime;

use super::effect::Draft;
use super::{App, Effect};
use crate::config::Snippet;

pub use super::history_item::HistoryItem;

/// Publishes kept (the oldest go first); the file holds as many.
pub const MAX: usize = 1000;

#[derive(Debug, Default)]
pub struct History {
    /// Oldest first.
    pub items: VecDeque<HistoryItem>,
    /// New items not yet written to the file (the loop hands them to a job).
    unsaved: Vec<HistoryItem>,
    /// Items the file has taken this session (its jobs report them).
    pub saved: usize,
    pub snippets: Vec<Snippet>,
}

impl History {
    pub fn new(items: Vec<HistoryItem>, snippets: Vec<Snippet>) -> History {
        let mut items: VecDeque<HistoryItem> = items.into();
        while items.len() > MAX {
            items.pop_front();
        }
        History {
            items,
            unsaved: Vec::new(),
            saved: 0,
            snippets,
        }
    }

    /// A compose publish finished with `outcome`.
    pub fn record(&mut self, draft: &Draft, outcome: String, time: SystemTime) {
        let item = HistoryItem {
            time,
            topic: draft.topic.clone(),
            payload: draft.payload.clone(),
            qos: draft.qos,
            retain: draft.retain,
            properties: draft.properties.clone(),
            outcome,
        };
        if self.items.len() >= MAX {
            self.items.pop_front();
        }
        self.items.push_back(item.clone());
        self.unsaved.push(item);
    }
}

impl App {
    /// New history items for the file, once each (the loop asks before it draws).
    pub(super) fn history_effects(&mut self) -> Vec<Effect> {
        if self.history.unsaved.is_empty() {
            return Vec::new();
        }
        vec![Effect::SaveHistory(std::mem::take(
            &mut self.history.unsaved,
        ))]
    }

    /// Compose takes a kept publish: topic, payload, QoS, retain and properties.
    pub fn load_into_compose(&mut self, item: &HistoryItem) {
        self.compose.set_topic(&item.topic);
        self.compose
            .payload
            .set(&String::from_utf8_lossy(&item.payload));
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
