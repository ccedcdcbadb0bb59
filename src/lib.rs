//! mqscope: a terminal MQTT explorer. The library holds everything; `main.rs` only dispatches
//! (`cli.rs` is the command line). The rooms, from the wire up (DESIGN.md, "The house"):
//!
//! - `mqtt`: the connection worker over rumqttc, its pure reconnect policy, settings, TLS, URLs,
//!   topic rules, the tracker and outbox of our publishes; never imports ratatui, and no
//!   rumqttc type leaves it;
//! - `session`: opening a connection one way for every caller (settings resolution,
//!   `password_command`, the protocol probe, the retained look), and the state of one
//!   connection as one value (`link::Link`: status, store, subscriptions, outbox, CONNACK);
//! - `publish`: the one `Publish` value and what it is made of (payloads read within limits,
//!   templates, MQTT 5 properties typed as text);
//! - `config`: the profile file (parse, rules, atomic writes) and the history file;
//! - `store`: the topic tree, log, histories linked through the log, and rates (pure);
//! - `decode`: payload decoders and their registry (pure);
//! - `mock`: devices that answer (pure): rules, templated answers, a loop guard, a rate;
//! - `alert`: alert rules at work (pure): a value or a silence per topic, fired on the edge
//!   with hysteresis and a cooldown; the explorer and `sub --alerts` act on what it says;
//! - `text`: escaping and display widths for everything from the wire;
//! - `app`: the state and what it decides, through one door (`App::update(Msg, Clock)` →
//!   effects): panes, features, input, popups, notices, and the connections not in focus
//!   (`features/connections.rs`: parked, swapped in to file their events); never imports `ui` or `tui`;
//! - `ui`: drawing only, a pure function of the app;
//! - `tui`: the start, the terminal's life cycle, the loop (select → `Msg` → `update` →
//!   runner), the intake of every connection's events, the runner that carries out effects
//!   and reports typed outputs, and its jobs;
//! - `headless`: `sub`, `pub`, `rr`, `clear-retained`, `profile`;
//! - `process`: logging, signals, failures (exit codes), external programs;
//! - `broker` and `demo`: the embedded broker and its simulated devices.

pub mod alert;
pub mod app;
#[cfg(feature = "embedded-broker")]
pub mod broker;
pub mod cli;
pub mod config;
pub mod decode;
pub mod demo;
pub mod headless;
pub mod mock;
pub mod mqtt;
pub mod process;
pub mod publish;
pub mod session;
pub mod store;
pub mod text;
pub mod tui;
pub mod ui;
