//! `mqscope rr`: MQTT 5 request/response. Subscribes to the response topic (and waits for the
//! SUBACK, so the answer cannot come before we listen), publishes the request with the response
//! topic and correlation data, and prints the first response whose correlation data matches.
//! Responses with other (or no) correlation data are someone else's: they are skipped (and
//! named on stderr with -v), which mosquitto_rr does not do.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use super::StateReport;
use crate::cli::RrArgs;
use crate::mqtt::topic::validate_topic;
use crate::mqtt::{
    self, ConnErrorKind, ConnState, MqttEvent, Properties, Protocol, QoS, Subscription,
    WorkerOptions,
};
use crate::process::failure::{Failure, runtime, usage};
use crate::session::connect::{failure_from_tls, headless_settings};
use crate::text::clean;

pub async fn run(args: RrArgs) -> Result<(), Failure> {
    validate_topic(&args.topic).map_err(|e| usage(format!("-t: {e}")))?;
    validate_topic(&args.response_topic).map_err(|e| usage(format!("-e: {e}")))?;
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        return Err(usage("-W: a positive number of seconds is needed"));
    }
    let qos = QoS::from_u8(args.qos).ok_or_else(|| usage("-q: allowed is 0, 1 or 2"))?;
    let payload = super::publish::read_payload(args.message.as_deref(), args.file.as_deref())?;
    let correlation = match &args.correlation_data {
        Some(d) => crate::publish::props_input::correlation(d)
            .map_err(|e| usage(format!("--correlation-data: {e}")))?,
        None => crate::publish::props_input::new_correlation(),
    };
    let mut settings = headless_settings(&args.conn)?;
    // `auto` stays auto: the negotiation finds out whether the broker speaks MQTT 5, and a
    // broker that speaks only 3.1.1 is then named as such (forcing 5 made some brokers time out
    // and others say "try --protocol 3", which rr cannot use).
    if settings.protocol == Protocol::V311 {
        return Err(usage(
            "rr needs MQTT 5 (response topic, correlation data); --protocol 3 has neither",
        ));
    }
    // rr speaks MQTT 5 or nothing: `--protocol 5` is negotiated like auto, so a broker without
    // it is told as such at once (forced, amqtt's 3.1.1 CONNACK left it waiting out its time).
    settings.protocol = Protocol::Auto;
    let only_3 = |url: &crate::mqtt::BrokerUrl| {
        runtime(format!(
            "rr needs MQTT 5; the broker at {url} speaks only 3.1.1 (nothing was sent)"
        ))
    };
    settings.subscriptions = vec![Subscription::new(
        args.response_topic.clone(),
        QoS::AtLeastOnce,
    )];
    super::warn_insecure(&settings);
    let handle = mqtt::spawn(&settings, WorkerOptions::default()).map_err(failure_from_tls)?;
    let limit = Duration::from_secs_f64(args.timeout);
    let mut batch = Vec::new();
    let mut sent_at: Option<Instant> = None;
    let mut report = StateReport::default();
    let work = async {
        loop {
            let open = handle.events().recv_batch(&mut batch).await;
            for event in batch.drain(..) {
                match event {
                    MqttEvent::Negotiated {
                        protocol: Protocol::V311,
                        ..
                    } => return Err(only_3(&settings.url)),
                    MqttEvent::State(
                        ConnState::Reconnecting {
                            error,
                            never_connected: true,
                            ..
                        }
                        | ConnState::Disconnected { error: Some(error) },
                    ) if error.kind == ConnErrorKind::UnsupportedProtocol => {
                        return Err(only_3(&settings.url));
                    }
                    MqttEvent::State(state) => report.check(&settings, &state)?,
                    MqttEvent::Subscribed(results) => {
                        for r in results {
                            if let Err(why) = r.granted {
                                return Err(runtime(format!(
                                    "{}: subscription to the response topic '{}' refused: {why}",
                                    settings.url,
                                    clean(&r.filter)
                                )));
                            }
                        }
                        if sent_at.is_none() {
                            let props = Properties {
                                response_topic: Some(args.response_topic.clone()),
                                correlation_data: Some(correlation.clone()),
                                ..Properties::default()
                            };
                            handle
                                .publish(crate::publish::Publish {
                                    topic: args.topic.clone(),
                                    payload: payload.clone(),
                                    qos,
                                    retain: false,
                                    properties: Some(Box::new(props)),
                                })
                                .map_err(|e| runtime(e.to_string()))?;
                            sent_at = Some(Instant::now());
                        }
                    }
                    MqttEvent::Publish { outcome, .. } if outcome.is_failure() => {
                        return Err(runtime(format!(
                            "{}: the request was not taken: {outcome}",
                            settings.url
                        )));
                    }
                    MqttEvent::Message(m) => {
                        let theirs = m
                            .properties
                            .as_ref()
                            .and_then(|p| p.correlation_data.clone());
                        if theirs.as_deref() == Some(&correlation[..]) {
                            return Ok(m);
                        }
                        if args.verbose {
                            eprintln!(
                                "mqscope: skipped a message on {} with {} correlation data",
                                clean(&m.topic),
                                if theirs.is_some() { "other" } else { "no" }
                            );
                        }
                    }
                    _ => {}
                }
            }
            if !open {
                return Err(runtime(format!("{}: connection closed", settings.url)));
            }
        }
    };
    let result = tokio::time::timeout(limit, work).await;
    handle.shut_down().await;
    let m = match result {
        Ok(r) => r?,
        Err(_) => {
            return Err(runtime(format!(
                "{}: no response with our correlation data on {} within {} s",
                settings.url,
                clean(&args.response_topic),
                args.timeout
            )));
        }
    };
    let rtt = sent_at.map(|t| t.elapsed()).unwrap_or_default();
    let stdout = std::io::stdout();
    let escape = stdout.is_terminal();
    let mut out = stdout.lock();
    if args.verbose {
        let _ = write!(out, "{} ", clean(&m.topic));
    }
    let _ = if escape {
        out.write_all(clean(&String::from_utf8_lossy(&m.payload)).as_bytes())
    } else {
        out.write_all(&m.payload)
    };
    if args.verbose {
        let _ = write!(out, " ({:.1} ms)", rtt.as_secs_f64() * 1000.0);
    }
    let _ = out.write_all(b"\n");
    Ok(())
}
