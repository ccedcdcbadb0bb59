//! `cargo bench --bench replay`: a large recording (1 GiB by default,
//! MQSCOPE_BENCH_REPLAY_MIB) replayed at full speed into a private mosquitto, to show that a
//! replay's memory does not grow with the file. The recording is written here by hand, in the
//! format `sub --record` writes: 1 KiB payloads, one in ten binary (base64 in the file), QoS 0,
//! offsets a millisecond apart.
//!
//! The reference, in the same run on the same broker: `mosquitto_pub -l`, which publishes each
//! line of its standard input as a message (the same payload text, without the JSON), so the
//! ratio says what reading the recording's JSON and base64 costs beside the publishing.

mod common;

use std::io::{BufWriter, Write};
use std::process::{Command, Stdio};
use std::time::Instant;

use base64::Engine;
use common::*;

fn main() {
    let mib = env_usize("MQSCOPE_BENCH_REPLAY_MIB", 1024);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.jsonl");
    let lines_file = dir.path().join("payloads.txt");
    let mut rec = BufWriter::new(std::fs::File::create(&file).unwrap());
    let mut plain = BufWriter::new(std::fs::File::create(&lines_file).unwrap());
    writeln!(
        rec,
        r#"{{"recording":{{"format":"mqscope recording","version":1}}}}"#
    )
    .unwrap();
    let text: String = "0123456789abcdef".repeat(64); // 1 KiB
    let binary: Vec<u8> = (0..1024u32).map(|i| (i * 7 % 256) as u8).collect();
    let b64 = base64::engine::general_purpose::STANDARD.encode(&binary);
    let (mut written, mut n) = (0u64, 0u64);
    while written < (mib as u64) << 20 {
        let line = if n % 10 == 9 {
            format!(
                r#"{{"topic":"big/{}","payload":"{b64}","encoding":"base64","qos":0,"retain":false,"offset_ms":{n}}}"#,
                n % 100
            )
        } else {
            format!(
                r#"{{"topic":"big/{}","payload":"{text}","encoding":"utf8","qos":0,"retain":false,"offset_ms":{n}}}"#,
                n % 100
            )
        };
        writeln!(rec, "{line}").unwrap();
        writeln!(plain, "{text}").unwrap();
        written += line.len() as u64 + 1;
        n += 1;
    }
    rec.flush().unwrap();
    plain.flush().unwrap();
    drop((rec, plain));
    println!(
        "recording: {} MiB, {} messages",
        written >> 20,
        thousands(n)
    );

    let broker = Broker::start();
    let url = format!("mqtt://127.0.0.1:{}", broker.port);
    let home = tempfile::tempdir().unwrap();

    let started = Instant::now();
    let mut reference = Command::new("mosquitto_pub")
        .args(["-h", "127.0.0.1", "-p", &broker.port.to_string()])
        .args(["-t", "ref/t", "-q", "0", "-l"])
        .stdin(std::fs::File::open(&lines_file).unwrap())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let r = wait_usage(&mut reference);
    let r_wall = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let mut replay = Command::new(BIN)
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .arg("replay")
        .arg(&file)
        .args(["-b", &url, "--as-fast-as-possible"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = replay.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut err, &mut s);
        s
    });
    let m = wait_usage(&mut replay);
    let m_wall = started.elapsed().as_secs_f64();
    let said = reader.join().unwrap_or_default();
    assert!(m.ok, "replay failed: {said}");

    println!("{said}");
    println!("| client | wall s | CPU s | peak RSS MiB |");
    println!("|---|---|---|---|");
    println!(
        "| reference: mosquitto_pub -l (the payload lines) | {r_wall:.1} | {:.1} | {:.1} |",
        r.cpu,
        r.max_rss_kib as f64 / 1024.0
    );
    println!(
        "| mqscope replay --as-fast-as-possible | {m_wall:.1} | {:.1} | {:.1} |",
        m.cpu,
        m.max_rss_kib as f64 / 1024.0
    );
    println!(
        "replay / reference: wall {:.2}x, CPU {:.2}x; replay's peak RSS is {:.3}% of the file",
        m_wall / r_wall,
        m.cpu / r.cpu.max(1e-9),
        m.max_rss_kib as f64 * 1024.0 / written as f64 * 100.0
    );
}
