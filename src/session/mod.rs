//! Opening a connection one way for the explorer, the headless commands and the editor's test:
//! settings resolved from a profile and the command line (`password_command` included), the
//! protocol probe, and the retained look (what the broker retains under a filter, on a
//! connection of its own); and the state of one connection as one value (`link.rs`).

pub mod connect;
pub mod link;
pub mod open;
pub mod outbox;
pub mod probe;
pub mod proxy;
pub mod retained;
