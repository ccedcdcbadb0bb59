//! The interactive explorer: its start (`start.rs`: the profile, the demo, the terminal),
//! terminal set-up and the event loop, generic over the backend and
//! the input stream so tests can drive it without a terminal.

pub mod clipboard;
pub mod effects;
mod export;
mod jobs;
mod memory;
mod profile_jobs;
pub mod run;
pub mod session;
pub mod start;
pub mod terminal;
