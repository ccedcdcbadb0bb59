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
            Ctx::Help => "help",
            Ctx::Picker => "profiles",
            Ctx::Filter => "filter prompt",
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

pub const KEYMAP: &[Binding] = &[
    Binding {
        keys: &[(Char('c'), CTRL)],
        ctx: Ctx::Anywhere,
        action: Action::Quit,
        help: "quit",
    },
    Binding {
        keys: &[(Char('s'), CTRL), (Enter, ALT)],
        ctx: Ctx::Compose,
        action: Action::Publish,
        help: "publish",
    },
    Binding {
        keys: &[(Tab, NONE)],
        ctx: Ctx::Anywhere,
        action: Action::FocusNext,
        help: "next pane: tree → log → topic → payload → QoS → retain",
    },
    Binding {
        keys: &[(BackTab, SHIFT), (BackTab, NONE)],
        ctx: Ctx::Anywhere,
        action: Action::FocusPrev,
        help: "previous pane",
    },
    Binding {
        keys: &[(Esc, NONE)],
        ctx: Ctx::Compose,
        action: Action::Leave,
        help: "leave the field (back to the tree)",
    },
    Binding {
        keys: &[(Char('q'), NONE)],
        ctx: Ctx::Panes,
        action: Action::Quit,
        help: "quit",
    },
    Binding {
        keys: &[(Char('?'), NONE)],
        ctx: Ctx::Panes,
        action: Action::Help,
        help: "this help",
    },
    Binding {
        keys: &[(Up, NONE), (Char('k'), NONE)],
        ctx: Ctx::Panes,
        action: Action::Up,
        help: "move up",
    },
    Binding {
        keys: &[(Down, NONE), (Char('j'), NONE)],
        ctx: Ctx::Panes,
        action: Action::Down,
        help: "move down",
    },
    Binding {
        keys: &[(PageUp, NONE)],
        ctx: Ctx::Panes,
        action: Action::PageUp,
        help: "page up",
    },
    Binding {
        keys: &[(PageDown, NONE)],
        ctx: Ctx::Panes,
        action: Action::PageDown,
        help: "page down",
    },
    Binding {
        keys: &[(Home, NONE), (Char('g'), NONE)],
        ctx: Ctx::Panes,
        action: Action::Home,
        help: "first",
    },
    Binding {
        keys: &[(End, NONE), (Char('G'), SHIFT), (Char('G'), NONE)],
        ctx: Ctx::Panes,
        action: Action::End,
        help: "last",
    },
    Binding {
        keys: &[(Char('/'), NONE)],
        ctx: Ctx::Panes,
        action: Action::Filter,
        help: "filter: wildcard (a/+/b, a/#) or text; Esc clears",
    },
    Binding {
        keys: &[(Char('p'), NONE)],
        ctx: Ctx::Panes,
        action: Action::PublishHere,
        help: "publish to this topic",
    },
    Binding {
        keys: &[(Char('J'), SHIFT), (Char('J'), NONE)],
        ctx: Ctx::Panes,
        action: Action::DetailDown,
        help: "scroll the detail down",
    },
    Binding {
        keys: &[(Char('K'), SHIFT), (Char('K'), NONE)],
        ctx: Ctx::Panes,
        action: Action::DetailUp,
        help: "scroll the detail up",
    },
    Binding {
        keys: &[(Char('['), NONE)],
        ctx: Ctx::Panes,
        action: Action::PagePrev,
        help: "previous page of a big payload",
    },
    Binding {
        keys: &[(Char(']'), NONE)],
        ctx: Ctx::Panes,
        action: Action::PageNext,
        help: "next page of a big payload",
    },
    Binding {
        keys: &[(Char('<'), NONE), (Char('<'), SHIFT), (Char(','), NONE)],
        ctx: Ctx::Panes,
        action: Action::Older,
        help: "older message of this topic",
    },
    Binding {
        keys: &[(Char('>'), NONE), (Char('>'), SHIFT), (Char('.'), NONE)],
        ctx: Ctx::Panes,
        action: Action::Newer,
        help: "newer message of this topic",
    },
    Binding {
        keys: &[(Char('P'), SHIFT), (Char('P'), NONE)],
        ctx: Ctx::Panes,
        action: Action::SwitchProfile,
        help: "switch profile",
    },
    Binding {
        keys: &[(Right, NONE), (Char('l'), NONE), (Enter, NONE)],
        ctx: Ctx::Tree,
        action: Action::Expand,
        help: "expand (Enter: toggle)",
    },
    Binding {
        keys: &[(Left, NONE), (Char('h'), NONE)],
        ctx: Ctx::Tree,
        action: Action::Collapse,
        help: "collapse (or go to parent)",
    },
    Binding {
        keys: &[(Char('*'), NONE), (Char('*'), SHIFT)],
        ctx: Ctx::Tree,
        action: Action::ExpandAll,
        help: "expand everything below",
    },
    Binding {
        keys: &[(Char('-'), NONE)],
        ctx: Ctx::Tree,
        action: Action::CollapseAll,
        help: "collapse everything",
    },
    Binding {
        keys: &[(Char('f'), NONE)],
        ctx: Ctx::Log,
        action: Action::ToggleFollow,
        help: "follow the newest message",
    },
    Binding {
        keys: &[(Char(' '), NONE)],
        ctx: Ctx::Log,
        action: Action::TogglePause,
        help: "pause / resume (counts what arrives)",
    },
    Binding {
        keys: &[(Char('s'), NONE)],
        ctx: Ctx::Log,
        action: Action::ToggleScope,
        help: "whole stream / selected subtree",
    },
    Binding {
        keys: &[(Char('0'), NONE)],
        ctx: Ctx::Qos,
        action: Action::Qos(0),
        help: "QoS 0",
    },
    Binding {
        keys: &[(Char('1'), NONE)],
        ctx: Ctx::Qos,
        action: Action::Qos(1),
        help: "QoS 1",
    },
    Binding {
        keys: &[(Char('2'), NONE)],
        ctx: Ctx::Qos,
        action: Action::Qos(2),
        help: "QoS 2",
    },
    Binding {
        keys: &[(Left, NONE), (Char('h'), NONE)],
        ctx: Ctx::Qos,
        action: Action::QosLeft,
        help: "lower QoS",
    },
    Binding {
        keys: &[(Right, NONE), (Char('l'), NONE)],
        ctx: Ctx::Qos,
        action: Action::QosRight,
        help: "higher QoS",
    },
    Binding {
        keys: &[(Char(' '), NONE), (Enter, NONE)],
        ctx: Ctx::Retain,
        action: Action::ToggleRetain,
        help: "toggle retain",
    },
    Binding {
        keys: &[(Down, NONE), (Char('j'), NONE)],
        ctx: Ctx::Help,
        action: Action::Down,
        help: "scroll down (any other key closes)",
    },
    Binding {
        keys: &[(Up, NONE), (Char('k'), NONE)],
        ctx: Ctx::Help,
        action: Action::Up,
        help: "scroll up",
    },
    Binding {
        keys: &[(PageDown, NONE)],
        ctx: Ctx::Help,
        action: Action::PageDown,
        help: "page down",
    },
    Binding {
        keys: &[(PageUp, NONE)],
        ctx: Ctx::Help,
        action: Action::PageUp,
        help: "page up",
    },
    Binding {
        keys: &[(Home, NONE)],
        ctx: Ctx::Help,
        action: Action::Home,
        help: "top",
    },
    Binding {
        keys: &[(End, NONE)],
        ctx: Ctx::Help,
        action: Action::End,
        help: "bottom",
    },
    Binding {
        keys: &[(Up, NONE), (Char('k'), NONE)],
        ctx: Ctx::Picker,
        action: Action::Up,
        help: "previous profile",
    },
    Binding {
        keys: &[(Down, NONE), (Char('j'), NONE)],
        ctx: Ctx::Picker,
        action: Action::Down,
        help: "next profile",
    },
    Binding {
        keys: &[(Enter, NONE)],
        ctx: Ctx::Picker,
        action: Action::Confirm,
        help: "connect",
    },
    Binding {
        keys: &[(Esc, NONE)],
        ctx: Ctx::Picker,
        action: Action::Close,
        help: "close (quits when not connected)",
    },
    Binding {
        keys: &[(Char('q'), NONE)],
        ctx: Ctx::Picker,
        action: Action::Quit,
        help: "quit",
    },
    Binding {
        keys: &[(Enter, NONE)],
        ctx: Ctx::Filter,
        action: Action::Confirm,
        help: "apply the filter",
    },
    Binding {
        keys: &[(Esc, NONE)],
        ctx: Ctx::Filter,
        action: Action::Close,
        help: "clear the filter",
    },
    Binding {
        keys: &[(Backspace, NONE)],
        ctx: Ctx::Filter,
        action: Action::DeleteBack,
        help: "delete a character",
    },
    Binding {
        keys: &[(Char('u'), CTRL)],
        ctx: Ctx::Filter,
        action: Action::ClearInput,
        help: "clear the text",
    },
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
