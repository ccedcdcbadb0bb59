//! One trait over rumqttc's two protocol stacks, so the worker is written once. Each adapter turns
//! rumqttc's packets into `Wire` events and owns the protocol-specific parts of reconnecting.

use super::types::Subscription;
use std::future::Future;

use super::types::{Message, PublishRequest, QoS};

/// What the worker needs to know from one `poll`.
#[derive(Debug)]
pub enum Wire {
    ConnAck {
        session_present: bool,
        info: Box<super::types::ConnAckInfo>,
    },
    Message(Message),
    PubAck {
        pkid: u16,
        error: Option<String>,
    },
    PubRec {
        pkid: u16,
        error: Option<String>,
    },
    PubComp {
        pkid: u16,
        error: Option<String>,
    },
    SubAck {
        pkid: u16,
        granted: Vec<Result<QoS, String>>,
    },
    UnsubAck {
        pkid: u16,
        /// MQTT 5's reason when it was not a success (3.1.1 has none).
        refused: Option<String>,
    },
    OutPublish {
        pkid: u16,
        /// Which of our publishes it is (QoS 1 and 2: read from rumqttc's state; QoS 0 has
        /// none, and is matched in order).
        tag: Option<u64>,
    },
    OutSubscribe {
        pkid: u16,
    },
    OutUnsubscribe {
        pkid: u16,
    },
    OutDisconnect,
    /// The broker sent DISCONNECT (MQTT 5) with a reason.
    ServerDisconnect {
        reason: String,
        /// 0x8E: another client connected with our client id.
        taken_over: bool,
    },
    /// PINGRESP: the connection is alive (the trace times it from PINGREQ).
    PingResp,
    /// We wrote PINGREQ.
    OutPingReq,
    /// We wrote PUBREL for one of our QoS 2 publishes.
    OutPubRel {
        pkid: u16,
    },
    /// Another packet from the broker (PUBREL, …): the connection is alive.
    Alive,
    /// Something we wrote that the worker does not follow.
    Other,
}

/// What was waiting to be re-sent when the connection dropped, as the worker needs to see it.
#[derive(Debug, Default)]
pub struct Parked {
    /// Subscribe and unsubscribe requests dropped from rumqttc's queue (the worker re-subscribes
    /// everything on each CONNACK instead).
    pub dropped_subscription_requests: usize,
}

/// After a CONNACK: the publishes put back into rumqttc's queue, in the order it will send them,
/// so the tracker can follow that order exactly (rumqttc's own `clean` lists in-flight
/// publishes by packet id, not by when they were sent, and puts them after requests not yet
/// sent: an order the tracker cannot guess).
#[derive(Debug, Default)]
pub struct Restored {
    /// Each publish queued again, in order: `Some(old packet id)` for an in-flight one queued
    /// anew (the session was lost; it gets a fresh id), `None` for one never sent. In-flight
    /// ones re-sent on a kept session keep their id and are not listed.
    pub order: Vec<Option<u16>>,
    /// Packet ids of QoS 2 publishes that had their PUBREC: the broker owns them.
    pub released: Vec<u16>,
}

/// The request side of a connection; never waits (a full queue is an error).
pub trait Requests: Send + Sync + 'static {
    fn try_publish(&self, req: &PublishRequest) -> Result<(), String>;
    fn try_subscribe(&self, subs: &[Subscription]) -> Result<(), String>;
    fn try_unsubscribe(&self, filter: &str) -> Result<(), String>;
    fn try_disconnect(&self) -> Result<(), String>;
}

/// The event side of a connection, owned by the worker's poll task.
pub trait Link: Send + 'static {
    type Requests: Requests;

    fn requests(&self) -> Self::Requests;
    fn poll(&mut self) -> impl Future<Output = Result<Wire, super::types::ConnError>> + Send;

    /// The next event already read from the socket, if any, without a poll (see rumqttc's
    /// patch 9): most of a flood's messages come this way.
    fn try_buffered(&mut self) -> Option<Wire>;

    /// Which of our publishes (its id, rumqttc's tag) is in flight as packet `pkid`.
    fn tag_of(&self, pkid: u16) -> Option<u64>;
    /// A QoS 2 message we received awaits its PUBREL (our PUBCOMP is not sent yet).
    fn awaiting_pubrel(&self) -> bool;
    /// Drops the network connection (the broker went silent); the next `poll` connects again.
    /// `park` follows, as after a failed `poll`.
    fn drop_connection(&mut self);
    /// Called right after `poll` failed: takes rumqttc's pending requests aside.
    fn park(&mut self) -> Parked;
    /// Drops the parked publish (or its PUBREL) with this packet id: it was given up.
    fn forget(&mut self, pkid: u16);
    /// Called on CONNACK: puts parked requests back. Without a session, in-flight publishes are
    /// queued again as new ones (rumqttc would silently drop them).
    fn restore(&mut self, session_present: bool) -> Restored;
}

/// An event as the worker reads it: our publish named by its tag (QoS 1 and 2), which
/// `tag_of` finds for its packet id. Both links' `poll` and `try_buffered` go through here.
pub(crate) fn tagged(mut wire: Wire, tag_of: impl FnOnce(u16) -> Option<u64>) -> Wire {
    if let Wire::OutPublish { pkid, tag } = &mut wire
        && *pkid != 0
    {
        *tag = tag_of(*pkid);
    }
    wire
}

pub(crate) fn qos_from_v4(q: rumqttc::QoS) -> QoS {
    match q {
        rumqttc::QoS::AtMostOnce => QoS::AtMostOnce,
        rumqttc::QoS::AtLeastOnce => QoS::AtLeastOnce,
        rumqttc::QoS::ExactlyOnce => QoS::ExactlyOnce,
    }
}

pub(crate) fn qos_to_v4(q: QoS) -> rumqttc::QoS {
    match q {
        QoS::AtMostOnce => rumqttc::QoS::AtMostOnce,
        QoS::AtLeastOnce => rumqttc::QoS::AtLeastOnce,
        QoS::ExactlyOnce => rumqttc::QoS::ExactlyOnce,
    }
}

pub(crate) fn qos_from_v5(q: rumqttc::v5::mqttbytes::QoS) -> QoS {
    use rumqttc::v5::mqttbytes::QoS as Q;
    match q {
        Q::AtMostOnce => QoS::AtMostOnce,
        Q::AtLeastOnce => QoS::AtLeastOnce,
        Q::ExactlyOnce => QoS::ExactlyOnce,
    }
}

pub(crate) fn qos_to_v5(q: QoS) -> rumqttc::v5::mqttbytes::QoS {
    use rumqttc::v5::mqttbytes::QoS as Q;
    match q {
        QoS::AtMostOnce => Q::AtMostOnce,
        QoS::AtLeastOnce => Q::AtLeastOnce,
        QoS::ExactlyOnce => Q::ExactlyOnce,
    }
}

/// "NotAuthorized" -> "not authorized": rumqttc's reason enums, in words.
pub(crate) fn words<T: std::fmt::Debug>(code: &T) -> String {
    let raw = format!("{code:?}");
    let mut out = String::with_capacity(raw.len() + 4);
    for (i, c) in raw.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push(' ');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out.replace("qo s", "QoS").replace("user name", "username")
}
