//! The event and command types the rest of the program sees. Nothing here names a rumqttc type,
//! so the UI and the store stay independent of the MQTT library.

use std::fmt;
use std::time::{Duration, SystemTime};

use bytes::Bytes;

/// Quality of service, as the user chooses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum QoS {
    #[default]
    AtMostOnce = 0,
    AtLeastOnce = 1,
    ExactlyOnce = 2,
}

impl QoS {
    pub fn from_u8(n: u8) -> Option<QoS> {
        match n {
            0 => Some(QoS::AtMostOnce),
            1 => Some(QoS::AtLeastOnce),
            2 => Some(QoS::ExactlyOnce),
            _ => None,
        }
    }

    pub fn as_u8(self) -> u8 {
        self as u8
    }
}

impl fmt::Display for QoS {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.as_u8())
    }
}

/// MQTT 5 publish properties. Empty for MQTT 3.1.1 connections.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Properties {
    pub payload_format_indicator: Option<u8>,
    pub message_expiry_interval: Option<u32>,
    pub topic_alias: Option<u16>,
    pub response_topic: Option<String>,
    pub correlation_data: Option<Bytes>,
    pub user_properties: Vec<(String, String)>,
    pub subscription_identifiers: Vec<usize>,
    pub content_type: Option<String>,
}

impl Properties {
    pub fn is_empty(&self) -> bool {
        *self == Properties::default()
    }
}

/// One message as received from the broker (or as we published it).
#[derive(Debug, Clone)]
pub struct Message {
    /// MQTT topics are UTF-8 by the spec; invalid bytes from a broken peer are replaced
    /// (U+FFFD), which keeps them visible instead of failing the connection. Shares the network
    /// buffer, as the payload does (`TopicText`).
    pub topic: super::TopicText,
    /// Shared with the network buffer: cloning a message never copies its payload.
    pub payload: Bytes,
    pub qos: QoS,
    pub retain: bool,
    pub dup: bool,
    pub received: SystemTime,
    /// Boxed because most messages carry none, and messages are stored by the million.
    pub properties: Option<Box<Properties>>,
}

/// Identifies one of our own publishes from request to acknowledgement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PublishId(pub u64);

/// One publish: what compose, history, repeat, the clean-up, a Rebirth and copy-as-command
/// hand on, byte for byte what the worker sends (re-exported as `crate::publish::Publish`; it
/// lives here because the worker, the lowest room that needs it, may not import above itself).
#[derive(Debug, Clone, PartialEq)]
pub struct Publish {
    pub topic: String,
    pub payload: Bytes,
    pub qos: QoS,
    pub retain: bool,
    pub properties: Option<Box<Properties>>,
}

/// What a caller asks the broker to carry: a publish and the id its outcome will carry.
#[derive(Debug, Clone)]
pub struct PublishRequest {
    pub id: PublishId,
    pub publish: Publish,
}

impl std::ops::Deref for PublishRequest {
    type Target = Publish;
    fn deref(&self) -> &Publish {
        &self.publish
    }
}

/// How one of our publishes ended, or where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublishOutcome {
    /// QoS 0: written to the connection.
    Sent,
    /// QoS 1: PUBACK received.
    Acknowledged,
    /// QoS 2: PUBREC received; PUBCOMP still to come.
    Received,
    /// QoS 2: PUBCOMP received.
    Completed,
    /// QoS 2 answered with PUBACK: the broker took it at QoS 1.
    Downgraded,
    /// Neither known delivered nor known lost (a failure for the caller).
    Unknown(String),
    /// The connection dropped before the acknowledgement; it is being sent again.
    Resending,
    /// The broker refused it, or it could not be queued.
    Failed(String),
}

impl PublishOutcome {
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            PublishOutcome::Sent
                | PublishOutcome::Acknowledged
                | PublishOutcome::Completed
                | PublishOutcome::Downgraded
                | PublishOutcome::Unknown(_)
                | PublishOutcome::Failed(_)
        )
    }

    /// Final and not known to have reached the broker.
    pub fn is_failure(&self) -> bool {
        matches!(self, PublishOutcome::Failed(_) | PublishOutcome::Unknown(_))
    }
}

impl fmt::Display for PublishOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PublishOutcome::Sent => write!(f, "sent (QoS 0)"),
            PublishOutcome::Acknowledged => write!(f, "acknowledged (PUBACK)"),
            PublishOutcome::Received => write!(f, "received by broker (PUBREC)"),
            PublishOutcome::Completed => write!(f, "completed (PUBCOMP)"),
            PublishOutcome::Downgraded => {
                write!(f, "acknowledged at QoS 1 (the broker downgraded it)")
            }
            PublishOutcome::Unknown(why) => write!(f, "outcome unknown: {why}"),
            PublishOutcome::Resending => write!(f, "connection lost; sending again"),
            PublishOutcome::Failed(why) => write!(f, "failed: {why}"),
        }
    }
}

/// What kind of failure ended a connection: whether retrying can help is decided from this,
/// never from the words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnErrorKind {
    /// Refused, reset, unreachable, host not found.
    Network,
    Timeout,
    Tls,
    /// The broker closed the connection (or sent DISCONNECT).
    ClosedByBroker,
    /// The broker sent something we could not read.
    Protocol,
    /// CONNACK refused: bad user name or password.
    BadCredentials,
    /// CONNACK refused: not authorized (or banned).
    NotAuthorized,
    /// CONNACK refused: the client id.
    ClientIdRejected,
    /// CONNACK refused: the protocol version.
    UnsupportedProtocol,
    /// CONNACK refused for another reason (server busy, unavailable, quota).
    Refused,
    /// Another client connected with our client id.
    SessionTakenOver,
    /// The proxy refused our credentials (or asks for some we did not give).
    ProxyCredentials,
}

impl ConnErrorKind {
    /// Whether the same CONNECT may succeed later. A wrong password stays wrong.
    pub fn retry_can_help(self) -> bool {
        !matches!(
            self,
            ConnErrorKind::BadCredentials
                | ConnErrorKind::NotAuthorized
                | ConnErrorKind::ClientIdRejected
                | ConnErrorKind::UnsupportedProtocol
                | ConnErrorKind::ProxyCredentials
        )
    }
}

/// A connection failure: its kind, and words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnError {
    pub kind: ConnErrorKind,
    pub words: String,
}

impl ConnError {
    pub fn new(kind: ConnErrorKind, words: impl Into<String>) -> ConnError {
        ConnError {
            kind,
            words: words.into(),
        }
    }
}

impl fmt::Display for ConnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.words)
    }
}

/// The words, wherever text is expected.
impl std::ops::Deref for ConnError {
    type Target = str;
    fn deref(&self) -> &str {
        &self.words
    }
}

/// Where the connection stands, in words for people (`sub -d`, logs).
impl fmt::Display for ConnState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConnState::Connecting { attempt: 1 } => f.write_str("connecting"),
            ConnState::Connecting { attempt } => write!(f, "connecting (attempt {attempt})"),
            ConnState::Connected {
                session_present: true,
            } => f.write_str("connected (the broker kept our session)"),
            ConnState::Connected { .. } => f.write_str("connected"),
            ConnState::Reconnecting { after, error, .. } => write!(
                f,
                "connection failed ({error}); trying again in {:.1} s",
                after.as_secs_f64()
            ),
            ConnState::Disconnected { error: Some(e) } => {
                write!(f, "stopped: {e} (retrying cannot fix this)")
            }
            ConnState::Disconnected { error: None } => f.write_str("disconnected"),
        }
    }
}

/// Where the connection stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnState {
    Connecting {
        attempt: u32,
    },
    Connected {
        session_present: bool,
    },
    /// Waiting before the next attempt. `error` is the last failure in words.
    Reconnecting {
        after: Duration,
        error: ConnError,
        /// True until the first successful connection: headless commands give up then.
        never_connected: bool,
    },
    /// Stopped for good: by request, or because retrying cannot help.
    Disconnected {
        error: Option<ConnError>,
    },
}

/// The answer to one subscribe request, per filter.
pub use super::connack::ConnAckInfo;

/// One subscription as SUBSCRIBE carries it: the filter and the maximum QoS, and on MQTT 5 the
/// options (3.1.1 has none: they are left out there, and the manager says so).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub filter: String,
    pub qos: QoS,
    /// Our own publishes are not sent back to us.
    pub no_local: bool,
    /// Messages keep the retain flag they were published with.
    pub retain_as_published: bool,
    /// Retained messages on subscribing: 0 always, 1 only when the subscription is new, 2 never.
    pub retain_handling: u8,
    /// The MQTT 5 subscription identifier the broker tags matching messages with.
    pub id: Option<u32>,
}

impl Subscription {
    pub fn new(filter: impl Into<String>, qos: QoS) -> Subscription {
        Subscription {
            filter: filter.into(),
            qos,
            no_local: false,
            retain_as_published: false,
            retain_handling: 0,
            id: None,
        }
    }

    /// True when an option only MQTT 5 has is set.
    pub fn has_v5_options(&self) -> bool {
        self.no_local || self.retain_as_published || self.retain_handling != 0 || self.id.is_some()
    }

    /// The largest subscription identifier MQTT 5 allows (a variable byte integer).
    pub const MAX_ID: u32 = 268_435_455;
}

/// Subscriptions grouped so each group can be one SUBSCRIBE packet: a packet has one
/// subscription identifier, so filters with different ids go in different packets.
pub fn by_id(subs: Vec<Subscription>) -> Vec<Vec<Subscription>> {
    let mut groups: Vec<Vec<Subscription>> = Vec::new();
    for s in subs {
        match groups.iter_mut().find(|g| g[0].id == s.id) {
            Some(g) => g.push(s),
            None => groups.push(vec![s]),
        }
    }
    groups
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscribeResult {
    pub filter: String,
    pub granted: Result<QoS, String>,
}

/// Everything the worker reports.
#[derive(Debug, Clone)]
pub enum MqttEvent {
    State(ConnState),
    /// What the broker said in CONNACK, just before `State(Connected)`.
    ConnAck(Box<ConnAckInfo>),
    Message(Message),
    Publish {
        id: PublishId,
        outcome: PublishOutcome,
    },
    Subscribed(Vec<SubscribeResult>),
    Unsubscribed(Vec<String>),
    /// UNSUBACK said no (MQTT 5), with its reason in words.
    UnsubscribeRefused {
        filter: String,
        why: String,
    },
    /// A control packet, when tracing (`WorkerOptions::trace`).
    Packet(Box<super::packet::Packet>),
    /// The protocol the session speaks, sent with its first CONNACK; `note` says why it is not
    /// the one asked for ("broker has no MQTT 5").
    Negotiated {
        protocol: Protocol,
        note: Option<String>,
    },
}

/// What callers ask of the worker.
#[derive(Debug, Clone)]
pub enum Command {
    Subscribe(Vec<Subscription>),
    Unsubscribe(Vec<String>),
    Publish(PublishRequest),
    /// Send DISCONNECT (the will is not published) and stop the worker.
    Disconnect,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// MQTT 5, and 3.1.1 when the broker turns MQTT 5 away (kept for the session).
    Auto,
    V311,
    V5,
}

/// What `protocol` / `--protocol` accept, for error messages.
pub const PROTOCOL_CHOICES: &str =
    "\"auto\", 3 (3.1.1) or 5 (4, the protocol level of 3.1.1, is taken as 3.1.1)";

impl Protocol {
    /// 3 and 4 are both MQTT 3.1.1: 4 is the protocol level its CONNECT carries, and some tools
    /// (paho's MQTTv311 = 4) name it so.
    pub fn from_number(n: i64) -> Option<Protocol> {
        match n {
            3 | 4 => Some(Protocol::V311),
            5 => Some(Protocol::V5),
            _ => None,
        }
    }

    /// "auto", "3", "3.1.1", "4" or "5".
    pub fn parse(s: &str) -> Option<Protocol> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Some(Protocol::Auto),
            "3.1.1" | "311" => Some(Protocol::V311),
            other => other.parse().ok().and_then(Protocol::from_number),
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Protocol::Auto => "auto",
            Protocol::V311 => "v3.1.1",
            Protocol::V5 => "v5",
        })
    }
}
