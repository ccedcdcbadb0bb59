//! `cargo bench --bench store_and_frames`: the store's insert path, one frame of the tree and of
//! the log with 1,000,000 topics on a 200x60 screen, and payload previews. Each group has a
//! reference measured in the same run, so results read as ratios:
//! - insert: a plain `HashMap<TopicText, Vec<Bytes>>` keyed by topic (the least work that files a
//!   message by topic);
//! - frames: drawing a 200x60 screen of plain text (what any full redraw costs);
//! - previews: copying the payload into a String;
//! - a big JSON document in the detail: serde_json parsing it into a `Value` (the least work
//!   that reads it whole), against mqscope decoding it, laying it out as rows, and drawing one
//!   200x60 frame of it (once per message; later frames draw from the cached rows).

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use mqscope::app::{App, Clock, Focus, Msg};
use mqscope::mqtt::{Message, MqttEvent, QoS, TopicText};
use mqscope::store::{Limits, Store};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

fn topic(i: usize, topics: usize) -> String {
    let t = i % topics;
    format!(
        "site/{}/line-{}/dev-{}/temp",
        t % 10,
        (t / 10) % 100,
        t / 1000
    )
}

fn message(topic: String, i: usize) -> Message {
    Message {
        topic: topic.into(),
        payload: Bytes::from(format!("{{\"t\":{}.{}}}", 20 + i % 10, i % 100)),
        qos: QoS::AtMostOnce,
        retain: false,
        dup: false,
        received: SystemTime::now(),
        properties: None,
    }
}

fn insert(c: &mut Criterion) {
    const N: usize = 1_000_000;
    const TOPICS: usize = 100_000;
    let topics: Vec<String> = (0..TOPICS).map(|i| topic(i, TOPICS)).collect();
    // The same 1M messages for both, made outside the timing.
    let batch = || {
        (0..N)
            .map(|i| message(topics[i % TOPICS].clone(), i))
            .collect::<Vec<_>>()
    };
    let mut g = c.benchmark_group("insert 1M messages over 100k topics");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .throughput(Throughput::Elements(N as u64));
    g.bench_function("reference: HashMap<TopicText, Vec<Bytes>>", |b| {
        b.iter_batched(
            batch,
            |msgs| {
                let mut map: HashMap<TopicText, Vec<Bytes>> = HashMap::new();
                for m in msgs {
                    map.entry(m.topic).or_default().push(m.payload);
                }
                black_box(map.len())
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function("mqscope store", |b| {
        b.iter_batched(
            batch,
            |msgs| {
                let mut store = Store::new(Limits::default());
                let now = Instant::now();
                for m in msgs {
                    store.ingest(m, false, now);
                }
                black_box(store.memory_bytes())
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

/// An app holding 1,000,000 topics, everything expanded, a topic selected in the middle.
/// One MQTT event through the app's door.
fn mqtt(app: &mut App, event: MqttEvent, now: Instant) {
    app.update(
        Msg::Mqtt(mqscope::app::ConnId::FIRST, vec![event]),
        Clock::at(now),
    );
}

/// One terminal event through the app's door.
fn key_event(app: &mut App, event: Event, now: Instant) {
    app.update(Msg::Term(event), Clock::at(now));
}

fn big_app() -> App {
    const TOPICS: usize = 1_000_000;
    let now = Instant::now();
    // A budget that holds a million topics and all their messages (the default holds the
    // topics and their last messages).
    let limits = Limits {
        memory_budget: 2 << 30,
        ..Limits::default()
    };
    let mut app = App::new(Vec::new(), limits, now);
    for i in 0..TOPICS {
        mqtt(
            &mut app,
            MqttEvent::Message(message(topic(i, TOPICS), i)),
            now,
        );
    }
    app.size = Rect::new(0, 0, 200, 60);
    let press = |app: &mut App, code: KeyCode| {
        key_event(
            app,
            Event::Key(KeyEvent::new(code, KeyModifiers::NONE)),
            now,
        );
    };
    press(&mut app, KeyCode::Char('-')); // the first topic was opened: back to its root
    press(&mut app, KeyCode::Char('*')); // expand everything under the first root
    for _ in 0..500 {
        press(&mut app, KeyCode::PageDown);
    }
    app
}

fn frames(c: &mut Criterion) {
    let mut app = big_app();
    let rows = app.tree_rows().len();
    let mut term = Terminal::new(TestBackend::new(200, 60)).unwrap();
    let mut g = c.benchmark_group(format!("one 200x60 frame, 1M topics ({rows} tree rows)"));
    g.sample_size(30);
    let text: Vec<Line> = (0..60).map(|i| Line::raw(format!("{i:>200}"))).collect();
    g.bench_function("reference: a screen of plain text", |b| {
        b.iter(|| {
            term.draw(|f| f.render_widget(Paragraph::new(text.clone()), f.area()))
                .unwrap();
        })
    });
    app.focus = Focus::Tree;
    g.bench_function("tree focused (rows cached)", |b| {
        b.iter(|| {
            term.draw(|f| mqscope::ui::draw(f, &app)).unwrap();
        })
    });
    // A flood of new topics under open nodes, one new row a frame, frames 33 ms apart: at
    // this size the rows are re-flattened every few seconds, so this is the mean frame
    // including that amortized cost.
    g.bench_function("tree while new topics arrive under open nodes", |b| {
        let mut i = 0;
        b.iter(|| {
            i += 1;
            app.now += std::time::Duration::from_millis(33);
            let now = app.now;
            mqtt(
                &mut app,
                MqttEvent::Message(message(format!("site/new-{i}"), i)),
                now,
            );
            term.draw(|f| mqscope::ui::draw(f, &app)).unwrap();
        })
    });
    g.bench_function(
        "tree rows rebuilt from scratch (after expanding or filtering)",
        |b| {
            b.iter(|| {
                *app.tree.rows_cache.borrow_mut() = None;
                term.draw(|f| mqscope::ui::draw(f, &app)).unwrap();
            })
        },
    );
    let now = app.now;
    key_event(
        &mut app,
        Event::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE)),
        now,
    );
    g.bench_function("log focused, following", |b| {
        b.iter(|| {
            term.draw(|f| mqscope::ui::draw(f, &app)).unwrap();
        })
    });
    // A filter 100 topics of a million match: the index answers; a search would walk the
    // whole log every frame.
    app.log.filter.text = "site/3/+/dev-42/temp".into();
    let built = std::time::Instant::now();
    app.refresh_log_index();
    println!("log index for the filter built in {:?}", built.elapsed());
    g.bench_function("log filtered (100 of 1M topics match)", |b| {
        b.iter(|| {
            term.draw(|f| mqscope::ui::draw(f, &app)).unwrap();
        })
    });
    g.finish();
}

fn previews(c: &mut Criterion) {
    let json =
        Bytes::from(r#"{"temperature":21.53,"humidity":40.2,"battery":97,"fw":"1.4.2","ok":true}"#);
    let binary = Bytes::from((0..=255u8).cycle().take(4096).collect::<Vec<u8>>());
    let big = Bytes::from("x".repeat(5 * 1024 * 1024));
    let mut g = c.benchmark_group("payload preview (60 columns)");
    for (name, p) in [
        ("json", &json),
        ("binary 4 KiB", &binary),
        ("text 5 MiB", &big),
    ] {
        g.bench_function(format!("reference: copy into a String ({name})"), |b| {
            b.iter(|| black_box(String::from_utf8_lossy(&p[..p.len().min(240)]).into_owned()))
        });
        g.bench_function(format!("mqscope preview ({name})"), |b| {
            b.iter(|| black_box(mqscope::text::payload_preview(p, 60)))
        });
    }
    g.finish();
}

/// A JSON document of about `bytes`: a list of small sensor objects.
fn big_json(bytes: usize) -> String {
    let mut items = Vec::new();
    let mut len = 0;
    let mut i = 0;
    while len < bytes {
        let item = format!(
            r#"{{"id":{i},"name":"sensor-{i}","t":{}.5,"ok":true,"tags":["a","b"]}}"#,
            i % 40
        );
        len += item.len() + 1;
        items.push(item);
        i += 1;
    }
    format!(r#"{{"site":"plant","sensors":[{}]}}"#, items.join(","))
}

fn big_documents(c: &mut Criterion) {
    let mut g = c.benchmark_group("a JSON document in the detail, first frame");
    g.sample_size(10);
    // Up to just under decode::WHOLE_MAX, the biggest document read whole.
    for size in [64 * 1024, 256 * 1024, 1000 * 1024] {
        let doc = big_json(size);
        let label = mqscope::text::human_bytes(doc.len() as u64);
        g.bench_function(format!("reference: serde_json::Value ({label})"), |b| {
            b.iter(|| black_box(serde_json::from_str::<serde_json::Value>(&doc).ok()))
        });
        g.bench_function(format!("mqscope decode + rows + frame ({label})"), |b| {
            b.iter_batched(
                || {
                    let mut app = App::new(Vec::new(), Limits::default(), Instant::now());
                    app.size = Rect::new(0, 0, 200, 60);
                    mqtt(
                        &mut app,
                        MqttEvent::Message(Message {
                            topic: "big/doc".into(),
                            payload: Bytes::from(doc.clone()),
                            qos: QoS::AtMostOnce,
                            retain: false,
                            dup: false,
                            received: SystemTime::now(),
                            properties: None,
                        }),
                        Instant::now(),
                    );
                    (app, Terminal::new(TestBackend::new(200, 60)).unwrap())
                },
                |(app, mut term)| {
                    term.draw(|f| mqscope::ui::draw(f, &app)).unwrap();
                    // Returned, so dropping the app is not timed.
                    (app, term)
                },
                BatchSize::PerIteration,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, insert, frames, previews, big_documents);
criterion_main!(benches);
