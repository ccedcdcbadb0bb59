//! Popups on a stack (gitui's model): the top one takes the keys, through its own keymap context
//! so `?` lists its keys too; closing it uncovers the one below. One file per popup. A popup is
//! lent only what it reads (the dispatcher below decides what), and asks for changes with an
//! `Intent` that the owning feature carries out; every prompt edits its line with `edit_line`.

pub mod alert_edit;
pub mod alerts;
pub mod all_tree;
pub mod cleanup;
pub mod confirm;
pub mod conns;
pub mod file;
pub mod filter;
pub mod floods;
pub mod help;
pub mod history;
pub mod info;
pub mod intent;
pub mod mock;
pub mod picker;
pub mod playback;
pub mod profile_edit;
pub mod props;
pub mod repeat;
pub mod replay;
pub mod subscriptions;
pub mod text;
pub mod trace;
pub mod view;

use super::App;
use super::keymap::{Action, Ctx};

pub use alert_edit::AlertForm;
pub use alerts::AlertsPopup;
pub use all_tree::AllTreePopup;
pub use cleanup::CleanupPopup;
pub use confirm::{ConfirmPopup, Yes};
pub use conns::ConnsPopup;
pub use file::FilePopup;
pub use filter::FilterPopup;
pub use help::HelpPopup;
pub use history::HistoryPopup;
pub use info::InfoPopup;
pub use intent::{Intent, edit_line, field_key};
pub use mock::MockPopup;
pub use picker::PickerPopup;
pub use profile_edit::ProfileForm;
pub use props::{PropField, PropsPopup};
pub use repeat::RepeatPopup;
pub use replay::ReplayPopup;
pub use subscriptions::{SubField, SubForm, SubsPopup};
pub use text::TextPopup;
pub use trace::TracePopup;
pub use view::ViewPopup;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Popup {
    Help(HelpPopup),
    Picker(PickerPopup),
    Filter(FilterPopup),
    View(ViewPopup),
    Confirm(ConfirmPopup),
    Subs(SubsPopup),
    Info(InfoPopup),
    Props(Box<PropsPopup>),
    Text(TextPopup),
    Cleanup(CleanupPopup),
    History(HistoryPopup),
    Repeat(RepeatPopup),
    File(FilePopup),
    Profile(Box<ProfileForm>),
    /// The last notices, with how long ago (`N`); any key closes it.
    Notices,
    /// The connection's control packets (`T`).
    Trace(TracePopup),
    /// The open connections (`C`).
    Conns(ConnsPopup),
    /// Every connection in one tree (`M`).
    AllTree(Box<AllTreePopup>),
    /// One topic across the connections (`=`); any key closes it.
    Compare(String),
    /// The broker's `$SYS` numbers (`B`), opened at this time; any key closes it.
    Broker(std::time::Instant),
    /// What floods (`F`).
    Floods(floods::FloodsPopup),
    /// The alert rules and what fired (`A`), and a rule's editor.
    Alerts(AlertsPopup),
    AlertForm(Box<AlertForm>),
    /// A recording published again (`L`).
    Replay(ReplayPopup),
    /// `--open FILE`: the recording's time (`L`).
    Playback,
    /// The mock rules (`O`).
    Mock(MockPopup),
}

/// What a popup wants after a key.
#[derive(Debug)]
pub enum Outcome {
    /// Stay open (possibly changed).
    Keep,
    /// Stay open, and have the app do this.
    KeepAnd(Intent),
    Close,
    /// Close, and have the app do this.
    CloseAnd(Intent),
    Quit,
}

impl Popup {
    /// The keymap context of this popup's keys.
    pub fn ctx(&self) -> Ctx {
        match self {
            Popup::Help(_) => Ctx::Palette,
            Popup::Picker(_) => Ctx::Picker,
            Popup::Filter(_) => Ctx::Filter,
            Popup::View(_) => Ctx::View,
            Popup::Confirm(_) => Ctx::Confirm,
            Popup::Subs(p) if p.form.is_some() => Ctx::SubForm,
            Popup::Subs(_) => Ctx::Subs,
            Popup::Info(_) => Ctx::Help,
            Popup::Props(_) => Ctx::Props,
            Popup::Text(_) | Popup::Notices => Ctx::Help,
            Popup::Cleanup(_) => Ctx::Cleanup,
            Popup::History(p) if p.naming.is_some() => Ctx::SnippetName,
            Popup::History(_) => Ctx::History,
            Popup::Repeat(_) => Ctx::RepeatPrompt,
            Popup::File(_) => Ctx::FilePrompt,
            Popup::Profile(_) => Ctx::ProfileForm,
            Popup::Trace(_) => Ctx::Trace,
            Popup::Conns(_) => Ctx::Conns,
            Popup::AllTree(_) => Ctx::AllTree,
            Popup::Compare(_) | Popup::Broker(_) => Ctx::Help,
            Popup::Floods(_) => Ctx::Floods,
            Popup::Alerts(_) => Ctx::Alerts,
            Popup::AlertForm(_) => Ctx::AlertForm,
            Popup::Replay(_) => Ctx::ReplayForm,
            Popup::Playback => Ctx::Playback,
            Popup::Mock(_) => Ctx::Mock,
        }
    }

    /// A key bound in the popup's context (or Ctrl+C, which quits from anywhere), or, with
    /// `action` None, any other key (`key_char`: the character typed, for text popups). Each
    /// popup is lent what it reads and nothing else.
    pub fn on_key(
        &mut self,
        app: &mut App,
        action: Option<Action>,
        key_char: Option<char>,
    ) -> Outcome {
        if action == Some(Action::Quit) {
            return Outcome::Quit;
        }
        match self {
            Popup::Help(p) => {
                let page = help::page_rows(app.size.height);
                p.on_key(app.focus, page, action, key_char)
            }
            Popup::Picker(p) => {
                // Esc quits only when nothing at all is connected behind the picker.
                let connected = app.link.conn.is_some() || app.conn_count() > 1;
                p.on_key(&app.profiles, connected, action, key_char)
            }
            Popup::Filter(p) => {
                let filter = if p.tree {
                    &mut app.tree.filter
                } else {
                    &mut app.log.filter
                };
                p.on_key(&mut filter.text, action, key_char)
            }
            Popup::View(p) => p.on_key(action),
            Popup::Confirm(p) => p.on_key(action),
            Popup::Subs(p) => {
                let outcome = p.on_key(&app.link.subscriptions, action, key_char);
                p.selected = p
                    .selected
                    .min(app.link.subscriptions.len().saturating_sub(1));
                outcome
            }
            Popup::Info(p) => p.on_key(),
            Popup::Props(p) => p.on_key(action, key_char),
            Popup::Text(_) | Popup::Notices | Popup::Compare(_) | Popup::Broker(_) => {
                Outcome::Close
            }
            Popup::Floods(p) => {
                let rows: Vec<_> = app.floods(p).rows.iter().map(|r| r.node).collect();
                p.on_key(&rows, action)
            }
            Popup::Conns(p) => {
                let ids: Vec<_> = app.links().iter().map(|l| l.id).collect();
                p.on_key(&ids, action)
            }
            Popup::AllTree(p) => {
                let rows = app.all_tree_rows(p);
                let page = trace::rows(app.size.height);
                p.on_key(&rows, page, action, key_char)
            }
            Popup::Cleanup(p) => p.on_key(app.cleanup.as_ref().map(|c| &c.phase), action, key_char),
            Popup::History(p) => p.on_key(&app.history, action, key_char),
            Popup::Repeat(p) => p.on_key(action, key_char),
            Popup::File(p) => p.on_key(action, key_char),
            Popup::Trace(p) => {
                let page = trace::rows(app.size.height);
                p.on_key(&app.link.packets, page, action, key_char)
            }
            Popup::Alerts(p) => {
                let rules: Vec<String> = app
                    .alerts
                    .engine
                    .rules()
                    .iter()
                    .map(|r| r.name.clone())
                    .collect();
                p.on_key(&rules, app.alerts.shown.len(), action)
            }
            Popup::AlertForm(p) => {
                let config = app
                    .config_path
                    .clone()
                    .unwrap_or_else(|| "config.toml".into());
                p.on_key(&config, action, key_char)
            }
            Popup::Playback => playback::on_key(action),
            Popup::Mock(p) => {
                let n = app.mocking.as_ref().map_or(0, |m| m.mock.rules.len());
                p.on_key(n, action)
            }
            Popup::Replay(p) => {
                let running = app.replay.as_ref().is_some_and(|r| r.running());
                p.on_key(running, action, key_char)
            }
            Popup::Profile(p) => {
                let config = app
                    .config_path
                    .clone()
                    .unwrap_or_else(|| "config.toml".into());
                p.on_key(&config, action, key_char)
            }
        }
    }
}
