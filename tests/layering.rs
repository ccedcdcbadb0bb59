//! The house rules, checked on the source so they stay true: `app/` never reaches into `ui/`;
//! `decode/` and `store/` know neither ratatui nor tokio (they do no I/O); `mqtt/` never
//! imports ratatui, and no rumqttc type is named outside it.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("source folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Lines of code under `folder` (relative to src/) that contain any of `banned`.
fn offenders(folder: &str, banned: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let target = root.join(folder);
    if target.is_dir() {
        rust_files(&target, &mut files);
    } else {
        files.push(root.join(format!("{folder}.rs")));
    }
    assert!(!files.is_empty(), "no sources under src/{folder}");
    let mut found = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("readable source");
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if banned.iter().any(|b| code.contains(b)) {
                found.push(format!("{}:{}: {}", f.display(), i + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn app_never_imports_ui() {
    let found = offenders("app", &["crate::ui", "super::ui", "super::super::ui"]);
    assert!(found.is_empty(), "app/ imports ui/:\n{}", found.join("\n"));
}

#[test]
fn decode_and_store_do_no_io_and_draw_nothing() {
    for folder in ["decode", "store"] {
        let found = offenders(
            folder,
            &["ratatui", "tokio", "std::fs", "std::net", "std::process"],
        );
        assert!(
            found.is_empty(),
            "{folder}/ must stay pure:\n{}",
            found.join("\n")
        );
    }
}

#[test]
fn mqtt_draws_nothing_and_rumqttc_stays_inside() {
    let found = offenders("mqtt", &["ratatui"]);
    assert!(
        found.is_empty(),
        "mqtt/ imports ratatui:\n{}",
        found.join("\n")
    );
    for folder in [
        "app", "ui", "tui", "store", "decode", "config", "headless", "demo", "session", "publish",
        "process", "text", "broker",
    ] {
        let found = offenders(folder, &["rumqttc"]);
        assert!(
            found.is_empty(),
            "rumqttc named outside mqtt/:\n{}",
            found.join("\n")
        );
    }
}

/// Every source file lives in a room: at `src/` root only `main.rs`, `lib.rs` and `cli.rs`.
#[test]
fn no_loose_files_at_the_source_root() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut loose: Vec<String> = std::fs::read_dir(&root)
        .expect("src")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .filter(|n| !["main.rs", "lib.rs", "cli.rs"].contains(&n.as_str()))
        .collect();
    loose.sort();
    assert!(loose.is_empty(), "files without a room at src/: {loose:?}");
}

/// Only `ui/` draws (and `tui/`, which owns the terminal): the rooms below know no ratatui.
#[test]
fn only_ui_and_tui_draw() {
    for folder in [
        "mqtt", "session", "publish", "config", "store", "decode", "text", "headless", "process",
        "demo",
    ] {
        let found = offenders(folder, &["ratatui"]);
        assert!(
            found.is_empty(),
            "{folder}/ imports ratatui:\n{}",
            found.join("\n")
        );
    }
}

/// The app's house (DESIGN.md): the door and its messages at `app/` root, everything else in
/// `input/`, `panes/`, `features/` or `popup/`.
#[test]
fn the_app_rooms_match_the_house() {
    let app = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/app");
    let allowed = [
        "mod.rs",
        "msg.rs",
        "effect.rs",
        "update.rs",
        "update_tests.rs",
        "outputs.rs",
        "intents.rs",
        "on_mqtt.rs",
        "notice.rs",
    ];
    let mut loose: Vec<String> = std::fs::read_dir(&app)
        .expect("src/app")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .filter(|n| !allowed.contains(&n.as_str()))
        .collect();
    loose.sort();
    assert!(
        loose.is_empty(),
        "files at src/app/ outside its rooms: {loose:?}"
    );
    for room in ["input", "panes", "features", "popup"] {
        assert!(app.join(room).join("mod.rs").is_file(), "src/app/{room}/");
    }
}

/// Popups are lent what they read; only the dispatcher (`popup/mod.rs`) holds the app.
#[test]
fn no_popup_is_given_the_app() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/app/popup");
    for entry in std::fs::read_dir(&dir)
        .expect("popup/")
        .filter_map(|e| e.ok())
    {
        let path = entry.path();
        if path.file_name().is_some_and(|n| n == "mod.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            !text.contains("&mut App"),
            "{} takes the whole app",
            path.display()
        );
    }
}

/// The runner reports outputs; it never holds the app (the app alone decides what is told).
#[test]
fn the_runner_never_writes_the_app() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui");
    for name in ["runner.rs", "file_jobs.rs", "jobs.rs"] {
        let text = std::fs::read_to_string(dir.join(name)).expect(name);
        assert!(
            !text.contains("&mut App") && !text.contains("app::App"),
            "{name} holds the app"
        );
    }
}
