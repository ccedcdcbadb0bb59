//! The profile file exactly as written: serde structs with spans, so that every later
//! validation error can name its line. Unknown keys are rejected by serde itself.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

pub use super::decoders::RawDecoder;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    pub default_profile: Option<Spanned<String>>,
    #[serde(default)]
    pub profiles: BTreeMap<Spanned<String>, RawProfile>,
    pub history: Option<RawHistory>,
    #[serde(default)]
    pub decoders: Vec<Spanned<RawDecoder>>,
    #[serde(default)]
    pub snippets: Vec<Spanned<RawSnippet>>,
    #[serde(default)]
    pub latency: Vec<Spanned<super::latency::RawLatency>>,
    #[serde(default)]
    pub alerts: Vec<Spanned<super::alerts::RawAlert>>,
    #[serde(default)]
    pub schemas: Vec<Spanned<super::schemas::RawSchema>>,
}

/// `[[snippets]]`: a named message for compose.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSnippet {
    pub name: Spanned<String>,
    pub topic: Spanned<String>,
    #[serde(default)]
    pub payload: String,
    pub qos: Option<Spanned<i64>>,
    #[serde(default)]
    pub retain: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHistory {
    pub memory_mib: Option<Spanned<i64>>,
    pub per_topic: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProfile {
    pub broker: Spanned<String>,
    pub protocol: Option<Spanned<RawProtocol>>,
    pub client_id: Option<Spanned<String>>,
    pub username: Option<Spanned<String>>,
    pub password: Option<Spanned<String>>,
    pub password_env: Option<Spanned<String>>,
    pub password_command: Option<Spanned<Vec<String>>>,
    pub proxy: Option<Spanned<String>>,
    pub proxy_password_env: Option<Spanned<String>>,
    pub proxy_password_command: Option<Spanned<Vec<String>>>,
    pub keep_alive_s: Option<Spanned<i64>>,
    pub clean_session: Option<bool>,
    pub max_packet_size: Option<Spanned<i64>>,
    pub inflight: Option<Spanned<i64>>,
    pub connect_timeout_s: Option<Spanned<i64>>,
    pub subscriptions: Option<Vec<Spanned<RawSubscription>>>,
    pub tls: Option<RawTls>,
    pub will: Option<Spanned<RawWill>>,
    /// MQTT 5 CONNECT properties.
    pub mqtt5: Option<RawMqtt5>,
    #[serde(default)]
    pub decoders: Vec<Spanned<RawDecoder>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMqtt5 {
    pub session_expiry_s: Option<Spanned<i64>>,
    pub receive_maximum: Option<Spanned<i64>>,
    pub topic_alias_maximum: Option<Spanned<i64>>,
    pub request_response_information: Option<bool>,
    pub request_problem_information: Option<bool>,
    /// Sent in CONNECT (sorted by key).
    pub user_properties: Option<toml::Spanned<std::collections::BTreeMap<String, String>>>,
}

/// `protocol = "auto"`, `protocol = 5`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawProtocol {
    Number(i64),
    Name(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSubscription {
    pub filter: Spanned<String>,
    #[serde(default)]
    pub qos: Option<Spanned<i64>>,
    /// MQTT 5 subscription options.
    pub no_local: Option<bool>,
    pub retain_as_published: Option<bool>,
    pub retain_handling: Option<Spanned<i64>>,
    pub subscription_id: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTls {
    pub ca_file: Option<Spanned<String>>,
    pub cert_file: Option<Spanned<String>>,
    pub key_file: Option<Spanned<String>>,
    #[serde(default)]
    pub insecure: bool,
    #[serde(default)]
    pub alpn: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWill {
    pub topic: Spanned<String>,
    #[serde(default)]
    pub payload: String,
    pub qos: Option<Spanned<i64>>,
    #[serde(default)]
    pub retain: bool,
}
