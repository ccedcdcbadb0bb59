//! Where the profile file lives, and reading and (atomically) writing it.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::error::ConfigError;
use super::profile::ConfigFile;

/// `<platform config dir>/mqscope/config.toml`
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "mqscope").map(|d| d.config_dir().join("config.toml"))
}

/// Loads `path`. A missing file at the default location is an empty configuration; a missing
/// file named explicitly is an error.
pub fn load(path: &Path, explicit: bool) -> Result<ConfigFile, ConfigError> {
    match read_capped(path) {
        Ok(text) => ConfigFile::parse(path, &text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
            Ok(ConfigFile::empty(path.to_path_buf()))
        }
        Err(source) => Err(ConfigError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// The most a profile file may hold: thousands of profiles fit in well under this, and a path
/// like /dev/zero must not be read until memory runs out.
pub const MAX_CONFIG_BYTES: u64 = 16 * 1024 * 1024;

fn read_capped(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let f = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    f.take(MAX_CONFIG_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(std::io::Error::other(format!(
            "larger than {} MiB; a profile file is a few KiB",
            MAX_CONFIG_BYTES / 1024 / 1024
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not UTF-8 text ({e})"),
        )
    })
}

/// Writes `text` to `path` atomically (temporary file in the same folder, fsync, rename) with
/// mode 0600, since profiles may reference secrets.
pub fn save_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "config.toml".into());
    let tmp = dir.join(format!(".{file_name}.tmp-{}", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let result = (|| {
        let mut f = options.open(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_save_replaces_and_restricts_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/config.toml");
        save_atomic(&path, "a = 1\n").unwrap();
        save_atomic(&path, "a = 2\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a = 2\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let leftovers = std::fs::read_dir(path.parent().unwrap()).unwrap().count();
        assert_eq!(leftovers, 1);
    }
}
