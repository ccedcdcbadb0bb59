//! The tree's node storage: items in chunks, addressed by a u32 id (the tree's `NodeId`).

/// Nodes in chunks that never move: a `Vec<Node>` doubles as it grows, so a big tree held up to
/// twice its nodes' size, and three times while it was being copied.
#[derive(Debug)]
pub struct Arena<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

const CHUNK_BITS: u32 = 14;
const CHUNK: usize = 1 << CHUNK_BITS;

impl<T> Default for Arena<T> {
    fn default() -> Self {
        Arena {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Arena<T> {
    pub fn push(&mut self, n: T) {
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

    pub fn get(&self, id: u32) -> Option<&T> {
        self.chunks
            .get((id >> CHUNK_BITS) as usize)?
            .get(id as usize & (CHUNK - 1))
    }

    pub fn get_mut(&mut self, id: u32) -> Option<&mut T> {
        self.chunks
            .get_mut((id >> CHUNK_BITS) as usize)?
            .get_mut(id as usize & (CHUNK - 1))
    }

    /// What the nodes occupy: a chunk's unused tail is reserved, not touched, so it is not
    /// resident.
    pub fn bytes(&self) -> usize {
        self.len * std::mem::size_of::<T>() + self.chunks.capacity() * std::mem::size_of::<Vec<T>>()
    }
}

impl<T> std::ops::Index<u32> for Arena<T> {
    type Output = T;
    fn index(&self, id: u32) -> &T {
        &self.chunks[(id >> CHUNK_BITS) as usize][id as usize & (CHUNK - 1)]
    }
}

impl<T> std::ops::IndexMut<u32> for Arena<T> {
    fn index_mut(&mut self, id: u32) -> &mut T {
        &mut self.chunks[(id >> CHUNK_BITS) as usize][id as usize & (CHUNK - 1)]
    }
}
