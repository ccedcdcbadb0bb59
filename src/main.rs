mod config;
mod mqtt;
fn main() {}
