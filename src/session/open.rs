//! Opening a connection for the explorer: a profile's settings resolved (files checked,
//! command-line overrides, the password looked up, the subscriptions to make), then the worker
//! started, with what the status bar shows of it. The headless commands resolve theirs through
//! `connect.rs` and the editor's test through the same `resolve_at` plus `probe.rs`.

use crate::cli::ConnArgs;
use crate::config::Profile;
use crate::mqtt::{self, ConnectionSettings, QoS, Subscription, WorkerOptions};

use super::connect::settings_for;
use super::link::ConnInfo;

/// The QoS the explorer subscribes with unless told otherwise: 2, so a message shows at the QoS
/// it was published with (a subscription's QoS caps what the broker delivers).
pub const EXPLORER_QOS: QoS = QoS::ExactlyOnce;

/// The subscriptions a session starts with: `-t` filters (at `-q`), else the profile's, else
/// '#' (at `-q`). Unless the profile asks for MQTT 3.1.1, each asks for retain-as-published, so
/// the tree's R follows what the broker retains live: a retained publish from anyone arrives
/// flagged, and an empty one clears the mark (without it, MQTT 5 brokers clear the flag on
/// everything but what they send on subscribing). A 3.1.1 connection ignores the option.
pub fn subscriptions(
    filters: &[String],
    qos: QoS,
    settings: &ConnectionSettings,
) -> Vec<Subscription> {
    let mut subs = if !filters.is_empty() {
        filters
            .iter()
            .map(|f| Subscription::new(f.clone(), qos))
            .collect()
    } else if settings.subscriptions.is_empty() {
        vec![Subscription::new("#", qos)]
    } else {
        settings.subscriptions.clone()
    };
    if settings.protocol != crate::mqtt::Protocol::V311 {
        for s in &mut subs {
            s.retain_as_published = true;
        }
    }
    subs
}

/// Builds a connection for `profile`: validated settings, the worker, and what the status bar
/// shows. Used for the first connection and for every profile switch.
pub fn open(
    conn: &ConnArgs,
    filters: &[String],
    profile: &Profile,
) -> Result<(mqtt::MqttHandle, ConnInfo), String> {
    let settings = resolve_at(conn, filters, EXPLORER_QOS, profile)?;
    start(settings, profile)
}

/// The settings for `profile`: files checked, overrides applied, the password looked up (which
/// may run a command: the TUI calls this as a job), and the subscriptions to make at `qos`.
pub fn resolve_at(
    conn: &ConnArgs,
    filters: &[String],
    qos: QoS,
    profile: &Profile,
) -> Result<ConnectionSettings, String> {
    profile.check_files().map_err(|e| e.to_string())?;
    let mut settings = settings_for(conn, profile).map_err(|e| e.to_string())?;
    settings.subscriptions = subscriptions(filters, qos, &settings);
    Ok(settings)
}

/// Starts the worker for settings already resolved for `profile`.
pub fn start(
    settings: ConnectionSettings,
    profile: &Profile,
) -> Result<(mqtt::MqttHandle, ConnInfo), String> {
    // The explorer always traces: its trace popup shows what led up to a problem.
    let options = WorkerOptions {
        trace: true,
        ..WorkerOptions::default()
    };
    let handle = mqtt::spawn(&settings, options).map_err(|e| e.to_string())?;
    let mut info = ConnInfo::new(
        profile.name.clone(),
        settings.url.to_string(),
        settings.protocol,
        settings.tls.insecure,
    );
    info.key_log = settings
        .tls
        .key_log
        .as_ref()
        .map(|p| p.display().to_string());
    Ok((handle, info))
}
