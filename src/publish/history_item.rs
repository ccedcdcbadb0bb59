//! One publish from compose, as the history keeps it (in memory and in its file), and how many
//! are kept.

use std::time::SystemTime;

use super::Publish;

/// Publishes the history keeps (the newest).
pub const MAX: usize = 1000;

/// A publish as it was sent (templates expanded), when, and how it ended. Reads as the
/// `Publish` it holds, which is what compose takes back and a repeat sends again.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryItem {
    pub time: SystemTime,
    pub publish: Publish,
    /// The outcome in words ("acknowledged (PUBACK)").
    pub outcome: String,
}

impl std::ops::Deref for HistoryItem {
    type Target = Publish;
    fn deref(&self) -> &Publish {
        &self.publish
    }
}
