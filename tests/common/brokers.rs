//! Other real brokers, started by the tests on free 127.0.0.1 ports: amqtt (the maintained
//! continuation of HBMQTT), NATS server's MQTT gateway and RabbitMQ's MQTT plugin. Each runs in
//! its own process group in a temporary folder and is killed (group and all) when dropped.
//! When a broker is not installed the test skips with a printed reason, and fails when `CI` is
//! set (`.ci/run` installs them).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Broker {
    pub name: &'static str,
    pub port: u16,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Broker {
    pub fn url(&self) -> String {
        format!("mqtt://127.0.0.1:{}", self.port)
    }
}

/// The environment variable every process of one test broker inherits, naming its folder.
const MARKER: &str = "MQSCOPE_TEST_BROKER";

/// Processes whose environment carries `MARKER=value`: the broker and everything it started,
/// whatever session it moved them to (RabbitMQ's scripts start the node with setsid, and the
/// node starts an `epmd -daemon`).
fn marked(value: &str) -> Vec<i32> {
    let needle = format!("{MARKER}={value}");
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|env| env.split(|b| *b == 0).any(|kv| kv == needle.as_bytes()))
        })
        .collect()
}

impl Drop for Broker {
    fn drop(&mut self) {
        let pgid = self.child.id() as i32;
        // SAFETY: kill only sends signals, to this broker's group and its marked processes.
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
        let marker = self._dir.path().display().to_string();
        for pid in marked(&marker) {
            unsafe {
                libc::kill(pid, libc::SIGKILL);
            }
        }
        let _ = self.child.wait();
    }
}

fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .chain([
            PathBuf::from("/usr/sbin"),
            PathBuf::from("/usr/lib/rabbitmq/bin"),
        ])
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

/// The broker's program, or a skip (a failure under CI) naming what to install.
pub fn require(test: &str, program: &str, install: &str) -> Option<PathBuf> {
    match on_path(program) {
        Some(p) => Some(p),
        None if std::env::var_os("CI").is_some() => {
            panic!("{test}: {program} is not installed, and CI is set: {install}")
        }
        None => {
            eprintln!("SKIPPED {test}: {program} is not installed ({install})");
            None
        }
    }
}

/// A 3.1.1 CONNECT answered with an accepting CONNACK: the broker is ready.
fn answers_mqtt(port: u16) -> bool {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    let connect = [
        0x10, 16, 0, 4, b'M', b'Q', b'T', b'T', 4, 0x02, 0, 30, 0, 4, b'p', b'r', b'o', b'b',
    ];
    if s.write_all(&connect).is_err() {
        return false;
    }
    let mut ack = [0u8; 4];
    s.read_exact(&mut ack).is_ok() && ack[0] == 0x20 && ack[3] == 0
}

fn spawn(
    name: &'static str,
    mut cmd: Command,
    dir: tempfile::TempDir,
    port: u16,
    limit: Duration,
) -> Broker {
    let log = std::fs::File::create(dir.path().join("broker.log")).expect("log file");
    cmd.env(MARKER, dir.path())
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("log"))
        .stderr(log)
        .process_group(0);
    let child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("{name}: cannot start: {e}"));
    let mut broker = Broker {
        name,
        port,
        child,
        _dir: dir,
    };
    let deadline = Instant::now() + limit;
    while !answers_mqtt(port) {
        if let Ok(Some(status)) = broker.child.try_wait() {
            let log =
                std::fs::read_to_string(broker._dir.path().join("broker.log")).unwrap_or_default();
            panic!("{name} exited ({status}) while starting:\n{log}");
        }
        assert!(
            Instant::now() < deadline,
            "{name} did not answer MQTT on 127.0.0.1:{port} within {limit:?}"
        );
        // A port that is not open yet has no event to await; poll it.
        std::thread::sleep(Duration::from_millis(100));
    }
    broker
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write config");
    p
}

pub fn amqtt(test: &str) -> Option<Broker> {
    amqtt_with(test, "")
}

/// amqtt with more `plugins:` entries (YAML, indented two spaces), e.g. its `$SYS` plugin.
pub fn amqtt_with(test: &str, plugins: &str) -> Option<Broker> {
    let bin = require(
        test,
        "amqtt",
        "pip install amqtt==0.12.1, and put its bin folder on PATH",
    )?;
    let dir = tempfile::tempdir().unwrap();
    let port = super::free_port();
    let cfg = write(
        dir.path(),
        "amqtt.yaml",
        &format!(
            "listeners:\n  default:\n    type: tcp\n    bind: 127.0.0.1:{port}\nplugins:\n  amqtt.plugins.authentication.AnonymousAuthPlugin:\n    allow_anonymous: true\n{plugins}"
        ),
    );
    let mut cmd = Command::new(bin);
    cmd.arg("-c").arg(cfg);
    Some(spawn("amqtt", cmd, dir, port, Duration::from_secs(30)))
}

pub fn nats(test: &str) -> Option<Broker> {
    let bin = require(test, "nats-server", "apt-get install nats-server")?;
    let dir = tempfile::tempdir().unwrap();
    let port = super::free_port();
    let client_port = super::free_port();
    let cfg = write(
        dir.path(),
        "nats.conf",
        &format!(
            "server_name: mqscope_test_{port}\nhost: 127.0.0.1\nport: {client_port}\njetstream {{\n  store_dir: \"{}\"\n  max_memory_store: 64MB\n  max_file_store: 256MB\n}}\nmqtt {{\n  host: 127.0.0.1\n  port: {port}\n}}\n",
            dir.path().join("js").display()
        ),
    );
    let mut cmd = Command::new(bin);
    cmd.arg("-c").arg(cfg);
    Some(spawn("nats", cmd, dir, port, Duration::from_secs(30)))
}

pub fn rabbitmq(test: &str) -> Option<Broker> {
    let bin = require(test, "rabbitmq-server", "apt-get install rabbitmq-server")?;
    let dir = tempfile::tempdir().unwrap();
    let port = super::free_port();
    let (amqp, epmd, dist) = (super::free_port(), super::free_port(), super::free_port());
    let d = dir.path();
    for sub in ["mnesia", "log", "home"] {
        std::fs::create_dir_all(d.join(sub)).unwrap();
    }
    // Started as root, parts of RabbitMQ run as its own user: let it write its folder.
    for sub in ["", "mnesia", "log", "home"] {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(d.join(sub), std::fs::Permissions::from_mode(0o777));
    }
    let cfg = write(
        d,
        "rabbitmq.conf",
        &format!(
            "listeners.tcp.default = 127.0.0.1:{amqp}\nmqtt.listeners.tcp.default = 127.0.0.1:{port}\nmqtt.allow_anonymous = true\nmqtt.default_user = guest\nmqtt.default_pass = guest\nmqtt.vhost = /\nmqtt.exchange = amq.topic\n"
        ),
    );
    let plugins = write(d, "enabled_plugins", "[rabbitmq_mqtt].\n");
    // A private epmd and node, all on 127.0.0.1; HOME in the folder keeps the cookie private.
    let mut cmd = Command::new("bash");
    cmd.arg("-c")
        .arg("epmd -address 127.0.0.1 -port \"$ERL_EPMD_PORT\" & exec \"$RABBIT\"")
        .env("RABBIT", bin)
        .env("HOME", d.join("home"))
        .env("ERL_EPMD_ADDRESS", "127.0.0.1")
        .env("ERL_EPMD_PORT", epmd.to_string())
        .env("RABBITMQ_NODENAME", format!("mqscope{port}@localhost"))
        .env("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1")
        .env("RABBITMQ_NODE_PORT", amqp.to_string())
        .env("RABBITMQ_DIST_PORT", dist.to_string())
        .env("RABBITMQ_CONFIG_FILE", cfg)
        .env("RABBITMQ_ENABLED_PLUGINS_FILE", plugins)
        .env("RABBITMQ_MNESIA_BASE", d.join("mnesia"))
        .env("RABBITMQ_LOG_BASE", d.join("log"))
        .env("RABBITMQ_PID_FILE", d.join("rabbitmq.pid"))
        .env(
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS",
            "-kernel inet_dist_use_interface {127,0,0,1}",
        );
    Some(spawn("rabbitmq", cmd, dir, port, Duration::from_secs(90)))
}
