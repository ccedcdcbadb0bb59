//! Decayed rates: each node keeps its msg/s and bytes/s over three windows (10 s, 1 min and
//! 5 min) as exponentially weighted rates (over a window W, a message counts `e^(-t/W)` after
//! `t`), so a subtree's rate is the sum of its topics' (the same decay for every node), and
//! each node costs a fixed 28 bytes whatever its traffic. Time is the store's milliseconds.
//! The decay factor is read from two tables per window (whole 1,024 ms steps, and the
//! milliseconds within one), multiplied: exact to a float's precision, with no `exp` for each
//! node of every message's path (a topic six levels deep would pay 18 per message, ~0.3 s per
//! million messages).

use std::sync::LazyLock;

/// The windows a rate is kept over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Window {
    /// The tree's column and its orders.
    #[default]
    Seconds10,
    Minute1,
    Minutes5,
}

impl Window {
    pub const ALL: [Window; 3] = [Window::Seconds10, Window::Minute1, Window::Minutes5];

    pub fn ms(self) -> u32 {
        match self {
            Window::Seconds10 => 10_000,
            Window::Minute1 => 60_000,
            Window::Minutes5 => 300_000,
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            Window::Seconds10 => "10 s",
            Window::Minute1 => "1 min",
            Window::Minutes5 => "5 min",
        }
    }

    pub fn next(self) -> Window {
        match self {
            Window::Seconds10 => Window::Minute1,
            Window::Minute1 => Window::Minutes5,
            Window::Minutes5 => Window::Seconds10,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Milliseconds within a coarse step.
const FINE: usize = 1024;
/// Coarse steps covered (~70 min: past 14 windows of 5 min; taken as 0 after).
const COARSE: usize = 4096;

struct Tables {
    fine: Vec<f32>,
    coarse: Vec<f32>,
}

static TABLES: LazyLock<[Tables; 3]> = LazyLock::new(|| {
    Window::ALL.map(|w| {
        let tau = f64::from(w.ms());
        let f = |ms: f64| (-ms / tau).exp() as f32;
        Tables {
            fine: (0..FINE).map(|ms| f(ms as f64)).collect(),
            coarse: (0..COARSE).map(|k| f((k * FINE) as f64)).collect(),
        }
    })
});

/// How much of a rate over `w` is left `elapsed_ms` later.
pub fn factor(w: Window, elapsed_ms: u32) -> f32 {
    let t = &TABLES[w.index()];
    let coarse = elapsed_ms as usize / FINE;
    match t.coarse.get(coarse) {
        Some(c) => c * t.fine[elapsed_ms as usize % FINE],
        None => 0.0,
    }
}

/// One node's decayed rates.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rates {
    /// When they were last updated (ms since the store began); 0: never. First, beside the
    /// 10 s rates: a sort by msg/s reads the first 8 bytes of a node's sums, within one cache
    /// line (not timed apart from the other changes to the sorts).
    at_ms: u32,
    msgs: [f32; 3],
    bytes: [f32; 3],
}

impl Rates {
    /// No message yet.
    pub const ZERO: Rates = Rates {
        msgs: [0.0; 3],
        bytes: [0.0; 3],
        at_ms: 0,
    };

    /// A message of `bytes` at `now_ms`.
    pub fn add(&mut self, bytes: u64, now_ms: u32) {
        let elapsed = now_ms.saturating_sub(self.at_ms);
        for w in Window::ALL {
            let i = w.index();
            let one = 1000.0 / w.ms() as f32;
            // In a flood most messages of a busy subtree come within its last millisecond:
            // nothing decays, and no table is read.
            if elapsed > 0 {
                let f = factor(w, elapsed);
                self.msgs[i] *= f;
                self.bytes[i] *= f;
            }
            self.msgs[i] += one;
            self.bytes[i] += bytes as f32 * one;
        }
        self.at_ms = now_ms.max(self.at_ms);
    }

    /// Messages per second over the tree's window (10 s), as of `now_ms`.
    pub fn msgs(&self, now_ms: u32) -> f32 {
        self.msgs_over(Window::Seconds10, now_ms)
    }

    /// Payload bytes per second over the tree's window (10 s), as of `now_ms`.
    pub fn bytes(&self, now_ms: u32) -> f32 {
        self.bytes_over(Window::Seconds10, now_ms)
    }

    pub fn msgs_over(&self, w: Window, now_ms: u32) -> f32 {
        self.msgs[w.index()] * factor(w, now_ms.saturating_sub(self.at_ms))
    }

    pub fn bytes_over(&self, w: Window, now_ms: u32) -> f32 {
        self.bytes[w.index()] * factor(w, now_ms.saturating_sub(self.at_ms))
    }

    /// Whether a message came within `within_ms` before `now_ms`.
    pub fn recent(&self, now_ms: u32, within_ms: u32) -> bool {
        self.msgs[0] > 0.0 && now_ms.saturating_sub(self.at_ms) <= within_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_are_the_exponential() {
        for w in Window::ALL {
            for ms in [0u32, 1, 999, 1024, 5_000, 123_456, 1_000_000] {
                let exact = (-(f64::from(ms)) / f64::from(w.ms())).exp() as f32;
                assert!((factor(w, ms) - exact).abs() < 1e-5, "{w:?} {ms}");
            }
        }
        assert_eq!(factor(Window::Minutes5, u32::MAX), 0.0);
    }

    #[test]
    fn a_steady_flow_reads_as_its_rate_and_a_silence_decays_it() {
        let mut r = Rates::default();
        // 10 msg/s of 100 bytes for 30 min (six of the longest window): settled everywhere.
        for i in 0..18_000 {
            r.add(100, 1 + i * 100);
        }
        let now = 1_799_901;
        for w in Window::ALL {
            assert!(
                (r.msgs_over(w, now) - 10.0).abs() < 0.1,
                "{w:?} {}",
                r.msgs_over(w, now)
            );
            assert!((r.bytes_over(w, now) - 1000.0).abs() < 10.0, "{w:?}");
        }
        // One window of silence: a third left.
        let third = r.msgs(now + 10_000) / r.msgs(now);
        assert!((third - (-1.0f32).exp()).abs() < 0.01, "{third}");
        assert!(r.msgs(now + 200_000) < 1e-6);
        assert!(r.recent(now, 100) && !r.recent(now + 6_000, 5_000));
    }

    #[test]
    fn messages_a_millisecond_apart_decay_too() {
        // 1,000 msg/s for 60 s: the 10 s rate settles at 1,000, it does not pile up.
        let mut r = Rates::default();
        for t in 1..60_000 {
            r.add(1, t);
        }
        assert!((r.msgs(59_999) - 1000.0).abs() < 5.0, "{}", r.msgs(59_999));
    }

    #[test]
    fn rates_add_up_like_their_messages() {
        // Two topics and their parent fed the same messages: parent = sum, at any time.
        let (mut a, mut b, mut parent) = (Rates::default(), Rates::default(), Rates::default());
        for i in 0..50u32 {
            let t = 1 + i * 37;
            if i % 3 == 0 {
                a.add(10, t);
            } else {
                b.add(20, t);
            }
            parent.add(if i % 3 == 0 { 10 } else { 20 }, t);
        }
        for now in [1_850, 3_000, 9_000] {
            for w in Window::ALL {
                let sum = a.msgs_over(w, now) + b.msgs_over(w, now);
                assert!((parent.msgs_over(w, now) - sum).abs() < 1e-4 * sum.max(1.0));
                let sum = a.bytes_over(w, now) + b.bytes_over(w, now);
                assert!((parent.bytes_over(w, now) - sum).abs() < 1e-4 * sum.max(1.0));
            }
        }
    }
}
