//! The application state and how it changes. Everything here is pure: terminal events and MQTT
//! events come in, effects (publish, switch profile, quit) go out, and the UI draws from it.

pub mod keymap;
mod log_index;
mod rows;
mod update;
pub mod views;

use std::time::Instant;

use ratatui::layout::Rect;

use crate::config::Profile;
use crate::mqtt::{ConnState, Protocol, PublishId};
use crate::store::{Limits, Store};

pub use update::Effect;
pub use views::{Compose, Focus, LogView, Overlay, TreeView};

/// What the status bar says about the connection.
#[derive(Debug, Clone)]
pub struct ConnInfo {
    pub name: String,
    pub url: String,
    pub protocol: Protocol,
    pub insecure: bool,
    pub state: ConnState,
    /// When the next attempt starts, while waiting to reconnect.
    pub retry_at: Option<Instant>,
    pub last_error: Option<String>,
}

pub struct App {
    pub store: Store,
    /// Which decoder shows which payload.
    pub decoders: crate::decode::Registry,
    pub focus: Focus,
    pub tree: TreeView,
    pub log: LogView,
    pub detail: views::DetailView,
    pub compose: Compose,
    pub conn: Option<ConnInfo>,
    pub overlay: Overlay,
    /// Profiles the picker offers.
    pub profiles: Vec<Profile>,
    /// The clock as of the last event, so drawing needs no clock of its own.
    pub now: Instant,
    /// Terminal size as of the last draw or resize (mouse hit-testing uses it).
    pub size: Rect,
    /// Messages the event queue dropped because we fell behind.
    pub dropped: u64,
    /// A one-line notice for the status bar (warnings, errors not tied to a pane).
    pub notice: Option<String>,
    pub quit: bool,
    /// Our publishes waiting for an outcome, with the topic they went to.
    pub pending_publishes: Vec<(PublishId, String)>,
}

impl App {
    pub fn new(profiles: Vec<Profile>, limits: Limits, now: Instant) -> App {
        App {
            store: Store::new(limits),
            decoders: crate::decode::Registry::default(),
            focus: Focus::Tree,
            tree: TreeView::default(),
            log: LogView::default(),
            detail: views::DetailView::default(),
            compose: Compose::new(),
            conn: None,
            overlay: Overlay::None,
            profiles,
            now,
            size: Rect::new(0, 0, 120, 40),
            dropped: 0,
            notice: None,
            quit: false,
            pending_publishes: Vec::new(),
        }
    }

    /// Forgets everything seen (used when switching profiles).
    pub fn clear_data(&mut self) {
        let limits = self.store.limits().clone();
        self.store = Store::new(limits);
        self.tree = TreeView::default();
        self.log = LogView::default();
        self.detail = views::DetailView::default();
        self.pending_publishes.clear();
        self.dropped = 0;
    }
}

/// Messages for the app's unit tests.
#[cfg(test)]
pub(crate) mod test_support {
    use crate::mqtt::{Message, MqttEvent, QoS};

    /// A QoS 0 message on `topic` with payload "1", received now.
    pub fn message(topic: &str) -> MqttEvent {
        MqttEvent::Message(Message {
            topic: topic.into(),
            payload: bytes::Bytes::from_static(b"1"),
            qos: QoS::AtMostOnce,
            retain: false,
            dup: false,
            received: std::time::SystemTime::now(),
            properties: None,
        })
    }
}
