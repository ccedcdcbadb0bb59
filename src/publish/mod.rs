//! What a publish is made of before it reaches the worker. Today: reading a payload from a file,
//! a FIFO, a device or standard input within a size limit (`pub -f`, `pub -s`, compose Ctrl+F).

mod bounded;

pub use bounded::{MQTT_PAYLOAD_MAX, TooBig, read_capped, read_file_capped};
