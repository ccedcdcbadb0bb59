//! Messages per second over a sliding window of whole seconds.

use std::time::Instant;

const WINDOW: usize = 5;

#[derive(Debug)]
pub struct RateMeter {
    origin: Option<Instant>,
    /// Counts per second, indexed by second number modulo the ring size.
    ring: [u64; WINDOW + 1],
    /// The second the newest bucket belongs to.
    current: u64,
}

impl Default for RateMeter {
    fn default() -> Self {
        RateMeter {
            origin: None,
            ring: [0; WINDOW + 1],
            current: 0,
        }
    }
}

impl RateMeter {
    /// Milliseconds from the first `add` (or this call) to `now`, for the nodes' decayed rates
    /// (u32: 49 days, then it stays there).
    pub fn millis_of(&mut self, now: Instant) -> u32 {
        self.origin.get_or_insert(now);
        self.current_millis(now)
    }

    /// Like `millis_of`, without starting the clock.
    pub fn current_millis(&self, now: Instant) -> u32 {
        self.origin
            .map(|o| {
                u32::try_from(now.saturating_duration_since(o).as_millis()).unwrap_or(u32::MAX)
            })
            .unwrap_or(0)
    }

    fn second(&mut self, now: Instant) -> u64 {
        let origin = *self.origin.get_or_insert(now);
        now.saturating_duration_since(origin).as_secs()
    }

    fn advance(&mut self, sec: u64) {
        if sec <= self.current {
            return;
        }
        let steps = (sec - self.current).min(self.ring.len() as u64);
        for i in 1..=steps {
            let idx = ((self.current + i) % self.ring.len() as u64) as usize;
            self.ring[idx] = 0;
        }
        self.current = sec;
    }

    pub fn add(&mut self, now: Instant, n: u64) {
        let sec = self.second(now);
        self.advance(sec);
        let idx = (self.current % self.ring.len() as u64) as usize;
        self.ring[idx] += n;
    }

    /// Average over the last complete seconds (up to five); the running second is left out.
    pub fn per_second(&self, now: Instant) -> f64 {
        let Some(origin) = self.origin else {
            return 0.0;
        };
        let sec = now.saturating_duration_since(origin).as_secs();
        let complete = sec.min(WINDOW as u64);
        if complete == 0 {
            return 0.0;
        }
        let mut sum = 0;
        for back in 1..=complete {
            let s = sec - back;
            if s + (self.ring.len() as u64) <= self.current || s > self.current {
                continue; // that second is newer than what we recorded, or fell out of the ring
            }
            sum += self.ring[(s % self.ring.len() as u64) as usize];
        }
        sum as f64 / complete as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn averages_complete_seconds() {
        let t0 = Instant::now();
        let mut r = RateMeter::default();
        r.add(t0, 0);
        for s in 0..4 {
            r.add(t0 + Duration::from_millis(s * 1000 + 10), 100);
        }
        let rate = r.per_second(t0 + Duration::from_millis(4500));
        assert!((rate - 100.0).abs() < 0.01, "{rate}");
        // Quiet for a while: the rate falls to zero.
        assert_eq!(r.per_second(t0 + Duration::from_secs(20)), 0.0);
    }
}
