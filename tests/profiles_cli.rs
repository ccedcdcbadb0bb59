//! `mqscope profile list | import-mqttx | export` on real files: an MQTT X export imported into a
//! profile file with comments (kept), every field that does not map named, passwords never
//! imported, the result loadable; export prints a profile as TOML without secrets.

mod common;

use std::time::Duration;

use common::{mqscope, run, stderr, stdout};

const LIMIT: Duration = Duration::from_secs(20);

#[test]
fn import_mqttx_then_list_and_export() {
    let home = tempfile::tempdir().unwrap();
    let cfg = common::write(
        home.path(),
        "config.toml",
        "# my brokers\n[profiles.local]\nbroker = \"mqtt://127.0.0.1:1883\" # the laptop\n",
    );
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mqttx-export.json");
    let mut cmd = mqscope(home.path());
    cmd.args(["profile", "--config"])
        .arg(&cfg)
        .arg("import-mqttx")
        .arg(&fixture);
    let out = run(cmd, LIMIT);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(
        said.contains("factory: imported as mqtts://broker.factory.example:8883"),
        "{said}"
    );
    assert!(
        said.contains("browser ws: imported as ws://ws.example:8083/mqtt"),
        "{said}"
    );
    assert!(said.contains("password: not imported"), "{said}");
    assert!(said.contains("color: not imported"), "{said}");
    assert!(said.contains("2 imported, 0 skipped"), "{said}");
    let text = std::fs::read_to_string(&cfg).unwrap();
    assert!(
        text.starts_with("# my brokers") && text.contains("# the laptop"),
        "comments kept: {text}"
    );
    assert!(!text.contains("do-not-import"), "no password written");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&cfg).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let file = mqscope::config::ConfigFile::parse(&cfg, &text).expect("loadable");
    let f = file.profile("factory").unwrap();
    assert_eq!(f.keep_alive_s, 45);
    assert_eq!(f.subscriptions.len(), 2);
    assert!(f.subscriptions[1].no_local && f.subscriptions[1].retain_handling == 2);
    assert_eq!(f.connect.session_expiry, Some(120));
    assert!(
        f.will
            .as_ref()
            .is_some_and(|w| w.retain && w.topic == "factory/mqttx/status")
    );
    // Again: both are there already.
    let mut again = mqscope(home.path());
    again
        .args(["profile", "--config"])
        .arg(&cfg)
        .arg("import-mqttx")
        .arg(&fixture);
    assert!(stdout(&run(again, LIMIT)).contains("0 imported, 2 skipped"));
    let mut list = mqscope(home.path());
    list.args(["profile", "--config"]).arg(&cfg).arg("list");
    let out = stdout(&run(list, LIMIT));
    assert!(
        out.contains("factory  mqtts://broker.factory.example:8883  v5 as line1"),
        "{out}"
    );
    assert!(out.contains("local  mqtt://127.0.0.1:1883"), "{out}");
    let mut export = mqscope(home.path());
    export
        .args(["profile", "--config"])
        .arg(&cfg)
        .args(["export", "factory"]);
    let out = run(export, LIMIT);
    assert!(out.status.success(), "{}", stderr(&out));
    let toml_text = stdout(&out);
    assert!(
        toml_text.contains("[profiles.factory]") && toml_text.contains("keep_alive_s = 45"),
        "{toml_text}"
    );
    let mut missing = mqscope(home.path());
    missing
        .args(["profile", "--config"])
        .arg(&cfg)
        .args(["export", "nope"]);
    let out = run(missing, LIMIT);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("defined: "), "{}", stderr(&out));
    // Not an export: a clear error, nothing written.
    let junk = common::write(home.path(), "junk.json", "{\"hello\": 1}");
    let before = std::fs::read_to_string(&cfg).unwrap();
    let mut bad = mqscope(home.path());
    bad.args(["profile", "--config"])
        .arg(&cfg)
        .arg("import-mqttx")
        .arg(&junk);
    let out = run(bad, LIMIT);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no MQTT X connections"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_to_string(&cfg).unwrap(), before);
}
