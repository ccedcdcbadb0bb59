//! The tree's node storage.

use super::tree::{Node, NodeId};

/// Nodes in chunks that never move: a `Vec<Node>` doubles as it grows, so a big tree held up to
/// twice its nodes' size, and three times while it was being copied.
#[derive(Debug, Default)]
pub struct Arena {
    chunks: Vec<Vec<Node>>,
    len: usize,
}

const CHUNK_BITS: u32 = 14;
const CHUNK: usize = 1 << CHUNK_BITS;

impl Arena {
    pub fn push(&mut self, n: Node) {
        if self.chunks.last().is_none_or(|c| c.len() == CHUNK) {
            self.chunks.push(Vec::with_capacity(CHUNK));
        }
        if let Some(c) = self.chunks.last_mut() {
            c.push(n);
            self.len += 1;
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// What the nodes occupy: a chunk's unused tail is reserved, not touched, so it is not
    /// resident.
    pub fn bytes(&self) -> usize {
        self.len * std::mem::size_of::<Node>()
            + self.chunks.capacity() * std::mem::size_of::<Vec<Node>>()
    }
}

impl std::ops::Index<NodeId> for Arena {
    type Output = Node;
    fn index(&self, id: NodeId) -> &Node {
        &self.chunks[(id >> CHUNK_BITS) as usize][id as usize & (CHUNK - 1)]
    }
}

impl std::ops::IndexMut<NodeId> for Arena {
    fn index_mut(&mut self, id: NodeId) -> &mut Node {
        &mut self.chunks[(id >> CHUNK_BITS) as usize][id as usize & (CHUNK - 1)]
    }
}
