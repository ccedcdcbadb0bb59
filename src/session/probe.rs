//! A test connection (the profile editor's `Ctrl+T`): connect with the settings, keep what
//! CONNACK said, disconnect. A connection of its own, so the live one is not touched.

use std::time::Duration;

use crate::mqtt::{self, ConnAckInfo, ConnState, ConnectionSettings, MqttEvent, WorkerOptions};
use crate::session::retained::Events;

/// What the broker answered, or why there was no CONNACK within `limit`.
pub async fn connack(
    settings: &ConnectionSettings,
    limit: Duration,
) -> Result<ConnAckInfo, String> {
    let mut s = settings.clone();
    s.subscriptions.clear();
    let h = mqtt::spawn(&s, WorkerOptions::default()).map_err(|e| e.to_string())?;
    let result = async {
        let mut events = Events::new(&h);
        let mut info = None;
        loop {
            match events.next(limit).await? {
                Some(MqttEvent::ConnAck(i)) => info = Some(*i),
                Some(MqttEvent::State(ConnState::Connected { .. })) => {
                    return info.ok_or_else(|| "connected, but no CONNACK was seen".to_string());
                }
                Some(_) => {}
                None => return Err(format!("no CONNACK within {} s", limit.as_secs())),
            }
        }
    }
    .await;
    h.shut_down().await;
    result
}
