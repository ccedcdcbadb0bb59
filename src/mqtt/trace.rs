//! The packet trace: every control packet of a connection as the worker sees it, with the round
//! trip of each answer from the packet it answers (PUBACK, PUBREC and PUBCOMP from our PUBLISH,
//! SUBACK from SUBSCRIBE, PINGRESP from PINGREQ, CONNACK from CONNECT). Messages the broker
//! sends (incoming PUBLISH) are not traced: they are the log's, and a flood of them would drown
//! the few packets that tell what a connection does. A pure state machine: the worker hands it
//! what it polled and the time.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant, SystemTime};

use super::link::Wire;
use super::types::{PublishId, QoS};

pub use super::packet::Packet;

/// What a round trip starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Start {
    Connect,
    Publish(u16),
    Subscribe(u16),
    Ping,
}

/// Round trips under way, bounded: a packet id the broker never answers is forgotten once this
/// many are waiting (packet ids are 16 bits).
const WAITING_MAX: usize = 65_536;

/// Topics of our publishes waiting to be written, kept this many at most.
const TOPICS_MAX: usize = 1024;

#[derive(Debug, Default)]
pub struct Trace {
    started: HashMap<Start, Instant>,
    topics: VecDeque<(u64, String)>,
    /// What CONNECT asks for, in words.
    connect_words: String,
}

impl Trace {
    pub fn new(connect_words: String) -> Trace {
        Trace {
            connect_words,
            ..Trace::default()
        }
    }

    /// One of our publishes was queued: its topic, for when it is written.
    pub fn queued(&mut self, id: PublishId, topic: &str) {
        if self.topics.len() >= TOPICS_MAX {
            self.topics.pop_front();
        }
        self.topics.push_back((id.0, topic.to_string()));
    }

    fn start(&mut self, what: Start, now: Instant) {
        if self.started.len() >= WAITING_MAX {
            self.started.clear();
        }
        self.started.insert(what, now);
    }

    fn since(&mut self, what: Start, now: Instant, keep: bool) -> Option<Duration> {
        let at = if keep {
            self.started.get(&what).copied()
        } else {
            self.started.remove(&what)
        };
        at.map(|t| now.saturating_duration_since(t))
    }

    /// CONNECT is written as a connection attempt starts.
    pub fn connect(&mut self, now: Instant, wall: SystemTime) -> Packet {
        self.start(Start::Connect, now);
        packet(
            wall,
            Some(true),
            "CONNECT",
            None,
            self.connect_words.clone(),
        )
    }

    /// The connection was lost (or refused): not a packet, but the trace's reader must see it.
    pub fn lost(&mut self, why: &str, wall: SystemTime) -> Packet {
        self.started.clear();
        packet(wall, None, "connection lost", None, why.to_string())
    }

    /// The packet behind what the worker polled, if it is one the trace shows. `ours`: for an
    /// outgoing PUBLISH, which of our publishes it is, and its QoS and size.
    pub fn on_wire(
        &mut self,
        wire: &Wire,
        ours: Option<(PublishId, QoS, usize)>,
        now: Instant,
        wall: SystemTime,
    ) -> Option<Packet> {
        let p = |out, kind, pkid, detail: String| packet(wall, Some(out), kind, pkid, detail);
        let acked = |e: &Option<String>| e.clone().unwrap_or_default();
        Some(match wire {
            Wire::ConnAck {
                session_present, ..
            } => {
                let mut k = p(
                    false,
                    "CONNACK",
                    None,
                    format!("session present: {}", yes(*session_present)),
                );
                k.round_trip = self.since(Start::Connect, now, false);
                k
            }
            Wire::OutPublish { pkid, .. } => {
                let topic = ours.and_then(|(id, _, _)| {
                    let i = self.topics.iter().position(|(t, _)| *t == id.0)?;
                    self.topics.remove(i).map(|(_, t)| t)
                });
                let mut words = ours.map_or_else(String::new, |(_, q, size)| {
                    format!("q{} {size} B", q.as_u8())
                });
                // A packet id still awaiting its answer, written again: a re-send, with DUP.
                if *pkid != 0 && self.started.contains_key(&Start::Publish(*pkid)) {
                    words.push_str(" DUP");
                }
                if *pkid != 0 {
                    self.start(Start::Publish(*pkid), now);
                }
                let mut k = p(
                    true,
                    "PUBLISH",
                    (*pkid != 0).then_some(*pkid),
                    words.trim().to_string(),
                );
                k.topic = topic;
                k
            }
            Wire::PubAck { pkid, error } => {
                let mut k = p(false, "PUBACK", Some(*pkid), acked(error));
                k.round_trip = self.since(Start::Publish(*pkid), now, false);
                k
            }
            Wire::PubRec { pkid, error } => {
                let mut k = p(false, "PUBREC", Some(*pkid), acked(error));
                // PUBCOMP's round trip counts from the same PUBLISH.
                k.round_trip = self.since(Start::Publish(*pkid), now, error.is_none());
                k
            }
            Wire::OutPubRel { pkid } => p(true, "PUBREL", Some(*pkid), String::new()),
            Wire::PubComp { pkid, error } => {
                let mut k = p(false, "PUBCOMP", Some(*pkid), acked(error));
                k.round_trip = self.since(Start::Publish(*pkid), now, false);
                k
            }
            Wire::OutSubscribe { pkid } => {
                self.start(Start::Subscribe(*pkid), now);
                p(true, "SUBSCRIBE", Some(*pkid), String::new())
            }
            Wire::OutUnsubscribe { pkid } => {
                self.start(Start::Subscribe(*pkid), now);
                p(true, "UNSUBSCRIBE", Some(*pkid), String::new())
            }
            Wire::SubAck { pkid, granted } => {
                let each: Vec<String> = granted
                    .iter()
                    .map(|g| match g {
                        Ok(q) => format!("granted q{}", q.as_u8()),
                        Err(why) => format!("refused: {why}"),
                    })
                    .collect();
                let mut k = p(false, "SUBACK", Some(*pkid), each.join(", "));
                k.round_trip = self.since(Start::Subscribe(*pkid), now, false);
                k
            }
            Wire::UnsubAck { pkid, refused } => {
                let words = refused
                    .as_ref()
                    .map_or_else(String::new, |r| format!("refused: {r}"));
                let mut k = p(false, "UNSUBACK", Some(*pkid), words);
                k.round_trip = self.since(Start::Subscribe(*pkid), now, false);
                k
            }
            Wire::OutPingReq => {
                self.start(Start::Ping, now);
                p(true, "PINGREQ", None, String::new())
            }
            Wire::PingResp => {
                let mut k = p(false, "PINGRESP", None, String::new());
                k.round_trip = self.since(Start::Ping, now, false);
                k
            }
            Wire::OutDisconnect => p(true, "DISCONNECT", None, String::new()),
            Wire::ServerDisconnect { reason, .. } => p(false, "DISCONNECT", None, reason.clone()),
            Wire::Message(_) | Wire::Alive | Wire::Other => return None,
        })
    }
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn packet(
    at: SystemTime,
    out: Option<bool>,
    kind: &'static str,
    pkid: Option<u16>,
    detail: String,
) -> Packet {
    Packet {
        at,
        out,
        kind,
        pkid,
        topic: None,
        detail,
        round_trip: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The QoS 2 flow: PUBLISH, PUBREC, PUBREL, PUBCOMP, each answer timed from the PUBLISH;
    /// the same packet id written again before its answer is marked DUP.
    #[test]
    fn a_qos2_flow_and_a_ping_are_timed() {
        let mut t = Trace::default();
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        let wall = SystemTime::UNIX_EPOCH;
        t.queued(PublishId(9), "a/b");
        let ours = Some((PublishId(9), QoS::ExactlyOnce, 12));
        let publish = Wire::OutPublish {
            pkid: 3,
            tag: Some(9),
        };
        let out = t.on_wire(&publish, ours, ms(0), wall).unwrap();
        assert_eq!(out.line(), "→ PUBLISH 3 'a/b' q2 12 B");
        let rec = t
            .on_wire(
                &Wire::PubRec {
                    pkid: 3,
                    error: None,
                },
                None,
                ms(4),
                wall,
            )
            .unwrap();
        assert_eq!(rec.line(), "← PUBREC 3 (4.0 ms)");
        let rel = t
            .on_wire(&Wire::OutPubRel { pkid: 3 }, None, ms(5), wall)
            .unwrap();
        assert_eq!(rel.line(), "→ PUBREL 3");
        let comp = t
            .on_wire(
                &Wire::PubComp {
                    pkid: 3,
                    error: None,
                },
                None,
                ms(9),
                wall,
            )
            .unwrap();
        assert_eq!(comp.line(), "← PUBCOMP 3 (9.0 ms)");
        // Re-sent before its answer: DUP.
        t.on_wire(&publish, None, ms(10), wall);
        let again = t.on_wire(&publish, None, ms(11), wall).unwrap();
        assert!(again.line().ends_with("DUP"), "{}", again.line());
        t.on_wire(&Wire::OutPingReq, None, ms(20), wall);
        let pong = t.on_wire(&Wire::PingResp, None, ms(21), wall).unwrap();
        assert_eq!(pong.line(), "← PINGRESP (1.0 ms)");
        // Broker text is escaped in the line.
        let bye = Wire::ServerDisconnect {
            reason: "bye\x1b[2J".into(),
            taken_over: false,
        };
        let line = t.on_wire(&bye, None, ms(30), wall).unwrap().line();
        assert!(!line.contains('\x1b'), "{line}");
        assert!(t.on_wire(&Wire::Alive, None, ms(31), wall).is_none());
    }
}
