//! Long flood, flat memory: `cargo bench --bench soak`.
//!
//! Starts mosquitto on 127.0.0.1, opens the TUI in tmux (120x40) with the default history budget
//! (256 MiB), floods small QoS 0 messages over MQSCOPE_SOAK_TOPICS (10000) topics for
//! MQSCOPE_SOAK_SECS (600) seconds, and samples the TUI's resident memory every
//! MQSCOPE_SOAK_EVERY (10) seconds with the message count its status bar shows.
//!
//! Memory grows until the store's budget is full (the status bar then says "history trimmed"),
//! and from then on should stay flat: the target is a spread within 5% from the first sample
//! after the budget filled to the end.

mod common;

use std::time::{Duration, Instant};

use common::*;
use rumqttc::QoS;

fn main() {
    let have = |p: &str| {
        std::process::Command::new(p)
            .arg("--help")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok()
    };
    if !have("mosquitto") || !have("tmux") {
        println!(
            "soak benchmark skipped: needs mosquitto and tmux (apt-get install mosquitto tmux)"
        );
        return;
    }
    let secs = env_usize("MQSCOPE_SOAK_SECS", 600) as u64;
    let topics = env_usize("MQSCOPE_SOAK_TOPICS", 10_000);
    let every = Duration::from_secs(env_usize("MQSCOPE_SOAK_EVERY", 10).max(1) as u64);

    let broker = Broker::start();
    let home = tempfile::tempdir().expect("temp dir");
    let socket = format!("mqscope-soak-{}", std::process::id());
    let tui = Tui::start(
        &socket,
        home.path(),
        broker.port,
        QoS::AtMostOnce,
        "soak-tui",
        &[],
    );
    broker.wait_subscribed("soak-tui");
    let port = broker.port;
    let start = Instant::now();
    let deadline = start + Duration::from_secs(secs);
    let flooder = std::thread::spawn(move || {
        flood(port, usize::MAX, topics, QoS::AtMostOnce, Some(deadline))
    });

    println!(
        "## Soak: QoS 0 flood over {} topics for {secs} s, TUI in tmux, default budget",
        thousands(topics as u64)
    );
    println!("| time | messages shown | RSS | store full |");
    println!("|---|---|---|---|");
    let mut samples: Vec<(f64, i64, bool)> = Vec::new();
    let mut next = start + every;
    while !flooder.is_finished() {
        let now = Instant::now();
        if now < next {
            std::thread::sleep((next - now).min(Duration::from_millis(200)));
            continue;
        }
        next += every;
        let screen = tui.screen();
        let count = status_count(&screen).unwrap_or(0);
        let full = screen.contains("history trimmed");
        let rss = rss_kib(&tui.pid);
        let t = start.elapsed().as_secs_f64();
        samples.push((t, rss, full));
        println!(
            "| {t:.0} s | {} | {:.1} MiB | {} |",
            thousands(count),
            rss as f64 / 1024.0,
            if full { "yes" } else { "no" }
        );
    }
    let sent = flooder.join().unwrap_or(0);
    // The TUI may still be working through what the broker sent last: wait for its count to
    // settle (unchanged for two seconds, at most 30 s).
    let mut final_count = status_count(&tui.screen()).unwrap_or(0);
    let settle_by = Instant::now() + Duration::from_secs(30);
    while Instant::now() < settle_by {
        std::thread::sleep(Duration::from_secs(2));
        let c = status_count(&tui.screen()).unwrap_or(0);
        if c == final_count {
            break;
        }
        final_count = c;
    }
    let usage = proc_usage(&tui.pid);
    drop(tui);

    println!(
        "\npublished {}, the TUI counted {} (QoS 0: the broker may drop what it cannot queue)",
        thousands(sent as u64),
        thousands(final_count)
    );
    println!(
        "TUI CPU: {:.1} s, {:.2} s per 1M messages; peak RSS {:.1} MiB",
        usage.cpu,
        usage.cpu / (final_count.max(1) as f64 / 1e6),
        usage.max_rss_kib as f64 / 1024.0
    );
    match samples.iter().position(|s| s.2) {
        None => println!("the budget never filled: no flat stretch to judge (flood longer)"),
        Some(i) => {
            let after = &samples[i..];
            let lo = after.iter().map(|s| s.1).min().unwrap_or(0);
            let hi = after.iter().map(|s| s.1).max().unwrap_or(0);
            println!(
                "from {:.0} s (budget full) to {:.0} s: RSS {:.1}–{:.1} MiB, spread {:.1}% (target ≤ 5%)",
                after[0].0,
                after[after.len() - 1].0,
                lo as f64 / 1024.0,
                hi as f64 / 1024.0,
                (hi - lo) as f64 / lo.max(1) as f64 * 100.0
            );
        }
    }
}
