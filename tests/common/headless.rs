//! A headless `sub` run by the tests: started, awaited until its subscriptions are
//! acknowledged (its `-d` lines on stderr), and finished within a limit.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(20);

/// Starts `cmd` (a `sub -d`) and returns once `n` subscriptions are acknowledged on stderr,
/// with the rest of stderr read on a thread.
pub fn start_sub(mut cmd: Command, n: usize) -> (Child, std::thread::JoinHandle<String>) {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn sub");
    let err = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            if line.contains("subscribed to") {
                let _ = tx.send(());
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    for _ in 0..n {
        if rx.recv_timeout(LIMIT).is_err() {
            let _ = child.kill();
            panic!(
                "sub did not subscribe: {}",
                reader.join().unwrap_or_default()
            );
        }
    }
    (child, reader)
}

pub fn finish(child: Child) -> Output {
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(LIMIT) {
        Ok(out) => out.expect("wait"),
        Err(_) => {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            panic!("sub did not exit");
        }
    }
}
