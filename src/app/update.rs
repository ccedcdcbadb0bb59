//! Events in, state changes and effects out.

use std::time::{Instant, SystemTime};

use bytes::Bytes;
use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::{Position, Rect};

use super::keymap::{Action, Ctx, lookup};
use super::views::{Focus, Overlay};
use super::{App, ConnInfo};
use crate::mqtt::{ConnState, Message, MqttEvent, PublishId, PublishOutcome, QoS};
use crate::store::NodeId;
use crate::ui::layout::Areas;

/// What the app asks of the world.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Publish {
        topic: String,
        payload: Bytes,
        qos: QoS,
        retain: bool,
    },
    /// Connect to the profile at this index of `App::profiles`.
    Connect(usize),
}

impl App {
    pub fn areas(&self) -> Areas {
        crate::ui::layout::areas(self.size)
    }

    fn page(&self, pane: Rect) -> usize {
        pane.height.saturating_sub(2).max(1) as usize
    }

    /// A terminal event.
    pub fn on_event(&mut self, event: Event, now: Instant) -> Vec<Effect> {
        self.now = now;
        let effects = self.on_terminal_event(event);
        // A key may have changed the log's filter or scope.
        self.refresh_log_index();
        effects
    }

    fn on_terminal_event(&mut self, event: Event) -> Vec<Effect> {
        match event {
            Event::Key(key) if key.kind != KeyEventKind::Release => self.on_key(key),
            Event::Mouse(m) => {
                self.on_mouse(m);
                Vec::new()
            }
            Event::Resize(w, h) => {
                self.size = Rect::new(0, 0, w, h);
                Vec::new()
            }
            Event::Paste(text) if self.focus.is_text() => {
                let area = if self.focus == Focus::Topic {
                    &mut self.compose.topic
                } else {
                    &mut self.compose.payload
                };
                let text = if self.focus == Focus::Topic {
                    text.replace(['\r', '\n'], "")
                } else {
                    text
                };
                area.insert_str(text);
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    pub fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        match self.overlay.clone() {
            Overlay::Help { scroll } => {
                match key.code {
                    KeyCode::Down | KeyCode::Char('j') => {
                        self.overlay = Overlay::Help { scroll: scroll + 1 }
                    }
                    KeyCode::Up | KeyCode::Char('k') => {
                        self.overlay = Overlay::Help {
                            scroll: scroll.saturating_sub(1),
                        }
                    }
                    KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                        self.quit = true
                    }
                    _ => self.overlay = Overlay::None,
                }
                return Vec::new();
            }
            Overlay::Picker { selected } => return self.picker_key(key, selected),
            Overlay::FilterInput { tree } => {
                self.filter_key(key, tree);
                return Vec::new();
            }
            Overlay::None => {}
        }
        let contexts: &[Ctx] = match self.focus {
            Focus::Tree => &[Ctx::Anywhere, Ctx::Tree, Ctx::Panes],
            Focus::Log => &[Ctx::Anywhere, Ctx::Log, Ctx::Panes],
            Focus::Topic | Focus::Payload => &[Ctx::Anywhere, Ctx::Compose],
            Focus::Qos => &[Ctx::Anywhere, Ctx::Compose, Ctx::Qos],
            Focus::Retain => &[Ctx::Anywhere, Ctx::Compose, Ctx::Retain],
        };
        if let Some(action) = lookup(&key, contexts) {
            return self.act(action);
        }
        match self.focus {
            Focus::Topic => {
                // One line: Enter moves on to the payload instead of breaking the line.
                if key.code == KeyCode::Enter {
                    self.focus = Focus::Payload;
                } else {
                    self.compose.topic.input(key);
                    self.compose.status = self.compose.topic_problem().map(|p| (p, true));
                }
            }
            Focus::Payload => {
                self.compose.payload.input(key);
            }
            _ => {}
        }
        Vec::new()
    }

    fn picker_key(&mut self, key: KeyEvent, selected: usize) -> Vec<Effect> {
        let n = self.profiles.len();
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => {
                self.overlay = Overlay::Picker {
                    selected: selected.saturating_sub(1),
                }
            }
            KeyCode::Down | KeyCode::Char('j') => {
                self.overlay = Overlay::Picker {
                    selected: (selected + 1).min(n.saturating_sub(1)),
                }
            }
            KeyCode::Enter if n > 0 => {
                self.overlay = Overlay::None;
                return vec![Effect::Connect(selected.min(n - 1))];
            }
            KeyCode::Esc if self.conn.is_some() => self.overlay = Overlay::None,
            KeyCode::Char('q') | KeyCode::Esc => self.quit = true,
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => self.quit = true,
            _ => {}
        }
        Vec::new()
    }

    fn filter_key(&mut self, key: KeyEvent, tree: bool) {
        let filter = if tree {
            &mut self.tree.filter
        } else {
            &mut self.log.filter
        };
        match key.code {
            KeyCode::Esc => {
                filter.text.clear();
                self.overlay = Overlay::None;
            }
            KeyCode::Enter => self.overlay = Overlay::None,
            KeyCode::Backspace => {
                filter.text.pop();
            }
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => self.quit = true,
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                filter.text.clear()
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                filter.text.push(c)
            }
            _ => {}
        }
        if tree {
            self.keep_tree_selection_visible();
        }
    }

    /// After a filter change: if the selected node is filtered out, select the first row.
    fn keep_tree_selection_visible(&mut self) {
        let rows = self.tree_rows();
        if self.tree.selected.is_none_or(|s| !rows.contains(&s)) {
            self.tree.selected = rows.first().copied();
        }
    }

    fn act(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Quit => self.quit = true,
            Action::Help => self.overlay = Overlay::Help { scroll: 0 },
            Action::FocusNext => self.set_focus(self.focus.next()),
            Action::FocusPrev => self.set_focus(self.focus.prev()),
            Action::Leave => self.set_focus(Focus::Tree),
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Home
            | Action::End => self.navigate(action),
            Action::Expand => self.expand(),
            Action::Collapse => self.collapse(),
            Action::ExpandAll => {
                if let Some(sel) = self.tree.selected {
                    let mut stack = vec![sel];
                    while let Some(id) = stack.pop() {
                        let node = self.store.tree.node(id);
                        if !node.children.is_empty() {
                            self.tree.expand(id);
                            stack.extend(node.children.iter().copied());
                        }
                    }
                }
            }
            Action::CollapseAll => {
                self.tree.collapse_all();
                if let Some(mut sel) = self.tree.selected {
                    while self.store.tree.node(sel).parent != crate::store::tree::ROOT {
                        sel = self.store.tree.node(sel).parent;
                    }
                    self.tree.selected = Some(sel);
                }
            }
            Action::Filter => {
                self.overlay = Overlay::FilterInput {
                    tree: self.focus != Focus::Log,
                };
            }
            Action::PublishHere => {
                let topic = if self.focus == Focus::Log {
                    self.log
                        .selected
                        .or_else(|| self.log_step(None, true, 0))
                        .and_then(|s| self.store.log.get(s))
                        .map(|e| self.store.tree.path(e.node))
                } else {
                    self.tree.selected.map(|n| self.store.tree.path(n))
                };
                if let Some(t) = topic {
                    self.compose.set_topic(&t);
                    self.compose.status = self.compose.topic_problem().map(|p| (p, true));
                }
                self.set_focus(Focus::Payload);
            }
            Action::Qos(n) => self.compose.qos = QoS::from_u8(n).unwrap_or_default(),
            Action::QosLeft => {
                self.compose.qos =
                    QoS::from_u8(self.compose.qos.as_u8().saturating_sub(1)).unwrap_or_default()
            }
            Action::QosRight => {
                self.compose.qos =
                    QoS::from_u8((self.compose.qos.as_u8() + 1).min(2)).unwrap_or_default()
            }
            Action::ToggleRetain => self.compose.retain = !self.compose.retain,
            Action::Publish => return self.publish(),
            Action::ToggleFollow => {
                self.log.selected = None;
                self.log.paused_at = None;
            }
            Action::TogglePause => {
                self.log.paused_at = match self.log.paused_at {
                    Some(_) => None,
                    None => Some(self.store.log.last_seq().unwrap_or(0)),
                };
            }
            Action::ToggleScope => self.log.subtree = !self.log.subtree,
            Action::DetailUp => self.detail.scroll = self.detail.scroll.saturating_sub(3),
            Action::DetailDown => self.detail.scroll = self.detail.scroll.saturating_add(3),
            Action::PagePrev => {
                self.detail.page = self.detail.page.saturating_sub(1);
                self.detail.scroll = 0;
            }
            Action::PageNext => {
                let len = self.detail_entry().map_or(0, |e| e.payload.len());
                self.detail.page = (self.detail.page + 1).min(crate::decode::page::pages(len) - 1);
                self.detail.scroll = 0;
            }
            Action::Older => {
                if self.detail.back + 1 < self.detail_history_len() {
                    self.detail.back += 1;
                    self.reset_detail_position();
                }
            }
            Action::Newer => {
                self.detail.back = self.detail.back.saturating_sub(1);
                self.reset_detail_position();
            }
            Action::SwitchProfile => {
                let current = self
                    .conn
                    .as_ref()
                    .and_then(|c| self.profiles.iter().position(|p| p.name == c.name))
                    .unwrap_or(0);
                self.overlay = Overlay::Picker { selected: current };
            }
        }
        Vec::new()
    }

    fn reset_detail_position(&mut self) {
        self.detail.scroll = 0;
        self.detail.page = 0;
    }

    fn set_focus(&mut self, focus: Focus) {
        match focus {
            Focus::Tree => self.detail.from_log = false,
            Focus::Log => self.detail.from_log = true,
            _ => {}
        }
        if matches!(focus, Focus::Tree | Focus::Log) && self.focus != focus {
            self.detail.back = 0;
            self.reset_detail_position();
        }
        self.focus = focus;
    }

    fn navigate(&mut self, action: Action) {
        let areas = self.areas();
        match self.focus {
            Focus::Log => {
                let page = self.page(areas.log);
                let sel = self.log.selected;
                self.log.selected = match action {
                    Action::Up => self.log_step(sel, true, 1),
                    Action::Down => sel.and_then(|s| self.log_step(Some(s), false, 1)),
                    Action::PageUp => self.log_step(sel, true, page),
                    Action::PageDown => sel.and_then(|s| self.log_step(Some(s), false, page)),
                    Action::Home => self.log_step(Some(0), false, 0).or(sel),
                    _ => None, // End: follow the newest again
                };
                // Reaching the newest by moving down follows again.
                if self.log.selected.is_some()
                    && self.log.selected == self.log_step(None, true, 0)
                    && matches!(action, Action::Down | Action::PageDown)
                {
                    self.log.selected = None;
                }
                self.detail.back = 0;
                self.reset_detail_position();
            }
            _ => {
                let rows = self.tree_rows();
                if rows.is_empty() {
                    return;
                }
                let page = self.page(areas.tree);
                let cur = self
                    .tree
                    .selected
                    .and_then(|s| rows.iter().position(|r| *r == s));
                let last = rows.len() - 1;
                let next = match (action, cur) {
                    (Action::Up, Some(i)) => i.saturating_sub(1),
                    (Action::Down, Some(i)) => (i + 1).min(last),
                    (Action::PageUp, Some(i)) => i.saturating_sub(page),
                    (Action::PageDown, Some(i)) => (i + page).min(last),
                    (Action::Home, _) => 0,
                    (Action::End, _) => last,
                    (_, None) => 0,
                    _ => 0,
                };
                self.select_node(rows[next]);
            }
        }
    }

    fn select_node(&mut self, id: NodeId) {
        if self.tree.selected != Some(id) {
            self.tree.selected = Some(id);
            self.detail.back = 0;
            self.reset_detail_position();
        }
    }

    fn expand(&mut self) {
        let Some(sel) = self.tree.selected else {
            return;
        };
        if self.store.tree.node(sel).children.is_empty() {
            return;
        }
        if !self.tree.expand(sel) {
            // Enter on an open node closes it; → and l leave it open.
            self.tree.collapse(sel);
        }
    }

    fn collapse(&mut self) {
        let Some(sel) = self.tree.selected else {
            return;
        };
        if !self.tree.collapse(sel) {
            let parent = self.store.tree.node(sel).parent;
            if parent != crate::store::tree::ROOT {
                self.select_node(parent);
            }
        }
    }

    fn publish(&mut self) -> Vec<Effect> {
        if let Some(problem) = self.compose.topic_problem() {
            self.compose.status = Some((format!("not sent: {problem}"), true));
            return Vec::new();
        }
        if self.conn.is_none() {
            self.compose.status = Some(("not sent: not connected to a broker".into(), true));
            return Vec::new();
        }
        self.compose.status = Some(("sending…".into(), false));
        vec![Effect::Publish {
            topic: self.compose.topic_text(),
            payload: Bytes::from(self.compose.payload_text().into_bytes()),
            qos: self.compose.qos,
            retain: self.compose.retain,
        }]
    }

    /// Called when an `Effect::Publish` was queued (or not) by the worker.
    pub fn published(&mut self, effect: &Effect, result: Result<PublishId, String>) {
        let Effect::Publish {
            topic,
            payload,
            qos,
            retain,
        } = effect
        else {
            return;
        };
        match result {
            Ok(id) => {
                self.pending_publishes.push((id, topic.clone()));
                let msg = Message {
                    topic: topic.clone(),
                    payload: payload.clone(),
                    qos: *qos,
                    retain: *retain,
                    dup: false,
                    received: SystemTime::now(),
                    properties: None,
                };
                self.store.ingest(msg, true, self.now);
                self.refresh_log_index();
            }
            Err(why) => self.compose.status = Some((format!("not sent: {why}"), true)),
        }
    }

    /// One MQTT event from the worker.
    pub fn on_mqtt(&mut self, event: MqttEvent, now: Instant) {
        match event {
            MqttEvent::Message(m) => {
                let node = self.store.ingest(m, false, now);
                if self.tree.selected.is_none() {
                    // The first topic seen becomes the selection, so keys work at once.
                    let mut root = node;
                    while self.store.tree.node(root).parent != crate::store::tree::ROOT {
                        root = self.store.tree.node(root).parent;
                    }
                    self.tree.selected = Some(root);
                }
                if self.log_is_narrowed() {
                    self.refresh_log_index();
                }
            }
            MqttEvent::State(state) => self.on_state(state, now),
            MqttEvent::Publish { id, outcome } => {
                if let Some(pos) = self.pending_publishes.iter().position(|(p, _)| *p == id) {
                    let failed = matches!(outcome, PublishOutcome::Failed(_));
                    self.compose.status = Some((outcome.to_string(), failed));
                    if outcome.is_final() {
                        self.pending_publishes.remove(pos);
                    }
                }
            }
            MqttEvent::Subscribed(results) => {
                for r in results {
                    if let Err(why) = r.granted {
                        self.notice = Some(format!("subscription '{}' refused: {why}", r.filter));
                    }
                }
            }
            MqttEvent::Unsubscribed(_) => {}
            MqttEvent::Dropped(n) => self.dropped += n,
        }
    }

    fn on_state(&mut self, state: ConnState, now: Instant) {
        let Some(conn) = self.conn.as_mut() else {
            return;
        };
        match &state {
            ConnState::Reconnecting { after, error, .. } => {
                conn.retry_at = Some(now + *after);
                conn.last_error = Some(error.clone());
            }
            ConnState::Connected { .. } => {
                conn.retry_at = None;
            }
            _ => {}
        }
        conn.state = state;
    }

    pub fn set_connection(&mut self, info: ConnInfo) {
        self.conn = Some(info);
    }

    fn on_mouse(&mut self, m: MouseEvent) {
        let areas = self.areas();
        let at = Position::new(m.column, m.row);
        match m.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                if areas.tree.contains(at) {
                    self.set_focus(Focus::Tree);
                    let rows = self.tree_rows();
                    let row =
                        (m.row.saturating_sub(areas.tree.y + 1)) as usize + self.tree.top.get();
                    if m.row > areas.tree.y
                        && let Some(id) = rows.get(row).copied()
                    {
                        if self.tree.selected == Some(id) {
                            self.expand();
                        } else {
                            self.select_node(id);
                        }
                    }
                } else if areas.log.contains(at) {
                    self.set_focus(Focus::Log);
                    let (rows, _) = self.log_window(self.page(areas.log));
                    let row = m.row.saturating_sub(areas.log.y + 1) as usize;
                    if m.row > areas.log.y
                        && let Some(e) = rows.get(row)
                    {
                        self.log.selected = Some(e.seq());
                    }
                } else if areas.compose_topic.contains(at) {
                    self.set_focus(Focus::Topic);
                } else if areas.compose_qos.contains(at) {
                    self.set_focus(Focus::Qos);
                } else if areas.compose_retain.contains(at) {
                    self.set_focus(Focus::Retain);
                    self.compose.retain = !self.compose.retain;
                } else if areas.compose_payload.contains(at) {
                    self.set_focus(Focus::Payload);
                }
            }
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let up = matches!(m.kind, MouseEventKind::ScrollUp);
                let action = if up { Action::Up } else { Action::Down };
                if areas.tree.contains(at) {
                    self.set_focus(Focus::Tree);
                    self.navigate(action);
                } else if areas.log.contains(at) {
                    self.set_focus(Focus::Log);
                    self.navigate(action);
                } else if areas.detail.contains(at) {
                    self.act(if up {
                        Action::DetailUp
                    } else {
                        Action::DetailDown
                    });
                }
            }
            _ => {}
        }
    }
}
