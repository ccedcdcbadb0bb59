//! `--mock RULES.toml` in the explorer: devices that answer, on every connection, with the
//! rules `mqscope mock` reads. `O` lists them with what each did (hits, answers, over its
//! rate, not answered) and turns one off or on (Space). An answer leaves as an effect on the
//! connection its request came from, when its delay is up (the app's timer).

use std::time::Instant;

use crate::app::popup::Popup;
use crate::app::{App, ConnId, Effect, Level};
use crate::mock::{Due, Mock, Outcome};
use crate::mqtt::Message;
use crate::text::clean;

/// Answers waiting for their delay at most (past it a request goes unanswered, counted).
const PENDING_MAX: usize = 10_000;

#[derive(Debug)]
pub struct Mocking {
    pub mock: Mock,
    pub file: String,
    pending: Vec<(ConnId, Due)>,
}

impl Mocking {
    pub fn new(mock: Mock, file: String) -> Mocking {
        Mocking {
            mock,
            file,
            pending: Vec::new(),
        }
    }

    /// When the next answer is due.
    pub fn due(&self) -> Option<Instant> {
        self.pending.iter().map(|(_, d)| d.due).min()
    }
}

impl App {
    /// A message of the connection in `self.link`, before the store takes it.
    pub(in crate::app) fn mock_observe(&mut self, m: &Message) {
        let (now, wall, conn) = (self.now, self.wall, self.link.id);
        let Some(mk) = self.mocking.as_mut() else {
            return;
        };
        let mut told = Vec::new();
        for o in mk.mock.on_message(m, now, wall) {
            match o {
                Outcome::Answer(d) if mk.pending.len() < PENDING_MAX => mk.pending.push((conn, d)),
                Outcome::Answer(d) => mk.mock.counts[d.rule].failed += 1,
                Outcome::Limited { .. } => {}
                Outcome::Failed { rule, why } => told.push(format!(
                    "mock '{}': {} not answered: {}",
                    clean(&mk.mock.rules[rule].name),
                    clean(&m.topic),
                    clean(&why)
                )),
            }
        }
        for t in told {
            self.tell(Level::Warning, t);
        }
    }

    /// The answers whose delay is up.
    pub(in crate::app) fn mock_effects(&mut self) -> Vec<Effect> {
        let now = self.now;
        let Some(mk) = self.mocking.as_mut() else {
            return Vec::new();
        };
        crate::mock::take_due(&mut mk.pending, now, |(_, d)| d.due)
            .into_iter()
            .map(|(conn, d)| {
                mk.mock.sending(&d, now);
                Effect::MockPublish {
                    conn,
                    rule: mk.mock.rules[d.rule].name.clone(),
                    publish: d.publish,
                }
            })
            .collect()
    }

    /// `O`: the rules.
    pub(in crate::app) fn open_mock(&mut self) {
        if self.mocking.is_none() {
            self.tell(
                Level::Info,
                "no mock rules: start with --mock RULES.toml (the rules mqscope mock reads)".into(),
            );
            return;
        }
        self.popups.push(Popup::Mock(Default::default()));
    }

    /// The popup's Space: rule `i` off or on.
    pub(in crate::app) fn toggle_mock(&mut self, i: usize) {
        if let Some(off) = self.mocking.as_mut().and_then(|m| m.mock.off.get_mut(i)) {
            *off = !*off;
        }
    }
}
