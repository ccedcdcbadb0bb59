//! Payload understanding end to end, through the real event loop on a TestBackend: Sparkplug B
//! through mosquitto (births resolve aliases, a seq gap and data without a birth are flagged,
//! `R` + Enter sends a Rebirth NCMD that a mosquitto_sub sees), and external decoders that
//! succeed, fail, hang and flood while the loop keeps drawing.

mod common;
use common::driver;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::client::{self, Client};
use crossterm::event::KeyCode;
use mqscope::app::App;
use mqscope::config::Profile;
use mqscope::decode::sparkplug::{Metric, SpPayload, Value, datatype};
use mqscope::decode::{Decoded, External, Match, Rule};
use mqscope::mqtt::{BrokerUrl, Protocol, QoS};
use mqscope::store::Limits;
use mqscope::tui::run::Session;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const WAIT: Duration = Duration::from_secs(15);

/// The detail as the script sees it: the view's header words and the payload as text.
#[derive(Clone, Default, Debug)]
struct Seen {
    topics: u32,
    topic: String,
    decoder: String,
    text: String,
    popups: usize,
}

fn flat(d: &Decoded, out: &mut String) {
    match d {
        Decoded::Map(m) => {
            for (k, v) in m {
                out.push_str(k);
                out.push('=');
                flat(v, out);
                out.push(';');
            }
        }
        Decoded::List(l) => l.iter().for_each(|v| flat(v, out)),
        other => out.push_str(&format!("{other:?}")),
    }
}

fn sample(app: &App) -> Seen {
    {
        let mut seen = Seen {
            topics: app.link.store.tree.topic_count(),
            popups: app.popups.len(),
            ..Seen::default()
        };
        if let Some((e, shown)) = app.detail_shown() {
            seen.topic = app.link.store.tree.path(e.node);
            seen.decoder = shown.decoder.to_string();
            match &shown.result {
                Ok(d) => flat(d, &mut seen.text),
                Err(e) => seen.text = format!("error: {e}"),
            }
        }
        seen
    }
}

fn sp(seq: u64, metrics: Vec<Metric>) -> Vec<u8> {
    SpPayload {
        timestamp: Some(1_764_000_000_000),
        seq: Some(seq),
        metrics,
        ..SpPayload::default()
    }
    .encode()
    .unwrap()
}

fn metric(name: Option<&str>, alias: u64, v: f64) -> Metric {
    Metric {
        name: name.map(str::to_string),
        alias: Some(alias),
        datatype: name.map(|_| datatype::DOUBLE),
        unit: name.map(|_| "bar".to_string()),
        value: Some(Value::Double(v)),
        ..Metric::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sparkplug_aliases_gaps_missing_births_and_a_rebirth_through_mosquitto() {
    if !common::have_mosquitto("sparkplug_through_mosquitto") {
        return;
    }
    let mut broker = common::mosquitto::Mosquitto::start();
    let url = broker.url();
    let port = broker.port;
    // A retained probe on an NCMD topic: the subscriber below prints it as soon as it is
    // subscribed, and the explorer files it as its first topic.
    let mut edge = Client::start(&client::settings(&url, Protocol::V5));
    edge.connected().await;
    let probe = edge.publish(
        "spBv1.0/probe/NCMD/ready",
        b"ready".to_vec(),
        QoS::AtLeastOnce,
        true,
    );
    edge.outcome(probe).await;
    // Whatever reaches an edge node's NCMD topic, as mosquitto delivers it.
    let mut ncmd = tokio::process::Command::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-V", "5"])
        .args(["-t", "spBv1.0/+/NCMD/#", "-C", "2", "-F", "%t %x"])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("mosquitto_sub");
    let mut lines = tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(
        ncmd.stdout.take().expect("its stdout"),
    ));
    let ready = tokio::time::timeout(WAIT, lines.next_line()).await;
    assert!(
        matches!(&ready, Ok(Ok(Some(l))) if l.starts_with("spBv1.0/probe/NCMD/ready")),
        "{ready:?}"
    );
    let mut profile = Profile::adhoc(BrokerUrl::parse(&url).unwrap());
    profile.name = "m".into();
    let mut app = App::new(vec![profile], Limits::default(), Instant::now());
    let conn = mqscope::cli::ConnArgs::default();
    let filters = vec!["spBv1.0/#".to_string()];
    let mut session = Session::new(|p: &Profile| mqscope::session::open::open(&conn, &filters, p));
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let (mut ui, looped) = driver::start(&mut terminal, &mut app, &mut session, Some("m"), sample);
    let script = async {
        // Subscribed once the retained probe is seen.
        ui.wait("subscribed", |s| s.topics >= 1).await;
        let nbirth = sp(
            0,
            vec![
                metric(Some("bdSeq"), 0, 0.0),
                metric(Some("Pressure"), 1, 2.0),
            ],
        );
        let dbirth = sp(1, vec![metric(Some("Flow"), 7, 3.0)]);
        let ndata = sp(2, vec![metric(None, 1, 2.5)]);
        let gap = sp(5, vec![metric(None, 7, 4.5)]);
        let orphan = sp(6, vec![metric(None, 9, 1.0)]);
        for (topic, payload) in [
            ("spBv1.0/plant/NBIRTH/edge", nbirth),
            ("spBv1.0/plant/DBIRTH/edge/pump", dbirth),
            ("spBv1.0/plant/NDATA/edge", ndata),
            ("spBv1.0/plant/DDATA/edge/pump", gap),
            ("spBv1.0/plant/DDATA/edge/valve", orphan),
        ] {
            let id = edge.publish(topic, payload, QoS::AtLeastOnce, false);
            edge.outcome(id).await;
        }
        ui.wait("all five Sparkplug messages filed", |s| s.topics >= 6)
            .await;
        // The log's newest is the orphan device; Tab to the log, End for the newest, then up.
        ui.key(KeyCode::Tab);
        ui.key(KeyCode::End);
        let orphan = ui
            .wait("the valve's DDATA shown", |s| {
                s.topic.ends_with("DDATA/edge/valve")
            })
            .await
            .clone();
        assert_eq!(orphan.decoder, "sparkplug");
        assert!(
            orphan
                .text
                .contains("before any DBIRTH of device plant/edge/valve"),
            "{orphan:?}"
        );
        assert!(
            orphan.text.contains("alias 9 (not in a birth)"),
            "{orphan:?}"
        );
        ui.key(KeyCode::Up);
        let pump = ui
            .wait("the pump's DDATA shown", |s| {
                s.topic.ends_with("DDATA/edge/pump")
            })
            .await
            .clone();
        assert!(
            pump.text.contains("Flow=value=Scalar(Number(\"4.5\"))"),
            "alias 7 by name: {pump:?}"
        );
        assert!(pump.text.contains("unit=Scalar(Str(\"bar\"))"), "{pump:?}");
        assert!(pump.text.contains("seq gap: expected 3, got 5"), "{pump:?}");
        ui.key(KeyCode::Up);
        let ndata = ui
            .wait("the NDATA shown", |s| s.topic.ends_with("NDATA/edge"))
            .await
            .clone();
        assert!(
            ndata
                .text
                .contains("Pressure=value=Scalar(Number(\"2.5\"))"),
            "{ndata:?}"
        );
        assert!(!ndata.text.contains("problems"), "{ndata:?}");
        // R asks first; Enter sends.
        ui.key(KeyCode::Char('R'));
        ui.key(KeyCode::Enter);
        ui.key(KeyCode::Char('q'));
    };
    driver::finish(looped, script).await;
    let line = tokio::time::timeout(WAIT, lines.next_line())
        .await
        .expect("the NCMD reached mosquitto's subscriber")
        .unwrap()
        .unwrap_or_default();
    let _ = tokio::time::timeout(WAIT, ncmd.wait()).await;
    let (topic, hex) = line.split_once(' ').expect("topic and payload");
    assert_eq!(topic, "spBv1.0/plant/NCMD/edge");
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    let cmd = mqscope::decode::sparkplug::parse(&bytes).unwrap();
    assert_eq!(cmd.metrics[0].name.as_deref(), Some("Node Control/Rebirth"));
    assert_eq!(cmd.metrics[0].value, Some(Value::Bool(true)));
    assert!(cmd.timestamp.is_some());
    edge.stop().await;
    broker.stop();
}

fn external(script: &str, limit_ms: u64, cap_kib: usize) -> Arc<External> {
    let mut e = External::new(vec!["sh".into(), "-c".into(), script.into()]);
    e.time_limit = Duration::from_millis(limit_ms);
    e.output_cap = cap_kib * 1024;
    Arc::new(e)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn external_decoders_succeed_fail_hang_and_flood_without_freezing_the_loop() {
    let broker = mqscope::broker::EmbeddedBroker::start(0, None)
        .await
        .expect("broker");
    let url = broker.mqtt_url();
    let mut c = Client::start(&client::settings(&url, Protocol::V5));
    for (topic, payload) in [
        ("ext/a-ok", "21.5"),
        ("ext/b-fail", "x"),
        ("ext/c-hang", "x"),
        ("ext/d-flood", "x"),
    ] {
        let id = c.publish(topic, payload.as_bytes().to_vec(), QoS::AtLeastOnce, true);
        c.outcome(id).await;
    }
    c.stop().await;
    let mut profile = Profile::adhoc(BrokerUrl::parse(&url).unwrap());
    profile.name = "x".into();
    let rule = |f: &str, e| Rule::custom(Match::Topic(f.into()), e);
    profile.decoders = vec![
        rule(
            "ext/a-ok",
            external(
                r#"read v; printf '{"celsius": %s, "via": "sh"}' "$v""#,
                2000,
                1024,
            ),
        ),
        rule(
            "ext/b-fail",
            external("echo 'bad frame at 3' >&2; exit 4", 2000, 1024),
        ),
        rule("ext/c-hang", external("sleep 30", 700, 1024)),
        rule("ext/d-flood", external("yes", 5000, 64)),
    ];
    let mut app = App::new(vec![profile], Limits::default(), Instant::now());
    let conn = mqscope::cli::ConnArgs::default();
    let filters = vec!["ext/#".to_string()];
    let mut session = Session::new(|p: &Profile| mqscope::session::open::open(&conn, &filters, p));
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let (mut ui, looped) = driver::start(&mut terminal, &mut app, &mut session, Some("x"), sample);
    let script = async {
        ui.wait("four retained topics", |s| s.topics == 4).await;
        // The tree: ext, then its topics in order. Home is the branch, Down the first topic.
        ui.key(KeyCode::Home);
        ui.key(KeyCode::Down);
        let ok = ui
            .wait("the command's JSON shown as a tree", |s| {
                s.topic == "ext/a-ok" && s.text.contains("celsius=")
            })
            .await
            .clone();
        assert!(ok.decoder.starts_with("command sh -c"), "{ok:?}");
        assert!(
            ok.text.contains("celsius=Scalar(Number(\"21.5\"))"),
            "{ok:?}"
        );
        ui.key(KeyCode::Down);
        let failed = ui
            .wait("the failure in words", |s| {
                s.topic == "ext/b-fail" && s.text.starts_with("error")
            })
            .await
            .clone();
        assert!(
            failed
                .text
                .contains("sh failed (exit status 4): bad frame at 3"),
            "{failed:?}"
        );
        ui.key(KeyCode::Down);
        ui.wait("(no words)", |s| s.topic == "ext/c-hang").await;
        // While it hangs the loop still takes keys and draws: `?` opens help (within the wait;
        // how fast is a benchmark's question, not a test's).
        ui.key(KeyCode::Char('?'));
        ui.wait("(no words)", |s| s.popups == 1).await;
        ui.key(KeyCode::Esc);
        let hung = ui
            .wait("the hang stopped and said so", |s| {
                s.topic == "ext/c-hang" && s.text.starts_with("error")
            })
            .await
            .clone();
        assert!(
            hung.text.contains("did not finish within 0.7 s"),
            "{hung:?}"
        );
        ui.key(KeyCode::Down);
        let flood = ui
            .wait("the flood stopped and said so", |s| {
                s.topic == "ext/d-flood" && s.text.starts_with("error")
            })
            .await
            .clone();
        assert!(flood.text.contains("printed more than 64 KiB"), "{flood:?}");
        ui.key(KeyCode::Char('q'));
    };
    driver::finish(looped, script).await;
    broker.stop().await;
}
