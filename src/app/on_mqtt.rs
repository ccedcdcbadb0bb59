//! What the worker reports, and what the runner reports back about our own requests: messages
//! into the store, connection state into the status, publish outcomes into compose, SUBACK and
//! UNSUBACK into the subscription list, job results into the pane that asked.

use crate::app::Level;
use std::time::{Instant, SystemTime};

use super::effect::{Draft, JobKind, JobResult, Queued};
use super::{App, SubStatus};
use crate::mqtt::{ConnState, Message, MqttEvent};

impl App {
    /// One MQTT event from the worker.
    pub fn on_mqtt(&mut self, event: MqttEvent, now: Instant) {
        match event {
            MqttEvent::Message(m) => {
                let sparkplug = m.topic.starts_with("spBv1.0/");
                let Some(node) = self.store.ingest(m, false, now) else {
                    return; // a new topic past the budget: counted, not kept
                };
                // Births and sequence numbers are followed as messages arrive, so data by alias
                // reads by name and a gap is seen even on topics nobody is looking at. Read back
                // from the store: nothing is copied for the other messages.
                if (sparkplug || !self.requests_empty())
                    && let Some(e) = self.store.last(node)
                {
                    let (seq, payload) = (e.seq(), e.payload.clone());
                    let correlation = self
                        .store
                        .properties(e)
                        .and_then(|p| p.correlation_data.clone());
                    let topic = self.store.tree.path(node);
                    if sparkplug {
                        self.sparkplug.observe(seq, &topic, &payload);
                    }
                    if !self.requests_empty() {
                        self.note_response(seq, &topic, correlation.as_deref(), now);
                    }
                }
                if self.tree.selected.is_none() {
                    // The first topic seen is opened and selected, so the first screen shows a
                    // message in the detail and keys work at once.
                    self.tree.reveal(&self.store, node);
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
                self.connack = Some(info);
            }
            MqttEvent::Publish { id, outcome } => {
                if self.cleanup_outcome(id, &outcome) {
                    return;
                }
                if self.outbox.is_ours(id) {
                    if outcome.is_final()
                        && let Some(row) = self.outbox.rows.iter().find(|r| r.id == id)
                        && row.draft.templated
                    {
                        let (draft, at) = (row.draft.clone(), row.queued);
                        self.history.record(&draft, outcome.to_string(), at);
                    }
                    let failed = outcome.is_failure();
                    match &self.repeat {
                        // Repeating: the progress stays, the last outcome beside it (each
                        // publish's outcome once replaced "repeating: N of M").
                        Some(r) => {
                            self.compose.status = Some((
                                format!(
                                    "repeating: {} of {} sent (Ctrl+R stops) · last: {outcome}",
                                    r.sent, r.total
                                ),
                                failed,
                            ))
                        }
                        None => {
                            self.compose
                                .set_outcome(outcome.to_string(), failed, SystemTime::now())
                        }
                    }
                    if let Some(row) = self.outbox.on_outcome(id, &outcome) {
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
                if let Some(c) = self.conn.as_mut() {
                    c.protocol = protocol;
                }
                self.protocol_note = note;
            }
        }
    }

    fn on_state(&mut self, state: ConnState, now: Instant) {
        let Some(conn) = self.conn.as_mut() else {
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
                self.connected_at = Some(now);
                // Every (re)connection subscribes again; SUBACKs will say how it went.
                for s in self.subscriptions.iter_mut().filter(|s| s.enabled) {
                    s.status = SubStatus::Pending;
                }
            }
            _ => {}
        }
        conn.state = state;
    }

    /// Called when an `Effect::Publish` was queued (or not) by the worker, at `queued` (the
    /// wall clock, passed in like `now`).
    pub fn published(&mut self, draft: &Draft, result: Queued, queued: SystemTime) {
        match result {
            Ok(id) => self.outbox.queued(id, draft.clone(), queued),
            Err(why) => self.compose.status = Some((format!("not sent: {why}"), true)),
        }
    }

    /// A publish the broker took: into the log and the tree, at the time it was sent.
    fn file_our_publish(&mut self, row: super::outbox::OutRow, now: Instant) {
        let d = row.draft;
        let msg = Message {
            topic: d.topic,
            payload: d.payload,
            qos: d.qos,
            retain: d.retain,
            dup: false,
            received: row.queued,
            properties: d.properties,
        };
        self.store.ingest(msg, true, now);
        self.refresh_log_index();
    }

    /// A job's result, delivered only when it answers the newest request of its kind.
    pub fn on_job(&mut self, result: JobResult, now: Instant) {
        self.now = now;
        match (&result.kind, result.outcome) {
            (JobKind::ResolveProfile(name), Err(why)) => {
                self.conn = None;
                self.tell(Level::Error, format!("{name}: {why}"));
                self.open_picker_at(name.clone());
            }
            (JobKind::ResolveProfile(_), Ok(_)) => {
                if self
                    .notice_text()
                    .is_some_and(|n| n.starts_with("running "))
                {
                    self.notices.clear();
                }
            }
            (JobKind::Decode, outcome) => self.on_run(outcome.map(String::into_bytes)),
            // Its findings arrive through `on_found`; here only a failure.
            (JobKind::RetainedLook(filter), Err(why)) => {
                let filter = filter.clone();
                self.on_found(&filter, Err(why));
            }
            (JobKind::RetainedLook(_), Ok(_)) => {}
            (JobKind::SaveHistory, Ok(n)) => self.history.saved += n.parse::<usize>().unwrap_or(0),
            (JobKind::LoadPayload, Ok(read)) => {
                // "text:…" or "base64:…" (a file that is not UTF-8 text).
                let (encoding, body) = match read.split_once(':') {
                    Some(("base64", b)) => (super::compose::Encoding::Base64, b),
                    Some((_, t)) => (super::compose::Encoding::Text, t),
                    None => (super::compose::Encoding::Text, read.as_str()),
                };
                self.compose.encoding = encoding;
                self.compose.payload.set(body);
                self.tell(Level::Info, format!("payload loaded ({})", encoding.name()));
            }
            (JobKind::RemoveProfile(name), outcome) => {
                let name = name.clone();
                self.on_profile_removed(&name, outcome);
            }
            (JobKind::TestProfile, outcome) => self.on_profile_tested(outcome),
            (JobKind::LoadPayload, Err(why)) => {
                self.tell(Level::Error, format!("payload not loaded: {why}"))
            }
            (JobKind::SaveHistory, Err(why)) => {
                self.tell(Level::Error, format!("publish history not saved: {why}"))
            }
            (JobKind::SaveSnippet(_), Ok(words)) => self.tell(Level::Info, words),
            (JobKind::SaveSnippet(name), Err(why)) => self.tell(
                Level::Error,
                format!("snippet '{}' not saved: {why}", crate::text::clean(name)),
            ),
            (JobKind::Export(_), Ok(words)) => self.tell(Level::Info, words),
            (JobKind::Export(topic), Err(why)) => self.tell(
                Level::Error,
                format!("{} not exported: {why}", crate::text::clean(topic)),
            ),
            (JobKind::SaveProfile(_), outcome) => self.on_profile_saved(outcome),
        }
    }

    /// Time-driven rules (a countdown, a pending publish that times out) hook in here; the loop
    /// calls it once a second even when nothing arrives.
    pub fn on_tick(&mut self, now: Instant) {
        self.now = now;
        self.notices.tick(now);
        self.expire_requests(now);
    }

    /// Reopens the picker on profile `name` (after a failed connect).
    pub fn open_picker_at(&mut self, name: String) {
        let selected = self
            .profiles
            .iter()
            .position(|p| p.name == name)
            .unwrap_or(0);
        self.popups
            .push(super::popup::Popup::Picker(super::popup::PickerPopup::at(
                selected,
            )));
    }
}
