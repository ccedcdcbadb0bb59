//! The index of the log as filtered and scoped, kept up to date as messages arrive instead of searched at
//! every frame: with a filter that few messages match, finding a screenful would otherwise mean
//! walking back through millions of entries (and building each one's topic) 30 times a second.
//!
//! The index holds the sequence numbers of the matching entries, oldest first. Whether a topic
//! matches is decided once per topic and remembered. A new filter or scope rebuilds it in one
//! pass over the log; new messages are appended as they are filed; entries the store let go of
//! fall off the front.

use std::collections::VecDeque;

use crate::store::NodeId;

/// What the index was built for: the log filter's text and the subtree in scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexKey {
    pub filter: String,
    pub scope: Option<NodeId>,
}

#[derive(Debug, Default)]
pub struct LogIndex {
    pub(in crate::app) key: Option<IndexKey>,
    pub(in crate::app) seqs: VecDeque<u64>,
    /// The next sequence number to look at.
    pub(in crate::app) next: u64,
    /// Per node: 0 not decided yet, 1 shown, 2 hidden.
    pub(in crate::app) verdict: Vec<u8>,
}

impl LogIndex {
    pub(in crate::app) fn built_for(&self, filter: &str, scope: Option<NodeId>) -> bool {
        self.key
            .as_ref()
            .is_some_and(|k| k.filter == filter && k.scope == scope)
    }
}
