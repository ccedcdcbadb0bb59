//! One publish from compose, as the history keeps it (in memory and in its file), and how many
//! are kept.

use std::time::SystemTime;

use bytes::Bytes;

use crate::mqtt::{Properties, QoS};

/// Publishes the history keeps (the newest).
pub const MAX: usize = 1000;

#[derive(Debug, Clone, PartialEq)]
pub struct HistoryItem {
    pub time: SystemTime,
    pub topic: String,
    pub payload: Bytes,
    pub qos: QoS,
    pub retain: bool,
    pub properties: Option<Box<Properties>>,
    /// The outcome in words ("acknowledged (PUBACK)").
    pub outcome: String,
}
