//! The MQTT core: settings, the connection worker and its event/command types. This module never
//! imports ratatui, and nothing outside it sees a rumqttc type.

mod commands;
mod connack;
mod errors;
mod handle;
mod key_log;
mod link;
mod link_any;
mod link_v4;
mod link_v5;
mod negotiate;
mod packet;
mod packet_size;
pub mod policy;
mod proxy;
mod proxy_url;
pub mod queue;
pub mod settings;
pub mod tls;
pub mod topic;
mod topic_text;
pub mod trace;
mod tracker;
pub mod types;
pub mod url;
mod worker;

pub use queue::EventQueue;
pub use settings::{
    ConnectProps, ConnectionSettings, Protocol, Proxy, ProxyKind, Secret, TlsSettings, Will,
};
pub use topic_text::TopicText;
pub use types::*;
pub use url::{BrokerUrl, Scheme};
pub use worker::{MqttHandle, QueueFull, SpawnError, WorkerOptions, spawn};
