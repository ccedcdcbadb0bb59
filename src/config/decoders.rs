//! `[[decoders]]` (global) and `[[profiles.NAME.decoders]]`: rules that pick how payloads are
//! shown, checked here with their line so a typo names itself.

use serde::Deserialize;
use toml::Spanned;

use super::error::{ConfigError, Locator};
use std::sync::Arc;

use crate::decode::{External, Match, Protobuf, Registry, Rule};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDecoder {
    /// A topic filter (`factory/+/telemetry`).
    pub filter: Option<Spanned<String>>,
    /// An MQTT 5 content type, exactly or `type/*`.
    pub content_type: Option<Spanned<String>>,
    /// A decoder id: json, number, image, msgpack, cbor, protobuf, sparkplug, base64, text, hex.
    pub view: Option<Spanned<String>>,
    /// With view = "protobuf": the schema (relative to the profile file) and its message type.
    pub proto_file: Option<Spanned<String>>,
    pub message: Option<Spanned<String>>,
    /// An external decoder: the program and its arguments (no shell).
    pub command: Option<Spanned<Vec<String>>>,
    /// With command: how long it may run (default 2 s).
    pub timeout_s: Option<Spanned<f64>>,
    /// With command: how much output is read (default 1024 KiB).
    pub max_output_kib: Option<Spanned<i64>>,
}

/// The rules of one `decoders` list, in the order written. `what` names the list in errors
/// (`decoders`, `profiles.local.decoders`).
pub fn validate_decoders(
    loc: &Locator,
    what: &str,
    raws: Vec<Spanned<RawDecoder>>,
) -> Result<Vec<Rule>, ConfigError> {
    let known: Vec<&str> = Registry::default().ids().collect();
    let mut rules = Vec::new();
    for raw in raws {
        let at = raw.span().start;
        let d = raw.into_inner();
        let matches = match (d.filter, d.content_type) {
            (Some(f), None) => {
                if let Err(e) = crate::mqtt::topic::validate_filter(f.get_ref()) {
                    return Err(loc.at(f.span().start, format!("{what}.filter: {e}")));
                }
                Match::Topic(f.into_inner())
            }
            (None, Some(ct)) => Match::ContentType(ct.into_inner()),
            (Some(_), Some(ct)) => {
                return Err(loc.at(
                    ct.span().start,
                    format!("{what}: give filter or content_type, not both"),
                ));
            }
            (None, None) => {
                return Err(loc.at(
                    at,
                    format!(
                        "{what}: a rule needs filter = \"a/+/b\" or content_type = \"type/sub\""
                    ),
                ));
            }
        };
        let at_view = d.view.as_ref().map_or(at, |v| v.span().start);
        let view = d.view.map(Spanned::into_inner);
        if let Some(c) = d.command {
            if view.as_deref().is_some_and(|v| v != "command") {
                return Err(loc.at(
                    at_view,
                    format!("{what}: a rule with command takes no view (or view = \"command\")"),
                ));
            }
            let at_cmd = c.span().start;
            let argv = c.into_inner();
            if argv.first().is_none_or(|p| p.trim().is_empty()) {
                return Err(loc.at(
                    at_cmd,
                    format!("{what}.command: give the program and its arguments, as [\"prog\", \"--flag\"]"),
                ));
            }
            let mut external = External::new(argv);
            if let Some(t) = d.timeout_s {
                let secs = *t.get_ref();
                if !(0.05..=60.0).contains(&secs) {
                    return Err(loc.at(
                        t.span().start,
                        format!(
                            "{what}.timeout_s: {secs} is out of range; allowed: 0.05 to 60 seconds"
                        ),
                    ));
                }
                external.time_limit = std::time::Duration::from_secs_f64(secs);
            }
            if let Some(k) = d.max_output_kib {
                let kib = *k.get_ref();
                if !(1..=65_536).contains(&kib) {
                    return Err(loc.at(
                        k.span().start,
                        format!(
                            "{what}.max_output_kib: {kib} is out of range; allowed: 1 to 65536"
                        ),
                    ));
                }
                external.output_cap = kib as usize * 1024;
            }
            rules.push(Rule::custom(matches, Arc::new(external)));
            continue;
        }
        for (key, given) in [
            ("timeout_s", d.timeout_s.as_ref().map(|s| s.span().start)),
            (
                "max_output_kib",
                d.max_output_kib.as_ref().map(|s| s.span().start),
            ),
        ] {
            if let Some(at) = given {
                return Err(loc.at(
                    at,
                    format!("{what}.{key}: only a rule with command takes it"),
                ));
            }
        }
        if d.proto_file.is_some() || d.message.is_some() || view.as_deref() == Some("protobuf") {
            match (d.proto_file, d.message) {
                (Some(file), Some(message)) => {
                    if view.as_deref().is_some_and(|v| v != "protobuf") {
                        return Err(loc.at(
                            at_view,
                            format!("{what}: proto_file and message go with view = \"protobuf\""),
                        ));
                    }
                    let dir = loc.path.parent().unwrap_or(std::path::Path::new("."));
                    let descriptor = super::proto::compile(dir, file.get_ref(), message.get_ref())
                        .map_err(|e| {
                            loc.at(file.span().start, format!("{what}.proto_file: {e}"))
                        })?;
                    rules.push(Rule::custom(matches, Arc::new(Protobuf::new(descriptor))));
                    continue;
                }
                (Some(file), None) => {
                    return Err(loc.at(
                        file.span().start,
                        format!("{what}: proto_file needs message = \"package.Message\" too"),
                    ));
                }
                (None, Some(message)) => {
                    return Err(loc.at(
                        message.span().start,
                        format!("{what}: message needs proto_file = \"file.proto\" too"),
                    ));
                }
                // view = "protobuf" alone: the wire format read raw, fields by number.
                (None, None) => {}
            }
        }
        let Some(view) = view else {
            return Err(loc.at(
                at,
                format!(
                    "{what}: a rule needs view = one of {}, or command = [...]",
                    known.join(", ")
                ),
            ));
        };
        if !known.contains(&view.as_str()) {
            return Err(loc.at(
                at_view,
                format!(
                    "{what}.view: '{}' is not a view; allowed: {}",
                    crate::text::clean(&view),
                    known.join(", ")
                ),
            ));
        }
        rules.push(Rule::builtin(matches, view));
    }
    Ok(rules)
}
