//! Either protocol stack behind one type, so the worker can start with MQTT 5 and, when the
//! broker turns it away, carry on with 3.1.1 in the same task (`protocol = "auto"`).

use super::types::Subscription;
use std::sync::{Mutex, MutexGuard};

use super::link::{Link, Parked, Requests, Restored, Wire};
use super::link_v4::V4Link;
use super::link_v5::V5Link;
use super::types::{ConnError, PublishRequest};

/// Boxed: each stack's event loop is over a kilobyte, and the link moves when swapped.
pub enum AnyLink {
    V4(Box<V4Link>),
    V5(Box<V5Link>),
}

#[derive(Clone)]
pub enum AnyRequests {
    V4(rumqttc::AsyncClient),
    V5(rumqttc::v5::AsyncClient),
}

impl Requests for AnyRequests {
    fn try_publish(&self, req: &PublishRequest) -> Result<(), String> {
        match self {
            AnyRequests::V4(c) => Requests::try_publish(c, req),
            AnyRequests::V5(c) => Requests::try_publish(c, req),
        }
    }
    fn try_subscribe(&self, subs: &[Subscription]) -> Result<(), String> {
        match self {
            AnyRequests::V4(c) => Requests::try_subscribe(c, subs),
            AnyRequests::V5(c) => Requests::try_subscribe(c, subs),
        }
    }
    fn try_unsubscribe(&self, filter: &str) -> Result<(), String> {
        match self {
            AnyRequests::V4(c) => Requests::try_unsubscribe(c, filter),
            AnyRequests::V5(c) => Requests::try_unsubscribe(c, filter),
        }
    }
    fn try_disconnect(&self) -> Result<(), String> {
        match self {
            AnyRequests::V4(c) => Requests::try_disconnect(c),
            AnyRequests::V5(c) => Requests::try_disconnect(c),
        }
    }
}

impl Link for AnyLink {
    type Requests = AnyRequests;

    fn requests(&self) -> AnyRequests {
        match self {
            AnyLink::V4(l) => AnyRequests::V4(l.requests()),
            AnyLink::V5(l) => AnyRequests::V5(l.requests()),
        }
    }

    async fn poll(&mut self) -> Result<Wire, ConnError> {
        match self {
            AnyLink::V4(l) => l.poll().await,
            AnyLink::V5(l) => l.poll().await,
        }
    }

    fn try_buffered(&mut self) -> Option<Wire> {
        match self {
            AnyLink::V4(l) => l.try_buffered(),
            AnyLink::V5(l) => l.try_buffered(),
        }
    }

    fn tag_of(&self, pkid: u16) -> Option<u64> {
        match self {
            AnyLink::V4(l) => l.tag_of(pkid),
            AnyLink::V5(l) => l.tag_of(pkid),
        }
    }

    fn awaiting_pubrel(&self) -> bool {
        match self {
            AnyLink::V4(l) => l.awaiting_pubrel(),
            AnyLink::V5(l) => l.awaiting_pubrel(),
        }
    }

    fn drop_connection(&mut self) {
        match self {
            AnyLink::V4(l) => l.drop_connection(),
            AnyLink::V5(l) => l.drop_connection(),
        }
    }

    fn park(&mut self) -> Parked {
        match self {
            AnyLink::V4(l) => l.park(),
            AnyLink::V5(l) => l.park(),
        }
    }

    fn forget(&mut self, pkid: u16) {
        match self {
            AnyLink::V4(l) => l.forget(pkid),
            AnyLink::V5(l) => l.forget(pkid),
        }
    }

    fn restore(&mut self, session_present: bool) -> Restored {
        match self {
            AnyLink::V4(l) => l.restore(session_present),
            AnyLink::V5(l) => l.restore(session_present),
        }
    }
}

/// The requests of whichever link is current: the command task keeps one of these, and a
/// protocol fallback swaps what is inside.
pub struct SharedRequests(Mutex<AnyRequests>);

impl SharedRequests {
    pub fn new(r: AnyRequests) -> SharedRequests {
        SharedRequests(Mutex::new(r))
    }

    fn get(&self) -> MutexGuard<'_, AnyRequests> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn replace(&self, r: AnyRequests) {
        *self.get() = r;
    }
}

impl Requests for SharedRequests {
    fn try_publish(&self, req: &PublishRequest) -> Result<(), String> {
        self.get().try_publish(req)
    }
    fn try_subscribe(&self, subs: &[Subscription]) -> Result<(), String> {
        self.get().try_subscribe(subs)
    }
    fn try_unsubscribe(&self, filter: &str) -> Result<(), String> {
        self.get().try_unsubscribe(filter)
    }
    fn try_disconnect(&self) -> Result<(), String> {
        self.get().try_disconnect()
    }
}
