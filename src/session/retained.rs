//! Finding and clearing retained messages: what the broker holds under a filter, seen the way
//! `mosquitto_sub --retained-only` sees it (a connection of its own subscribes, and the broker
//! sends its retained messages at once), then cleared by publishing an empty retained message
//! to each topic, each awaited until the broker acknowledged it. Used by the explorer's `D` / `u`
//! (as jobs) and by `mqscope clear-retained`.

use std::time::Duration;

use bytes::Bytes;

use crate::mqtt::{
    self, ConnState, ConnectionSettings, Message, MqttEvent, MqttHandle, PublishOutcome, QoS,
    Subscription, WorkerOptions,
};

/// The broker sends the retained messages right after SUBACK; this long without one more (and
/// without a live message, which would end it at once) ends the look. A broker gives no other
/// sign that the retained messages are all sent.
pub const QUIET: Duration = Duration::from_millis(500);

/// At most this many retained messages are collected in one look (each is kept whole for the
/// undo); a look that reaches it says so.
pub const MAX_FOUND: usize = 100_000;

/// What a look found.
#[derive(Debug, Clone, Default)]
pub struct Found {
    pub messages: Vec<Message>,
    /// True when `MAX_FOUND` stopped the look early.
    pub truncated: bool,
}

/// `base` for a connection of our own beside the user's (a look, a replay): its own client id,
/// a clean session, no subscriptions and no will.
pub(crate) fn own_connection(base: &ConnectionSettings, what: &str) -> ConnectionSettings {
    let mut s = base.clone();
    s.client_id = format!(
        "{}-{what}-{:04x}",
        crate::mqtt::settings::random_client_id(),
        fastrand::u16(..)
    );
    s.client_id.truncate(23);
    s.clean_session = true;
    s.subscriptions.clear();
    s.will = None;
    s
}

/// Events of a connection of our own, one at a time, with what a batch brought kept for later.
pub(crate) struct Events<'a> {
    h: &'a MqttHandle,
    queued: std::collections::VecDeque<MqttEvent>,
}

impl<'a> Events<'a> {
    pub(crate) fn new(h: &'a MqttHandle) -> Events<'a> {
        Events {
            h,
            queued: Default::default(),
        }
    }

    /// The next event within `wait`: Ok(None) when it passed, Err when the connection failed.
    pub(crate) async fn next(&mut self, wait: Duration) -> Result<Option<MqttEvent>, String> {
        loop {
            if let Some(ev) = self.queued.pop_front() {
                return match ev {
                    MqttEvent::State(ConnState::Disconnected { error: Some(e) })
                    | MqttEvent::State(ConnState::Reconnecting { error: e, .. }) => Err(e.words),
                    other => Ok(Some(other)),
                };
            }
            let mut batch = Vec::new();
            match tokio::time::timeout(wait, self.h.events().recv_batch(&mut batch)).await {
                Err(_) => return Ok(None),
                Ok(false) if batch.is_empty() => return Err("the connection closed".into()),
                Ok(_) => self.queued.extend(batch),
            }
        }
    }

    async fn connected(&mut self, limit: Duration) -> Result<(), String> {
        loop {
            match self.next(limit).await? {
                Some(MqttEvent::State(ConnState::Connected { .. })) => return Ok(()),
                Some(_) => {}
                None => return Err(format!("no connection within {} s", limit.as_secs())),
            }
        }
    }
}

/// The retained messages the broker holds under `filter`.
pub async fn find(
    base: &ConnectionSettings,
    filter: &str,
    limit: Duration,
) -> Result<Found, String> {
    let mut settings = own_connection(base, "look");
    settings.subscriptions = vec![Subscription::new(filter, QoS::ExactlyOnce)];
    let h = mqtt::spawn(&settings, WorkerOptions::default()).map_err(|e| e.to_string())?;
    let result = async {
        let mut events = Events::new(&h);
        events.connected(limit).await?;
        let mut found = Found::default();
        let mut subscribed = false;
        loop {
            let wait = if subscribed { QUIET } else { limit };
            let ev = match events.next(wait).await? {
                Some(ev) => ev,
                None if subscribed => return Ok(found),
                None => {
                    return Err(format!(
                        "no SUBACK for '{filter}' within {} s",
                        limit.as_secs()
                    ));
                }
            };
            match ev {
                MqttEvent::Subscribed(rs) => {
                    if let Some(Err(why)) = rs
                        .into_iter()
                        .find(|r| r.filter == filter)
                        .map(|r| r.granted)
                    {
                        return Err(format!("subscription '{filter}' refused: {why}"));
                    }
                    subscribed = true;
                }
                // A live message: the retained ones came before it.
                MqttEvent::Message(m) if !m.retain => return Ok(found),
                // An empty retained message is a clearing, not something held.
                MqttEvent::Message(m) if m.payload.is_empty() => {}
                MqttEvent::Message(m) => {
                    found.messages.push(m);
                    if found.messages.len() >= MAX_FOUND {
                        found.truncated = true;
                        return Ok(found);
                    }
                }
                _ => {}
            }
        }
    }
    .await;
    h.shut_down().await;
    let mut found = result?;
    found.messages.sort_by(|a, b| a.topic.cmp(&b.topic));
    found.messages.dedup_by(|a, b| a.topic == b.topic);
    Ok(found)
}

/// Publishes each message retained at QoS 1 (an empty payload clears), awaiting every PUBACK;
/// `progress` hears how many are done. Returns how many the broker acknowledged, or the first
/// failure with how many were done before it.
pub async fn publish_all(
    base: &ConnectionSettings,
    messages: &[(String, Bytes, QoS, Option<Box<mqtt::Properties>>)],
    limit: Duration,
    mut progress: impl FnMut(usize),
) -> Result<usize, String> {
    let settings = own_connection(base, "clear");
    let h = mqtt::spawn(&settings, WorkerOptions::default()).map_err(|e| e.to_string())?;
    let result = async {
        let mut events = Events::new(&h);
        events.connected(limit).await?;
        let mut done = 0;
        // A window of publishes in flight: fast, and within the command queue's bound.
        let mut pending = std::collections::HashMap::new();
        let mut next = 0;
        while done < messages.len() {
            while next < messages.len() && pending.len() < 64 {
                let (topic, payload, qos, props) = &messages[next];
                // QoS 1 at least, so each one is acknowledged.
                let qos = if *qos == QoS::AtMostOnce {
                    QoS::AtLeastOnce
                } else {
                    *qos
                };
                let publish = crate::publish::Publish {
                    topic: topic.clone(),
                    payload: payload.clone(),
                    qos,
                    retain: true,
                    properties: props.clone(),
                };
                match h.publish(publish) {
                    Ok(id) => {
                        pending.insert(id, topic.clone());
                        next += 1;
                    }
                    Err(_) if !pending.is_empty() => break,
                    Err(e) => return Err(format!("{done} done, then: {e}")),
                }
            }
            let ev = events
                .next(limit)
                .await
                .map_err(|e| format!("{done} done, then the connection failed: {e}"))?
                .ok_or_else(|| {
                    format!(
                        "{done} done, then no acknowledgement within {} s",
                        limit.as_secs()
                    )
                })?;
            if let MqttEvent::Publish { id, outcome } = ev
                && outcome.is_final()
                && let Some(topic) = pending.remove(&id)
            {
                match outcome {
                    PublishOutcome::Failed(why) | PublishOutcome::Unknown(why) => {
                        return Err(format!(
                            "{done} done, then '{}': {why}",
                            crate::text::clean(&topic)
                        ));
                    }
                    _ => {
                        done += 1;
                        progress(done);
                    }
                }
            }
        }
        Ok(done)
    }
    .await;
    h.shut_down().await;
    result
}
