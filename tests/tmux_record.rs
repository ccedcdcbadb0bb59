//! `E` in the explorer, through the real binary in tmux at 120×40 and 80×24 against
//! mosquitto: the bar says it records and how many, `E` again says what reached which file,
//! and that file is a recording `mqscope replay` publishes again (binary payload included).

mod common;

use std::process::Command;
use std::time::Duration;

use common::mosquitto::Mosquitto;
use common::tmux::{Tmux, flat, have_tmux};
use common::{have_mosquitto, mqscope, run, stderr};

const SIZES: [(u16, u16); 2] = [(120, 40), (80, 24)];

fn publish(m: &Mosquitto, args: &[&str]) {
    m.mosquitto_pub(&[&["-q", "1"], args].concat());
}

#[test]
fn e_records_to_a_new_file_that_replays_at_both_sizes() {
    if !have_mosquitto("tmux_record") || !have_tmux("tmux_record") {
        return;
    }
    let m = Mosquitto::start();
    for size in SIZES {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path();
        publish(&m, &["-t", "rec/before", "-m", "old", "-r"]);
        let t = Tmux::start_sized(dir, &format!("-b {} -t rec/#", m.url()), "", size);
        t.wait_for("● connected");
        t.wait_for("old");
        t.keys(&["E"]);
        t.wait_for("● REC 0 msgs");
        let bin = dir.join("payload.bin");
        std::fs::write(&bin, [0x1b, b'[', b'2', b'J', 0x00, 0xff]).unwrap();
        publish(&m, &["-t", "rec/bin", "-f", bin.to_str().unwrap()]);
        publish(&m, &["-t", "rec/a", "-m", "one"]);
        publish(&m, &["-t", "rec/a", "-m", "two"]);
        t.wait_for("● REC 3 msgs");
        let bar = t.screen().lines().last().unwrap_or("").to_string();
        assert!(bar.starts_with("● connected"), "{size:?}: {bar}");
        t.keys(&["E"]);
        let words = flat(&t.wait_for_words("recorded 3 messages to"));
        let files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("mqscope-recording-") && n.ends_with(".jsonl"))
            .collect();
        assert_eq!(files.len(), 1, "{size:?}: {files:?}");
        assert!(
            words.contains(&files[0]),
            "{size:?}: the file is told: {words}"
        );
        t.wait_gone("● REC");
        t.keys(&["q"]);
        t.wait_for("EXIT=0");

        let path = dir.join(&files[0]);
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("JSON"))
            .collect();
        assert_eq!(
            lines.len(),
            4,
            "{size:?}: a header and three messages: {text}"
        );
        assert_eq!(lines[0]["recording"]["filters"][0], "rec/#");
        assert_eq!(lines[1]["encoding"], "base64");
        assert_eq!(lines[3]["payload"], "two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }

        // Replayed under a prefix, checked by mosquitto_sub.
        let sub = Command::new("mosquitto_sub")
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &m.port.to_string(),
                "-i",
                "rec-check",
            ])
            .args(["-t", "again/#", "-C", "3", "-F", "%t %x"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        assert!(m.logged(&["rec-check", "again/#"], Duration::from_secs(20)));
        let mut cmd = mqscope(dir);
        cmd.arg("replay").arg(&path).args([
            "-b",
            &m.url(),
            "--prefix",
            "again",
            "--as-fast-as-possible",
        ]);
        let out = run(cmd, Duration::from_secs(20));
        assert!(out.status.success(), "{}", stderr(&out));
        let got = common::headless::finish(sub);
        assert_eq!(
            String::from_utf8_lossy(&got.stdout),
            "again/rec/bin 1b5b324a00ff\nagain/rec/a 6f6e65\nagain/rec/a 74776f\n"
        );
    }
}
