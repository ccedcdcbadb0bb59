//! `mqscope mock RULES.toml [CONN] [--dry-run]`: devices that answer. Subscribes to every rule's
//! filter, and for each message a rule takes publishes its answer when due (the delay counted
//! on the monotonic clock), printing a line an answer; `--dry-run` prints what would be sent
//! and sends nothing. At the end (Ctrl+C, or `-C N` answers), what each rule did.

use std::io::Write;
use std::time::Duration;

use tokio::time::Instant;

use super::StateReport;
use crate::cli::MockArgs;
use crate::mock::{Due, Mock, Outcome};
use crate::mqtt::{self, MqttEvent, QoS, Subscription, WorkerOptions};
use crate::process::failure::{Failure, runtime, usage};
use crate::session::connect::{failure_from_tls, headless_settings};
use crate::text::{clean, payload_preview};

/// Answers waiting for their delay at most; past it a request is counted as failed.
const PENDING_MAX: usize = 10_000;
/// Answers that could not be made told one by one a rule; past these, counted.
const TOLD: u64 = 3;

pub async fn run(args: MockArgs) -> Result<(), Failure> {
    let shown = clean(&args.file.display().to_string()).into_owned();
    let text = std::fs::read_to_string(&args.file)
        .map_err(|e| usage(format!("{shown}: cannot read it: {e}")))?;
    let rules = crate::mock::file::parse(&args.file, &text).map_err(|e| usage(e.to_string()))?;
    let mut settings = headless_settings(&args.conn)?;
    let mut filters: Vec<String> = Vec::new();
    for r in &rules {
        if !filters.contains(&r.filter) {
            filters.push(r.filter.clone());
        }
    }
    settings.subscriptions = filters
        .into_iter()
        .map(|f| Subscription::new(f, QoS::AtLeastOnce))
        .collect();
    super::warn_insecure(&settings);
    let handle = mqtt::spawn(&settings, WorkerOptions::default()).map_err(failure_from_tls)?;
    let mut mock = Mock::new(rules);
    let mut report = StateReport::default();
    let mut pending: Vec<Due> = Vec::new();
    let mut batch = Vec::new();
    let mut answered = 0u64;
    let never = Instant::now() + Duration::from_secs(365 * 24 * 3600);
    let stop = crate::process::signals::stop_requested();
    tokio::pin!(stop);
    let mut out = std::io::stdout().lock();
    let result: Result<(), Failure> = 'outer: loop {
        let next = pending
            .iter()
            .map(|d| d.due)
            .min()
            .map_or(never, Instant::from_std);
        tokio::select! {
            _ = &mut stop => break Ok(()),
            _ = tokio::time::sleep_until(next), if !pending.is_empty() => {
                let now = std::time::Instant::now();
                for d in crate::mock::take_due(&mut pending, now, |d| d.due) {
                    mock.sending(&d, now);
                    let rule = clean(&mock.rules[d.rule].name).into_owned();
                    let p = &d.publish;
                    let line = format!(
                        "{rule}: {} {} q{}{}: {}",
                        if args.dry_run { "would publish" } else { "→" },
                        clean(&p.topic),
                        p.qos.as_u8(),
                        if p.retain { " retained" } else { "" },
                        payload_preview(&p.payload, 80)
                    );
                    if !args.dry_run && let Err(e) = handle.publish(d.publish.clone()) {
                        eprintln!("mqscope: mock '{rule}': answer not sent: {e}");
                        continue;
                    }
                    if writeln!(out, "{line}").and_then(|_| out.flush()).is_err() {
                        break 'outer Ok(());
                    }
                    answered += 1;
                    if args.count.is_some_and(|n| answered >= n) {
                        break 'outer Ok(());
                    }
                }
            }
            open = handle.events().recv_batch(&mut batch) => {
                for event in batch.drain(..) {
                    match event {
                        MqttEvent::Message(m) => {
                            let now = std::time::Instant::now();
                            for o in mock.on_message(&m, now, std::time::SystemTime::now()) {
                                match o {
                                    Outcome::Answer(d) if pending.len() < PENDING_MAX => pending.push(d),
                                    Outcome::Answer(d) => {
                                        mock.counts[d.rule].failed += 1;
                                    }
                                    Outcome::Limited { .. } => {}
                                    Outcome::Failed { rule, why } => {
                                        if mock.counts[rule].failed <= TOLD {
                                            eprintln!(
                                                "mqscope: mock '{}': {} not answered: {}",
                                                clean(&mock.rules[rule].name),
                                                clean(&m.topic),
                                                clean(&why)
                                            );
                                        }
                                    }
                                }
                            }
                        }
                        MqttEvent::State(state) => {
                            if let Err(f) = report.check(&settings, &state) {
                                break 'outer Err(f);
                            }
                        }
                        MqttEvent::Subscribed(results) => {
                            for r in results {
                                if let Err(why) = r.granted {
                                    break 'outer Err(runtime(format!(
                                        "{}: subscription '{}' refused: {why}",
                                        settings.url,
                                        clean(&r.filter)
                                    )));
                                }
                                eprintln!("mqscope: mock listening on '{}'", clean(&r.filter));
                            }
                        }
                        MqttEvent::Publish { outcome, .. } if outcome.is_failure() => {
                            eprintln!("mqscope: mock: an answer failed: {}", clean(&outcome.to_string()));
                        }
                        _ => {}
                    }
                }
                if !open {
                    break Err(runtime(format!("{}: connection closed", settings.url)));
                }
            }
        }
    };
    drop(out);
    handle.shut_down().await;
    for (r, c) in mock.rules.iter().zip(&mock.counts) {
        eprintln!(
            "mqscope: mock '{}': {} hits, {} answered, {} over its rate, {} not answered",
            clean(&r.name),
            c.hits,
            c.answered,
            c.limited,
            c.failed
        );
    }
    if mock.guarded > 0 {
        eprintln!(
            "mqscope: mock: {} of our own answers came back and were not taken as requests",
            mock.guarded
        );
    }
    result
}
