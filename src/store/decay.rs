//! Decayed rates: each node keeps its msg/s and bytes/s as an exponentially weighted rate
//! (a message counts `e^(-t/TAU)` after `t`), so a subtree's rate is the sum of its topics'
//! (the same decay for every node; within the table's 0.2% steps) and each node costs a fixed 12 bytes, whatever its
//! traffic. Time is kept in milliseconds since the store began; the decay factor is read from a
//! table in steps of `STEP_MS` instead of calling `exp` for every node of every message's path
//! (a topic six levels deep would pay six `exp` per message: ~0.1 s per million messages).

use std::sync::LazyLock;

/// The time constant: a rate follows a change within a few seconds and decays to a third five
/// seconds after its last message.
pub const TAU_MS: u32 = 5_000;
/// What one message adds to a rate (1/TAU per second).
pub const ONE: f32 = 1000.0 / TAU_MS as f32;
/// The table's resolution.
const STEP_MS: u32 = 10;
/// Steps the table covers (~41 s, past eight TAU: the factor is below 0.0003 after it, and
/// taken as 0).
const STEPS: usize = 4096;

static TABLE: LazyLock<Vec<f32>> = LazyLock::new(|| {
    (0..STEPS)
        .map(|k| (-((k as u32 * STEP_MS) as f64) / f64::from(TAU_MS)).exp() as f32)
        .collect()
});

/// How much of a rate is left `elapsed_ms` later.
pub fn factor(elapsed_ms: u32) -> f32 {
    let k = (elapsed_ms / STEP_MS) as usize;
    TABLE.get(k).copied().unwrap_or(0.0)
}

/// One node's decayed rates.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rates {
    msgs: f32,
    bytes: f32,
    /// When they were last updated (ms since the store began).
    at_ms: u32,
}

impl Rates {
    /// A message of `bytes` at `now_ms`.
    pub fn add(&mut self, bytes: u64, now_ms: u32) {
        // Time moves on in whole steps, the rest kept for the next message: moved to `now_ms`,
        // messages a millisecond apart would each decay by a step of nothing, and a busy
        // topic's rate would grow without end.
        let steps = now_ms.saturating_sub(self.at_ms) / STEP_MS;
        let f = TABLE.get(steps as usize).copied().unwrap_or(0.0);
        self.msgs = self.msgs * f + ONE;
        self.bytes = self.bytes * f + bytes as f32 * ONE;
        self.at_ms = if steps as usize >= STEPS {
            now_ms
        } else {
            self.at_ms + steps * STEP_MS
        };
    }

    /// Messages per second as of `now_ms`.
    pub fn msgs(&self, now_ms: u32) -> f32 {
        self.msgs * factor(now_ms.saturating_sub(self.at_ms))
    }

    /// Payload bytes per second as of `now_ms`.
    pub fn bytes(&self, now_ms: u32) -> f32 {
        self.bytes * factor(now_ms.saturating_sub(self.at_ms))
    }

    /// Whether a message came within `within_ms` before `now_ms`.
    pub fn recent(&self, now_ms: u32, within_ms: u32) -> bool {
        self.msgs > 0.0 && now_ms.saturating_sub(self.at_ms) <= within_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_steady_flow_reads_as_its_rate_and_a_silence_decays_it() {
        let mut r = Rates::default();
        // 10 msg/s of 100 bytes for 60 s (10 TAU): the rate has settled.
        for i in 0..600 {
            r.add(100, i * 100);
        }
        let now = 59_900;
        assert!((r.msgs(now) - 10.0).abs() < 0.6, "{}", r.msgs(now));
        assert!((r.bytes(now) - 1000.0).abs() < 60.0, "{}", r.bytes(now));
        // Five seconds of silence: a third left; a minute: nothing.
        let third = r.msgs(now + 5_000) / r.msgs(now);
        assert!((third - (-1.0f32).exp()).abs() < 0.01, "{third}");
        assert_eq!(r.msgs(now + 60_000), 0.0);
        assert!(r.recent(now, 100) && !r.recent(now + 6_000, 5_000));
    }

    #[test]
    fn messages_a_millisecond_apart_decay_too() {
        // 1,000 msg/s for 30 s: the rate settles at 1,000, it does not pile up.
        let mut r = Rates::default();
        for t in 0..30_000 {
            r.add(1, t);
        }
        assert!((r.msgs(29_999) - 1000.0).abs() < 15.0, "{}", r.msgs(29_999));
    }

    #[test]
    fn rates_add_up_like_their_messages() {
        // Two topics and their parent fed the same messages: parent = sum, at any time.
        let (mut a, mut b, mut parent) = (Rates::default(), Rates::default(), Rates::default());
        for i in 0..50u32 {
            let t = i * 37;
            if i % 3 == 0 {
                a.add(10, t);
            } else {
                b.add(20, t);
            }
            parent.add(if i % 3 == 0 { 10 } else { 20 }, t);
        }
        for now in [1_850, 3_000, 9_000] {
            let sum = a.msgs(now) + b.msgs(now);
            assert!(
                (parent.msgs(now) - sum).abs() < 5e-3 * sum.max(1.0),
                "{now}"
            );
            let sum = a.bytes(now) + b.bytes(now);
            assert!(
                (parent.bytes(now) - sum).abs() < 5e-3 * sum.max(1.0),
                "{now}"
            );
        }
    }
}
