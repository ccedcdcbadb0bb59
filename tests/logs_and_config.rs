//! The log file is private and bounded in place, an unwritable log path is an error, the
//! plain-password warning is said once for the profile in use, and a config file cannot make
//! mqscope read without end.

mod common;

use std::time::Duration;

use common::{mqscope, run, stderr, write};

const LIMIT: Duration = Duration::from_secs(20);

#[cfg(unix)]
fn mode(p: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn the_log_is_private_and_a_bad_log_path_is_an_error() {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = mqscope(home.path());
    // Port 1: refused at once, and logged.
    cmd.args(["pub", "-b", "mqtt://127.0.0.1:1", "-t", "t", "-m", "x"]);
    let out = run(cmd, LIMIT);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let log = home.path().join("cache/mqscope/mqscope.log");
    assert!(log.is_file(), "the default log exists");
    #[cfg(unix)]
    {
        assert_eq!(mode(&log), 0o600);
        assert_eq!(mode(log.parent().unwrap()), 0o700);
    }

    let mut cmd = mqscope(home.path());
    cmd.args([
        "pub",
        "--log-file",
        "/proc/no/such/dir/x.log",
        "-t",
        "t",
        "-m",
        "x",
    ]);
    let out = run(cmd, LIMIT);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("--log-file") && err.contains("cannot write the log"),
        "{err}"
    );
}

#[test]
fn a_config_file_is_read_to_a_cap() {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = mqscope(home.path());
    cmd.args(["pub", "--config", "/dev/zero", "-t", "t", "-m", "x"]);
    let out = run(cmd, LIMIT);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("larger than 16 MiB"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_plain_password_warning_is_said_once_for_the_profile_in_use() {
    let home = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for name in ["a", "b", "c"] {
        text.push_str(&format!(
            "[profiles.{name}]\nbroker = \"mqtt://127.0.0.1:1\"\nusername = \"u\"\npassword = \"pw-{name}\"\n\n"
        ));
    }
    let cfg = write(home.path(), "config.toml", text);
    let log = home.path().join("m.log");
    let mut cmd = mqscope(home.path());
    cmd.arg("pub")
        .arg("--config")
        .arg(&cfg)
        .arg("--log-file")
        .arg(&log);
    cmd.args(["-P", "b", "-t", "t", "-m", "x"]);
    let out = run(cmd, LIMIT);
    let err = stderr(&out);
    assert_eq!(err.matches("plain password").count(), 1, "{err}");
    assert!(err.contains("profile 'b'"), "{err}");
    assert!(
        !err.contains("pw-b"),
        "the password itself is never shown: {err}"
    );
    let logged = std::fs::read_to_string(&log).unwrap();
    assert_eq!(logged.matches("plain password").count(), 1, "{logged}");
    assert!(!logged.contains("pw-"), "{logged}");
}
