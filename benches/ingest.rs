//! End-to-end ingest benchmark: `cargo bench --bench ingest`.
//!
//! Two streams, every client on a fresh source of its own, all in the same run:
//! - through mosquitto: a flood publisher (in this process) into a private mosquitto;
//! - client-bound: the project's fake broker (`common/blaster.rs`) writes the messages as fast
//!   as the client takes them, so the client, not the broker, sets the pace.
//!
//! Clients:
//! - the reference, exactly `mosquitto_sub -t '#' -C N > /dev/null`;
//! - the floor: the cheapest client on rumqttc (as `../shared/bench/bare-rumqttc` is: connect,
//!   subscribe `#`, count PUBLISH events, exit), this bench binary run again with
//!   MQSCOPE_BENCH_FLOOR so its CPU is a process's own; the `vs floor` column divides by it;
//! - `mqscope sub -C N` into a pipe read and thrown away;
//! - `mqscope ingest` (hidden): the worker feeding the store, without a screen;
//! - the TUI in tmux (120x40); its status bar's message count, read every 50 ms, is the finish
//!   line, and while the stream runs a key (`?`) is timed until it changes the screen.
//!
//! Each client is timed from the stream's start (the flood's first publish; the blaster's
//! SUBSCRIBE) to its exit (reference, headless) or to N shown (TUI). CPU is the client's own
//! (wait4, or /proc for the TUI), per million messages. Ratios are against the reference on the
//! same stream in the same run. Environment: MQSCOPE_BENCH_N (1000000), MQSCOPE_BENCH_TOPICS
//! (10000), MQSCOPE_BENCH_QOS1_N (200000).

mod common;

use std::process::{Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use common::blaster::Blaster;
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

/// Where a client's messages come from.
enum Source {
    Mosquitto(Broker),
    Blaster(Blaster),
}

impl Source {
    fn port(&self) -> u16 {
        match self {
            Source::Mosquitto(b) => b.port,
            Source::Blaster(b) => b.port,
        }
    }

    /// Waits for `client_id` to be subscribed and starts the stream: (its start, the flood).
    fn begin(
        &self,
        client_id: &str,
        n: usize,
        topics: usize,
        qos: QoS,
    ) -> (Instant, Option<JoinHandle<usize>>) {
        match self {
            Source::Mosquitto(b) => {
                b.wait_subscribed(client_id);
                let port = b.port;
                let start = Instant::now();
                let flood = std::thread::spawn(move || flood(port, n, topics, qos, None));
                (start, Some(flood))
            }
            Source::Blaster(b) => (b.wait_started(), None),
        }
    }
}

fn qos_arg(qos: QoS) -> &'static str {
    if qos == QoS::AtMostOnce { "0" } else { "1" }
}

fn dev_null() -> Stdio {
    std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/null")
        .map(Stdio::from)
        .unwrap_or_else(|_| Stdio::null())
}

fn run_reference(src: &Source, n: usize, topics: usize, qos: QoS) -> Row {
    let mut child = Command::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &src.port().to_string()])
        .args(["-t", "#", "-q", qos_arg(qos), "-i", "bench-ref"])
        .args(["-C", &n.to_string(), "-W", "120"])
        .stdout(dev_null())
        .spawn()
        .expect("mosquitto_sub");
    let name = "reference mosquitto_sub -C N > /dev/null";
    until_exit(src, "bench-ref", n, topics, qos, &mut child, name)
}

/// Starts the stream for `child` (subscribed as `client_id`) and waits for it to exit: a
/// client of `-C N` exits 0 only once N messages arrived (-W ends it with an error otherwise).
fn until_exit(
    src: &Source,
    client_id: &str,
    n: usize,
    topics: usize,
    qos: QoS,
    child: &mut std::process::Child,
    name: &'static str,
) -> Row {
    let (start, flood) = src.begin(client_id, n, topics, qos);
    let usage = wait_usage(child);
    let seconds = start.elapsed().as_secs_f64();
    if let Some(f) = flood {
        let _ = f.join();
    }
    Row {
        name,
        received: if usage.ok { n as u64 } else { 0 },
        seconds,
        usage,
        key_ms: vec![],
        note: None,
    }
}

/// The floor's process: `PORT,COUNT,QOS` (QoS 0 or 1). Exits 0 once COUNT messages came.
fn floor_main(spec: &str) {
    let parts: Vec<u64> = spec.split(',').filter_map(|p| p.parse().ok()).collect();
    let [port, count, qos] = parts[..] else {
        eprintln!("MQSCOPE_BENCH_FLOOR=PORT,COUNT,QOS, not {spec}");
        std::process::exit(2);
    };
    let qos = if qos == 0 {
        QoS::AtMostOnce
    } else {
        QoS::AtLeastOnce
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let got = rt.block_on(async move {
        use rumqttc::{AsyncClient, Event, MqttOptions, Packet};
        let mut o = MqttOptions::new("bench-floor", "127.0.0.1", port as u16);
        o.set_max_packet_size(1 << 20, 1 << 20);
        let (client, mut ev) = AsyncClient::new(o, 1024);
        if client.subscribe("#", qos).await.is_err() {
            return 0;
        }
        let mut n = 0u64;
        while n < count {
            match ev.poll().await {
                Ok(Event::Incoming(Packet::Publish(_))) => n += 1,
                Ok(_) => {}
                Err(_) => break,
            }
        }
        n
    });
    std::process::exit(if got == count { 0 } else { 1 });
}

fn run_floor(src: &Source, n: usize, topics: usize, qos: QoS) -> Row {
    let me = std::env::current_exe().expect("the bench binary");
    let q = if qos == QoS::AtMostOnce { 0 } else { 1 };
    let mut child = Command::new(me)
        .env("MQSCOPE_BENCH_FLOOR", format!("{},{n},{q}", src.port()))
        .stdout(dev_null())
        .spawn()
        .expect("the floor client");
    let name = "floor: bare rumqttc client, counts PUBLISH events";
    until_exit(src, "bench-floor", n, topics, qos, &mut child, name)
}

/// `mqscope sub -t '#' -C N` into a pipe whose reader throws the lines away.
fn run_sub(src: &Source, n: usize, topics: usize, qos: QoS) -> Row {
    let home = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args(["sub", "-b", &format!("mqtt://127.0.0.1:{}", src.port())])
        .args(["-t", "#", "-q", qos_arg(qos), "--client-id", "bench-sub"])
        .args(["-C", &n.to_string(), "-W", "15"])
        .env("XDG_CONFIG_HOME", home.path())
        .env("XDG_CACHE_HOME", home.path())
        .stdout(Stdio::piped())
        .spawn()
        .expect("mqscope sub");
    let mut out = child.stdout.take().expect("stdout");
    let drain = std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    let name = "mqscope sub -C N into a pipe";
    let row = until_exit(src, "bench-sub", n, topics, qos, &mut child, name);
    let _ = drain.join();
    row
}

fn run_headless(src: &Source, n: usize, topics: usize, qos: QoS) -> Row {
    let home = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args(["ingest", "-b", &format!("mqtt://127.0.0.1:{}", src.port())])
        .args([
            "-t",
            "#",
            "-q",
            qos_arg(qos),
            "--client-id",
            "bench-headless",
        ])
        .args(["-C", &n.to_string(), "-W", "15"])
        .env("XDG_CONFIG_HOME", home.path())
        .env("XDG_CACHE_HOME", home.path())
        .stdout(Stdio::piped())
        .spawn()
        .expect("mqscope ingest");
    let (start, flood) = src.begin("bench-headless", n, topics, qos);
    let mut out = String::new();
    if let Some(mut o) = child.stdout.take() {
        use std::io::Read;
        let _ = o.read_to_string(&mut out);
    }
    let usage = wait_usage(&mut child);
    let seconds = start.elapsed().as_secs_f64();
    if let Some(f) = flood {
        let _ = f.join();
    }
    let received = out
        .split_whitespace()
        .find_map(|kv| kv.strip_prefix("received="))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    Row {
        name: "mqscope headless (worker + store)",
        received,
        seconds,
        usage,
        key_ms: vec![],
        note: None,
    }
}

fn run_tui(src: &Source, n: usize, topics: usize, qos: QoS) -> Row {
    let home = tempfile::tempdir().unwrap();
    let socket = format!("mqscope-bench-{}", std::process::id());
    let tui = Tui::start(&socket, home.path(), src.port(), qos, "bench-tui", &[]);
    let pid = tui.pid.clone();
    let (start, flood) = src.begin("bench-tui", n, topics, qos);
    // While the stream runs: how long until `?` opens the help on screen, and Esc closes it.
    // One probe a second, so they sample the whole stream.
    let mut key_ms = Vec::new();
    let mut next_probe = Instant::now();
    let mut last_count = 0;
    let mut last_change = Instant::now();
    let mut done_at = None;
    let received = loop {
        let screen = tmux(&socket, &["capture-pane", "-p"]);
        let count = status_count(&screen).unwrap_or(0);
        if count != last_count {
            last_count = count;
            last_change = Instant::now();
        }
        if count >= n as u64 {
            done_at = Some(last_change);
            break count;
        }
        if last_change.elapsed() > Duration::from_secs(15) {
            break count;
        }
        if key_ms.len() < 10 && Instant::now() >= next_probe && count > 0 {
            let t0 = Instant::now();
            tmux(&socket, &["send-keys", "?"]);
            loop {
                if tmux(&socket, &["capture-pane", "-p"]).contains("type to search") {
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
        // stream shares, and the TUI would be charged for the benchmark's own polling.
        std::thread::sleep(Duration::from_millis(50));
    };
    let seconds = done_at
        .unwrap_or(last_change)
        .duration_since(start)
        .as_secs_f64();
    let usage = proc_usage(&pid);
    let tmux_cpu = tui.server_cpu();
    if let Some(f) = flood {
        let _ = f.join();
    }
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
    println!(
        "| client | received | msg/s (start to finish) | ratio | CPU s / 1M msgs | ratio | vs floor | peak RSS |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let per_s = |r: &Row| r.received as f64 / r.seconds.max(1e-9);
    let cpu_per_m = |r: &Row| r.usage.cpu / (r.received.max(1) as f64 / 1e6);
    let (ref_rate, ref_cpu) = (per_s(&rows[0]), cpu_per_m(&rows[0]));
    let floor = rows
        .iter()
        .find(|r| r.name.starts_with("floor"))
        .map(cpu_per_m);
    for r in rows {
        println!(
            "| {} | {} of {} | {} | {:.2} | {:.2} | {:.2} | {} | {:.1} MiB |",
            r.name,
            thousands(r.received),
            thousands(n as u64),
            thousands(per_s(r) as u64),
            per_s(r) / ref_rate,
            cpu_per_m(r),
            cpu_per_m(r) / ref_cpu,
            floor.map_or("–".into(), |f| format!("{:.2}", cpu_per_m(r) / f)),
            r.usage.max_rss_kib as f64 / 1024.0
        );
    }
    for r in rows.iter().filter(|r| !r.key_ms.is_empty()) {
        let mut k = r.key_ms.clone();
        k.sort_by(|a, b| a.total_cmp(b));
        println!(
            "key to screen during the stream ({}): {} probes, median {:.0} ms, worst {:.0} ms (tmux capture included)",
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

type Client = fn(&Source, usize, usize, QoS) -> Row;

fn main() {
    if let Ok(spec) = std::env::var("MQSCOPE_BENCH_FLOOR") {
        return floor_main(&spec);
    }
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
    let clients: [Client; 5] = [run_reference, run_floor, run_sub, run_headless, run_tui];
    let runs = [
        ("through mosquitto, QoS 0", n, QoS::AtMostOnce, false),
        ("client-bound (blaster), QoS 0", n, QoS::AtMostOnce, true),
        ("through mosquitto, QoS 1", n1, QoS::AtLeastOnce, false),
    ];
    for (what, n, qos, blaster) in runs {
        let title = format!(
            "{what}: {} messages over {} topics",
            thousands(n as u64),
            thousands(topics as u64)
        );
        let rows: Vec<Row> = clients
            .iter()
            .map(|client| {
                // A fresh source each time: nothing queued from the previous client.
                let src = if blaster {
                    Source::Blaster(Blaster::start(n, topics))
                } else {
                    Source::Mosquitto(Broker::start())
                };
                client(&src, n, topics, qos)
            })
            .collect();
        report(&title, n, &rows);
    }
}
