//! MQTT events on their way from the workers' queues to the app, one backlog per connection.
//! A worker's queue is drained only once its backlog is filed: the queue's bound (queue.rs)
//! then bounds what waits here too, and a burst waits in that broker's socket rather than in
//! memory; each connection keeps its own backpressure. Backlogs are filed in slices, taken from
//! the connections in turn, so a flood on one never holds back the others (or a key).

use std::collections::VecDeque;

use super::session::Session;
use crate::app::ConnId;
use crate::mqtt::MqttEvent;

/// Events filed per loop turn: a flood's backlog is taken in slices, with input checked
/// between them, so a key never waits behind a whole backlog.
const SLICE: usize = 20_000;

#[derive(Default)]
pub struct Intake {
    backlogs: Vec<(ConnId, VecDeque<MqttEvent>)>,
    /// Where the next slice is looked for first.
    turn: usize,
    batch: Vec<MqttEvent>,
}

impl Intake {
    /// Whether events wait to be filed.
    pub fn waiting(&self) -> bool {
        self.backlogs.iter().any(|(_, b)| !b.is_empty())
    }

    /// Takes what each worker queued whose backlog is filed, without waiting. Returns whether
    /// anything came. A worker that stopped is forgotten (its last state stays on screen).
    pub fn drain(&mut self, session: &mut Session<'_>) -> bool {
        let mut came = false;
        let mut stopped = Vec::new();
        for (conn, handle) in &session.handles {
            let i = self.backlog_of(*conn);
            if !self.backlogs[i].1.is_empty() {
                continue;
            }
            let open = handle.events().drain_into(&mut self.batch);
            came |= !self.batch.is_empty();
            self.backlogs[i].1.extend(self.batch.drain(..));
            if !open {
                stopped.push(*conn);
            }
        }
        session.handles.retain(|(c, _)| !stopped.contains(c));
        // Connections closed meanwhile: what they left is not filed.
        self.backlogs
            .retain(|(c, b)| !b.is_empty() || session.handles.iter().any(|(h, _)| h == c));
        came
    }

    /// The next slice to file, from the next connection in turn that has a backlog. Once a
    /// connection's backlog is taken through, what its worker queued meanwhile is taken at
    /// once, so filing keeps up with the wire during a burst instead of waiting for a frame.
    pub fn next_slice(&mut self, session: &Session<'_>) -> Option<(ConnId, Vec<MqttEvent>)> {
        let n = self.backlogs.len();
        let i = (0..n)
            .map(|k| (self.turn + k) % n)
            .find(|&i| !self.backlogs[i].1.is_empty())?;
        self.turn = (i + 1) % n;
        let (conn, backlog) = &mut self.backlogs[i];
        let take = backlog.len().min(SLICE);
        let slice: Vec<MqttEvent> = backlog.drain(..take).collect();
        let conn = *conn;
        if backlog.is_empty()
            && let Some((_, h)) = session.handles.iter().find(|(c, _)| *c == conn)
        {
            h.events().drain_into(&mut self.batch);
            backlog.extend(self.batch.drain(..));
        }
        Some((conn, slice))
    }

    fn backlog_of(&mut self, conn: ConnId) -> usize {
        match self.backlogs.iter().position(|(c, _)| *c == conn) {
            Some(i) => i,
            None => {
                self.backlogs.push((conn, VecDeque::new()));
                self.backlogs.len() - 1
            }
        }
    }
}
