//! `mqscope pub`: publish one message and exit 0 only once the broker has it (PUBACK for QoS 1,
//! PUBCOMP for QoS 2; QoS 0 once written).

use std::io::Read;
use std::time::Duration;

use bytes::Bytes;

use super::{check_state, connection_failure};
use crate::cli::PubArgs;
use crate::connect::{failure_from_tls, headless_settings};
use crate::failure::{Failure, runtime, usage};
use crate::mqtt::topic::validate_topic;
use crate::mqtt::{self, MqttEvent, PublishOutcome, QoS, WorkerOptions};

fn payload(args: &PubArgs) -> Result<Bytes, Failure> {
    if let Some(m) = &args.message {
        return Ok(Bytes::from(m.clone().into_bytes()));
    }
    if let Some(f) = &args.file {
        return std::fs::read(f)
            .map(Bytes::from)
            .map_err(|e| usage(format!("-f {}: {e}", f.display())));
    }
    let mut buf = Vec::new();
    std::io::stdin()
        .read_to_end(&mut buf)
        .map_err(|e| usage(format!("-s: cannot read standard input: {e}")))?;
    Ok(Bytes::from(buf))
}

pub async fn run(args: PubArgs) -> Result<(), Failure> {
    validate_topic(&args.topic).map_err(|e| usage(format!("-t: {e}")))?;
    let qos = QoS::from_u8(args.qos).ok_or_else(|| usage("-q: allowed is 0, 1 or 2"))?;
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        return Err(usage("--timeout: a positive number of seconds is needed"));
    }
    let payload = payload(&args)?;
    let mut settings = headless_settings(&args.conn)?;
    settings.subscriptions.clear();
    if payload.len() as u64 + args.topic.len() as u64 + 16 > u64::from(settings.max_packet_size) {
        return Err(usage(format!(
            "payload of {} bytes exceeds max_packet_size ({} bytes)",
            payload.len(),
            settings.max_packet_size
        )));
    }
    super::warn_insecure(&settings);
    let handle = mqtt::spawn(&settings, WorkerOptions::default()).map_err(failure_from_tls)?;
    let id = handle
        .publish(args.topic.clone(), payload, qos, args.retain, None)
        .map_err(|e| runtime(e.to_string()))?;
    let mut batch = Vec::new();
    let wait = async {
        loop {
            let open = handle.events().recv_batch(&mut batch).await;
            for event in batch.drain(..) {
                match event {
                    MqttEvent::State(state) => check_state(&settings, &state)?,
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
                return Err(connection_failure(&settings, "connection closed"));
            }
        }
    };
    let result = match tokio::time::timeout(Duration::from_secs_f64(args.timeout), wait).await {
        Ok(r) => r,
        Err(_) => Err(runtime(format!(
            "{}: timed out after {} s waiting for the broker",
            settings.url, args.timeout
        ))),
    };
    super::shut_down(&handle).await;
    result
}
