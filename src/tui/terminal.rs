//! The terminal's life cycle: raw mode, alternate screen, mouse and bracketed paste on entry,
//! and all of it undone on every exit path: normal return, error, panic (hook) and drop.

use std::io::{self, Stdout};
use std::sync::Once;

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

pub type Tty = Terminal<CrosstermBackend<Stdout>>;

/// Restores the terminal when dropped.
pub struct Guard {
    pub terminal: Tty,
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// Puts the terminal back as we found it. Safe to call more than once.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // Restore first, so the panic message is readable on a sane terminal.
            restore();
            previous(info);
        }));
    });
}

/// Raw mode, the alternate screen, mouse and bracketed paste.
fn take_over() -> io::Result<()> {
    enable_raw_mode()?;
    if let Err(e) = execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    ) {
        restore();
        return Err(e);
    }
    Ok(())
}

/// Ctrl+Z or SIGTSTP: the terminal is given back as we found it and the process stops, as a
/// shell expects; when `fg` (SIGCONT) resumes it, the terminal is taken over again. The caller
/// redraws the whole screen after this returns.
#[cfg(unix)]
pub fn suspend() -> io::Result<()> {
    restore();
    // SIGSTOP cannot be caught: the process stops here until SIGCONT.
    // SAFETY: raise only sends a signal to this process.
    unsafe {
        libc::raise(libc::SIGSTOP);
    }
    take_over()
}

pub fn enter() -> io::Result<Guard> {
    install_panic_hook();
    take_over()?;
    let out = io::stdout();
    match Terminal::new(CrosstermBackend::new(out)) {
        Ok(terminal) => Ok(Guard { terminal }),
        Err(e) => {
            restore();
            Err(e)
        }
    }
}
