//! mqscope: a terminal MQTT explorer.

use std::process::ExitCode;

use clap::Parser;

use mqscope::cli::{self, Cli, Cmd};
use mqscope::process::failure::{Failure, runtime};
use mqscope::process::logging;
use mqscope::{broker, demo, headless};

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(e) = cli::host_flag_misuse(&args) {
        eprintln!("mqscope: {e}");
        return ExitCode::from(2);
    }
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) if e.exit_code() == 0 => {
            // Help and version, on stdout.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            // A usage error: one escaped line on stderr, exit 2 (DESIGN: errors are one line
            // that names what is wrong; the arguments quoted in it are the user's bytes).
            eprintln!("mqscope: {}", cli::one_line(&e));
            return ExitCode::from(2);
        }
    };
    // What needs no log and no runtime: a completion script, the manual page.
    if let Some(code) = print_generated(&cli) {
        return code;
    }
    mqscope::text::colour::decide(match cli.color {
        cli::Colour::Always => Some(true),
        cli::Colour::Never => Some(false),
        cli::Colour::Auto => None,
    });
    if let Err(e) = logging::init(cli.log_file.clone()) {
        let shown = mqscope::text::clean(&e).into_owned();
        if cli.log_file.is_some() {
            eprintln!("mqscope: --log-file {shown}");
            return ExitCode::from(2);
        }
        eprintln!("mqscope: warning: {shown}; running without a log");
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("mqscope: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(run(cli));
    // Do not wait for tasks still blocked on the network.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            // Errors quote file contents, URLs and what the broker said: one escaped line, so
            // nothing from outside reaches the terminal raw.
            eprintln!("mqscope: {}", mqscope::text::clean(&f.to_string()));
            ExitCode::from(f.exit_code() as u8)
        }
    }
}

/// `completions SHELL` and `man`: generated from the command line's own definition, so they
/// cannot disagree with it; written whole, and a closed pipe (`| head`) is not an error.
fn print_generated(cli: &Cli) -> Option<ExitCode> {
    use clap::CommandFactory;
    use std::io::Write;
    let mut out = Vec::new();
    match &cli.command {
        Some(Cmd::Completions(a)) => {
            clap_complete::generate(a.shell, &mut Cli::command(), "mqscope", &mut out)
        }
        Some(Cmd::Man) => {
            if let Err(e) = clap_mangen::Man::new(Cli::command()).render(&mut out) {
                eprintln!("mqscope: the manual page could not be made: {e}");
                return Some(ExitCode::from(1));
            }
        }
        _ => return None,
    }
    let _ = std::io::stdout().lock().write_all(&out);
    Some(ExitCode::SUCCESS)
}

async fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Some(Cmd::Sub(args)) => headless::subscribe::run(args).await,
        Some(Cmd::Pub(args)) => headless::publish::run(args).await,
        Some(Cmd::Rr(args)) => headless::rr::run(args).await,
        Some(Cmd::Replay(args)) => headless::replay::run(args).await,
        Some(Cmd::Profile(args)) => headless::profiles::run(args),
        Some(Cmd::ClearRetained(args)) => headless::clear_retained::run(args).await,
        Some(Cmd::Broker(args)) => run_broker(args).await,
        Some(Cmd::Ingest(args)) => headless::ingest::run(args).await,
        Some(Cmd::Check(args)) => headless::check::run(args).await,
        Some(Cmd::Mock(args)) => headless::mock::run(args).await,
        Some(Cmd::Simulate(args)) => headless::simulate::run(args).await,
        // Printed before the runtime starts (`print_generated`).
        Some(Cmd::Completions(_) | Cmd::Man) => Ok(()),
        None => {
            mqscope::tui::start::run_explorer(mqscope::tui::start::ExplorerArgs {
                conn: cli.conn,
                filters: cli.filters,
                qos: cli.qos,
                demo: cli.demo,
                open: cli.open,
                mock: cli.mock,
                history_budget_mib: cli.history_budget,
                history_per_topic: cli.history_per_topic,
            })
            .await
        }
    }
}

async fn run_broker(args: cli::BrokerArgs) -> Result<(), Failure> {
    let broker = broker::EmbeddedBroker::start(args.port, args.ws_port)
        .await
        .map_err(|e| runtime(format!("{e:#}")))?;
    println!("mqscope broker listening on {}", broker.mqtt_url());
    if let Some(ws) = broker.ws_url() {
        println!("mqscope broker WebSocket on {ws}");
    }
    if args.demo {
        demo::start(&broker.mqtt_url()).map_err(|e| runtime(format!("{e:#}")))?;
        println!("mqscope demo devices publishing");
    }
    mqscope::process::signals::stop_requested().await;
    broker.stop().await;
    Ok(())
}
