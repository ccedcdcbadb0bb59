//! `mqscope sub` on several brokers at once (two mosquittos on their own ports): every line
//! labelled with its connection (`-v`: `@label topic payload`; `--json`: a `broker` field), by
//! URL or by profile name; one broker that cannot be reached is told and the other goes on
//! (exit 1 at the end, as a refused connection is); the other commands refuse several.

mod common;

use std::time::Duration;

use common::headless::{finish, start_sub};
use common::mosquitto::Mosquitto;
use common::{have_mosquitto, mqscope, run, stderr, stdout};

const LIMIT: Duration = Duration::from_secs(20);

#[test]
fn sub_labels_each_line_with_its_broker() {
    if !have_mosquitto("sub_several") {
        return;
    }
    let (a, b) = (Mosquitto::start(), Mosquitto::start());
    let home = tempfile::tempdir().unwrap();
    // -v: `@URL topic payload`, from each.
    let mut cmd = mqscope(home.path());
    cmd.args([
        "sub",
        "-b",
        &a.url(),
        "-b",
        &b.url(),
        "-t",
        "s/#",
        "-q",
        "1",
    ])
    .args(["-v", "-C", "2", "-d"]);
    let (child, reader) = start_sub(cmd, 2);
    a.publish("s/x", "from a");
    b.publish("s/y", "from b");
    let out = finish(child);
    let err = reader.join().unwrap_or_default();
    assert!(out.status.success(), "{err}");
    let mut lines: Vec<String> = stdout(&out).lines().map(String::from).collect();
    lines.sort();
    let mut want = vec![
        format!("@{} s/x from a", a.url()),
        format!("@{} s/y from b", b.url()),
    ];
    want.sort();
    assert_eq!(lines, want, "{err}");
    // Its stderr lines say which connection too.
    assert!(
        err.contains(&format!("@{} subscribed to 's/#'", a.url())),
        "{err}"
    );

    // --json: a `broker` field; by profile name when given by -P.
    let config = common::write(
        home.path(),
        "c.toml",
        format!(
            "[profiles.site-a]\nbroker = \"{}\"\n\n[profiles.site-b]\nbroker = \"{}\"\n",
            a.url(),
            b.url()
        ),
    );
    let mut cmd = mqscope(home.path());
    cmd.arg("sub").arg("--config").arg(&config).args([
        "-P", "site-a", "-P", "site-b", "-t", "s/#", "-q", "1", "--json", "-C", "2", "-d",
    ]);
    let (child, reader) = start_sub(cmd, 2);
    a.publish("s/x", "1");
    b.publish("s/y", "2");
    let out = finish(child);
    let err = reader.join().unwrap_or_default();
    assert!(out.status.success(), "{err}");
    let mut brokers: Vec<(String, String)> = stdout(&out)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect(l);
            (
                v["broker"].as_str().unwrap_or("").to_string(),
                v["topic"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    brokers.sort();
    assert_eq!(
        brokers,
        [
            ("site-a".to_string(), "s/x".to_string()),
            ("site-b".to_string(), "s/y".to_string())
        ]
    );
}

#[test]
fn one_broker_down_is_told_and_the_other_goes_on() {
    if !have_mosquitto("sub_several_down") {
        return;
    }
    let a = Mosquitto::start();
    let home = tempfile::tempdir().unwrap();
    let nobody = format!("mqtt://127.0.0.1:{}", common::free_port());
    let mut cmd = mqscope(home.path());
    cmd.args(["sub", "-b", &a.url(), "-b", &nobody, "-t", "s/#", "-q", "1"])
        .args(["-v", "-C", "1", "-d"]);
    let (child, reader) = start_sub(cmd, 1);
    a.publish("s/x", "still here");
    let out = finish(child);
    let err = reader.join().unwrap_or_default();
    assert_eq!(
        stdout(&out).trim(),
        format!("@{} s/x still here", a.url()),
        "{err}"
    );
    assert!(
        err.contains(&format!("@{nobody} stopped: {nobody}")),
        "{err}"
    );
    // The failure is the exit status once the command ends, as with one broker.
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(stderr(&out).is_empty() || err.contains("refused"), "{err}");
}

#[test]
fn commands_that_take_one_connection_refuse_several() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        vec![
            "pub",
            "-b",
            "mqtt://127.0.0.1:1",
            "-b",
            "mqtt://127.0.0.1:2",
            "-t",
            "a",
            "-m",
            "x",
        ],
        vec![
            "clear-retained",
            "-b",
            "mqtt://127.0.0.1:1",
            "-b",
            "mqtt://127.0.0.1:2",
            "a/#",
        ],
    ] {
        let mut cmd = mqscope(home.path());
        cmd.args(&args);
        let out = run(cmd, LIMIT);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("only `sub` and the explorer take several connections"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}
