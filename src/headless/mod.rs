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
