//! The tree's node storage: items in chunks, addressed by a u32 id (the tree's `NodeId`).

/// Nodes in chunks that never move: a `Vec<Node>` doubles as it grows, so a big tree held up to
/// twice its nodes' size, and three times while it was being copied.
#[derive(Debug)]
pub struct Arena<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

/// 262,144 items a chunk (7 MiB of 28-byte slots): large enough to hold whole 2 MiB huge
/// pages (see `huge_pages`).
const CHUNK_BITS: u32 = 18;
const CHUNK: usize = 1 << CHUNK_BITS;

/// Asks Linux to back a chunk with 2 MiB pages where it can. A sort or a filter over a million
/// topics reads nodes all over the chunks, and with 4 KiB pages nearly each read was a TLB
/// miss, dear under a hypervisor: sorting an open site of 100,000 topics by msg/s took
/// 12.5-19.3 ms with 4 KiB pages, 10.0-12.9 ms with huge ones (five interleaved runs of
/// `cargo bench --bench million -- "sort by busiest"`). Only the 2 MiB-aligned stretches
/// inside a chunk can be huge, and only chunks after the first ask (a tree past 262,144
/// nodes): at most one partly used huge page a table is resident beyond what is filled.
fn huge_pages<T>(chunk: &Vec<T>) {
    #[cfg(target_os = "linux")]
    {
        const PAGE: usize = 4096;
        let start = chunk.as_ptr() as usize;
        let end = start + chunk.capacity() * std::mem::size_of::<T>();
        let first = start.div_ceil(PAGE) * PAGE;
        if end > first {
            // SAFETY: the range lies inside the chunk's own allocation, whole pages only;
            // MADV_HUGEPAGE changes how the pages are backed, never their contents, and a
            // refusal (a kernel without THP) leaves them as they were.
            unsafe {
                libc::madvise(
                    first as *mut libc::c_void,
                    (end - first) / PAGE * PAGE,
                    libc::MADV_HUGEPAGE,
                );
            }
        }
    }
}

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
            let chunk = Vec::with_capacity(CHUNK);
            // Not the first: a small tree would hold a whole huge page for each table.
            if !self.chunks.is_empty() {
                huge_pages(&chunk);
            }
            self.chunks.push(chunk);
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

#[cfg(test)]
mod tests {
    use super::{Arena, CHUNK};

    #[test]
    fn items_past_the_first_chunk_read_back_as_pushed() {
        // The second and third chunks are the ones asked to be huge pages.
        let mut a: Arena<u64> = Arena::default();
        let n = 2 * CHUNK + 3;
        for i in 0..n as u64 {
            a.push(i * 7);
        }
        assert_eq!(a.len(), n);
        for i in [0, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, n - 1] {
            assert_eq!(a[i as u32], i as u64 * 7);
        }
        assert_eq!(a.get(n as u32), None);
        a[CHUNK as u32] = 1;
        assert_eq!(a.get(CHUNK as u32), Some(&1));
    }
}
