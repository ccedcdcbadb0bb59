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
//! MQSCOPE_BENCH_TOPICS (10000), MQSCOPE_BENCH_QOS1_N (200000), MQSCOPE_BENCH_ONLY (a
//! comma-separated subset of `reference,headless,tui`; the reference always runs).

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use rumqttc::QoS;

struct Row {
    name: &'static str,
    received: u64,
    seconds: f64,
    usage: Usage,
    key_ms: Vec<f64>,
    note: Option<String>,
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
    flood(b.port, n, topics, qos, None);
    let usage = wait_usage(&mut child);
    let (received, first, last) = counter.join().unwrap_or((0, start, start));
    Row {
        name: "reference mosquitto_sub",
        received,
        seconds: last.duration_since(first).as_secs_f64(),
        usage,
        key_ms: vec![],
        note: None,
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
    flood(b.port, n, topics, qos, None);
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
        note: None,
    }
}

fn run_tui(b: &Broker, n: usize, topics: usize, qos: QoS) -> Row {
    let home = tempfile::tempdir().unwrap();
    let socket = format!("mqscope-bench-{}", std::process::id());
    let tui = Tui::start(&socket, home.path(), b, qos, "bench-tui", &[]);
    let pid = tui.pid.clone();
    let port = b.port;
    let start = Instant::now();
    let flooder = std::thread::spawn(move || flood(port, n, topics, qos, None));
    // While the flood runs: how long until `?` opens the help on screen, and Esc closes it.
    // One probe a second, so they sample the whole flood.
    let mut key_ms = Vec::new();
    let mut next_probe = Instant::now();
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
        if !flooder.is_finished() && key_ms.len() < 10 && Instant::now() >= next_probe && count > 0
        {
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
            next_probe = Instant::now() + Duration::from_secs(1);
        }
        // Each capture runs a tmux client; reading more often would tax the two cores the
        // flood shares, and the TUI would be charged for the benchmark's own polling.
        std::thread::sleep(Duration::from_millis(50));
    };
    // The screen is read every ~50 ms: from the first count shown to the last.
    let seconds = last_change
        .duration_since(first_seen.unwrap_or(start))
        .as_secs_f64();
    let usage = proc_usage(&pid);
    let tmux_cpu = tui.server_cpu();
    let _ = flooder.join();
    drop(tui);
    Row {
        name: "mqscope TUI in tmux",
        received,
        seconds,
        usage,
        key_ms,
        note: Some(format!(
            "tmux server (parsing what the TUI draws): {:.2} CPU s / 1M msgs",
            tmux_cpu / (received.max(1) as f64 / 1e6)
        )),
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
    for note in rows.iter().filter_map(|r| r.note.as_ref()) {
        println!("{note}");
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
    let only = std::env::var("MQSCOPE_BENCH_ONLY").unwrap_or_else(|_| "headless,tui".into());
    let only: Vec<&str> = only.split(',').map(str::trim).collect();
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
            if which > 0 && !only.contains(&["headless", "tui"][which - 1]) {
                continue;
            }
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
