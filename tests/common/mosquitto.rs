//! mosquitto on ephemeral 127.0.0.1 ports with a generated config: plain TCP, WebSocket, TLS,
//! WebSocket over TLS, and a listener that requires a password.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex, mpsc};
use std::time::{Duration, Instant};

use super::certs::{self, Certs};
use super::free_port;

pub const USER: &str = "alice";
/// Debian's mosquitto ships its dynamic-security plugin here.
pub const DYNSEC: &str = "/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so";
pub const PASSWORD: &str = "s3cret";

pub struct Mosquitto {
    child: Option<Child>,
    pub dir: tempfile::TempDir,
    conf: PathBuf,
    pub port: u16,
    pub ws_port: u16,
    pub tls_port: u16,
    pub wss_port: u16,
    pub auth_port: u16,
    /// TLS listener that requires a client certificate signed by the test CA.
    pub mtls_port: u16,
    /// Anonymous, allowed to subscribe to `open/#` only (dynamic security; 0 without it).
    pub acl_port: u16,
    pub certs: Certs,
    /// Every line mosquitto logged (subscribe and unsubscribe included), and a signal per line.
    log: Arc<(Mutex<Vec<String>>, Condvar)>,
}

impl Mosquitto {
    pub fn start() -> Mosquitto {
        Mosquitto::start_with("")
    }

    /// With `global` lines (options that apply to every listener, e.g. `max_packet_size 1024`).
    /// A port taken between choosing it and mosquitto binding it (tests run in parallel, each
    /// choosing free ports) is a fresh try with new ports, not a failure.
    pub fn start_with(global: &str) -> Mosquitto {
        Mosquitto::start_with_tail(global, "")
    }

    /// With `global` lines first and `tail` lines last (a bridge's `connection` block, whose
    /// options run to the end of the file).
    pub fn start_with_tail(global: &str, tail: &str) -> Mosquitto {
        let mut last = String::new();
        for _ in 0..5 {
            match Mosquitto::try_start_with(global, tail) {
                Ok(m) => return m,
                Err(log) if log.contains("Unable to create") || log.contains("in use") => {
                    last = log;
                }
                Err(log) => panic!("mosquitto exited during start: {log}"),
            }
        }
        panic!("mosquitto could not bind its ports in 5 tries: {last}");
    }

    fn try_start_with(global: &str, tail: &str) -> Result<Mosquitto, String> {
        let dir = tempfile::tempdir().expect("tempdir");
        let certs = certs::generate(dir.path());
        let passwd = dir.path().join("passwd");
        let status = Command::new("mosquitto_passwd")
            .args(["-b", "-c"])
            .arg(&passwd)
            .args([USER, PASSWORD])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("mosquitto_passwd");
        assert!(status.success(), "mosquitto_passwd failed");
        let (port, ws_port, tls_port, wss_port, auth_port, mtls_port, acl_port) = (
            free_port(),
            free_port(),
            free_port(),
            free_port(),
            free_port(),
            free_port(),
            free_port(),
        );
        let tls = |p: &Path| p.display().to_string();
        // mosquitto started as root drops to the `mosquitto` user, which must be able to write
        // its persistence file on shutdown.
        let data = dir.path().join("data");
        std::fs::create_dir_all(&data).expect("data dir");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o777)).expect("chmod");
        }
        // mosquitto's ACL file only filters delivery; its dynamic-security plugin answers a
        // denied SUBSCRIBE with "not authorized", which the tests need.
        let dynsec = super::write(
            &data,
            "dynsec.json",
            r#"{"defaultACLAccess": {"publishClientSend": true, "publishClientReceive": true, "subscribe": false, "unsubscribe": true},
"clients": [], "groups": [{"groupname": "anon", "roles": [{"rolename": "open"}]}],
"roles": [{"rolename": "open", "acls": [{"acltype": "subscribePattern", "topic": "open/#", "allow": true}]}],
"anonymousGroup": "anon"}"#,
        );
        let acl_listener = if Path::new(DYNSEC).exists() {
            format!(
                "listener {acl_port} 127.0.0.1\nallow_anonymous true\nplugin {DYNSEC}\nplugin_opt_config_file {}\n",
                dynsec.display()
            )
        } else {
            String::new()
        };
        let conf_text = format!(
            "{global}per_listener_settings true\n\
             log_dest stderr\n\
             log_type error\nlog_type warning\nlog_type notice\nlog_type information\nlog_type subscribe\nlog_type unsubscribe\nlog_type debug\n\
             persistence true\npersistence_location {data}/\n\
             listener {port} 127.0.0.1\nallow_anonymous true\n\
             listener {ws_port} 127.0.0.1\nprotocol websockets\nallow_anonymous true\n\
             listener {tls_port} 127.0.0.1\nallow_anonymous true\ncafile {ca}\ncertfile {cert}\nkeyfile {key}\n\
             listener {wss_port} 127.0.0.1\nprotocol websockets\nallow_anonymous true\ncafile {ca}\ncertfile {cert}\nkeyfile {key}\n\
             listener {auth_port} 127.0.0.1\nallow_anonymous false\npassword_file {passwd}\n\
             listener {mtls_port} 127.0.0.1\nallow_anonymous true\ncafile {ca}\ncertfile {cert}\nkeyfile {key}\nrequire_certificate true\n\
             {acl_listener}{tail}",
            ca = tls(&certs.ca),
            cert = tls(&certs.server_cert),
            key = tls(&certs.server_key),
            passwd = passwd.display(),
            data = data.display(),
        );
        let conf = super::write(dir.path(), "mosquitto.conf", conf_text);
        let mut m = Mosquitto {
            child: None,
            dir,
            conf,
            port,
            ws_port,
            tls_port,
            wss_port,
            auth_port,
            mtls_port,
            acl_port: if Path::new(DYNSEC).exists() {
                acl_port
            } else {
                0
            },
            certs,
            log: Arc::new((Mutex::new(Vec::new()), Condvar::new())),
        };
        m.try_launch()?;
        Ok(m)
    }

    /// Starts the process and waits for its "running" line.
    fn launch(&mut self) {
        if let Err(log) = self.try_launch() {
            panic!("mosquitto exited during start: {log}");
        }
    }

    /// Starts the process and waits for its "running" line; what it logged if it exited.
    fn try_launch(&mut self) -> Result<(), String> {
        let mut child = Command::new("mosquitto")
            .arg("-c")
            .arg(&self.conf)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn mosquitto");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel();
        let all = self.log.clone();
        std::thread::spawn(move || {
            let mut log = Vec::new();
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains(" running") {
                    let _ = tx.send(Ok(()));
                } else if line.contains("Error") {
                    log.push(line.clone());
                }
                // Keep draining so mosquitto never blocks on a full pipe.
                let (lines, signal) = &*all;
                lines.lock().unwrap_or_else(|e| e.into_inner()).push(line);
                signal.notify_all();
            }
            let _ = tx.send(Err(log.join("\n")));
        });
        match rx.recv_timeout(Duration::from_secs(10)) {
            Ok(Ok(())) => {}
            Ok(Err(log)) => {
                let _ = child.wait();
                return Err(log);
            }
            Err(_) => panic!("mosquitto did not report running within 10 s"),
        }
        self.child = Some(child);
        Ok(())
    }

    pub fn url(&self) -> String {
        format!("mqtt://127.0.0.1:{}", self.port)
    }

    /// Publishes `payload` on `topic` at QoS 1 with mosquitto_pub (not our own client).
    pub fn publish(&self, topic: &str, payload: &str) {
        self.mosquitto_pub(&["-t", topic, "-m", payload, "-q", "1"]);
    }

    /// Runs mosquitto_pub against this broker with `args`; it must succeed.
    pub fn mosquitto_pub(&self, args: &[&str]) {
        let out = Command::new("mosquitto_pub")
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
            .args(args)
            .output()
            .expect("mosquitto_pub");
        assert!(
            out.status.success(),
            "mosquitto_pub {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Waits until mosquitto has logged a line with every one of `words` (false after `limit`).
    pub fn logged(&self, words: &[&str], limit: Duration) -> bool {
        let (lines, signal) = &*self.log;
        let deadline = Instant::now() + limit;
        let mut seen = lines.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if seen.iter().any(|l| words.iter().all(|w| l.contains(w))) {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            seen = signal
                .wait_timeout(seen, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Stops the broker (SIGKILL: like a crash, so no clean goodbye reaches clients).
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Stops the broker with SIGTERM: it saves its sessions and retained messages first.
    pub fn stop_gracefully(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(c.id().to_string())
                .status();
            let _ = c.wait();
        }
    }

    /// Starts it again on the same ports (after `stop` or `stop_gracefully`).
    pub fn start_again(&mut self) {
        assert!(self.child.is_none(), "stop it first");
        self.launch();
    }

    /// Starts it again on the same ports.
    pub fn restart(&mut self) {
        self.stop();
        self.launch();
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        self.stop();
    }
}
