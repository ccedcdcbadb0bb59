//! `mqscope pub`: publish one message and exit 0 only once the broker has it (PUBACK for QoS 1,
//! PUBCOMP for QoS 2; QoS 0 once written).

use std::time::Duration;

use bytes::Bytes;

use super::{StateReport, connection_failure};
use crate::cli::PubArgs;
use crate::mqtt::topic::validate_topic;
use crate::mqtt::{self, MqttEvent, Properties, Protocol, PublishOutcome, QoS, WorkerOptions};
use crate::process::failure::{Failure, runtime, usage};
use crate::session::connect::{failure_from_tls, headless_settings};

fn payload(args: &PubArgs) -> Result<Bytes, Failure> {
    read_payload(args.message.as_deref(), args.file.as_deref())
}

/// A payload from -m TEXT, -f FILE, else standard input; never read past what one publish can
/// carry (see `publish::bounded`).
pub(super) fn read_payload(
    message: Option<&str>,
    file: Option<&std::path::Path>,
) -> Result<Bytes, Failure> {
    use crate::publish::{MQTT_PAYLOAD_MAX, read_capped, read_file_capped};
    if let Some(m) = message {
        return Ok(Bytes::from(m.to_string().into_bytes()));
    }
    if let Some(f) = file {
        return read_file_capped(f, MQTT_PAYLOAD_MAX)
            .map(Bytes::from)
            .map_err(|e| usage(format!("-f {e}")));
    }
    read_capped(std::io::stdin().lock(), MQTT_PAYLOAD_MAX, "standard input")
        .map(Bytes::from)
        .map_err(|e| usage(format!("-s: {e}")))
}

/// The MQTT 5 properties the flags ask for (None: no flag given).
fn properties(args: &PubArgs) -> Result<Option<Box<Properties>>, Failure> {
    use crate::publish::props_input as input;
    let mut p = Properties {
        content_type: args.content_type.clone(),
        message_expiry_interval: args.message_expiry,
        ..Properties::default()
    };
    for u in &args.user_properties {
        p.user_properties
            .push(input::user_property(u).map_err(|e| usage(format!("--user-property {e}")))?);
    }
    if let Some(t) = &args.response_topic {
        validate_topic(t).map_err(|e| usage(format!("--response-topic: {e}")))?;
        p.response_topic = Some(t.clone());
    }
    if let Some(d) = &args.correlation_data {
        p.correlation_data =
            Some(input::correlation(d).map_err(|e| usage(format!("--correlation-data: {e}")))?);
    }
    if let Some(f) = &args.payload_format {
        p.payload_format_indicator =
            Some(input::payload_format(f).map_err(|e| usage(format!("--payload-format: {e}")))?);
    }
    Ok((!p.is_empty()).then(|| Box::new(p)))
}

pub async fn run(args: PubArgs) -> Result<(), Failure> {
    validate_topic(&args.topic).map_err(|e| usage(format!("-t: {e}")))?;
    let qos = QoS::from_u8(args.qos).ok_or_else(|| usage("-q: allowed is 0, 1 or 2"))?;
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        return Err(usage("--timeout: a positive number of seconds is needed"));
    }
    if !(args.interval.is_finite() && args.interval >= 0.0) {
        return Err(usage(
            "--interval: zero or a positive number of seconds is needed",
        ));
    }
    let payload = payload(&args)?;
    let props = properties(&args)?;
    if let Some(p) = &props {
        crate::publish::props_input::check_payload(p, &payload).map_err(usage)?;
    }
    let mut settings = headless_settings(&args.conn)?;
    settings.subscriptions.clear();
    if props.is_some() {
        // Properties exist only in MQTT 5: a broker without it must fail the connection, not
        // take the message with its properties silently dropped.
        match settings.protocol {
            Protocol::V311 => {
                return Err(usage(
                    "MQTT 5 properties were given, but --protocol 3 asks for MQTT 3.1.1, which has none",
                ));
            }
            Protocol::Auto => settings.protocol = Protocol::V5,
            Protocol::V5 => {}
        }
    }
    if payload.len() as u64 + args.topic.len() as u64 + 16 > u64::from(settings.max_packet_size) {
        return Err(usage(format!(
            "payload of {} bytes exceeds max_packet_size ({} bytes)",
            payload.len(),
            settings.max_packet_size
        )));
    }
    super::warn_insecure(&settings);
    let options = WorkerOptions {
        trace: args.debug,
        ..WorkerOptions::default()
    };
    let handle = mqtt::spawn(&settings, options).map_err(failure_from_tls)?;
    let mut result = Ok(());
    let mut report = StateReport::default();
    for n in 1..=args.repeat {
        if n > 1 {
            tokio::time::sleep(Duration::from_secs_f64(args.interval)).await;
        }
        let one = send_one(
            &handle,
            &settings,
            &args,
            payload.clone(),
            qos,
            props.clone(),
            &mut report,
        )
        .await;
        if let Err(f) = one {
            result = Err(if args.repeat > 1 {
                runtime(format!("publish {n} of {}: {f}", args.repeat))
            } else {
                f
            });
            break;
        }
    }
    handle.shut_down().await;
    result
}

/// One publish, awaited until its outcome is known (or the timeout).
async fn send_one(
    handle: &mqtt::MqttHandle,
    settings: &mqtt::ConnectionSettings,
    args: &PubArgs,
    payload: Bytes,
    qos: QoS,
    props: Option<Box<Properties>>,
    report: &mut StateReport,
) -> Result<(), Failure> {
    let id = handle
        .publish(crate::publish::Publish {
            topic: args.topic.clone(),
            payload,
            qos,
            retain: args.retain,
            properties: props,
        })
        .map_err(|e| runtime(e.to_string()))?;
    let mut batch = Vec::new();
    let wait = async {
        loop {
            let open = handle.events().recv_batch(&mut batch).await;
            for event in batch.drain(..) {
                match event {
                    MqttEvent::Packet(p) => eprintln!("mqscope: {}", p.line()),
                    MqttEvent::State(state) => report.check(settings, &state)?,
                    MqttEvent::Publish { id: got, outcome } if got == id => match outcome {
                        PublishOutcome::Failed(why) => {
                            return Err(runtime(format!(
                                "{}: publish failed: {why}",
                                settings.url
                            )));
                        }
                        PublishOutcome::Unknown(why) => {
                            return Err(runtime(format!(
                                "{}: publish outcome unknown: {why}",
                                settings.url
                            )));
                        }
                        PublishOutcome::Downgraded => {
                            eprintln!(
                                "mqscope: acknowledged at QoS 1: the broker downgraded this QoS 2 publish"
                            );
                            return Ok(());
                        }
                        o if o.is_final() => return Ok(()),
                        _ => {}
                    },
                    _ => {}
                }
            }
            if !open {
                return Err(connection_failure(settings, "connection closed"));
            }
        }
    };
    match tokio::time::timeout(Duration::from_secs_f64(args.timeout), wait).await {
        Ok(r) => r,
        Err(_) => Err(runtime(format!(
            "{}: timed out after {} s waiting for the broker",
            settings.url, args.timeout
        ))),
    }
}
