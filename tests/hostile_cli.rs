//! Hostile command lines for every headless command: terminal escapes, bidi and zero-width
//! characters, invalid UTF-8, huge and malformed values in topics, URLs, profile names, files and
//! flags. Each ends with 0, 1 or 2 (never a panic), within its time, and writes nothing raw that
//! a terminal would act on, on stdout or stderr.

mod common;

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::time::Duration;

use common::{mqscope, run};

const LIMIT: Duration = Duration::from_secs(20);

fn raw_controls(bytes: &[u8]) -> Vec<char> {
    String::from_utf8_lossy(bytes)
        .chars()
        .filter(|&c| c != '\n' && mqscope::text::needs_escape(c))
        .collect()
}

#[test]
fn hostile_command_lines_end_in_words_never_raw_never_a_panic() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let escapes = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{202e}x\u{200b}\u{2028}";
    let evil_file = common::write(
        h,
        "evil.toml",
        format!("[profiles.\"{escapes}\"]\nbroker = \"{escapes}\"\n"),
    );
    let binary_file = common::write(h, "bin.toml", [0xff, 0xfe, 0x1b, b'[', b'2', b'J', 0]);
    let long = "a/".repeat(40_000);
    let dead = "mqtt://127.0.0.1:9";
    let bad_utf8 = OsString::from_vec(vec![b'a', 0xff, 0x1b, b'[', b'2', b'J']);
    let s = |v: &str| OsString::from(v);
    let cases: Vec<Vec<OsString>> = vec![
        vec![
            s("pub"),
            s("-b"),
            s(dead),
            s("-t"),
            s(escapes),
            s("-m"),
            s(escapes),
        ],
        vec![
            s("pub"),
            s("-b"),
            s(dead),
            s("-t"),
            s("a/#/b"),
            s("-m"),
            s("x"),
        ],
        vec![s("pub"), s("-b"), s(dead), s("-t"), s(""), s("-m"), s("x")],
        vec![
            s("pub"),
            s("-b"),
            s(dead),
            s("-t"),
            s(&long),
            s("-m"),
            s("x"),
        ],
        vec![
            s("pub"),
            s("-b"),
            s(dead),
            s("-t"),
            bad_utf8.clone(),
            s("-m"),
            s("x"),
        ],
        vec![
            s("pub"),
            s("-b"),
            s(escapes),
            s("-t"),
            s("x"),
            s("-m"),
            s("x"),
        ],
        vec![
            s("pub"),
            s("-b"),
            s("mqtt://[::1"),
            s("-t"),
            s("x"),
            s("-m"),
            s("x"),
        ],
        vec![
            s("pub"),
            s("-b"),
            s("mqtt://a:b:c"),
            s("-t"),
            s("x"),
            s("-m"),
            s("x"),
        ],
        vec![
            s("pub"),
            s("-b"),
            s("mqtt://h:99999"),
            s("-t"),
            s("x"),
            s("-m"),
            s("x"),
        ],
        vec![
            s("pub"),
            s("-b"),
            s("mqtt://u:pw@h"),
            s("-t"),
            s("x"),
            s("-m"),
            s("x"),
        ],
        vec![
            s("pub"),
            s("-b"),
            s(&format!("mqtt://{escapes}:1883")),
            s("-t"),
            s("x"),
            s("-m"),
            s("x"),
        ],
        vec![
            s("pub"),
            s("-b"),
            s(dead),
            s("-t"),
            s("x"),
            s("-f"),
            s(&format!("/nonexistent/{escapes}")),
        ],
        vec![s("pub"), s("-b"), s(dead), s("-t"), s("x"), s("-f"), s("/")],
        vec![
            s("pub"),
            s("-b"),
            s(dead),
            s("-t"),
            s("x"),
            s("-m"),
            s("x"),
            s("--user-property"),
            s(escapes),
        ],
        vec![
            s("pub"),
            s("-b"),
            s(dead),
            s("-t"),
            s("x"),
            s("-m"),
            s("x"),
            s("--correlation-data"),
            s("hex:zz"),
        ],
        vec![
            s("pub"),
            s("-b"),
            s(dead),
            s("-t"),
            s("x"),
            s("-m"),
            s("x"),
            s("--response-topic"),
            s("a/+"),
        ],
        vec![
            s("pub"),
            s("-b"),
            s(dead),
            s("-t"),
            s("x"),
            s("-m"),
            s("x"),
            s("--client-id"),
            s(escapes),
        ],
        vec![
            s("pub"),
            s("-b"),
            s(dead),
            s("-t"),
            s("x"),
            s("-m"),
            s("x"),
            s("--password-env"),
            s(escapes),
            s("-u"),
            s("u"),
        ],
        vec![
            s("pub"),
            s("-b"),
            s("mqtts://127.0.0.1:9"),
            s("-t"),
            s("x"),
            s("-m"),
            s("x"),
            s("--ca"),
            s(&format!("/no/{escapes}.pem")),
        ],
        vec![
            s("pub"),
            s("-P"),
            s(escapes),
            s("-t"),
            s("x"),
            s("-m"),
            s("x"),
        ],
        vec![
            s("pub"),
            s("--config"),
            evil_file.clone().into(),
            s("-P"),
            s(escapes),
            s("-t"),
            s("x"),
            s("-m"),
            s("x"),
        ],
        vec![
            s("pub"),
            s("--config"),
            binary_file.clone().into(),
            s("-t"),
            s("x"),
            s("-m"),
            s("x"),
        ],
        vec![
            s("pub"),
            s("--config"),
            s("/dev/zero"),
            s("-t"),
            s("x"),
            s("-m"),
            s("x"),
        ],
        vec![
            s("pub"),
            s("--config"),
            s("/"),
            s("-t"),
            s("x"),
            s("-m"),
            s("x"),
        ],
        vec![
            s("sub"),
            s("-b"),
            s(dead),
            s("-t"),
            s(escapes),
            s("-W"),
            s("1"),
        ],
        vec![s("sub"), s("-b"), s(dead), s("-t"), s("a/#/b")],
        vec![
            s("sub"),
            s("-b"),
            s(dead),
            s("-t"),
            s("#"),
            s("-C"),
            s("99999999999999999999999"),
        ],
        vec![s("sub"), s("-b"), s(dead), s("-t"), bad_utf8.clone()],
        vec![
            s("rr"),
            s("-b"),
            s(dead),
            s("-t"),
            s(escapes),
            s("-e"),
            s("r"),
            s("-m"),
            s("x"),
        ],
        vec![
            s("rr"),
            s("-b"),
            s(dead),
            s("-t"),
            s("q"),
            s("-e"),
            s("r/#"),
            s("-m"),
            s("x"),
        ],
        vec![
            s("clear-retained"),
            s("-b"),
            s(dead),
            s(escapes),
            s("--dry-run"),
        ],
        vec![
            s("clear-retained"),
            s("-b"),
            s(dead),
            s("#"),
            s("--timeout"),
            s("0.5"),
        ],
        vec![
            s("profile"),
            s("--config"),
            evil_file.clone().into(),
            s("list"),
        ],
        vec![
            s("profile"),
            s("--config"),
            evil_file.into(),
            s("export"),
            s(escapes),
        ],
        vec![s("profile"), s("--config"), binary_file.into(), s("list")],
        vec![
            s("profile"),
            s("import-mqttx"),
            s(&format!("/no/{escapes}.json")),
        ],
        vec![s(escapes)],
        vec![s("--"), s(escapes)],
        vec![bad_utf8],
    ];
    for args in &cases {
        let mut cmd = mqscope(h);
        cmd.args(args);
        let out = run(cmd, LIMIT);
        let shown = format!("{args:?}");
        let code = out.status.code();
        assert!(
            matches!(code, Some(0..=2)),
            "{shown}: exit {code:?}: {}",
            common::stderr(&out)
        );
        let raw_err = raw_controls(&out.stderr);
        assert!(
            raw_err.is_empty(),
            "{shown}: raw {raw_err:?} on stderr: {:?}",
            common::stderr(&out)
        );
        let raw_out = raw_controls(&out.stdout);
        assert!(raw_out.is_empty(), "{shown}: raw {raw_out:?} on stdout");
        if code != Some(0) {
            let err = common::stderr(&out);
            assert!(
                err.starts_with("mqscope: ") || err.starts_with("error"),
                "{shown}: {err}"
            );
        }
    }
    eprintln!(
        "{} hostile command lines: no panic, nothing raw",
        cases.len()
    );
}
