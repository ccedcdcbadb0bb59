//! `[[schemas]]` in the explorer: each message on a topic a rule covers is checked as it
//! arrives; a topic whose newest message breaks its schema is marked in the tree, and the
//! detail says valid, or each violation with its path. Only the verdicts of invalid newest
//! messages are kept (a valid one is the absence of one), at most `decode::schema::TOLD`
//! violations each.

use std::collections::HashMap;

use crate::app::{App, ConnId};
use crate::decode::schema::{SchemaRule, Verdict, rule_for};
use crate::store::{Entry, NodeId};

/// Payloads the detail checks on the spot (an older message than the newest); past it, the
/// detail says so.
const CHECK_SHOWN_MAX: usize = 256 * 1024;

#[derive(Debug, Default)]
pub struct Schemas {
    pub rules: Vec<SchemaRule>,
    /// Per (connection, topic): the newest message's seq and verdict, when it was invalid.
    invalid: HashMap<(u32, NodeId), (u64, Verdict)>,
}

impl Schemas {
    pub fn new(rules: Vec<SchemaRule>) -> Schemas {
        Schemas {
            rules,
            invalid: HashMap::new(),
        }
    }

    /// Whether the topic's newest message broke its schema.
    pub fn invalid(&self, conn: ConnId, node: NodeId) -> bool {
        self.invalid.contains_key(&(conn.0, node))
    }

    pub fn forget(&mut self, conn: ConnId) {
        self.invalid.retain(|(c, _), _| *c != conn.0);
    }
}

impl App {
    /// The newest message of `node` on the connection in `self.link`, checked.
    pub(in crate::app) fn schema_observe(&mut self, rule: usize, payload: &[u8], node: NodeId) {
        let Some(r) = self.schemas.rules.get(rule) else {
            return;
        };
        let key = (self.link.id.0, node);
        match r.check(payload) {
            Verdict::Valid => {
                self.schemas.invalid.remove(&key);
            }
            other => {
                let seq = self.link.store.last(node).map_or(0, |e| e.seq());
                self.schemas.invalid.insert(key, (seq, other));
            }
        }
    }

    /// The rule for `topic`, by index (read before the store takes the message).
    pub(in crate::app) fn schema_rule_for(&self, topic: &str) -> Option<usize> {
        self.schemas
            .rules
            .iter()
            .position(|r| crate::mqtt::topic::filter_matches(&r.filter, topic))
    }

    /// The detail's verdict for `e`: the schema's file, and what the check says.
    pub fn schema_verdict(&self, e: &Entry) -> Option<(String, Verdict)> {
        let topic = self.link.store.tree.path(e.node);
        let rule = rule_for(&self.schemas.rules, &topic)?;
        let file = crate::text::clean(&rule.file.display().to_string()).into_owned();
        let newest = self.link.store.last(e.node).map(|l| l.seq()) == Some(e.seq());
        let key = (self.link.id.0, e.node);
        let verdict = match self.schemas.invalid.get(&key) {
            Some((seq, v)) if *seq == e.seq() => v.clone(),
            _ if newest && !e.cut() => Verdict::Valid,
            _ if e.cut() => Verdict::NotChecked("the history budget cut this payload".into()),
            _ if e.payload_len() > CHECK_SHOWN_MAX => Verdict::NotChecked(format!(
                "an older message past {} (the newest is checked as it arrives)",
                crate::text::human_bytes(CHECK_SHOWN_MAX as u64)
            )),
            _ => rule.check(self.link.store.payload(e)),
        };
        Some((file, verdict))
    }
}
