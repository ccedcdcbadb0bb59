//! Real proxies, started by the tests on free 127.0.0.1 ports: tinyproxy (HTTP CONNECT) and
//! microsocks (SOCKS5), each with or without a username and password. Killed when dropped.
//! When one is not installed the test skips with a printed reason, and fails when `CI` is set
//! (`.ci/run` installs both).

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct ProxyProcess {
    pub port: u16,
    child: Child,
    dir: tempfile::TempDir,
}

impl ProxyProcess {
    /// Its log (tinyproxy writes one; microsocks logs to stderr, kept there too).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("proxy.log")).unwrap_or_default()
    }
}

impl Drop for ProxyProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(name: &str, mut cmd: Command, dir: tempfile::TempDir, port: u16) -> ProxyProcess {
    let log = std::fs::File::create(dir.path().join("stderr.log")).expect("log");
    cmd.stdin(Stdio::null())
        .stdout(log.try_clone().expect("log"))
        .stderr(log);
    let child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("{name}: cannot start: {e}"));
    let mut p = ProxyProcess { port, child, dir };
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = p.child.try_wait() {
            let err = std::fs::read_to_string(p.dir.path().join("stderr.log")).unwrap_or_default();
            panic!("{name} exited ({status}) while starting: {err}");
        }
        assert!(Instant::now() < deadline, "{name} did not listen on {port}");
        // A port that is not open yet has no event to await; poll it.
        std::thread::sleep(Duration::from_millis(50));
    }
    p
}

fn program(test: &str, name: &str) -> Option<PathBuf> {
    super::brokers::require(test, name, &format!("apt-get install {name}"))
}

/// tinyproxy for HTTP CONNECT to any port, allowing 127.0.0.1; `auth`: Basic credentials.
pub fn tinyproxy(test: &str, auth: Option<(&str, &str)>) -> Option<ProxyProcess> {
    let bin = program(test, "tinyproxy")?;
    let dir = tempfile::tempdir().unwrap();
    let port = super::free_port();
    let mut conf = format!(
        "Port {port}\nListen 127.0.0.1\nTimeout 30\nMaxClients 50\nAllow 127.0.0.1\n\
         LogLevel Info\nLogFile \"{}\"\n",
        dir.path().join("proxy.log").display()
    );
    if let Some((user, pass)) = auth {
        conf.push_str(&format!("BasicAuth {user} {pass}\n"));
    }
    // Started as root, tinyproxy would switch to nobody, who cannot write the log here.
    if unsafe { libc::geteuid() } == 0 {
        conf.push_str("User root\nGroup root\n");
    }
    let path = dir.path().join("tinyproxy.conf");
    std::fs::write(&path, conf).unwrap();
    let mut cmd = Command::new(bin);
    cmd.arg("-d").arg("-c").arg(&path);
    Some(start("tinyproxy", cmd, dir, port))
}

/// microsocks (SOCKS5) on 127.0.0.1; `auth`: a username and password it requires.
pub fn microsocks(test: &str, auth: Option<(&str, &str)>) -> Option<ProxyProcess> {
    let bin = program(test, "microsocks")?;
    let dir = tempfile::tempdir().unwrap();
    let port = super::free_port();
    let mut cmd = Command::new(bin);
    cmd.args(["-i", "127.0.0.1", "-p", &port.to_string()]);
    if let Some((user, pass)) = auth {
        cmd.args(["-u", user, "-P", pass]);
    }
    Some(start("microsocks", cmd, dir, port))
}
