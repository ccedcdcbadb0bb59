//! Logs go to a file, never to the terminal the UI owns. Secrets are never logged (the password
//! type prints as ***).

use std::path::PathBuf;
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

pub fn default_log_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "mqscope").map(|d| d.cache_dir().join("mqscope.log"))
}

/// Sets up logging to `path` (or the default). Logging is best effort: if the file cannot be
/// opened, the program runs without logs rather than failing.
pub fn init(path: Option<PathBuf>) {
    let Some(path) = path.or_else(default_log_path) else {
        return;
    };
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let Ok(file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
    else {
        return;
    };
    let filter = EnvFilter::try_from_env("MQSCOPE_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init();
}
