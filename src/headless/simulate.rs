//! `mqscope simulate SCENARIO.toml [CONN]`: a scenario's devices (the `--demo` format:
//! `[[device]]`, `[[retained]]`, `[sparkplug]`) and its answering `[[rules]]` (`mqscope mock`'s)
//! against any broker, in the foreground until Ctrl+C.

use crate::cli::SimulateArgs;
use crate::config::error::Locator;
use crate::demo::scenario::Scenario;
use crate::process::failure::{Failure, runtime, usage};
use crate::session::connect::headless_settings;
use crate::text::clean;

pub async fn run(args: SimulateArgs) -> Result<(), Failure> {
    let shown = clean(&args.file.display().to_string()).into_owned();
    let text = std::fs::read_to_string(&args.file)
        .map_err(|e| usage(format!("{shown}: cannot read it: {e}")))?;
    let loc = Locator {
        path: &args.file,
        text: &text,
    };
    let scenario = Scenario::parse(&text).map_err(|e| {
        let at = e.span().map_or(0, |s| s.start);
        let words = e.message().replace("unknown field", "unknown key");
        usage(loc.at(at, words.trim().to_string()).to_string())
    })?;
    let rules = crate::mock::file::parse_in(&args.file, &text).map_err(|e| usage(e.to_string()))?;
    let settings = headless_settings(&args.conn)?;
    super::warn_insecure(&settings);
    let devices = crate::demo::Devices::new(scenario);
    eprintln!(
        "mqscope: simulating {} against {}{}; Ctrl+C stops",
        shown,
        settings.url,
        match rules.len() {
            0 => String::new(),
            n => format!(
                ", with {}",
                crate::text::count(n as u64, "answering rule", "answering rules")
            ),
        }
    );
    let url = settings.url.to_string();
    let running =
        crate::demo::start_with(settings, devices, rules).map_err(|e| runtime(format!("{e:#}")))?;
    tokio::select! {
        _ = running => Err(runtime(format!("{url}: connection closed"))),
        _ = crate::process::signals::stop_requested() => Ok(()),
    }
}
