//! How late each message went out against its schedule, kept in a fixed-size histogram
//! (microseconds, exact below 128 µs, within 1.6% above), so a replay of any length keeps
//! the same memory: the median from the histogram, the maximum exact.

const EXACT: u64 = 128;
const SUB: usize = 64;
/// Every u64 fits: the highest shift is 57.
const BUCKETS: usize = EXACT as usize + 57 * SUB;

pub struct Lateness {
    counts: Vec<u64>,
    n: u64,
    max_us: u64,
}

impl Default for Lateness {
    fn default() -> Self {
        Lateness {
            counts: vec![0; BUCKETS],
            n: 0,
            max_us: 0,
        }
    }
}

fn bucket(us: u64) -> usize {
    if us < EXACT {
        return us as usize;
    }
    let shift = 63 - us.leading_zeros() - 6;
    let mantissa = (us >> shift) as usize; // 64..128
    EXACT as usize + (shift as usize - 1) * SUB + (mantissa - SUB)
}

/// The lowest value a bucket holds.
fn floor(b: usize) -> u64 {
    if b < EXACT as usize {
        return b as u64;
    }
    let i = b - EXACT as usize;
    let shift = (i / SUB + 1) as u32;
    ((i % SUB + SUB) as u64) << shift
}

impl Lateness {
    pub fn add(&mut self, us: u64) {
        if let Some(c) = self.counts.get_mut(bucket(us)) {
            *c += 1;
        }
        self.n += 1;
        self.max_us = self.max_us.max(us);
    }

    pub fn count(&self) -> u64 {
        self.n
    }

    pub fn max_us(&self) -> u64 {
        self.max_us
    }

    /// The median (the lower middle one), to the histogram's precision.
    pub fn median_us(&self) -> Option<u64> {
        let half = self.n.checked_sub(1)? / 2;
        let mut seen = 0;
        for (b, c) in self.counts.iter().enumerate() {
            seen += c;
            if seen > half {
                return Some(floor(b).min(self.max_us));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_hold_their_values_within_precision() {
        for us in [0, 1, 127, 128, 129, 255, 256, 1_000, 123_456_789, u64::MAX] {
            let b = bucket(us);
            assert!(b < BUCKETS, "{us}");
            let lo = floor(b);
            assert!(lo <= us, "{us}: {lo}");
            assert!((us - lo) as f64 <= us as f64 / 63.0, "{us}: {lo}");
        }
    }

    #[test]
    fn median_and_max() {
        let mut l = Lateness::default();
        assert_eq!(l.median_us(), None);
        for us in [5, 1, 3, 100_000, 2] {
            l.add(us);
        }
        assert_eq!(
            (l.count(), l.median_us(), l.max_us()),
            (5, Some(3), 100_000)
        );
        let mut l = Lateness::default();
        for _ in 0..10 {
            l.add(10_000);
        }
        let m = l.median_us().unwrap();
        assert!((9_844..=10_000).contains(&m), "{m}");
    }
}
