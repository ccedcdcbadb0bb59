//! Our publishes until the broker has them. A publish enters the store (log and tree) only when
//! its outcome proves the broker took it (written for QoS 0, PUBACK, PUBCOMP); until then it is
//! shown from here, marked pending, and a failed one stays here, marked failed, so it never
//! creates a tree topic that does not exist on the broker.

use std::collections::VecDeque;
use std::time::SystemTime;

use crate::mqtt::{PublishId, PublishOutcome};
use crate::publish::Draft;

/// Failed publishes kept on screen; older ones drop off.
const FAILED_KEPT: usize = 20;

#[derive(Debug, Clone, PartialEq)]
pub enum OutState {
    /// Waiting; the words say where it is ("sending…", "received by broker (PUBREC)").
    Pending(String),
    Failed(String),
}

#[derive(Debug, Clone)]
pub struct OutRow {
    pub id: PublishId,
    pub draft: Draft,
    pub queued: SystemTime,
    pub state: OutState,
}

#[derive(Debug, Default)]
pub struct Outbox {
    pub rows: VecDeque<OutRow>,
}

impl Outbox {
    pub fn queued(&mut self, id: PublishId, draft: Draft, at: SystemTime) {
        self.rows.push_back(OutRow {
            id,
            draft,
            queued: at,
            state: OutState::Pending("sending…".into()),
        });
    }

    pub fn is_ours(&self, id: PublishId) -> bool {
        self.rows.iter().any(|r| r.id == id)
    }

    /// An outcome for publish `id`: a success hands the row back (to be filed in the store);
    /// a failure or a step on the way updates it in place.
    pub fn on_outcome(&mut self, id: PublishId, outcome: &PublishOutcome) -> Option<OutRow> {
        let i = self.rows.iter().position(|r| r.id == id)?;
        if outcome.is_final() && !outcome.is_failure() {
            return self.rows.remove(i);
        }
        self.rows[i].state = if outcome.is_failure() {
            OutState::Failed(outcome.to_string())
        } else {
            OutState::Pending(outcome.to_string())
        };
        let failed = self
            .rows
            .iter()
            .filter(|r| matches!(r.state, OutState::Failed(_)))
            .count();
        if failed > FAILED_KEPT
            && let Some(oldest) = self
                .rows
                .iter()
                .position(|r| matches!(r.state, OutState::Failed(_)))
        {
            self.rows.remove(oldest);
        }
        None
    }

    pub fn clear(&mut self) {
        self.rows.clear();
    }
}
