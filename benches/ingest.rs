//! End-to-end ingest benchmark: `cargo bench --bench ingest`.
//!
//! Starts mosquitto on 127.0.0.1, floods it with small messages, and measures in the same run:
//! - the reference, `mosquitto_sub -t '#' > /dev/null` (bounded by the broker's fan-out),
//! - mqscope's headless pipeline (`mqscope ingest`: the worker feeding the store),
//! - the full TUI in tmux (120x40), whose status bar's message count is the finish line,
//!   and how long a key (`?`) takes to change its screen while the flood runs.
//!
//! Reported: messages received per second (each client timed from its first message to its
//! last), CPU seconds per million messages, peak RSS, and the ratios of the first two to the
//! reference. Environment: MQSCOPE_BENCH_N (1000000),
//! MQSCOPE_BENCH_TOPICS (10000), MQSCOPE_BENCH_QOS1_N (200000).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rumqttc::{AsyncClient, MqttOptions, QoS};

const BIN: &str = env!("CARGO_BIN_EXE_mqscope");

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn free_port() -> u16 {
    loop {
        let port = fastrand::u16(20_000..32_000);
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// mosquitto with `log_type subscribe`, so we can wait for a client's SUBSCRIBE.
struct Broker {
    child: Child,
    port: u16,
    subscribed: mpsc::Receiver<String>,
    _dir: tempfile::TempDir,
}

impl Broker {
    fn start() -> Broker {
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
    fn wait_subscribed(&self, client_id: &str) {
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

/// Publishes `n` messages over `topics` topics as fast as the broker takes them.
fn flood(port: u16, n: usize, topics: usize, qos: QoS) -> Duration {
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
        let start = Instant::now();
        let producer = tokio::spawn(async move {
            for i in 0..n {
                let topic = format!("bench/{}/{}", (i % topics) / 100, i % topics);
                let payload = format!("{{\"v\":{i}}}");
                if client.publish(topic, qos, false, payload).await.is_err() {
                    break;
                }
            }
            let _ = client.disconnect().await;
        });
        let mut acked = 0usize;
        loop {
            match eventloop.poll().await {
                Ok(rumqttc::Event::Outgoing(rumqttc::Outgoing::Disconnect)) => break,
                Ok(rumqttc::Event::Incoming(rumqttc::Packet::PubAck(_))) => acked += 1,
                Ok(_) => {}
                Err(e) => panic!("flood publisher: {e}"),
            }
        }
        let _ = producer.await;
        let _ = acked;
        start.elapsed()
    })
}

struct Usage {
    cpu: f64,
    max_rss_kib: i64,
}

/// Waits for a child and returns its CPU time and peak RSS (wait4's rusage).
fn wait_usage(child: &mut Child) -> Usage {
    let mut status = 0;
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: plain wait4 on our own child's pid with valid out-pointers.
    let r = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut ru) };
    assert!(r > 0, "wait4 failed");
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Usage {
        cpu: tv(ru.ru_utime) + tv(ru.ru_stime),
        max_rss_kib: ru.ru_maxrss,
    }
}

/// CPU seconds and peak RSS of a running process, from /proc.
fn proc_usage(pid: &str) -> Usage {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    let cpu = (f.get(11).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0)
        + f.get(12).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0))
        / ticks;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let hwm = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    Usage {
        cpu,
        max_rss_kib: hwm,
    }
}

struct Row {
    name: &'static str,
    received: u64,
    seconds: f64,
    usage: Usage,
    key_ms: Vec<f64>,
}

fn run_reference(b: &Broker, n: usize, topics: usize, qos: QoS) -> Row {
    let q = if qos == QoS::AtMostOnce { "0" } else { "1" };
    let mut child = Command::new("mosquitto_sub")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &b.port.to_string(),
            "-t",
            "#",
            "-q",
            q,
            "-i",
            "bench-ref",
        ])
        .args(["-C", &n.to_string(), "-W", "120"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("mosquitto_sub");
    // Its output is counted (one line a message) and thrown away, like `> /dev/null`.
    let out = child.stdout.take().expect("stdout");
    let counter = std::thread::spawn(move || {
        let mut lines = 0u64;
        let mut first = None;
        let mut last = Instant::now();
        let mut reader = BufReader::with_capacity(1 << 16, out);
        loop {
            let buf = match reader.fill_buf() {
                Ok(b) if !b.is_empty() => b,
                _ => break,
            };
            first.get_or_insert_with(Instant::now);
            lines += buf.iter().filter(|c| **c == b'\n').count() as u64;
            let n = buf.len();
            reader.consume(n);
            last = Instant::now();
        }
        (lines, first.unwrap_or(last), last)
    });
    b.wait_subscribed("bench-ref");
    let start = Instant::now();
    flood(b.port, n, topics, qos);
    let usage = wait_usage(&mut child);
    let (received, first, last) = counter.join().unwrap_or((0, start, start));
    Row {
        name: "reference mosquitto_sub",
        received,
        seconds: last.duration_since(first).as_secs_f64(),
        usage,
        key_ms: vec![],
    }
}

fn run_headless(b: &Broker, n: usize, topics: usize, qos: QoS) -> Row {
    let q = if qos == QoS::AtMostOnce { "0" } else { "1" };
    let home = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args([
            "ingest",
            "-b",
            &format!("mqtt://127.0.0.1:{}", b.port),
            "-t",
            "#",
            "-q",
            q,
        ])
        .args([
            "--client-id",
            "bench-headless",
            "-C",
            &n.to_string(),
            "-W",
            "15",
        ])
        .env("XDG_CONFIG_HOME", home.path())
        .env("XDG_CACHE_HOME", home.path())
        .stdout(Stdio::piped())
        .spawn()
        .expect("mqscope ingest");
    b.wait_subscribed("bench-headless");
    let start = Instant::now();
    flood(b.port, n, topics, qos);
    let mut out = String::new();
    if let Some(mut o) = child.stdout.take() {
        use std::io::Read;
        let _ = o.read_to_string(&mut out);
    }
    let usage = wait_usage(&mut child);
    let field = |k: &str| {
        out.split_whitespace()
            .find_map(|kv| kv.strip_prefix(k))
            .map(str::to_string)
    };
    let received = field("received=").and_then(|v| v.parse().ok()).unwrap_or(0);
    // Its own clock runs from its first message to its last; add the time to the first.
    let seconds = field("seconds=")
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0);
    let _ = start;
    Row {
        name: "mqscope headless (worker + store)",
        received,
        seconds,
        usage,
        key_ms: vec![],
    }
}

fn tmux(socket: &str, args: &[&str]) -> String {
    let out = Command::new("tmux")
        .arg("-L")
        .arg(socket)
        .args(args)
        .output()
        .expect("tmux");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn thousands(n: u64) -> String {
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
fn status_count(screen: &str) -> Option<u64> {
    let line = screen.lines().rev().find(|l| l.contains(" msgs"))?;
    let part = line.split('│').find(|p| p.trim_end().ends_with(" msgs"))?;
    part.trim()
        .trim_end_matches(" msgs")
        .replace(',', "")
        .parse()
        .ok()
}

fn run_tui(b: &Broker, n: usize, topics: usize, qos: QoS) -> Row {
    let home = tempfile::tempdir().unwrap();
    let q = if qos == QoS::AtMostOnce { 0 } else { 1 };
    let cfg = home.path().join("bench.toml");
    std::fs::write(
        &cfg,
        format!(
            "[profiles.bench]\nbroker = \"mqtt://127.0.0.1:{}\"\nclient_id = \"bench-tui\"\nsubscriptions = [{{ filter = \"#\", qos = {q} }}]\n",
            b.port
        ),
    )
    .unwrap();
    let socket = format!("mqscope-bench-{}", std::process::id());
    let cmd = format!(
        "env XDG_CACHE_HOME={h} {BIN} --config {c} -P bench --log-file {h}/log; sleep 60",
        h = home.path().display(),
        c = cfg.display()
    );
    let ok = Command::new("tmux")
        .args([
            "-L",
            &socket,
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
    assert!(ok);
    b.wait_subscribed("bench-tui");
    let shell = tmux(&socket, &["display-message", "-p", "#{pane_pid}"])
        .trim()
        .to_string();
    let pid = String::from_utf8_lossy(
        &Command::new("pgrep")
            .args(["-P", &shell, "mqscope"])
            .output()
            .unwrap()
            .stdout,
    )
    .trim()
    .to_string();
    let port = b.port;
    let start = Instant::now();
    let flooder = std::thread::spawn(move || flood(port, n, topics, qos));
    // While the flood runs: how long until `?` opens the help on screen, and Esc closes it.
    let mut key_ms = Vec::new();
    let mut probe_until = Instant::now() + Duration::from_secs(60);
    let mut last_count = 0;
    let mut last_change = Instant::now();
    let mut first_seen: Option<Instant> = None;
    let received = loop {
        let screen = tmux(&socket, &["capture-pane", "-p"]);
        let count = status_count(&screen).unwrap_or(0);
        if count != last_count {
            last_count = count;
            last_change = Instant::now();
            first_seen.get_or_insert(last_change);
        }
        if count >= n as u64 || last_change.elapsed() > Duration::from_secs(15) {
            break count;
        }
        if !flooder.is_finished() && key_ms.len() < 5 && Instant::now() < probe_until && count > 0 {
            let t0 = Instant::now();
            tmux(&socket, &["send-keys", "?"]);
            loop {
                if tmux(&socket, &["capture-pane", "-p"]).contains("Keys · any key closes") {
                    key_ms.push(t0.elapsed().as_secs_f64() * 1000.0);
                    break;
                }
                if t0.elapsed() > Duration::from_secs(5) {
                    key_ms.push(f64::INFINITY);
                    break;
                }
            }
            tmux(&socket, &["send-keys", "Escape"]);
            probe_until = Instant::now() + Duration::from_secs(60);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    // The screen is read every ~20 ms: from the first count shown to the last.
    let seconds = last_change
        .duration_since(first_seen.unwrap_or(start))
        .as_secs_f64();
    let usage = proc_usage(&pid);
    let _ = flooder.join();
    let _ = Command::new("tmux")
        .args(["-L", &socket, "kill-server"])
        .status();
    Row {
        name: "mqscope TUI in tmux",
        received,
        seconds,
        usage,
        key_ms,
    }
}

fn report(title: &str, n: usize, rows: &[Row]) {
    println!("\n## {title}");
    println!("| client | received | msg/s | ratio | CPU s / 1M msgs | ratio | peak RSS |");
    println!("|---|---|---|---|---|---|---|");
    let ref_rate = rows[0].received as f64 / rows[0].seconds;
    let ref_cpu = rows[0].usage.cpu / (rows[0].received.max(1) as f64 / 1e6);
    for r in rows {
        let rate = r.received as f64 / r.seconds;
        let cpu = r.usage.cpu / (r.received.max(1) as f64 / 1e6);
        println!(
            "| {} | {} of {} | {} | {:.2} | {:.2} | {:.2} | {:.1} MiB |",
            r.name,
            thousands(r.received),
            thousands(n as u64),
            thousands(rate as u64),
            rate / ref_rate,
            cpu,
            cpu / ref_cpu,
            r.usage.max_rss_kib as f64 / 1024.0
        );
    }
    for r in rows.iter().filter(|r| !r.key_ms.is_empty()) {
        let mut k = r.key_ms.clone();
        k.sort_by(|a, b| a.total_cmp(b));
        println!(
            "key to screen during the flood ({}): {} probes, median {:.0} ms, worst {:.0} ms (tmux capture included)",
            r.name,
            k.len(),
            k[k.len() / 2],
            k[k.len() - 1]
        );
    }
}

fn main() {
    // `cargo bench` passes --bench; a filter argument is not used here.
    let have = |p: &str| {
        Command::new(p)
            .arg("--help")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok()
    };
    if !have("mosquitto") || !have("mosquitto_sub") || !have("tmux") {
        println!(
            "ingest benchmark skipped: needs mosquitto, mosquitto_sub and tmux (apt-get install mosquitto mosquitto-clients tmux)"
        );
        return;
    }
    let n = env_usize("MQSCOPE_BENCH_N", 1_000_000);
    let topics = env_usize("MQSCOPE_BENCH_TOPICS", 10_000);
    let n1 = env_usize("MQSCOPE_BENCH_QOS1_N", 200_000);
    for (title, n, qos) in [
        (
            format!(
                "QoS 0: {} messages over {} topics",
                thousands(n as u64),
                thousands(topics as u64)
            ),
            n,
            QoS::AtMostOnce,
        ),
        (
            format!(
                "QoS 1: {} messages over {} topics",
                thousands(n1 as u64),
                thousands(topics as u64)
            ),
            n1,
            QoS::AtLeastOnce,
        ),
    ] {
        let mut rows = Vec::new();
        for which in 0..3 {
            // A fresh broker each time: nothing queued from the previous client.
            let b = Broker::start();
            rows.push(match which {
                0 => run_reference(&b, n, topics, qos),
                1 => run_headless(&b, n, topics, qos),
                _ => run_tui(&b, n, topics, qos),
            });
        }
        report(&title, n, &rows);
    }
}
