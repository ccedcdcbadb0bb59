//! What a replay of a recording is asked to do (`Plan`: from `mqscope replay`'s command line or
//! the explorer's replay popup) and what it did (`Tally`). Data only: the replay itself is
//! `headless::replay::core`.

use std::path::PathBuf;

use super::recorded::Position;

/// What a replay did, told at the end.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    /// Handed to the connection.
    pub sent: u64,
    /// Settled: written (QoS 0), acknowledged (QoS 1) or completed (QoS 2).
    pub settled: u64,
    pub failed: u64,
    pub unknown: u64,
    pub bad_lines: u64,
    /// Not replayed: outside the filters or the time range.
    pub skipped: u64,
    /// Sent without their MQTT 5 properties (the broker speaks 3.1.1).
    pub properties_dropped: u64,
    /// Passes through the file begun.
    pub passes: u64,
    pub stopped: bool,
}

/// What to replay and how: from `replay`'s command line, or the explorer's replay popup.
#[derive(Debug, Clone)]
pub struct Plan {
    pub file: PathBuf,
    /// None: as fast as the connection takes them.
    pub speed: Option<f64>,
    /// Start again from the top at the end, until stopped.
    pub repeat: bool,
    pub prefix: Option<String>,
    pub filters: Vec<String>,
    pub from: Option<Position>,
    pub to: Option<Position>,
    /// Seconds to connect, and for what is in the worker's hands to settle at the end.
    pub timeout: f64,
}
