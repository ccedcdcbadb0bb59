//! Several brokers in one explorer, through the real loop on a TestBackend: two mosquittos and
//! the embedded broker at once. Three connections flooded past one history budget stay within
//! it, each within its share, and the status bar says how it is split; one broker going down
//! leaves the others flowing, and the bar counts it as failing.

mod common;
use common::client::{self, Client};
use common::driver;
use common::have_mosquitto;
use common::mosquitto::Mosquitto;

use std::time::Instant;

use mqscope::app::{App, ConnId, Msg};
use mqscope::broker::EmbeddedBroker;
use mqscope::config::Profile;
use mqscope::mqtt::{BrokerUrl, Protocol, QoS};
use mqscope::store::Limits;
use mqscope::tui::run::Session;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn profile(name: &str, url: &str) -> Profile {
    let mut p = Profile::adhoc(BrokerUrl::parse(url).expect("url"));
    p.name = name.into();
    p
}

/// What the script waits on: each connection's name, messages received, memory held and
/// budget share, and whether it is connected.
#[derive(Clone, Debug, Default)]
struct Seen {
    links: Vec<(String, u64, usize, usize, bool)>,
    others: Option<String>,
}

fn sample(app: &App) -> Seen {
    Seen {
        links: app
            .links()
            .iter()
            .map(|l| {
                let c = l.conn.as_ref();
                (
                    c.map(|c| c.name.clone()).unwrap_or_default(),
                    l.store.received,
                    l.store.memory_bytes(),
                    l.store.limits().memory_budget,
                    c.is_some_and(|c| {
                        matches!(c.state, mqscope::mqtt::ConnState::Connected { .. })
                    }),
                )
            })
            .collect(),
        others: app.others_words().map(|(w, _)| w),
    }
}

/// `a`, `b` and `c` opened side by side, `a` in focus (what `-P a -P b -P c` sends).
fn opening(names: &[&str]) -> Vec<Msg> {
    let mut initial = vec![Msg::Open(names[0].into())];
    initial.extend(names[1..].iter().map(|n| Msg::OpenBeside(n.to_string())));
    initial.push(Msg::Focus(ConnId::FIRST));
    initial
}

/// The status bar as drawn from `app` at 120 columns.
fn status_bar(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    terminal.draw(|f| mqscope::ui::draw(f, app)).expect("draw");
    let buf = terminal.backend().buffer();
    (0..120).map(|x| buf[(x, 39)].symbol()).collect::<String>()
}

/// Publishes `count` messages of `size` bytes on `topics` topics at QoS 1, in windows whose
/// last outcome is awaited (the client's queue stays bounded).
async fn flood(url: &str, prefix: &str, count: usize, topics: usize, size: usize) {
    let mut c = Client::start(&client::settings(url, Protocol::V5));
    c.connected().await;
    let payload = bytes::Bytes::from(vec![b'x'; size]);
    for i in 0..count {
        let id = c.publish(
            &format!("{prefix}/{}", i % topics),
            payload.clone(),
            QoS::AtLeastOnce,
            false,
        );
        if i % 100 == 99 || i + 1 == count {
            c.outcome(id).await;
        }
    }
    c.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_connections_under_one_budget_stay_within_it() {
    if !have_mosquitto("three_connections_under_one_budget_stay_within_it") {
        return;
    }
    let (m1, m2) = (Mosquitto::start(), Mosquitto::start());
    let embedded = EmbeddedBroker::start(0, None).await.expect("broker");
    let urls = [m1.url(), m2.url(), embedded.mqtt_url()];
    let names = ["site-a", "site-b", "embedded"];
    let profiles: Vec<Profile> = names
        .iter()
        .zip(&urls)
        .map(|(n, u)| profile(n, u))
        .collect();
    // 6 MiB for the session: 2 MiB each; each broker then carries 12 MiB.
    let budget = 6 << 20;
    let limits = Limits {
        memory_budget: budget,
        ..Limits::default()
    };
    let mut app = App::new(profiles, limits, Instant::now());
    let conn = mqscope::cli::ConnArgs::default();
    let filters = vec!["flood/#".to_string()];
    let mut session = Session::new(|p: &Profile| mqscope::session::open::open(&conn, &filters, p));
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let (mut ui, looped) = driver::start_with(
        &mut terminal,
        &mut app,
        &mut session,
        opening(&names),
        sample,
    );
    let (count, size) = (1_500, 8 * 1024);
    let script = async {
        ui.wait("three connections up", |s| {
            s.links.len() == 3 && s.links.iter().all(|l| l.4)
        })
        .await;
        // The subscriptions are made once connected; a SUBACK is not awaited here, so the
        // first messages may go unseen: the flood is sent until each store has filed most.
        for (url, name) in urls.iter().zip(names) {
            flood(url, &format!("flood/{name}"), count, 300, size).await;
        }
        let seen = ui
            .wait("each connection filed its flood", |s| {
                s.links.iter().all(|l| l.1 >= (count as u64) * 9 / 10)
            })
            .await
            .clone();
        for (name, received, memory, share, _) in &seen.links {
            assert_eq!(*share, budget / 3, "{name}: its share of the budget");
            assert!(
                *memory <= *share,
                "{name}: {memory} bytes held past its share {share} after {received} messages"
            );
        }
        let held: usize = seen.links.iter().map(|l| l.2).sum();
        assert!(held <= budget, "{held} bytes held past the budget {budget}");
        ui.key(crossterm::event::KeyCode::Char('q'));
    };
    driver::finish(looped, script).await;
    let bar = status_bar(&app);
    assert!(
        bar.contains("of 6.0 MiB ÷ 3") && bar.starts_with("site-a ● connected"),
        "the bar names the connection in focus and says how the budget is split: {bar}"
    );
    assert!(
        bar.contains("2 others: 2 connected"),
        "the bar counts the others: {bar}"
    );
    embedded.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_broker_down_the_others_keep_flowing() {
    if !have_mosquitto("one_broker_down_the_others_keep_flowing") {
        return;
    }
    let (mut m1, m2) = (Mosquitto::start(), Mosquitto::start());
    let embedded = EmbeddedBroker::start(0, None).await.expect("broker");
    let urls = [m1.url(), m2.url(), embedded.mqtt_url()];
    let names = ["down", "up", "embedded"];
    let profiles: Vec<Profile> = names
        .iter()
        .zip(&urls)
        .map(|(n, u)| profile(n, u))
        .collect();
    let mut app = App::new(profiles, Limits::default(), Instant::now());
    let conn = mqscope::cli::ConnArgs::default();
    let filters = vec!["live/#".to_string()];
    let mut session = Session::new(|p: &Profile| mqscope::session::open::open(&conn, &filters, p));
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    // The embedded broker's connection in focus; the one going down is parked.
    let mut initial = opening(&names);
    initial.pop();
    initial.push(Msg::Focus(ConnId(2)));
    let (mut ui, looped) =
        driver::start_with(&mut terminal, &mut app, &mut session, initial, sample);
    let script = async {
        ui.wait("three connections up", |s| {
            s.links.len() == 3 && s.links.iter().all(|l| l.4)
        })
        .await;
        m1.stop();
        ui.wait("the stopped broker counted as failing", |s| {
            s.others.as_deref() == Some("2 others: 1 connected, 1 failing (C)")
        })
        .await;
        // The others keep flowing: messages published after the stop arrive on both.
        for url in [&urls[1], &urls[2]] {
            let mut c = Client::start(&client::settings(url, Protocol::V5));
            c.connected().await;
            let mut last = None;
            for i in 0..20 {
                last = Some(c.publish(&format!("live/{i}"), "1", QoS::AtLeastOnce, false));
            }
            if let Some(id) = last {
                c.outcome(id).await;
            }
            c.stop().await;
        }
        let seen = ui
            .wait("both live connections filed what came after", |s| {
                s.links[1].1 >= 20 && s.links[2].1 >= 20
            })
            .await
            .clone();
        assert!(!seen.links[0].4, "the stopped one is not shown connected");
        ui.key(crossterm::event::KeyCode::Char('q'));
    };
    driver::finish(looped, script).await;
    let bar = status_bar(&app);
    assert!(
        bar.starts_with("embedded ● connected") && bar.contains("1 failing"),
        "{bar}"
    );
    embedded.stop().await;
}
