//! Runs an external decoder (a rule's `command`): the payload on its stdin, its stdout read up to
//! the output cap, all within the time limit. No shell: the argument list is run as given. A
//! command that fails, hangs or floods is killed and the answer says which, in words. The TUI
//! runs this as a job (never on its loop); `sub --json` awaits it per message.

use std::process::Stdio;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;

use crate::decode::Command as Run;
use crate::text::{clean, human_bytes};

/// What stderr says is kept for the error message, no more.
const STDERR_KEPT: usize = 2048;

/// The command's output (possibly not UTF-8), or why there is none.
pub async fn run(cmd: &Run, payload: bytes::Bytes) -> Result<Vec<u8>, String> {
    run_with_env(cmd, payload, &[]).await
}

/// `run`, with these variables added to the command's environment (an alert's rule and topic).
pub async fn run_with_env(
    cmd: &Run,
    payload: bytes::Bytes,
    env: &[(&str, String)],
) -> Result<Vec<u8>, String> {
    let Some(program) = cmd.argv.first() else {
        return Err("the rule's command is empty".into());
    };
    let name = clean(program).into_owned();
    let mut child = Command::new(program)
        .args(&cmd.argv[1..])
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("{name} could not be started: {e}"))?;
    // Written beside the reading: a command that prints before it has read all its input
    // would otherwise block on a full pipe while we block on its stdin.
    if let Some(mut stdin) = child.stdin.take() {
        tokio::spawn(async move {
            // A command that does not read its input closes the pipe: not our failure.
            let _ = stdin.write_all(&payload).await;
        });
    }
    let stderr = child.stderr.take().map(|mut err| {
        tokio::spawn(async move {
            let mut kept = Vec::new();
            let mut buf = [0u8; 1024];
            while let Ok(n) = err.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                let room = STDERR_KEPT.saturating_sub(kept.len());
                kept.extend_from_slice(&buf[..n.min(room)]);
            }
            kept
        })
    });
    let Some(stdout) = child.stdout.take() else {
        return Err(format!("{name}: no output pipe"));
    };
    let limit = cmd.time_limit;
    let work = async {
        let mut out = Vec::new();
        let read = stdout
            .take(cmd.output_cap as u64 + 1)
            .read_to_end(&mut out)
            .await;
        if let Err(e) = read {
            return Err(format!("{name}: reading its output failed: {e}"));
        }
        if out.len() > cmd.output_cap {
            return Err(format!(
                "{name} printed more than {}: stopped (max_output_kib raises the cap)",
                human_bytes(cmd.output_cap as u64)
            ));
        }
        let status = child
            .wait()
            .await
            .map_err(|e| format!("{name}: waiting for it failed: {e}"))?;
        Ok((out, status))
    };
    let (out, status) = match tokio::time::timeout(limit, work).await {
        Err(_) => {
            return Err(format!(
                "{name} did not finish within {:.1} s: stopped (timeout_s raises the limit)",
                limit.as_secs_f64()
            ));
        }
        // Dropping the child (kill_on_drop) stops a command that flooded.
        Ok(result) => result?,
    };
    if !status.success() {
        let said = match stderr {
            Some(task) => task.await.unwrap_or_default(),
            None => Vec::new(),
        };
        let said = String::from_utf8_lossy(&said);
        let first = said.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let code = status.code().map_or_else(
            || "killed by a signal".to_string(),
            |c| format!("exit status {c}"),
        );
        return Err(if first.is_empty() {
            format!("{name} failed ({code})")
        } else {
            format!("{name} failed ({code}): {}", clean(first))
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn sh(script: &str, limit_ms: u64, cap: usize) -> Run {
        Run {
            argv: vec!["sh".into(), "-c".into(), script.into()],
            time_limit: Duration::from_millis(limit_ms),
            output_cap: cap,
        }
    }

    #[tokio::test]
    async fn succeeds_fails_hangs_and_floods_in_words() {
        let payload = bytes::Bytes::from_static(b"abc");
        let ok = run(&sh("tr a-z A-Z", 2000, 1024), payload.clone()).await;
        assert_eq!(ok.as_deref(), Ok(&b"ABC"[..]));
        let failed = run(
            &sh("echo 'bad frame' >&2; exit 3", 2000, 1024),
            payload.clone(),
        )
        .await;
        assert_eq!(failed, Err("sh failed (exit status 3): bad frame".into()));
        let started = Instant::now();
        let hung = run(&sh("sleep 30", 300, 1024), payload.clone()).await;
        assert!(hung.unwrap_err().contains("did not finish within 0.3 s"));
        assert!(started.elapsed() < Duration::from_secs(5));
        let flood = run(&sh("yes", 5000, 64 * 1024), payload.clone()).await;
        assert!(flood.unwrap_err().contains("printed more than 64 KiB"));
        let missing = run(
            &Run {
                argv: vec!["/nonexistent/decoder".into()],
                time_limit: Duration::from_secs(1),
                output_cap: 10,
            },
            payload,
        )
        .await;
        assert!(missing.unwrap_err().contains("could not be started"));
        // An alert's command: the variables it is given, the payload on stdin.
        let env = [("MQSCOPE_TOPIC", "s/1/t".to_string())];
        let said = run_with_env(
            &sh("printf '%s:' \"$MQSCOPE_TOPIC\"; cat", 2000, 1024),
            bytes::Bytes::from_static(b"31"),
            &env,
        )
        .await;
        assert_eq!(said.as_deref(), Ok(&b"s/1/t:31"[..]));
    }
}
