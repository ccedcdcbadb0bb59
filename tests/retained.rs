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

#[derive(Clone, Default, Debug)]
struct Seen {
    topics: u32,
    phase: String,
    cleared_in_tree: usize,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d_previews_clears_with_progress_and_u_restores() {
    use common::driver;
    use crossterm::event::KeyCode;
    use mqscope::app::App;
    use mqscope::app::cleanup::Phase;
    use mqscope::config::Profile;
    use mqscope::mqtt::BrokerUrl;
    use mqscope::tui::run::Session;
    if !have_mosquitto("retained_d_and_u") {
        return;
    }
    let m = Mosquitto::start();
    seed(&m).await;
    let mut profile = Profile::adhoc(BrokerUrl::parse(&m.url()).unwrap());
    profile.name = "m".into();
    let mut app = App::new(vec![profile], Default::default(), std::time::Instant::now());
    let conn = mqscope::cli::ConnArgs::default();
    let mut session = Session::new(|p: &Profile| mqscope::session::open::open(&conn, &[], p));
    let sample = |app: &App| {
        let cleared = ["clr/a", "clr/b/c", "clr/d"]
            .iter()
            .filter_map(|t| app.link.store.tree.find(t))
            .filter(|id| {
                app.link.store.tree.node(*id).retained == mqscope::store::tree::Retained::Cleared
            })
            .count();
        Seen {
            topics: app.link.store.tree.topic_count(),
            phase: match app.cleanup.as_ref().map(|c| &c.phase) {
                None => String::new(),
                Some(Phase::Looking) => "looking".into(),
                Some(Phase::Preview { found, .. }) => format!("preview {}", found.len()),
                Some(Phase::Working { done, total, .. }) => format!("working {done}/{total}"),
                Some(Phase::Finished(w)) => w.clone(),
            },
            cleared_in_tree: cleared,
        }
    };
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).unwrap();
    let (mut s, looped) = driver::start(&mut terminal, &mut app, &mut session, Some("m"), sample);
    let script = async {
        s.wait("the four retained topics", |s| s.topics == 4).await;
        // Home: the first row, the clr branch; D looks under clr/#.
        s.key(KeyCode::Char('-'));
        s.key(KeyCode::Home);
        s.key(KeyCode::Char('D'));
        s.wait("a preview of the three", |s| s.phase == "preview 3")
            .await;
        assert_eq!(
            retained_at(&m, "clr/#").len(),
            3,
            "the preview clears nothing"
        );
        s.key(KeyCode::Enter);
        s.wait("cleared, every one acknowledged", |s| {
            s.phase.starts_with("cleared 3")
        })
        .await;
        assert!(retained_at(&m, "clr/#").is_empty());
        assert_eq!(
            retained_at(&m, "keep/#"),
            ["keep/x 4"],
            "outside the subtree: kept"
        );
        s.wait("the tree shows them cleared", |s| s.cleared_in_tree == 3)
            .await;
        s.key(KeyCode::Esc);
        s.key(KeyCode::Char('u'));
        s.wait("restored", |s| s.phase.starts_with("restored 3"))
            .await;
        assert_eq!(
            retained_at(&m, "clr/#"),
            ["clr/a 1", "clr/b/c 2", "clr/d 3"]
        );
        s.key(KeyCode::Esc);
        s.key(KeyCode::Char('q'));
    };
    driver::finish(looped, script).await;
}

/// The tree's R follows the broker: under MQTT 5 the explorer subscribes with
/// retain-as-published, so another client's live retained publish marks its topic and an empty
/// retained publish clears it; under MQTT 3.1.1 (which has no such option) live publishes
/// arrive unflagged and leave the mark as it was, as the help says.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_follows_what_the_broker_retains_live_under_mqtt5() {
    use common::driver;
    use crossterm::event::KeyCode;
    use mqscope::app::App;
    use mqscope::config::Profile;
    use mqscope::mqtt::BrokerUrl;
    use mqscope::store::tree::Retained;
    use mqscope::tui::run::Session;
    if !have_mosquitto("retained_r_live") {
        return;
    }
    let m = Mosquitto::start();
    for protocol in [Protocol::V5, Protocol::V311] {
        let topic = format!("live/{protocol}/lamp");
        let mut profile = Profile::adhoc(BrokerUrl::parse(&m.url()).unwrap());
        profile.name = "m".into();
        profile.protocol = protocol;
        let mut app = App::new(vec![profile], Default::default(), std::time::Instant::now());
        let conn = mqscope::cli::ConnArgs::default();
        let filters = vec!["live/#".to_string()];
        let mut session =
            Session::new(|p: &Profile| mqscope::session::open::open(&conn, &filters, p));
        let t = topic.clone();
        let sample = move |app: &App| {
            let connected = matches!(
                app.link.conn.as_ref().map(|c| &c.state),
                Some(mqscope::mqtt::ConnState::Connected { .. })
            );
            let subscribed = app
                .link
                .subscriptions
                .iter()
                .all(|s| matches!(s.status, mqscope::app::SubStatus::Granted(_)));
            let node = app.link.store.tree.find(&t);
            let seen = node.map_or(0, |n| app.link.store.tree.node(n).msg_count);
            let mark = node.map(|n| app.link.store.tree.node(n).retained);
            (connected && subscribed, seen, mark)
        };
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).unwrap();
        let (mut ui, looped) =
            driver::start(&mut terminal, &mut app, &mut session, Some("m"), sample);
        let mut other = Client::start(&client::settings(&m.url(), Protocol::V5));
        let script = async {
            ui.wait("connected and subscribed", |s| s.0).await;
            let id = other.publish(&topic, b"on".to_vec(), QoS::AtLeastOnce, true);
            other.outcome(id).await;
            let (_, _, mark) = ui.wait("the live publish", |s| s.1 >= 1).await;
            let id = other.publish(&topic, Vec::new(), QoS::AtLeastOnce, true);
            other.outcome(id).await;
            let (_, _, cleared) = ui.wait("the empty publish", |s| s.1 >= 2).await;
            match protocol {
                Protocol::V5 => {
                    assert_eq!(
                        mark,
                        Some(Retained::Held),
                        "a live retained publish marks R"
                    );
                    assert_eq!(cleared, Some(Retained::Cleared), "an empty one clears it");
                }
                _ => {
                    assert_eq!(mark, Some(Retained::Unknown), "3.1.1: live, unflagged");
                    assert_eq!(cleared, Some(Retained::Unknown), "3.1.1: live, unflagged");
                }
            }
            ui.key(KeyCode::Char('q'));
        };
        driver::finish(looped, script).await;
        other.stop().await;
    }
}
