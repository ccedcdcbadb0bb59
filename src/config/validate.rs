//! The rules a profile must follow, one set for the loader, the command-line overrides and
//! the profile editor: each value checked against what MQTT and rumqttc allow, errors that name
//! the key path and say what is allowed, relative TLS paths resolved against the file's folder.

use std::path::{Path, PathBuf};

use bytes::Bytes;
use toml::Spanned;

use super::error::{ConfigError, Locator};
use super::profile::{FileRef, PasswordSource, Profile};
use super::raw::{RawProfile, RawProtocol, RawTls};
use crate::mqtt::settings::{DEFAULT_MAX_PACKET_SIZE, PROTOCOL_CHOICES};
use crate::mqtt::topic::{validate_filter, validate_topic};
use crate::mqtt::{BrokerUrl, Protocol, QoS, TlsSettings, Will};

pub(super) fn int_in(
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
        // From the environment when connecting, never from the file.
        key_log: None,
    }
}

pub(super) fn validate_profile(
    loc: &Locator,
    base: &Path,
    name: &str,
    mut raw: RawProfile,
) -> Result<Profile, ConfigError> {
    let ctx = |key: &str| format!("profiles.{name}.{key}");
    let broker = BrokerUrl::parse(raw.broker.get_ref()).map_err(|e| {
        loc.at(
            raw.broker.span().start,
            format!(
                "{}: '{}': {e}",
                ctx("broker"),
                crate::mqtt::url::redacted(raw.broker.get_ref())
            ),
        )
    })?;
    let mut profile = Profile::adhoc(broker);
    profile.name = name.to_string();
    if let Some(p) = &raw.protocol {
        let (chosen, shown) = match p.get_ref() {
            RawProtocol::Number(n) => (Protocol::from_number(*n), n.to_string()),
            RawProtocol::Name(name) => (Protocol::parse(name), format!("\"{name}\"")),
        };
        profile.protocol = chosen.ok_or_else(|| {
            loc.at(
                p.span().start,
                format!(
                    "{} = {shown}: allowed is {PROTOCOL_CHOICES}",
                    ctx("protocol")
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
        // Accepted; said once, for the profile in use (`Profile::plain_password_warning`), not
        // for every plain profile of the file at every start.
        profile.password = PasswordSource::Plain(crate::mqtt::Secret::new(p.get_ref().clone()));
    }
    if let Some(var) = &raw.password_env {
        profile.password = super::secrets::env_source(loc, &ctx("password_env"), var)?;
    }
    if let Some(cmd) = &raw.password_command {
        profile.password = super::secrets::command_source(loc, &ctx("password_command"), cmd)?;
    }
    (profile.proxy, profile.proxy_password) = super::proxy::validate(
        loc,
        &ctx,
        raw.proxy.as_ref(),
        raw.proxy_password_env.as_ref(),
        raw.proxy_password_command.as_ref(),
    )?;
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
        let mut sub = crate::mqtt::Subscription::new(s.filter.get_ref().clone(), qos);
        sub.no_local = s.no_local.unwrap_or(false);
        sub.retain_as_published = s.retain_as_published.unwrap_or(false);
        if let Some(rh) = &s.retain_handling {
            sub.retain_handling =
                int_in(loc, &ctx("subscriptions.retain_handling"), rh, 0..=2, "")? as u8;
        }
        if let Some(id) = &s.subscription_id {
            sub.id = Some(int_in(
                loc,
                &ctx("subscriptions.subscription_id"),
                id,
                1..=i64::from(crate::mqtt::Subscription::MAX_ID),
                "",
            )? as u32);
        }
        profile.subscriptions.push(sub);
    }
    if let Some(m) = &raw.mqtt5 {
        let c = &mut profile.connect;
        if let Some(v) = &m.session_expiry_s {
            c.session_expiry = Some(int_in(
                loc,
                &ctx("mqtt5.session_expiry_s"),
                v,
                0..=i64::from(u32::MAX),
                " seconds",
            )? as u32);
        }
        if let Some(v) = &m.receive_maximum {
            c.receive_maximum =
                Some(int_in(loc, &ctx("mqtt5.receive_maximum"), v, 1..=65_535, "")? as u16);
        }
        if let Some(v) = &m.topic_alias_maximum {
            c.topic_alias_maximum =
                Some(int_in(loc, &ctx("mqtt5.topic_alias_maximum"), v, 0..=65_535, "")? as u16);
        }
        c.request_response_information = m.request_response_information;
        c.request_problem_information = m.request_problem_information;
        if let Some(u) = &m.user_properties {
            c.user_properties = u
                .get_ref()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
        }
    }
    if let Some(tls) = &raw.tls {
        profile.tls = validate_tls(loc, base, name, tls, &mut profile.file_refs);
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
    profile.decoders = super::decoders::validate_decoders(
        loc,
        &ctx("decoders"),
        std::mem::take(&mut raw.decoders),
    )?;
    if let Err(problem) = cross_check(&profile, raw.tls.is_some()) {
        // Point at the key the rule is about.
        let at = match problem.key {
            Key::ClientId => raw.client_id.as_ref().map(|c| c.span().start),
            Key::Password => sources.iter().flatten().next().copied(),
            Key::Broker => Some(raw.broker.span().start),
            Key::Tls => raw.tls.as_ref().and_then(|t| {
                t.cert_file
                    .as_ref()
                    .or(t.key_file.as_ref())
                    .map(|s| s.span().start)
            }),
        };
        let message = match problem.key {
            Key::Broker => format!(
                "{}: [profiles.{name}.tls] is set but '{}' {}",
                ctx("broker"),
                crate::mqtt::url::redacted(raw.broker.get_ref()),
                problem.message
            ),
            key => format!("{}: {}", ctx(key.name()), problem.message),
        };
        return Err(loc.at(at.unwrap_or(0), message));
    }
    Ok(profile)
}

/// The key a cross-field rule is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    ClientId,
    Password,
    Broker,
    Tls,
}

impl Key {
    /// Its name in the profile file.
    pub fn name(self) -> &'static str {
        match self {
            Key::ClientId => "client_id",
            Key::Password => "password",
            Key::Broker => "broker",
            Key::Tls => "tls",
        }
    }

    /// Its command-line flag, for errors about overrides.
    pub fn flag(self) -> &'static str {
        match self {
            Key::ClientId => "--client-id",
            Key::Password => "--password-env",
            Key::Broker => "--broker",
            Key::Tls => "--cert/--key",
        }
    }
}

/// A rule a whole profile broke: which key, and what is allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub key: Key,
    pub message: String,
}

/// The rules between keys, checked after every value is in: by the loader (with the file's
/// positions), by the command line after its overrides (with flag names), and by the editor.
/// `tls_given`: the profile asks for TLS settings (a `[tls]` table, or TLS flags).
pub fn cross_check(p: &Profile, tls_given: bool) -> Result<(), Problem> {
    let problem = |key, message: &str| {
        Err(Problem {
            key,
            message: message.to_string(),
        })
    };
    if !p.clean_session && p.client_id.as_deref().is_some_and(str::is_empty) {
        return problem(
            Key::ClientId,
            "must not be empty when clean_session = false",
        );
    }
    if p.password != PasswordSource::None && p.username.is_none() {
        return problem(Key::Password, "a password needs a username");
    }
    if tls_given && !p.broker.scheme.is_tls() {
        return problem(Key::Broker, "is not a TLS URL; use mqtts:// or wss://");
    }
    if p.tls.cert_file.is_some() != p.tls.key_file.is_some() {
        return problem(Key::Tls, "cert_file and key_file go together");
    }
    Ok(())
}
