//! `[[schemas]]`: JSON Schemas (draft 2020-12, `$ref` to a local file) checked at load with
//! their files named, `sub --json`'s verdict through mosquitto, and the explorer's mark and
//! detail in tmux at 120×40 and 80×24.

mod common;

use std::time::Duration;

use common::mosquitto::Mosquitto;
use common::tmux::{Tmux, flat, have_tmux};
use common::{have_mosquitto, mqscope, run, stderr, stdout, write};

const LIMIT: Duration = Duration::from_secs(20);

/// A profile file with one rule, its schema (a `$ref` into a second file) beside it.
fn files(dir: &std::path::Path) -> std::path::PathBuf {
    write(
        dir,
        "units.json",
        r#"{"$defs": {"celsius": {"type": "number", "minimum": -50, "maximum": 150}}}"#,
    );
    write(
        dir,
        "reading.json",
        r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["temp", "unit"],
  "properties": {
    "temp": {"$ref": "units.json#/$defs/celsius"},
    "unit": {"enum": ["C"]}
  },
  "unevaluatedProperties": false
}"#,
    );
    write(
        dir,
        "config.toml",
        "[[schemas]]\nfilter = \"plant/+/reading\"\nfile = \"reading.json\"\n",
    )
}

#[test]
fn broken_schemas_are_named_with_their_files() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path();
    let cases = [
        ("missing.json", None, "cannot read it"),
        (
            "bad.json",
            Some("{\n  \"type\": \"object\",\n  oops\n}"),
            "bad.json:3:",
        ),
        (
            "wrong.json",
            Some(r#"{"type": 12}"#),
            "not a schema we can use",
        ),
        (
            "far.json",
            Some(r#"{"$ref": "https://example.com/s.json"}"#),
            "only local files",
        ),
    ];
    for (file, text, says) in cases {
        if let Some(t) = text {
            write(dir, file, t);
        }
        let config = write(
            dir,
            "config.toml",
            format!("[[schemas]]\nfilter = \"a/#\"\nfile = \"{file}\"\n"),
        );
        let mut cmd = mqscope(dir);
        cmd.args(["sub", "-b", "mqtt://127.0.0.1:1", "--config"])
            .arg(&config)
            .args(["-t", "#", "--json"]);
        let out = run(cmd, LIMIT);
        assert_eq!(out.status.code(), Some(2), "{file}");
        let e = stderr(&out);
        assert!(
            e.contains("config.toml:3:") && e.contains("schemas.file") && e.contains(says),
            "{file}: {e}"
        );
    }
}

#[test]
fn sub_json_carries_each_payloads_verdict() {
    if !have_mosquitto("schemas") {
        return;
    }
    let m = Mosquitto::start();
    let home = tempfile::tempdir().unwrap();
    let config = files(home.path());
    m.mosquitto_pub(&[
        "-t",
        "plant/1/reading",
        "-m",
        r#"{"temp": 21.5, "unit": "C"}"#,
        "-r",
    ]);
    m.mosquitto_pub(&[
        "-t",
        "plant/2/reading",
        "-m",
        r#"{"temp": 900, "unit": "F", "x": 1}"#,
        "-r",
    ]);
    m.mosquitto_pub(&["-t", "plant/3/reading", "-m", "not json", "-r"]);
    m.mosquitto_pub(&["-t", "plant/other", "-m", "{}", "-r"]);
    let mut cmd = mqscope(home.path());
    cmd.args(["sub", "-b", &m.url(), "--config"])
        .arg(&config)
        .args(["-t", "plant/#", "--json", "-C", "4"]);
    let out = run(cmd, LIMIT);
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let by = |t: &str| lines.iter().find(|v| v["topic"] == t).unwrap().clone();
    assert_eq!(by("plant/1/reading")["schema"]["valid"], true);
    let bad = by("plant/2/reading");
    assert_eq!(bad["schema"]["valid"], false);
    assert_eq!(bad["schema"]["file"], "reading.json");
    let paths: Vec<&str> = bad["schema"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert!(
        paths.contains(&"/temp") && paths.contains(&"/unit"),
        "{bad}"
    );
    assert!(
        by("plant/3/reading")["schema"]["not_checked"]
            .as_str()
            .unwrap()
            .starts_with("not JSON")
    );
    assert!(
        by("plant/other").get("schema").is_none(),
        "no rule, no verdict"
    );
}

#[test]
fn the_tree_marks_a_topic_that_breaks_its_schema_and_the_detail_says_where() {
    if !have_mosquitto("schemas_tmux") || !have_tmux("schemas_tmux") {
        return;
    }
    let m = Mosquitto::start();
    for size in [(120, 40), (80, 24)] {
        let home = tempfile::tempdir().unwrap();
        let config = files(home.path());
        let args = format!("-b {} --config {} -t plant/#", m.url(), config.display());
        let t = Tmux::start_sized(home.path(), &args, "", size);
        t.wait_for("● connected");
        m.publish("plant/7/reading", r#"{"temp": 22, "unit": "C"}"#);
        t.wait_for_words("schema reading.json: valid");
        m.publish("plant/7/reading", r#"{"temp": "warm", "unit": "C"}"#);
        t.wait_until("the mark", |l| l.contains("✗ reading"));
        let words = flat(&t.wait_for_words("schema reading.json: 1 violation: /temp:"));
        assert!(
            words.contains("\"warm\" is not of type \"number\""),
            "{size:?}: {words}"
        );
        // Valid again: the mark goes.
        m.publish("plant/7/reading", r#"{"temp": 23, "unit": "C"}"#);
        t.wait_gone("✗ reading");
        t.keys(&["q"]);
        t.wait_for("EXIT=0");
    }
}
