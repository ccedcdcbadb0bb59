//! The process itself: its log file, its signals, how it fails (exit codes and one-line
//! errors), and the external programs it runs (a decoder command, with a time limit and an
//! output cap).

pub mod decoder_command;
pub mod failure;
pub mod logging;
pub mod signals;
