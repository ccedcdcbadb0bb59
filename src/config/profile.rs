//! The profile model: what a validated profile holds and the connection settings it gives.
//! Parsing is in `file.rs`, the rules in `validate.rs`, writing in `persist.rs`.

use crate::mqtt::Subscription;
use std::path::PathBuf;
use std::time::Duration;

use super::error::ConfigError;
use crate::mqtt::settings::{
    DEFAULT_INFLIGHT, DEFAULT_KEEP_ALIVE_S, DEFAULT_MAX_PACKET_SIZE, random_client_id,
};
use crate::mqtt::{BrokerUrl, ConnectionSettings, Protocol, TlsSettings, Will};
use crate::store::Limits;

/// Where a profile's password comes from. Resolved only when connecting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordSource {
    None,
    /// Written in the file: accepted, with a warning.
    Plain(crate::mqtt::Secret),
    Env(String),
    /// Run without a shell; its first line of output is the password.
    Command(Vec<String>),
}

#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
    pub broker: BrokerUrl,
    pub protocol: Protocol,
    pub client_id: Option<String>,
    pub username: Option<String>,
    pub password: PasswordSource,
    /// The proxy to go through (`proxy`), and where its password comes from.
    pub proxy: Option<crate::mqtt::Proxy>,
    pub proxy_password: PasswordSource,
    pub keep_alive_s: u16,
    pub clean_session: bool,
    pub max_packet_size: u32,
    pub inflight: u16,
    pub connect_timeout_s: u64,
    pub subscriptions: Vec<Subscription>,
    pub tls: TlsSettings,
    pub will: Option<Will>,
    /// MQTT 5 CONNECT properties (`[profiles.NAME.mqtt5]`).
    pub connect: crate::mqtt::ConnectProps,
    /// Files the profile names, with where it names them; checked when the profile is used.
    pub file_refs: Vec<FileRef>,
    /// The profile's own `decoders` rules; they come before the file's global ones.
    pub decoders: Vec<crate::decode::Rule>,
}

/// A file named in the profile file (TLS material), with its position for error messages.
#[derive(Debug, Clone)]
pub struct FileRef {
    pub key: String,
    pub path: PathBuf,
    pub config: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl Profile {
    /// The warning for a profile that keeps its password in the file, if this one does.
    pub fn plain_password_warning(&self) -> Option<String> {
        if matches!(self.proxy_password, PasswordSource::Plain(_))
            && !matches!(self.password, PasswordSource::Plain(_))
        {
            return Some(format!(
                "profile '{}' stores its proxy's password in the proxy URL; prefer \
                 proxy_password_env or proxy_password_command",
                self.name
            ));
        }
        matches!(self.password, PasswordSource::Plain(_)).then(|| {
            format!(
                "profile '{}' stores a plain password; prefer password_env or password_command",
                self.name
            )
        })
    }

    /// Checks that the files this profile names exist and hold what they should. Done when the
    /// profile is chosen, so one stale profile does not block the others.
    pub fn check_files(&self) -> Result<(), ConfigError> {
        for r in &self.file_refs {
            let problem = if !r.path.is_file() {
                Some(format!("file not found: {}", r.path.display()))
            } else {
                let mut only = TlsSettings::default();
                match r.key.rsplit('.').next() {
                    Some("key_file") => only.key_file = Some(r.path.clone()),
                    _ => only.ca_file = Some(r.path.clone()),
                }
                crate::mqtt::tls::check_files(&only)
                    .err()
                    .map(|e| e.to_string())
            };
            if let Some(message) = problem {
                return Err(ConfigError::At {
                    path: r.config.clone(),
                    line: r.line,
                    column: r.column,
                    message: format!("{}: {message}", r.key),
                });
            }
        }
        Ok(())
    }

    /// A profile for a URL given on the command line.
    pub fn adhoc(broker: BrokerUrl) -> Profile {
        Profile {
            name: broker.to_string(),
            broker,
            protocol: Protocol::Auto,
            client_id: None,
            username: None,
            password: PasswordSource::None,
            proxy: None,
            proxy_password: PasswordSource::None,
            keep_alive_s: DEFAULT_KEEP_ALIVE_S,
            clean_session: true,
            max_packet_size: DEFAULT_MAX_PACKET_SIZE,
            inflight: DEFAULT_INFLIGHT,
            connect_timeout_s: 10,
            subscriptions: Vec::new(),
            tls: TlsSettings::default(),
            will: None,
            file_refs: Vec::new(),
            decoders: Vec::new(),
            connect: Default::default(),
        }
    }

    /// Connection settings, without the password (see `secrets::resolve`).
    pub fn settings(&self) -> ConnectionSettings {
        let mut s = ConnectionSettings::new(self.broker.clone());
        s.protocol = self.protocol;
        s.client_id = self.client_id.clone().unwrap_or_else(random_client_id);
        s.username = self.username.clone();
        s.keep_alive = Duration::from_secs(u64::from(self.keep_alive_s));
        s.clean_session = self.clean_session;
        s.max_packet_size = self.max_packet_size;
        s.inflight = self.inflight;
        s.connect_timeout_s = self.connect_timeout_s;
        s.subscriptions = self.subscriptions.clone();
        s.tls = self.tls.clone();
        s.will = self.will.clone();
        s.connect = self.connect.clone();
        // Its password is looked up when connecting (`config::proxy::resolved`).
        s.proxy = self.proxy.clone();
        s
    }
}

#[derive(Debug, Clone)]
pub struct ConfigFile {
    pub path: PathBuf,
    pub default_profile: Option<String>,
    /// In file order of names (sorted).
    pub profiles: Vec<Profile>,
    /// How much history the explorer keeps.
    pub limits: Limits,
    /// The global `[[decoders]]` rules.
    pub decoders: Vec<crate::decode::Rule>,
    /// `[[snippets]]`: named messages compose offers.
    pub snippets: Vec<Snippet>,
    /// `[[latency]]`: where messages say when they were sent.
    pub latency: Vec<crate::decode::send_time::LatencyRule>,
    /// `[[alerts]]`: rules that fire on values and silences.
    pub alerts: Vec<crate::alert::Rule>,
    /// `[[schemas]]`: the JSON Schema a topic's payloads must follow.
    pub schemas: Vec<crate::decode::schema::SchemaRule>,
}

/// A named message for compose (`[[snippets]]`); topic and payload may hold templates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    pub name: String,
    pub topic: String,
    pub payload: String,
    pub qos: crate::mqtt::QoS,
    pub retain: bool,
}

impl ConfigFile {
    pub fn empty(path: PathBuf) -> ConfigFile {
        ConfigFile {
            path,
            default_profile: None,
            profiles: Vec::new(),
            limits: Limits::default(),
            decoders: Vec::new(),
            snippets: Vec::new(),
            latency: Vec::new(),
            alerts: Vec::new(),
            schemas: Vec::new(),
        }
    }

    pub fn profile(&self, name: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.name == name)
    }
}
