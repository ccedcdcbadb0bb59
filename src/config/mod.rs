//! Broker profiles in TOML: loading with precise errors, secrets by reference, atomic saving;
//! and compose's history file.

pub mod alert_rules;
pub mod alerts;
mod decoders;
pub mod error;
mod file;
pub mod history_file;
mod latency;
pub mod mqttx;
pub mod persist;
pub mod profile;
mod proto;
pub mod proxy;
mod raw;
pub mod schemas;
pub mod secrets;
pub mod snippets;
pub mod store;
pub mod validate;

pub use error::ConfigError;
pub use profile::{ConfigFile, PasswordSource, Profile, Snippet};
