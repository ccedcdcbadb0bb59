//! Logs go to a file, never to the terminal the UI owns. Secrets are never logged (the password
//! type prints as ***). The file is private (0600, in a 0700 folder mqscope creates), and
//! bounded: past `CAP` it is moved to `<name>.1` (replacing the previous one) and started anew,
//! so a flood of connection errors cannot fill the disk.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

/// Largest log file before it is rotated: a day of a busy session's info lines.
pub const CAP: u64 = 10 * 1024 * 1024;

pub fn default_log_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "mqscope").map(|d| d.cache_dir().join("mqscope.log"))
}

fn rotated(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".1");
    path.with_file_name(name)
}

fn open_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(path)?;
    // A file left by an older version may be readable by others.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(file)
}

/// The log file, rotated when it grows past the cap.
struct Rotating {
    path: PathBuf,
    file: File,
    written: u64,
    cap: u64,
}

impl Rotating {
    fn open(path: PathBuf, cap: u64) -> io::Result<Rotating> {
        let file = open_private(&path)?;
        let written = file.metadata().map(|m| m.len()).unwrap_or(0);
        let mut r = Rotating {
            path,
            file,
            written,
            cap,
        };
        if r.written >= r.cap {
            r.rotate()?;
        }
        Ok(r)
    }

    fn rotate(&mut self) -> io::Result<()> {
        std::fs::rename(&self.path, rotated(&self.path))?;
        self.file = open_private(&self.path)?;
        self.written = 0;
        Ok(())
    }
}

impl Write for Rotating {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.written + buf.len() as u64 > self.cap && self.written > 0 {
            // Keep logging even if the rename fails (a read-only folder): better a long file
            // than none.
            let _ = self.rotate();
        }
        let n = self.file.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// Creates the log's folder (0700) when missing.
fn make_dir(dir: &Path) -> io::Result<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

/// Sets up logging to `path` (or the default place). A path given with `--log-file` that cannot
/// be written is an error; the default place failing only costs the log (the caller says so).
pub fn init(path: Option<PathBuf>) -> Result<(), String> {
    let Some(path) = path.or_else(default_log_path) else {
        return Ok(());
    };
    let writer = make_dir(path.parent().unwrap_or(Path::new("")))
        .and_then(|()| Rotating::open(path.clone(), CAP))
        .map_err(|e| format!("{}: cannot write the log: {e}", path.display()))?;
    let filter = EnvFilter::try_from_env("MQSCOPE_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(writer))
        .try_init();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_rotated_past_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("logs/mqscope.log");
        make_dir(path.parent().unwrap()).unwrap();
        let mut w = Rotating::open(path.clone(), 100).unwrap();
        w.write_all(&[b'a'; 60]).unwrap();
        w.write_all(&[b'b'; 60]).unwrap();
        w.write_all(&[b'c'; 60]).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(path.parent().unwrap()), 0o700);
            assert_eq!(mode(&rotated(&path)), 0o600);
        }
        assert_eq!(std::fs::read(&path).unwrap(), vec![b'c'; 60]);
        assert_eq!(std::fs::read(rotated(&path)).unwrap(), vec![b'b'; 60]);
        let files = std::fs::read_dir(path.parent().unwrap()).unwrap().count();
        assert_eq!(files, 2, "one rotated file, no more");
    }
}
