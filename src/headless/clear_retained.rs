//! `mqscope clear-retained FILTER [--dry-run] [-y]`: lists what the broker retains under FILTER
//! (found the way `mosquitto_sub --retained-only` finds it), then, after asking (or with -y),
//! clears each with an empty retained publish, every one acknowledged.

use std::io::{BufRead, IsTerminal, Write};
use std::time::Duration;

use bytes::Bytes;

use crate::cli::ClearRetainedArgs;
use crate::mqtt::topic::validate_filter;
use crate::process::failure::{Failure, runtime, usage};
use crate::session::connect::headless_settings;
use crate::text::{clean, human_bytes};

pub async fn run(args: ClearRetainedArgs) -> Result<(), Failure> {
    validate_filter(&args.filter)
        .map_err(|e| usage(format!("FILTER '{}': {e}", clean(&args.filter))))?;
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        return Err(usage("--timeout: a positive number of seconds is needed"));
    }
    let settings = headless_settings(&args.conn)?;
    super::warn_insecure(&settings);
    let limit = Duration::from_secs_f64(args.timeout);
    let found = crate::session::retained::find(&settings, &args.filter, limit)
        .await
        .map_err(|e| runtime(format!("{}: {e}", settings.url)))?;
    let mut out = std::io::stdout().lock();
    for m in &found.messages {
        let _ = writeln!(
            out,
            "{}  ({}, QoS {})",
            clean(&m.topic),
            human_bytes(m.payload.len() as u64),
            m.qos.as_u8()
        );
    }
    let n = found.messages.len();
    let more = if found.truncated {
        format!(
            " (the first {}: run it again for the rest)",
            crate::session::retained::MAX_FOUND
        )
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "{} under {}{more}",
        crate::text::count(n as u64, "retained message", "retained messages"),
        clean(&args.filter)
    );
    let _ = out.flush();
    drop(out);
    if n == 0 || args.dry_run {
        return Ok(());
    }
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            return Err(usage(
                "nothing cleared: give -y to clear without asking (stdin is not a terminal)",
            ));
        }
        eprint!("clear {n}? [y/N] ");
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            eprintln!("nothing cleared");
            return Ok(());
        }
    }
    let clearings: Vec<_> = found
        .messages
        .iter()
        .map(|m| (m.topic.to_string(), Bytes::new(), m.qos, None))
        .collect();
    let tty = std::io::stderr().is_terminal();
    let done = crate::session::retained::publish_all(&settings, &clearings, limit, |k| {
        if tty && (k % 50 == 0 || k == n) {
            eprint!("\rcleared {k} of {n}");
        }
    })
    .await
    .map_err(|e| runtime(format!("{}: {e}", settings.url)))?;
    if tty {
        eprintln!();
    }
    println!(
        "cleared {} under {}",
        crate::text::count(done as u64, "retained message", "retained messages"),
        clean(&args.filter)
    );
    Ok(())
}
