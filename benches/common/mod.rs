//! What the benchmarks share: a mosquitto on 127.0.0.1, a flood publisher, process usage, and
//! driving tmux.

#![allow(dead_code)] // each bench uses its own part

pub mod blaster;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use rumqttc::{AsyncClient, Event, MqttOptions, Outgoing, Packet, QoS};

pub const BIN: &str = env!("CARGO_BIN_EXE_mqscope");

pub fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

pub fn free_port() -> u16 {
    loop {
        let port = fastrand::u16(20_000..32_000);
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// mosquitto with `log_type subscribe`, so we can wait for a client's SUBSCRIBE.
pub struct Broker {
    pub child: Child,
    pub port: u16,
    pub subscribed: mpsc::Receiver<String>,
    _dir: tempfile::TempDir,
}

impl Broker {
    pub fn start() -> Broker {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let conf = dir.path().join("m.conf");
        std::fs::write(
            &conf,
            format!(
                "log_dest stderr\nlog_type error\nlog_type subscribe\nlog_type notice\nlog_type information\n\
                 max_queued_messages 0\n\
                 listener {port} 127.0.0.1\nallow_anonymous true\n"
            ),
        )
        .unwrap();
        let mut child = Command::new("mosquitto")
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("mosquitto");
        let err = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        let (ready_tx, ready_rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                if line.contains(" running") {
                    let _ = ready_tx.send(());
                }
                let _ = tx.send(line);
            }
        });
        ready_rx
            .recv_timeout(Duration::from_secs(10))
            .expect("mosquitto running");
        Broker {
            child,
            port,
            subscribed: rx,
            _dir: dir,
        }
    }

    /// Waits for mosquitto to log a SUBSCRIBE from `client_id`.
    pub fn wait_subscribed(&self, client_id: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self
                .subscribed
                .recv_timeout(left)
                .expect("subscribe logged");
            if line.contains(client_id) && line.contains('#') {
                return;
            }
        }
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Publishes up to `n` messages over `topics` topics as fast as the broker takes them, until
/// `deadline` if one is given. Disconnects only once every message has left (QoS 0) or been
/// acknowledged (QoS 1), so nothing is cut off. Returns how many were published.
pub fn flood(port: u16, n: usize, topics: usize, qos: QoS, deadline: Option<Instant>) -> usize {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let mut opts = MqttOptions::new(
            format!("bench-flood-{}", fastrand::u32(..)),
            "127.0.0.1",
            port,
        );
        opts.set_keep_alive(Duration::from_secs(30));
        opts.set_inflight(1000);
        let (client, mut eventloop) = AsyncClient::new(opts, 10_000);
        let sent = Arc::new(AtomicUsize::new(0));
        let finished = Arc::new(AtomicBool::new(false));
        let producer = {
            let client = client.clone();
            let (sent, finished) = (sent.clone(), finished.clone());
            tokio::spawn(async move {
                for i in 0..n {
                    if i % 1000 == 0 && deadline.is_some_and(|d| Instant::now() >= d) {
                        break;
                    }
                    let topic = format!("bench/{}/{}", (i % topics) / 100, i % topics);
                    let payload = format!("{{\"v\":{i}}}");
                    if client.publish(topic, qos, false, payload).await.is_err() {
                        break;
                    }
                    sent.fetch_add(1, Ordering::Relaxed);
                }
                finished.store(true, Ordering::Release);
            })
        };
        let mut done = 0usize;
        let mut disconnecting = false;
        loop {
            match eventloop.poll().await {
                Ok(Event::Outgoing(Outgoing::Disconnect)) => break,
                Ok(Event::Outgoing(Outgoing::Publish(_))) if qos == QoS::AtMostOnce => done += 1,
                Ok(Event::Incoming(Packet::PubAck(_))) => done += 1,
                Ok(_) => {}
                Err(e) => panic!("flood publisher: {e}"),
            }
            if !disconnecting
                && finished.load(Ordering::Acquire)
                && done >= sent.load(Ordering::Relaxed)
            {
                disconnecting = true;
                let _ = client.try_disconnect();
            }
        }
        let _ = producer.await;
        sent.load(Ordering::Relaxed)
    })
}

pub struct Usage {
    pub cpu: f64,
    pub max_rss_kib: i64,
    /// Exited with status 0 (always true for a process still running).
    pub ok: bool,
}

/// Waits for a child and returns its CPU time and peak RSS (wait4's rusage).
pub fn wait_usage(child: &mut Child) -> Usage {
    let mut status = 0;
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: plain wait4 on our own child's pid with valid out-pointers.
    let r = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut ru) };
    assert!(r > 0, "wait4 failed");
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Usage {
        cpu: tv(ru.ru_utime) + tv(ru.ru_stime),
        max_rss_kib: ru.ru_maxrss,
        ok: libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
    }
}

/// CPU seconds and peak RSS of a running process, from /proc.
pub fn proc_usage(pid: &str) -> Usage {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    let cpu = (f.get(11).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0)
        + f.get(12).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0))
        / ticks;
    Usage {
        cpu,
        max_rss_kib: status_kib(pid, "VmHWM:"),
        ok: true,
    }
}

/// A KiB figure (`VmRSS:`, `VmHWM:`) from /proc/<pid>/status; 0 when unreadable.
fn status_kib(pid: &str, field: &str) -> i64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

pub fn tmux(socket: &str, args: &[&str]) -> String {
    let out = Command::new("tmux")
        .arg("-L")
        .arg(socket)
        .args(args)
        .output()
        .expect("tmux");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The status bar's message count, if the screen shows one.
pub fn status_count(screen: &str) -> Option<u64> {
    let line = screen.lines().rev().find(|l| l.contains(" msgs"))?;
    let part = line.split('│').find(|p| p.trim_end().ends_with(" msgs"))?;
    part.trim()
        .trim_end_matches(" msgs")
        .replace(',', "")
        .parse()
        .ok()
}

/// The real binary in a detached 120x40 tmux session, on a profile for `broker` subscribed to
/// `#`. Killed (with its tmux server) when dropped.
pub struct Tui {
    pub socket: String,
    pub pid: String,
    pub server_pid: String,
}

impl Tui {
    /// Started on `port`; the caller waits for its subscription (the broker's log, or the
    /// blaster's start).
    pub fn start(
        socket: &str,
        home: &std::path::Path,
        port: u16,
        qos: QoS,
        client_id: &str,
        extra_args: &[&str],
    ) -> Tui {
        let q = if qos == QoS::AtMostOnce { 0 } else { 1 };
        let cfg = home.join("bench.toml");
        std::fs::write(
            &cfg,
            format!(
                "[profiles.bench]\nbroker = \"mqtt://127.0.0.1:{port}\"\nclient_id = \"{client_id}\"\nsubscriptions = [{{ filter = \"#\", qos = {q} }}]\n",
            ),
        )
        .unwrap();
        let cmd = format!(
            "env XDG_CACHE_HOME={h} {BIN} --config {c} -P bench --log-file {h}/log {extra}; sleep 60",
            h = home.display(),
            c = cfg.display(),
            extra = extra_args.join(" ")
        );
        let ok = Command::new("tmux")
            .args([
                "-L",
                socket,
                "new-session",
                "-d",
                "-x",
                "120",
                "-y",
                "40",
                &cmd,
            ])
            .status()
            .unwrap()
            .success();
        assert!(ok, "tmux new-session");
        let shell = tmux(socket, &["display-message", "-p", "#{pane_pid}"])
            .trim()
            .to_string();
        let server_pid = tmux(socket, &["display-message", "-p", "#{pid}"])
            .trim()
            .to_string();
        // The shell starts the binary a moment after the session.
        let mut pid = String::new();
        for _ in 0..100 {
            pid = String::from_utf8_lossy(
                &Command::new("pgrep")
                    .args(["-P", &shell, "mqscope"])
                    .output()
                    .unwrap()
                    .stdout,
            )
            .trim()
            .to_string();
            if !pid.is_empty() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Tui {
            socket: socket.to_string(),
            pid,
            server_pid,
        }
    }

    /// CPU seconds the tmux server has used so far (it parses everything the TUI draws).
    pub fn server_cpu(&self) -> f64 {
        proc_usage(&self.server_pid).cpu
    }

    pub fn screen(&self) -> String {
        tmux(&self.socket, &["capture-pane", "-p"])
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

/// Current resident set of a process in KiB, from /proc.
pub fn rss_kib(pid: &str) -> i64 {
    status_kib(pid, "VmRSS:")
}
