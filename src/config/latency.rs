//! `[[latency]]`: where messages on a topic filter say when they were sent, for the lag from
//! send to arrival (`filter`, one of `json`, `property` or `offset` with `width`, and `unit`),
//! checked here with their line so a typo names itself.

use serde::Deserialize;
use toml::Spanned;

use super::error::{ConfigError, Locator};
use crate::decode::send_time::{LatencyRule, Source, Unit};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLatency {
    pub filter: Spanned<String>,
    /// A dotted path into a JSON payload.
    pub json: Option<Spanned<String>>,
    /// An MQTT 5 user property's name.
    pub property: Option<Spanned<String>>,
    /// A byte offset into the payload, with `width` (1 to 8, default 8).
    pub offset: Option<Spanned<i64>>,
    pub width: Option<Spanned<i64>>,
    pub unit: Spanned<String>,
}

/// The rules, in the order written (the first whose filter matches a topic is used).
pub fn validate_latency(
    loc: &Locator,
    raws: Vec<Spanned<RawLatency>>,
) -> Result<Vec<LatencyRule>, ConfigError> {
    let mut rules = Vec::new();
    for raw in raws {
        let at = raw.span().start;
        let r = raw.into_inner();
        if let Err(e) = crate::mqtt::topic::validate_filter(r.filter.get_ref()) {
            return Err(loc.at(r.filter.span().start, format!("latency.filter: {e}")));
        }
        let unit = Unit::parse(r.unit.get_ref()).ok_or_else(|| {
            loc.at(
                r.unit.span().start,
                format!(
                    "latency.unit: '{}' is not a unit (allowed: {})",
                    crate::text::clean(r.unit.get_ref()),
                    Unit::CHOICES
                ),
            )
        })?;
        let source = match (r.json, r.property, r.offset) {
            (Some(path), None, None) => {
                if path.get_ref().split('.').any(str::is_empty) {
                    return Err(loc.at(
                        path.span().start,
                        "latency.json: a dotted path of keys (meta.sent_at), no empty key",
                    ));
                }
                Source::Json(path.into_inner())
            }
            (None, Some(name), None) => {
                if name.get_ref().is_empty() {
                    return Err(loc.at(name.span().start, "latency.property: a name is needed"));
                }
                Source::Property(name.into_inner())
            }
            (None, None, Some(offset)) => {
                let o = *offset.get_ref();
                if !(0..=268_435_455).contains(&o) {
                    return Err(loc.at(
                        offset.span().start,
                        format!("latency.offset: {o} is not a byte offset (0 to 268435455)"),
                    ));
                }
                let width = match &r.width {
                    Some(w) if (1..=8).contains(w.get_ref()) => *w.get_ref(),
                    Some(w) => {
                        return Err(loc.at(
                            w.span().start,
                            format!("latency.width: {} bytes (allowed: 1 to 8)", w.get_ref()),
                        ));
                    }
                    None => 8,
                };
                if unit == Unit::Rfc3339 {
                    return Err(loc.at(
                        r.unit.span().start,
                        "latency.unit: bytes at an offset are a number: s, ms, us or ns",
                    ));
                }
                Source::Bytes {
                    offset: o as usize,
                    width: width as usize,
                }
            }
            _ => {
                return Err(loc.at(
                    at,
                    "latency: give one of json = \"path\", property = \"name\" or offset = N",
                ));
            }
        };
        if r.width.is_some() && !matches!(source, Source::Bytes { .. }) {
            return Err(loc.at(at, "latency.width goes with offset"));
        }
        rules.push(LatencyRule {
            filter: r.filter.into_inner(),
            source,
            unit,
        });
    }
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use crate::config::ConfigFile;
    use crate::decode::send_time::{Source, Unit};
    use std::path::Path;

    fn parse(text: &str) -> Result<ConfigFile, String> {
        ConfigFile::parse(Path::new("/tmp/c.toml"), text).map_err(|e| e.to_string())
    }

    #[test]
    fn each_source_is_read_and_mistakes_name_their_line() {
        let file = parse(
            "[[latency]]\nfilter = \"a/#\"\njson = \"meta.ts\"\nunit = \"ms\"\n\
             [[latency]]\nfilter = \"b/#\"\nproperty = \"sent\"\nunit = \"rfc3339\"\n\
             [[latency]]\nfilter = \"c/#\"\noffset = 4\nwidth = 4\nunit = \"s\"\n",
        )
        .unwrap();
        assert_eq!(file.latency.len(), 3);
        assert_eq!(file.latency[0].source, Source::Json("meta.ts".into()));
        assert_eq!(file.latency[1].unit, Unit::Rfc3339);
        assert_eq!(
            file.latency[2].source,
            Source::Bytes {
                offset: 4,
                width: 4
            }
        );
        // (the rule after its `[[latency]]` line, where the error is, what it says)
        let cases = [
            ("filter = \"a/#\"\nunit = \"ms\"\n", 1, "give one of json"),
            (
                "filter = \"a/#\"\njson = \"t\"\nunit = \"minutes\"\n",
                4,
                "allowed: s, ms",
            ),
            (
                "filter = \"a/#\"\noffset = 0\nwidth = 9\nunit = \"ns\"\n",
                4,
                "1 to 8",
            ),
            (
                "filter = \"a/#\"\noffset = 0\nunit = \"rfc3339\"\n",
                4,
                "a number",
            ),
            (
                "filter = \"a/#/b\"\njson = \"t\"\nunit = \"s\"\n",
                2,
                "latency.filter",
            ),
            (
                "filter = \"a\"\njson = \"t..u\"\nunit = \"s\"\n",
                3,
                "no empty key",
            ),
            (
                "filter = \"a\"\njson = \"t\"\nwidth = 2\nunit = \"s\"\n",
                1,
                "width goes",
            ),
            (
                "filter = \"a\"\njson = \"t\"\nproperty = \"p\"\nunit = \"s\"\n",
                1,
                "give one",
            ),
        ];
        for (body, line, says) in cases {
            let err = parse(&format!("[[latency]]\n{body}")).unwrap_err();
            let at = format!("c.toml:{line}:");
            assert!(err.contains(&at) && err.contains(says), "{body}: {err}");
        }
    }
}
