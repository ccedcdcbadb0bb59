//! Per-pane view state: selection, expansion, filters, scroll positions.

use hashbrown::HashSet;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use ratatui::style::{Color, Style};
use ratatui_textarea::TextArea;

use crate::mqtt::QoS;
use crate::store::NodeId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Tree,
    Log,
    Topic,
    Payload,
    Qos,
    Retain,
}

impl Focus {
    pub const RING: [Focus; 6] = [
        Focus::Tree,
        Focus::Log,
        Focus::Topic,
        Focus::Payload,
        Focus::Qos,
        Focus::Retain,
    ];

    pub fn next(self) -> Focus {
        let i = Self::RING.iter().position(|f| *f == self).unwrap_or(0);
        Self::RING[(i + 1) % Self::RING.len()]
    }

    pub fn prev(self) -> Focus {
        let i = Self::RING.iter().position(|f| *f == self).unwrap_or(0);
        Self::RING[(i + Self::RING.len() - 1) % Self::RING.len()]
    }

    pub fn is_compose(self) -> bool {
        matches!(
            self,
            Focus::Topic | Focus::Payload | Focus::Qos | Focus::Retain
        )
    }

    pub fn is_text(self) -> bool {
        matches!(self, Focus::Topic | Focus::Payload)
    }
}

/// A filter for the tree or the log: an MQTT wildcard filter, or plain text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub text: String,
}

impl Filter {
    pub fn is_active(&self) -> bool {
        !self.text.is_empty()
    }

    pub fn is_wildcard(&self) -> bool {
        crate::mqtt::topic::is_wildcard_filter(&self.text)
    }

    /// Does a full topic match?
    pub fn matches(&self, topic: &str) -> bool {
        if self.text.is_empty() {
            return true;
        }
        if self.is_wildcard() {
            crate::mqtt::topic::filter_matches(&self.text, topic)
        } else {
            contains_ignore_case(topic, &self.text)
        }
    }
}

fn contains_ignore_case(hay: &str, needle: &str) -> bool {
    if hay.is_ascii() && needle.is_ascii() {
        hay.as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
    } else {
        hay.to_lowercase().contains(&needle.to_lowercase())
    }
}

#[derive(Debug, Default)]
pub struct TreeView {
    pub expanded: HashSet<NodeId>,
    pub selected: Option<NodeId>,
    pub filter: Filter,
    /// First visible row; kept by drawing so the selection stays in view.
    pub top: Cell<usize>,
    /// Bumped on every change to `expanded`.
    pub expand_generation: u64,
    /// The flattened rows and what they were derived from: rebuilt only when the tree's shape,
    /// its set of topics, the expansion or the filter changed, so a frame costs what the screen
    /// shows, not what the broker holds.
    pub rows_cache: RefCell<Option<RowsCache>>,
}

#[derive(Debug)]
pub struct RowsCache {
    pub key: RowsKey,
    pub rows: Rc<Vec<NodeId>>,
    /// `App::now` when built.
    pub built_at: std::time::Instant,
    /// Nodes in the tree when built (node ids are given out in order).
    pub nodes_seen: usize,
    /// Some node added since has a row: the rows are due for a rebuild.
    pub growth_shown: bool,
    /// Rows and nodes looked at to build them.
    pub cost: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowsKey {
    pub structure: u64,
    pub topics: u32,
    pub expand_generation: u64,
    pub filter: String,
}

impl TreeView {
    pub fn expand(&mut self, id: NodeId) -> bool {
        self.expand_generation += 1;
        self.expanded.insert(id)
    }

    pub fn collapse(&mut self, id: NodeId) -> bool {
        self.expand_generation += 1;
        self.expanded.remove(&id)
    }

    pub fn collapse_all(&mut self) {
        self.expand_generation += 1;
        self.expanded.clear();
    }
}

#[derive(Debug, Default)]
pub struct LogView {
    /// Selected entry; None follows the newest.
    pub selected: Option<u64>,
    /// While paused, only entries up to this one are shown.
    pub paused_at: Option<u64>,
    /// Show only messages under the tree's selected node.
    pub subtree: bool,
    pub filter: Filter,
    /// The entries that pass `filter` and `subtree`, kept current by the app.
    pub index: super::log_index::LogIndex,
}

#[derive(Debug, Default)]
pub struct DetailView {
    pub scroll: u16,
    pub page: usize,
    /// Which pane the detail follows.
    pub from_log: bool,
    /// Steps back into the topic's history (0: the message itself).
    pub back: usize,
    /// Payloads decoded for the detail, so a redraw does not decode again.
    pub cache: RefCell<crate::decode::DecodeCache>,
}

pub struct Compose {
    pub topic: TextArea<'static>,
    pub payload: TextArea<'static>,
    pub qos: QoS,
    pub retain: bool,
    /// The last outcome or validation problem, and whether it is an error.
    pub status: Option<(String, bool)>,
}

impl Compose {
    pub fn new() -> Compose {
        let mut topic = TextArea::default();
        topic.set_placeholder_text("topic, e.g. sensors/b1/cmd");
        topic.set_cursor_line_style(Style::default());
        let mut payload = TextArea::default();
        payload.set_placeholder_text("payload (multi-line); Ctrl+S publishes");
        payload.set_cursor_line_style(Style::default());
        payload.set_placeholder_style(Style::default().fg(Color::DarkGray));
        topic.set_placeholder_style(Style::default().fg(Color::DarkGray));
        Compose {
            topic,
            payload,
            qos: QoS::AtMostOnce,
            retain: false,
            status: None,
        }
    }

    pub fn topic_text(&self) -> String {
        self.topic.lines().join("")
    }

    pub fn payload_text(&self) -> String {
        self.payload.lines().join("\n")
    }

    pub fn set_topic(&mut self, topic: &str) {
        let mut t = TextArea::new(vec![topic.to_string()]);
        t.set_placeholder_text("topic, e.g. sensors/b1/cmd");
        t.set_placeholder_style(Style::default().fg(Color::DarkGray));
        t.set_cursor_line_style(Style::default());
        t.move_cursor(ratatui_textarea::CursorMove::End);
        self.topic = t;
    }

    /// The reason the topic cannot be published to, if any.
    pub fn topic_problem(&self) -> Option<String> {
        crate::mqtt::topic::validate_topic(&self.topic_text())
            .err()
            .map(|e| e.to_string())
    }
}

impl Default for Compose {
    fn default() -> Self {
        Compose::new()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help {
        scroll: usize,
    },
    Picker {
        selected: usize,
    },
    /// Typing a filter for the tree (true) or the log (false).
    FilterInput {
        tree: bool,
    },
}
