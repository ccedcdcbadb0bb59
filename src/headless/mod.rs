//! Headless commands (`sub`, `pub`) on the same core and profiles as the TUI.

pub mod clear_retained;
pub mod ingest;
pub mod json;
pub mod profiles;
pub mod publish;
pub mod rr;
pub mod subscribe;

use crate::failure::{Failure, runtime};
use crate::mqtt::{ConnState, ConnectionSettings};

/// The words for a connection failure, with the broker named.
pub(crate) fn connection_failure(settings: &ConnectionSettings, error: &str) -> Failure {
    runtime(format!("{}: {error}", settings.url))
}

/// `--insecure` (or `tls.insecure` in the profile) gets a word on stderr: nothing is verified.
pub(crate) fn warn_insecure(settings: &ConnectionSettings) {
    if settings.tls.insecure {
        eprintln!(
            "mqscope: warning: TLS certificate verification is off ({}): anyone on the path can read and change this connection",
            settings.url
        );
    }
}

/// The validated subscriptions a headless command asked for.
pub(crate) fn subscriptions(
    args: &crate::cli::SubscriptionArgs,
) -> Result<Vec<crate::mqtt::Subscription>, Failure> {
    let qos = crate::mqtt::QoS::from_u8(args.qos)
        .ok_or_else(|| crate::failure::usage("-q: allowed is 0, 1 or 2"))?;
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
                .map_err(|e| crate::failure::usage(format!("-t '{f}': {e}")))
        })
        .collect()
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
        // Stopped for good: a failure retrying cannot fix.
        ConnState::Disconnected { error: Some(e) } => Err(connection_failure(settings, e)),
        _ => Ok(()),
    }
}
