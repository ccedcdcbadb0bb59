//! `sub --record FILE` through mosquitto: a new 0600 file with a header line, then every
//! message as `--json` prints it (binary payloads in base64, the retained flag, MQTT 5 user
//! properties) with its monotonic offset; never over an existing file.

mod common;

use std::time::Duration;

use base64::Engine;
use common::headless::{finish, start_sub};
use common::mosquitto::Mosquitto;
use common::{have_mosquitto, mqscope, stderr};

const LIMIT: Duration = Duration::from_secs(20);

/// mosquitto_pub, MQTT 5, with `extra` arguments.
fn mosquitto_pub(m: &Mosquitto, extra: &[&str]) {
    m.mosquitto_pub(&[&["-V", "5"], extra].concat());
}

#[test]
fn a_recording_keeps_binary_retained_and_properties_and_never_overwrites() {
    if !have_mosquitto("record") {
        return;
    }
    let m = Mosquitto::start();
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rec.jsonl");
    // Hand-written bytes, not UTF-8, retained before the recording starts.
    let binary: &[u8] = &[0x00, 0xff, 0xfe, b'\n', 0x1b, 0x80];
    let bin_file = dir.path().join("payload.bin");
    std::fs::write(&bin_file, binary).unwrap();
    mosquitto_pub(
        &m,
        &["-t", "rec/bin", "-r", "-f", bin_file.to_str().unwrap()],
    );

    let mut cmd = mqscope(home.path());
    cmd.args([
        "sub",
        "-b",
        &m.url(),
        "--protocol",
        "5",
        "-t",
        "rec/#",
        "-q",
        "1",
        "-C",
        "3",
        "-d",
    ])
    .arg("--record")
    .arg(&file);
    let (child, err) = start_sub(cmd, 1);
    mosquitto_pub(
        &m,
        &[
            "-t",
            "rec/text",
            "-m",
            "héllo",
            "-D",
            "publish",
            "user-property",
            "k",
            "v",
        ],
    );
    mosquitto_pub(&m, &["-t", "rec/text", "-m", "second", "-q", "1"]);
    let out = finish(child);
    let errors = err.join().unwrap_or_default();
    assert!(out.status.success(), "{errors}");

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the recording is its owner's only");
    }
    let text = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 4, "a header and three messages: {text}");
    let head = &lines[0]["recording"];
    assert_eq!(head["format"], "mqscope recording");
    assert_eq!(head["brokers"][0], m.url());
    assert_eq!(head["filters"][0], "rec/#");
    assert!(
        head["recorded_by"]
            .as_str()
            .unwrap()
            .starts_with("mqscope ")
    );

    let bin = &lines[1];
    assert_eq!(
        (bin["topic"].as_str(), bin["retain"].as_bool()),
        (Some("rec/bin"), Some(true))
    );
    assert_eq!(bin["encoding"], "base64");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(bin["payload"].as_str().unwrap())
        .unwrap();
    assert_eq!(bytes, binary, "the payload byte for byte");

    let first = &lines[2];
    assert_eq!(
        (first["payload"].as_str(), first["encoding"].as_str()),
        (Some("héllo"), Some("utf8"))
    );
    assert_eq!(first["retain"], false);
    assert_eq!(
        first["properties"]["user_properties"][0],
        serde_json::json!(["k", "v"]),
        "{first}"
    );
    assert_eq!(
        (lines[3]["payload"].as_str(), lines[3]["qos"].as_u64()),
        (Some("second"), Some(1))
    );

    let offsets: Vec<f64> = lines[1..]
        .iter()
        .map(|l| l["offset_ms"].as_f64().unwrap())
        .collect();
    assert!(
        offsets.windows(2).all(|w| w[0] <= w[1]),
        "monotonic: {offsets:?}"
    );
    assert!(offsets[0] >= 0.0);

    // The same name again: refused before connecting, the recording untouched.
    let mut again = mqscope(home.path());
    again
        .args(["sub", "-b", &m.url(), "-t", "rec/#", "-C", "1", "--record"])
        .arg(&file);
    let out = common::run(again, LIMIT);
    assert!(!out.status.success());
    let e = stderr(&out);
    assert!(
        e.contains("the file exists") && e.contains("rec.jsonl"),
        "{e}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
}
