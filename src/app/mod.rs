//! The application state and how it changes. Everything here is pure: a message comes in
//! through one door (`update.rs`: a terminal event, a batch of MQTT events, what an effect or a
//! job came back with, a timer) with the clock, effects go out, and the UI draws from the state.
//!
//! Rooms: `panes/` (tree, log, detail, compose: each owns its view state and takes the store as
//! a parameter), `features/` (one file per feature, each owning its state), `input/` (the
//! keymap, routing a key to the popup on top or the focused pane, focus, layout, text fields)
//! and `popup/` (one file per popup; each is lent what it reads and answers with an `Intent`).
//! Here: the door (`update.rs`), what comes in (`msg.rs`) and goes out (`effect.rs`), and the
//! handlers of the worker's events (`on_mqtt.rs`), the runner's outputs (`outputs.rs`) and the
//! popups' intents (`intents.rs`). The connection's state is one value, `session::link::Link`.

pub mod effect;
pub mod features;
pub mod input;
mod intents;
pub mod msg;
pub mod notice;
mod on_mqtt;
mod outputs;
pub mod panes;
pub mod popup;
mod update;

// The rooms' modules, by the names the rest of the crate (and `ui/`) knows them by.
pub use crate::session::outbox;
pub use features::{chart, cleanup, connections, history, pub_command, requests};
use features::{external, record, repeat, whole_read};
pub use input::{focus, form, keymap, layout};
pub use panes::{compose, detail, filter, log, tree};
use panes::{fold, log_index, preview};

use std::rc::Rc;
use std::time::Instant;

use ratatui::layout::Rect;

use crate::config::Profile;
use crate::session::link::Link;
use crate::store::{Limits, NodeId};

pub use crate::session::link::{ConnId, ConnInfo, SubState, SubStatus};
pub use compose::{Compose, Field};
pub use detail::DetailView;
pub use effect::{Effect, JobKind, Output};
pub use focus::Focus;
pub use log::LogView;
pub use msg::{Clock, Msg};
pub use notice::Level;
pub use popup::Popup;
pub use tree::TreeView;

pub struct App {
    /// The connection in focus: its status, store, subscriptions, outbox and CONNACK, as one
    /// value. With several connections, the others are parked (`features/connections.rs`).
    pub link: Link,
    /// The connections not in focus, in the order they were opened.
    pub others: Vec<connections::Parked>,
    /// The id the next connection opened gets.
    next_conn: u32,
    /// The history budget of the whole session, split between the connections.
    pub budget: usize,
    /// The parked connection being handled, by name: what it tells the user is prefixed with
    /// it (see `connections::with_conn`).
    speaking_for: Option<String>,
    /// Which decoder shows which payload.
    pub decoders: crate::decode::Registry,
    /// External decoders' runs and their outputs.
    pub external: external::ExternalRuns,
    /// `W`: a big payload read whole, off the loop.
    pub whole: whole_read::WholeRead,
    /// What Sparkplug B edge nodes and devices declared in their births.
    pub sparkplug: crate::decode::Births,
    /// Tree and log rows' one-line summaries of payloads that are not text.
    pub previews: preview::Previews,
    /// `c`: the chart of the shown topic's numbers.
    pub chart: chart::ChartView,
    /// The profile file's global `[[decoders]]` rules.
    pub global_rules: Vec<crate::decode::Rule>,
    /// The profile file's `[[latency]]` rules: where messages say when they were sent.
    pub latency_rules: Vec<crate::decode::send_time::LatencyRule>,
    /// Views picked with `v`, per topic: they beat rules and guesses for that topic.
    pub views: std::collections::HashMap<crate::store::NodeId, &'static str>,
    pub focus: Focus,
    pub tree: TreeView,
    pub log: LogView,
    pub detail: DetailView,
    pub compose: Compose,
    /// Open popups, the top one last: it takes the keys.
    pub popups: Vec<Popup>,
    /// Profiles the picker offers.
    pub profiles: Vec<Profile>,
    /// The clock as of the last message, so drawing needs no clock of its own.
    pub now: Instant,
    /// The wall clock as of the last message: the time our publishes and outcomes carry.
    pub wall: std::time::SystemTime,
    /// The timer asked for last (`Effect::WakeAt`), so it is asked again only when it changes.
    asked_wake: Option<Instant>,
    /// Compose publishes sent so far: `{{seq}}` in a template.
    compose_sent: u64,
    /// Terminal size as of the last draw or resize (mouse hit-testing uses it).
    pub size: Rect,
    /// What the user is told (warnings, errors, outcomes not tied to a pane), and the last
    /// ones with their times.
    pub notices: notice::Notices,
    pub quit: bool,
    /// The retained clean-up under way or last done (`D`), and what it cleared (for `u`).
    pub cleanup: Option<cleanup::Cleanup>,
    pub last_cleared: Option<Vec<crate::mqtt::Message>>,
    /// The profile file, for the editor's checks (relative TLS files are read from its
    /// folder); None: the current folder.
    pub config_path: Option<std::path::PathBuf>,
    /// Compose's message being sent N times (`Ctrl+R`).
    pub repeat: repeat::Repeater,
    /// Compose's publish history and the profile file's snippets.
    pub history: history::History,
    /// Our requests (a publish with a response topic) and the responses matched to them.
    pub requests: requests::Requests,
    /// Draw in colour (false under NO_COLOR: focus and selection by reverse video and bold).
    pub colour: bool,
    /// The editor's profile being written (and the name it had): the list takes it, and the
    /// editor closes, only once the file has it.
    pub saving_profile: Option<(crate::config::Profile, Option<String>)>,
    /// `E`: the recording under way.
    pub recording: Option<record::Recording>,
    /// `--open FILE`: the recording browsed, with no broker.
    pub opened: Option<features::opened::Opened>,
    /// `[[alerts]]`: the rules at work, their firings and the topics they hold on (`A`).
    pub alerts: features::alerts::Alerts,
    /// `L`: the replay under way, or the last one (its end kept for the popup).
    pub replay: Option<features::replay::Replaying>,
    /// `--mock RULES.toml`: devices that answer (`O`).
    pub mocking: Option<features::mock::Mocking>,
    /// `[[schemas]]`: the JSON Schemas topics' payloads must follow, and what broke them.
    pub schemas: features::schemas::Schemas,
}

impl App {
    pub fn new(profiles: Vec<Profile>, limits: Limits, now: Instant) -> App {
        App {
            budget: limits.memory_budget,
            link: Link::new(ConnId::FIRST, limits),
            others: Vec::new(),
            next_conn: 1,
            speaking_for: None,
            decoders: crate::decode::Registry::default(),
            sparkplug: Default::default(),
            external: Default::default(),
            whole: Default::default(),
            views: Default::default(),
            global_rules: Vec::new(),
            latency_rules: Vec::new(),
            chart: Default::default(),
            previews: Default::default(),
            focus: Focus::Tree,
            tree: TreeView::default(),
            log: LogView::default(),
            detail: DetailView::default(),
            compose: Compose::new(),
            popups: Vec::new(),
            profiles,
            now,
            wall: std::time::SystemTime::now(),
            asked_wake: None,
            compose_sent: 0,
            size: Rect::new(0, 0, 120, 40),
            notices: Default::default(),
            quit: false,
            colour: true,
            saving_profile: None,
            recording: None,
            opened: None,
            alerts: Default::default(),
            replay: None,
            mocking: None,
            schemas: Default::default(),
            cleanup: None,
            requests: Default::default(),
            history: Default::default(),
            repeat: Default::default(),
            config_path: None,
            last_cleared: None,
        }
    }

    /// Forgets everything seen (used when switching profiles): the connection's value starts
    /// anew, and so do the panes and what was decoded from it.
    pub fn clear_data(&mut self) {
        self.link = self.link.cleared();
        self.tree = TreeView::default();
        self.log = LogView::default();
        self.detail = DetailView::default();
        self.sparkplug = Default::default();
        self.external.clear();
        self.whole.clear();
        self.alerts.forget(self.link.id);
        self.schemas.forget(self.link.id);
    }
}

impl App {
    /// Tells the user `text` at `level` (see `notice.rs` for how long it stays).
    pub fn tell(&mut self, level: Level, text: String) {
        // A parked connection's words carry its name (once: some already start with it).
        let text = match &self.speaking_for {
            Some(name) if !text.starts_with(&format!("{name}: ")) => format!("{name}: {text}"),
            _ => text,
        };
        self.notices.tell(level, text, self.now);
    }

    /// The notice shown now, as text.
    pub fn notice_text(&self) -> Option<&str> {
        self.notices.current().map(|n| n.text.as_str())
    }

    /// The most a payload read from a file may hold: the broker's Maximum Packet Size when its
    /// CONNACK announced one (the publish's own check, with the topic, comes when it is sent),
    /// else MQTT's maximum.
    pub fn payload_limit(&self) -> usize {
        let max = crate::publish::MQTT_PAYLOAD_MAX;
        self.link
            .connack
            .as_ref()
            .and_then(|c| c.maximum_packet_size)
            .map_or(max, |m| (m as usize).min(max))
    }

    pub fn set_connection(&mut self, info: ConnInfo) {
        self.use_decoders_of(&info.name);
        self.link.conn = Some(info);
    }

    /// The decoder rules for profile `name`: its own `decoders`, then the file's global ones.
    pub fn use_decoders_of(&mut self, name: &str) {
        let mut rules: Vec<crate::decode::Rule> = self
            .profiles
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.decoders.clone())
            .unwrap_or_default();
        rules.extend(self.global_rules.iter().cloned());
        self.decoders = crate::decode::Registry::new(rules);
        self.detail.cache.borrow_mut().clear();
        self.previews.clear();
        self.external.clear();
    }

    /// Where each pane is on the current terminal size.
    pub fn areas(&self) -> layout::Areas {
        layout::areas(self.size)
    }

    /// The tree's rows, top to bottom.
    pub fn tree_rows(&self) -> Rc<Vec<NodeId>> {
        self.tree.rows(&self.link.store, self.now)
    }

    /// The popup on top, if any.
    pub fn popup(&self) -> Option<&Popup> {
        self.popups.last()
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
