//! The interactive explorer: its start (`start.rs`: the profile, the demo, the terminal),
//! terminal set-up, and the loop (`run.rs`: select → `Msg` → `App::update` → `runner.rs`),
//! generic over the backend and the input stream so tests can drive it without a terminal.

pub mod clipboard;
mod export;
mod file_jobs;
mod intake;
mod jobs;
mod memory;
mod open_file;
mod recorder;
mod replayer;
pub mod run;
mod runner;
pub mod session;
pub mod start;
pub mod terminal;
