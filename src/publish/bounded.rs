//! Payloads read from local input, never past a limit. `pub -f /dev/zero` once grew to 9.6 GB in
//! 20 s, and a 1 GiB file was read whole before it was refused: a file's size is checked before
//! reading when it has one, and anything else (a FIFO, a device, standard input) is read at most
//! one byte past the limit, so the refusal costs at most the limit in memory.

use std::io::Read;
use std::path::Path;

/// The most a PUBLISH can carry in MQTT: its Remaining Length is at most 268,435,455 bytes, of
/// which the topic takes at least 3 (its length and one character). A broker's own Maximum Packet
/// Size (MQTT 5's CONNACK) is lower still, and is used instead when it is known.
pub const MQTT_PAYLOAD_MAX: usize = 268_435_455 - 3;

/// Input over the limit: how much there was (at least) and the limit, in words.
#[derive(Debug, thiserror::Error)]
pub enum TooBig {
    #[error(
        "{what} is {size} bytes; at most {limit} bytes fit in one publish{why}",
        why = limit_why(*limit)
    )]
    Known {
        what: String,
        size: u64,
        limit: usize,
    },
    #[error(
        "{what} holds more than {limit} bytes (reading stopped there); at most {limit} bytes fit \
         in one publish{why}",
        why = limit_why(*limit)
    )]
    Stream { what: String, limit: usize },
    #[error("{what}: {source}")]
    Io {
        what: String,
        source: std::io::Error,
    },
}

fn limit_why(limit: usize) -> &'static str {
    if limit >= MQTT_PAYLOAD_MAX {
        " (MQTT's maximum)"
    } else {
        ""
    }
}

/// Reads `reader` to its end, or fails as soon as it holds more than `limit` bytes.
pub fn read_capped(mut reader: impl Read, limit: usize, what: &str) -> Result<Vec<u8>, TooBig> {
    let mut buf = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    (&mut reader)
        .take(cap)
        .read_to_end(&mut buf)
        .map_err(|source| TooBig::Io {
            what: what.to_string(),
            source,
        })?;
    if buf.len() > limit {
        return Err(TooBig::Stream {
            what: what.to_string(),
            limit,
        });
    }
    Ok(buf)
}

/// A file's bytes: a regular file over the limit is refused by its size, without reading it; a
/// FIFO or a device is read within the limit.
pub fn read_file_capped(path: &Path, limit: usize) -> Result<Vec<u8>, TooBig> {
    let what = path.display().to_string();
    let io = |source| TooBig::Io {
        what: what.clone(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(io(std::io::Error::other("is a folder, not a file")));
    }
    if meta.is_file() && meta.len() > limit as u64 {
        return Err(TooBig::Known {
            what,
            size: meta.len(),
            limit,
        });
    }
    read_capped(file, limit, &what)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_is_read_one_byte_past_the_limit_and_no_further() {
        let mut endless = std::io::repeat(0);
        let e = read_capped(&mut endless, 1000, "standard input").unwrap_err();
        assert_eq!(
            e.to_string(),
            "standard input holds more than 1000 bytes (reading stopped there); at most 1000 \
             bytes fit in one publish"
        );
        assert_eq!(
            read_capped(&[1u8, 2, 3][..], 3, "x").unwrap(),
            vec![1, 2, 3]
        );
    }

    #[test]
    fn a_big_file_is_refused_by_its_size_and_a_device_within_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("big");
        let file = std::fs::File::create(&f).unwrap();
        // Sparse: 1 GiB that takes no disk and must never be read.
        file.set_len(1 << 30).unwrap();
        let e = read_file_capped(&f, MQTT_PAYLOAD_MAX).unwrap_err();
        assert!(
            e.to_string().contains(
                "is 1073741824 bytes; at most 268435452 bytes fit in one publish (MQTT's maximum)"
            ),
            "{e}"
        );
        let e = read_file_capped(Path::new("/dev/zero"), 4096).unwrap_err();
        assert!(e.to_string().contains("more than 4096 bytes"), "{e}");
        assert!(
            read_file_capped(dir.path(), 10)
                .unwrap_err()
                .to_string()
                .contains("folder")
        );
    }
}
