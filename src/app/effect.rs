//! What the app asks of the world, and what the world answers. The app never does I/O: it
//! returns effects, the TUI's runner carries them out, and what comes back (at once, or later
//! from a job) is an `Output`, fed to the app through `Msg::Done`. The runner never writes the
//! app: what the user is told about an outcome is the app's decision alone.

use std::path::PathBuf;
use std::time::Instant;

use crate::mqtt::{ConnAckInfo, PublishId};
use crate::session::link::ConnId;

pub use super::compose::Draft;

pub use crate::mqtt::Subscription;

#[derive(Debug, Clone)]
pub enum Effect {
    /// Publish (with MQTT 5 properties when set).
    Publish(Draft),
    Subscribe(Vec<Subscription>),
    Unsubscribe(Vec<String>),
    /// Connect connection `conn` with this profile, dropping what it was connected to (a new
    /// id: a connection beside the others).
    Connect {
        conn: ConnId,
        profile: Box<crate::config::Profile>,
    },
    /// From now on, publishes, subscriptions and looks go to connection `conn` (the app asks
    /// this before anything else when the focus moved).
    Focus(ConnId),
    /// Disconnect connection `conn` and forget its worker.
    Disconnect(ConnId),
    /// Wake the app (`Msg::Tick`) at this time even if nothing else happens: the next repeat,
    /// a notice's end, a request's deadline, the once-a-second clock. Replaces the one asked
    /// before.
    WakeAt(Instant),
    /// Give the terminal back and stop the process (Ctrl+Z); the loop redraws once resumed.
    Suspend,
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
    /// Run an external decoder on a payload, as a job; its output comes back as `Decoded`.
    Decode {
        command: crate::decode::Command,
        payload: bytes::Bytes,
    },
    /// Read a structured payload past `decode::WHOLE_MAX` whole, as a job (`W`); it comes
    /// back as `ReadWhole`.
    ReadWhole {
        seq: u64,
        decoder: crate::decode::SharedDecoder,
        payload: bytes::Bytes,
    },
    /// Write a topic's kept messages (oldest first) to a file, as a job.
    Export {
        topic: String,
        rows: Vec<crate::mqtt::Message>,
    },
    /// Start recording to a new file (`E`); offsets count from `started`.
    StartRecording {
        header: crate::app::features::record::Header,
        started: Instant,
        wall: std::time::SystemTime,
    },
    /// A batch's messages for the recording.
    Record(Vec<crate::app::features::record::Item>),
    /// End the recording (its end comes back as `RecordingEnded`).
    StopRecording,
    /// Write this `[[alerts]]` table into the profile file in place of rule `replacing` (or
    /// its own name), or remove rule `name` (a job); comes back as `AlertsSaved`.
    SaveAlert {
        section: String,
        name: String,
        replacing: Option<String>,
    },
    RemoveAlert(String),
    /// Replay a recording through a connection of our own beside the one in focus; its
    /// progress comes back as `ReplayProgress`, its end as `ReplayEnded`.
    StartReplay(crate::publish::replay_plan::Plan),
    /// Stop the replay under way (between two messages).
    StopReplay,
    /// `--open FILE`: how far the recording's reader may go (`L` steps and plays its time).
    OpenTime(TimeGate),
    /// A mock rule's answer, on the connection its request came from.
    MockPublish {
        conn: ConnId,
        rule: String,
        publish: crate::mqtt::Publish,
    },
    /// Ring the terminal's bell (an alert's).
    Bell,
    /// An alert's publish, through the connection it fired on; comes back as `AlertQueued`.
    AlertPublish {
        conn: ConnId,
        number: u64,
        publish: crate::mqtt::Publish,
    },
    /// An alert's command, as a job (each its own: none replaces another); comes back as
    /// `AlertRan`.
    AlertCommand {
        number: u64,
        command: crate::decode::Command,
        payload: bytes::Bytes,
        env: Vec<(&'static str, String)>,
    },
}

/// How far `--open`'s reader may go in the recording's time (µs since the Unix epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeGate {
    /// Up to this moment (None: to the end).
    Until(Option<u64>),
    /// This many messages more.
    Step(u64),
    /// Read again from the start up to `until`, and `extra` messages past it (what is shown
    /// was cleared: going back in time).
    Back { until: u64, extra: u64 },
}

/// Slow work: a command, a file, a password lookup, run off the loop by the runner.
/// Jobs of one kind replace each other: only the newest request's result is delivered
/// (gitui's "newest request wins").
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// Resolve a profile's settings (runs its password_command) before connecting this
    /// connection with it: the newest request for a connection wins (the profile it is
    /// opening is `Link::profile`).
    ResolveProfile(ConnId),
    /// Save the profile file.
    SaveProfile(String),
    /// Export a topic's history to a file.
    Export(String),
    /// An external decoder's run (one kind: only the newest run's output is delivered).
    Decode,
    /// A payload read whole (`W`): only the newest read is delivered.
    ReadWhole,
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
    /// The recording's writer (`E`).
    Record,
    /// An alert's command, by the firing's number.
    AlertCommand(u64),
    /// Writing an alert rule into (or out of) the profile file.
    SaveAlert(String),
}

/// What an effect or a job came back with. Failures of jobs carry their kind and reason.
#[derive(Debug)]
pub enum Output {
    /// A compose publish (templates expanded: this is what went) was queued with the worker,
    /// whose outcome will carry the id, or refused before it got there.
    Queued {
        draft: Draft,
        id: Result<PublishId, String>,
    },
    /// One of the clean-up's publishes was queued, or not (the worker's queue was full).
    CleanupQueued {
        draft: Draft,
        id: Result<PublishId, String>,
    },
    /// A subscribe or unsubscribe that could not be handed to the worker.
    NotSent(String),
    /// Bytes put on the clipboard (OSC 52), or why not.
    Copied {
        what: String,
        bytes: usize,
        result: Result<(), String>,
    },
    /// A connection is being opened for this profile; `password_command` names the command
    /// being run first (off the loop), if any.
    Connecting {
        conn: ConnId,
        password_command: Option<String>,
    },
    /// The worker runs for this connection; `subscriptions` are the ones it will make, when the
    /// settings said (a two-step session).
    Connected {
        conn: ConnId,
        info: crate::app::ConnInfo,
        subscriptions: Option<Vec<Subscription>>,
    },
    /// The profile could not be connected (its settings, its password_command, the worker).
    NotConnected {
        conn: ConnId,
        name: String,
        why: String,
    },
    /// A file read for compose's payload: its bytes, at most the limit asked.
    PayloadRead(Vec<u8>),
    ProfileSaved {
        name: String,
        path: PathBuf,
    },
    ProfileRemoved {
        name: String,
        path: PathBuf,
    },
    /// The editor's test connection: what CONNACK said.
    Tested {
        url: String,
        connack: Box<ConnAckInfo>,
    },
    /// An external decoder's output.
    Decoded(Vec<u8>),
    /// A payload read whole (`W`), as the view named.
    ReadWhole {
        seq: u64,
        view: &'static str,
        result: Result<crate::decode::Decoded, crate::decode::DecodeError>,
    },
    /// What the broker retains under the filter looked at.
    RetainedFound {
        filter: String,
        found: crate::session::retained::Found,
    },
    /// History items appended to the file.
    HistorySaved {
        new: usize,
    },
    SnippetSaved {
        name: String,
        path: PathBuf,
    },
    /// A topic's messages written to these files (JSON Lines, then CSV when numeric).
    Exported {
        topic: String,
        count: usize,
        files: Vec<PathBuf>,
    },
    /// The recording's file is named and its writer started.
    RecordingStarted {
        path: PathBuf,
    },
    /// The recording's writer was behind: these messages were not recorded.
    RecordingDropped(u64),
    /// The recording ended (`E` again, or `why` it failed), with what reached the file.
    RecordingEnded {
        path: PathBuf,
        written: u64,
        why: Option<String>,
    },
    /// `--open FILE` read to its end: the messages handed over, the bad lines (the first few
    /// told by number), or why reading stopped.
    FileRead {
        messages: u64,
        bad: u64,
        told: Vec<String>,
        failed: Option<String>,
    },
    /// How the replay goes: the file's bytes read (of `size`), what it did so far.
    ReplayProgress {
        consumed: u64,
        size: Option<u64>,
        tally: crate::publish::replay_plan::Tally,
    },
    /// A bad line or the first failed publish of the replay, in words.
    ReplayNote(String),
    /// The replay ended: what it did (or why it failed), and its lateness (median, max; µs).
    ReplayEnded {
        tally: Result<crate::publish::replay_plan::Tally, String>,
        late: (Option<u64>, u64),
    },
    /// An alert rule was written into (`removed`: out of) the file; its rules as loaded.
    AlertsSaved {
        name: String,
        removed: bool,
        rules: Vec<crate::alert::Rule>,
        path: PathBuf,
    },
    /// An alert's publish was queued with its connection's worker, or why not.
    AlertQueued {
        conn: ConnId,
        number: u64,
        id: Result<PublishId, String>,
    },
    /// An alert's command finished: its output, or why it failed.
    AlertRan {
        number: u64,
        result: Result<Vec<u8>, String>,
    },
    /// A job that failed, with its kind and reason.
    Failed {
        job: JobKind,
        why: String,
    },
}

impl Output {
    /// The connection this answer is about, when it is about one (else: the one in focus).
    pub fn conn(&self) -> Option<ConnId> {
        match self {
            Output::Connecting { conn, .. }
            | Output::AlertQueued { conn, .. }
            | Output::Connected { conn, .. }
            | Output::NotConnected { conn, .. } => Some(*conn),
            Output::Failed {
                job: JobKind::ResolveProfile(conn),
                ..
            } => Some(*conn),
            _ => None,
        }
    }
}

/// The runner's answer to `Effect::Publish`: queued (with the id its outcome will carry), or
/// refused before it reached the worker.
pub type Queued = Result<PublishId, String>;
