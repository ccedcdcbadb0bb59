//! The shell's conventions: completion scripts read by the shells themselves, the manual page
//! rendered by `man`, examples in each command's `--help`, and `--color` on headless output.

mod common;

use std::process::Command;
use std::time::Duration;

use common::mosquitto::Mosquitto;
use common::{have_mosquitto, mqscope, run, stderr, stdout, write};

const LIMIT: Duration = Duration::from_secs(20);

/// True when `program` runs; without it the test skips, or fails under CI (which installs it).
fn have(program: &str, test: &str) -> bool {
    let found = Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success() || !o.stdout.is_empty());
    if !found {
        if std::env::var_os("CI").is_some() {
            panic!("{test}: {program} is not installed, and CI is set");
        }
        eprintln!("SKIPPED {test}: {program} is not installed");
    }
    found
}

fn generated(home: &std::path::Path, args: &[&str]) -> String {
    let mut cmd = mqscope(home);
    cmd.args(args);
    let out = run(cmd, LIMIT);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

#[test]
fn completion_scripts_are_read_by_bash_and_zsh() {
    let home = tempfile::tempdir().unwrap();
    let bash = write(
        home.path(),
        "mqscope.bash",
        generated(home.path(), &["completions", "bash"]),
    );
    if have("bash", "completions") {
        let out = Command::new("bash")
            .arg("-c")
            .arg(format!("source {} && complete -p mqscope", bash.display()))
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            said.contains("-F _mqscope") && said.trim_end().ends_with("mqscope"),
            "{said}"
        );
        // The subcommands and their flags are offered.
        let script = std::fs::read_to_string(&bash).unwrap();
        for word in [
            "replay",
            "--alerts-fail",
            "--as-fast-as-possible",
            "completions",
        ] {
            assert!(script.contains(word), "{word}");
        }
    }
    let zsh = write(
        home.path(),
        "_mqscope",
        generated(home.path(), &["completions", "zsh"]),
    );
    if have("zsh", "completions") {
        let out = Command::new("zsh").arg("-n").arg(&zsh).output().unwrap();
        assert!(
            out.status.success(),
            "zsh -n: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for shell in ["fish", "elvish", "powershell"] {
        assert!(
            !generated(home.path(), &["completions", shell]).is_empty(),
            "{shell}"
        );
    }
    let mut bad = mqscope(home.path());
    bad.args(["completions", "tcsh"]);
    let out = run(bad, LIMIT);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("tcsh"), "{}", stderr(&out));
}

#[test]
fn the_manual_page_renders_and_every_command_has_examples() {
    let home = tempfile::tempdir().unwrap();
    let page = write(home.path(), "mqscope.1", generated(home.path(), &["man"]));
    if have("man", "man") {
        let out = Command::new("man")
            .arg("-l")
            .arg(&page)
            .env("MANPAGER", "cat")
            .env("PAGER", "cat")
            .env("MANWIDTH", "80")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for word in ["NAME", "mqscope", "SUBCOMMANDS", "replay", "completions"] {
            assert!(text.contains(word), "{word}: {text}");
        }
    }
    for cmd in [
        "sub",
        "pub",
        "rr",
        "replay",
        "profile",
        "clear-retained",
        "broker",
        "completions",
        "man",
    ] {
        let help = generated(home.path(), &[cmd, "--help"]);
        assert!(
            help.contains("Example"),
            "{cmd} --help has no example: {help}"
        );
    }
}

#[test]
fn color_paints_topics_only_when_asked() {
    if !have_mosquitto("color") {
        return;
    }
    let m = Mosquitto::start();
    m.mosquitto_pub(&["-t", "c/t", "-m", "v", "-r"]);
    let home = tempfile::tempdir().unwrap();
    let sub = |color: &str| {
        let mut cmd = mqscope(home.path());
        cmd.args([
            "sub",
            "-b",
            &m.url(),
            "-t",
            "c/#",
            "-v",
            "-C",
            "1",
            "--color",
            color,
        ]);
        let out = run(cmd, LIMIT);
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    assert_eq!(sub("always"), "\x1b[1;36mc/t\x1b[0m v\n");
    assert_eq!(sub("never"), "c/t v\n");
    // Into a pipe, auto is off.
    assert_eq!(sub("auto"), "c/t v\n");
}
