//! Giving freed memory back to the system. glibc's malloc keeps what the store frees (trimmed
//! messages, network buffers) for reuse and returns it only from the top of the heap; between
//! long-lived allocations it stays resident. Measured: 5,000 topics of 64 KiB under a 64 MiB
//! budget held 164 MiB RSS after the flood, against 64 MiB accounted. `malloc_trim` hands the
//! free pages back. It walks the heap, so it runs at most once a second and only after the
//! store let go of a good amount.

use std::time::{Duration, Instant};

/// Bytes let go since the last trim before the next one is worth it.
const WORTH: u64 = 8 * 1024 * 1024;
const AT_MOST_EVERY: Duration = Duration::from_secs(1);

#[derive(Default)]
pub struct Trimmer {
    released_at_last: u64,
    last: Option<Instant>,
}

impl Trimmer {
    /// `released`: the store's running total of bytes let go.
    pub fn tick(&mut self, released: u64, now: Instant) {
        if released.saturating_sub(self.released_at_last) < WORTH
            || self
                .last
                .is_some_and(|t| now.duration_since(t) < AT_MOST_EVERY)
        {
            return;
        }
        self.released_at_last = released;
        self.last = Some(now);
        trim();
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn trim() {
    // SAFETY: malloc_trim takes no pointers and only returns free pages to the kernel.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn trim() {}
