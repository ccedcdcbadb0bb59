//! A recording's lines (for `replay` and `--open`), read as a stream: one line in memory at a time (a recording of any
//! length replays in the memory of its longest line), and a line past the cap is skipped
//! whole, not read into memory, and reported.

use std::io::{self, BufRead};

/// The longest line read: a publish's payload is at most 256 MiB, 342 MiB in base64, and the
/// rest of its line is small beside it.
pub const LINE_MAX: usize = 384 * 1024 * 1024;

pub enum Read {
    /// A line (without its newline) in the buffer passed in.
    Line,
    /// A line longer than the cap, skipped to its end.
    TooLong,
    End,
}

/// Reads the next line into `buf` (cleared first); `consumed` counts the bytes read.
pub fn next_line(
    r: &mut impl BufRead,
    buf: &mut Vec<u8>,
    cap: usize,
    consumed: &mut u64,
) -> io::Result<Read> {
    buf.clear();
    let mut too_long = false;
    let mut any = false;
    loop {
        let chunk = r.fill_buf()?;
        if chunk.is_empty() {
            return Ok(match (any, too_long) {
                (false, _) => Read::End,
                (true, true) => Read::TooLong,
                (true, false) => Read::Line,
            });
        }
        any = true;
        let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i, true),
            None => (chunk.len(), false),
        };
        if !too_long {
            if buf.len() + take > cap {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(&chunk[..take]);
            }
        }
        let used = take + usize::from(done);
        r.consume(used);
        *consumed += used as u64;
        if done {
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
            return Ok(if too_long { Read::TooLong } else { Read::Line });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(input: &[u8], cap: usize) -> (Vec<String>, u64) {
        // A reader that hands out 3 bytes at a time: lines cross its buffer's edges.
        let mut r = io::BufReader::with_capacity(3, input);
        let (mut buf, mut n, mut out) = (Vec::new(), 0, Vec::new());
        loop {
            match next_line(&mut r, &mut buf, cap, &mut n).unwrap() {
                Read::Line => out.push(String::from_utf8(buf.clone()).unwrap()),
                Read::TooLong => out.push("<too long>".into()),
                Read::End => return (out, n),
            }
        }
    }

    #[test]
    fn lines_cross_buffer_edges_and_long_ones_are_skipped_whole() {
        let input = b"ab\r\n\nabcdefghij\nxyz";
        let (lines, n) = all(input, 5);
        assert_eq!(lines, ["ab", "", "<too long>", "xyz"]);
        assert_eq!(n, input.len() as u64);
        let (lines, _) = all(b"12345\n123456", 5);
        assert_eq!(lines, ["12345", "<too long>"]);
        assert_eq!(all(b"", 5).0, Vec::<String>::new());
    }
}
