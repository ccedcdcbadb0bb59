//! Validated profiles: every value checked against what MQTT and rumqttc allow, with relative
//! TLS paths resolved against the file's folder.

use std::path::{Path, PathBuf};
use std::time::Duration;

use bytes::Bytes;
use toml::Spanned;

use super::error::{ConfigError, Locator};
use super::raw::{RawFile, RawProfile, RawTls};
use crate::mqtt::settings::{
    DEFAULT_INFLIGHT, DEFAULT_KEEP_ALIVE_S, DEFAULT_MAX_PACKET_SIZE, random_client_id,
};
use crate::mqtt::topic::{validate_filter, validate_topic};
use crate::mqtt::{BrokerUrl, ConnectionSettings, Protocol, QoS, TlsSettings, Will};
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
    pub keep_alive_s: u16,
    pub clean_session: bool,
    pub max_packet_size: u32,
    pub inflight: u16,
    pub connect_timeout_s: u64,
    pub subscriptions: Vec<(String, QoS)>,
    pub tls: TlsSettings,
    pub will: Option<Will>,
    /// Files the profile names, with where it names them; checked when the profile is used.
    pub file_refs: Vec<FileRef>,
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
            protocol: Protocol::V5,
            client_id: None,
            username: None,
            password: PasswordSource::None,
            keep_alive_s: DEFAULT_KEEP_ALIVE_S,
            clean_session: true,
            max_packet_size: DEFAULT_MAX_PACKET_SIZE,
            inflight: DEFAULT_INFLIGHT,
            connect_timeout_s: 10,
            subscriptions: Vec::new(),
            tls: TlsSettings::default(),
            will: None,
            file_refs: Vec::new(),
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
        s
    }
}

#[derive(Debug, Clone)]
pub struct ConfigFile {
    pub path: PathBuf,
    pub default_profile: Option<String>,
    /// In file order of names (sorted).
    pub profiles: Vec<Profile>,
    /// Things that work but deserve a word (e.g. a plain password).
    pub warnings: Vec<String>,
    /// How much history the explorer keeps.
    pub limits: Limits,
}

impl ConfigFile {
    pub fn empty(path: PathBuf) -> ConfigFile {
        ConfigFile {
            path,
            default_profile: None,
            profiles: Vec::new(),
            warnings: Vec::new(),
            limits: Limits::default(),
        }
    }

    pub fn profile(&self, name: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.name == name)
    }

    pub fn parse(path: &Path, text: &str) -> Result<ConfigFile, ConfigError> {
        let loc = Locator { path, text };
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let offset = e.span().map(|s| s.start).unwrap_or(0);
            let mut message = clean_message(e.message());
            // serde names the type, not the key: take the key from the line it points at.
            if let Some(key) = key_on_line(text, offset)
                && !message.contains(&key)
            {
                message = format!("{key}: {message}");
            }
            loc.at(offset, message)
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        let mut file = ConfigFile::empty(path.to_path_buf());
        for (name, raw_profile) in raw.profiles {
            let span = name.span();
            let name = name.into_inner();
            if name.trim().is_empty() {
                return Err(loc.at(span.start, "profile names must not be empty"));
            }
            let profile = validate_profile(&loc, base, &name, raw_profile, &mut file.warnings)?;
            file.profiles.push(profile);
        }
        if let Some(h) = &raw.history {
            if let Some(m) = &h.memory_mib {
                file.limits.memory_budget =
                    int_in(&loc, "history.memory_mib", m, 1..=1_048_576, " MiB")? as usize
                        * 1024
                        * 1024;
            }
            if let Some(n) = &h.per_topic {
                file.limits.per_topic =
                    int_in(&loc, "history.per_topic", n, 1..=1_000_000, " messages")? as usize;
            }
        }
        if let Some(default) = raw.default_profile {
            if file.profile(default.get_ref()).is_none() {
                let known: Vec<&str> = file.profiles.iter().map(|p| p.name.as_str()).collect();
                return Err(loc.at(
                    default.span().start,
                    format!(
                        "default_profile: no profile named '{}'; defined: {}",
                        default.get_ref(),
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    ),
                ));
            }
            file.default_profile = Some(default.into_inner());
        }
        Ok(file)
    }
}

/// The `key` of a `key = value` line containing `offset`, if it is one.
fn key_on_line(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let start = text.get(..offset)?.rfind('\n').map_or(0, |i| i + 1);
    let line = text.get(start..)?.lines().next()?;
    let (key, _) = line.split_once('=')?;
    let key = key.trim();
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    plain.then(|| key.to_string())
}

/// serde's messages name fields; users of a TOML file think in keys.
fn clean_message(message: &str) -> String {
    message
        .replace("unknown field", "unknown key")
        .replace("missing field", "missing key")
        .replace("expected one of", "allowed keys:")
        .replace("expected a map", "expected a table")
        .trim()
        .to_string()
}

fn int_in(
    loc: &Locator,
    key: &str,
    value: &Spanned<i64>,
    range: std::ops::RangeInclusive<i64>,
    unit: &str,
) -> Result<i64, ConfigError> {
    let v = *value.get_ref();
    if range.contains(&v) {
        Ok(v)
    } else {
        Err(loc.at(
            value.span().start,
            format!(
                "{key} = {v}: allowed is {} to {}{unit}",
                range.start(),
                range.end()
            ),
        ))
    }
}

fn qos_at(loc: &Locator, key: &str, value: &Option<Spanned<i64>>) -> Result<QoS, ConfigError> {
    match value {
        None => Ok(QoS::AtMostOnce),
        Some(v) => {
            let n = int_in(loc, key, v, 0..=2, "")?;
            Ok(QoS::from_u8(n as u8).unwrap_or_default())
        }
    }
}

fn tls_file(
    loc: &Locator,
    base: &Path,
    key: String,
    value: &Option<Spanned<String>>,
    refs: &mut Vec<FileRef>,
) -> Option<PathBuf> {
    let v = value.as_ref()?;
    let path = base.join(v.get_ref());
    let (line, column) = loc.line_col(v.span().start);
    refs.push(FileRef {
        key,
        path: path.clone(),
        config: loc.path.to_path_buf(),
        line,
        column,
    });
    Some(path)
}

fn validate_tls(
    loc: &Locator,
    base: &Path,
    name: &str,
    raw: &RawTls,
    refs: &mut Vec<FileRef>,
) -> TlsSettings {
    let key = |k: &str| format!("profiles.{name}.tls.{k}");
    TlsSettings {
        ca_file: tls_file(loc, base, key("ca_file"), &raw.ca_file, refs),
        cert_file: tls_file(loc, base, key("cert_file"), &raw.cert_file, refs),
        key_file: tls_file(loc, base, key("key_file"), &raw.key_file, refs),
        insecure: raw.insecure,
        alpn: raw.alpn.clone(),
    }
}

fn validate_profile(
    loc: &Locator,
    base: &Path,
    name: &str,
    raw: RawProfile,
    warnings: &mut Vec<String>,
) -> Result<Profile, ConfigError> {
    let ctx = |key: &str| format!("profiles.{name}.{key}");
    let broker = BrokerUrl::parse(raw.broker.get_ref()).map_err(|e| {
        loc.at(
            raw.broker.span().start,
            format!("{}: '{}': {e}", ctx("broker"), raw.broker.get_ref()),
        )
    })?;
    let mut profile = Profile::adhoc(broker);
    profile.name = name.to_string();
    if let Some(p) = &raw.protocol {
        profile.protocol = Protocol::from_number(*p.get_ref()).ok_or_else(|| {
            loc.at(
                p.span().start,
                format!(
                    "{} = {}: allowed is 3 (3.1.1) or 5",
                    ctx("protocol"),
                    p.get_ref()
                ),
            )
        })?;
    }
    if let Some(id) = &raw.client_id {
        if id.get_ref().len() > 65_535 {
            return Err(loc.at(
                id.span().start,
                format!("{}: longer than 65535 bytes", ctx("client_id")),
            ));
        }
        profile.client_id = Some(id.get_ref().clone());
    }
    profile.clean_session = raw.clean_session.unwrap_or(true);
    if !profile.clean_session && profile.client_id.as_deref().is_some_and(str::is_empty) {
        let at = raw.client_id.as_ref().map(|c| c.span().start).unwrap_or(0);
        return Err(loc.at(
            at,
            format!(
                "{}: must not be empty when clean_session = false",
                ctx("client_id")
            ),
        ));
    }
    profile.username = raw.username.as_ref().map(|u| u.get_ref().clone());
    let sources = [
        raw.password.as_ref().map(|p| p.span().start),
        raw.password_env.as_ref().map(|p| p.span().start),
        raw.password_command.as_ref().map(|p| p.span().start),
    ];
    if sources.iter().flatten().count() > 1 {
        let at = sources.iter().flatten().nth(1).copied().unwrap_or(0);
        return Err(loc.at(
            at,
            format!(
                "{}: give only one of password, password_env, password_command",
                ctx("password")
            ),
        ));
    }
    if let Some(p) = &raw.password {
        warnings.push(format!(
            "{}: profile '{name}' stores a plain password; prefer password_env or password_command",
            loc.path.display()
        ));
        profile.password = PasswordSource::Plain(crate::mqtt::Secret::new(p.get_ref().clone()));
    }
    if let Some(var) = &raw.password_env {
        if var.get_ref().is_empty() || var.get_ref().contains(['=', '\0']) {
            return Err(loc.at(
                var.span().start,
                format!(
                    "{}: not a valid environment variable name",
                    ctx("password_env")
                ),
            ));
        }
        profile.password = PasswordSource::Env(var.get_ref().clone());
    }
    if let Some(cmd) = &raw.password_command {
        if cmd.get_ref().first().is_none_or(|c| c.is_empty()) {
            return Err(loc.at(
                cmd.span().start,
                format!(
                    "{}: needs a program and its arguments, e.g. [\"pass\", \"mqtt/local\"]",
                    ctx("password_command")
                ),
            ));
        }
        profile.password = PasswordSource::Command(cmd.get_ref().clone());
    }
    if profile.password != PasswordSource::None && profile.username.is_none() {
        let at = sources.iter().flatten().next().copied().unwrap_or(0);
        return Err(loc.at(
            at,
            format!("{}: a password needs a username", ctx("password")),
        ));
    }
    if let Some(ka) = &raw.keep_alive_s {
        profile.keep_alive_s = int_in(
            loc,
            &ctx("keep_alive_s"),
            ka,
            0..=65_535,
            " seconds (0 turns it off)",
        )? as u16;
    }
    if let Some(m) = &raw.max_packet_size {
        profile.max_packet_size = int_in(
            loc,
            &ctx("max_packet_size"),
            m,
            1024..=i64::from(DEFAULT_MAX_PACKET_SIZE),
            " bytes",
        )? as u32;
    }
    if let Some(i) = &raw.inflight {
        profile.inflight = int_in(loc, &ctx("inflight"), i, 1..=65_535, "")? as u16;
    }
    if let Some(t) = &raw.connect_timeout_s {
        profile.connect_timeout_s =
            int_in(loc, &ctx("connect_timeout_s"), t, 1..=3600, " seconds")? as u64;
    }
    for sub in raw.subscriptions.iter().flatten() {
        let s = sub.get_ref();
        validate_filter(s.filter.get_ref()).map_err(|e| {
            loc.at(
                s.filter.span().start,
                format!(
                    "{}: '{}': {e}",
                    ctx("subscriptions.filter"),
                    s.filter.get_ref()
                ),
            )
        })?;
        let qos = qos_at(loc, &ctx("subscriptions.qos"), &s.qos)?;
        profile
            .subscriptions
            .push((s.filter.get_ref().clone(), qos));
    }
    if let Some(tls) = &raw.tls {
        if !profile.broker.scheme.is_tls() {
            return Err(loc.at(
                raw.broker.span().start,
                format!(
                    "{}: [profiles.{name}.tls] is set but '{}' is not a TLS URL; use mqtts:// or wss://",
                    ctx("broker"),
                    raw.broker.get_ref()
                ),
            ));
        }
        profile.tls = validate_tls(loc, base, name, tls, &mut profile.file_refs);
        if profile.tls.cert_file.is_some() != profile.tls.key_file.is_some() {
            let at = tls
                .cert_file
                .as_ref()
                .or(tls.key_file.as_ref())
                .map(|s| s.span().start)
                .unwrap_or(0);
            return Err(loc.at(
                at,
                format!("{}: cert_file and key_file go together", ctx("tls")),
            ));
        }
    }
    if let Some(will) = &raw.will {
        let w = will.get_ref();
        validate_topic(w.topic.get_ref()).map_err(|e| {
            loc.at(
                w.topic.span().start,
                format!("{}: '{}': {e}", ctx("will.topic"), w.topic.get_ref()),
            )
        })?;
        profile.will = Some(Will {
            topic: w.topic.get_ref().clone(),
            payload: Bytes::from(w.payload.clone().into_bytes()),
            qos: qos_at(loc, &ctx("will.qos"), &w.qos)?,
            retain: w.retain,
        });
    }
    Ok(profile)
}
