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

/// Creates `dir` and its missing parents with mode 0700: what mqscope keeps (profiles, history,
/// logs, exports' folders) is the user's alone. Folders that exist keep their mode.
pub fn create_private_dir_all(dir: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

/// The file a path finally names: symlinks followed (dotfile managers link the profile file
/// into a repository), relative targets read against the link's folder; at most 40 hops, as
/// Linux allows. A missing final file is fine (it will be created there).
pub fn resolve_links(path: &Path) -> std::io::Result<PathBuf> {
    let mut at = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = std::fs::read_link(&at)?;
                at = match at.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            Ok(_) => return Ok(at),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(at),
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other(format!(
        "{}: too many levels of symbolic links",
        path.display()
    )))
}

/// Writes `text` to `path` atomically (temporary file in the same folder, fsync, rename) with
/// mode 0600, since profiles may reference secrets. A symlink is kept: the file it points to is
/// the one replaced (written beside it), so a linked dotfile gets the new text and stays linked.
/// On any failure (disk full, a read-only folder) the old file is untouched and the temporary
/// one removed.
/// A new file, readable by its owner only; never one that exists (the configuration's temporary
/// copy, an export, a recording).
pub fn create_new_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

pub fn save_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let path = &resolve_links(path)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    create_private_dir_all(dir)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "config.toml".into());
    let tmp = dir.join(format!(".{file_name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = create_new_private(&tmp)?;
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
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path.parent().unwrap())
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(
                mode & 0o777,
                0o700,
                "a folder mqscope makes is the user's alone"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_save_through_a_symlink_writes_the_target_and_keeps_the_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("dotfiles/mqscope.toml");
        std::fs::create_dir_all(real.parent().unwrap()).unwrap();
        std::fs::write(&real, "a = 1\n").unwrap();
        let link = dir.path().join("config.toml");
        std::os::unix::fs::symlink("dotfiles/mqscope.toml", &link).unwrap();
        save_atomic(&link, "a = 2\n").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "a = 2\n");
        // A link to a file not there yet: the file is made where the link points.
        let dangling = dir.path().join("other.toml");
        std::os::unix::fs::symlink("dotfiles/new.toml", &dangling).unwrap();
        save_atomic(&dangling, "b = 1\n").unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("dotfiles/new.toml")).unwrap(),
            "b = 1\n"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_failed_save_leaves_the_file_as_it_was() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let ro = dir.path().join("ro");
        std::fs::create_dir(&ro).unwrap();
        let path = ro.join("config.toml");
        std::fs::write(&path, "a = 1\n").unwrap();
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o500)).unwrap();
        let r = save_atomic(&path, "a = 2\n");
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o700)).unwrap();
        // (root writes anywhere: then the save goes through, and that is right too.)
        if r.is_err() {
            assert_eq!(std::fs::read_to_string(&path).unwrap(), "a = 1\n");
            assert_eq!(std::fs::read_dir(&ro).unwrap().count(), 1);
        }
    }
}
