//! Opening a connection one way for the explorer, the headless commands and the editor's test:
//! settings resolved from a profile and the command line (`password_command` included), the
//! protocol probe, and the retained look (what the broker retains under a filter, on a
//! connection of its own).

pub mod connect;
pub mod probe;
pub mod retained;
