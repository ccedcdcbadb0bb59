//! A topic's rhythm, learned from its own arrivals: the usual interval between its messages
//! and how much it varies (exponentially weighted, an eighth a message), so a topic silent for
//! several times its own usual interval can be called stale, whatever that interval is (a
//! heartbeat every second, a meter every 15 minutes). A topic without a regular rhythm (fewer
//! than `LEARN` intervals, or intervals that vary by more than half their mean) is never called
//! stale. Times are the store's milliseconds; 16 bytes a node.

/// Intervals seen before a rhythm is trusted.
pub const LEARN: u16 = 5;
/// Silence past this many usual intervals (plus the usual variation) is stale.
pub const TIMES: f32 = 4.0;
/// Shorter silences are never stale (a 10 ms flow paused for 50 ms is not news).
pub const AT_LEAST_MS: f32 = 2_000.0;

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rhythm {
    /// The last arrival (ms since the store began).
    last_ms: u32,
    mean_ms: f32,
    /// Mean absolute deviation from `mean_ms`.
    dev_ms: f32,
    /// Intervals seen (saturating).
    seen: u16,
}

/// What a topic's silence means now.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Silence {
    pub silent_ms: u32,
    /// The usual interval, when the topic has a regular one.
    pub usual_ms: Option<f32>,
    pub stale: bool,
}

impl Rhythm {
    /// No arrival yet.
    pub const NONE: Rhythm = Rhythm {
        last_ms: 0,
        mean_ms: 0.0,
        dev_ms: 0.0,
        seen: 0,
    };

    /// A message arrived at `now_ms`.
    pub fn arrived(&mut self, now_ms: u32) {
        if self.seen > 0 || self.last_ms > 0 {
            let x = now_ms.saturating_sub(self.last_ms) as f32;
            if self.seen == 0 {
                (self.mean_ms, self.dev_ms) = (x, 0.0);
            } else {
                let a = 1.0 / 8.0;
                self.dev_ms += a * ((x - self.mean_ms).abs() - self.dev_ms);
                self.mean_ms += a * (x - self.mean_ms);
            }
            self.seen = self.seen.saturating_add(1);
        }
        // 0 means "never": the first arrival at the store's first millisecond counts as 1.
        self.last_ms = now_ms.max(1);
    }

    /// The usual interval, once the topic has a regular one.
    pub fn usual_ms(&self) -> Option<f32> {
        (self.seen >= LEARN && self.dev_ms <= 0.5 * self.mean_ms && self.mean_ms > 0.0)
            .then_some(self.mean_ms)
    }

    /// The silence since the last arrival, as of `now_ms`; None before any arrival.
    pub fn silence(&self, now_ms: u32) -> Option<Silence> {
        if self.last_ms == 0 {
            return None;
        }
        let silent_ms = now_ms.saturating_sub(self.last_ms);
        let usual_ms = self.usual_ms();
        let stale = usual_ms.is_some_and(|u| {
            let limit = (TIMES * u + TIMES * self.dev_ms).max(AT_LEAST_MS);
            silent_ms as f32 > limit
        });
        Some(Silence {
            silent_ms,
            usual_ms,
            stale,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_topic_goes_stale_after_several_of_its_own_intervals() {
        let mut r = Rhythm::default();
        for i in 0..10 {
            r.arrived(1_000 + i * 10_000);
        }
        let last = 91_000;
        assert_eq!(r.usual_ms(), Some(10_000.0));
        let s = r.silence(last + 30_000).unwrap();
        assert!(!s.stale, "three intervals is not stale yet");
        let s = r.silence(last + 41_000).unwrap();
        assert!(s.stale && s.silent_ms == 41_000, "{s:?}");
    }

    #[test]
    fn a_fast_topic_is_stale_on_its_own_scale_and_an_irregular_one_never() {
        let mut fast = Rhythm::default();
        for i in 0..20 {
            fast.arrived(1 + i * 500);
        }
        assert!(
            fast.silence(9_501 + 2_100).unwrap().stale,
            "500 ms rhythm, 2.1 s silent"
        );
        let mut odd = Rhythm::default();
        let mut at = 1;
        for gap in [100u32, 9_000, 300, 20_000, 50, 7_000, 200, 15_000] {
            at += gap;
            odd.arrived(at);
        }
        assert_eq!(odd.usual_ms(), None, "no regular rhythm");
        assert!(
            !odd.silence(10_000_000).unwrap().stale,
            "never called stale"
        );
        // Too few intervals to know.
        let mut new = Rhythm::default();
        new.arrived(1);
        new.arrived(1_001);
        assert!(!new.silence(100_000).unwrap().stale);
        assert_eq!(Rhythm::default().silence(5), None);
    }
}
