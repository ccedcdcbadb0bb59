//! Reading the profile file: the file exactly as written (serde structs with spans, so that
//! every later validation error can name its line; unknown keys are rejected by serde itself),
//! then each profile through the rules of `validate.rs`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::error::{ConfigError, Locator};
use super::profile::ConfigFile;
use super::validate::{int_in, validate_profile};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    pub default_profile: Option<Spanned<String>>,
    #[serde(default)]
    pub profiles: BTreeMap<Spanned<String>, RawProfile>,
    pub history: Option<RawHistory>,
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
    pub protocol: Option<Spanned<i64>>,
    pub client_id: Option<Spanned<String>>,
    pub username: Option<Spanned<String>>,
    pub password: Option<Spanned<String>>,
    pub password_env: Option<Spanned<String>>,
    pub password_command: Option<Spanned<Vec<String>>>,
    pub keep_alive_s: Option<Spanned<i64>>,
    pub clean_session: Option<bool>,
    pub max_packet_size: Option<Spanned<i64>>,
    pub inflight: Option<Spanned<i64>>,
    pub connect_timeout_s: Option<Spanned<i64>>,
    pub subscriptions: Option<Vec<Spanned<RawSubscription>>>,
    pub tls: Option<RawTls>,
    pub will: Option<Spanned<RawWill>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSubscription {
    pub filter: Spanned<String>,
    #[serde(default)]
    pub qos: Option<Spanned<i64>>,
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

impl ConfigFile {
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
