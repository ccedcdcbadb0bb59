//! `mqscope sub`: print what arrives, like mosquitto_sub.

use std::io::{self, Write};
use std::time::Duration;

use tokio::time::Instant;

use super::json::message_json;
use super::{StateReport, connection_failure};
use crate::cli::SubArgs;
use crate::mqtt::{self, MqttEvent, WorkerOptions};
use crate::process::failure::{Failure, runtime, usage};
use crate::session::connect::{failure_from_tls, headless_setup};

enum Stop {
    Done,
    /// stdout was closed (e.g. `| head`): not an error.
    Closed,
}

pub async fn run(args: SubArgs) -> Result<(), Failure> {
    let subscriptions = super::subscriptions(&args.subscribe)?;
    if let Some(w) = args.idle_timeout
        && !(w.is_finite() && w > 0.0)
    {
        return Err(usage("-W: a positive number of seconds is needed"));
    }
    let (mut settings, rules) = headless_setup(&args.conn)?;
    let v5_options = v5_options_given(&args.subscribe);
    if settings.protocol == crate::mqtt::Protocol::V311
        && let Some(given) = &v5_options
    {
        return Err(crate::process::failure::usage(format!(
            "{given} are MQTT 5 subscription options, but MQTT 3.1.1 is asked for \
             (--protocol 3 or the profile); use --protocol 5 or auto"
        )));
    }
    let registry = crate::decode::Registry::new(rules);
    let mut births = crate::decode::Births::default();
    settings.subscriptions = subscriptions;
    super::warn_insecure(&settings);
    let handle = mqtt::spawn(&settings, WorkerOptions::default()).map_err(failure_from_tls)?;
    let idle = args.idle_timeout.map(Duration::from_secs_f64);
    // -W counts from the subscription, not from the start: connecting is not idleness.
    let mut deadline: Option<Instant> = None;
    let mut received: u64 = 0;
    let mut report = StateReport {
        quiet: args.debug,
        ..StateReport::default()
    };
    let mut batch = Vec::new();
    let stdout = io::stdout();
    // Topics are always escaped (a newline in one would forge an output line, an escape
    // sequence would reach the terminal); payloads raw into a pipe, as scripts expect, and
    // escaped on a terminal.
    let escape_payloads = args.escape || (!args.raw && io::IsTerminal::is_terminal(&stdout));
    let mut out = io::BufWriter::new(stdout.lock());

    let outcome: Result<Stop, Failure> = 'outer: loop {
        let open = tokio::select! {
            open = handle.events().recv_batch(&mut batch) => open,
            _ = tokio::time::sleep_until(deadline.unwrap_or_else(Instant::now)), if deadline.is_some() => {
                break match args.count {
                    Some(c) if received < c => Err(runtime(format!(
                        "timed out: {received} of {c} messages after {:.1} s without one",
                        idle.unwrap_or_default().as_secs_f64()
                    ))),
                    _ => Ok(Stop::Done),
                };
            }
            _ = tokio::signal::ctrl_c() => break Ok(Stop::Done),
        };
        for event in batch.drain(..) {
            match event {
                MqttEvent::ConnAck(info) if args.debug => {
                    for (k, v) in info.rows() {
                        eprintln!("mqscope: CONNACK {k}: {}", crate::text::clean(&v));
                    }
                }
                MqttEvent::State(state) => {
                    if args.debug {
                        eprintln!(
                            "mqscope: {}: {}",
                            settings.url,
                            crate::text::clean(&state.to_string())
                        );
                    }
                    if matches!(state, crate::mqtt::ConnState::Connected { .. })
                        && deadline.is_none()
                    {
                        deadline = idle.map(|d| Instant::now() + d);
                    }
                    if let Err(f) = report.check(&settings, &state) {
                        break 'outer Err(f);
                    }
                }
                MqttEvent::Subscribed(results) => {
                    for r in results {
                        if args.debug
                            && let Ok(q) = r.granted
                        {
                            eprintln!(
                                "mqscope: subscribed to '{}' (QoS {q})",
                                crate::text::clean(&r.filter)
                            );
                        }
                        if let Err(why) = r.granted {
                            break 'outer Err(runtime(format!(
                                "{}: subscription '{}' refused: {why}",
                                settings.url, r.filter
                            )));
                        }
                    }
                }
                MqttEvent::Message(m) => {
                    births.observe(received, &m.topic, &m.payload);
                    let written = if args.json {
                        let mut shown = super::json::shown_for(&m, &registry, &births, received);
                        if let Some(s) = shown.as_mut()
                            && let Some(command) = s.command.take()
                        {
                            // Output already written is flushed first: the command may take
                            // its whole time limit.
                            let _ = out.flush();
                            s.result = match crate::process::decoder_command::run(
                                &command,
                                m.payload.clone(),
                            )
                            .await
                            {
                                Ok(o) => Ok(crate::decode::external::output(&o)),
                                Err(why) => Err(crate::decode::DecodeError::new(why, None)),
                            };
                        }
                        super::json::write_safe(&mut out, &message_json(&m, shown.as_ref()))
                            .and_then(|_| out.write_all(b"\n"))
                    } else {
                        let topic = args.verbose.then(|| crate::text::clean(&m.topic));
                        let payload = if escape_payloads {
                            std::borrow::Cow::Owned(
                                crate::text::clean(&String::from_utf8_lossy(&m.payload))
                                    .into_owned()
                                    .into_bytes(),
                            )
                        } else {
                            std::borrow::Cow::Borrowed(&m.payload[..])
                        };
                        topic
                            .map_or(Ok(()), |t| {
                                out.write_all(t.as_bytes())
                                    .and_then(|_| out.write_all(b" "))
                            })
                            .and_then(|_| out.write_all(&payload))
                            .and_then(|_| out.write_all(b"\n"))
                    };
                    if written.is_err() {
                        break 'outer Ok(Stop::Closed);
                    }
                    received += 1;
                    deadline = idle.map(|d| Instant::now() + d);
                    if args.count.is_some_and(|c| received >= c) {
                        break 'outer Ok(Stop::Done);
                    }
                }
                MqttEvent::Negotiated {
                    protocol: crate::mqtt::Protocol::V311,
                    ..
                } if v5_options.is_some() => {
                    break 'outer Err(runtime(format!(
                        "{}: the broker speaks only MQTT 3.1.1, which has no {}; nothing was \
                         subscribed",
                        settings.url,
                        v5_options.as_deref().unwrap_or_default()
                    )));
                }
                MqttEvent::Negotiated { protocol, note } if args.debug => match note {
                    Some(n) => eprintln!("mqscope: {}: speaking {protocol}: {n}", settings.url),
                    None => eprintln!("mqscope: {}: speaking {protocol}", settings.url),
                },
                _ => {}
            }
        }
        if out.flush().is_err() {
            break Ok(Stop::Closed);
        }
        if !open {
            break Err(connection_failure(&settings, "connection closed"));
        }
    };
    let _ = out.flush();
    handle.shut_down().await;
    outcome.map(|_| ())
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
