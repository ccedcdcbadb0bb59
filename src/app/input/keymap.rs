//! The one keymap table. Key handling looks actions up here, and the help overlay is generated
//! from it, so the two cannot disagree.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ctx {
    /// Everywhere, text fields included.
    Anywhere,
    /// Tree and log (not while typing).
    Panes,
    Tree,
    Log,
    /// Any compose field.
    Compose,
    Qos,
    Retain,
    /// The help popup.
    Help,
    /// The profile picker.
    Picker,
    /// The filter prompt.
    Filter,
    /// A yes/no question (a Rebirth command).
    Confirm,
    /// The subscriptions manager's list, and its add / edit form.
    Subs,
    SubForm,
    /// The MQTT 5 properties form.
    Props,
    /// The retained clean-up's preview and progress.
    Cleanup,
    /// Compose's snippets and publish history.
    History,
    /// The profile editor.
    ProfileForm,
    /// The view chooser.
    View,
    /// Compose's Ctrl+R prompt: how many times, how often.
    RepeatPrompt,
    /// Compose's Ctrl+F prompt: a file's path.
    FilePrompt,
    /// The name of a snippet being saved.
    SnippetName,
    /// `?`: the keys, searched as you type; Enter runs the one chosen.
    Palette,
    /// The packet trace.
    Trace,
    /// The open connections (`C`) and every connection's tree (`M`).
    Conns,
    AllTree,
    /// What floods (`F`).
    Floods,
    /// The alert rules and what fired (`A`), and a rule's editor.
    Alerts,
    AlertForm,
    /// The replay popup (`L`), and under `--open` the recording's time.
    ReplayForm,
    Playback,
    /// The mock rules (`O`).
    Mock,
    /// Not keys: what the marks on tree and log rows mean (listed in `?`, bound to nothing).
    Marks,
}

impl Ctx {
    pub fn label(self) -> &'static str {
        match self {
            Ctx::Anywhere => "anywhere",
            Ctx::Panes => "tree, log",
            Ctx::Tree => "tree",
            Ctx::Log => "log",
            Ctx::Compose => "compose",
            Ctx::Qos => "QoS field",
            Ctx::Retain => "retain field",
            Ctx::Help => "info popups",
            Ctx::Picker => "profiles",
            Ctx::Filter => "filter prompt",
            Ctx::View => "view chooser",
            Ctx::RepeatPrompt => "repeat prompt",
            Ctx::FilePrompt => "file prompt",
            Ctx::SnippetName => "snippet name prompt",
            Ctx::Palette => "help",
            Ctx::Confirm => "confirmation",
            Ctx::Subs => "subscriptions",
            Ctx::SubForm => "subscription form",
            Ctx::Props => "properties form",
            Ctx::Cleanup => "retained clean-up",
            Ctx::History => "snippets and history",
            Ctx::ProfileForm => "profile editor",
            Ctx::Marks => "mark on a row",
            Ctx::Trace => "packet trace",
            Ctx::Conns => "connections",
            Ctx::AllTree => "all connections' tree",
            Ctx::Floods => "what floods",
            Ctx::Alerts => "alerts",
            Ctx::AlertForm => "alert rule editor",
            Ctx::ReplayForm => "replay",
            Ctx::Playback => "recording's time (--open)",
            Ctx::Mock => "devices that answer (--mock)",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
    FocusNext,
    FocusPrev,
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    Expand,
    Collapse,
    ExpandAll,
    CollapseAll,
    Filter,
    PublishHere,
    Qos(u8),
    QosLeft,
    QosRight,
    ToggleRetain,
    ClearPayload,
    ClearFilter,
    Publish,
    Leave,
    ToggleFollow,
    TogglePause,
    ToggleScope,
    DetailUp,
    DetailDown,
    PagePrev,
    PageNext,
    Older,
    Newer,
    SwitchProfile,
    PickView,
    ToggleDiff,
    Chart,
    Export,
    Record,
    CopyPayload,
    CopyTopic,
    Reconnect,
    Suspend,
    /// Detail: fold the map or list at the top row (`z`), all of them (`Z`).
    Fold,
    ReadWhole,
    Trace,
    Connections,
    AllTree,
    SortOrder,
    BrokerPanel,
    Floods,
    /// `A`: the alert rules and what fired; the editor's try on the kept history.
    Alerts,
    AlertTry,
    /// `L`: replay a recording.
    Replay,
    /// `O`: the mock rules.
    Mock,
    FloodWindow,
    FloodBytes,
    FloodSubtrees,
    Compare,
    ConnectBeside,
    FoldAll,
    /// Detail: the payload's start and end.
    DetailStart,
    DetailEnd,
    /// Sparkplug B: ask the edge node for its births again.
    Rebirth,
    /// Compose: the MQTT 5 properties form.
    Properties,
    /// Compose: snippets and the publish history.
    ComposeHistory,
    /// Compose: send N times at an interval / stop.
    Repeat,
    /// The picker: a new profile, edit, duplicate, remove; the editor: test the connection.
    ProfileNew,
    ProfileEdit,
    ProfileDuplicate,
    ProfileRemove,
    TestConnection,
    /// Compose: how the payload field is read (text, hex, base64); a file into it.
    PayloadEncoding,
    PayloadFile,
    /// Retained clean-up of the tree's selection, and its undo.
    ClearRetained,
    UndoClear,
    /// The mosquitto_pub command for the shown message / for compose.
    CopyCommand,
    CopyComposeCommand,
    /// The connection popup (CONNACK).
    ConnectionInfo,
    /// The last notices, with their times.
    Notices,
    /// The subscriptions manager, and its keys.
    Subscriptions,
    SubAdd,
    SubRemove,
    SubToggle,
    SubSave,
    /// Popups: Enter.
    Confirm,
    /// Popups: Esc.
    Close,
    /// Text prompts: Backspace.
    DeleteBack,
    /// Text prompts: Ctrl+U.
    ClearInput,
}

pub struct Binding {
    pub keys: &'static [(KeyCode, KeyModifiers)],
    pub ctx: Ctx,
    pub action: Action,
    pub help: &'static str,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
const ALT: KeyModifiers = KeyModifiers::ALT;

use KeyCode::*;

const fn bind(
    keys: &'static [(KeyCode, KeyModifiers)],
    ctx: Ctx,
    action: Action,
    help: &'static str,
) -> Binding {
    Binding {
        keys,
        ctx,
        action,
        help,
    }
}

/// Every binding, in the order `?` lists them: one row each.
#[rustfmt::skip]
pub const KEYMAP: &[Binding] = &[
    bind(&[(Char('c'), CTRL)], Ctx::Anywhere, Action::Quit, "quit"),
    bind(&[(Char('z'), CTRL)], Ctx::Anywhere, Action::Suspend, "suspend (fg resumes)"),
    bind(&[(Char('s'), CTRL), (Enter, ALT)], Ctx::Compose, Action::Publish, "publish"),
    bind(&[(Tab, NONE)], Ctx::Anywhere, Action::FocusNext, "next pane: tree → log → topic → payload → QoS → retain"),
    bind(&[(BackTab, SHIFT), (BackTab, NONE)], Ctx::Anywhere, Action::FocusPrev, "previous pane"),
    bind(&[(Esc, NONE)], Ctx::Compose, Action::Leave, "leave the field (back to the tree)"),
    bind(&[(Char('l'), CTRL)], Ctx::Compose, Action::ClearPayload, "clear the payload"),
    bind(&[(Char('o'), CTRL)], Ctx::Compose, Action::Properties, "MQTT 5 properties of the next publishes"),
    bind(&[(Char('p'), CTRL)], Ctx::Compose, Action::ComposeHistory, "snippets and earlier publishes: load one to send again"),
    bind(&[(Char('t'), CTRL)], Ctx::Compose, Action::PayloadEncoding, "payload field is text / hex / base64 (cycles)"),
    bind(&[(Char('f'), CTRL)], Ctx::Compose, Action::PayloadFile, "load a file as the payload"),
    bind(&[(Char('r'), CTRL)], Ctx::Compose, Action::Repeat, "send it N times at an interval (again: stop)"),
    bind(&[(Char('y'), CTRL)], Ctx::Compose, Action::CopyComposeCommand, "copy the mosquitto_pub command for this publish"),
    bind(&[(Char('q'), NONE)], Ctx::Panes, Action::Quit, "quit"),
    bind(&[(Char('?'), NONE)], Ctx::Panes, Action::Help, "this help"),
    bind(&[(Up, NONE), (Char('k'), NONE)], Ctx::Panes, Action::Up, "move up"),
    bind(&[(Down, NONE), (Char('j'), NONE)], Ctx::Panes, Action::Down, "move down"),
    bind(&[(PageUp, NONE)], Ctx::Panes, Action::PageUp, "page up"),
    bind(&[(PageDown, NONE)], Ctx::Panes, Action::PageDown, "page down"),
    bind(&[(Home, NONE), (Char('g'), NONE)], Ctx::Panes, Action::Home, "first"),
    bind(&[(End, NONE), (Char('G'), SHIFT), (Char('G'), NONE)], Ctx::Panes, Action::End, "last"),
    bind(&[(Esc, NONE)], Ctx::Panes, Action::ClearFilter, "clear the pane's filter"),
    bind(&[(Char('/'), NONE)], Ctx::Panes, Action::Filter, "filter: a/+/b, text, re:, payload:, json:k>1, -x; Esc clears"),
    bind(&[(Char('p'), NONE)], Ctx::Panes, Action::PublishHere, "publish to this topic"),
    bind(&[(Char('J'), SHIFT), (Char('J'), NONE)], Ctx::Panes, Action::DetailDown, "detail: the cursor row down (a tree), or scroll (text)"),
    bind(&[(Char('K'), SHIFT), (Char('K'), NONE)], Ctx::Panes, Action::DetailUp, "detail: the cursor row up (a tree), or scroll (text)"),
    bind(&[(Char('['), NONE)], Ctx::Panes, Action::PagePrev, "previous page of a big payload"),
    bind(&[(Char(']'), NONE)], Ctx::Panes, Action::PageNext, "next page of a big payload"),
    bind(&[(Char('<'), NONE), (Char('<'), SHIFT), (Char(','), NONE)], Ctx::Panes, Action::Older, "older message of this topic"),
    bind(&[(Char('>'), NONE), (Char('>'), SHIFT), (Char('.'), NONE)], Ctx::Panes, Action::Newer, "newer message of this topic"),
    bind(&[(Char('P'), SHIFT), (Char('P'), NONE)], Ctx::Panes, Action::SwitchProfile, "switch profile"),
    bind(&[(Char('v'), NONE)], Ctx::Panes, Action::PickView, "pick how this topic's payloads are shown (json, msgpack, hex…)"),
    bind(&[(Char('d'), NONE)], Ctx::Panes, Action::ToggleDiff, "compare with the topic's previous message (< > step back)"),
    bind(&[(Char('c'), NONE)], Ctx::Panes, Action::Chart, "chart the topic's numbers (again: next field, then close)"),
    bind(&[(Char('e'), NONE)], Ctx::Panes, Action::Export, "export the topic's kept messages (JSON Lines; CSV for numbers)"),
    bind(&[(Char('E'), NONE)], Ctx::Panes, Action::Record, "record messages to a new file (the filter's, if on); E stops"),
    bind(&[(Char('y'), NONE)], Ctx::Panes, Action::CopyPayload, "copy the payload to the clipboard (OSC 52, works over ssh)"),
    bind(&[(Char('Y'), SHIFT), (Char('Y'), NONE)], Ctx::Panes, Action::CopyTopic, "copy the topic to the clipboard"),
    bind(&[(Char('m'), NONE)], Ctx::Panes, Action::CopyCommand, "copy the mosquitto_pub command that resends this message"),
    bind(&[(Char('z'), NONE)], Ctx::Panes, Action::Fold, "fold / open at the detail's cursor row (on bytes: all of them)"),
    bind(&[(Char('Z'), SHIFT), (Char('Z'), NONE)], Ctx::Panes, Action::FoldAll, "fold everything below the top level / open all"),
    bind(&[(Char('W'), SHIFT), (Char('W'), NONE)], Ctx::Panes, Action::ReadWhole, "read a payload past 1 MiB whole (shown as text pages until then)"),
    bind(&[(Char('{'), NONE), (Char('{'), SHIFT)], Ctx::Panes, Action::DetailStart, "the detail's payload from its start"),
    bind(&[(Char('}'), NONE), (Char('}'), SHIFT)], Ctx::Panes, Action::DetailEnd, "the detail's payload at its end"),
    bind(&[(Char('R'), SHIFT), (Char('R'), NONE)], Ctx::Panes, Action::Rebirth, "Sparkplug B: ask this edge node for a rebirth (NCMD)"),
    bind(&[(Char('S'), SHIFT), (Char('S'), NONE)], Ctx::Panes, Action::Subscriptions, "subscriptions: see, add, remove, turn off/on, save"),
    bind(&[(Char('i'), NONE)], Ctx::Panes, Action::ConnectionInfo, "the connection: protocol and everything CONNACK said"),
    bind(&[(Char('T'), SHIFT), (Char('T'), NONE)], Ctx::Panes, Action::Trace, "the connection's packets, with round trips (type to filter)"),
    bind(&[(Char('C'), SHIFT), (Char('C'), NONE)], Ctx::Panes, Action::Connections, "connections and their state (Enter focuses, a adds, x closes)"),
    bind(&[(Char('M'), SHIFT), (Char('M'), NONE)], Ctx::Panes, Action::AllTree, "every connection in one tree (@name/…), filterable"),
    bind(&[(Char('='), NONE)], Ctx::Panes, Action::Compare, "this topic on every connection: values, agree?, arrival lag"),
    bind(&[(Char('F'), SHIFT), (Char('F'), NONE)], Ctx::Panes, Action::Floods, "what floods: the busiest topics, their share of all traffic"),
    bind(&[(Char('A'), SHIFT), (Char('A'), NONE)], Ctx::Panes, Action::Alerts, "alerts: the rules (a adds, Enter edits) and what fired, when"),
    bind(&[(Char('L'), SHIFT), (Char('L'), NONE)], Ctx::Panes, Action::Replay, "replay a recording (--open: step and play its time)"),
    bind(&[(Char('O'), SHIFT), (Char('O'), NONE)], Ctx::Panes, Action::Mock, "devices that answer (--mock RULES.toml): hits, on/off"),
    bind(&[(Char('B'), SHIFT), (Char('B'), NONE)], Ctx::Panes, Action::BrokerPanel, "the broker's own numbers ($SYS): clients, rates, uptime"),
    bind(&[(Char('N'), SHIFT), (Char('N'), NONE)], Ctx::Panes, Action::Notices, "the last notices, with how long ago"),
    bind(&[(Char('r'), NONE)], Ctx::Panes, Action::Reconnect, "reconnect now (also after a failure that stopped retrying)"),
    bind(&[(Right, NONE), (Char('l'), NONE), (Enter, NONE)], Ctx::Tree, Action::Expand, "expand (Enter: toggle)"),
    bind(&[(Left, NONE), (Char('h'), NONE)], Ctx::Tree, Action::Collapse, "collapse (or go to parent)"),
    bind(&[(Char('*'), NONE), (Char('*'), SHIFT)], Ctx::Tree, Action::ExpandAll, "expand everything below"),
    bind(&[(Char('-'), NONE)], Ctx::Tree, Action::CollapseAll, "collapse everything"),
    bind(&[(Char('o'), NONE)], Ctx::Tree, Action::SortOrder, "order: name, busiest, bytes/s, silent, newest, count"),
    bind(&[(Char('D'), SHIFT), (Char('D'), NONE)], Ctx::Tree, Action::ClearRetained, "clear retained messages of this topic or subtree (preview)"),
    bind(&[(Char('u'), NONE)], Ctx::Tree, Action::UndoClear, "undo the last clean-up: publish what it cleared, retained"),
    bind(&[(Char('f'), NONE)], Ctx::Log, Action::ToggleFollow, "follow the newest message"),
    bind(&[(Char(' '), NONE)], Ctx::Log, Action::TogglePause, "pause / resume (counts what arrives)"),
    bind(&[(Char('s'), NONE)], Ctx::Log, Action::ToggleScope, "whole stream / selected subtree"),
    bind(&[(Char('0'), NONE)], Ctx::Qos, Action::Qos(0), "QoS 0"),
    bind(&[(Char('1'), NONE)], Ctx::Qos, Action::Qos(1), "QoS 1"),
    bind(&[(Char('2'), NONE)], Ctx::Qos, Action::Qos(2), "QoS 2"),
    bind(&[(Left, NONE), (Char('h'), NONE)], Ctx::Qos, Action::QosLeft, "lower QoS"),
    bind(&[(Right, NONE), (Char('l'), NONE)], Ctx::Qos, Action::QosRight, "higher QoS"),
    bind(&[(Char(' '), NONE), (Enter, NONE)], Ctx::Retain, Action::ToggleRetain, "toggle retain"),
    bind(&[(Down, NONE), (Char('j'), NONE)], Ctx::Help, Action::Down, "scroll down (any other key closes)"),
    bind(&[(Up, NONE), (Char('k'), NONE)], Ctx::Help, Action::Up, "scroll up"),
    bind(&[(PageDown, NONE)], Ctx::Help, Action::PageDown, "page down"),
    bind(&[(PageUp, NONE)], Ctx::Help, Action::PageUp, "page up"),
    bind(&[(Home, NONE)], Ctx::Help, Action::Home, "top"),
    bind(&[(End, NONE)], Ctx::Help, Action::End, "bottom"),
    bind(&[(Down, NONE)], Ctx::Palette, Action::Down, "next key (type to search: a word finds a feature)"),
    bind(&[(Up, NONE)], Ctx::Palette, Action::Up, "previous key"),
    bind(&[(PageDown, NONE)], Ctx::Palette, Action::PageDown, "a page down"),
    bind(&[(PageUp, NONE)], Ctx::Palette, Action::PageUp, "a page up"),
    bind(&[(Home, NONE)], Ctx::Palette, Action::Home, "first"),
    bind(&[(End, NONE)], Ctx::Palette, Action::End, "last"),
    bind(&[(Enter, NONE)], Ctx::Palette, Action::Confirm, "do what the chosen key does"),
    bind(&[(Backspace, NONE)], Ctx::Palette, Action::DeleteBack, "delete a character of the search"),
    bind(&[(Char('u'), CTRL)], Ctx::Palette, Action::ClearInput, "clear the search"),
    bind(&[(Esc, NONE)], Ctx::Palette, Action::Close, "close"),
    bind(&[(Up, NONE)], Ctx::Picker, Action::Up, "previous profile"),
    bind(&[(Down, NONE)], Ctx::Picker, Action::Down, "next profile"),
    bind(&[(PageUp, NONE)], Ctx::Picker, Action::PageUp, "page up"),
    bind(&[(PageDown, NONE)], Ctx::Picker, Action::PageDown, "page down"),
    bind(&[(Home, NONE)], Ctx::Picker, Action::Home, "first profile"),
    bind(&[(End, NONE)], Ctx::Picker, Action::End, "last profile"),
    bind(&[(Enter, NONE)], Ctx::Picker, Action::Confirm, "connect"),
    bind(&[(Char('b'), CTRL)], Ctx::Picker, Action::ConnectBeside, "connect beside the open ones (Enter too, once several are open)"),
    bind(&[(Char('n'), CTRL)], Ctx::Picker, Action::ProfileNew, "new profile (letters filter the list)"),
    bind(&[(Char('e'), CTRL)], Ctx::Picker, Action::ProfileEdit, "edit this profile"),
    bind(&[(Char('d'), CTRL)], Ctx::Picker, Action::ProfileDuplicate, "duplicate this profile, then edit the copy"),
    bind(&[(Delete, NONE)], Ctx::Picker, Action::ProfileRemove, "remove this profile from the file (asks first)"),
    bind(&[(Char('s'), CTRL)], Ctx::ProfileForm, Action::Publish, "save (when the loader takes it), atomically, comments kept"),
    bind(&[(Char('t'), CTRL)], Ctx::ProfileForm, Action::TestConnection, "test: connect, show the CONNACK, disconnect"),
    bind(&[(Enter, NONE), (Down, NONE)], Ctx::ProfileForm, Action::Confirm, "next field"),
    bind(&[(Up, NONE)], Ctx::ProfileForm, Action::Up, "previous field"),
    bind(&[(Backspace, NONE)], Ctx::ProfileForm, Action::DeleteBack, "delete a character"),
    bind(&[(Char('u'), CTRL)], Ctx::ProfileForm, Action::ClearInput, "clear the field"),
    bind(&[(Esc, NONE)], Ctx::ProfileForm, Action::Close, "close, nothing saved"),
    bind(&[(Backspace, NONE)], Ctx::Picker, Action::DeleteBack, "delete a filter character (typing filters by name or URL)"),
    bind(&[(Char('u'), CTRL)], Ctx::Picker, Action::ClearInput, "clear the filter"),
    bind(&[(Esc, NONE)], Ctx::Picker, Action::Close, "clear the filter, else close (quits when not connected)"),
    bind(&[(Up, NONE), (Char('k'), NONE)], Ctx::View, Action::Up, "previous view"),
    bind(&[(Down, NONE), (Char('j'), NONE)], Ctx::View, Action::Down, "next view"),
    bind(&[(Home, NONE)], Ctx::View, Action::Home, "first (auto)"),
    bind(&[(End, NONE)], Ctx::View, Action::End, "last"),
    bind(&[(Enter, NONE)], Ctx::View, Action::Confirm, "show this topic this way"),
    bind(&[(Esc, NONE)], Ctx::View, Action::Close, "close, keeping the view"),
    bind(&[(Up, NONE), (Char('k'), NONE)], Ctx::Subs, Action::Up, "previous subscription"),
    bind(&[(Down, NONE), (Char('j'), NONE)], Ctx::Subs, Action::Down, "next subscription"),
    bind(&[(Home, NONE)], Ctx::Subs, Action::Home, "first"),
    bind(&[(End, NONE)], Ctx::Subs, Action::End, "last"),
    bind(&[(Char('a'), NONE)], Ctx::Subs, Action::SubAdd, "add one (filter, QoS, MQTT 5 options)"),
    bind(&[(Enter, NONE)], Ctx::Subs, Action::Confirm, "edit this one"),
    bind(&[(Delete, NONE), (Char('x'), NONE)], Ctx::Subs, Action::SubRemove, "remove it (UNSUBSCRIBE)"),
    bind(&[(Char(' '), NONE)], Ctx::Subs, Action::SubToggle, "turn it off (UNSUBSCRIBE, kept) or on"),
    bind(&[(Char('s'), NONE)], Ctx::Subs, Action::SubSave, "save the list to the profile"),
    bind(&[(Esc, NONE)], Ctx::Subs, Action::Close, "close"),
    bind(&[(Enter, NONE)], Ctx::SubForm, Action::Confirm, "subscribe (when the form is valid)"),
    bind(&[(Left, NONE)], Ctx::SubForm, Action::QosLeft, "lower QoS / retain handling, option off"),
    bind(&[(Right, NONE)], Ctx::SubForm, Action::QosRight, "higher QoS / retain handling, option on"),
    bind(&[(Backspace, NONE)], Ctx::SubForm, Action::DeleteBack, "delete a character"),
    bind(&[(Esc, NONE)], Ctx::SubForm, Action::Close, "back to the list, nothing sent"),
    bind(&[(Char('s'), CTRL)], Ctx::Props, Action::Publish, "apply the properties (when valid)"),
    bind(&[(Enter, NONE)], Ctx::Props, Action::Confirm, "next field (in user properties: a new line)"),
    bind(&[(Left, NONE)], Ctx::Props, Action::QosLeft, "payload format: previous"),
    bind(&[(Right, NONE)], Ctx::Props, Action::QosRight, "payload format: next"),
    bind(&[(Backspace, NONE)], Ctx::Props, Action::DeleteBack, "delete a character"),
    bind(&[(Char('u'), CTRL)], Ctx::Props, Action::ClearInput, "clear the field"),
    bind(&[(Char('l'), CTRL)], Ctx::Props, Action::ClearPayload, "clear every property"),
    bind(&[(Esc, NONE)], Ctx::Props, Action::Close, "close, nothing changed"),
    bind(&[(Up, NONE), (Char('k'), NONE)], Ctx::History, Action::Up, "previous"),
    bind(&[(Down, NONE), (Char('j'), NONE)], Ctx::History, Action::Down, "next"),
    bind(&[(Home, NONE)], Ctx::History, Action::Home, "first"),
    bind(&[(End, NONE)], Ctx::History, Action::End, "last"),
    bind(&[(Enter, NONE)], Ctx::History, Action::Confirm, "load it into compose (Ctrl+S then sends it)"),
    bind(&[(Char('s'), NONE)], Ctx::History, Action::SubSave, "save compose as a snippet (asks its name)"),
    bind(&[(Esc, NONE)], Ctx::History, Action::Close, "close"),
    bind(&[(Enter, NONE)], Ctx::Cleanup, Action::Confirm, "clear them (the list is what the broker retains)"),
    bind(&[(Down, NONE), (Char('j'), NONE)], Ctx::Cleanup, Action::Down, "scroll the list"),
    bind(&[(Up, NONE), (Char('k'), NONE)], Ctx::Cleanup, Action::Up, "scroll back"),
    bind(&[(PageDown, NONE)], Ctx::Cleanup, Action::PageDown, "page down"),
    bind(&[(PageUp, NONE)], Ctx::Cleanup, Action::PageUp, "page up"),
    bind(&[(Esc, NONE)], Ctx::Cleanup, Action::Close, "cancel the preview / hide the progress (it goes on)"),
    bind(&[(Enter, NONE), (Char('y'), NONE)], Ctx::Confirm, Action::Confirm, "yes, do it"),
    bind(&[(Esc, NONE), (Char('n'), NONE)], Ctx::Confirm, Action::Close, "no, close"),
    bind(&[(Up, NONE), (Char('k'), NONE)], Ctx::Floods, Action::Up, "move up"),
    bind(&[(Down, NONE), (Char('j'), NONE)], Ctx::Floods, Action::Down, "move down"),
    bind(&[(Home, NONE)], Ctx::Floods, Action::Home, "first"),
    bind(&[(End, NONE)], Ctx::Floods, Action::End, "last"),
    bind(&[(Char('w'), NONE)], Ctx::Floods, Action::FloodWindow, "over 10 s, 1 min or 5 min"),
    bind(&[(Char('b'), NONE)], Ctx::Floods, Action::FloodBytes, "rank by bytes/s or msg/s"),
    bind(&[(Char('s'), NONE)], Ctx::Floods, Action::FloodSubtrees, "topics or subtrees"),
    bind(&[(Enter, NONE)], Ctx::Floods, Action::Confirm, "show it in the tree"),
    bind(&[(Esc, NONE)], Ctx::Floods, Action::Close, "close"),
    bind(&[(Up, NONE), (Char('k'), NONE)], Ctx::Alerts, Action::Up, "previous rule"),
    bind(&[(Down, NONE), (Char('j'), NONE)], Ctx::Alerts, Action::Down, "next rule"),
    bind(&[(PageDown, NONE)], Ctx::Alerts, Action::PageDown, "older firings"),
    bind(&[(PageUp, NONE)], Ctx::Alerts, Action::PageUp, "newer firings"),
    bind(&[(Char('a'), NONE)], Ctx::Alerts, Action::SubAdd, "a new rule"),
    bind(&[(Enter, NONE)], Ctx::Alerts, Action::Confirm, "edit the rule"),
    bind(&[(Delete, NONE), (Char('x'), NONE)], Ctx::Alerts, Action::SubRemove, "remove the rule from the file (asks first)"),
    bind(&[(Esc, NONE)], Ctx::Alerts, Action::Close, "close"),
    bind(&[(Char('s'), CTRL)], Ctx::AlertForm, Action::Publish, "save (when the loader takes it), atomically, comments kept"),
    bind(&[(Char('t'), CTRL)], Ctx::AlertForm, Action::AlertTry, "try it on the kept history: what it would have fired"),
    bind(&[(Enter, NONE), (Down, NONE), (Tab, NONE)], Ctx::AlertForm, Action::Confirm, "next field"),
    bind(&[(Up, NONE), (BackTab, SHIFT), (BackTab, NONE)], Ctx::AlertForm, Action::Up, "previous field"),
    bind(&[(Backspace, NONE)], Ctx::AlertForm, Action::DeleteBack, "delete a character"),
    bind(&[(Char('u'), CTRL)], Ctx::AlertForm, Action::ClearInput, "clear the field"),
    bind(&[(Esc, NONE)], Ctx::AlertForm, Action::Close, "close, nothing saved"),
    bind(&[(Char(' '), NONE)], Ctx::Playback, Action::TogglePause, "play / pause (from the end: from the start)"),
    bind(&[(Right, NONE), (Char('l'), NONE)], Ctx::Playback, Action::Newer, "the next message"),
    bind(&[(Left, NONE), (Char('h'), NONE)], Ctx::Playback, Action::Older, "back a message (read again up to it)"),
    bind(&[(PageDown, NONE)], Ctx::Playback, Action::PageDown, "10 s on"),
    bind(&[(PageUp, NONE)], Ctx::Playback, Action::PageUp, "10 s back"),
    bind(&[(Home, NONE)], Ctx::Playback, Action::Home, "the first message"),
    bind(&[(End, NONE)], Ctx::Playback, Action::End, "the end: every message"),
    bind(&[(Char('+'), NONE), (Char('+'), SHIFT), (Char('='), NONE)], Ctx::Playback, Action::QosRight, "play faster (×2)"),
    bind(&[(Char('-'), NONE)], Ctx::Playback, Action::QosLeft, "play slower (÷2)"),
    bind(&[(Esc, NONE)], Ctx::Playback, Action::Close, "close (playing goes on)"),
    bind(&[(Up, NONE), (Char('k'), NONE)], Ctx::Mock, Action::Up, "previous rule"),
    bind(&[(Down, NONE), (Char('j'), NONE)], Ctx::Mock, Action::Down, "next rule"),
    bind(&[(Char(' '), NONE)], Ctx::Mock, Action::SubToggle, "turn the rule off / on"),
    bind(&[(Esc, NONE)], Ctx::Mock, Action::Close, "close"),
    bind(&[(Char('s'), CTRL)], Ctx::ReplayForm, Action::Publish, "start the replay; again: stop it"),
    bind(&[(Enter, NONE), (Down, NONE), (Tab, NONE)], Ctx::ReplayForm, Action::Confirm, "next field"),
    bind(&[(Up, NONE), (BackTab, SHIFT), (BackTab, NONE)], Ctx::ReplayForm, Action::Up, "previous field"),
    bind(&[(Backspace, NONE)], Ctx::ReplayForm, Action::DeleteBack, "delete a character"),
    bind(&[(Char('u'), CTRL)], Ctx::ReplayForm, Action::ClearInput, "clear the field"),
    bind(&[(Esc, NONE)], Ctx::ReplayForm, Action::Close, "close (a replay under way goes on)"),
    bind(&[(Up, NONE), (Char('k'), NONE)], Ctx::Conns, Action::Up, "previous connection"),
    bind(&[(Down, NONE), (Char('j'), NONE)], Ctx::Conns, Action::Down, "next connection"),
    bind(&[(Home, NONE)], Ctx::Conns, Action::Home, "first"),
    bind(&[(End, NONE)], Ctx::Conns, Action::End, "last"),
    bind(&[(Enter, NONE)], Ctx::Conns, Action::Confirm, "put it in focus: the panes show it, compose publishes on it"),
    bind(&[(Char('a'), NONE)], Ctx::Conns, Action::SubAdd, "open a profile beside them"),
    bind(&[(Delete, NONE), (Char('x'), NONE)], Ctx::Conns, Action::SubRemove, "close it (disconnect)"),
    bind(&[(Esc, NONE)], Ctx::Conns, Action::Close, "close"),
    bind(&[(Up, NONE)], Ctx::AllTree, Action::Up, "move up"),
    bind(&[(Down, NONE)], Ctx::AllTree, Action::Down, "move down"),
    bind(&[(PageUp, NONE)], Ctx::AllTree, Action::PageUp, "a page up"),
    bind(&[(PageDown, NONE)], Ctx::AllTree, Action::PageDown, "a page down"),
    bind(&[(Home, NONE)], Ctx::AllTree, Action::Home, "first"),
    bind(&[(End, NONE)], Ctx::AllTree, Action::End, "last"),
    bind(&[(Right, NONE)], Ctx::AllTree, Action::Expand, "open the level"),
    bind(&[(Left, NONE)], Ctx::AllTree, Action::Collapse, "close the level (or go to its parent)"),
    bind(&[(Enter, NONE)], Ctx::AllTree, Action::Confirm, "compare the topic across connections (a level: open/close)"),
    bind(&[(Tab, NONE)], Ctx::AllTree, Action::FocusNext, "show it in its own connection's tree"),
    bind(&[(Backspace, NONE)], Ctx::AllTree, Action::DeleteBack, "delete a character of the filter (typing filters)"),
    bind(&[(Char('u'), CTRL)], Ctx::AllTree, Action::ClearInput, "clear the filter"),
    bind(&[(Esc, NONE)], Ctx::AllTree, Action::Close, "clear the filter, else close"),
    bind(&[(Up, NONE)], Ctx::Trace, Action::Up, "an older packet"),
    bind(&[(Down, NONE)], Ctx::Trace, Action::Down, "a newer packet"),
    bind(&[(PageUp, NONE)], Ctx::Trace, Action::PageUp, "a page older"),
    bind(&[(PageDown, NONE)], Ctx::Trace, Action::PageDown, "a page newer"),
    bind(&[(Home, NONE)], Ctx::Trace, Action::Home, "the oldest kept"),
    bind(&[(End, NONE)], Ctx::Trace, Action::End, "the newest"),
    bind(&[(Backspace, NONE)], Ctx::Trace, Action::DeleteBack, "delete a character of the filter"),
    bind(&[(Char('u'), CTRL)], Ctx::Trace, Action::ClearInput, "clear the filter"),
    bind(&[(Esc, NONE)], Ctx::Trace, Action::Close, "close"),
    bind(&[(Enter, NONE)], Ctx::Filter, Action::Confirm, "apply the filter"),
    bind(&[(Esc, NONE)], Ctx::Filter, Action::Close, "clear the filter"),
    bind(&[(Backspace, NONE)], Ctx::Filter, Action::DeleteBack, "delete a character"),
    bind(&[(Char('u'), CTRL)], Ctx::Filter, Action::ClearInput, "clear the text"),
    bind(&[(Enter, NONE)], Ctx::RepeatPrompt, Action::Confirm, "start sending (Ctrl+R again stops)"),
    bind(&[(Tab, NONE)], Ctx::RepeatPrompt, Action::FocusNext, "from times to interval and back"),
    bind(&[(BackTab, SHIFT), (BackTab, NONE)], Ctx::RepeatPrompt, Action::FocusPrev, "the same, backwards"),
    bind(&[(Esc, NONE)], Ctx::RepeatPrompt, Action::Close, "close without sending"),
    bind(&[(Backspace, NONE)], Ctx::RepeatPrompt, Action::DeleteBack, "delete a digit"),
    bind(&[(Char('u'), CTRL)], Ctx::RepeatPrompt, Action::ClearInput, "clear the field"),
    bind(&[(Enter, NONE)], Ctx::FilePrompt, Action::Confirm, "load the file as the payload"),
    bind(&[(Esc, NONE)], Ctx::FilePrompt, Action::Close, "close without loading"),
    bind(&[(Backspace, NONE)], Ctx::FilePrompt, Action::DeleteBack, "delete a character"),
    bind(&[(Char('u'), CTRL)], Ctx::FilePrompt, Action::ClearInput, "clear the path"),
    bind(&[(Enter, NONE)], Ctx::SnippetName, Action::Confirm, "save compose as a snippet of this name"),
    bind(&[(Esc, NONE)], Ctx::SnippetName, Action::Close, "back to the list, not saved"),
    bind(&[(Backspace, NONE)], Ctx::SnippetName, Action::DeleteBack, "delete a character"),
    bind(&[(Char('u'), CTRL)], Ctx::SnippetName, Action::ClearInput, "clear the name"),
];

/// Which contexts are active for the focused pane, most specific first.
pub fn lookup(key: &KeyEvent, contexts: &[Ctx]) -> Option<Action> {
    // Terminals report Shift on upper-case letters inconsistently; the table lists both forms,
    // and a binding without Shift also matches a key reported with it.
    let wanted = [(key.code, key.modifiers), (key.code, key.modifiers - SHIFT)];
    for ctx in contexts {
        for b in KEYMAP.iter().filter(|b| b.ctx == *ctx) {
            if b.keys.iter().any(|k| wanted.contains(k)) {
                return Some(b.action);
            }
        }
    }
    None
}

/// "Ctrl+S", "Shift+Tab", "↑", "j".
pub fn key_label(code: KeyCode, mods: KeyModifiers) -> String {
    let base = match code {
        Char(' ') => "Space".to_string(),
        Char(c) if mods.contains(CTRL) => c.to_ascii_uppercase().to_string(),
        Char(c) => c.to_string(),
        Up => "↑".into(),
        Down => "↓".into(),
        Left => "←".into(),
        Right => "→".into(),
        Enter => "Enter".into(),
        Backspace => "Backspace".into(),
        Esc => "Esc".into(),
        Tab => "Tab".into(),
        BackTab => "Shift+Tab".into(),
        PageUp => "PgUp".into(),
        PageDown => "PgDn".into(),
        Home => "Home".into(),
        End => "End".into(),
        other => format!("{other:?}"),
    };
    let mut prefix = String::new();
    if mods.contains(CTRL) {
        prefix.push_str("Ctrl+");
    }
    if mods.contains(ALT) {
        prefix.push_str("Alt+");
    }
    prefix + &base
}

/// The help overlay's rows: (keys, where, what), one per binding, shifted duplicates folded.
/// Every binding, with its keys as the help shows them.
/// What the marks on rows mean, listed in `?` with the keys (each is its own "key" there).
pub static MARKS: [(&str, Binding); 6] = [
    (
        "✗",
        Binding {
            keys: &[],
            ctx: Ctx::Marks,
            action: Action::Help,
            help: "in the tree: the topic's newest message breaks its [[schemas]] JSON Schema (the detail says where)",
        },
    ),
    (
        "!",
        Binding {
            keys: &[],
            ctx: Ctx::Marks,
            action: Action::Help,
            help: "in the tree: an alert rule holds on this topic (A lists the rules and firings)",
        },
    ),
    (
        "R",
        Binding {
            keys: &[],
            ctx: Ctx::Marks,
            action: Action::Help,
            help: "retained. In the tree: the broker holds a message on this topic; MQTT 5 follows it live (the explorer subscribes with retain-as-published: a retained publish from anyone sets it, an empty one clears it); MQTT 3.1.1 shows only what the broker sent on subscribing, and our own publishes and clean-ups. In the log: the message came flagged retained",
        },
    ),
    (
        "(cleared)",
        Binding {
            keys: &[],
            ctx: Ctx::Marks,
            action: Action::Help,
            help: "in the tree: an empty retained publish removed what the broker held",
        },
    ),
    (
        "▲",
        Binding {
            keys: &[],
            ctx: Ctx::Marks,
            action: Action::Help,
            help: "in the log: our own publish, filed once the broker took it",
        },
    ),
    (
        "q0 q1 q2",
        Binding {
            keys: &[],
            ctx: Ctx::Marks,
            action: Action::Help,
            help: "the QoS a message was delivered at (at most the subscription's)",
        },
    ),
];

pub fn bindings() -> impl Iterator<Item = (&'static Binding, String)> {
    let marks = MARKS.iter().map(|(label, b)| (b, label.to_string()));
    KEYMAP
        .iter()
        .map(|b| {
            let mut labels: Vec<String> = Vec::new();
            for (code, mods) in b.keys {
                let l = key_label(*code, *mods & !SHIFT);
                if !labels.contains(&l) {
                    labels.push(l);
                }
            }
            (b, labels.join(" "))
        })
        .chain(marks)
}

pub fn help_rows() -> Vec<(String, &'static str, &'static str)> {
    KEYMAP
        .iter()
        .map(|b| {
            let mut labels: Vec<String> = Vec::new();
            for (code, mods) in b.keys {
                let l = key_label(*code, *mods & !SHIFT);
                if !labels.contains(&l) {
                    labels.push(l);
                }
            }
            (labels.join(" "), b.ctx.label(), b.help)
        })
        .collect()
}
