//! Whole screens through ratatui's TestBackend, snapshotted with insta (times redacted), and
//! hostile wire content that must never reach the terminal raw.

mod common;
use common::door::Door;

use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use mqscope::app::App;
use mqscope::mqtt::{ConnState, Message, MqttEvent, Properties, QoS};
use mqscope::store::Limits;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

fn msg(topic: &str, payload: impl Into<Bytes>, qos: QoS, retain: bool) -> Message {
    Message {
        topic: topic.into(),
        payload: payload.into(),
        qos,
        retain,
        dup: false,
        received: SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_000_000),
        properties: None,
    }
}

fn app() -> App {
    common::screen::connected_app("test")
}

fn feed(app: &mut App, m: Message) {
    let now = app.now;
    app.mqtt(MqttEvent::Message(m), now);
}

fn key(app: &mut App, code: KeyCode) {
    let now = app.now;
    app.event(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)), now);
}

fn ctrl(app: &mut App, c: char) {
    let now = app.now;
    app.event(
        Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
        now,
    );
}

fn type_text(app: &mut App, s: &str) {
    for c in s.chars() {
        key(app, KeyCode::Char(c));
    }
}

use common::screen::screen;

macro_rules! snap {
    ($name:expr, $text:expr) => {
        insta::with_settings!({filters => vec![(r"\d\d:\d\d:\d\d\.\d\d\d", "[time]")]}, {
            insta::assert_snapshot!($name, $text);
        });
    };
}

fn sample(app: &mut App) {
    feed(
        app,
        msg("sensors/b1/f2/temp", "21.5", QoS::AtLeastOnce, false),
    );
    feed(
        app,
        msg(
            "sensors/b1/f2/hum",
            r#"{"rh":40,"ok":true,"tags":["a","b"]}"#,
            QoS::AtMostOnce,
            true,
        ),
    );
    feed(
        app,
        msg("sensors/b1/f1/temp", "19.0", QoS::AtMostOnce, false),
    );
    feed(
        app,
        msg("$SYS/broker/uptime", "42 seconds", QoS::AtMostOnce, false),
    );
    feed(app, msg("/leading/slash", "x", QoS::AtMostOnce, false));
    feed(app, msg("a//b", "empty level", QoS::AtMostOnce, false));
}

#[test]
fn empty_start() {
    let mut app = app();
    snap!("empty_start", screen(&mut app, 120, 40));
}

#[test]
fn nested_topics_expanded() {
    let mut app = app();
    sample(&mut app);
    key(&mut app, KeyCode::Char('-')); // the first topic was opened
    // Select "sensors" (roots sort: "", "$SYS", "a", "sensors") and open it all.
    key(&mut app, KeyCode::End);
    key(&mut app, KeyCode::Char('*'));
    snap!("nested_topics", screen(&mut app, 120, 40));
}

#[test]
fn tree_shows_each_nodes_decayed_rate() {
    let mut app = app();
    // 60 s (six windows of 10 s) of 10 msg/s on line1 and 2 msg/s on line2: settled.
    for i in 0..600 {
        app.now += Duration::from_millis(100);
        feed(
            &mut app,
            msg("plant/line1/speed", i.to_string(), QoS::AtMostOnce, false),
        );
        if i % 5 == 0 {
            feed(
                &mut app,
                msg("plant/line2/speed", i.to_string(), QoS::AtMostOnce, false),
            );
        }
    }
    key(&mut app, KeyCode::Char('-')); // the first topic was opened: back to "plant"
    key(&mut app, KeyCode::Char('*'));
    let text = screen(&mut app, 160, 14);
    // The tree pane's part of the row that shows `name` (up to the pane's right border).
    let row = |text: &str, name: &str| -> String {
        let line = text
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("no {name} row in\n{text}"));
        line.split('│').nth(1).unwrap_or_default().to_string()
    };
    let cells = |r: String| r.split_whitespace().skip(2).collect::<Vec<_>>().join(" ");
    assert_eq!(cells(row(&text, "▾ plant")), "720 msgs 12/s", "{text}");
    assert_eq!(cells(row(&text, "▾ line1")), "600 msgs 10/s", "{text}");
    // Its last message was 0.4 s ago: over 10 s, a decayed rate dips 4% between messages.
    assert_eq!(cells(row(&text, "▾ line2")), "120 msgs 2.0/s", "{text}");
    snap!("tree_rates", text);
    // A minute later the rates have decayed away; the column stays (from 100 columns it is
    // fixed), blank.
    app.now += Duration::from_secs(60);
    let quiet = screen(&mut app, 160, 14);
    for name in ["▾ plant", "▾ line1", "▾ line2"] {
        assert!(!row(&quiet, name).contains("/s"), "{quiet}");
    }
}

/// `o` cycles the order; the title says which; the selection stays on its topic.
#[test]
fn o_orders_the_tree_by_traffic_and_the_selection_stays() {
    let mut app = app();
    for i in 0..300 {
        app.now += Duration::from_millis(100);
        feed(
            &mut app,
            msg("plant/alpha", i.to_string(), QoS::AtMostOnce, false),
        );
        if i % 10 == 0 {
            feed(
                &mut app,
                msg("plant/busy", i.to_string(), QoS::AtMostOnce, false),
            );
            feed(
                &mut app,
                msg("plant/busy", i.to_string(), QoS::AtMostOnce, false),
            );
        }
    }
    // A burst of 200 just now: 200 × 1/10 s = 20/s, decaying.
    for _ in 0..200 {
        feed(
            &mut app,
            msg("plant/zeta", "x".repeat(4096), QoS::AtMostOnce, false),
        );
    }
    let order = |app: &mut App| -> Vec<String> {
        let text = screen(app, 120, 40);
        ["alpha", "busy", "zeta"]
            .iter()
            .filter_map(|n| text.find(&format!(" {n} ")).map(|at| (at, n.to_string())))
            .collect::<std::collections::BTreeMap<_, _>>()
            .into_values()
            .collect()
    };
    assert_eq!(order(&mut app), ["alpha", "busy", "zeta"], "by name");
    let selected = app.tree.selected;
    key(&mut app, KeyCode::Char('o'));
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("busiest first"), "{text}");
    // zeta's burst (20/s decaying) beats alpha's steady 10/s; busy has 2/s.
    assert_eq!(order(&mut app), ["zeta", "alpha", "busy"]);
    assert_eq!(
        app.tree.selected, selected,
        "the selection stays on its topic"
    );
    key(&mut app, KeyCode::Char('o'));
    assert!(screen(&mut app, 160, 40).contains("most bytes/s first"));
    assert_eq!(order(&mut app), ["zeta", "alpha", "busy"]);
    for _ in 0..4 {
        key(&mut app, KeyCode::Char('o'));
    }
    assert!(
        !screen(&mut app, 120, 40).contains("first"),
        "back to names"
    );
}

/// A topic with a rhythm of its own goes stale after several of its intervals: the tree says
/// "silent" where its rate was, the detail says how long and how often it usually speaks, and
/// "silent first" puts it on top; an irregular topic is never called stale.
#[test]
fn a_topic_silent_for_several_of_its_intervals_shows_as_stale() {
    let mut app = app();
    for i in 0..10 {
        app.now += Duration::from_secs(1);
        feed(
            &mut app,
            msg("site/heartbeat", i.to_string(), QoS::AtMostOnce, false),
        );
        if i % 3 == 0 {
            feed(
                &mut app,
                msg("site/random", i.to_string(), QoS::AtMostOnce, false),
            );
        }
    }
    for _ in 0..3 {
        app.now += Duration::from_millis(3_700);
        feed(&mut app, msg("site/steady", "1", QoS::AtMostOnce, false));
    }
    app.now += Duration::from_secs(12);
    key(&mut app, KeyCode::Char('-'));
    key(&mut app, KeyCode::Char('*'));
    let text = screen(&mut app, 120, 40);
    let row = |name: &str| {
        text.lines()
            .find(|l| l.contains(name))
            .unwrap_or_default()
            .to_string()
    };
    assert!(row("heartbeat =").contains("silent"), "{text}");
    assert!(
        !row("random =").contains("silent"),
        "too few intervals: {text}"
    );
    assert!(!row("steady =").contains("silent"), "{text}");
    // The detail of the heartbeat says why.
    let hb = app.link.store.tree.find("site/heartbeat").unwrap();
    app.tree.selected = Some(hb);
    let words = screen(&mut app, 120, 40)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(words.contains("silent 23 s, usually every 1 s"), "{words}");
    // Silent first: the stale heartbeat on top of the longer-silent random topic.
    for _ in 0..3 {
        key(&mut app, KeyCode::Char('o'));
    }
    let text = screen(&mut app, 120, 40);
    let at = |name: &str| text.find(&format!(" {name} =")).unwrap_or(usize::MAX);
    assert!(
        at("heartbeat") < at("random") && at("random") < at("steady"),
        "{text}"
    );
}

/// `F` ranks topics by rate with their share of all traffic; `b` ranks by bytes; Enter shows
/// the row in the tree, opened down to it. Topic bytes are escaped there too.
#[test]
fn f_ranks_what_floods_with_shares_of_all_traffic() {
    let mut app = app();
    for i in 0..600 {
        app.now += Duration::from_millis(100);
        feed(&mut app, msg("a/many", "1", QoS::AtMostOnce, false));
        if i % 2 == 0 {
            feed(
                &mut app,
                msg("b/\u{1b}[2Jhalf", "1", QoS::AtMostOnce, false),
            );
        }
        if i % 10 == 0 {
            feed(
                &mut app,
                msg("c/deep/big", "x".repeat(1000), QoS::AtMostOnce, false),
            );
        }
    }
    key(&mut app, KeyCode::Char('F'));
    let text = screen(&mut app, 120, 40);
    assert!(!text.contains('\u{1b}'), "escaped");
    // The ranked rows, top down: the popup's lines carry a share.
    let ranked = |text: &str| -> Vec<&'static str> {
        text.lines()
            .filter(|l| l.contains('%'))
            .filter_map(|l| {
                ["a/many", "half", "c/deep/big"]
                    .into_iter()
                    .find(|n| l.contains(n))
            })
            .collect()
    };
    assert_eq!(ranked(&text), ["a/many", "half", "c/deep/big"], "{text}");
    // 10 + 5 + 1 msg/s: a/many is about 62.5% of all traffic (the others' last messages are
    // a little older, their decayed rates a little lower).
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("all traffic 16.0 msg/s"), "{words}");
    assert!(words.contains("a/many 10.0 msg/s 62."), "{words}");
    key(&mut app, KeyCode::Char('b'));
    let text = screen(&mut app, 120, 40);
    assert_eq!(
        ranked(&text),
        ["c/deep/big", "a/many", "half"],
        "by bytes: {text}"
    );
    // Enter: c/deep/big selected in the tree, its branch opened.
    key(&mut app, KeyCode::Enter);
    assert!(app.popups.is_empty());
    let big = app.link.store.tree.find("c/deep/big");
    assert_eq!(app.tree.selected, big);
    assert!(app.tree_rows().contains(&big.unwrap()), "opened down to it");
}

/// The detail gives a topic's timing: its interval (median, p99) always, and with a
/// `[[latency]]` rule the lag from send to arrival; a message from a clock ahead of ours is
/// clock skew, not a lag.
#[test]
fn the_detail_gives_intervals_lags_and_clock_skew() {
    use mqscope::decode::send_time::{LatencyRule, Source, Unit};
    let mut app = app();
    app.latency_rules = vec![LatencyRule {
        filter: "plant/#".into(),
        source: Source::Json("ts".into()),
        unit: Unit::Millis,
    }];
    let base = 1_764_000_000_000u64;
    for i in 0..10u64 {
        let arrived = base + i * 1000;
        // Sent 20 ms before arrival, the last one 5 ms after it (the sender's clock ahead).
        let sent = if i == 9 { arrived + 5 } else { arrived - 20 };
        let mut m = msg(
            "plant/speed",
            format!(r#"{{"ts":{sent}}}"#),
            QoS::AtMostOnce,
            false,
        );
        m.received = SystemTime::UNIX_EPOCH + Duration::from_millis(arrived);
        feed(&mut app, m);
    }
    let words = screen(&mut app, 120, 40)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        words.contains("every 1 s (median; p99 1 s) over the last 9 intervals"),
        "{words}"
    );
    assert!(
        words.contains(
            "lag from send to arrival 20 ms median, p99 20 ms, max 20 ms over 9 messages"
        ),
        "{words}"
    );
    assert!(
        words.contains("clock skew: 1 message arrived before its send time"),
        "{words}"
    );
    assert!(words.contains("ahead, by up to 5 ms"), "{words}");
}

#[test]
fn selected_json_message_in_detail() {
    let mut app = app();
    sample(&mut app);
    key(&mut app, KeyCode::Char('-')); // the first topic was opened
    key(&mut app, KeyCode::End);
    key(&mut app, KeyCode::Char('*'));
    // sensors > b1 > f1 > temp, f2 > hum: move to "hum".
    for _ in 0..5 {
        key(&mut app, KeyCode::Down);
    }
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("\"rh\": 40,"), "{text}");
    snap!("json_message", text);
}

#[test]
fn binary_message_as_hex() {
    let mut app = app();
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    png.extend(0u8..40);
    feed(&mut app, msg("cam/thumb", png, QoS::AtMostOnce, false));
    key(&mut app, KeyCode::Char('l'));
    key(&mut app, KeyCode::Down);
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("00000000  89 50 4e 47 0d 0a 1a 0a"), "{text}");
    snap!("binary_message", text);
}

#[test]
fn mqtt5_properties_in_detail() {
    let mut app = app();
    let mut m = msg("rpc/req", r#"{"op":"ping"}"#, QoS::AtLeastOnce, false);
    m.properties = Some(Box::new(Properties {
        content_type: Some("application/json".into()),
        response_topic: Some("rpc/resp/42".into()),
        correlation_data: Some(Bytes::from_static(b"req-42")),
        message_expiry_interval: Some(60),
        payload_format_indicator: Some(1),
        user_properties: vec![("trace".into(), "abc".into())],
        ..Properties::default()
    }));
    feed(&mut app, m);
    key(&mut app, KeyCode::Char('l'));
    key(&mut app, KeyCode::Down);
    let text = screen(&mut app, 120, 40);
    for want in [
        "content type: application/json",
        "response topic: rpc/resp/42",
        "correlation data: req-42",
        "message expiry: 60 s",
        "payload format: UTF-8",
        "user trace: abc",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
}

#[test]
fn compose_shows_a_validation_error_and_sends_nothing() {
    let mut app = app();
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "sensors/+/cmd");
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("wildcard '+'"), "{text}");
    snap!("compose_validation_error", text);
    let now = app.now;
    let effects = app.event(
        Event::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
        now,
    );
    assert!(effects.is_empty(), "nothing is sent: {effects:?}");
    assert!(
        app.compose
            .status
            .as_ref()
            .is_some_and(|(s, err)| *err && s.starts_with("not sent"))
    );
}

#[test]
fn help_overlay_lists_the_keymap() {
    let mut app = app();
    key(&mut app, KeyCode::Char('?'));
    let text = screen(&mut app, 120, 40);
    // The help lists every popup's keys too, so it scrolls: every row is on some page.
    let mut pages = text.clone();
    for _ in 0..20 {
        key(&mut app, KeyCode::PageDown);
        pages.push_str(&screen(&mut app, 120, 40));
    }
    for row in mqscope::app::keymap::help_rows() {
        assert!(pages.contains(row.2), "help lists '{}'", row.2);
    }
    snap!("help_overlay", text);
}

/// `?` is the way in: a word finds a feature, Enter does it; a popup's key is said, not run.
#[test]
fn help_finds_a_feature_by_a_word_and_enter_does_it() {
    let mut app = app();
    key(&mut app, KeyCode::Char('?'));
    for c in "subscriptions see".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("search: subscriptions see"), "{text}");
    assert!(text.contains("Keys 1 ·"), "one key left: {text}");
    key(&mut app, KeyCode::Enter);
    assert!(
        matches!(app.popups.last(), Some(mqscope::app::Popup::Subs(_))),
        "Enter opened the subscriptions manager"
    );
    // A key that works only in a popup is told where, and nothing runs.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('?'));
    for c in "prompt clear the filter".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    let text = screen(&mut app, 120, 40);
    assert!(
        text.contains("works in the filter prompt: press it there"),
        "{text}"
    );
    key(&mut app, KeyCode::Esc);
    assert!(app.popups.is_empty());
}

/// A branch's summary names an empty level `(empty)`, as the tree does.
#[test]
fn an_empty_level_is_named_in_the_branch_summary() {
    let mut app = app();
    feed(&mut app, msg("site//temp", "1", QoS::AtMostOnce, false));
    feed(&mut app, msg("site/a/temp", "2", QoS::AtMostOnce, false));
    // The tree opens the first topic's branch: the root `site` is selected.
    key(&mut app, KeyCode::Home);
    let text = screen(&mut app, 120, 40);
    let detail: String = text
        .lines()
        .filter_map(|l| l.split('│').nth(3))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(detail.contains("(empty)"), "{detail}\n---\n{text}");
}

/// `e` on a branch says what it needs, and `?` marks a description cut at the popup's edge.
#[test]
fn export_on_a_branch_says_so_and_help_marks_what_it_cuts() {
    let mut app = app();
    feed(&mut app, msg("site/a/temp", "2", QoS::AtMostOnce, false));
    key(&mut app, KeyCode::Home);
    let effects = app.on_key(KeyEvent::new(KeyCode::Char('e'), KeyModifiers::NONE));
    assert!(effects.is_empty());
    assert!(
        app.notice_text()
            .is_some_and(|n| n.contains("select a topic")),
        "{:?}",
        app.notice_text()
    );
    key(&mut app, KeyCode::Char('?'));
    for c in "payloads are shown".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    let text = screen(&mut app, 60, 24);
    assert!(text.contains("pick how this topic"), "{text}");
    assert!(text.contains('…'), "the cut is marked: {text}");
}

#[test]
fn small_terminals() {
    let mut app = app();
    sample(&mut app);
    snap!("tiny_40x10", screen(&mut app, 40, 10));
    snap!("too_small_39x10", screen(&mut app, 39, 10));
    snap!("one_by_one", screen(&mut app, 1, 1));
    // Every size from 1x1 up draws without a panic.
    for w in [1u16, 2, 5, 20, 39, 40, 41, 60, 80, 200] {
        for h in [1u16, 2, 5, 9, 10, 11, 15, 20, 60] {
            screen(&mut app, w, h);
        }
    }
}

#[test]
fn tree_filter_keeps_ancestors_of_matches() {
    let mut app = app();
    sample(&mut app);
    key(&mut app, KeyCode::Char('-')); // the first topic was opened
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "sensors/+/+/temp");
    key(&mut app, KeyCode::Enter);
    let rows: Vec<String> = app
        .tree_rows()
        .iter()
        .map(|n| app.link.store.tree.path(*n))
        .collect();
    assert_eq!(
        rows,
        [
            "sensors",
            "sensors/b1",
            "sensors/b1/f1",
            "sensors/b1/f1/temp",
            "sensors/b1/f2",
            "sensors/b1/f2/temp"
        ]
    );
    key(&mut app, KeyCode::Char('/'));
    key(&mut app, KeyCode::Esc);
    assert_eq!(
        app.tree_rows().len(),
        4,
        "filter cleared: the four roots again"
    );
    // Plain text filters too, case-insensitively.
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "UPTIME");
    key(&mut app, KeyCode::Enter);
    let rows: Vec<String> = app
        .tree_rows()
        .iter()
        .map(|n| app.link.store.tree.path(*n))
        .collect();
    assert_eq!(rows, ["$SYS", "$SYS/broker", "$SYS/broker/uptime"]);
    let _ = ctrl;
}

/// Topics and payloads that try to take over the terminal.
fn hostile(app: &mut App) {
    let nasty: Vec<(&str, Vec<u8>)> = vec![
        (
            "evil/\x1b[2J\x1b[31mred",
            b"\x1b]0;pwned\x07\x1b[?1049l".to_vec(),
        ),
        ("evil/c1", "\u{9b}31mcsi \u{85} nel".as_bytes().to_vec()),
        (
            "evil/utf8",
            vec![0xff, 0xfe, b'a', 0xc3, 0x28, b'\n', b'\r', 0x07, 0x08],
        ),
        (
            "evil/zero\u{200b}width\u{202e}rtl",
            "a\u{200b}b\u{202e}c\u{feff}".as_bytes().to_vec(),
        ),
        (
            "evil/wide/日本語",
            "全角テキスト😀 e\u{301}".as_bytes().to_vec(),
        ),
        ("evil/long", "L".repeat(10_000).into_bytes()),
    ];
    for (t, p) in nasty {
        feed(app, msg(t, p, QoS::AtMostOnce, false));
    }
}

#[test]
fn hostile_content_is_escaped_and_aligned() {
    let mut app = app();
    hostile(&mut app);
    key(&mut app, KeyCode::Char('-')); // the first topic was opened
    key(&mut app, KeyCode::Char('l'));
    key(&mut app, KeyCode::Char('*'));
    key(&mut app, KeyCode::Down);
    let text = screen(&mut app, 120, 40);
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "no control character on screen"
    );
    assert!(text.contains("␛[2J␛[31mred"), "{text}");
    assert!(text.contains("<U+200B>"), "{text}");
    // Every row is exactly the terminal's width: wide characters are measured, not guessed.
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    term.draw(|f| mqscope::ui::draw(f, &app)).unwrap();
    let buf = term.backend().buffer();
    for y in 0..40u16 {
        // A wide character takes its cell and the next; ratatui keeps the next one blank.
        let mut width = 0;
        let mut x = 0u16;
        while x < 120 {
            let w = unicode_width::UnicodeWidthStr::width(buf[(x, y)].symbol()).max(1);
            width += w;
            x += w as u16;
        }
        assert_eq!(width, 120, "row {y} is 120 columns");
    }
    snap!("hostile_content", text);
}

#[test]
fn no_escape_byte_from_the_wire_reaches_the_terminal() {
    // Render through the real crossterm backend into a byte buffer: what a terminal would get.
    let mut app = app();
    hostile(&mut app);
    key(&mut app, KeyCode::Char('-')); // the first topic was opened
    key(&mut app, KeyCode::Char('l'));
    key(&mut app, KeyCode::Char('*'));
    for _ in 0..8 {
        app.size = Rect::new(0, 0, 120, 40);
        let mut out: Vec<u8> = Vec::new();
        {
            let backend = ratatui::backend::CrosstermBackend::new(&mut out);
            let mut term = Terminal::with_options(
                backend,
                ratatui::TerminalOptions {
                    viewport: ratatui::Viewport::Fixed(Rect::new(0, 0, 120, 40)),
                },
            )
            .unwrap();
            term.draw(|f| mqscope::ui::draw(f, &app)).unwrap();
        }
        for bad in [
            &b"\x1b]0;"[..],
            b"\x07",
            b"\x1b[2J",
            b"\x1b[?1049l",
            b"\xc2\x9b",
            b"\xc2\x85",
            b"\x08",
            b"\r",
        ] {
            assert!(
                !out.windows(bad.len()).any(|w| w == bad),
                "{bad:?} reached the terminal"
            );
        }
        key(&mut app, KeyCode::Down);
    }
}

/// SSLKEYLOGFILE on: the status bar says where the keys go, at both sizes, beside the state.
#[test]
fn status_bar_says_while_tls_keys_are_logged() {
    let mut app = app();
    if let Some(c) = app.link.conn.as_mut() {
        c.key_log = Some("/tmp/keys.log".into());
    }
    for (w, h) in [(120, 40), (80, 24)] {
        let text = screen(&mut app, w, h);
        let bar = text.lines().last().unwrap_or("");
        assert!(bar.starts_with("● connected"), "{w}x{h}: {bar}");
        assert!(
            bar.contains("TLS keys logged to /tmp/keys.log"),
            "{w}x{h}: {bar}"
        );
    }
}

#[test]
fn status_bar_says_when_history_was_trimmed() {
    let now = Instant::now();
    let mut app = App::new(
        Vec::new(),
        Limits {
            memory_budget: 4096,
            ..Limits::default()
        },
        now,
    );
    for i in 0..200 {
        feed(
            &mut app,
            msg(
                &format!("t/{}", i % 5),
                "0123456789abcdef",
                QoS::AtMostOnce,
                false,
            ),
        );
    }
    assert!(app.link.store.memory_bytes() <= 4096 || app.link.store.tree.topic_count() == 5);
    assert!(app.link.store.trimmed > 0);
    let text = screen(&mut app, 160, 40);
    assert!(
        text.contains(&format!(
            "history trimmed: {} older messages dropped",
            app.link.store.trimmed
        )),
        "{text}"
    );
    // Every topic still shows its last value.
    key(&mut app, KeyCode::Char('l'));
    let text = screen(&mut app, 160, 40);
    for t in 0..5 {
        assert!(text.contains(&format!("{t} = 0123456789abcdef")), "{text}");
    }
}

/// The screen with each row's styles named: `R` when a cell of it is reverse video, `U` when
/// underlined, `B` when bold: what is left of focus and selection without colour.
fn styled_rows(app: &mut App, w: u16, h: u16) -> String {
    use ratatui::style::Modifier;
    app.size = Rect::new(0, 0, w, h);
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| mqscope::ui::draw(f, app)).unwrap();
    let buf = term.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        let mods = (0..w).fold(Modifier::empty(), |m, x| m | buf[(x, y)].modifier);
        let tag: String = [
            (Modifier::REVERSED, 'R'),
            (Modifier::UNDERLINED, 'U'),
            (Modifier::BOLD, 'B'),
        ]
        .iter()
        .map(|(m, c)| if mods.contains(*m) { *c } else { '.' })
        .collect();
        let line: String = (0..w).map(|x| buf[(x, y)].symbol()).collect();
        out.push_str(&format!("{tag}|{}\n", line.trim_end()));
    }
    out
}

#[test]
fn without_colour_focus_and_selection_stay_visible() {
    let mut app = app();
    app.colour = false;
    sample(&mut app);
    // Tree focused with a selection; the log has a selected row too (unfocused).
    app.log.selected = app.link.store.log.last_seq();
    let text = styled_rows(&mut app, 120, 24);
    assert!(
        text.contains("▶ Topics"),
        "the focused pane is marked: {text}"
    );
    assert!(
        text.lines().any(|l| l.starts_with('R')),
        "the tree's selection is reverse video: {text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with(".U") || l.starts_with("RU")),
        "the log's selection is underlined: {text}"
    );
    insta::with_settings!({filters => vec![(r"\d\d:\d\d:\d\d\.\d\d\d", "[time]")]}, {
        insta::assert_snapshot!("no_colour_120x24", text);
    });
    // Focus moves to the log: its title is marked, its selection reverse video.
    key(&mut app, KeyCode::Tab);
    let text = styled_rows(&mut app, 120, 24);
    assert!(text.contains("▶ Messages"), "{text}");
}

#[test]
fn at_80x24_every_pane_is_usable_and_long_topics_keep_their_last_level() {
    let mut app = app();
    sample(&mut app);
    for room in 1..=6 {
        feed(
            &mut app,
            msg(
                &format!("sensors/building-1/floor-2/room-{room}/humidity"),
                r#"{"rh":40}"#,
                QoS::AtMostOnce,
                false,
            ),
        );
    }
    let text = screen(&mut app, 80, 24);
    for room in 1..=6 {
        assert!(
            text.contains(&format!("room-{room}/humidity")),
            "the part that tells rows apart stays: {text}"
        );
    }
    let rows: Vec<&str> = text.lines().collect();
    let log_rows = rows
        .iter()
        .filter(|l| l.contains("[") || l.contains(':'))
        .count();
    assert!(log_rows >= 6, "{text}");
    // The topic field is wide enough to type into (QoS and retain on their own line).
    let topic_line = rows.iter().find(|l| l.contains("Topic ")).unwrap();
    assert!(!topic_line.contains("QoS"), "{topic_line}");
    snap!("screen_80x24", text);
}

#[test]
fn a_long_status_bar_drops_the_least_important_first_and_keeps_colour() {
    let mut app = app();
    sample(&mut app);
    if let Some(c) = app.link.conn.as_mut() {
        c.insecure = true;
        c.state = ConnState::Reconnecting {
            after: Duration::from_secs(4),
            error: mqscope::mqtt::ConnError::new(
                mqscope::mqtt::ConnErrorKind::Tls,
                "TLS: certificate signed by an unknown authority",
            ),
            never_connected: false,
        };
        c.last_error = Some("TLS: certificate signed by an unknown authority".into());
    }
    app.size = Rect::new(0, 0, 80, 24);
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    term.draw(|f| mqscope::ui::draw(f, &app)).unwrap();
    let buf = term.backend().buffer();
    let status: String = (0..80).map(|x| buf[(x, 23)].symbol()).collect();
    assert!(status.contains("reconnecting"), "{status}");
    assert!(status.contains("TLS verification off"), "{status}");
    assert!(
        status.contains("(TLS: certificate signed"),
        "the error stays (cut last): {status}"
    );
    assert!(
        !status.contains("msgs"),
        "message counts went first: {status}"
    );
    let at = status.find("TLS verification").unwrap();
    let col = status[..at].chars().count() as u16;
    assert_eq!(
        buf[(col, 23)].bg,
        ratatui::style::Color::Red,
        "the warning keeps its colour"
    );
}

#[test]
fn the_log_topic_column_stays_put_as_rows_scroll() {
    let mut app = app();
    feed(
        &mut app,
        msg(
            "plant/line-1/station-7/spindle/temp",
            "1",
            QoS::AtMostOnce,
            false,
        ),
    );
    // Enough short topics to push the long one out of view.
    for i in 0..40 {
        feed(
            &mut app,
            msg(&format!("a/{i}"), "payload", QoS::AtMostOnce, false),
        );
    }
    key(&mut app, KeyCode::Char('-')); // the first topic was opened
    let text = screen(&mut app, 120, 40);
    assert!(
        !text.contains("spindle"),
        "the long topic has scrolled away"
    );
    let row = text.lines().find(|l| l.contains(" a/39 ")).unwrap();
    let col = row.find("payload").unwrap();
    let row2 = text.lines().find(|l| l.contains(" a/38 ")).unwrap();
    assert_eq!(row2.find("payload"), Some(col), "one column for all rows");
    // Wide enough for the longest topic seen, not just the ones on screen.
    let topic_at = row.find("a/39").unwrap();
    assert!(
        col - topic_at >= "plant/line-1/station-7/spindle/temp".len(),
        "{row}"
    );
}

#[test]
fn v_picks_a_view_for_the_topic_and_formats_are_recognised() {
    let mut app = app();
    // {"kwh": 12.5, 1: true}: MessagePack with a key that is not text, so not surely
    // MessagePack, and not guessed.
    let mut mp = vec![0x82, 0xa3, b'k', b'w', b'h', 0xcb];
    mp.extend(12.5f64.to_be_bytes());
    mp.extend([0x01, 0xc3]);
    feed(&mut app, msg("meter/1", mp, QoS::AtMostOnce, false));
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("binary"), "guessed as bytes first: {text}");
    key(&mut app, KeyCode::Char('v'));
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("View of this topic"), "{text}");
    assert!(text.contains("msgpack   MessagePack as a tree"), "{text}");
    // auto, json, number, image, msgpack: four down.
    for _ in 0..4 {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Enter);
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("msgpack: picked with v"), "{text}");
    assert!(text.contains("\"kwh\": 12.5,"), "{text}");
    assert!(text.contains("\"1\": true"), "{text}");
    // A number and an image are recognised without a rule.
    feed(&mut app, msg("t/temp", "21.5", QoS::AtMostOnce, false));
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    png.extend(320u32.to_be_bytes());
    png.extend(240u32.to_be_bytes());
    feed(&mut app, msg("cam/snap", png, QoS::AtMostOnce, false));
    key(&mut app, KeyCode::Home);
    key(&mut app, KeyCode::Char('*'));
    let rows = app.tree_rows();
    let cam = app.link.store.tree.find("cam/snap").unwrap();
    let at = rows.iter().position(|r| *r == cam).unwrap();
    key(&mut app, KeyCode::Home);
    for _ in 0..at {
        key(&mut app, KeyCode::Down);
    }
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("PNG image, 320 × 240 pixels"), "{text}");
    assert!(text.contains("image"), "{text}");
}

#[test]
fn d_diffs_a_message_against_the_topics_previous_one() {
    let mut app = app();
    feed(
        &mut app,
        msg(
            "s/1",
            r#"{"t":21.5,"ok":true,"gone":1}"#,
            QoS::AtMostOnce,
            false,
        ),
    );
    feed(
        &mut app,
        msg(
            "s/1",
            r#"{"t":22,"ok":true,"new":"x"}"#,
            QoS::AtMostOnce,
            false,
        ),
    );
    key(&mut app, KeyCode::Char('d'));
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("diff against the previous message"), "{text}");
    assert!(text.contains("~ t: 21.5 → 22"), "{text}");
    assert!(text.contains("+ new: \"x\""), "{text}");
    assert!(text.contains("- gone: 1"), "{text}");
    // Stepping back diffs that one against its own predecessor: there is none.
    key(&mut app, KeyCode::Char('<'));
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("no earlier message of this topic"), "{text}");
    // Text by line, bytes by range.
    feed(&mut app, msg("log/a", "one\ntwo", QoS::AtMostOnce, false));
    feed(&mut app, msg("log/a", "one\nthree", QoS::AtMostOnce, false));
    feed(
        &mut app,
        msg("bin/a", vec![0xffu8, 1, 2, 3], QoS::AtMostOnce, false),
    );
    feed(
        &mut app,
        msg("bin/a", vec![0xffu8, 9, 9, 3], QoS::AtMostOnce, false),
    );
    for (topic, want) in [
        ("log/a", "+ three"),
        ("bin/a", "~ bytes 1–2: 01 02 → 09 09"),
    ] {
        let id = app.link.store.tree.find(topic).unwrap();
        app.tree.reveal(&app.link.store, id);
        app.tree.selected = Some(id);
        app.detail.unpin();
        let text = screen(&mut app, 120, 40);
        assert!(text.contains(want), "{topic}: {text}");
    }
}

#[test]
fn c_charts_a_topics_numbers_field_by_field() {
    let mut app = app();
    for (i, v) in ["19", "22.5", "21", "20.5"].iter().enumerate() {
        let mut m = msg("room/temp", *v, QoS::AtMostOnce, false);
        m.received =
            std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_000_000 + i as u64 * 10);
        feed(&mut app, m);
    }
    key(&mut app, KeyCode::Char('c'));
    let text = screen(&mut app, 120, 40);
    assert!(
        text.contains("room/temp · value 1/1 · last 20.5 · min 19 max 22.5 avg 20.75 · 4 pts"),
        "{text}"
    );
    assert!(
        text.chars().any(|c| ('\u{2801}'..='\u{28ff}').contains(&c)),
        "a line is drawn: {text}"
    );
    key(&mut app, KeyCode::Char('c'));
    assert!(!app.chart.open, "one field: the second c closes");
    // A JSON topic: one field after the other.
    for (t, rh) in [(21, 40), (22, 45)] {
        feed(
            &mut app,
            msg(
                "room/env",
                format!(r#"{{"t":{t},"rh":{rh},"ok":true}}"#),
                QoS::AtMostOnce,
                false,
            ),
        );
    }
    let id = app.link.store.tree.find("room/env").unwrap();
    app.tree.selected = Some(id);
    key(&mut app, KeyCode::Char('c'));
    assert!(screen(&mut app, 120, 40).contains("· t 1/2 · last 22 · min 21 max 22"));
    key(&mut app, KeyCode::Char('c'));
    assert!(screen(&mut app, 120, 40).contains("· rh 2/2 · last 45 · min 40 max 45"));
    key(&mut app, KeyCode::Char('c'));
    assert!(!app.chart.open);
}

#[test]
fn filters_search_payloads_in_the_tree_and_the_log() {
    let mut app = app();
    for (t, p) in [
        ("dev/1/state", r#"{"temp":35,"mode":"auto"}"#),
        ("dev/2/state", r#"{"temp":20,"mode":"off"}"#),
        ("dev/3/state", "online"),
        ("$SYS/x", "online"),
    ] {
        feed(&mut app, msg(t, p, QoS::AtMostOnce, false));
    }
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "json:temp>30");
    key(&mut app, KeyCode::Enter);
    let paths: Vec<String> = app
        .tree_rows()
        .iter()
        .map(|n| app.link.store.tree.path(*n))
        .collect();
    assert_eq!(paths, ["dev", "dev/1", "dev/1/state"]);
    let text = screen(&mut app, 120, 40);
    assert!(
        text.contains("Topics 1 of 4 · filter: json:temp>30"),
        "{text}"
    );
    key(&mut app, KeyCode::Char('/'));
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "payload:ONLINE -$SYS/#");
    key(&mut app, KeyCode::Enter);
    let paths: Vec<String> = app
        .tree_rows()
        .iter()
        .map(|n| app.link.store.tree.path(*n))
        .collect();
    assert_eq!(paths, ["dev", "dev/3", "dev/3/state"]);
    // The log, message by message: a topic's later message can match where its first did not.
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "json:mode=auto");
    key(&mut app, KeyCode::Enter);
    feed(
        &mut app,
        msg(
            "dev/2/state",
            r#"{"temp":21,"mode":"auto"}"#,
            QoS::AtMostOnce,
            false,
        ),
    );
    let (rows, _) = app.log_window(10);
    let got: Vec<String> = rows
        .iter()
        .map(|e| String::from_utf8_lossy(app.link.store.payload(e)).into_owned())
        .collect();
    assert_eq!(
        got,
        [
            r#"{"temp":35,"mode":"auto"}"#,
            r#"{"temp":21,"mode":"auto"}"#
        ]
    );
    // A bad regex says why instead of matching everything or nothing silently.
    key(&mut app, KeyCode::Char('/'));
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "re:(");
    let text = screen(&mut app, 120, 40);
    assert!(
        text.contains("re:(: regex parse error") || text.contains("re:(:"),
        "{text}"
    );
}

#[test]
fn numeric_leaves_show_a_sparkline_of_their_recent_values() {
    let mut app = app();
    for v in ["1", "2", "3", "4", "8"] {
        feed(&mut app, msg("plant/pressure", v, QoS::AtMostOnce, false));
    }
    feed(&mut app, msg("plant/state", "on", QoS::AtMostOnce, false));
    feed(&mut app, msg("plant/state", "off", QoS::AtMostOnce, false));
    let text = screen(&mut app, 160, 20);
    let row = |name: &str| {
        text.lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("no {name} row in\n{text}"))
            .split('│')
            .nth(1)
            .unwrap_or_default()
            .to_string()
    };
    assert!(row("pressure = 8").contains("pressure = 8 ▁▂▃▄█"), "{text}");
    assert!(
        !row("state = off").contains('▁'),
        "text payloads have none: {text}"
    );
}

#[test]
fn the_subscriptions_manager_and_its_form() {
    use mqscope::mqtt::{SubscribeResult, Subscription};
    let mut app = app();
    app.set_subscriptions(&[
        Subscription::new("#", QoS::ExactlyOnce),
        Subscription {
            no_local: true,
            id: Some(3),
            ..Subscription::new("cmd/#", QoS::AtLeastOnce)
        },
        Subscription::new("secret/#", QoS::AtMostOnce),
    ]);
    app.mqtt(
        MqttEvent::Subscribed(vec![
            SubscribeResult {
                filter: "#".into(),
                granted: Ok(QoS::ExactlyOnce),
            },
            SubscribeResult {
                filter: "secret/#".into(),
                granted: Err("not authorized".into()),
            },
        ]),
        app.now,
    );
    feed(&mut app, msg("cmd/lamp", "on", QoS::AtMostOnce, false));
    feed(&mut app, msg("sensors/t", "21", QoS::AtMostOnce, false));
    key(&mut app, KeyCode::Char('S'));
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("granted QoS 2"), "{text}");
    assert!(text.contains("refused: not authorized"), "{text}");
    assert!(text.contains("no local · id 3"), "{text}");
    assert!(text.contains("Subscriptions: 2 on"), "{text}");
    snap!("subscriptions_manager", text);
    key(&mut app, KeyCode::Char('a'));
    type_text(&mut app, "plant/+/#/x");
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("filter: "), "invalid as typed: {text}");
    for _ in 0..4 {
        key(&mut app, KeyCode::Backspace);
    }
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Char('1'));
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Char(' '));
    for _ in 0..3 {
        key(&mut app, KeyCode::Tab);
    }
    type_text(&mut app, "12");
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("ready: Enter subscribes"), "{text}");
    snap!("subscriptions_form", text);
    let now = app.now;
    let effects = app.event(
        Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
        now,
    );
    assert!(
        matches!(&effects[..], [mqscope::app::Effect::Subscribe(s)] if s[0].filter == "plant/+" && s[0].qos == QoS::AtLeastOnce && s[0].no_local && s[0].id == Some(12)),
        "{effects:?}"
    );
}

#[test]
fn i_shows_the_connack() {
    let mut app = app();
    let info = mqscope::mqtt::ConnAckInfo {
        assigned_client_id: Some("auto-7".into()),
        server_keep_alive: Some(30),
        receive_maximum: Some(20),
        maximum_qos: Some(1),
        retain_available: Some(false),
        topic_alias_maximum: Some(10),
        shared_available: Some(true),
        server_reference: Some("other.example:1883".into()),
        ..Default::default()
    };
    app.mqtt(MqttEvent::ConnAck(Box::new(info)), app.now);
    let notice = app.notice_text().unwrap_or_default().to_string();
    assert!(
        notice.starts_with("CONNACK: assigned client id auto-7 · maximum QoS 1"),
        "{notice}"
    );
    key(&mut app, KeyCode::Char('i'));
    let text = screen(&mut app, 120, 40);
    assert!(
        text.contains("CONNACK server keep-alive") && text.contains("30 s"),
        "{text}"
    );
    assert!(
        text.contains("CONNACK retain available") && text.contains("no"),
        "{text}"
    );
    snap!("connection_info", text);
    key(&mut app, KeyCode::Char('x'));
    assert!(app.popups.is_empty(), "any key closes it");
}

#[test]
fn ctrl_o_sets_the_properties_of_the_next_publish() {
    let mut app = app();
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab); // the topic field
    type_text(&mut app, "lamp/set");
    ctrl(&mut app, 'o');
    key(&mut app, KeyCode::Right); // payload format: utf8
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "60");
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "application/json");
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "lamp/#");
    let text = screen(&mut app, 120, 40);
    assert!(
        text.contains("response topic: "),
        "checked as typed: {text}"
    );
    key(&mut app, KeyCode::Backspace);
    type_text(&mut app, "reply");
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "hex:00ff");
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "app=mqscope");
    key(&mut app, KeyCode::Enter);
    type_text(&mut app, "room=3");
    let text = screen(&mut app, 120, 40);
    snap!("properties_form", text);
    ctrl(&mut app, 's');
    assert!(app.popups.is_empty(), "applied");
    let text = screen(&mut app, 120, 40);
    assert!(
        text.contains("MQTT 5: utf8 · expiry 60 s · application/json · reply to lamp/reply"),
        "{text}"
    );
    // Ctrl+S in compose publishes with them.
    let now = app.now;
    let effects = app.event(
        Event::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
        now,
    );
    // The response topic is subscribed to first (no subscription covers it), then the publish.
    let [
        mqscope::app::Effect::Subscribe(subs),
        mqscope::app::Effect::Publish(d),
    ] = &effects[..]
    else {
        panic!("{effects:?}")
    };
    assert_eq!(subs[0].filter, "lamp/reply");
    let p = d.properties.as_deref().unwrap();
    assert_eq!(
        p.user_properties,
        [
            ("app".into(), "mqscope".into()),
            ("room".into(), "3".into())
        ]
    );
    assert_eq!(p.correlation_data.as_deref(), Some(&[0u8, 0xff][..]));
    assert_eq!(p.message_expiry_interval, Some(60));
}

#[test]
fn m_shows_and_copies_the_mosquitto_pub_command() {
    let mut app = app();
    let mut m = msg("lamp/set", "it's on", QoS::AtLeastOnce, true);
    m.properties = Some(Box::new(Properties {
        content_type: Some("text/plain".into()),
        ..Properties::default()
    }));
    feed(&mut app, m);
    let now = app.now;
    let effects = app.event(
        Event::Key(KeyEvent::new(KeyCode::Char('m'), KeyModifiers::NONE)),
        now,
    );
    let want = r"mosquitto_pub -h 127.0.0.1 -p 1883 -t lamp/set -q 1 -r -V 5 -D publish content-type text/plain -m 'it'\''s on'";
    assert!(
        matches!(&effects[..], [mqscope::app::Effect::Copy { bytes, .. }] if bytes == want.as_bytes()),
        "{effects:?}"
    );
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("mosquitto_pub command · copied"), "{text}");
    snap!("copy_as_command", text);
}

#[test]
fn d_shows_what_the_broker_retains_before_clearing() {
    let mut app = app();
    for (t, p) in [
        ("plant/door", "closed"),
        ("plant/cfg", "{\"mode\":\"auto\"}"),
    ] {
        feed(&mut app, msg(t, p, QoS::AtLeastOnce, true));
    }
    key(&mut app, KeyCode::Home);
    let now = app.now;
    let effects = app.event(
        Event::Key(KeyEvent::new(KeyCode::Char('D'), KeyModifiers::NONE)),
        now,
    );
    assert!(
        matches!(&effects[..], [mqscope::app::Effect::RetainedLook { filter }] if filter == "plant/#"),
        "{effects:?}"
    );
    let text = screen(&mut app, 120, 40);
    assert!(
        text.contains("looking at what the broker retains"),
        "{text}"
    );
    // The look found one more than arrived here: what the broker holds is what counts.
    let found: Vec<Message> = [
        ("plant/cfg", "{\"mode\":\"auto\"}"),
        ("plant/door", "closed"),
        ("plant/old/x", "stale"),
    ]
    .iter()
    .map(|(t, p)| msg(t, *p, QoS::AtLeastOnce, true))
    .collect();
    app.on_found(
        "plant/#",
        Ok(mqscope::session::retained::Found {
            messages: found,
            truncated: false,
        }),
    );
    let text = screen(&mut app, 120, 40);
    assert!(
        text.contains("3 retained messages will be cleared"),
        "{text}"
    );
    snap!("cleanup_preview", text);
    let publishes = app.event(
        Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
        now,
    );
    assert!(
        matches!(&publishes[..], [mqscope::app::Effect::CleanupPublish(d)] if d.len() == 3 && d.iter().all(|d| d.retain && d.payload.is_empty())),
        "{publishes:?}"
    );
}

#[test]
fn the_payload_field_can_be_hex_or_base64_or_a_file() {
    let mut app = app();
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "bin/x");
    key(&mut app, KeyCode::Enter);
    ctrl(&mut app, 't'); // hex
    type_text(&mut app, "00 ff 1");
    let now = app.now;
    let send = |app: &mut App| {
        app.event(
            Event::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
            now,
        )
    };
    assert!(send(&mut app).is_empty());
    assert!(
        app.compose
            .status
            .as_ref()
            .unwrap()
            .0
            .contains("not sent: the payload is not hex"),
        "{:?}",
        app.compose.status
    );
    type_text(&mut app, "0");
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("payload is hex (Ctrl+T)"), "{text}");
    let effects = send(&mut app);
    let Some(mqscope::app::Effect::Publish(d)) = effects.first() else {
        panic!("{effects:?}")
    };
    assert_eq!(&d.payload[..], &[0x00, 0xff, 0x10]);
    assert!(!d.templated, "hex is sent as it is");
    ctrl(&mut app, 't'); // base64
    ctrl(&mut app, 'l');
    type_text(&mut app, "AAH/");
    let effects = send(&mut app);
    let Some(mqscope::app::Effect::Publish(d)) = effects.first() else {
        panic!("{effects:?}")
    };
    assert_eq!(&d.payload[..], &[0x00, 0x01, 0xff]);
    // A file read by its job: bytes that are not text come back as base64.
    ctrl(&mut app, 'f');
    type_text(&mut app, "/tmp/some.bin");
    let effects = app.event(
        Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
        now,
    );
    assert!(
        matches!(&effects[..], [mqscope::app::Effect::LoadPayload { path: p, .. }] if p.to_str() == Some("/tmp/some.bin"))
    );
    // The job reads bytes; the app decides they are not text.
    app.done(
        mqscope::app::Output::PayloadRead(vec![0xde, 0xad, 0xbe, 0xef]),
        now,
    );
    assert_eq!(
        app.compose.encoding,
        mqscope::app::compose::Encoding::Base64
    );
    let effects = send(&mut app);
    let Some(mqscope::app::Effect::Publish(d)) = effects.first() else {
        panic!("{effects:?}")
    };
    assert_eq!(&d.payload[..], &[0xde, 0xad, 0xbe, 0xef]);
}

#[test]
fn the_profile_editor_checks_with_the_loaders_words() {
    let mut app = app();
    let mut p = mqscope::config::Profile::adhoc(
        mqscope::mqtt::BrokerUrl::parse("mqtts://broker.example:8883").unwrap(),
    );
    p.name = "plant".into();
    p.username = Some("line1".into());
    p.password = mqscope::config::PasswordSource::Env("PLANT_PW".into());
    p.subscriptions = vec![mqscope::mqtt::Subscription::new(
        "factory/#",
        QoS::AtLeastOnce,
    )];
    app.profiles = vec![p];
    key(&mut app, KeyCode::Char('P'));
    ctrl(&mut app, 'e');
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("Edit profile 'plant'"), "{text}");
    assert!(
        text.contains("valid: plant on mqtts://broker.example:8883"),
        "{text}"
    );
    snap!("profile_editor", text);
    // The protocol field: a value the loader refuses, in its words.
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    ctrl(&mut app, 'u');
    type_text(&mut app, "4.1");
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("protocol"), "{text}");
    assert!(!text.contains("valid: plant"), "{text}");
}

/// From 100 columns every tree row has its rate while messages flow, even beside a long payload
/// (it once needed about 160 columns); below, the payload keeps its room first.
#[test]
fn the_tree_shows_rates_from_100_columns() {
    let mut app = app();
    let long = format!("{{\"reading\":\"{}\"}}", "x".repeat(200));
    let t0 = app.now;
    // Two seconds of traffic: the last full second is what a row's rate shows.
    for i in 0..40u64 {
        let now = t0 + Duration::from_millis(i * 50);
        app.mqtt(
            MqttEvent::Message(msg("plant/line/temp", long.clone(), QoS::AtMostOnce, false)),
            now,
        );
    }
    app.now = t0 + Duration::from_millis(2_050);
    let rate_row = |text: &str| {
        text.lines()
            .find(|l| l.contains("temp ") && l.contains("40 msgs"))
            .map(|l| l.contains("/s"))
            .unwrap_or(false)
    };
    let wide = screen(&mut app, 100, 30);
    assert!(rate_row(&wide), "a rate at 100 columns:\n{wide}");
    let narrow = screen(&mut app, 99, 30);
    assert!(!rate_row(&narrow), "below 100 the payload first:\n{narrow}");
}

/// `?` says what R means, whole: a description longer than its row is read under the rows
/// when chosen, at 120×40 and 80×24.
#[test]
fn help_says_what_r_means_whole() {
    for (w, h) in [(120, 40), (80, 24)] {
        let mut app = app();
        key(&mut app, KeyCode::Char('?'));
        for c in "retain-as-published".chars() {
            key(&mut app, KeyCode::Char(c));
        }
        let text = screen(&mut app, w, h);
        let flat = text
            .replace('│', " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        for part in [
            "the broker holds a message on this topic",
            "MQTT 3.1.1 shows only what the broker sent on subscribing",
            "In the log: the message came flagged retained",
        ] {
            assert!(flat.contains(part), "{w}x{h}: '{part}' in\n{text}");
        }
    }
}

/// PgDn in `?` moves a page of the rows shown (it moved 10 of 38).
#[test]
fn help_pages_by_what_it_shows() {
    let mut app = app();
    key(&mut app, KeyCode::Char('?'));
    let first = screen(&mut app, 120, 40);
    assert!(first.contains("Keys 1–36 of"), "{first}");
    key(&mut app, KeyCode::PageDown);
    key(&mut app, KeyCode::PageDown);
    let paged = screen(&mut app, 120, 40);
    assert!(paged.contains("Keys 38–73 of"), "two pages on: {paged}");
}

/// An emoji ZWJ sequence in a topic and a payload is drawn as one glyph, not as its emoji with
/// `<U+200D>` between them; a joiner elsewhere is still named.
#[test]
fn emoji_sequences_stay_whole_and_stray_joiners_are_named() {
    let mut app = app();
    feed(
        &mut app,
        msg(
            "team/👩\u{200D}💻",
            "on duty 👨\u{200D}👩\u{200D}👧",
            QoS::AtMostOnce,
            false,
        ),
    );
    feed(
        &mut app,
        msg("team/odd", "a\u{200D}b", QoS::AtMostOnce, false),
    );
    for (w, h) in [(120, 40), (80, 24)] {
        let text = screen(&mut app, w, h);
        assert!(text.contains("👩\u{200D}💻"), "{w}x{h}:\n{text}");
        assert!(!text.contains("👩<U+200D>"), "{w}x{h}:\n{text}");
        if w == 120 {
            assert!(text.contains("a<U+200D>b"), "{w}x{h}:\n{text}");
        }
    }
}
