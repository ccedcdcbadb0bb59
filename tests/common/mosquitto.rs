//! mosquitto on ephemeral 127.0.0.1 ports with a generated config: plain TCP, WebSocket, TLS,
//! WebSocket over TLS, and a listener that requires a password.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use super::certs::{self, Certs};
use super::free_port;

pub const USER: &str = "alice";
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
    pub certs: Certs,
}

impl Mosquitto {
    pub fn start() -> Mosquitto {
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
        let (port, ws_port, tls_port, wss_port, auth_port, mtls_port) = (
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
        let conf_text = format!(
            "per_listener_settings true\n\
             log_dest stderr\n\
             log_type error\nlog_type warning\nlog_type notice\nlog_type information\nlog_type subscribe\n\
             persistence true\npersistence_location {data}/\n\
             listener {port} 127.0.0.1\nallow_anonymous true\n\
             listener {ws_port} 127.0.0.1\nprotocol websockets\nallow_anonymous true\n\
             listener {tls_port} 127.0.0.1\nallow_anonymous true\ncafile {ca}\ncertfile {cert}\nkeyfile {key}\n\
             listener {wss_port} 127.0.0.1\nprotocol websockets\nallow_anonymous true\ncafile {ca}\ncertfile {cert}\nkeyfile {key}\n\
             listener {auth_port} 127.0.0.1\nallow_anonymous false\npassword_file {passwd}\n\
             listener {mtls_port} 127.0.0.1\nallow_anonymous true\ncafile {ca}\ncertfile {cert}\nkeyfile {key}\nrequire_certificate true\n",
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
            certs,
        };
        m.launch();
        m
    }

    /// Starts the process and waits for its "running" line.
    fn launch(&mut self) {
        let mut child = Command::new("mosquitto")
            .arg("-c")
            .arg(&self.conf)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn mosquitto");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut log = Vec::new();
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains(" running") {
                    let _ = tx.send(Ok(()));
                } else if line.contains("Error") {
                    log.push(line.clone());
                }
                // Keep draining so mosquitto never blocks on a full pipe.
            }
            let _ = tx.send(Err(log.join("\n")));
        });
        match rx.recv_timeout(Duration::from_secs(10)) {
            Ok(Ok(())) => {}
            Ok(Err(log)) => panic!("mosquitto exited during start: {log}"),
            Err(_) => panic!("mosquitto did not report running within 10 s"),
        }
        self.child = Some(child);
    }

    pub fn url(&self) -> String {
        format!("mqtt://127.0.0.1:{}", self.port)
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
