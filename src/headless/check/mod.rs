//! `mqscope check FILE [CONN]`: scripted expectations for CI. The steps of the file (publish;
//! expect a message on a filter within a time, matching a value, a regex or a JSON condition;
//! an MQTT 5 request whose response carries our correlation data; wait) run in order on one
//! connection, which subscribes to every filter and response topic before the first step, so
//! an answer cannot come before we listen. An expect counts what arrived since the step before
//! it began (the answer to that step's publish). A line a step; `--junit FILE` writes the
//! JUnit XML CI systems read; exit 0 only when every step passed.

mod junit;
pub mod plan;

use std::collections::{HashMap, VecDeque};
use std::io::Write;
use std::time::Duration;

use tokio::time::Instant;

use super::StateReport;
use crate::cli::CheckArgs;
use crate::mqtt::topic::filter_matches;
use crate::mqtt::{
    self, ConnectionSettings, Message, MqttEvent, MqttHandle, Properties, Protocol, PublishId,
    PublishOutcome, QoS, Subscription, WorkerOptions,
};
use crate::process::failure::{Failure, runtime, usage};
use crate::session::connect::{failure_from_tls, headless_settings};
use crate::text::{clean, colour, payload_preview};
use plan::{Cond, Kind, Plan, Step};

/// Messages kept for the expects, the newest (a flood on a wide filter cannot fill memory).
const SEEN: usize = 10_000;

/// One step's result, for the line, the summary and the JUnit file.
pub struct Outcome {
    pub name: String,
    pub passed: bool,
    pub words: String,
    pub took: Duration,
}

struct Conn<'a> {
    handle: &'a MqttHandle,
    settings: &'a ConnectionSettings,
    report: StateReport,
    batch: Vec<MqttEvent>,
    /// What arrived, with when.
    seen: VecDeque<(Instant, Message)>,
    outcomes: HashMap<PublishId, PublishOutcome>,
    protocol: Option<Protocol>,
    subscribed: bool,
}

impl Conn<'_> {
    /// Takes the worker's next events, or returns false at `deadline`.
    async fn pump(&mut self, deadline: Instant) -> Result<bool, Failure> {
        let mut batch = std::mem::take(&mut self.batch);
        let got =
            tokio::time::timeout_at(deadline, self.handle.events().recv_batch(&mut batch)).await;
        let Ok(open) = got else {
            self.batch = batch;
            return Ok(false);
        };
        let now = Instant::now();
        for event in batch.drain(..) {
            match event {
                MqttEvent::Message(m) => {
                    if self.seen.len() >= SEEN {
                        self.seen.pop_front();
                    }
                    self.seen.push_back((now, m));
                }
                MqttEvent::Publish { id, outcome } => {
                    self.outcomes.insert(id, outcome);
                }
                MqttEvent::Negotiated { protocol, .. } => self.protocol = Some(protocol),
                MqttEvent::State(state) => self.report.check(self.settings, &state)?,
                MqttEvent::Subscribed(results) => {
                    for r in results {
                        if let Err(why) = r.granted {
                            return Err(runtime(format!(
                                "{}: subscription '{}' refused: {why}",
                                self.settings.url,
                                clean(&r.filter)
                            )));
                        }
                    }
                    self.subscribed = true;
                }
                _ => {}
            }
        }
        self.batch = batch;
        if !open {
            return Err(runtime(format!("{}: connection closed", self.settings.url)));
        }
        Ok(true)
    }

    /// Publishes and waits for the outcome that proves it (or says it failed).
    async fn publish(
        &mut self,
        p: crate::mqtt::Publish,
        within: Duration,
    ) -> Result<String, String> {
        let qos = p.qos;
        let started = Instant::now();
        let id = self.handle.publish(p).map_err(|e| e.to_string())?;
        let deadline = started + within;
        loop {
            if let Some(o) = self.outcomes.get(&id)
                && o.is_final()
            {
                let o = self.outcomes.remove(&id).unwrap_or(PublishOutcome::Sent);
                if o.is_failure() {
                    return Err(o.to_string());
                }
                return Ok(format!("{o}, q{}, {}", qos.as_u8(), ms(started.elapsed())));
            }
            if !self.pump(deadline).await.map_err(|f| f.to_string())? {
                return Err(format!(
                    "no acknowledgement within {:.1} s: its outcome is unknown",
                    within.as_secs_f64()
                ));
            }
        }
    }

    /// The first message since `since` that `wanted` takes, waiting until `deadline`; else how
    /// many on the topics looked at did not match, and the last of them.
    async fn first(
        &mut self,
        since: Instant,
        deadline: Instant,
        on: &str,
        wanted: impl Fn(&Message) -> bool,
    ) -> Result<(Message, Instant), (u64, Option<String>)> {
        let mut looked = 0;
        let (mut missed, mut last) = (0u64, None);
        loop {
            // Only what came since the last look (the oldest may have gone past `SEEN`).
            let start = looked.min(self.seen.len());
            for (at, m) in self.seen.iter().skip(start) {
                if *at < since || !filter_matches(on, &m.topic) {
                    continue;
                }
                if wanted(m) {
                    return Ok((m.clone(), *at));
                }
                missed += 1;
                last = Some(payload_preview(&m.payload, 60));
            }
            looked = self.seen.len();
            match self.pump(deadline).await {
                Ok(true) => {}
                Ok(false) => return Err((missed, last)),
                Err(f) => return Err((missed, Some(format!("(the connection failed: {f})")))),
            }
        }
    }

    async fn step(&mut self, step: &Step, since: Instant) -> Result<String, String> {
        let t0 = Instant::now();
        match &step.kind {
            Kind::Publish {
                topic,
                payload,
                qos,
                retain,
            } => {
                let p = crate::mqtt::Publish {
                    topic: topic.clone(),
                    payload: payload.clone(),
                    qos: *qos,
                    retain: *retain,
                    properties: None,
                };
                self.publish(p, plan::DEFAULT_WITHIN).await
            }
            Kind::Expect {
                filter,
                within,
                cond,
            } => {
                let held = |m: &Message| cond.as_ref().is_none_or(|c| c.holds(&m.payload));
                match self.first(since, t0 + *within, filter, held).await {
                    Ok((m, at)) => Ok(received(&m, at, t0)),
                    Err((missed, last)) => Err(nothing(*within, missed, last)),
                }
            }
            Kind::Request {
                topic,
                response_topic,
                payload,
                qos,
                within,
                cond,
            } => {
                if self.protocol == Some(Protocol::V311) {
                    return Err(
                        "needs MQTT 5 (response topic, correlation data); the broker \
                                speaks 3.1.1"
                            .into(),
                    );
                }
                let correlation = crate::publish::props_input::new_correlation();
                let props = Properties {
                    response_topic: Some(response_topic.clone()),
                    correlation_data: Some(correlation.clone()),
                    ..Properties::default()
                };
                let p = crate::mqtt::Publish {
                    topic: topic.clone(),
                    payload: payload.clone(),
                    qos: *qos,
                    retain: false,
                    properties: Some(Box::new(props)),
                };
                self.publish(p, *within)
                    .await
                    .map_err(|w| format!("the request: {w}"))?;
                let ours = |m: &Message| {
                    m.properties
                        .as_ref()
                        .and_then(|p| p.correlation_data.as_deref())
                        == Some(&correlation[..])
                        && cond.as_ref().is_none_or(|c: &Cond| c.holds(&m.payload))
                };
                match self.first(t0, t0 + *within, response_topic, ours).await {
                    Ok((m, at)) => Ok(received(&m, at, t0)),
                    Err((missed, last)) => Err(nothing(*within, missed, last)
                        + " (a response counts with our correlation data)"),
                }
            }
            Kind::Wait(d) => {
                let deadline = t0 + *d;
                while self.pump(deadline).await.map_err(|f| f.to_string())? {}
                Ok(format!("waited {}", ms(t0.elapsed())))
            }
        }
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn received(m: &Message, at: Instant, t0: Instant) -> String {
    let when = if at < t0 {
        "before the step began".to_string()
    } else {
        format!("after {}", ms(at - t0))
    };
    format!(
        "{} {when}: {}",
        clean(&m.topic),
        payload_preview(&m.payload, 60)
    )
}

fn nothing(within: Duration, missed: u64, last: Option<String>) -> String {
    let mut w = format!("nothing within {:.1} s", within.as_secs_f64());
    if missed > 0 {
        w += &format!(
            " ({} did not match; the last: {})",
            crate::text::count(missed, "message", "messages"),
            last.unwrap_or_default()
        );
    } else if let Some(l) = last {
        w += &format!(" {l}");
    }
    w
}

pub async fn run(args: CheckArgs) -> Result<(), Failure> {
    let shown = clean(&args.file.display().to_string()).into_owned();
    let text = std::fs::read_to_string(&args.file)
        .map_err(|e| usage(format!("{shown}: cannot read it: {e}")))?;
    let plan: Plan = plan::parse(&args.file, &text).map_err(|e| usage(e.to_string()))?;
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        return Err(usage("--timeout: a positive number of seconds is needed"));
    }
    let mut settings = headless_settings(&args.conn)?;
    settings.subscriptions = plan
        .listens()
        .into_iter()
        .map(|f| Subscription::new(f, QoS::AtLeastOnce))
        .collect();
    super::warn_insecure(&settings);
    let handle = mqtt::spawn(&settings, WorkerOptions::default()).map_err(failure_from_tls)?;
    let mut conn = Conn {
        handle: &handle,
        settings: &settings,
        report: StateReport::default(),
        batch: Vec::new(),
        seen: VecDeque::new(),
        outcomes: HashMap::new(),
        protocol: None,
        subscribed: false,
    };
    // Connected and listening before the first step.
    let ready_by = Instant::now() + Duration::from_secs_f64(args.timeout);
    let listening = settings.subscriptions.is_empty();
    while conn.protocol.is_none() || !(listening || conn.subscribed) {
        if !conn.pump(ready_by).await? {
            handle.shut_down().await;
            return Err(runtime(format!(
                "{}: not connected and subscribed after {} s",
                settings.url, args.timeout
            )));
        }
    }
    let started = Instant::now();
    let mut since = started;
    let mut results = Vec::new();
    let mut out = std::io::stdout().lock();
    for (i, step) in plan.steps.iter().enumerate() {
        let t0 = Instant::now();
        let result = conn.step(step, since).await;
        since = t0;
        let (passed, words) = match result {
            Ok(w) => (true, w),
            Err(w) => (false, w),
        };
        let mark = if passed {
            colour::paint("ok  ", 32)
        } else {
            colour::paint("FAIL", 31)
        };
        let _ = writeln!(out, "{mark} {:>2} {}: {}", i + 1, step.name, clean(&words));
        let _ = out.flush();
        results.push(Outcome {
            name: format!("{} {}", i + 1, step.name),
            passed,
            words: clean(&words).into_owned(),
            took: t0.elapsed(),
        });
    }
    handle.shut_down().await;
    let failed = results.iter().filter(|r| !r.passed).count();
    let _ = writeln!(
        out,
        "{} of {} steps passed ({})",
        results.len() - failed,
        results.len(),
        ms(started.elapsed())
    );
    drop(out);
    if let Some(path) = &args.junit {
        let xml = junit::xml(&plan.name, &results, started.elapsed());
        std::fs::write(path, xml).map_err(|e| {
            runtime(format!(
                "--junit {}: cannot write it: {e}",
                clean(&path.display().to_string())
            ))
        })?;
    }
    if failed > 0 {
        return Err(runtime(format!(
            "{failed} of {} steps failed",
            results.len()
        )));
    }
    Ok(())
}
