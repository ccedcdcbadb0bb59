//! `e`: the shown topic's kept messages (oldest first) written to files by a job (JSON Lines,
//! and a CSV beside it when every payload is a number: `tui/export.rs`); the job's answer is
//! told by `outputs.rs`.

use crate::app::{App, Effect, Level};

impl App {
    pub(in crate::app) fn export_key(&mut self) -> Vec<Effect> {
        let Some(node) = self.detail_entry().map(|e| e.node) else {
            // A branch has no messages of its own: said, not silently ignored.
            self.tell(
                Level::Warning,
                "e exports a topic's kept messages: select a topic (a row with a value)".into(),
            );
            return Vec::new();
        };
        let store = &self.link.store;
        let topic = crate::mqtt::TopicText::from(store.tree.path(node));
        let rows = store
            .history(node)
            .map(|e| crate::mqtt::Message {
                topic: topic.clone(),
                payload: store.payload_bytes(e),
                qos: e.qos(),
                retain: e.retain(),
                dup: e.dup(),
                received: e.received(),
                properties: store.properties(e).cloned().map(Box::new),
            })
            .collect();
        vec![Effect::Export {
            topic: topic.to_string(),
            rows,
        }]
    }
}
