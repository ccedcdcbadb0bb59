//! The live connection and how to open another one. Two ways to connect: directly (a connector
//! that returns a running worker: tests, and profiles that need no slow lookup), or in two
//! steps, where resolving the profile (its password_command, which may take seconds) runs as
//! a job off the loop and only starting the worker runs on it.

use std::path::PathBuf;
use std::sync::Arc;

use crate::app::{ConnId, ConnInfo};
use crate::config::Profile;
use crate::mqtt::{Command, ConnectionSettings, MqttHandle};

/// Opens a connection for a profile in one step.
pub type Connector<'a> = dyn FnMut(&Profile) -> Result<(MqttHandle, ConnInfo), String> + 'a;
/// Resolves a profile's settings; may block (runs off the loop).
pub type Resolver = Arc<dyn Fn(&Profile) -> Result<ConnectionSettings, String> + Send + Sync>;
/// Starts the worker for resolved settings; never blocks.
pub type Starter<'a> =
    dyn FnMut(ConnectionSettings, &Profile) -> Result<(MqttHandle, ConnInfo), String> + 'a;

pub(super) enum Connect<'a> {
    Direct(Box<Connector<'a>>),
    TwoStep {
        resolve: Resolver,
        start: Box<Starter<'a>>,
    },
}

/// Gives the terminal back and stops the process (Ctrl+Z); returns once resumed.
pub type Suspender = dyn FnMut() -> std::io::Result<()>;

pub struct Session<'a> {
    /// The running workers, one per connection, in the order they were opened.
    pub handles: Vec<(ConnId, MqttHandle)>,
    /// The connection publishes, subscriptions and looks go to (`Effect::Focus`).
    pub focus: ConnId,
    pub(super) connect: Connect<'a>,
    /// The profile file, for saving profiles.
    pub config_path: Option<PathBuf>,
    /// How to suspend on a real terminal; None where there is none (tests), which also leaves
    /// SIGTSTP to its default.
    pub suspend: Option<Box<Suspender>>,
    /// Where an OSC 52 copy (and an alert's bell) is written: the terminal; None where there
    /// is none.
    pub clipboard: Option<Box<ClipboardSink>>,
    /// Where exports are written; None: the current directory.
    pub export_dir: Option<PathBuf>,
    /// Where compose's publish history is kept; None: not kept on disk (tests).
    pub history_path: Option<PathBuf>,
    /// `--open FILE`: the recording being read, in place of a broker.
    pub open_file: Option<super::open_file::OpenFile>,
}

/// Writes a clipboard sequence to the terminal.
pub type ClipboardSink = dyn FnMut(&[u8]) -> std::io::Result<()>;

impl<'a> Session<'a> {
    pub fn new(
        connect: impl FnMut(&Profile) -> Result<(MqttHandle, ConnInfo), String> + 'a,
    ) -> Self {
        Session {
            handles: Vec::new(),
            focus: ConnId::FIRST,
            connect: Connect::Direct(Box::new(connect)),
            config_path: None,
            suspend: None,
            clipboard: None,
            export_dir: None,
            history_path: None,
            open_file: None,
        }
    }

    /// A session whose profiles are resolved as jobs (password_command off the loop).
    pub fn two_step(
        resolve: Resolver,
        start: impl FnMut(ConnectionSettings, &Profile) -> Result<(MqttHandle, ConnInfo), String> + 'a,
    ) -> Self {
        Session {
            handles: Vec::new(),
            focus: ConnId::FIRST,
            connect: Connect::TwoStep {
                resolve,
                start: Box::new(start),
            },
            config_path: None,
            suspend: None,
            clipboard: None,
            export_dir: None,
            history_path: None,
            open_file: None,
        }
    }

    /// Where `e` exports and `E` records: the folder given, else the current one.
    pub fn export_dir(&self) -> PathBuf {
        self.export_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from("."))
    }

    /// The worker of the connection in focus.
    pub fn handle(&self) -> Option<&MqttHandle> {
        self.handles
            .iter()
            .find(|(id, _)| *id == self.focus)
            .map(|(_, h)| h)
    }

    /// Disconnects connection `conn` and forgets its worker.
    pub fn disconnect(&mut self, conn: ConnId) {
        if let Some(i) = self.handles.iter().position(|(id, _)| *id == conn) {
            let (_, h) = self.handles.remove(i);
            let _ = h.try_send(Command::Disconnect);
        }
    }

    /// Disconnects every connection (leaving).
    pub fn disconnect_all(&mut self) {
        for (_, h) in self.handles.drain(..) {
            let _ = h.try_send(Command::Disconnect);
        }
    }
}
