//! What the app asks of the world. The app never does I/O: it returns effects, the TUI's effects
//! runner carries them out, and what comes back (MQTT events, job results) is fed to the app.

use crate::mqtt::PublishId;

pub use super::compose::Draft;

pub use crate::mqtt::Subscription;

#[derive(Debug, Clone)]
pub enum Effect {
    /// Publish (with MQTT 5 properties when set).
    Publish(Draft),
    Subscribe(Vec<Subscription>),
    Unsubscribe(Vec<String>),
    /// Connect to the profile of this name (of `App::profiles`), dropping the current one.
    Connect(String),
    /// Write this profile into the profile file, keeping the file's comments and order; it
    /// replaces the profile named `replacing` in the same write (a rename in the editor).
    SaveProfile {
        profile: Box<crate::config::Profile>,
        replacing: Option<String>,
    },
    /// Put these bytes on the terminal's clipboard; `what` names them for the notice.
    Copy {
        what: String,
        bytes: Vec<u8>,
    },
    /// Publish a Sparkplug B Rebirth NCMD to this topic (the runner stamps it with the time).
    Rebirth {
        topic: String,
    },
    /// Look for what the broker retains under `filter` (a job on a connection of its own).
    RetainedLook {
        filter: String,
    },
    /// The clean-up's publishes (empty retained, or the values put back): each queued is told
    /// to `App::cleanup_queued`, and its outcome counted by the clean-up, not compose.
    CleanupPublish(Vec<Draft>),
    /// Remove a profile from the profile file (a job).
    RemoveProfile(String),
    /// Connect with this profile, show what CONNACK said, disconnect (a job).
    TestProfile(Box<crate::config::Profile>),
    /// Read a file into compose's payload (a job), from a file, refused past `limit` bytes (the broker's or MQTT's maximum).
    LoadPayload {
        path: std::path::PathBuf,
        limit: usize,
    },
    /// Append finished compose publishes to the history file (a job).
    SaveHistory {
        /// The new items, or (`rewrite`) every item kept, the newest `history::MAX`.
        items: Vec<crate::publish::history_item::HistoryItem>,
        rewrite: bool,
        /// How many of them are new (what the job reports as saved).
        new: usize,
    },
    /// Write a snippet into the profile file (a job).
    SaveSnippet(crate::config::Snippet),
    /// Run an external decoder on a payload, as a job; the output comes back to `on_run`.
    Decode {
        command: crate::decode::Command,
        payload: bytes::Bytes,
    },
    /// Write a topic's kept messages (oldest first) to a file, as a job.
    Export {
        topic: String,
        rows: Vec<crate::mqtt::Message>,
    },
}

/// Slow work: a command, a file, a password lookup, run off the loop by the effects runner.
/// Jobs of one kind replace each other: only the newest request's result is delivered
/// (gitui's "newest request wins").
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// Resolve a profile's settings (runs its password_command) before connecting.
    ResolveProfile(String),
    /// Save the profile file.
    SaveProfile(String),
    /// Export a topic's history to a file.
    Export(String),
    /// An external decoder's run (one kind: only the newest run's output is delivered).
    Decode,
    /// A look for retained messages under a filter.
    RetainedLook(String),
    /// Appending to the history file.
    SaveHistory,
    /// Reading a file into the payload.
    LoadPayload,
    /// Removing a profile from the file.
    RemoveProfile(String),
    /// A test connection for the profile editor.
    TestProfile,
    /// Writing a snippet into the profile file.
    SaveSnippet(String),
}

/// What a job produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobResult {
    pub kind: JobKind,
    pub generation: u64,
    /// Words for the user: what was done, or why it failed.
    pub outcome: Result<String, String>,
}

/// The runner's answer to `Effect::Publish`: queued (with the id its outcome will carry), or
/// refused before it reached the worker.
pub type Queued = Result<PublishId, String>;
