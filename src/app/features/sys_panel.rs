//! `B`: the broker's own numbers, read from its `$SYS` topics through a table of candidate
//! topics per metric (mosquitto, EMQX, amqtt, the embedded broker; `+` stands for EMQX's node
//! name), the first one present winning. A counter becomes a rate from its last two kept
//! samples; mosquitto's `load/…/1min` figures are per minute. Beside them, what we observe
//! ourselves. Opening the panel subscribes to `$SYS/#` when no subscription covers it (`#`
//! does not: MQTT keeps `$` topics out of wildcards at the top level). Pure: worked out from
//! the store whenever it is drawn.

use std::time::{Duration, Instant};

use super::super::App;
use crate::mqtt::{QoS, Subscription};
use crate::store::{NodeId, Store};

/// How long the panel waits for `$SYS` before it says why nothing may come.
pub const WAIT: Duration = Duration::from_secs(5);

/// How a metric's payload is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Shown as the text it is.
    Text,
    /// Seconds, maybe followed by a word ("123 seconds").
    Seconds,
    /// A number now.
    Gauge,
    /// A number now, in bytes (or MiB for amqtt's heap).
    Bytes,
    MiB,
    /// A total that grows: shown with its rate from the last two samples.
    Counter,
    /// A rate the broker gives per minute.
    PerMinute,
}

struct Metric {
    name: &'static str,
    /// A bytes metric's rate is shown as bytes.
    bytes: bool,
    candidates: &'static [(&'static str, Kind)],
}

const METRICS: &[Metric] = &[
    Metric {
        name: "version",
        bytes: false,
        candidates: &[
            ("$SYS/broker/version", Kind::Text),
            ("$SYS/brokers/+/version", Kind::Text),
        ],
    },
    Metric {
        name: "uptime",
        bytes: false,
        candidates: &[
            ("$SYS/broker/uptime", Kind::Seconds),
            ("$SYS/brokers/+/uptime", Kind::Text),
        ],
    },
    Metric {
        name: "clients connected",
        bytes: false,
        candidates: &[
            ("$SYS/broker/clients/connected", Kind::Gauge),
            ("$SYS/brokers/+/stats/connections/count", Kind::Gauge),
        ],
    },
    Metric {
        name: "subscriptions",
        bytes: false,
        candidates: &[
            ("$SYS/broker/subscriptions/count", Kind::Gauge),
            ("$SYS/broker/messages/subscriptions/count", Kind::Gauge),
            ("$SYS/brokers/+/stats/subscriptions/count", Kind::Gauge),
        ],
    },
    Metric {
        name: "messages in",
        bytes: false,
        candidates: &[
            ("$SYS/broker/messages/received", Kind::Counter),
            ("$SYS/brokers/+/metrics/messages/received", Kind::Counter),
            ("$SYS/broker/load/messages/received/1min", Kind::PerMinute),
        ],
    },
    Metric {
        name: "messages out",
        bytes: false,
        candidates: &[
            ("$SYS/broker/messages/sent", Kind::Counter),
            ("$SYS/brokers/+/metrics/messages/sent", Kind::Counter),
            ("$SYS/broker/load/messages/sent/1min", Kind::PerMinute),
        ],
    },
    Metric {
        name: "bytes in",
        bytes: true,
        candidates: &[
            ("$SYS/broker/bytes/received", Kind::Counter),
            ("$SYS/broker/load/bytes/received", Kind::Counter),
            ("$SYS/brokers/+/metrics/bytes/received", Kind::Counter),
            ("$SYS/broker/load/bytes/received/1min", Kind::PerMinute),
        ],
    },
    Metric {
        name: "bytes out",
        bytes: true,
        candidates: &[
            ("$SYS/broker/bytes/sent", Kind::Counter),
            ("$SYS/broker/load/bytes/sent", Kind::Counter),
            ("$SYS/brokers/+/metrics/bytes/sent", Kind::Counter),
            ("$SYS/broker/load/bytes/sent/1min", Kind::PerMinute),
        ],
    },
    Metric {
        name: "retained",
        bytes: false,
        candidates: &[
            ("$SYS/broker/retained messages/count", Kind::Gauge),
            ("$SYS/broker/messages/retained/count", Kind::Gauge),
            ("$SYS/broker/retained/count", Kind::Gauge),
            ("$SYS/brokers/+/stats/retained/count", Kind::Gauge),
        ],
    },
    Metric {
        name: "heap",
        bytes: false,
        candidates: &[
            ("$SYS/broker/heap/current", Kind::Bytes),
            ("$SYS/broker/heap/size", Kind::MiB),
        ],
    },
];

/// One row of the panel.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelRow {
    pub name: &'static str,
    /// The value in words; None when no candidate topic has arrived.
    pub value: Option<String>,
    /// The topic it was read from.
    pub topic: Option<String>,
}

/// The panel: the broker's rows, ours, and why nothing came if nothing did.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    pub rows: Vec<PanelRow>,
    pub ours: String,
    pub why_empty: Option<String>,
}

impl App {
    /// `B`: subscribes to `$SYS/#` unless a subscription already covers it.
    pub(in crate::app) fn open_sys_panel(&mut self) -> Vec<crate::app::Effect> {
        self.popups.push(crate::app::popup::Popup::Broker(self.now));
        let covered = self
            .link
            .subscriptions
            .iter()
            .any(|s| s.enabled && (s.sub.filter == "$SYS/#" || s.sub.filter == "$SYS/+/#"));
        if covered {
            return Vec::new();
        }
        self.add_subscription(Subscription::new("$SYS/#", QoS::AtMostOnce))
    }

    /// The panel as of now; `opened`: when it was opened (after `WAIT` without `$SYS`, it
    /// says why that may be).
    pub fn sys_panel(&self, opened: Instant) -> Panel {
        let store = &self.link.store;
        let now_ms = store.rate.current_millis(self.now);
        let rows: Vec<PanelRow> = METRICS.iter().map(|m| row(store, m)).collect();
        let root = store.tree.node(crate::store::tree::ROOT);
        let ours = format!(
            "{:.1} msg/s · {}/s received here (decayed over {})",
            root.rates.msgs(now_ms),
            crate::text::human_bytes(root.rates.bytes(now_ms) as u64),
            crate::store::decay::Window::default().words()
        );
        let nothing = store.tree.find("$SYS").is_none();
        let why_empty = (nothing && self.now >= opened + WAIT).then(|| {
            format!(
                "nothing from $SYS in {} s: the broker may publish none (NanoMQ publishes only \
                 client events; mosquitto's sys_interval 0 turns it off), or an ACL forbids it \
                 (EMQX allows $SYS only to clients on the broker's own host by default)",
                WAIT.as_secs()
            )
        });
        Panel {
            rows,
            ours,
            why_empty,
        }
    }
}

fn row(store: &Store, m: &Metric) -> PanelRow {
    for (pattern, kind) in m.candidates {
        if let Some(node) = find(store, pattern)
            && let Some(value) = value(store, node, *kind, m.bytes)
        {
            return PanelRow {
                name: m.name,
                value: Some(value),
                topic: Some(store.tree.path(node)),
            };
        }
    }
    PanelRow {
        name: m.name,
        value: None,
        topic: None,
    }
}

/// The first topic matching `pattern` (`+`: any one level) that has a message.
fn find(store: &Store, pattern: &str) -> Option<NodeId> {
    let tree = &store.tree;
    let mut level: Vec<NodeId> = tree.roots().to_vec();
    for (i, part) in pattern.split('/').enumerate() {
        if i > 0 {
            level = level
                .iter()
                .flat_map(|&n| tree.children(n).iter().copied())
                .collect();
        }
        level.retain(|&n| part == "+" || tree.name(n) == part);
    }
    level.into_iter().find(|&n| store.last(n).is_some())
}

/// The leading number of a payload ("123 seconds" → 123).
fn number(payload: &[u8]) -> Option<f64> {
    let text = std::str::from_utf8(payload).ok()?.trim();
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == 'e' || c == '+'))
        .unwrap_or(text.len());
    text[..end].parse().ok()
}

fn value(store: &Store, node: NodeId, kind: Kind, bytes: bool) -> Option<String> {
    use crate::text::{human_bytes, thousands};
    let last = store.last(node)?;
    let payload = store.payload(last);
    let per_second = |r: f64| match bytes {
        true => format!("{}/s", human_bytes(r.max(0.0) as u64)),
        false => format!("{r:.1}/s"),
    };
    Some(match kind {
        Kind::Text => crate::text::clean(&String::from_utf8_lossy(payload)).into_owned(),
        Kind::Seconds => match number(payload) {
            Some(s) => crate::text::span_ms(s * 1000.0),
            None => crate::text::clean(&String::from_utf8_lossy(payload)).into_owned(),
        },
        Kind::Gauge => thousands(number(payload)?.max(0.0) as u64),
        Kind::Bytes => human_bytes(number(payload)?.max(0.0) as u64),
        Kind::MiB => format!("{:.1} MiB", number(payload)?),
        Kind::PerMinute => format!(
            "{} (per minute, from the broker)",
            per_second(number(payload)? / 60.0)
        ),
        Kind::Counter => {
            let total = number(payload)?;
            let shown = match bytes {
                true => human_bytes(total.max(0.0) as u64),
                false => thousands(total.max(0.0) as u64),
            };
            // The rate from the two newest samples that differ in time.
            let mut kept = store.history_back(node);
            kept.next();
            let before = kept.find(|e| e.received() < last.received());
            match before.and_then(|e| Some((number(store.payload(e))?, e.received()))) {
                Some((v, at)) => {
                    let dt = last.received().duration_since(at).ok()?.as_secs_f64();
                    format!("{shown} total, {}", per_second((total - v) / dt))
                }
                None => format!("{shown} total (a rate after the next sample)"),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::number;

    #[test]
    fn numbers_lead_their_payloads() {
        assert_eq!(number(b"123 seconds"), Some(123.0));
        assert_eq!(number(b" 4.5"), Some(4.5));
        assert_eq!(number(b"mosquitto version 2.0"), None);
    }
}
