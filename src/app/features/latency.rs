//! A topic's timing, from its kept messages: the interval between arrivals (median and p99),
//! always; and where a `[[latency]]` rule says where messages carry their send time, the lag
//! from send to arrival (median, p99, max). A message that arrived before it was sent says the
//! sender's clock is ahead: counted as clock skew, never as a lag. Pure: worked out over at
//! most the topic's kept messages (100 by default) when they change, not at every frame (a
//! rule may parse up to 100 JSON payloads of up to 64 KiB), and remembered in the detail's
//! `TimingMemo`.

use super::super::App;
use crate::decode::send_time::{lag_ms, rule_for};
use crate::store::NodeId;

#[derive(Debug, Clone, PartialEq)]
pub struct Timing {
    /// Intervals between kept arrivals, and their median and p99 (ms).
    pub intervals: usize,
    pub every_ms: f64,
    pub every_p99_ms: f64,
    pub lag: Option<Lag>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Lag {
    /// Messages whose send time was read and that arrived after it.
    pub count: usize,
    pub median_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Messages that arrived before their send time, and by how much at most (ms).
    pub ahead: usize,
    pub ahead_max_ms: f64,
}

/// The `q` quantile of sorted values (nearest rank).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// The timing last worked out, and what it was worked out from: the topic and its first and
/// last kept messages.
#[derive(Debug, Default)]
pub struct TimingMemo {
    key: Option<(NodeId, Option<u64>, Option<u64>)>,
    timing: Option<Timing>,
}

impl App {
    /// Topic `node`'s timing, once it has two kept messages.
    pub fn timing(&self, node: NodeId) -> Option<Timing> {
        let store = &self.link.store;
        let oldest = store.history_back(node).last().map(|e| e.seq());
        let key = Some((node, oldest, store.tree.node(node).last_seq()));
        let mut memo = self.detail.timing.borrow_mut();
        if memo.key != key {
            *memo = TimingMemo {
                key,
                timing: self.work_out_timing(node),
            };
        }
        memo.timing.clone()
    }

    fn work_out_timing(&self, node: NodeId) -> Option<Timing> {
        let store = &self.link.store;
        let kept: Vec<_> = store.history(node).filter(|e| !e.outgoing()).collect();
        let mut intervals: Vec<f64> = kept
            .windows(2)
            .filter_map(|w| w[1].received().duration_since(w[0].received()).ok())
            .map(|d| d.as_secs_f64() * 1e3)
            .collect();
        if intervals.is_empty() {
            return None;
        }
        intervals.sort_by(f64::total_cmp);
        let topic = store.tree.path(node);
        let lag = rule_for(&self.latency_rules, &topic).and_then(|rule| {
            let mut lags = Vec::new();
            let (mut ahead, mut ahead_max_ms) = (0, 0.0f64);
            for e in &kept {
                let Some(sent) = rule.sent_at(store.payload(e), store.properties(e)) else {
                    continue;
                };
                let lag = lag_ms(sent, e.received());
                if lag < 0.0 {
                    ahead += 1;
                    ahead_max_ms = ahead_max_ms.max(-lag);
                } else {
                    lags.push(lag);
                }
            }
            if lags.is_empty() && ahead == 0 {
                return None;
            }
            lags.sort_by(f64::total_cmp);
            let (median_ms, p99_ms, max_ms) = match lags.last() {
                Some(max) => (quantile(&lags, 0.5), quantile(&lags, 0.99), *max),
                None => (0.0, 0.0, 0.0),
            };
            Some(Lag {
                count: lags.len(),
                median_ms,
                p99_ms,
                max_ms,
                ahead,
                ahead_max_ms,
            })
        });
        Some(Timing {
            intervals: intervals.len(),
            every_ms: quantile(&intervals, 0.5),
            every_p99_ms: quantile(&intervals, 0.99),
            lag,
        })
    }
}

impl Timing {
    /// The detail's lines: the rhythm, the lag, the skew (with whether it is a warning).
    pub fn words(&self) -> Vec<(String, bool)> {
        use crate::text::span_ms;
        let mut lines = vec![(
            format!(
                "every {} (median; p99 {}) over the last {} intervals",
                span_ms(self.every_ms),
                span_ms(self.every_p99_ms),
                self.intervals
            ),
            false,
        )];
        if let Some(l) = &self.lag {
            if l.count > 0 {
                lines.push((
                    format!(
                        "lag from send to arrival {} median, p99 {}, max {} over {} messages",
                        span_ms(l.median_ms),
                        span_ms(l.p99_ms),
                        span_ms(l.max_ms),
                        l.count
                    ),
                    false,
                ));
            }
            if l.ahead > 0 {
                lines.push((
                    format!(
                        "clock skew: {} before {} send time (the sender's clock is ahead, by \
                         up to {})",
                        match l.ahead {
                            1 => "1 message arrived".to_string(),
                            n => format!("{n} messages arrived"),
                        },
                        if l.ahead == 1 { "its" } else { "their" },
                        span_ms(l.ahead_max_ms)
                    ),
                    true,
                ));
            }
        }
        lines
    }
}
