//! `mqscope mock` through mosquitto: a lamp that reports what it is set to (checked by
//! mosquitto_sub), a service that replies to requests by correlation (asked by `mqscope rr`
//! and by mosquitto_rr), an echo rule on its own filter that the loop guard keeps from
//! answering itself, a rate limit, and `--dry-run` sending nothing.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::headless::finish;
use common::mosquitto::Mosquitto;
use common::{have_mosquitto, mqscope, run, stderr, stdout, write};

const LIMIT: Duration = Duration::from_secs(20);

const RULES: &str = r#"
[[rules]]
name = "lamp"
filter = "lamp/+/set"
json = "on = true"
topic = "lamp/{{level 1}}/state"
payload = '{"on": {{json on}}, "room": "{{level 1}}"}'
retain = true

[[rules]]
name = "time"
filter = "svc/time/req"
reply = true
payload = "pong:{{payload}}"
delay_ms = 50

[[rules]]
name = "echo"
filter = "echo/#"
topic = "echo/out"
payload = "{{payload}}"

[[rules]]
name = "limited"
filter = "busy/req"
topic = "busy/resp"
payload = "ok"
max_per_s = 2
"#;

/// mosquitto_sub (another client than ours) as `id` with `args`, returned once mosquitto has
/// its subscription to `filter`; what it says on stderr (a -W timeout) is not ours to show.
fn checker(m: &Mosquitto, id: &str, args: &[&str], filter: &str) -> Child {
    let child = Command::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &m.port.to_string(), "-i", id])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("mosquitto_sub");
    assert!(m.logged(&[id, filter], LIMIT));
    child
}

/// True when Python has paho-mqtt (CI installs it in its venv); without it the paho part is
/// skipped, or fails when CI is set.
fn have_paho() -> bool {
    let found = Command::new("python3")
        .args(["-c", "import paho.mqtt"])
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "paho-mqtt is not installed for python3, and CI is set"
        );
        eprintln!("SKIPPED the paho requester: pip install paho-mqtt");
    }
    found
}

/// The mock, started and listening (its stderr says so for each filter).
fn start(home: &std::path::Path, rules: &std::path::Path, url: &str, extra: &[&str]) -> Child {
    let mut cmd = mqscope(home);
    cmd.arg("mock").arg(rules).args(["-b", url]).args(extra);
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("mock");
    let err = child.stderr.take().unwrap();
    let mut lines = BufReader::new(err).lines();
    let mut listening = 0;
    while listening < 4 {
        match lines.next() {
            Some(Ok(l)) if l.contains("mock listening on") => listening += 1,
            Some(Ok(_)) => {}
            _ => panic!("the mock did not subscribe"),
        }
    }
    // The rest of stderr, for the end.
    std::thread::spawn(move || for _ in lines.by_ref() {});
    child
}

fn stop(child: Child) -> String {
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let out = finish(child);
    assert!(out.status.success());
    stdout(&out)
}

#[test]
fn mock_rules_answer_reply_guard_and_limit() {
    if !have_mosquitto("mock") {
        return;
    }
    let m = Mosquitto::start();
    let home = tempfile::tempdir().unwrap();
    let rules = write(home.path(), "rules.toml", RULES);
    let mock = start(home.path(), &rules, &m.url(), &[]);

    // The lamp, seen by mosquitto_sub.
    let state = checker(
        &m,
        "lamp-check",
        &["-t", "lamp/+/state", "-v", "-C", "1"],
        "lamp/+/state",
    );
    m.publish("lamp/kitchen/set", r#"{"on":false}"#); // the condition does not hold
    m.publish("lamp/kitchen/set", r#"{"on":true}"#);
    assert_eq!(
        stdout(&finish(state)),
        "lamp/kitchen/state {\"on\": true, \"room\": \"kitchen\"}\n"
    );

    // The service, asked by our rr and by mosquitto_rr (another client's correlation data).
    let mut rr = mqscope(home.path());
    rr.args([
        "rr",
        "-b",
        &m.url(),
        "-t",
        "svc/time/req",
        "-e",
        "svc/time/resp",
        "-m",
        "ping",
    ]);
    let out = run(rr, LIMIT);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "pong:ping\n");
    let mosq_rr = Command::new("mosquitto_rr")
        .args(["-h", "127.0.0.1", "-p", &m.port.to_string()])
        .args([
            "-t",
            "svc/time/req",
            "-e",
            "svc/time/resp2",
            "-m",
            "hello",
            "-W",
            "10",
        ])
        .output()
        .expect("mosquitto_rr (mosquitto-clients)");
    assert!(
        mosq_rr.status.success(),
        "{}",
        String::from_utf8_lossy(&mosq_rr.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&mosq_rr.stdout), "pong:hello\n");

    // And by a paho client (MQTT 5: its own response topic and correlation data).
    if have_paho() {
        let script = "import sys, threading, paho.mqtt.client as mqtt\n\
                      from paho.mqtt.packettypes import PacketTypes\n\
                      from paho.mqtt.properties import Properties\n\
                      got = threading.Event(); subscribed = threading.Event(); out = []\n\
                      def on_message(c, u, m):\n\
                      \x20   if m.properties.CorrelationData == b'paho-7':\n\
                      \x20       out.append(m.payload.decode()); got.set()\n\
                      c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)\n\
                      c.on_message = on_message\n\
                      c.on_subscribe = lambda *a: subscribed.set()\n\
                      c.connect('127.0.0.1', int(sys.argv[1])); c.loop_start()\n\
                      c.subscribe('svc/time/paho', qos=1)[0]\n\
                      subscribed.wait(10)\n\
                      p = Properties(PacketTypes.PUBLISH)\n\
                      p.ResponseTopic = 'svc/time/paho'; p.CorrelationData = b'paho-7'\n\
                      c.publish('svc/time/req', 'from-paho', qos=1, properties=p)\n\
                      print(out[0] if got.wait(10) else 'no answer'); c.loop_stop()\n";
        let o = Command::new("python3")
            .arg("-c")
            .arg(script)
            .arg(m.port.to_string())
            .output()
            .expect("python3");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(String::from_utf8_lossy(&o.stdout), "pong:from-paho\n");
    }

    // Echo on its own filter: one answer a request, not a loop.
    let echoes = checker(&m, "echo-check", &["-t", "echo/out", "-W", "2"], "echo/out");
    m.publish("echo/in", "once");
    let got = finish(echoes);
    assert_eq!(stdout(&got), "once\n", "one answer, then quiet");

    // Five requests at once, two answers a second at most.
    for i in 0..5 {
        m.publish("busy/req", &i.to_string());
    }
    let said = stop(mock);
    let limited = said
        .lines()
        .filter(|l| l.starts_with("limited: → busy/resp"))
        .count();
    assert_eq!(limited, 2, "{said}");
    assert!(
        said.contains("lamp: → lamp/kitchen/state q1 retained: {\"on\": true"),
        "{said}"
    );
    let echo = said.lines().filter(|l| l.starts_with("echo: ")).count();
    assert_eq!(echo, 1, "{said}");
}

#[test]
fn dry_run_says_what_it_would_send_and_sends_nothing() {
    if !have_mosquitto("mock_dry_run") {
        return;
    }
    let m = Mosquitto::start();
    let home = tempfile::tempdir().unwrap();
    let rules = write(home.path(), "rules.toml", RULES);
    let mock = start(home.path(), &rules, &m.url(), &["--dry-run", "-C", "1"]);
    let quiet = checker(
        &m,
        "dry-check",
        &["-t", "lamp/#", "-v", "-W", "2"],
        "lamp/#",
    );
    m.publish("lamp/hall/set", r#"{"on":true}"#);
    let out = finish(mock);
    assert!(out.status.success());
    assert_eq!(
        stdout(&out),
        "lamp: would publish lamp/hall/state q1 retained: {\"on\": true, \"room\": \"hall\"}\n"
    );
    // Only the request itself went through the broker.
    assert_eq!(stdout(&finish(quiet)), "lamp/hall/set {\"on\":true}\n");
    let bad = write(
        home.path(),
        "bad.toml",
        "[[rules]]\nname = \"x\"\nfilter = \"a\"\n",
    );
    let mut cmd = mqscope(home.path());
    cmd.arg("mock").arg(&bad).args(["-b", &m.url()]);
    let out = run(cmd, LIMIT);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bad.toml:1:"), "{}", stderr(&out));
}

#[test]
fn simulate_runs_a_scenarios_devices_and_its_answering_rules() {
    if !have_mosquitto("simulate") {
        return;
    }
    let m = Mosquitto::start();
    let home = tempfile::tempdir().unwrap();
    let scenario = write(
        home.path(),
        "plant.toml",
        r#"tick_ms = 50

[[device]]
topic = "plant/line-{n}/temp"
repeat = { n = [1, 2] }
payload = { kind = "text", text = "21.5" }

[[rules]]
name = "valve"
filter = "plant/valve/set"
topic = "plant/valve/state"
payload = "{{payload}}"
"#,
    );
    let mut watcher = checker(
        &m,
        "sim-check",
        &["-t", "plant/line-2/temp", "-t", "plant/valve/state", "-v"],
        "plant/valve/state",
    );
    let mut cmd = mqscope(home.path());
    cmd.arg("simulate").arg(&scenario).args(["-b", &m.url()]);
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let sim = cmd.spawn().unwrap();
    // Its devices publish; once its rule listens (mosquitto logs the subscription), it answers.
    let mut out = BufReader::new(watcher.stdout.take().unwrap()).lines();
    assert_eq!(out.next().unwrap().unwrap(), "plant/line-2/temp 21.5");
    assert!(m.logged(&["plant/valve/set"], LIMIT));
    m.publish("plant/valve/set", "open");
    let seen = out
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.starts_with("plant/valve/state"));
    assert_eq!(seen.as_deref(), Some("plant/valve/state open"));
    let _ = watcher.kill();
    let _ = watcher.wait();
    let _ = Command::new("kill")
        .args(["-INT", &sim.id().to_string()])
        .status();
    let done = finish(sim);
    assert!(done.status.success(), "{}", stderr(&done));
    assert!(
        stderr(&done).contains("with 1 answering rule"),
        "{}",
        stderr(&done)
    );
    let bad = write(
        home.path(),
        "bad.toml",
        "tick_ms = 50\n[[device]]\ntopic = \"x\"\nsoon = 1\n",
    );
    let mut cmd = mqscope(home.path());
    cmd.arg("simulate").arg(&bad).args(["-b", &m.url()]);
    let out = run(cmd, LIMIT);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bad.toml:"), "{}", stderr(&out));
}
