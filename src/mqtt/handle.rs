//! What callers of the worker hold and choose: its handle, its options, and why it may not start.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::mpsc;

use super::queue::EventQueue;
use super::tls::TlsSetupError;
use super::types::{Command, Publish, PublishId, PublishRequest};

/// The event queue's bound: at 880k msg/s (a client-bound stream of 60-byte messages) the TUI
/// takes what arrived every frame, about 3 MiB; 16 MiB leaves room for five frames of a slow
/// store (a burst of new topics) before the socket waits.
pub const QUEUE_BYTES: usize = 16 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Bytes of messages queued for the reader before the worker stops reading the socket
    /// until the reader catches up (nothing is dropped; see queue.rs).
    pub queue_bytes: usize,
    /// Commands queued before `try_send` refuses.
    pub command_capacity: usize,
    /// rumqttc's own request queue.
    pub request_capacity: usize,
    /// Trace control packets (`MqttEvent::Packet`): the explorer's trace popup, `-d` headless.
    pub trace: bool,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        WorkerOptions {
            queue_bytes: QUEUE_BYTES,
            command_capacity: 1024,
            request_capacity: 1024,
            trace: false,
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the command queue is full or the worker has stopped")]
pub struct QueueFull;

/// What callers hold: a way to send commands and the stream of events.
pub struct MqttHandle {
    pub(super) commands: mpsc::Sender<Command>,
    pub(super) events: Arc<EventQueue>,
    pub(super) next_id: AtomicU64,
    /// What the worker was started with (a second connection, such as a retained-message
    /// scan, copies it; the password stays a `Secret`).
    pub(super) settings: Arc<super::ConnectionSettings>,
}

impl MqttHandle {
    pub fn settings(&self) -> &Arc<super::ConnectionSettings> {
        &self.settings
    }

    /// Sends DISCONNECT and lets the worker finish, taking what it still reports; it gives up
    /// on its own after a short grace, and so does this, after 3 s.
    pub async fn shut_down(&self) {
        let _ = self.try_send(Command::Disconnect);
        let mut rest = Vec::new();
        let _ = tokio::time::timeout(std::time::Duration::from_secs(3), async {
            while self.events().recv_batch(&mut rest).await {
                rest.clear();
            }
        })
        .await;
    }

    pub fn events(&self) -> &Arc<EventQueue> {
        &self.events
    }

    /// Never waits.
    pub fn try_send(&self, command: Command) -> Result<(), QueueFull> {
        self.commands.try_send(command).map_err(|_| QueueFull)
    }

    /// Queues a publish and returns the id its outcome will carry. Never waits.
    pub fn publish(&self, publish: Publish) -> Result<PublishId, QueueFull> {
        let id = PublishId(self.next_id.fetch_add(1, Ordering::Relaxed));
        self.try_send(Command::Publish(PublishRequest { id, publish }))?;
        Ok(id)
    }
}

/// Why the worker did not start (connection failures arrive as events instead).
#[derive(Debug, thiserror::Error)]
pub enum SpawnError {
    /// The TLS material cannot be loaded.
    #[error(transparent)]
    Tls(#[from] TlsSetupError),
    #[error("cannot start the MQTT worker's thread: {0}")]
    Thread(std::io::Error),
}
