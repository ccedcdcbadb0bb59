//! The command line (see DESIGN.md): the TUI by default, `sub`, `pub` and `broker`.

use std::path::PathBuf;

use clap::CommandFactory;
use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "mqscope",
    version,
    about = "A terminal MQTT explorer: browse topics live, read payloads, publish, keep brokers as profiles",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Cmd>,
    #[command(flatten)]
    pub conn: ConnArgs,
    /// Subscribe to this filter (repeatable); default: the profile's subscriptions, else '#'
    #[arg(short = 't', long = "topic", value_name = "FILTER")]
    pub filters: Vec<String>,
    /// QoS of the -t subscriptions (and of '#' when none is given): default 2, so every message
    /// shows at the QoS it was published with
    #[arg(short = 'q', long = "qos", value_name = "QOS", value_parser = clap::value_parser!(u8).range(0..=2), allow_negative_numbers = true)]
    pub qos: Option<u8>,
    /// Start the embedded broker with simulated devices and connect to it
    #[arg(long, conflicts_with_all = ["broker", "profile"])]
    pub demo: bool,
    /// Browse a recording (sub --record, sub --json or e/E wrote it) with no broker
    #[arg(long, value_name = "FILE", conflicts_with_all = ["broker", "profile", "demo"])]
    pub open: Option<PathBuf>,
    /// Devices that answer, in the explorer: the rules mqscope mock reads (O lists them); they
    /// see what the explorer's subscriptions bring
    #[arg(long, value_name = "RULES", conflicts_with = "open")]
    pub mock: Option<PathBuf>,
    /// Memory for message history in MiB (default 256, or [history] memory_mib)
    #[arg(long, value_name = "MIB", value_parser = clap::value_parser!(u32).range(1..=1_048_576), allow_negative_numbers = true)]
    pub history_budget: Option<u32>,
    /// Messages kept per topic (default 100, or [history] per_topic)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000), allow_negative_numbers = true)]
    pub history_per_topic: Option<u32>,
    /// Log file (default: mqscope.log in the platform's cache folder)
    #[arg(long, value_name = "FILE", global = true)]
    pub log_file: Option<PathBuf>,
    /// Colour in headless output: auto (on a terminal, unless NO_COLOR is set), always, never
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = Colour::Auto, global = true)]
    pub color: Colour,
}

/// `--color`: whether headless output is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Colour {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Print messages from the broker
    #[command(after_help = SUB_EXAMPLES)]
    Sub(SubArgs),
    /// Publish one message and wait for its acknowledgement
    #[command(after_help = PUB_EXAMPLES)]
    Pub(PubArgs),
    /// MQTT 5 request/response: publish a request, print the response whose correlation matches
    #[command(after_help = RR_EXAMPLES)]
    Rr(RrArgs),
    /// Publish a recording again with its timing (what sub --record, sub --json and e write)
    #[command(after_help = REPLAY_EXAMPLES)]
    Replay(ReplayArgs),
    /// The profile file: list, import MQTT X connections, export one profile
    #[command(after_help = PROFILE_EXAMPLES)]
    Profile(ProfileArgs),
    /// List the retained messages under a filter and clear them
    #[command(after_help = CLEAR_EXAMPLES)]
    ClearRetained(ClearRetainedArgs),
    /// Run the embedded broker in the foreground
    #[command(after_help = BROKER_EXAMPLES)]
    Broker(BrokerArgs),
    /// Devices that answer: publish a templated answer when a message matches a rule
    #[command(after_help = MOCK_EXAMPLES)]
    Mock(MockArgs),
    /// Run a scenario's devices and answering rules (the --demo format) against any broker
    #[command(after_help = SIMULATE_EXAMPLES)]
    Simulate(SimulateArgs),
    /// Run a check file's steps (publish, expect, request, wait) for CI: exit 0 when all pass
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// Print a completion script for a shell (bash, zsh, fish, elvish, powershell)
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions(CompletionsArgs),
    /// Print the manual page (roff), for man -l - or a man1 folder
    #[command(
        after_help = "Example:\n  mqscope man | man -l -\n  mqscope man > ~/.local/share/man/man1/mqscope.1"
    )]
    Man,
    /// Benchmark helper: receive into the explorer's store without drawing, then print totals
    #[command(hide = true)]
    Ingest(IngestArgs),
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("payload").required(true).args(["message", "file", "stdin"]))]
pub struct RrArgs {
    #[command(flatten)]
    pub conn: ConnArgs,
    /// Topic the request is published to
    #[arg(short = 't', long, value_name = "REQUEST_TOPIC")]
    pub topic: String,
    /// Topic the response is expected on (subscribed to before the request goes out)
    #[arg(short = 'e', long = "response-topic", value_name = "RESPONSE_TOPIC")]
    pub response_topic: String,
    /// Request payload text
    #[arg(short = 'm', long, value_name = "TEXT")]
    pub message: Option<String>,
    /// Request payload from a file
    #[arg(short = 'f', long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Request payload from standard input
    #[arg(short = 's', long)]
    pub stdin: bool,
    #[arg(short = 'q', long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(0..=2), allow_negative_numbers = true)]
    pub qos: u8,
    /// Correlation data (text, or hex:…); default: a random one
    #[arg(long, value_name = "D")]
    pub correlation_data: Option<String>,
    /// Seconds to wait for the response
    #[arg(short = 'W', long, value_name = "SECONDS", default_value_t = 10.0, value_parser = positive_seconds, allow_negative_numbers = true)]
    pub timeout: f64,
    /// Print the response topic and the round-trip time with the payload
    #[arg(short = 'v', long)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct MockArgs {
    /// The rules (TOML: [[rules]] with filter, json, topic or reply, payload, qos, retain,
    /// delay_ms, max_per_s)
    #[arg(value_name = "RULES")]
    pub file: PathBuf,
    #[command(flatten)]
    pub conn: ConnArgs,
    /// Print what would be sent; send nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Exit after COUNT answers
    #[arg(short = 'C', long, value_name = "COUNT")]
    pub count: Option<u64>,
}

const MOCK_EXAMPLES: &str = "Examples:
  mqscope mock lamp.toml -b mqtt://localhost
  mqscope mock lamp.toml --dry-run

  # lamp.toml: a lamp that reports the state it is set to, and a service that answers
  [[rules]]
  name = \"lamp\"
  filter = \"lamp/+/set\"
  topic = \"lamp/{{level 1}}/state\"
  payload = '{\"on\": {{json on}}}'
  retain = true
  [[rules]]
  name = \"time\"
  filter = \"svc/time/req\"
  reply = true
  payload = \"{{now}}\"
  delay_ms = 50";

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The scenario (TOML: tick_ms, [[device]], [[retained]], [sparkplug], [[rules]])
    #[arg(value_name = "SCENARIO")]
    pub file: PathBuf,
    #[command(flatten)]
    pub conn: ConnArgs,
}

const SIMULATE_EXAMPLES: &str = "Examples:
  mqscope simulate assets/demo/building.toml -b mqtt://test-broker
  mqscope simulate plant.toml -P staging";

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The check file (TOML: [[steps]] of publish, expect, request, wait_s)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub conn: ConnArgs,
    /// Also write the results as JUnit XML to FILE
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Seconds to connect and subscribe before the first step
    #[arg(long, value_name = "S", default_value_t = 10.0)]
    pub timeout: f64,
}

const CHECK_EXAMPLES: &str = "Examples:
  mqscope check lamp.toml -b mqtt://test-broker --junit results.xml

  # lamp.toml
  [[steps]]
  publish = \"lamp/set\"
  payload = '{\"on\": true}'
  [[steps]]
  expect = \"lamp/state\"
  json = \"on = true\"
  within_s = 2";

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

const SUB_EXAMPLES: &str = "Examples:
  mqscope sub -b mqtt://localhost -t 'sensors/#' -v        topic and payload, like mosquitto_sub -v
  mqscope sub -P home -t '#' --json | jq .topic           one JSON object a message
  mqscope sub -t 'plant/#' --record plant.jsonl           also record to a new file
  mqscope sub -t '#' --alerts-fail -W 60                  exit 1 at the first [[alerts]] firing";
const PUB_EXAMPLES: &str = "Examples:
  mqscope pub -t lamp/set -m '{\"on\": true}' -q 1       waits for the PUBACK
  mqscope pub -t cam/frame -f frame.jpg --content-type image/jpeg
  mqscope pub -t tick -m '{{seq}} at {{now}}' --repeat 10 --interval 0.5";
const RR_EXAMPLES: &str = "Examples:
  mqscope rr -t svc/time/req -e svc/time/resp -m now -v   the response and its round trip";
const REPLAY_EXAMPLES: &str = "Examples:
  mqscope replay plant.jsonl -b mqtt://test-broker --prefix replay
  mqscope replay plant.jsonl --speed 4 --filter 'plant/line1/#' --from 1m --to 2m30s
  mqscope replay plant.jsonl --as-fast-as-possible --loop";
const PROFILE_EXAMPLES: &str = "Examples:
  mqscope profile list
  mqscope profile import-mqttx ~/Downloads/mqttx-export.json
  mqscope profile export home > home.toml";
const CLEAR_EXAMPLES: &str = "Examples:
  mqscope clear-retained 'sensors/old/#' --dry-run        list what would be cleared
  mqscope clear-retained 'sensors/old/#' -y               clear without asking";
const BROKER_EXAMPLES: &str = "Examples:
  mqscope broker --port 1883 --ws-port 8080
  mqscope broker --demo                                   with the simulated devices";
const COMPLETIONS_EXAMPLES: &str = "Examples:
  mqscope completions bash > ~/.local/share/bash-completion/completions/mqscope
  mqscope completions zsh > ~/.zfunc/_mqscope
  mqscope completions fish > ~/.config/fish/completions/mqscope.fish";

#[derive(Debug, Args)]
pub struct ProfileArgs {
    /// The profile file (default: <platform config dir>/mqscope/config.toml)
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub action: ProfileAction,
}

#[derive(Debug, Subcommand)]
pub enum ProfileAction {
    /// The profiles, one a line
    List,
    /// Add the connections of an MQTT X export (JSON) as profiles
    ImportMqttx {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Print one profile as TOML (secrets by reference only)
    Export {
        #[arg(value_name = "NAME")]
        name: String,
    },
}

#[derive(Debug, Args)]
pub struct ClearRetainedArgs {
    #[command(flatten)]
    pub conn: ConnArgs,
    /// The topic filter whose retained messages are cleared (a/#, a/+/b, a)
    #[arg(value_name = "FILTER")]
    pub filter: String,
    /// List them only; clear nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Clear without asking
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Seconds to wait for the connection and each acknowledgement
    #[arg(long, value_name = "S", default_value_t = 30.0, value_parser = positive_seconds, allow_negative_numbers = true)]
    pub timeout: f64,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    #[command(flatten)]
    pub conn: ConnArgs,
    #[command(flatten)]
    pub subscribe: SubscriptionArgs,
    /// Stop after COUNT messages
    #[arg(short = 'C', long, value_name = "COUNT", allow_negative_numbers = true)]
    pub count: u64,
    /// Stop after SECONDS without a message
    #[arg(short = 'W', long, value_name = "SECONDS", default_value_t = 10.0, value_parser = positive_seconds, allow_negative_numbers = true)]
    pub idle_timeout: f64,
}

/// `mqscope pub -h HOST …`, mosquitto's habit: `-h` is help here, and help exits 0, so a script
/// would report success with nothing published. `-h` with other arguments is a usage error that
/// says how to give a broker; `-h` alone (after a command's name or not) is help.
pub fn host_flag_misuse(args: &[std::ffi::OsString]) -> Option<String> {
    let rest: Vec<&std::ffi::OsString> = args.iter().skip(1).collect();
    let h = rest.iter().position(|a| *a == "-h")?;
    let commands = Cli::command();
    let is_command = |a: &std::ffi::OsString| {
        commands
            .get_subcommands()
            .any(|c| a.to_str() == Some(c.get_name()))
    };
    let others = rest
        .iter()
        .enumerate()
        .filter(|&(i, a)| i != h && !(i == 0 && is_command(a)))
        .count();
    (others > 0).then(|| {
        "-h is help here, not a host: give the broker as -b mqtt://HOST:PORT (or -P PROFILE)"
            .to_string()
    })
}

/// clap's usage error as one escaped line: its own lines joined, without the usage block and
/// the "try --help" line, which `mqscope --help` gives.
pub fn one_line(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let mut parts: Vec<&str> = Vec::new();
    for line in text.lines() {
        let l = line.trim();
        if l.is_empty() {
            continue;
        }
        if l.starts_with("Usage:") || l.starts_with("For more information") {
            break;
        }
        parts.push(l.strip_prefix("error: ").unwrap_or(l));
    }
    let joined = parts.join(" ");
    format!(
        "{} (mqscope --help lists the options)",
        crate::text::clean(&joined)
    )
}

/// The longest time a seconds flag takes: a year. Past it a duration is not a time limit anyone
/// means, and a deadline that far out could overflow the clock (a panic, not an error).
pub const SECONDS_MAX: f64 = 31_536_000.0;

/// A number of seconds from 0 to [`SECONDS_MAX`], fractions allowed (`--interval`).
fn seconds(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..=SECONDS_MAX).contains(&v) => Ok(v),
        _ => Err(format!(
            "{s:?} is not a number of seconds; allowed: 0 to {SECONDS_MAX} (fractions allowed)"
        )),
    }
}

/// A time limit: more than 0 and at most [`SECONDS_MAX`] seconds.
fn positive_seconds(s: &str) -> Result<f64, String> {
    match seconds(s) {
        Ok(v) if v > 0.0 => Ok(v),
        _ => Err(format!(
            "{s:?} is not a time limit; allowed: more than 0 and at most {SECONDS_MAX} seconds"
        )),
    }
}

fn parse_protocol(s: &str) -> Result<crate::mqtt::Protocol, String> {
    crate::mqtt::Protocol::parse(s)
        .ok_or_else(|| format!("allowed is {}", crate::mqtt::settings::PROTOCOL_CHOICES))
}

/// Which broker, and how to connect to it.
#[derive(Debug, Args, Clone, Default)]
pub struct ConnArgs {
    /// Broker URL: mqtt://, mqtts://, ws://, wss:// (default port per scheme); sub takes several
    #[arg(id = "broker", short = 'b', long = "broker", value_name = "URL")]
    pub brokers: Vec<String>,
    /// Saved profile to use; sub takes several
    #[arg(id = "profile", short = 'P', long = "profile", value_name = "NAME")]
    pub profiles: Vec<String>,
    #[arg(short = 'u', long, value_name = "USER")]
    pub username: Option<String>,
    /// Take the password from this environment variable
    #[arg(long, value_name = "VAR")]
    pub password_env: Option<String>,
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// MQTT version: auto (5, else 3.1.1 when the broker has no MQTT 5), 3 (3.1.1; 4 too) or 5
    #[arg(long, value_name = "auto|3|5", value_parser = parse_protocol)]
    pub protocol: Option<crate::mqtt::Protocol>,
    /// Keep-alive in seconds (0 turns it off)
    #[arg(long, value_name = "S", allow_negative_numbers = true)]
    pub keep_alive: Option<u16>,
    /// CA certificates (PEM) to trust instead of the system roots
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,
    /// Client certificate (PEM)
    #[arg(long, value_name = "FILE")]
    pub cert: Option<PathBuf>,
    /// Client private key (PEM)
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// Do not verify the broker's certificate
    #[arg(long)]
    pub insecure: bool,
    /// Go through this proxy: http://[USER@]HOST:PORT (HTTP CONNECT) or socks5://[USER@]HOST:PORT
    /// (default: HTTPS_PROXY for mqtts/wss, else ALL_PROXY, unless NO_PROXY names the broker)
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,
    /// Take the proxy's password from this environment variable
    #[arg(long, value_name = "VAR")]
    pub proxy_password_env: Option<String>,
    /// Profile file (default: <platform config dir>/mqscope/config.toml)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

impl ConnArgs {
    /// The one `-b`, if given.
    pub fn broker(&self) -> Option<&String> {
        self.brokers.first()
    }

    /// The one `-P`, if given.
    pub fn profile(&self) -> Option<&String> {
        self.profiles.first()
    }

    /// Whether several connections are asked for: more than one `-b` or `-P` (one of each is
    /// one connection: the profile with its broker replaced).
    pub fn several(&self) -> bool {
        self.brokers.len() > 1 || self.profiles.len() > 1
    }

    /// One set of arguments per connection asked for, each with its label (`-P`: the profile's
    /// name; `-b`: the URL), the other options shared; one connection: these arguments, and
    /// no label.
    pub fn each(&self) -> Vec<(Option<String>, ConnArgs)> {
        if !self.several() {
            return vec![(None, self.clone())];
        }
        let one = |brokers: Vec<String>, profiles: Vec<String>| ConnArgs {
            brokers,
            profiles,
            ..self.clone()
        };
        let by_url = self.brokers.iter().map(|b| {
            let label = crate::mqtt::url::redacted(b);
            (Some(label), one(vec![b.clone()], Vec::new()))
        });
        let by_name = self
            .profiles
            .iter()
            .map(|p| (Some(p.clone()), one(Vec::new(), vec![p.clone()])));
        by_name.chain(by_url).collect()
    }
}

/// What to subscribe to, for the headless commands.
#[derive(Debug, Args)]
pub struct SubscriptionArgs {
    /// Filter to subscribe to (repeatable)
    #[arg(short = 't', long = "topic", value_name = "FILTER", required = true)]
    pub filters: Vec<String>,
    /// QoS for the subscriptions
    #[arg(short = 'q', long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=2), allow_negative_numbers = true)]
    pub qos: u8,
    /// MQTT 5: our own publishes are not sent back
    #[arg(long)]
    pub no_local: bool,
    /// MQTT 5: messages keep the retain flag they were published with
    #[arg(long)]
    pub retain_as_published: bool,
    /// MQTT 5: retained messages on subscribing: 0 always, 1 only if new, 2 never
    #[arg(long, value_name = "0|1|2", default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=2), allow_negative_numbers = true)]
    pub retain_handling: u8,
    /// MQTT 5: the subscription identifier (1 to 268435455) the broker tags matches with
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=268_435_455), allow_negative_numbers = true)]
    pub subscription_id: Option<u32>,
}

#[derive(Debug, Args)]
pub struct SubArgs {
    #[command(flatten)]
    pub conn: ConnArgs,
    #[command(flatten)]
    pub subscribe: SubscriptionArgs,
    /// Exit after COUNT messages
    #[arg(short = 'C', long, value_name = "COUNT", allow_negative_numbers = true)]
    pub count: Option<u64>,
    /// Exit after SECONDS without a message
    #[arg(short = 'W', long, value_name = "SECONDS", value_parser = positive_seconds, allow_negative_numbers = true)]
    pub idle_timeout: Option<f64>,
    /// Print the topic before each payload
    #[arg(short = 'v', long)]
    pub verbose: bool,
    /// One JSON object per message
    #[arg(long, conflicts_with = "verbose")]
    pub json: bool,
    /// Report connection state, subscription results and every control packet (with round
    /// trips) on stderr
    #[arg(short = 'd', long)]
    pub debug: bool,
    /// Payloads as received, even on a terminal (default: raw into a pipe, escaped on a terminal)
    #[arg(long, conflicts_with = "escape")]
    pub raw: bool,
    /// Payloads with control characters made visible, even into a pipe
    #[arg(long)]
    pub escape: bool,
    /// Also write every message received to FILE, a new file (0600, never one that exists):
    /// JSON Lines as --json prints them, with a header line and each message's offset_ms from
    /// the start
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// Print a line for each firing of the profile file's [[alerts]] rules, in place of the
    /// messages (their publish and command actions run too)
    #[arg(long)]
    pub alerts: bool,
    /// As --alerts, and exit with status 1 at the first firing (for scripts)
    #[arg(long)]
    pub alerts_fail: bool,
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// The recording: JSON Lines as sub --record, sub --json and the explorer's e write them
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub conn: ConnArgs,
    /// Faster (2) or slower (0.5) than recorded
    #[arg(long, value_name = "X", default_value_t = 1.0, value_parser = speed)]
    pub speed: f64,
    /// No waiting: each message as soon as the connection takes it
    #[arg(long, conflicts_with = "speed")]
    pub as_fast_as_possible: bool,
    /// Start again from the top at the end, until stopped (Ctrl+C)
    #[arg(long = "loop")]
    pub repeat: bool,
    /// Publish to P/<recorded topic>, so the replay cannot pass for the real devices
    #[arg(long, value_name = "P")]
    pub prefix: Option<String>,
    /// Only messages whose recorded topic matches this MQTT filter (repeatable)
    #[arg(long = "filter", value_name = "F")]
    pub filters: Vec<String>,
    /// From this offset after the first message (90, 1.5s, 1500ms, 2m, 1m30s) or time (RFC 3339)
    #[arg(long, value_name = "T", value_parser = crate::publish::recorded::Position::parse)]
    pub from: Option<crate::publish::recorded::Position>,
    /// Up to this offset or time, inclusive (as --from)
    #[arg(long, value_name = "T", value_parser = crate::publish::recorded::Position::parse)]
    pub to: Option<crate::publish::recorded::Position>,
    /// Seconds to wait for the connection, and at the end for the last acknowledgements
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0, value_parser = positive_seconds)]
    pub timeout: f64,
    /// Print every control packet on stderr
    #[arg(short = 'd', long)]
    pub debug: bool,
}

/// A replay's speed: more than 0, at most 1,000,000 (above that, use --as-fast-as-possible).
fn speed(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 1e6 => Ok(v),
        _ => Err(format!(
            "{s:?} is not a speed; allowed: more than 0 and at most 1000000 (1 is as recorded)"
        )),
    }
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("payload").required(true).args(["message", "file", "stdin"]))]
pub struct PubArgs {
    #[command(flatten)]
    pub conn: ConnArgs,
    /// Topic to publish to
    #[arg(short = 't', long, value_name = "TOPIC")]
    pub topic: String,
    /// Print every control packet on stderr (CONNECT, PUBLISH, PUBACK/PUBREC/PUBREL/PUBCOMP with
    /// round trips, PINGREQ/PINGRESP, DISCONNECT)
    #[arg(short = 'd', long)]
    pub debug: bool,
    /// Payload text
    #[arg(short = 'm', long, value_name = "TEXT")]
    pub message: Option<String>,
    /// Payload from a file
    #[arg(short = 'f', long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Payload from standard input
    #[arg(short = 's', long)]
    pub stdin: bool,
    #[arg(short = 'q', long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=2), allow_negative_numbers = true)]
    pub qos: u8,
    /// Ask the broker to retain the message
    #[arg(short = 'r', long)]
    pub retain: bool,
    /// Seconds to wait for the connection and the acknowledgement
    #[arg(long, value_name = "S", default_value_t = 30.0, value_parser = positive_seconds, allow_negative_numbers = true)]
    pub timeout: f64,
    /// MQTT 5 user property (repeatable)
    #[arg(long = "user-property", value_name = "K=V")]
    pub user_properties: Vec<String>,
    /// MQTT 5 content type
    #[arg(long, value_name = "T")]
    pub content_type: Option<String>,
    /// MQTT 5 response topic
    #[arg(long, value_name = "T")]
    pub response_topic: Option<String>,
    /// MQTT 5 correlation data: text, or hex:0a1b… for bytes
    #[arg(long, value_name = "D")]
    pub correlation_data: Option<String>,
    /// MQTT 5 message expiry interval, in seconds
    #[arg(long, value_name = "S", allow_negative_numbers = true)]
    pub message_expiry: Option<u32>,
    /// MQTT 5 payload format indicator: utf8 or bytes
    #[arg(long, value_name = "utf8|bytes")]
    pub payload_format: Option<String>,
    /// Publish N times (with --interval between)
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..), allow_negative_numbers = true)]
    pub repeat: u64,
    /// Seconds between repeats
    #[arg(long, value_name = "S", default_value_t = 1.0, value_parser = seconds, allow_negative_numbers = true)]
    pub interval: f64,
}

#[derive(Debug, Args)]
pub struct BrokerArgs {
    /// MQTT port on 127.0.0.1 (0 picks a free one)
    #[arg(long, default_value_t = 1883)]
    pub port: u16,
    /// WebSocket port on 127.0.0.1 (path /mqtt)
    #[arg(long)]
    pub ws_port: Option<u16>,
    /// Also run the simulated devices of --demo
    #[arg(long)]
    pub demo: bool,
}
