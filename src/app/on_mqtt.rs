//! What the worker reports: messages into the store, connection state into the status,
//! publish outcomes into compose (or the clean-up), SUBACK and UNSUBACK into the subscription
//! list.

use crate::app::Level;
use std::time::Instant;

use super::{App, SubStatus};
use crate::mqtt::{ConnState, Message, MqttEvent};

impl App {
    /// One MQTT event from the worker (a batch comes through `update`).
    pub(super) fn on_mqtt(&mut self, event: MqttEvent) {
        let now = self.now;
        match event {
            MqttEvent::Packet(p) => self.link.traced(*p),
            MqttEvent::Message(m) => {
                let sparkplug = m.topic.starts_with("spBv1.0/");
                if self.mocking.is_some() {
                    self.mock_observe(&m);
                }
                // What an alert rule watches is read before the store takes the message.
                let watched = (!self.alerts.engine.is_empty()
                    && self.alerts.engine.wants(&m.topic))
                .then(|| (m.topic.to_string(), m.payload.clone()));
                let schema = (!self.schemas.rules.is_empty())
                    .then(|| self.schema_rule_for(&m.topic))
                    .flatten()
                    .map(|r| (r, m.payload.clone()));
                let Some(node) = self.link.store.ingest(m, false, now) else {
                    return; // a new topic past the budget: counted, not kept
                };
                if let Some((topic, payload)) = watched {
                    self.alert_observe(&topic, &payload, node);
                }
                if let Some((rule, payload)) = schema {
                    self.schema_observe(rule, &payload, node);
                }
                // Births and sequence numbers are followed as messages arrive, so data by alias
                // reads by name and a gap is seen even on topics nobody is looking at. Read back
                // from the store: nothing is copied for the other messages.
                if (sparkplug || !self.requests.is_empty())
                    && let Some(e) = self.link.store.last(node)
                {
                    let (seq, payload) = (e.seq(), self.link.store.payload_bytes(e));
                    let correlation = self
                        .link
                        .store
                        .properties(e)
                        .and_then(|p| p.correlation_data.clone());
                    let topic = self.link.store.tree.path(node);
                    if sparkplug {
                        self.sparkplug.observe(seq, &topic, &payload);
                    }
                    if !self.requests.is_empty() {
                        self.note_response(seq, &topic, correlation.as_deref(), now);
                    }
                }
                if self.tree.selected.is_none() {
                    // The first topic seen is opened and selected, so the first screen shows a
                    // message in the detail and keys work at once.
                    self.tree.reveal(&self.link.store, node);
                    self.tree.selected = Some(node);
                }
                if self.log_is_narrowed() {
                    self.refresh_log_index();
                }
            }
            MqttEvent::State(state) => self.on_state(state, now),
            MqttEvent::ConnAck(info) => {
                if let Some(n) = info.notable() {
                    self.tell(Level::Warning, n);
                }
                self.link.connack = Some(info);
            }
            MqttEvent::Publish { id, outcome } => {
                if self.alert_outcome(id, &outcome) || self.cleanup_outcome(id, &outcome) {
                    return;
                }
                if self.link.outbox.is_ours(id) {
                    if outcome.is_final()
                        && let Some(row) = self.link.outbox.rows.iter().find(|r| r.id == id)
                        && row.draft.compose
                    {
                        let (draft, at) = (row.draft.clone(), row.queued);
                        self.history.record(&draft, outcome.to_string(), at);
                    }
                    let failed = outcome.is_failure();
                    // A repeat's publish shows beside its progress; any other, with its time.
                    match self.repeat.outcome_words(&outcome.to_string()) {
                        Some(words) => self.compose.status = Some((words, failed)),
                        None => self
                            .compose
                            .set_outcome(outcome.to_string(), failed, self.wall),
                    }
                    if let Some(row) = self.link.outbox.on_outcome(id, &outcome) {
                        self.file_our_publish(row, now);
                    }
                }
            }
            MqttEvent::Subscribed(results) => self.on_suback(results),
            MqttEvent::Unsubscribed(filters) => self.on_unsuback(filters),
            MqttEvent::UnsubscribeRefused { filter, why } => {
                self.on_unsubscribe_refused(filter, why)
            }
            MqttEvent::Negotiated { protocol, note } => {
                if let Some(c) = self.link.conn.as_mut() {
                    c.protocol = protocol;
                }
                self.link.protocol_note = note;
            }
        }
    }

    fn on_state(&mut self, state: ConnState, now: Instant) {
        let Some(conn) = self.link.conn.as_mut() else {
            return;
        };
        match &state {
            ConnState::Reconnecting { after, error, .. } => {
                conn.retry_at = Some(now + *after);
                conn.last_error = Some(error.words.clone());
            }
            ConnState::Disconnected { error: Some(e) } => {
                conn.retry_at = None;
                conn.last_error = Some(e.words.clone());
            }
            ConnState::Connected { .. } => {
                conn.retry_at = None;
                self.link.connected_at = Some(now);
                // Every (re)connection subscribes again; SUBACKs will say how it went.
                for s in self.link.subscriptions.iter_mut().filter(|s| s.enabled) {
                    s.status = SubStatus::Pending;
                }
            }
            _ => {}
        }
        conn.state = state;
    }

    /// A publish the broker took: into the log and the tree, at the time it was sent.
    fn file_our_publish(&mut self, row: super::outbox::OutRow, now: Instant) {
        let d = row.draft.publish;
        let msg = Message {
            topic: d.topic.into(),
            payload: d.payload,
            qos: d.qos,
            retain: d.retain,
            dup: false,
            received: row.queued,
            properties: d.properties,
        };
        self.link.store.ingest(msg, true, now);
        self.refresh_log_index();
    }
}
