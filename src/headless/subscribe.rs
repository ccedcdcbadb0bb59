//! `mqscope sub`: print what arrives, like mosquitto_sub; with several `-b`/`-P`, from each of
//! them, every line labelled with its connection (`-v`: an `@label` before the topic; `--json`:
//! a `broker` field). One connection that fails is told and the others go on; the exit status
//! is 1 when any failed.

use std::io::{self, Write};
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::alerts::Alerts;
use super::json::message_json;
use super::record::{Header, Recorder};
use super::{StateReport, connection_failure};
use crate::cli::SubArgs;
use crate::decode::{Births, Registry};
use crate::mqtt::{
    self, ConnectionSettings, EventQueue, Message, MqttEvent, MqttHandle, WorkerOptions,
};
use crate::process::failure::{Failure, runtime, usage};
use crate::session::connect::{failure_from_tls, headless_setup};

enum Stop {
    Done,
    /// stdout was closed (e.g. `| head`): not an error.
    Closed,
}

/// One connection of the command: its settings, how its payloads are decoded, and what was
/// said of its state.
struct Conn {
    /// `@name` when there are several (None: one connection, lines as mosquitto_sub's).
    label: Option<String>,
    settings: ConnectionSettings,
    registry: Registry,
    /// `[[latency]]`: where messages say when they were sent (`--json` adds the lag).
    latency: Vec<crate::decode::send_time::LatencyRule>,
    /// `[[schemas]]`: `--json` adds each payload's verdict.
    schemas: Vec<crate::decode::schema::SchemaRule>,
    births: Births,
    report: StateReport,
    /// Why it stopped for good (told on stderr as it happened).
    failed: Option<Failure>,
}

/// What the printing needs of the command line.
struct Print {
    json: bool,
    verbose: bool,
    escape_payloads: bool,
}

/// How long printed output may wait in the buffer (a flood fills it sooner).
const FLUSH_WITHIN: Duration = Duration::from_millis(5);

pub async fn run(args: SubArgs) -> Result<(), Failure> {
    let subscriptions = super::subscriptions(&args.subscribe)?;
    if let Some(w) = args.idle_timeout
        && !(w.is_finite() && w > 0.0)
    {
        return Err(usage("-W: a positive number of seconds is needed"));
    }
    let v5_options = v5_options_given(&args.subscribe);
    let mut conns = Vec::new();
    let mut alert_rules = None;
    for (label, conn_args) in args.conn.each() {
        let setup = headless_setup(&conn_args)?;
        let (mut settings, rules, latency) = (setup.settings, setup.rules, setup.latency);
        let schemas = setup.schemas;
        alert_rules.get_or_insert(setup.alerts);
        if settings.protocol == crate::mqtt::Protocol::V311
            && let Some(given) = &v5_options
        {
            return Err(usage(format!(
                "{given} are MQTT 5 subscription options, but MQTT 3.1.1 is asked for \
                 (--protocol 3 or the profile); use --protocol 5 or auto"
            )));
        }
        settings.subscriptions = subscriptions.clone();
        super::warn_insecure(&settings);
        conns.push(Conn {
            label: label.map(|l| format!("@{}", crate::text::clean(&l))),
            settings,
            registry: Registry::new(rules),
            latency,
            schemas,
            births: Births::default(),
            report: StateReport {
                quiet: args.debug,
                ..StateReport::default()
            },
            failed: None,
        });
    }
    let mut alerts = match (args.alerts || args.alerts_fail, alert_rules) {
        (true, Some(rules)) => Some(Alerts::new(rules, args.alerts_fail, args.json)?),
        _ => None,
    };
    // Created before connecting: a name that is taken stops the command before anything else.
    let mut recorder = match &args.record {
        Some(path) => Some(
            Recorder::create(
                path,
                Header {
                    brokers: conns.iter().map(|c| c.settings.url.to_string()).collect(),
                    filters: subscriptions.iter().map(|s| s.filter.as_str()).collect(),
                    shows: None,
                },
                std::time::SystemTime::now(),
                std::time::Instant::now(),
            )
            .map_err(record_failure)?,
        ),
        None => None,
    };
    let mut handles: Vec<Option<MqttHandle>> = Vec::new();
    for c in &conns {
        let options = WorkerOptions {
            trace: args.debug,
            ..WorkerOptions::default()
        };
        let h = mqtt::spawn(&c.settings, options).map_err(failure_from_tls)?;
        handles.push(Some(h));
    }
    // Each connection's queue is read in this task: with one, as before; with several, the
    // first to have events wins. (A reader task per connection, handing batches over a
    // channel, cost 45% more CPU on one connection: 1.85 against 1.27 CPU-s per 1M messages
    // from the blaster.)
    let queues: Vec<Arc<EventQueue>> = handles
        .iter()
        .flatten()
        .map(|h| Arc::clone(h.events()))
        .collect();
    let mut buffers: Vec<Vec<MqttEvent>> = queues.iter().map(|_| Vec::new()).collect();
    let idle = args.idle_timeout.map(Duration::from_secs_f64);
    // -W counts from the first subscription, not from the start: connecting is not idleness.
    let mut deadline: Option<Instant> = None;
    let mut received: u64 = 0;
    let stdout = io::stdout();
    // Topics are always escaped (a newline in one would forge an output line, an escape
    // sequence would reach the terminal); payloads raw into a pipe, as scripts expect, and
    // escaped on a terminal.
    let print = Print {
        json: args.json,
        verbose: args.verbose,
        escape_payloads: args.escape || (!args.raw && io::IsTerminal::is_terminal(&stdout)),
    };
    // 64 KiB, a pipe's whole buffer: with the default 8 KiB a flood into a pipe wrote (and
    // woke the reader) eight times as often.
    let mut out = io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    let several = conns.len() > 1;
    // Written out at most FLUSH_WITHIN after it was printed, not after every batch: flushed per
    // batch, a flood into a pipe wrote (and woke its reader) every few messages, and the
    // context switches were a sixth of `sub`'s CPU.
    let mut flush_at: Option<Instant> = None;
    let never = Instant::now() + Duration::from_secs(365 * 24 * 3600);
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);

    let outcome: Result<Stop, Failure> = 'outer: loop {
        let alive: Vec<bool> = conns.iter().map(|c| c.failed.is_none()).collect();
        let next = next_batch(&queues, &mut buffers, &alive);
        let (i, open) = tokio::select! {
            got = next => match got {
                Some(got) => got,
                None => break Ok(Stop::Done),
            },
            _ = tokio::time::sleep_until(deadline.unwrap_or(never)), if deadline.is_some() => {
                break match args.count {
                    Some(c) if received < c => Err(runtime(format!(
                        "timed out: {received} of {c} messages after {:.1} s without one",
                        idle.unwrap_or_default().as_secs_f64()
                    ))),
                    _ => Ok(Stop::Done),
                };
            }
            _ = tokio::time::sleep_until(flush_at.unwrap_or(never)), if flush_at.is_some() => {
                flush_at = None;
                if let Some(r) = recorder.as_mut()
                    && let Err(f) = r.flush()
                {
                    break Err(record_failure(f));
                }
                if out.flush().is_err() {
                    break Ok(Stop::Closed);
                }
                continue;
            }
            _ = tokio::time::sleep_until(alert_due(&alerts, never)),
                if alerts.as_ref().is_some_and(|a| a.next_due().is_some()) => {
                if let Some(a) = alerts.as_mut() {
                    let each: Vec<_> = conns
                        .iter()
                        .zip(&handles)
                        .map(|(c, h)| (c.label.as_deref(), h.as_ref()))
                        .collect();
                    if a.tick(&each, &mut out).is_err() {
                        break Ok(Stop::Closed);
                    }
                    if let Some(f) = a.failed() {
                        break Err(f);
                    }
                }
                continue;
            }
            _ = &mut ctrl_c => break Ok(Stop::Done),
        };
        let mut batch = std::mem::take(&mut buffers[i]);
        if !open && batch.is_empty() {
            // Its events ended: the worker stopped.
            let c = &mut conns[i];
            if c.failed.is_none() {
                c.failed = Some(connection_failure(&c.settings, "connection closed"));
            }
            match stop_one(i, several, &mut conns, &mut handles) {
                Some(f) => break Err(f),
                None => continue,
            }
        }
        if conns[i].failed.is_some() {
            continue;
        }
        let mut failure = None;
        let c = &mut conns[i];
        let taken = batch.len();
        let taken_at = std::time::Instant::now();
        for event in batch.drain(..) {
            failure = match event {
                MqttEvent::Packet(p) => {
                    eprintln!("mqscope: {}{}", prefix(c), p.line());
                    None
                }
                MqttEvent::ConnAck(info) if args.debug => {
                    for (k, v) in info.rows() {
                        eprintln!(
                            "mqscope: {}CONNACK {k}: {}",
                            prefix(c),
                            crate::text::clean(&v)
                        );
                    }
                    None
                }
                MqttEvent::State(state) => {
                    if args.debug {
                        let words = crate::text::clean(&state.to_string()).into_owned();
                        eprintln!("mqscope: {}{}: {words}", prefix(c), c.settings.url);
                    }
                    if matches!(state, crate::mqtt::ConnState::Connected { .. })
                        && deadline.is_none()
                    {
                        deadline = idle.map(|d| Instant::now() + d);
                    }
                    c.report.check(&c.settings, &state).err()
                }
                MqttEvent::Subscribed(results) => {
                    results.into_iter().find_map(|r| match r.granted {
                        Ok(q) => {
                            if args.debug {
                                let f = crate::text::clean(&r.filter).into_owned();
                                eprintln!("mqscope: {}subscribed to '{f}' (QoS {q})", prefix(c));
                            }
                            None
                        }
                        Err(why) => Some(runtime(format!(
                            "{}: subscription '{}' refused: {why}",
                            c.settings.url, r.filter
                        ))),
                    })
                }
                MqttEvent::Message(m) => {
                    c.births.observe(received, &m.topic, &m.payload);
                    if let Some(r) = recorder.as_mut()
                        && let Err(f) = r.write(
                            &m,
                            c.label.as_deref().map(|l| l.trim_start_matches('@')),
                            taken_at,
                        )
                    {
                        break 'outer Err(record_failure(f));
                    }
                    // With --alerts, the alerts are the output.
                    if let Some(a) = alerts.as_mut() {
                        let h = handles.get(i).and_then(Option::as_ref);
                        if a.observe(i, c.label.as_deref(), &m, h, &mut out).is_err() {
                            break 'outer Ok(Stop::Closed);
                        }
                        if let Some(f) = a.failed() {
                            break 'outer Err(f);
                        }
                    } else if write_message(&mut out, c, &m, received, &print)
                        .await
                        .is_err()
                    {
                        break 'outer Ok(Stop::Closed);
                    }
                    received += 1;
                    deadline = idle.map(|d| Instant::now() + d);
                    if args.count.is_some_and(|n| received >= n) {
                        break 'outer Ok(Stop::Done);
                    }
                    None
                }
                MqttEvent::Negotiated {
                    protocol: crate::mqtt::Protocol::V311,
                    ..
                } if v5_options.is_some() => Some(runtime(format!(
                    "{}: the broker speaks only MQTT 3.1.1, which has no {}; nothing was \
                     subscribed",
                    c.settings.url,
                    v5_options.as_deref().unwrap_or_default()
                ))),
                MqttEvent::Negotiated { protocol, note } if args.debug => {
                    let url = &c.settings.url;
                    match note {
                        Some(n) => {
                            eprintln!("mqscope: {}{url}: speaking {protocol}: {n}", prefix(c))
                        }
                        None => eprintln!("mqscope: {}{url}: speaking {protocol}", prefix(c)),
                    }
                    None
                }
                _ => None,
            };
            if failure.is_some() {
                break;
            }
        }
        // The buffer goes back, with its room.
        buffers[i] = batch;
        if let Some(f) = failure {
            conns[i].failed = Some(f);
            if let Some(f) = stop_one(i, several, &mut conns, &mut handles) {
                break Err(f);
            }
        }
        let recorded = recorder.as_ref().is_some_and(Recorder::pending);
        if flush_at.is_none() && (!out.buffer().is_empty() || recorded) {
            flush_at = Some(Instant::now() + FLUSH_WITHIN);
        }
        // A few messages at a time: let more gather before taking them.
        super::coalesce(taken).await;
    };
    let _ = out.flush();
    // An alert's publish is queued before the worker is told to stop, its command awaited.
    if let Some(a) = alerts.as_mut() {
        a.finish().await;
    }
    for h in handles.iter().flatten() {
        h.shut_down().await;
    }
    // What was recorded is on disk before the exit status is decided.
    let kept = recorder.as_mut().map(|r| r.flush().map_err(record_failure));
    let outcome = match (outcome, kept) {
        (Ok(_), Some(Err(f))) => Err(f),
        (o, _) => o,
    };
    match outcome {
        Err(f) => Err(f),
        // Ended normally while a connection had failed: that failure is the exit status.
        Ok(_) => match conns.iter_mut().find_map(|c| c.failed.take()) {
            Some(f) if several => Err(f),
            _ => Ok(()),
        },
    }
}

/// When the alerts' next silence may be due (`never` without alerts).
fn alert_due(alerts: &Option<Alerts>, never: Instant) -> Instant {
    alerts
        .as_ref()
        .and_then(Alerts::next_due)
        .map_or(never, Instant::from_std)
}

/// The next events of any live connection: its index, and whether its queue is still open
/// (None: no connection is left).
async fn next_batch(
    queues: &[Arc<EventQueue>],
    buffers: &mut [Vec<MqttEvent>],
    alive: &[bool],
) -> Option<(usize, bool)> {
    let mut waits: Vec<_> = queues
        .iter()
        .zip(buffers.iter_mut())
        .enumerate()
        .filter(|(i, _)| alive[*i])
        .map(|(i, (q, buf))| Box::pin(async move { (i, q.recv_batch(buf).await) }))
        .collect();
    match waits.len() {
        0 => None,
        // One connection: its queue alone, as with a single -b.
        1 => Some(waits.swap_remove(0).await),
        _ => Some(futures::future::select_all(waits).await.0),
    }
}

/// `@label ` before a stderr line, when there are several connections.
fn prefix(c: &Conn) -> String {
    c.label
        .as_ref()
        .map_or_else(String::new, |l| format!("{l} "))
}

/// Connection `i` stopped for good: with one connection, its failure ends the command; with
/// several, it is told on stderr, its worker stops (no retrying what cannot be fixed), and
/// the others go on until none is left.
fn stop_one(
    i: usize,
    several: bool,
    all: &mut [Conn],
    handles: &mut [Option<MqttHandle>],
) -> Option<Failure> {
    if !several {
        return all[i].failed.take();
    }
    let c = &all[i];
    let failure = c.failed.as_ref()?;
    eprintln!("mqscope: {}stopped: {failure}", prefix(c));
    if let Some(h) = handles.get_mut(i).and_then(Option::take) {
        tokio::spawn(async move { h.shut_down().await });
    }
    all.iter()
        .all(|c| c.failed.is_some())
        .then(|| runtime("every connection stopped"))
}

/// One message on stdout: a JSON object (with `broker` when labelled), or `[@label ][topic ]payload`.
async fn write_message(
    out: &mut impl Write,
    c: &Conn,
    m: &Message,
    seq: u64,
    print: &Print,
) -> io::Result<()> {
    if print.json {
        let mut shown = super::json::shown_for(m, &c.registry, &c.births, seq);
        if let Some(s) = shown.as_mut()
            && let Some(command) = s.command.take()
        {
            // Output already written is flushed first: the command may take its whole time
            // limit.
            out.flush()?;
            s.result = match crate::process::decoder_command::run(&command, m.payload.clone()).await
            {
                Ok(o) => Ok(crate::decode::external::output(&o)),
                Err(why) => Err(crate::decode::DecodeError::new(why, None)),
            };
        }
        let mut value = message_json(m, shown.as_ref());
        if let (Some(label), Some(obj)) = (&c.label, value.as_object_mut()) {
            obj.insert("broker".into(), label.trim_start_matches('@').into());
        }
        if let Some(obj) = value.as_object_mut() {
            super::json::add_lag(obj, m, &c.latency);
            super::json::add_schema(obj, m, &c.schemas);
        }
        super::json::write_safe(&mut *out, &value)?;
        return out.write_all(b"\n");
    }
    if print.verbose {
        if let Some(label) = &c.label {
            out.write_all(label.as_bytes())?;
            out.write_all(b" ")?;
        }
        let topic = crate::text::clean(&m.topic);
        out.write_all(crate::text::colour::paint(&topic, 36).as_bytes())?;
        out.write_all(b" ")?;
    }
    if print.escape_payloads {
        let text = crate::text::clean(&String::from_utf8_lossy(&m.payload)).into_owned();
        out.write_all(text.as_bytes())?;
    } else {
        out.write_all(&m.payload)?;
    }
    out.write_all(b"\n")
}

/// The MQTT 5 subscription options given on the command line, named as flags (None: none).
fn v5_options_given(args: &crate::cli::SubscriptionArgs) -> Option<String> {
    let mut given = Vec::new();
    if args.no_local {
        given.push("--no-local");
    }
    if args.retain_as_published {
        given.push("--retain-as-published");
    }
    if args.retain_handling != 0 {
        given.push("--retain-handling");
    }
    if args.subscription_id.is_some() {
        given.push("--subscription-id");
    }
    (!given.is_empty()).then(|| given.join(", "))
}

/// A recording's failure, said as the flag that asked for it.
fn record_failure(f: Failure) -> Failure {
    runtime(format!("--record {f}"))
}
