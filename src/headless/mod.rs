//! Headless commands (`sub`, `pub`) on the same core and profiles as the TUI.

pub mod ingest;
pub mod json;
pub mod publish;
pub mod subscribe;

use crate::failure::{Failure, runtime};
use crate::mqtt::{ConnState, ConnectionSettings};

/// The words for a connection failure, with the broker named.
pub(crate) fn connection_failure(settings: &ConnectionSettings, error: &str) -> Failure {
    runtime(format!("{}: {error}", settings.url))
}

/// Sends DISCONNECT and lets the worker finish (it gives up on its own after a short grace).
pub(crate) async fn shut_down(handle: &crate::mqtt::MqttHandle) {
    let _ = handle.try_send(crate::mqtt::Command::Disconnect);
    let mut rest = Vec::new();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(3), async {
        while handle.events().recv_batch(&mut rest).await {
            rest.clear();
        }
    })
    .await;
}

/// Headless commands give up when the first connection fails; later drops are retried.
pub(crate) fn check_state(settings: &ConnectionSettings, state: &ConnState) -> Result<(), Failure> {
    match state {
        ConnState::Reconnecting {
            error,
            never_connected: true,
            ..
        } => Err(connection_failure(settings, error)),
        ConnState::Reconnecting { error, after, .. } => {
            eprintln!(
                "mqscope: connection lost ({error}); reconnecting in {:.1} s",
                after.as_secs_f64()
            );
            Ok(())
        }
        _ => Ok(()),
    }
}
