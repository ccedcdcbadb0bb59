//! Which protocol a connection speaks: fixed, or `auto` (MQTT 5 first, 3.1.1 when the broker
//! turns it away), and what counts as turning it away.

use tokio::sync::watch;

use super::link_any::AnyLink;
use super::types::{ConnError, ConnErrorKind};

/// How the protocol is settled. With `auto`, the first connection tries MQTT 5; a broker that
/// refuses it (CONNACK "unsupported protocol version", a CONNACK in 3.1.1 format, or a close
/// right after the CONNECT) gets a 3.1.1 CONNECT at once, and 3.1.1 is kept for the session.
/// Until that is settled, callers' commands wait in the command task, so nothing is queued on
/// a protocol stack that is about to be replaced.
pub(super) struct Negotiation {
    /// Plain TCP (mqtt://): a TLS listener on the other end resets or closes at once.
    pub(super) plain_tcp: bool,
    pub(super) fallback: Option<Box<dyn FnOnce() -> AnyLink + Send>>,
    pub(super) settled: watch::Sender<bool>,
}

impl Negotiation {
    pub(super) fn fixed() -> Negotiation {
        Negotiation {
            plain_tcp: false,
            fallback: None,
            settled: watch::channel(true).0,
        }
    }

    pub(super) fn auto(fallback: Box<dyn FnOnce() -> AnyLink + Send>) -> Negotiation {
        Negotiation {
            plain_tcp: false,
            fallback: Some(fallback),
            settled: watch::channel(false).0,
        }
    }
}

/// Seconds `auto` waits for the answer to its MQTT 5 CONNECT before trying 3.1.1: a CONNACK
/// on a LAN or over TLS across a continent comes well within it.
pub(super) const AUTO_PROBE_TIMEOUT_S: u64 = 1;

/// Failures of the first MQTT 5 CONNECT of `auto` that mean "this broker has no MQTT 5", with
/// the words for the status bar. No answer counts: the probe's timeout is short for that.
pub(super) fn refuses_v5(e: &ConnError) -> Option<&'static str> {
    match e.kind {
        ConnErrorKind::UnsupportedProtocol => Some("broker has no MQTT 5"),
        ConnErrorKind::ClosedByBroker | ConnErrorKind::Protocol => {
            Some("broker has no MQTT 5 (it closed the MQTT 5 connection)")
        }
        ConnErrorKind::Timeout => Some("no answer to MQTT 5 within 1 s; using 3.1.1"),
        _ => None,
    }
}

/// A first CONNECT with MQTT 5 forced (`--protocol 5`) failed: the words say the broker may
/// not speak it. A refusal stops the retries; no answer could be a slow network too, so it is
/// said and retried.
pub(super) fn explain_forced_v5(error: &mut ConnError) {
    const HINT: &str = "the broker may not support MQTT 5 (try --protocol 3 or auto)";
    match error.kind {
        ConnErrorKind::UnsupportedProtocol
        | ConnErrorKind::ClosedByBroker
        | ConnErrorKind::Protocol => {
            error.kind = ConnErrorKind::UnsupportedProtocol;
            error.words = format!("{}: {HINT}", error.words);
        }
        ConnErrorKind::Timeout => {
            error.words = format!("{}: no answer to the MQTT 5 CONNECT; {HINT}", error.words);
        }
        _ => {}
    }
}
