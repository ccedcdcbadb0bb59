//! Keys, mouse and paste, routed through the keymap: the top popup first, then the focused
//! pane. Each action is handed to the pane that owns it; this file only decides who.

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::{Position, Rect};

use crate::app::compose::Field;
use crate::app::effect::Effect;
use crate::app::focus::Focus;
use crate::app::keymap::{Action, Ctx, lookup};
use crate::app::popup::{FilterPopup, HelpPopup, Outcome, PickerPopup, Popup, ViewPopup};
use crate::app::{App, Level};
use crate::store::NodeId;

impl App {
    /// A terminal event.
    pub(in crate::app) fn on_event(&mut self, event: Event) -> Vec<Effect> {
        let effects = match event {
            Event::Key(key) if key.kind != KeyEventKind::Release => self.on_key(key),
            Event::Mouse(m) => {
                self.on_mouse(m);
                Vec::new()
            }
            Event::Resize(w, h) => {
                self.size = Rect::new(0, 0, w, h);
                Vec::new()
            }
            Event::Paste(text) => {
                if let Some(field) = self.focus.field() {
                    self.compose.paste(field, &text);
                }
                Vec::new()
            }
            _ => Vec::new(),
        };
        // A key may have changed the log's filter or scope.
        self.refresh_log_index();
        effects
    }

    pub fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        // A warning or an error shown has been seen once a key comes.
        self.notices.key_pressed();
        // Ctrl+Z works over popups and in text fields alike.
        if lookup(&key, &[Ctx::Anywhere]) == Some(Action::Suspend) {
            return vec![Effect::Suspend];
        }
        if let Some(mut popup) = self.popups.pop() {
            let action = lookup(&key, &[popup.ctx(), Ctx::Anywhere]);
            let typed = match key.code {
                KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => Some(c),
                _ => None,
            };
            // The popup is back on the stack before its intent is carried out, so what the
            // intent opens (a question, the editor) lands above it.
            return match popup.on_key(self, action, typed) {
                Outcome::Keep => {
                    self.popups.push(popup);
                    Vec::new()
                }
                Outcome::KeepAnd(intent) => {
                    self.popups.push(popup);
                    self.on_intent(intent)
                }
                Outcome::Close => Vec::new(),
                Outcome::CloseAnd(intent) => self.on_intent(intent),
                Outcome::Quit => {
                    self.quit = true;
                    Vec::new()
                }
            };
        }
        let contexts: &[Ctx] = match self.focus {
            Focus::Tree => &[Ctx::Anywhere, Ctx::Tree, Ctx::Panes],
            Focus::Log => &[Ctx::Anywhere, Ctx::Log, Ctx::Panes],
            Focus::Compose(Field::Topic | Field::Payload) => &[Ctx::Anywhere, Ctx::Compose],
            Focus::Compose(Field::Qos) => &[Ctx::Anywhere, Ctx::Compose, Ctx::Qos],
            Focus::Compose(Field::Retain) => &[Ctx::Anywhere, Ctx::Compose, Ctx::Retain],
        };
        if let Some(action) = lookup(&key, contexts) {
            return self.act(action);
        }
        if let Some(field) = self.focus.field()
            && let Some(next) = self.compose.type_key(field, key)
        {
            self.focus = Focus::Compose(next);
        }
        Vec::new()
    }

    pub(crate) fn act(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Quit => self.quit = true,
            Action::Help => self.popups.push(Popup::Help(HelpPopup::default())),
            Action::FocusNext => self.set_focus(self.focus.next()),
            Action::FocusPrev => self.set_focus(self.focus.prev()),
            Action::Leave => self.set_focus(Focus::Tree),
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Home
            | Action::End => self.navigate(action),
            Action::Expand => self.tree.expand_selected(&self.link.store, true),
            Action::Collapse => {
                if let Some(parent) = self.tree.collapse_selected(&self.link.store) {
                    self.select_node(parent);
                }
            }
            Action::ExpandAll => self.tree.expand_all_below(&self.link.store),
            Action::CollapseAll => self.tree.collapse_everything(&self.link.store),
            Action::SortOrder => {
                // The selection stays on its topic; the rows re-sort under it.
                self.tree.order = self.tree.order.next();
                self.tree.keep_selection_visible(&self.link.store, self.now);
            }
            Action::Filter => self.popups.push(Popup::Filter(FilterPopup {
                tree: self.focus != Focus::Log,
            })),
            Action::PublishHere => self.publish_here(),
            Action::Qos(n) => self.compose.set_qos(n),
            Action::QosLeft => self.compose.qos_step(false),
            Action::QosRight => self.compose.qos_step(true),
            Action::ToggleRetain => self.compose.toggle_retain(),
            Action::ClearPayload => self.compose.clear_payload(),
            Action::ClearFilter => {
                if self.focus == Focus::Log {
                    self.log.filter.text.clear();
                } else {
                    self.tree.filter.text.clear();
                    self.tree.keep_selection_visible(&self.link.store, self.now);
                }
            }
            Action::Publish => return self.publish(),
            Action::ToggleFollow => {
                self.log.selected = None;
                self.log.paused_at = None;
            }
            Action::TogglePause => {
                self.log.paused_at = match self.log.paused_at {
                    Some(_) => None,
                    None => Some(self.link.store.log.last_seq().unwrap_or(0)),
                };
            }
            Action::ToggleScope => self.log.subtree = !self.log.subtree,
            // Text scrolls three lines a key; a tree's cursor moves one row.
            Action::DetailUp => self.detail_move(-1),
            Action::DetailDown => self.detail_move(1),
            Action::PagePrev | Action::PageNext => {
                let len = self.detail_entry().map_or(0, |e| e.payload_len());
                self.detail.turn_page(action == Action::PageNext, len);
            }
            Action::Older | Action::Newer => self.detail_step(action == Action::Older),
            Action::SwitchProfile => {
                let current = self
                    .link
                    .conn
                    .as_ref()
                    .and_then(|c| self.profiles.iter().position(|p| p.name == c.name))
                    .unwrap_or(0);
                self.popups.push(Popup::Picker(PickerPopup::at(current)));
            }
            Action::CopyPayload | Action::CopyTopic => {
                if let Some(e) = self.detail_entry() {
                    let (what, raw) = if action == Action::CopyPayload {
                        ("payload", self.link.store.payload(e).to_vec())
                    } else {
                        ("topic", self.link.store.tree.path(e.node).into_bytes())
                    };
                    // Never raw control bytes on a clipboard a shell may be pasted from.
                    let (bytes, how) = crate::text::for_clipboard(&raw);
                    let what = match how {
                        Some(how) => format!("{what} {how}"),
                        None => what.to_string(),
                    };
                    return vec![Effect::Copy { what, bytes }];
                }
            }
            Action::Export => return self.export_key(),
            Action::Record => return self.record_key(),
            Action::Chart => self.chart_key(),
            Action::Fold => self.fold_at_cursor(),
            Action::ReadWhole => return self.read_whole_key(),
            Action::FoldAll => self.fold_all(),
            Action::DetailStart | Action::DetailEnd => {
                self.detail_jump(action == Action::DetailEnd)
            }
            Action::Rebirth => self.rebirth_key(),
            Action::CopyCommand => return self.copy_message_command(),
            Action::ClearRetained => return self.cleanup_key(),
            Action::UndoClear => return self.undo_cleanup(),
            Action::CopyComposeCommand => return self.copy_compose_command(),
            Action::PayloadEncoding => {
                self.compose.encoding = self.compose.encoding.next();
                self.compose.status = Some((
                    format!(
                        "the payload field is read as {}",
                        self.compose.encoding.name()
                    ),
                    false,
                ));
            }
            Action::PayloadFile => self
                .popups
                .push(Popup::File(crate::app::popup::FilePopup::default())),
            Action::Repeat => {
                if self.repeat.is_running() {
                    self.stop_repeat();
                } else {
                    self.popups
                        .push(Popup::Repeat(crate::app::popup::RepeatPopup::default()));
                }
            }
            Action::ComposeHistory => self
                .popups
                .push(Popup::History(crate::app::popup::HistoryPopup::default())),
            Action::Properties => {
                let form = crate::app::popup::PropsPopup::of(self.compose.properties.as_deref());
                self.popups.push(Popup::Props(Box::new(form)));
            }
            Action::ConnectionInfo => self.popups.push(Popup::Info(crate::app::popup::InfoPopup)),
            Action::Notices => self.popups.push(Popup::Notices),
            Action::Trace => self.popups.push(Popup::Trace(Default::default())),
            Action::Connections => {
                // Opened on the connection in focus.
                let at = self.links().iter().position(|l| l.id == self.link.id);
                self.popups
                    .push(Popup::Conns(crate::app::popup::ConnsPopup {
                        selected: at.unwrap_or(0),
                    }));
            }
            Action::BrokerPanel => return self.open_sys_panel(),
            Action::Floods => self.popups.push(Popup::Floods(Default::default())),
            Action::Alerts => self.open_alerts(),
            Action::Replay => self.open_replay(),
            Action::Mock => self.open_mock(),
            Action::AllTree => self.popups.push(Popup::AllTree(Default::default())),
            Action::Compare => match self.detail_entry().map(|e| e.node).or(self.tree.selected) {
                Some(node) => {
                    let topic = self.link.store.tree.path(node);
                    self.popups.push(Popup::Compare(topic));
                }
                None => self.tell(Level::Info, "select a topic to compare".into()),
            },
            Action::Subscriptions => self
                .popups
                .push(Popup::Subs(crate::app::popup::SubsPopup::new())),
            Action::ToggleDiff => {
                self.detail.diff = !self.detail.diff;
                self.detail.scroll = 0;
                self.detail.cursor = 0;
            }
            Action::PickView => {
                // The topic the detail shows: the log's selection or the tree's.
                if let Some(node) = self.detail_entry().map(|e| e.node) {
                    let current = self.views.get(&node).copied();
                    let popup = ViewPopup::new(&self.decoders, current, node);
                    self.popups.push(Popup::View(popup));
                }
            }
            Action::Reconnect => {
                let down =
                    self.link.conn.as_ref().is_some_and(|c| {
                        !matches!(c.state, crate::mqtt::ConnState::Connected { .. })
                    });
                if let Some(name) = self
                    .link
                    .conn
                    .as_ref()
                    .filter(|_| down)
                    .map(|c| c.name.clone())
                {
                    return self.connect_to(&name);
                }
            }
            Action::Suspend => return vec![Effect::Suspend],
            // Popup actions reach the popup's own handler, never here.
            Action::Confirm
            | Action::Close
            | Action::DeleteBack
            | Action::ClearInput
            | Action::SubAdd
            | Action::SubRemove
            | Action::SubToggle
            | Action::SubSave
            | Action::ProfileNew
            | Action::ConnectBeside
            | Action::FloodWindow
            | Action::AlertTry
            | Action::FloodBytes
            | Action::FloodSubtrees
            | Action::ProfileEdit
            | Action::ProfileDuplicate
            | Action::ProfileRemove
            | Action::TestConnection => {}
        }
        Vec::new()
    }

    /// `p`: the compose topic from the selected topic (tree) or message (log).
    fn publish_here(&mut self) {
        let topic = if self.focus == Focus::Log {
            self.log
                .selected
                .or_else(|| self.log_step(None, true, 0))
                .and_then(|s| self.link.store.log.get(s))
                .map(|e| self.link.store.tree.path(e.node))
        } else {
            self.tree.selected.map(|n| self.link.store.tree.path(n))
        };
        if let Some(t) = topic {
            self.compose.set_topic(&t);
        }
        self.set_focus(Focus::Compose(Field::Payload));
    }

    fn publish(&mut self) -> Vec<Effect> {
        // A publish of its own: its outcome is shown as such, not as the last repeat's.
        self.repeat.forget_finished();
        let v311 = self
            .link
            .conn
            .as_ref()
            .is_some_and(|c| c.protocol == crate::mqtt::Protocol::V311);
        if v311 && self.compose.properties.is_some() {
            // Sent without them, the message would not be what the form says.
            self.compose.status = Some((
                "not sent: MQTT 5 properties are set (Ctrl+O), and this broker speaks MQTT 3.1.1, which has none"
                    .into(),
                true,
            ));
            return Vec::new();
        }
        match self.compose.draft(self.link.conn.is_some()) {
            Some(draft) => self.request_effects(draft),
            None => Vec::new(),
        }
    }

    pub(in crate::app) fn set_focus(&mut self, focus: Focus) {
        match focus {
            Focus::Tree => self.detail.from_log = false,
            Focus::Log => self.detail.from_log = true,
            Focus::Compose(_) => {}
        }
        if matches!(focus, Focus::Tree | Focus::Log) && self.focus != focus {
            self.detail.unpin();
        }
        self.focus = focus;
    }

    /// Rows a page of `pane` holds (inside its border).
    fn page(pane: Rect) -> usize {
        pane.height.saturating_sub(2).max(1) as usize
    }

    fn navigate(&mut self, action: Action) {
        let areas = self.areas();
        if self.focus == Focus::Log {
            let page = Self::page(areas.log);
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
            self.detail.unpin();
        } else if let Some(id) =
            self.tree
                .step(&self.link.store, self.now, action, Self::page(areas.tree))
        {
            self.select_node(id);
        }
    }

    /// Shows node `id` in the tree: its ancestors opened, selected, the tree in focus.
    pub(in crate::app) fn go_to(&mut self, id: NodeId) {
        self.tree.reveal(&self.link.store, id);
        self.select_node(id);
        self.set_focus(Focus::Tree);
    }

    pub(in crate::app) fn select_node(&mut self, id: NodeId) {
        if self.tree.selected != Some(id) {
            self.tree.selected = Some(id);
            self.detail.unpin();
        }
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
                            self.tree.expand_selected(&self.link.store, true);
                        } else {
                            self.select_node(id);
                        }
                    }
                } else if areas.log.contains(at) {
                    self.set_focus(Focus::Log);
                    let (rows, _) = self.log_window(Self::page(areas.log));
                    let row = m.row.saturating_sub(areas.log.y + 1) as usize;
                    if m.row > areas.log.y
                        && let Some(e) = rows.get(row)
                    {
                        self.log.selected = Some(e.seq());
                    }
                } else if areas.compose_topic.contains(at) {
                    self.set_focus(Focus::Compose(Field::Topic));
                } else if areas.compose_qos.contains(at) {
                    self.set_focus(Focus::Compose(Field::Qos));
                } else if areas.compose_retain.contains(at) {
                    self.set_focus(Focus::Compose(Field::Retain));
                    self.compose.toggle_retain();
                } else if areas.compose_payload.contains(at) {
                    self.set_focus(Focus::Compose(Field::Payload));
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
                    self.detail_move(if up { -3 } else { 3 });
                }
            }
            _ => {}
        }
    }
}
