//! Test harness: real brokers (mosquitto on ephemeral 127.0.0.1 ports, and the embedded one),
//! certificates made at test time, the real binary, and a library client that awaits events.
#![allow(dead_code)]

pub mod brokers;
pub mod certs;
pub mod client;
pub mod door;
pub mod driver;
pub mod fake;
pub mod headless;
pub mod keys;
pub mod mosquitto;
pub mod proxies;
pub mod screen;
pub mod tmux;
pub mod views;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// True when mosquitto is available. Without it, tests skip with a printed reason, but fail
/// when CI is set (CI installs it, so a missing broker there is a broken setup).
pub fn have_mosquitto(test: &str) -> bool {
    let found = Command::new("mosquitto")
        .arg("-h")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !found {
        if std::env::var_os("CI").is_some() {
            panic!(
                "{test}: mosquitto is not installed, and CI is set: install it (apt-get install mosquitto)"
            );
        }
        eprintln!(
            "SKIPPED {test}: mosquitto is not installed (apt-get install mosquitto mosquitto-clients)"
        );
    }
    found
}

/// A free TCP port on 127.0.0.1, below Linux's ephemeral range (32768 and up), so that no
/// outgoing connection can take it while a broker is restarted on it.
pub fn free_port() -> u16 {
    loop {
        let port = fastrand::u16(20_000..32_000);
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// The real binary, isolated from the user's config and cache folders.
pub fn mqscope(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mqscope"));
    cmd.env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("HOME", home)
        .env_remove("SSLKEYLOGFILE")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .env_remove("HTTPS_PROXY")
        .env_remove("https_proxy")
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .stdin(Stdio::null());
    cmd
}

/// Runs a command to completion, killing it if it takes longer than `limit`.
pub fn run(mut cmd: Command, limit: Duration) -> Output {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let child = cmd.spawn().expect("spawn");
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(limit) {
        Ok(out) => out.expect("wait"),
        Err(_) => {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            panic!("command did not finish within {limit:?}: {cmd:?}");
        }
    }
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write test file");
    p
}
