//! Headless commands (`sub`, `pub`) on the same core and profiles as the TUI.

pub mod alerts;
pub mod check;
pub mod clear_retained;
pub mod ingest;
pub mod json;
pub mod mock;
pub mod profiles;
pub mod publish;
pub mod record;
pub mod replay;
pub mod rr;
pub mod simulate;
pub mod subscribe;

use crate::mqtt::{ConnState, ConnectionSettings};
use crate::process::failure::{Failure, runtime};

/// The words for a connection failure, with the broker named.
pub(crate) fn connection_failure(settings: &ConnectionSettings, error: &str) -> Failure {
    runtime(format!("{}: {error}", settings.url))
}

/// `--insecure` (or `tls.insecure` in the profile) gets a word on stderr: nothing is verified;
/// so does `SSLKEYLOGFILE`: the session's secrets are written to a file.
pub(crate) fn warn_insecure(settings: &ConnectionSettings) {
    if settings.tls.insecure {
        eprintln!(
            "mqscope: warning: TLS certificate verification is off ({}): anyone on the path can read and change this connection",
            settings.url
        );
    }
    if let Some(path) = &settings.tls.key_log {
        eprintln!(
            "mqscope: warning: SSLKEYLOGFILE is set: the TLS session keys of {} are written to {} (whoever has the file can read a capture of this connection)",
            settings.url,
            crate::text::clean(&path.display().to_string())
        );
    }
}

/// The validated subscriptions a headless command asked for.
pub(crate) fn subscriptions(
    args: &crate::cli::SubscriptionArgs,
) -> Result<Vec<crate::mqtt::Subscription>, Failure> {
    let qos = crate::mqtt::QoS::from_u8(args.qos)
        .ok_or_else(|| crate::process::failure::usage("-q: allowed is 0, 1 or 2"))?;
    args.filters
        .iter()
        .map(|f| {
            crate::mqtt::topic::validate_filter(f)
                .map(|()| crate::mqtt::Subscription {
                    no_local: args.no_local,
                    retain_as_published: args.retain_as_published,
                    retain_handling: args.retain_handling,
                    id: args.subscription_id,
                    ..crate::mqtt::Subscription::new(f.clone(), qos)
                })
                .map_err(|e| crate::process::failure::usage(format!("-t '{f}': {e}")))
        })
        .collect()
}

/// What a headless command says about its connection's state on stderr: it gives up when the
/// first connection fails (later drops are retried), and says each failure once, escaped (a
/// broker's reason string is the broker's text): attempts that fail the same way again are not
/// told again until a connection has come up in between.
#[derive(Debug, Default)]
pub(crate) struct StateReport {
    /// The failure told last, while no connection came up since.
    told: Option<String>,
    /// `sub -d` prints every state itself.
    pub quiet: bool,
}

impl StateReport {
    pub(crate) fn check(
        &mut self,
        settings: &ConnectionSettings,
        state: &ConnState,
    ) -> Result<(), Failure> {
        match state {
            ConnState::Reconnecting {
                error,
                never_connected: true,
                ..
            } => Err(connection_failure(settings, error)),
            ConnState::Reconnecting { error, after, .. } => {
                let words = crate::text::clean(&error.to_string()).into_owned();
                if !self.quiet && self.told.as_deref() != Some(words.as_str()) {
                    eprintln!(
                        "mqscope: {}: connection lost ({words}); reconnecting in {:.1} s, and \
                         after each failure with a growing wait",
                        settings.url,
                        after.as_secs_f64()
                    );
                }
                self.told = Some(words);
                Ok(())
            }
            ConnState::Connected { .. } => {
                if self.told.take().is_some() && !self.quiet {
                    eprintln!("mqscope: connected again to {}", settings.url);
                }
                Ok(())
            }
            // Stopped for good: a failure retrying cannot fix.
            ConnState::Disconnected { error: Some(e) } => Err(connection_failure(settings, e)),
            _ => Ok(()),
        }
    }
}

/// A batch smaller than this is followed by a pause of `TAKE_COALESCE` before the next is taken.
const TAKE_COALESCE_BELOW: usize = 256;
const TAKE_COALESCE: std::time::Duration = std::time::Duration::from_millis(1);

/// After taking `taken` events: lets more gather when they came a few at a time. Woken for
/// every few, the worker's wake-ups and the reader's (futex, context switches) were a fifth of
/// `sub`'s CPU in a client-bound flood; this waits at most a millisecond, and never in a flood
/// (its batches are larger).
pub(crate) async fn coalesce(taken: usize) {
    if taken < TAKE_COALESCE_BELOW {
        tokio::time::sleep(TAKE_COALESCE).await;
    }
}
