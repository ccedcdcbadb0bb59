//! The state of one connection as one value: what the status bar says of it (`ConnInfo`), its
//! store of messages, its subscriptions as the broker acknowledged them, our publishes the
//! broker has not taken yet, what its CONNACK said and why it speaks another protocol than
//! asked. A new connection is a new `Link`; several brokers at once are several of them, each
//! known by its `ConnId`.

use std::time::Instant;

use super::outbox::Outbox;
use crate::mqtt::{ConnAckInfo, ConnState, Protocol, QoS, Subscription};
use crate::store::{Limits, Store};

/// Which connection of the session: given by the app when it opens one, carried by the
/// worker's events and the runner's answers so each lands on its own connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId(pub u32);

impl ConnId {
    /// The session's first connection (the only one, unless more are opened).
    pub const FIRST: ConnId = ConnId(0);
}

/// What the status bar says about the connection.
#[derive(Debug, Clone)]
pub struct ConnInfo {
    pub name: String,
    pub url: String,
    pub protocol: Protocol,
    pub insecure: bool,
    /// Where the TLS session keys are written (`SSLKEYLOGFILE`), shown while it is on.
    pub key_log: Option<String>,
    pub state: ConnState,
    /// When the next attempt starts, while waiting to reconnect.
    pub retry_at: Option<Instant>,
    pub last_error: Option<String>,
}

impl ConnInfo {
    /// A connection about to make its first attempt.
    pub fn new(name: String, url: String, protocol: Protocol, insecure: bool) -> ConnInfo {
        ConnInfo {
            name,
            url,
            protocol,
            insecure,
            key_log: None,
            state: ConnState::Connecting { attempt: 1 },
            retry_at: None,
            last_error: None,
        }
    }
}

/// One subscription of this session and what the broker said of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubState {
    pub sub: Subscription,
    pub status: SubStatus,
    /// Off: unsubscribed at the broker, kept in the list (Space turns it on again).
    pub enabled: bool,
    /// Marks its messages in the log (an index into the theme's palette).
    pub colour: u8,
    /// UNSUBSCRIBE sent to remove it; it leaves the list on UNSUBACK.
    pub removing: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubStatus {
    /// SUBSCRIBE sent, no SUBACK yet.
    Pending,
    Granted(QoS),
    Refused(String),
    /// UNSUBSCRIBE sent, no UNSUBACK yet.
    Unsubscribing,
    /// Turned off: the broker has it no more.
    Off,
}

impl SubStatus {
    /// In words, for the manager.
    pub fn words(&self) -> String {
        match self {
            SubStatus::Pending => "not acknowledged yet".into(),
            SubStatus::Granted(q) => format!("granted QoS {}", q.as_u8()),
            SubStatus::Refused(why) => format!("refused: {why}"),
            SubStatus::Unsubscribing => "unsubscribing…".into(),
            SubStatus::Off => "off".into(),
        }
    }
}

/// One connection's state.
#[derive(Debug)]
pub struct Link {
    /// Which connection of the session this is.
    pub id: ConnId,
    /// The profile being opened or in use (set when asked, before the worker runs): a slot
    /// that holds it is taken, and a new profile opens beside it.
    pub profile: Option<String>,
    /// What the status bar says about the connection; None before the first connect.
    pub conn: Option<ConnInfo>,
    /// Everything received (and our publishes the broker took).
    pub store: Store,
    /// This connection's subscriptions, as the broker acknowledged them.
    pub subscriptions: Vec<SubState>,
    /// Our publishes the broker has not taken yet (pending), or refused (failed).
    pub outbox: Outbox,
    /// What the broker said in its CONNACK.
    pub connack: Option<Box<ConnAckInfo>>,
    /// Why the connection speaks another protocol than asked ("broker has no MQTT 5").
    pub protocol_note: Option<String>,
    /// When the CONNACK came (subscriptions unanswered long after it mean a broker that
    /// accepts and then stays silent).
    pub connected_at: Option<Instant>,
    /// The last control packets (`T`), newest last, at most `PACKETS_KEPT`: a few hundred
    /// bytes each, ~250 KiB when full, beside the history budget.
    pub packets: std::collections::VecDeque<crate::mqtt::trace::Packet>,
}

/// Control packets kept for the trace.
pub const PACKETS_KEPT: usize = 1000;

impl Link {
    /// One traced packet, the oldest let go past `PACKETS_KEPT`.
    pub fn traced(&mut self, packet: crate::mqtt::trace::Packet) {
        if self.packets.len() >= PACKETS_KEPT {
            self.packets.pop_front();
        }
        self.packets.push_back(packet);
    }
}

impl Link {
    pub fn new(id: ConnId, limits: Limits) -> Link {
        Link {
            id,
            profile: None,
            conn: None,
            store: Store::new(limits),
            subscriptions: Vec::new(),
            outbox: Outbox::default(),
            connack: None,
            protocol_note: None,
            connected_at: None,
            packets: Default::default(),
        }
    }

    /// The same connection's status, everything it received and said forgotten (switching
    /// profiles: the next connection starts from nothing).
    pub fn cleared(&self) -> Link {
        Link {
            conn: self.conn.clone(),
            profile: self.profile.clone(),
            ..Link::new(self.id, self.store.limits().clone())
        }
    }
}
