//! Reading the profile file: its text into the shape of `raw.rs` (with spans), then each
//! profile through the rules of `validate.rs`, errors placed at their line and column.

use std::path::Path;

use super::error::{ConfigError, Locator};
use super::profile::ConfigFile;
use super::raw::RawFile;
use super::validate::{int_in, validate_profile};

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
            let profile = validate_profile(&loc, base, &name, raw_profile)?;
            file.profiles.push(profile);
        }
        file.decoders = super::decoders::validate_decoders(&loc, "decoders", raw.decoders)?;
        file.latency = super::latency::validate_latency(&loc, raw.latency)?;
        file.alerts = super::alerts::validate_alerts(&loc, raw.alerts)?;
        file.schemas = super::schemas::validate_schemas(&loc, raw.schemas)?;
        for s in raw.snippets {
            let s = s.into_inner();
            let topic = s.topic.get_ref();
            // A template may stand anywhere; what it expands to is checked when it is sent.
            if !crate::publish::template::has_template(topic)
                && let Err(e) = crate::mqtt::topic::validate_topic(topic)
            {
                return Err(loc.at(s.topic.span().start, format!("snippets.topic: {e}")));
            }
            if s.name.get_ref().trim().is_empty() {
                return Err(loc.at(s.name.span().start, "snippets.name must not be empty"));
            }
            let qos = match &s.qos {
                Some(q) => int_in(&loc, "snippets.qos", q, 0..=2, "")? as u8,
                None => 0,
            };
            file.snippets.push(super::profile::Snippet {
                name: s.name.into_inner(),
                topic: s.topic.into_inner(),
                payload: s.payload,
                qos: crate::mqtt::QoS::from_u8(qos).unwrap_or_default(),
                retain: s.retain,
            });
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
