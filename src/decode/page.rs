//! Big payloads are shown a page at a time: the arithmetic shared by the app (keys that turn
//! pages) and the UI (the "page 2 of 80" line).

use std::ops::Range;

/// How much of a payload one page of the detail view shows. 64 KiB keeps a page's decode and
/// layout well under a frame (a 5 MiB text payload laid out whole took ~40 ms a frame).
pub const PAGE_BYTES: usize = 64 * 1024;

/// How many pages a payload of `len` bytes has (at least one, even when empty).
pub fn pages(len: usize) -> usize {
    len.div_ceil(PAGE_BYTES).max(1)
}

/// The page actually shown when `page` is asked for (past the end: the last one).
pub fn clamp(len: usize, page: usize) -> usize {
    page.min(pages(len) - 1)
}

/// The bytes of page `page` (clamped).
pub fn range(len: usize, page: usize) -> Range<usize> {
    let start = clamp(len, page) * PAGE_BYTES;
    start..(start + PAGE_BYTES).min(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_cover_the_payload() {
        assert_eq!(pages(0), 1);
        assert_eq!(pages(PAGE_BYTES), 1);
        assert_eq!(pages(PAGE_BYTES + 1), 2);
        assert_eq!(range(PAGE_BYTES + 10, 1), PAGE_BYTES..PAGE_BYTES + 10);
        assert_eq!(range(10, 7), 0..10);
    }
}
