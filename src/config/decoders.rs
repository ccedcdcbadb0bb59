//! `[[decoders]]` (global) and `[[profiles.NAME.decoders]]`: rules that pick how payloads are
//! shown, checked here with their line so a typo names itself.

use serde::Deserialize;
use toml::Spanned;

use super::error::{ConfigError, Locator};
use crate::decode::{Match, Registry, Rule};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDecoder {
    /// A topic filter (`factory/+/telemetry`).
    pub filter: Option<Spanned<String>>,
    /// An MQTT 5 content type, exactly or `type/*`.
    pub content_type: Option<Spanned<String>>,
    /// A decoder id: json, number, image, msgpack, cbor, base64, text, hex.
    pub view: Option<Spanned<String>>,
    pub proto_file: Option<Spanned<String>>,
    pub message: Option<Spanned<String>>,
    pub command: Option<Spanned<Vec<String>>>,
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
        if let Some(c) = &d.command {
            return Err(loc.at(
                c.span().start,
                format!(
                    "{what}.command: external decoders are not built yet; use view = one of {}",
                    known.join(", ")
                ),
            ));
        }
        if let Some(p) = d.proto_file.as_ref().or(d.message.as_ref()) {
            return Err(loc.at(
                p.span().start,
                format!(
                    "{what}: protobuf views are not built yet; use view = one of {}",
                    known.join(", ")
                ),
            ));
        }
        let Some(view) = d.view else {
            return Err(loc.at(
                at,
                format!("{what}: a rule needs view = one of {}", known.join(", ")),
            ));
        };
        if !known.contains(&view.get_ref().as_str()) {
            return Err(loc.at(
                view.span().start,
                format!(
                    "{what}.view: '{}' is not a view; allowed: {}",
                    crate::text::clean(view.get_ref()),
                    known.join(", ")
                ),
            ));
        }
        rules.push(Rule {
            matches,
            decoder: view.into_inner(),
        });
    }
    Ok(rules)
}
