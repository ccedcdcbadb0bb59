//! The real binary in a real terminal: a tmux server of our own per test, mqscope in it at a
//! size we choose, keys sent and the screen read back.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long a wait on the screen may take (bounded; a loaded 2-core machine needs far less).
pub const WAIT: Duration = Duration::from_secs(20);

pub fn have_tmux(test: &str) -> bool {
    let ok = Command::new("tmux")
        .arg("-V")
        .stdout(Stdio::null())
        .status()
        .is_ok();
    if !ok {
        if std::env::var_os("CI").is_some() {
            panic!("{test}: tmux is not installed, and CI is set");
        }
        eprintln!("SKIPPED {test}: tmux is not installed");
    }
    ok
}

/// A tmux server of our own (its own socket), killed on drop.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// mqscope with `args` at 120×40, its config and cache under `home` (its working folder).
    pub fn start(home: &Path, args: &str) -> Tmux {
        Tmux::start_with_env(home, args, "")
    }

    /// With `env` (`NAME=value …`) in mqscope's environment.
    pub fn start_with_env(home: &Path, args: &str, env: &str) -> Tmux {
        Tmux::start_sized(home, args, env, (120, 40))
    }

    /// At `size` (columns, rows).
    pub fn start_sized(home: &Path, args: &str, env: &str, size: (u16, u16)) -> Tmux {
        let bin = env!("CARGO_BIN_EXE_mqscope");
        let cmd = format!(
            "cd {h} && env {env} XDG_CONFIG_HOME={h}/config XDG_CACHE_HOME={h}/cache {bin} {args} --log-file {h}/mqscope.log; echo EXIT=$?; sleep 120",
            h = home.display()
        );
        Tmux::run(&cmd, size)
    }

    /// Any shell command `cmd` in a new server of our own at `size`.
    pub fn run(cmd: &str, size: (u16, u16)) -> Tmux {
        let socket = format!("mqscope-e2e-{}-{}", std::process::id(), fastrand::u32(..));
        let status = Command::new("tmux")
            .args(["-L", &socket, "new-session", "-d", "-x"])
            .arg(size.0.to_string())
            .arg("-y")
            .arg(size.1.to_string())
            .arg(cmd)
            .status()
            .expect("tmux");
        assert!(status.success());
        Tmux { socket }
    }

    /// Polls the screen and its scrollback (a terminal has no event to await) until a line, its
    /// trailing blanks trimmed, satisfies `ok`; fails naming `what` after WAIT.
    pub fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + WAIT;
        loop {
            let screen = self.tmux(&["capture-pane", "-p", "-S", "-200"]);
            if screen.lines().any(|l| ok(l.trim_end())) {
                return;
            }
            assert!(Instant::now() < deadline, "no line {what:?} in:\n{screen}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p"])
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys"];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    pub fn text(&self, text: &str) {
        self.tmux(&["send-keys", "-l", text]);
    }

    /// The screen as one line of words: a notice wrapped over several rows reads whole.
    pub fn words(&self) -> String {
        flat(&self.screen())
    }

    /// Waits until the screen, read as words, contains `what` (which may wrap).
    pub fn wait_for_words(&self, what: &str) -> String {
        let want = flat(what);
        self.wait_screen(what, |s| flat(s).contains(&want))
    }

    /// Waits until the screen shows `what`. A terminal has no event to await, so this looks at
    /// the screen every 50 ms, for at most WAIT.
    pub fn wait_for(&self, what: &str) -> String {
        self.wait_screen(what, |s| s.contains(what))
    }

    /// Waits until the screen no longer shows `what` (a popup closed: the status bar's `? help`
    /// shows under popups too, so it cannot say a key reached the panes).
    pub fn wait_gone(&self, what: &str) -> String {
        self.wait_screen(&format!("no {what}"), |s| !s.contains(what))
    }

    /// Polls the screen every 50 ms, for at most WAIT, until `ok` holds; fails naming `what`.
    fn wait_screen(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "screen never showed {what:?}:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn alternate_screen_on(&self) -> bool {
        self.tmux(&["display-message", "-p", "#{alternate_on}"])
            .trim()
            == "1"
    }

    /// The pid of mqscope: the child of the pane's `sh -c`.
    pub fn mqscope_pid(&self) -> String {
        let shell = self.pane_pid();
        let out = Command::new("pgrep")
            .args(["-P", &shell, "mqscope"])
            .output()
            .unwrap();
        let pid = String::from_utf8_lossy(&out.stdout).trim().to_string();
        assert!(!pid.is_empty(), "mqscope runs in the pane");
        pid
    }

    pub fn pane_pid(&self) -> String {
        self.tmux(&["display-message", "-p", "#{pane_pid}"])
            .trim()
            .to_string()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

/// Text as words, box-drawing borders dropped: what wraps over rows reads as one line.
pub fn flat(screen: &str) -> String {
    screen
        .replace(['│', '┌', '┐', '└', '┘', '─', '├', '┤'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
