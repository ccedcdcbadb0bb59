//! What a popup asks for, and the one line editor every prompt shares. A popup reads only what
//! it is lent (a list, a phase, a filter's text) and answers with an `Intent`; the feature that
//! owns the state carries it out (`App::on_intent`), so no popup writes the app.

use std::path::PathBuf;
use std::time::Duration;

use super::confirm::Yes;
use crate::app::keymap::Action;
use crate::config::Profile;
use crate::mqtt::{Properties, Subscription};
use crate::store::NodeId;

#[derive(Debug)]
pub enum Intent {
    /// The picker: connect to the profile of this name (beside the others once there are
    /// several).
    Connect(String),
    /// The picker (Ctrl+B): open the profile of this name beside the connections open.
    ConnectBeside(String),
    /// `C`: put this connection in focus; close it; choose a profile to open beside.
    FocusConn(crate::session::link::ConnId),
    CloseConn(crate::session::link::ConnId),
    PickBeside,
    /// `F`: show this node in the tree (opened down to it, selected).
    GoTo(NodeId),
    /// `M` and `=`: compare this topic across the connections.
    Compare(String),
    /// `M`: show this level (None: the connection's root) in its connection's tree.
    ShowIn(crate::session::link::ConnId, Option<NodeId>),
    /// The picker: the editor for a new profile, or for (a copy of) profile `index`.
    EditProfile {
        index: Option<usize>,
        duplicate: bool,
    },
    /// The picker: ask, then remove profile `index`.
    RemoveProfile(usize),
    /// The editor: write this profile (in place of `original`).
    SaveProfile {
        profile: Box<Profile>,
        original: Option<String>,
    },
    /// The editor: a test connection with this profile.
    TestProfile(Box<Profile>),
    /// `A`: the editor for a new rule, or for rule `index`; ask, then remove the rule of this
    /// name from the file.
    EditAlert(Option<usize>),
    RemoveAlert(String),
    /// The alert editor: write this `[[alerts]]` table (in place of the rule `original`); try
    /// the rule on the kept history.
    SaveAlert {
        section: String,
        name: String,
        original: Option<String>,
    },
    TryAlert(Box<crate::alert::Rule>),
    /// `O`: turn mock rule `i` off or on.
    ToggleMock(usize),
    /// `L` under `--open`: the recording's time.
    Time(crate::app::features::playback::TimeKey),
    /// `L`: replay this plan (None: stop the replay under way).
    Replay(Option<Box<crate::publish::replay_plan::Plan>>),
    /// A yes/no question answered yes.
    Confirmed(Yes),
    /// The clean-up: clear what the preview shows; put back what was cleared; forget a
    /// finished one.
    ConfirmCleanup,
    UndoCleanup,
    ForgetCleanup,
    /// Compose: read this file into the payload.
    LoadPayload(PathBuf),
    /// Compose: send its message `times` times, every `every`.
    Repeat {
        times: u64,
        every: Duration,
    },
    /// History: load snippet `index`, or history item `index` (newest first), into compose;
    /// save compose as a snippet of this name.
    LoadSnippet(usize),
    LoadHistory(usize),
    SaveSnippet(String),
    /// The properties form: compose's MQTT 5 properties.
    SetProperties(Option<Box<Properties>>),
    /// The subscriptions manager.
    Subscribe(Subscription),
    EditSubscription(usize, Subscription),
    RemoveSubscription(usize),
    ToggleSubscription(usize),
    SaveSubscriptions,
    /// `v`: show topic `node` with view `view` (None: the automatic choice).
    PickView {
        node: NodeId,
        view: Option<&'static str>,
    },
    /// The help palette: run this action, after moving the focus to the pane it belongs to.
    Act {
        action: Action,
        focus: Option<crate::app::focus::Focus>,
    },
    /// A filter prompt changed the tree's (true) or the log's filter; `done`: the prompt
    /// closed with it.
    FilterChanged {
        tree: bool,
        done: bool,
    },
}

/// Applies a prompt key to `text`: a character appends, Backspace deletes the last one,
/// Ctrl+U clears. True when the text changed. `allow` decides which characters the prompt
/// takes (digits only for a count).
pub fn edit_line(
    text: &mut String,
    action: Option<Action>,
    typed: Option<char>,
    allow: impl Fn(char) -> bool,
) -> bool {
    match (action, typed) {
        (Some(Action::DeleteBack), _) => text.pop().is_some(),
        (Some(Action::ClearInput), _) => {
            let had = !text.is_empty();
            text.clear();
            had
        }
        (None, Some(c)) if allow(c) => {
            text.push(c);
            true
        }
        _ => false,
    }
}

/// The keys every form of fields shares: the next field (Tab, ↓, Enter) and the previous one
/// (Shift+Tab, ↑), and the line editor on the one in focus.
pub fn field_key(
    values: &mut [String],
    at: &mut usize,
    action: Option<Action>,
    typed: Option<char>,
) {
    let n = values.len().max(1);
    match action {
        Some(Action::FocusNext | Action::Down | Action::Confirm) => *at = (*at + 1) % n,
        Some(Action::FocusPrev | Action::Up) => *at = (*at + n - 1) % n,
        _ => {
            if let Some(v) = values.get_mut(*at) {
                edit_line(v, action, typed, |_| true);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_editor_for_every_prompt() {
        let mut t = String::new();
        assert!(edit_line(&mut t, None, Some('a'), |_| true));
        assert!(edit_line(&mut t, None, Some('é'), |_| true));
        assert!(!edit_line(&mut t, None, Some('x'), |c| c.is_ascii_digit()));
        assert_eq!(t, "aé");
        assert!(edit_line(&mut t, Some(Action::DeleteBack), None, |_| true));
        assert_eq!(t, "a");
        assert!(edit_line(&mut t, Some(Action::ClearInput), None, |_| true));
        assert!(!edit_line(&mut t, Some(Action::ClearInput), None, |_| true));
        assert!(!edit_line(&mut t, Some(Action::DeleteBack), None, |_| true));
        assert!(!edit_line(&mut t, Some(Action::Confirm), None, |_| true));
    }
}
