//! Bookkeeping between our requests and rumqttc's packet ids: which of our publishes is which
//! packet id (so acks reach the right caller), which subscribe request a SUBACK answers, and the
//! outbox that keeps unacknowledged QoS 1/2 publishes from being lost on a reconnect.
//!
//! rumqttc reports `Outgoing::Publish(pkid)` in the order it takes requests from its queue, with
//! its pending (re-sent) requests first. The tracker mirrors that order: a FIFO of requests not
//! yet numbered, and maps of numbered ones awaiting their ack. Pure logic, no I/O.

use super::types::Subscription;
use std::collections::{HashMap, VecDeque};

use super::link::{Parked, Restored};
use super::types::{MqttEvent, PublishId, PublishOutcome, QoS, SubscribeResult};

#[derive(Debug, Clone, Copy)]
struct Pending {
    id: PublishId,
    qos: QoS,
    /// Bytes of the PUBLISH packet: a close right after a large one may be a size limit.
    size: usize,
}

/// The largest PUBLISH that may be written on this connection, and whose limit it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PacketLimit {
    pub max: usize,
    /// The broker's (MQTT 5 CONNACK's Maximum Packet Size), or our own `max_packet_size`.
    pub broker: bool,
}

#[derive(Debug, Clone)]
enum SubRequest {
    Subscribe(Vec<Subscription>),
    Unsubscribe(String),
}

#[derive(Debug, Default)]
pub struct Tracker {
    unnumbered: VecDeque<Pending>,
    in_flight: HashMap<u16, Pending>,
    sub_unnumbered: VecDeque<SubRequest>,
    sub_in_flight: HashMap<u16, SubRequest>,
    /// What we want to be subscribed to; sent again on every CONNACK.
    subscriptions: Vec<Subscription>,
    /// Set at each CONNACK; `None` before the first.
    pub limit: Option<PacketLimit>,
    /// Whether the connection speaks MQTT 5 (properties count in a packet's size).
    pub v5: bool,
    /// The size of the publish `on_out_publish` was last told of.
    pub last_written_size: usize,
    /// Our own `max_packet_size`: rumqttc's 3.1.1 stack refuses to write more.
    pub own_max: usize,
    /// The packet trace, when asked for (`WorkerOptions::trace`): kept here, as both tasks
    /// tell it things (the command task our publishes' topics, the poll task the packets).
    pub trace: Option<super::trace::Trace>,
}

fn publish_event(id: PublishId, outcome: PublishOutcome) -> MqttEvent {
    MqttEvent::Publish { id, outcome }
}

/// The tracker, even after a panic elsewhere while it was held (it is plain data).
pub(super) fn lock(tracker: &std::sync::Mutex<Tracker>) -> std::sync::MutexGuard<'_, Tracker> {
    tracker.lock().unwrap_or_else(|e| e.into_inner())
}

impl Tracker {
    pub fn new(initial: Vec<Subscription>) -> Tracker {
        let mut t = Tracker::default();
        for s in initial {
            t.remember_subscription(s);
        }
        t
    }

    pub fn subscriptions(&self) -> &[Subscription] {
        &self.subscriptions
    }

    /// Our own publishes not yet finished (queued, in flight, or awaiting PUBCOMP).
    #[cfg(test)]
    pub fn outstanding(&self) -> usize {
        self.unnumbered.len() + self.in_flight.len()
    }

    fn remember_subscription(&mut self, sub: Subscription) {
        match self
            .subscriptions
            .iter_mut()
            .find(|s| s.filter == sub.filter)
        {
            Some(existing) => *existing = sub,
            None => self.subscriptions.push(sub),
        }
    }

    /// Remembers subscriptions to be made on the next CONNACK.
    pub fn remember(&mut self, subs: &[Subscription]) {
        for s in subs {
            self.remember_subscription(s.clone());
        }
    }

    /// A publish was handed to rumqttc's queue.
    pub fn queued_publish(&mut self, id: PublishId, qos: QoS, size: usize) {
        self.unnumbered.push_back(Pending { id, qos, size });
    }

    /// Which of our publishes rumqttc is writing as packet `pkid` (its `tag`, or for QoS 0 the
    /// oldest waiting), with its QoS and size: what the trace says of an outgoing PUBLISH.
    pub fn about_to_write(&self, pkid: u16, tag: Option<u64>) -> Option<(PublishId, QoS, usize)> {
        let found = match tag {
            Some(tag) => self
                .unnumbered
                .iter()
                .chain(self.in_flight.values())
                .find(|p| p.id.0 == tag),
            None if pkid == 0 => self.unnumbered.iter().find(|p| p.qos == QoS::AtMostOnce),
            None => self.in_flight.get(&pkid),
        };
        found.map(|p| (p.id, p.qos, p.size))
    }

    /// Which of our publishes packet `pkid` is, its QoS and its size, while it awaits its ack.
    pub fn in_flight(&self, pkid: u16) -> Option<(PublishId, QoS, usize)> {
        self.in_flight.get(&pkid).map(|p| (p.id, p.qos, p.size))
    }

    /// The packet's size, or why `req` must not be written: it is larger than the connection
    /// takes. Refused here, the publish fails alone; written, it would cost the whole
    /// connection.
    pub fn checked_size(&self, req: &super::types::PublishRequest) -> Result<usize, String> {
        let size = super::packet_size::publish_size(req, self.v5);
        match self.limit {
            Some(limit) if size > limit.max => {
                let whose = if limit.broker {
                    "the broker takes at most"
                } else {
                    "this connection's max_packet_size allows at most"
                };
                Err(format!(
                    "not sent: the publish is {} bytes as a packet and {whose} {} bytes (the \
                     connection is untouched)",
                    crate::text::thousands(size as u64),
                    crate::text::thousands(limit.max as u64)
                ))
            }
            _ => Ok(size),
        }
    }

    /// Stops tracking publish `pkid` and reports it failed with `why` (it leaves the outbox).
    pub fn give_up(&mut self, pkid: u16, why: String) -> Option<MqttEvent> {
        let p = self.in_flight.remove(&pkid)?;
        Some(publish_event(p.id, PublishOutcome::Failed(why)))
    }

    /// A subscribe request was handed to rumqttc's queue.
    pub fn queued_subscribe(&mut self, subs: Vec<Subscription>, remember: bool) {
        if remember {
            for s in &subs {
                self.remember_subscription(s.clone());
            }
        }
        self.sub_unnumbered.push_back(SubRequest::Subscribe(subs));
    }

    pub fn queued_unsubscribe(&mut self, filter: String) {
        self.subscriptions.retain(|s| s.filter != filter);
        self.sub_unnumbered
            .push_back(SubRequest::Unsubscribe(filter));
    }

    /// rumqttc wrote a publish as packet `pkid` (0: QoS 0), `tag` being which of ours it is
    /// when rumqttc's state could tell (QoS 1 and 2). With the tag nothing is guessed; without
    /// one (QoS 0) it is the oldest QoS 0 publish waiting, as rumqttc sends in order.
    pub fn on_out_publish(&mut self, pkid: u16, tag: Option<u64>) -> Option<MqttEvent> {
        if pkid == 0 {
            let i = self
                .unnumbered
                .iter()
                .position(|p| p.qos == QoS::AtMostOnce)?;
            let pending = self.unnumbered.remove(i)?;
            self.last_written_size = pending.size;
            return Some(publish_event(pending.id, PublishOutcome::Sent));
        }
        if let Some(tag) = tag {
            if let Some(i) = self.unnumbered.iter().position(|p| p.id.0 == tag) {
                let pending = self.unnumbered.remove(i)?;
                self.last_written_size = pending.size;
                self.in_flight.insert(pkid, pending);
                return None;
            }
            // Already numbered: a retransmission (DUP, a kept session), or the same publish
            // under a fresh packet id.
            let known = self
                .in_flight
                .iter()
                .find(|(_, p)| p.id.0 == tag)
                .map(|(k, p)| (*k, *p));
            if let Some((old, p)) = known {
                self.last_written_size = p.size;
                if old != pkid {
                    self.in_flight.remove(&old);
                    self.in_flight.insert(pkid, p);
                }
            }
            return None;
        }
        // No tag (not ours to know): in order, as before tags.
        if let Some(p) = self.in_flight.get(&pkid) {
            self.last_written_size = p.size;
            return None; // a retransmission of a publish we already track
        }
        let i = self
            .unnumbered
            .iter()
            .position(|p| p.qos != QoS::AtMostOnce)?;
        let pending = self.unnumbered.remove(i)?;
        self.last_written_size = pending.size;
        self.in_flight.insert(pkid, pending);
        None
    }

    pub fn on_puback(&mut self, pkid: u16, error: Option<String>) -> Option<MqttEvent> {
        let p = self.in_flight.remove(&pkid)?;
        Some(publish_event(
            p.id,
            match error {
                // A QoS 2 publish answered with PUBACK (RabbitMQ): the broker took it at QoS 1.
                None if p.qos == QoS::ExactlyOnce => PublishOutcome::Downgraded,
                None => PublishOutcome::Acknowledged,
                Some(e) => PublishOutcome::Failed(e),
            },
        ))
    }

    pub fn on_pubrec(&mut self, pkid: u16, error: Option<String>) -> Option<MqttEvent> {
        match error {
            None => {
                let p = self.in_flight.get(&pkid)?;
                Some(publish_event(p.id, PublishOutcome::Received))
            }
            Some(e) => {
                let p = self.in_flight.remove(&pkid)?;
                Some(publish_event(p.id, PublishOutcome::Failed(e)))
            }
        }
    }

    pub fn on_pubcomp(&mut self, pkid: u16, error: Option<String>) -> Option<MqttEvent> {
        let p = self.in_flight.remove(&pkid)?;
        Some(publish_event(
            p.id,
            match error {
                None => PublishOutcome::Completed,
                Some(e) => PublishOutcome::Failed(e),
            },
        ))
    }

    /// The filters of the SUBSCRIBE or UNSUBSCRIBE rumqttc writes next, in words
    /// (`'a/#' q1, 'b' q0`), for the trace.
    pub fn about_to_subscribe(&self) -> Option<String> {
        Some(match self.sub_unnumbered.front()? {
            SubRequest::Subscribe(subs) => subs
                .iter()
                .map(|s| format!("'{}' q{}", s.filter, s.qos.as_u8()))
                .collect::<Vec<_>>()
                .join(", "),
            SubRequest::Unsubscribe(f) => format!("'{f}'"),
        })
    }

    pub fn on_out_subscribe(&mut self, pkid: u16) {
        if let Some(req) = self.sub_unnumbered.pop_front() {
            self.sub_in_flight.insert(pkid, req);
        }
    }

    pub fn on_suback(&mut self, pkid: u16, granted: Vec<Result<QoS, String>>) -> Option<MqttEvent> {
        match self.sub_in_flight.remove(&pkid)? {
            SubRequest::Subscribe(subs) => {
                let results: Vec<SubscribeResult> = subs
                    .into_iter()
                    .zip(granted.into_iter().chain(std::iter::repeat(Err(
                        "no answer for this filter in SUBACK".to_string(),
                    ))))
                    .map(|(s, granted)| SubscribeResult {
                        filter: s.filter,
                        granted,
                    })
                    .collect();
                // A refused filter is not one we are subscribed to.
                for r in &results {
                    if r.granted.is_err() {
                        self.subscriptions.retain(|s| s.filter != r.filter);
                    }
                }
                Some(MqttEvent::Subscribed(results))
            }
            SubRequest::Unsubscribe(_) => None,
        }
    }

    pub fn on_unsuback(&mut self, pkid: u16, refused: Option<String>) -> Option<MqttEvent> {
        match self.sub_in_flight.remove(&pkid)? {
            SubRequest::Unsubscribe(filter) => Some(match refused {
                None => MqttEvent::Unsubscribed(vec![filter]),
                Some(why) => MqttEvent::UnsubscribeRefused { filter, why },
            }),
            SubRequest::Subscribe(_) => None,
        }
    }

    /// The connection dropped and rumqttc's pending requests were parked.
    pub fn on_lost(&mut self, parked: &Parked) {
        for _ in 0..parked.dropped_subscription_requests {
            self.sub_unnumbered.pop_front();
        }
        self.sub_in_flight.clear();
    }

    /// After CONNACK: publishes rumqttc would have dropped are queued again, in the order it sends them.
    pub fn on_restored(&mut self, restored: &Restored) -> Vec<MqttEvent> {
        let mut events = Vec::new();
        // rumqttc will number the requests in exactly this order; those never sent keep their
        // place among themselves, and requests queued since come after all of them.
        let mut old = std::mem::take(&mut self.unnumbered);
        for entry in &restored.order {
            match entry {
                Some(pkid) => {
                    if let Some(p) = self.in_flight.remove(pkid) {
                        self.unnumbered.push_back(p);
                        events.push(publish_event(p.id, PublishOutcome::Resending));
                    }
                }
                None => {
                    if let Some(p) = old.pop_front() {
                        self.unnumbered.push_back(p);
                    }
                }
            }
        }
        self.unnumbered.extend(old);
        for pkid in &restored.released {
            // The broker had sent PUBREC, then the session was lost before PUBCOMP: a broker
            // that discards the session (mosquitto does) discards the message with it, and
            // nothing on the new connection can tell. Not "completed": unknown.
            if let Some(p) = self.in_flight.remove(pkid) {
                events.push(publish_event(
                    p.id,
                    PublishOutcome::Unknown("the broker dropped the session after PUBREC".into()),
                ));
            }
        }
        events
    }

    /// Everything outstanding, failed with `why` (the worker is stopping).
    pub fn fail_all(&mut self, why: &str) -> Vec<MqttEvent> {
        let mut ids: Vec<PublishId> = self.unnumbered.drain(..).map(|p| p.id).collect();
        ids.extend(self.in_flight.drain().map(|(_, p)| p.id));
        ids.sort();
        ids.into_iter()
            .map(|id| publish_event(id, PublishOutcome::Failed(why.to_string())))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(ev: Option<MqttEvent>) -> Option<(u64, PublishOutcome)> {
        match ev? {
            MqttEvent::Publish { id, outcome } => Some((id.0, outcome)),
            _ => None,
        }
    }

    #[test]
    fn acks_reach_their_publish() {
        let mut t = Tracker::default();
        t.queued_publish(PublishId(1), QoS::AtMostOnce, 10);
        t.queued_publish(PublishId(2), QoS::AtLeastOnce, 10);
        t.queued_publish(PublishId(3), QoS::AtLeastOnce, 10);
        assert_eq!(
            outcome(t.on_out_publish(0, None)),
            Some((1, PublishOutcome::Sent))
        );
        assert!(t.on_out_publish(7, None).is_none());
        assert!(t.on_out_publish(8, None).is_none());
        assert_eq!(
            outcome(t.on_pubrec(8, None)),
            Some((3, PublishOutcome::Received))
        );
        assert_eq!(
            outcome(t.on_puback(7, None)),
            Some((2, PublishOutcome::Acknowledged))
        );
        assert_eq!(
            outcome(t.on_pubcomp(8, None)),
            Some((3, PublishOutcome::Completed))
        );
        assert_eq!(t.outstanding(), 0);
    }

    #[test]
    fn lost_session_requeues_in_order() {
        let mut t = Tracker::default();
        t.queued_publish(PublishId(1), QoS::AtLeastOnce, 10);
        t.queued_publish(PublishId(2), QoS::AtLeastOnce, 10);
        t.queued_publish(PublishId(3), QoS::AtLeastOnce, 10);
        t.on_out_publish(1, None);
        t.on_out_publish(2, None);
        // id 3 is still unnumbered (parked by rumqttc with pkid 0)
        let events = t.on_restored(&Restored {
            order: vec![Some(1), Some(2), None],
            released: vec![],
        });
        assert_eq!(events.len(), 2);
        assert!(t.on_out_publish(1, None).is_none());
        assert!(t.on_out_publish(2, None).is_none());
        assert!(t.on_out_publish(3, None).is_none());
        assert_eq!(outcome(t.on_puback(1, None)).map(|o| o.0), Some(1));
        assert_eq!(outcome(t.on_puback(2, None)).map(|o| o.0), Some(2));
        assert_eq!(outcome(t.on_puback(3, None)).map(|o| o.0), Some(3));
    }

    /// rumqttc re-queues what it had not sent yet first, then its in-flight publishes by packet
    /// id (wrapped: 19, 20 were sent before 1): the tracker follows that order, not its own.
    #[test]
    fn a_lost_session_requeues_in_rumqttc_s_order() {
        let mut t = Tracker::default();
        for id in 1..=5 {
            t.queued_publish(PublishId(id), QoS::ExactlyOnce, 10);
        }
        t.on_out_publish(19, None); // id 1
        t.on_out_publish(20, None); // id 2
        t.on_out_publish(1, None); // id 3
        // ids 4 and 5 were never sent; id 6 is queued while reconnecting.
        t.queued_publish(PublishId(6), QoS::ExactlyOnce, 10);
        let events = t.on_restored(&Restored {
            order: vec![None, None, Some(1), Some(19), Some(20)],
            released: vec![],
        });
        assert_eq!(events.len(), 3);
        for (pkid, id) in [(1, 4), (2, 5), (3, 3), (4, 1), (5, 2), (6, 6)] {
            assert!(t.on_out_publish(pkid, None).is_none());
            assert_eq!(
                outcome(t.on_pubcomp(pkid, None)).map(|o| o.0),
                Some(id),
                "packet {pkid}"
            );
        }
        assert_eq!(t.outstanding(), 0);
    }

    /// With rumqttc's tags the order does not matter: a packet id is the publish its tag names,
    /// re-sent, renumbered, or written out of the order it was made in.
    #[test]
    fn tags_name_the_publish_whatever_the_order() {
        let mut t = Tracker::default();
        for id in 1..=3 {
            t.queued_publish(PublishId(id), QoS::ExactlyOnce, 10);
        }
        t.queued_publish(PublishId(4), QoS::AtMostOnce, 10);
        assert!(t.on_out_publish(7, Some(3)).is_none());
        assert!(t.on_out_publish(5, Some(1)).is_none());
        // A QoS 0 publish is the first QoS 0 one waiting, whatever is ahead of it.
        assert_eq!(
            outcome(t.on_out_publish(0, None)),
            Some((4, PublishOutcome::Sent))
        );
        // Publish 1 again under another packet id (a lost session): it moves.
        assert!(t.on_out_publish(9, Some(1)).is_none());
        assert!(t.on_out_publish(6, Some(2)).is_none());
        assert_eq!(outcome(t.on_pubcomp(9, None)).map(|o| o.0), Some(1));
        assert_eq!(
            outcome(t.on_pubcomp(5, None)),
            None,
            "packet 5 is nobody's now"
        );
        assert_eq!(outcome(t.on_pubcomp(6, None)).map(|o| o.0), Some(2));
        assert_eq!(outcome(t.on_pubcomp(7, None)).map(|o| o.0), Some(3));
        assert_eq!(t.outstanding(), 0);
    }

    #[test]
    fn suback_maps_filters_and_forgets_refused() {
        let mut t = Tracker::default();
        t.queued_subscribe(
            vec![
                Subscription::new("a/#", QoS::AtLeastOnce),
                Subscription::new("b", QoS::ExactlyOnce),
            ],
            true,
        );
        t.on_out_subscribe(5);
        let ev = t.on_suback(5, vec![Ok(QoS::AtLeastOnce), Err("not authorized".into())]);
        match ev {
            Some(MqttEvent::Subscribed(r)) => {
                assert_eq!(r[0].filter, "a/#");
                assert_eq!(r[1].granted, Err("not authorized".into()));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(
            t.subscriptions(),
            &[Subscription::new("a/#", QoS::AtLeastOnce)]
        );
    }
}
