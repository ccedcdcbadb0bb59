//! The reconnect policy: every decision the worker makes about a connection's life, as a pure
//! state machine with the clock passed in (the model is rumqttc's `MqttState` under its I/O
//! loop). The worker tells it what happened (a CONNACK, a packet received, one of our publishes
//! written, the connection lost) and does what it answers: connect again after a backoff, fall
//! back to 3.1.1, give a publish up, or stop. Unit-tested in milliseconds below.
//!
//! What it decides, and the measured reasons:
//! - Backoff: 0.5 s doubling to 30 s. It starts again at 0.5 s only when an established
//!   connection is lost after staying up `STABLE` or carrying traffic. A broker stopped after a
//!   few messages was once tried every 0.5 s forever (54 attempts in 25 s): the "carried
//!   traffic" of a connection long gone reset the backoff on every failed attempt.
//! - A broker that breaks the protocol (a malformed packet) after traffic is a strike, not a
//!   reason to start over quickly: 78 reconnects in 60 s re-downloaded 1.5 GB once. After
//!   `PROTOCOL_STRIKES` such losses running, it stops and says so.
//! - One of our publishes followed by a loss within `LOST_AFTER_SEND`, `STRIKES` times: the
//!   broker refuses it by hanging up (NATS on QoS 2, a size limit on 3.1.1); it is given up.
//! - Silence: no packet from the broker for 1.5× the keep-alive means the connection is dead
//!   (rumqttc alone notices at 2×, when its second ping goes unanswered).
//! - 3.1.1 has no "session taken over": a close right after CONNACK, twice running, is one.
//! - `auto`: MQTT 5 refused on the first attempt: 3.1.1 at once.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::negotiate::{explain_forced_v5, refuses_v5};
use super::settings::Protocol;
use super::types::{ConnError, ConnErrorKind, PublishId, QoS};

pub const BACKOFF_FIRST: Duration = Duration::from_millis(500);
pub const BACKOFF_MAX: Duration = Duration::from_secs(30);
/// A connection up this long was a working one: its loss starts the backoff again.
pub const STABLE: Duration = Duration::from_secs(10);
/// A loss this soon after one of our publishes was written is blamed on it.
pub const LOST_AFTER_SEND: Duration = Duration::from_secs(2);
/// Losses blamed on one publish before it is given up.
pub const STRIKES: u32 = 3;
/// Connections lost to a malformed packet, running, before the worker stops.
pub const PROTOCOL_STRIKES: u32 = 3;
/// A close this soon after CONNACK (3.1.1, twice running): probably a takeover.
pub const QUICK_CLOSE: Duration = Duration::from_secs(1);
/// A publish at least this large, followed by a close on 3.1.1 (which announces no limit), may
/// have met a size limit: mosquitto's `max_packet_size` is often set to a few KiB.
pub const LARGE_PUBLISH: usize = 1024;

/// One of our publishes awaiting its ack, as the tracker knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InFlight {
    pub id: PublishId,
    pub qos: QoS,
    pub size: usize,
}

/// What to do after a loss.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// `auto`'s MQTT 5 was refused: connect again at once with 3.1.1 (`note` says why).
    FallBack { note: &'static str },
    /// Connect again after `after`; `error` is what to tell.
    Retry {
        after: Duration,
        attempt: u32,
        error: ConnError,
    },
    /// Retrying cannot help: stop with this error.
    Stop(ConnError),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// A publish to give up (its packet id and the words), before doing `next`.
    pub give_up: Option<(u16, String)>,
    pub next: Next,
}

#[derive(Debug, Clone, Copy)]
struct Written {
    pkid: u16,
    size: usize,
    at: Instant,
}

#[derive(Debug)]
pub struct Policy {
    client_id: String,
    asked: Protocol,
    plain_tcp: bool,
    can_fall_back: bool,
    /// The protocol stack in use is 3.1.1.
    v4: bool,
    keep_alive: Duration,
    backoff: Duration,
    attempt: u32,
    ever_connected: bool,
    /// The current connection: when its CONNACK came, the last packet from the broker, and
    /// whether it carried traffic (messages or acks).
    up_since: Option<Instant>,
    last_rx: Option<Instant>,
    traffic: bool,
    last_written: Option<Written>,
    strikes: HashMap<PublishId, u32>,
    protocol_strikes: u32,
    quick_closes: u32,
    /// The reason of a DISCONNECT the broker sent: what the loss that follows is told as.
    broker_disconnect: Option<ConnError>,
}

impl Policy {
    /// `asked`: the protocol setting; `can_fall_back`: `auto` with its 3.1.1 stack ready.
    pub fn new(
        client_id: impl Into<String>,
        asked: Protocol,
        v4: bool,
        plain_tcp: bool,
        keep_alive: Duration,
    ) -> Policy {
        Policy {
            client_id: client_id.into(),
            asked,
            plain_tcp,
            can_fall_back: asked == Protocol::Auto,
            v4,
            keep_alive,
            backoff: BACKOFF_FIRST,
            attempt: 1,
            ever_connected: false,
            up_since: None,
            last_rx: None,
            traffic: false,
            last_written: None,
            strikes: HashMap::new(),
            protocol_strikes: 0,
            quick_closes: 0,
            broker_disconnect: None,
        }
    }

    /// The number of the connection attempt under way.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    pub fn ever_connected(&self) -> bool {
        self.ever_connected
    }

    /// The fallback to 3.1.1 was taken.
    pub fn fell_back(&mut self) {
        self.can_fall_back = false;
        self.v4 = true;
    }

    /// A CONNACK accepted us. MQTT 5's Server Keep Alive replaces ours.
    pub fn on_connack(&mut self, now: Instant, server_keep_alive: Option<u16>) {
        self.ever_connected = true;
        self.up_since = Some(now);
        self.last_rx = Some(now);
        self.traffic = false;
        self.last_written = None;
        self.broker_disconnect = None;
        if let Some(k) = server_keep_alive {
            self.keep_alive = Duration::from_secs(u64::from(k));
        }
    }

    /// A packet came from the broker; `traffic` when it was a message or an ack.
    pub fn on_received(&mut self, now: Instant, traffic: bool) {
        self.last_rx = Some(now);
        self.traffic |= traffic;
    }

    /// We were not reading (the event queue was full): silence meanwhile proves nothing.
    pub fn resume_reading(&mut self, now: Instant) {
        if self.last_rx.is_some() {
            self.last_rx = Some(now);
        }
    }

    /// One of our publishes was written (`pkid` 0 for QoS 0).
    pub fn on_written(&mut self, pkid: u16, size: usize, now: Instant) {
        self.last_written = Some(Written {
            pkid,
            size,
            at: now,
        });
    }

    /// The broker sent DISCONNECT: the loss that follows is told with its reason.
    pub fn on_broker_disconnect(&mut self, error: ConnError) {
        self.broker_disconnect = Some(error);
    }

    /// When the connection counts as dead if nothing more arrives (keep-alive on, connected).
    pub fn silence_deadline(&self) -> Option<Instant> {
        if self.keep_alive.is_zero() {
            return None;
        }
        self.up_since?;
        Some(self.last_rx? + self.keep_alive * 3 / 2)
    }

    /// The error for a silence past `silence_deadline`.
    pub fn silence_error(&self) -> ConnError {
        let limit = self.keep_alive * 3 / 2;
        ConnError::new(
            ConnErrorKind::Timeout,
            format!(
                "timed out: nothing from the broker for {} s (1.5 × the keep-alive of {} s)",
                fmt_secs(limit),
                self.keep_alive.as_secs()
            ),
        )
    }

    /// The connection was lost (or a connection attempt failed) with `error`. `in_flight`
    /// tells which of our publishes a packet id is. The backoff and the attempt count move on
    /// when the answer is `Retry`.
    pub fn on_lost(
        &mut self,
        now: Instant,
        error: ConnError,
        in_flight: impl Fn(u16) -> Option<InFlight>,
    ) -> Decision {
        let lasted = self
            .up_since
            .take()
            .map(|t| now.saturating_duration_since(t));
        let established = lasted.is_some();
        let traffic = std::mem::take(&mut self.traffic);
        self.last_rx = None;
        let mut error = self.broker_disconnect.take().unwrap_or(error);
        let mut give_up = None;

        // Whether the loss followed one of our publishes.
        let written = self
            .last_written
            .take()
            .filter(|w| now.saturating_duration_since(w.at) <= LOST_AFTER_SEND);
        let mut blamed = false;
        if let Some(w) = written {
            let large = self.v4 && w.size >= LARGE_PUBLISH;
            if self.v4 && error.kind == ConnErrorKind::ClosedByBroker {
                error.words.push_str(&format!(
                    " right after our {}-byte publish",
                    crate::text::thousands(w.size as u64)
                ));
                if large {
                    error.words.push_str(
                        ": the broker may limit the packet size (MQTT 3.1.1 brokers do not \
                         announce a limit)",
                    );
                }
            }
            if w.pkid != 0
                && let Some(p) = in_flight(w.pkid)
            {
                blamed = true;
                let n = self.strikes.entry(p.id).or_default();
                *n += 1;
                if *n >= STRIKES {
                    self.strikes.remove(&p.id);
                    let q = p.qos.as_u8();
                    let why = if large {
                        format!(
                            "the broker closed the connection each time this {}-byte QoS {q} \
                             publish was sent ({STRIKES} times): it may refuse packets this \
                             large (MQTT 3.1.1 brokers do not announce their limit), or QoS {q}",
                            crate::text::thousands(p.size as u64)
                        )
                    } else {
                        format!(
                            "the broker closed the connection each time this QoS {q} publish \
                             was sent ({STRIKES} times); it may not support QoS {q}"
                        )
                    };
                    give_up = Some((w.pkid, why));
                }
            }
        }

        if error.kind == ConnErrorKind::SessionTakenOver {
            error.words = format!("another client is using client id {}", self.client_id);
        }

        // A malformed packet from the broker: a strike, never a fresh start.
        let malformed = established && error.kind == ConnErrorKind::Protocol;
        if malformed {
            self.protocol_strikes += 1;
        } else if established {
            self.protocol_strikes = 0;
        }
        if established && !malformed && !blamed && (traffic || lasted.is_some_and(|d| d >= STABLE))
        {
            self.backoff = BACKOFF_FIRST;
        }

        // 3.1.1: a close right after CONNACK, twice running, is most likely a takeover.
        let quick = lasted.is_some_and(|d| d < QUICK_CLOSE)
            && error.kind == ConnErrorKind::ClosedByBroker
            && !traffic
            && !blamed;
        self.quick_closes = if quick { self.quick_closes + 1 } else { 0 };
        if self.quick_closes >= 2 && self.v4 {
            error = ConnError::new(
                ConnErrorKind::SessionTakenOver,
                format!(
                    "the broker closes the connection right after accepting it: another client \
                     is probably using client id {}",
                    self.client_id
                ),
            );
        }

        if !self.ever_connected
            && self.can_fall_back
            && let Some(note) = refuses_v5(&error)
        {
            self.fell_back();
            return Decision {
                give_up,
                next: Next::FallBack { note },
            };
        }
        if !self.ever_connected && self.asked == Protocol::V5 {
            explain_forced_v5(&mut error);
        }
        if !self.ever_connected
            && self.plain_tcp
            && !self.can_fall_back
            && matches!(
                error.kind,
                ConnErrorKind::ClosedByBroker | ConnErrorKind::Protocol
            )
            && !error.words.contains("mqtts://")
        {
            error.words.push_str(" (is this a TLS port? try mqtts://)");
        }
        if self.protocol_strikes >= PROTOCOL_STRIKES {
            error.kind = ConnErrorKind::Protocol;
            error.words = format!(
                "{}; the broker sent a malformed packet on {PROTOCOL_STRIKES} connections \
                 running, so mqscope stopped reconnecting (r tries again)",
                error.words
            );
            return Decision {
                give_up,
                next: Next::Stop(error),
            };
        }
        if !error.kind.retry_can_help() {
            return Decision {
                give_up,
                next: Next::Stop(error),
            };
        }
        let after = self.backoff;
        let attempt = self.attempt;
        self.backoff = (self.backoff * 2).min(BACKOFF_MAX);
        self.attempt = self.attempt.saturating_add(1);
        Decision {
            give_up,
            next: Next::Retry {
                after,
                attempt,
                error,
            },
        }
    }
}

/// Seconds with at most one decimal, without a trailing `.0`.
fn fmt_secs(d: Duration) -> String {
    let tenths = d.as_millis() / 100;
    if tenths.is_multiple_of(10) {
        format!("{}", tenths / 10)
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(base: Instant, n: u64) -> Instant {
        base + Duration::from_millis(n)
    }

    fn refused() -> ConnError {
        ConnError::new(ConnErrorKind::Network, "connection refused")
    }

    fn closed() -> ConnError {
        ConnError::new(
            ConnErrorKind::ClosedByBroker,
            "connection closed by the broker",
        )
    }

    fn after(d: &Decision) -> Duration {
        match &d.next {
            Next::Retry { after, .. } => *after,
            other => panic!("not a retry: {other:?}"),
        }
    }

    fn none(_: u16) -> Option<InFlight> {
        None
    }

    fn v5() -> Policy {
        Policy::new("me", Protocol::V5, false, true, Duration::from_secs(30))
    }

    #[test]
    fn backoff_doubles_to_30_s_while_nothing_connects() {
        let t = Instant::now();
        let mut p = v5();
        let waits: Vec<u64> = (0..9)
            .map(|i| after(&p.on_lost(ms(t, i * 100), refused(), none)).as_millis() as u64)
            .collect();
        assert_eq!(
            waits,
            [500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]
        );
        assert_eq!(p.attempt(), 10);
    }

    /// The storm that was: a broker stopped after traffic was tried every 0.5 s forever.
    #[test]
    fn after_a_connection_with_traffic_is_lost_the_backoff_starts_again_once_then_grows() {
        let t = Instant::now();
        let mut p = v5();
        for i in 0..4 {
            p.on_lost(ms(t, i), refused(), none);
        }
        p.on_connack(ms(t, 1000), None);
        p.on_received(ms(t, 1100), true);
        let first = p.on_lost(ms(t, 1200), closed(), none);
        assert_eq!(after(&first), BACKOFF_FIRST);
        let next: Vec<u64> = (0..4)
            .map(|i| after(&p.on_lost(ms(t, 2000 + i * 100), refused(), none)).as_millis() as u64)
            .collect();
        assert_eq!(next, [1000, 2000, 4000, 8000]);
    }

    #[test]
    fn a_connection_without_traffic_starts_again_only_when_it_was_stable() {
        let t = Instant::now();
        let mut p = v5();
        p.on_lost(t, refused(), none);
        p.on_lost(t, refused(), none);
        p.on_connack(ms(t, 0), None);
        // Lost after 9.999 s with no traffic: the backoff goes on growing.
        assert_eq!(
            after(&p.on_lost(ms(t, 9_999), closed(), none)).as_millis(),
            2000
        );
        p.on_connack(ms(t, 20_000), None);
        assert_eq!(
            after(&p.on_lost(ms(t, 30_000), closed(), none)),
            BACKOFF_FIRST
        );
    }

    #[test]
    fn a_broker_that_breaks_the_protocol_after_traffic_is_struck_out_not_stormed() {
        let t = Instant::now();
        let mut p = v5();
        let bad = || {
            ConnError::new(
                ConnErrorKind::Protocol,
                "protocol error: a user property value is not valid UTF-8",
            )
        };
        let mut waits = Vec::new();
        for i in 0..3 {
            let at = i * 60_000;
            p.on_connack(ms(t, at), None);
            p.on_received(ms(t, at + 10), true);
            let d = p.on_lost(ms(t, at + 20_000), bad(), none);
            match d.next {
                Next::Retry { after, .. } => waits.push(after.as_millis() as u64),
                Next::Stop(e) => {
                    assert_eq!(i, 2);
                    assert!(e.words.contains("user property value"), "{}", e.words);
                    assert!(e.words.contains("stopped reconnecting"), "{}", e.words);
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(waits, [500, 1000]);
    }

    #[test]
    fn a_publish_that_keeps_killing_the_connection_is_given_up_after_three_strikes() {
        let t = Instant::now();
        let mut p = v5();
        let f = |pkid: u16| {
            (pkid == 7).then_some(InFlight {
                id: PublishId(42),
                qos: QoS::ExactlyOnce,
                size: 30,
            })
        };
        for i in 0..3u64 {
            let at = i * 10_000;
            p.on_connack(ms(t, at), None);
            p.on_written(7, 30, ms(t, at + 100));
            let d = p.on_lost(ms(t, at + 2_100), closed(), f);
            if i < 2 {
                assert_eq!(d.give_up, None);
            } else {
                let (pkid, why) = d.give_up.expect("given up");
                assert_eq!(pkid, 7);
                assert!(why.contains("may not support QoS 2"), "{why}");
            }
        }
        // A loss later than LOST_AFTER_SEND is not blamed on it.
        p.on_connack(ms(t, 50_000), None);
        p.on_written(7, 30, ms(t, 50_000));
        assert_eq!(p.on_lost(ms(t, 52_001), closed(), f).give_up, None);
    }

    #[test]
    fn on_3_1_1_a_close_after_a_large_publish_is_told_as_a_possible_size_limit() {
        let t = Instant::now();
        let mut p = Policy::new("me", Protocol::V311, true, true, Duration::from_secs(30));
        let f = |_| {
            Some(InFlight {
                id: PublishId(1),
                qos: QoS::AtLeastOnce,
                size: 2061,
            })
        };
        let mut last = None;
        for i in 0..3u64 {
            p.on_connack(ms(t, i * 10_000), None);
            p.on_written(1, 2061, ms(t, i * 10_000 + 5));
            last = Some(p.on_lost(ms(t, i * 10_000 + 50), closed(), f));
            if let Next::Retry { error, .. } = &last.as_ref().unwrap().next {
                assert!(
                    error.words.contains(
                        "right after our 2,061-byte publish: the broker may limit the packet size"
                    ),
                    "{}",
                    error.words
                );
            }
        }
        let (_, why) = last.unwrap().give_up.expect("given up");
        assert!(why.contains("2,061-byte QoS 1 publish"), "{why}");
        assert!(why.contains("may refuse packets this large"), "{why}");
    }

    #[test]
    fn silence_is_a_loss_at_one_and_a_half_keep_alives() {
        let t = Instant::now();
        let mut p = v5();
        assert_eq!(p.silence_deadline(), None, "not connected");
        p.on_connack(t, None);
        assert_eq!(p.silence_deadline(), Some(ms(t, 45_000)));
        p.on_received(ms(t, 30_010), false);
        assert_eq!(p.silence_deadline(), Some(ms(t, 75_010)));
        assert!(
            p.silence_error()
                .words
                .contains("45 s (1.5 × the keep-alive of 30 s)")
        );
        // MQTT 5's Server Keep Alive replaces ours; 0 turns the watch off.
        p.on_connack(t, Some(4));
        assert_eq!(p.silence_deadline(), Some(ms(t, 6_000)));
        assert!(p.silence_error().words.contains("6 s"));
        p.on_connack(t, Some(0));
        assert_eq!(p.silence_deadline(), None);
        let mut off = Policy::new("me", Protocol::V5, false, true, Duration::ZERO);
        off.on_connack(t, None);
        assert_eq!(off.silence_deadline(), None);
    }

    #[test]
    fn auto_falls_back_once_on_a_first_refusal_and_forced_v5_says_why() {
        let t = Instant::now();
        let mut p = Policy::new("me", Protocol::Auto, false, true, Duration::from_secs(30));
        let d = p.on_lost(t, closed(), none);
        assert!(matches!(d.next, Next::FallBack { .. }), "{d:?}");
        // Once fallen back, a second refusal is a plain retry with the TLS hint.
        let d = p.on_lost(t, closed(), none);
        match d.next {
            Next::Retry { error, .. } => {
                assert!(error.words.contains("try mqtts://"), "{}", error.words)
            }
            other => panic!("{other:?}"),
        }
        let mut forced = v5();
        let unsupported = ConnError::new(
            ConnErrorKind::UnsupportedProtocol,
            "unsupported protocol version",
        );
        match forced.on_lost(t, unsupported, none).next {
            Next::Stop(e) => assert!(e.words.contains("may not support MQTT 5"), "{}", e.words),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_takeover_is_named_with_our_client_id_and_found_on_3_1_1_by_quick_closes() {
        let t = Instant::now();
        let mut p = Policy::new("me-1", Protocol::V311, true, false, Duration::from_secs(30));
        p.on_connack(t, None);
        let d = p.on_lost(ms(t, 100), closed(), none);
        assert!(matches!(d.next, Next::Retry { .. }));
        p.on_connack(ms(t, 1000), None);
        match p.on_lost(ms(t, 1100), closed(), none).next {
            Next::Stop(e) | Next::Retry { error: e, .. } => {
                assert!(e.words.contains("client id me-1"), "{}", e.words)
            }
            other => panic!("{other:?}"),
        }
        let mut v5 = v5();
        v5.on_connack(t, None);
        v5.on_broker_disconnect(ConnError::new(
            ConnErrorKind::SessionTakenOver,
            "taken over",
        ));
        match v5.on_lost(ms(t, 5), closed(), none).next {
            Next::Stop(e) | Next::Retry { error: e, .. } => {
                assert_eq!(e.words, "another client is using client id me")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_failure_retrying_cannot_fix_stops() {
        let t = Instant::now();
        let mut p = v5();
        let e = ConnError::new(ConnErrorKind::NotAuthorized, "not authorized");
        assert!(matches!(p.on_lost(t, e, none).next, Next::Stop(_)));
    }
}
