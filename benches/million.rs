//! `cargo bench --bench million`: a million topics under the default budget, as the blaster's
//! burst leaves them (2,000,000 messages over 1,000,000 new topics `bench/site{s}/dev{i}/temp`,
//! 10 sites, JSON payloads), filed through the app's own door. Then, each with a frame drawn on
//! a 120x40 screen (what the user waits for): expanding a site (100,000 children), typing a
//! topic filter, changing the order, and a frame with nothing changed. The reference, measured
//! in the same run, is a screen of plain text drawn on the same terminal.
//!
//! The targets (issue 21): each change with its frame in 16 ms, a frame alone in 5 ms.

use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use mqscope::app::{App, Clock, ConnId, Focus, Msg};
use mqscope::mqtt::{Message, MqttEvent, QoS};
use mqscope::store::Limits;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

const TOPICS: usize = 1_000_000;
const MESSAGES: usize = 2_000_000;

fn message(k: usize) -> Message {
    let i = k % TOPICS;
    Message {
        topic: format!("bench/site{}/dev{i}/temp", i % 10).into(),
        payload: Bytes::from(format!("{{\"t\":21.5,\"seq\":{k}}}")),
        qos: QoS::AtMostOnce,
        retain: false,
        dup: false,
        received: SystemTime::now(),
        properties: None,
    }
}

/// The burst, filed in batches as the intake hands them over, a millisecond apart.
fn burst() -> App {
    let t0 = Instant::now();
    let mut app = App::new(Vec::new(), Limits::default(), t0);
    app.size = Rect::new(0, 0, 120, 40);
    let started = Instant::now();
    for (b, chunk) in (0..MESSAGES).collect::<Vec<_>>().chunks(1024).enumerate() {
        let batch = chunk
            .iter()
            .map(|&k| MqttEvent::Message(message(k)))
            .collect();
        let now = t0 + Duration::from_millis(b as u64);
        app.update(Msg::Mqtt(ConnId::FIRST, batch), Clock::at(now));
    }
    let store = &app.link.store;
    println!(
        "filed {MESSAGES} messages in {:.1?}: {} topics kept, {} refused, store {} MiB of {} MiB",
        started.elapsed(),
        store.tree.topic_count(),
        store.refused,
        store.memory_bytes() >> 20,
        store.limits().memory_budget >> 20,
    );
    assert_eq!(
        store.tree.topic_count() as usize,
        TOPICS,
        "every topic kept"
    );
    app
}

fn million(c: &mut Criterion) {
    let mut app = burst();
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    app.focus = Focus::Tree;
    let tree = &app.link.store.tree;
    let bench = tree.find("bench").unwrap();
    let site = tree.find("bench/site3").unwrap();
    app.tree.expand(bench);
    app.tree.selected = Some(site);
    let mut g = c.benchmark_group("1M topics under the default budget, 120x40");
    g.sample_size(20);
    let text: Vec<Line> = (0..40).map(|i| Line::raw(format!("{i:>120}"))).collect();
    g.bench_function("reference: a screen of plain text", |b| {
        b.iter(|| {
            term.draw(|f| f.render_widget(Paragraph::new(text.clone()), f.area()))
                .unwrap();
        })
    });
    g.bench_function("expand a site of 100,000 topics, and draw", |b| {
        b.iter(|| {
            app.tree.collapse(site);
            app.tree.expand(site);
            term.draw(|f| mqscope::ui::draw(f, &app)).unwrap();
        })
    });
    g.bench_function("a frame, nothing changed (site open)", |b| {
        b.iter(|| {
            term.draw(|f| mqscope::ui::draw(f, &app)).unwrap();
        })
    });
    let mut n = 0;
    g.bench_function("type a topic filter (dev4242…), and draw", |b| {
        b.iter(|| {
            n += 1;
            app.tree.filter.text = format!("dev4242{}", n % 10);
            term.draw(|f| mqscope::ui::draw(f, &app)).unwrap();
        })
    });
    app.tree.filter.text.clear();
    // The site stays open, so each sort orders its 100,000 rows too (whether or not the
    // expand measurement ran before: a filtered run measures the same thing).
    app.tree.collapse(site);
    app.tree.expand(site);
    // Each order that follows the traffic, its rows sorted afresh each time (as when `o`
    // picks it, or once a second while it is on).
    loop {
        app.tree.order = app.tree.order.next();
        let Some(words) = app.tree.order.words() else {
            break; // back to by name
        };
        g.bench_function(format!("sort by {words}, and draw"), |b| {
            b.iter(|| {
                *app.tree.rows_cache.borrow_mut() = None;
                term.draw(|f| mqscope::ui::draw(f, &app)).unwrap();
            })
        });
    }
    g.finish();
}

criterion_group!(benches, million);
criterion_main!(benches);
