//! Copying to the clipboard of the terminal the user sits at, over ssh too: OSC 52. What is sent
//! is base64, so no byte from the wire reaches the terminal raw; the terminal decodes it into
//! its clipboard (most do; some ask first, some cap the size).

use base64::Engine;

/// Larger copies are refused: several terminals drop OSC 52 sequences past a few hundred KiB.
pub const MAX_COPY: usize = 256 * 1024;

/// The OSC 52 sequence that puts `bytes` on the clipboard.
pub fn osc52(bytes: &[u8]) -> Vec<u8> {
    let mut out = b"\x1b]52;c;".to_vec();
    out.extend(
        base64::engine::general_purpose::STANDARD
            .encode(bytes)
            .into_bytes(),
    );
    out.push(0x07);
    out
}

/// Writes the sequence to the terminal the UI draws on.
pub fn to_stdout(seq: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(seq)?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sequence_carries_base64_only() {
        let seq = osc52(b"a\x1b]0;pwned\x07b");
        assert!(seq.starts_with(b"\x1b]52;c;"));
        assert_eq!(seq.last(), Some(&0x07));
        let body = &seq[7..seq.len() - 1];
        assert!(
            body.iter()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(b))
        );
        assert_eq!(
            base64::engine::general_purpose::STANDARD
                .decode(body)
                .unwrap(),
            b"a\x1b]0;pwned\x07b"
        );
    }
}
