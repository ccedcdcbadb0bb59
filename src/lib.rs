//! mqscope: a terminal MQTT explorer. The library holds everything; `main.rs` only dispatches.
//!
//! - `mqtt`: the connection worker and its own event/command types (never imports ratatui);
//! - `config`: broker profiles in TOML;
//! - `headless`: the `sub` and `pub` commands;
//! - `broker` and `demo`: the embedded broker and its simulated devices.

pub mod app;
#[cfg(feature = "embedded-broker")]
pub mod broker;
pub mod cli;
pub mod config;
pub mod connect;
pub mod decode;
pub mod decoder_command;
pub mod demo;
pub mod explore;
pub mod failure;
pub mod headless;
pub mod history_file;
pub mod logging;
pub mod mqtt;
pub mod probe;
pub mod props_input;
pub mod publish;
pub mod retained;
pub mod signals;
pub mod store;
pub mod template;
pub mod text;
pub mod tui;
pub mod ui;
