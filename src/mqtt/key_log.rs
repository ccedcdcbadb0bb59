//! `SSLKEYLOGFILE`: the TLS session secrets written in the NSS key log format, so a capture of
//! an mqtts or wss connection can be read in Wireshark (as curl, mosquitto and mqttui do). The
//! file is ours rather than rustls' `KeyLogFile`: it is created 0600 (the secrets read every
//! byte of the connection), and a file that cannot be opened is an error at connect, not a
//! silent nothing.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

#[derive(Debug)]
pub struct KeyLogTo {
    file: Mutex<File>,
}

impl KeyLogTo {
    /// Opens `path` for appending, creating it 0600.
    pub fn open(path: &Path) -> std::io::Result<KeyLogTo> {
        let mut options = OpenOptions::new();
        options.append(true).create(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        Ok(KeyLogTo {
            file: Mutex::new(options.open(path)?),
        })
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl rustls::KeyLog for KeyLogTo {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        let line = format!("{label} {} {}\n", hex(client_random), hex(secret));
        let mut file = self
            .file
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // A full disk loses a line of the log, not the connection.
        if let Err(e) = file.write_all(line.as_bytes()) {
            tracing::warn!("SSLKEYLOGFILE: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::KeyLog;

    #[test]
    fn lines_are_nss_key_log_and_the_file_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.log");
        let log = KeyLogTo::open(&path).unwrap();
        log.log("CLIENT_TRAFFIC_SECRET_0", &[0xab, 0x01], &[0xff]);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, "CLIENT_TRAFFIC_SECRET_0 ab01 ff\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(KeyLogTo::open(&dir.path().join("no/such/dir/keys.log")).is_err());
    }
}
