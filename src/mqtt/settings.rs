//! Connection settings after validation. Every value here is safe to hand to rumqttc: its setters
//! panic on some values (keep-alive under 1 s, inflight 0, a persistent session with an empty
//! client id), so `validate` rejects those with words first.

use super::types::Subscription;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;
use thiserror::Error;

use super::topic::{validate_filter, validate_topic};
use super::types::QoS;
use super::url::BrokerUrl;

/// 256 MiB: the largest packet MQTT can express. rumqttc's 10 KiB default would drop the
/// connection on the first larger message (and a retained one makes a reconnect loop).
pub const DEFAULT_MAX_PACKET_SIZE: u32 = 268_435_455;
pub const DEFAULT_KEEP_ALIVE_S: u16 = 30;
pub const DEFAULT_INFLIGHT: u16 = 100;

pub use super::types::{PROTOCOL_CHOICES, Protocol};

/// A password that never shows up in logs or debug output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: String) -> Secret {
        Secret(s)
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsSettings {
    /// PEM file of trusted CAs; None: the system roots.
    pub ca_file: Option<PathBuf>,
    pub cert_file: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
    /// Skip server certificate verification. Shown to the user as a warning.
    pub insecure: bool,
    pub alpn: Vec<String>,
    /// Where the session secrets are written (`SSLKEYLOGFILE`, read at the edge), so a capture
    /// can be decrypted; None: nowhere.
    pub key_log: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Will {
    pub topic: String,
    pub payload: Bytes,
    pub qos: QoS,
    pub retain: bool,
}

#[derive(Debug, Clone)]
pub struct ConnectionSettings {
    pub url: BrokerUrl,
    pub protocol: Protocol,
    pub client_id: String,
    pub username: Option<String>,
    pub password: Option<Secret>,
    /// Zero turns keep-alive off; otherwise at least one second.
    pub keep_alive: Duration,
    pub clean_session: bool,
    pub tls: TlsSettings,
    pub will: Option<Will>,
    pub max_packet_size: u32,
    pub inflight: u16,
    /// Subscribed on every (re)connection.
    pub subscriptions: Vec<Subscription>,
    /// Seconds allowed for TCP + TLS + CONNACK.
    pub connect_timeout_s: u64,
    /// MQTT 5 CONNECT properties (ignored by 3.1.1).
    pub connect: ConnectProps,
    /// The proxy the connection goes through (None: straight to the broker).
    pub proxy: Option<Proxy>,
}

/// A proxy between us and the broker: HTTP CONNECT or SOCKS5, for every transport (TLS and
/// WebSocket run through it unchanged: the broker's name is the one checked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proxy {
    pub kind: ProxyKind,
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<Secret>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyKind {
    Http,
    Socks5,
}

impl std::fmt::Display for Proxy {
    /// `socks5://host:port` (never the credentials).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scheme = match self.kind {
            ProxyKind::Http => "http",
            ProxyKind::Socks5 => "socks5",
        };
        if self.host.contains(':') {
            write!(f, "{scheme}://[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{scheme}://{}:{}", self.host, self.port)
        }
    }
}

/// What CONNECT asks for on MQTT 5; None leaves a property out (the protocol's default).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConnectProps {
    pub session_expiry: Option<u32>,
    pub receive_maximum: Option<u16>,
    pub topic_alias_maximum: Option<u16>,
    pub request_response_information: Option<bool>,
    pub request_problem_information: Option<bool>,
    pub user_properties: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SettingsError {
    #[error("keep_alive_s is {0}; 0 (off) or 1 to 65535 seconds is allowed")]
    KeepAlive(u64),
    #[error("inflight must be at least 1")]
    Inflight,
    #[error("max_packet_size must be from 1024 to 268435455 bytes")]
    MaxPacketSize,
    #[error("client_id is empty; a persistent session (clean_session = false) needs one")]
    EmptyClientId,
    #[error("client_id is {0} bytes; at most 65535 are allowed")]
    ClientIdTooLong(usize),
    #[error("tls settings are given but {0} is not a TLS URL (use mqtts:// or wss://)")]
    TlsOnPlain(String),
    #[error("key file given without a certificate file (or the reverse); both are needed")]
    HalfClientAuth,
    #[error("will topic: {0}")]
    WillTopic(String),
    #[error("subscription '{filter}': {why}")]
    Subscription { filter: String, why: String },
    #[error("a password needs a username")]
    PasswordWithoutUser,
}

impl ConnectionSettings {
    /// Settings with this crate's defaults for the given URL.
    pub fn new(url: BrokerUrl) -> ConnectionSettings {
        ConnectionSettings {
            url,
            protocol: Protocol::V5,
            client_id: random_client_id(),
            username: None,
            password: None,
            keep_alive: Duration::from_secs(u64::from(DEFAULT_KEEP_ALIVE_S)),
            clean_session: true,
            tls: TlsSettings::default(),
            will: None,
            max_packet_size: DEFAULT_MAX_PACKET_SIZE,
            inflight: DEFAULT_INFLIGHT,
            subscriptions: Vec::new(),
            connect_timeout_s: 10,
            connect: ConnectProps::default(),
            proxy: None,
        }
    }

    pub fn validate(&self) -> Result<(), SettingsError> {
        let ka = self.keep_alive.as_secs();
        if (!self.keep_alive.is_zero() && self.keep_alive < Duration::from_secs(1)) || ka > 65_535 {
            return Err(SettingsError::KeepAlive(ka));
        }
        if self.inflight == 0 {
            return Err(SettingsError::Inflight);
        }
        if !(1024..=DEFAULT_MAX_PACKET_SIZE).contains(&self.max_packet_size) {
            return Err(SettingsError::MaxPacketSize);
        }
        if self.client_id.is_empty() && !self.clean_session {
            return Err(SettingsError::EmptyClientId);
        }
        if self.client_id.len() > 65_535 {
            return Err(SettingsError::ClientIdTooLong(self.client_id.len()));
        }
        let tls_given = self.tls != TlsSettings::default();
        if tls_given && !self.url.scheme.is_tls() {
            return Err(SettingsError::TlsOnPlain(self.url.to_string()));
        }
        if self.tls.cert_file.is_some() != self.tls.key_file.is_some() {
            return Err(SettingsError::HalfClientAuth);
        }
        if self.password.is_some() && self.username.is_none() {
            return Err(SettingsError::PasswordWithoutUser);
        }
        if let Some(will) = &self.will {
            validate_topic(&will.topic).map_err(|e| SettingsError::WillTopic(e.to_string()))?;
        }
        for sub in &self.subscriptions {
            validate_filter(&sub.filter).map_err(|e| SettingsError::Subscription {
                filter: sub.filter.clone(),
                why: e.to_string(),
            })?;
        }
        Ok(())
    }
}

/// `mqscope-` and 8 random alphanumerics, like other clients' defaults.
pub fn random_client_id() -> String {
    let suffix: String = (0..8).map(|_| fastrand::alphanumeric()).collect();
    format!("mqscope-{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> ConnectionSettings {
        ConnectionSettings::new(BrokerUrl::parse("mqtt://127.0.0.1").unwrap())
    }

    #[test]
    fn rejects_values_that_would_panic_in_rumqttc() {
        let mut s = base();
        s.keep_alive = Duration::from_millis(500);
        assert!(matches!(s.validate(), Err(SettingsError::KeepAlive(_))));
        let mut s = base();
        s.inflight = 0;
        assert_eq!(s.validate(), Err(SettingsError::Inflight));
        let mut s = base();
        s.client_id.clear();
        s.clean_session = false;
        assert_eq!(s.validate(), Err(SettingsError::EmptyClientId));
        assert!(base().validate().is_ok());
        assert!(random_client_id().starts_with("mqscope-"));
    }
}
