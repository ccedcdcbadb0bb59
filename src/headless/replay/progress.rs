//! The progress line on a terminal (stderr): how far through the file, how many sent, and how
//! late against the schedule, redrawn at most ten times a second on one line; nothing when
//! stderr is not a terminal (a log then gets the summary alone).

use std::io::{IsTerminal, Write};
use std::time::Duration;

use tokio::time::Instant;

use super::lateness::Lateness;

const EVERY: Duration = Duration::from_millis(100);
const BAR: usize = 20;

pub struct Progress {
    on: bool,
    /// The file's name, escaped.
    name: String,
    size: u64,
    scheduled: bool,
    next: Instant,
    drawn: bool,
}

impl Progress {
    pub fn new(name: &str, size: u64, scheduled: bool) -> Progress {
        Progress {
            on: std::io::stderr().is_terminal(),
            name: name.to_string(),
            size,
            scheduled,
            next: Instant::now(),
            drawn: false,
        }
    }

    /// Whether a redraw is due.
    pub fn due(&self, now: Instant) -> bool {
        now >= self.next
    }

    pub fn show(&mut self, consumed: u64, sent: u64, pass: u64, late: &Lateness) {
        let now = Instant::now();
        if !self.on || !self.due(now) {
            return;
        }
        self.next = now + EVERY;
        let cols = crossterm::terminal::size().map_or(80, |(c, _)| c as usize);
        let line = self.line(consumed, sent, pass, late);
        let line = crate::text::fit(&line, cols.saturating_sub(1));
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{line}\x1b[K");
        let _ = err.flush();
        self.drawn = true;
    }

    fn line(&self, consumed: u64, sent: u64, pass: u64, late: &Lateness) -> String {
        let share = match self.size {
            0 => 1.0,
            n => (consumed as f64 / n as f64).min(1.0),
        };
        let filled = (share * BAR as f64).round() as usize;
        let mut line = format!(
            "replay {} ▕{}{}▏ {:>3.0}% · {} sent",
            self.name,
            "█".repeat(filled),
            " ".repeat(BAR - filled.min(BAR)),
            share * 100.0,
            crate::text::thousands(sent),
        );
        if pass > 1 {
            line += &format!(" · pass {pass}");
        }
        if self.scheduled
            && let Some(m) = late.median_us()
        {
            line += &format!(
                " · late median {:.1} ms, max {:.1} ms",
                m as f64 / 1e3,
                late.max_us() as f64 / 1e3
            );
        }
        line
    }

    /// Takes the line away (before any other output, and at the end).
    pub fn clear(&mut self) {
        if self.drawn {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[K");
            let _ = err.flush();
            self.drawn = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_says_how_far_how_many_and_how_late() {
        let p = Progress {
            on: true,
            name: "rec.jsonl".into(),
            size: 1000,
            scheduled: true,
            next: Instant::now(),
            drawn: false,
        };
        let mut late = Lateness::default();
        assert_eq!(
            p.line(500, 1234, 1, &late),
            "replay rec.jsonl ▕██████████          ▏  50% · 1,234 sent"
        );
        late.add(400);
        late.add(3_000);
        assert_eq!(
            p.line(2000, 2, 2, &late),
            "replay rec.jsonl ▕████████████████████▏ 100% · 2 sent · pass 2 · late median 0.4 ms, max 3.0 ms"
        );
    }
}
