//! A private tmux server running the real binary in one session, driven with send-keys and read
//! with capture-pane: what the end-to-end tests (`e2e_tmux`, `e2e_channel`) see is what a person
//! in a terminal sees.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// A private tmux server running one session.
pub struct Tmux {
    socket: PathBuf,
}

impl Tmux {
    pub fn start(dir: &Path, command: &str) -> Tmux {
        let socket = dir.join("tmux.sock");
        let home = dir.join("home");
        std::fs::create_dir_all(&home).unwrap();
        let script = format!("{command}; echo EXITED $?; sleep 600");
        let ok = Command::new("tmux")
            .arg("-S")
            .arg(&socket)
            .args([
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                "e2e",
                "-x",
                "110",
                "-y",
                "30",
            ])
            .arg("-e")
            .arg(format!("HOME={}", home.display()))
            .args(["-e", "NO_COLOR=", "sh", "-c", &script])
            .status()
            .unwrap();
        assert!(ok.success(), "tmux starts");
        Tmux { socket }
    }

    pub fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "e2e"])
    }

    /// Sends keys one by one, each a separate write (so Escape is never read as Alt).
    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", "-t", "e2e", k]);
            std::thread::sleep(Duration::from_millis(60));
        }
    }

    /// Waits (a bounded number of looks) until the screen shows `text`.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?}"), |screen| screen.contains(text))
    }

    /// Waits (a bounded number of looks) until `ready` holds for the screen; `what` says in the
    /// failure what was awaited.
    pub fn wait_until(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let mut screen = String::new();
        for _ in 0..300 {
            screen = self.screen();
            if ready(&screen) {
                return screen;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the screen never showed {what}; last screen:\n{screen}");
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .arg("kill-server")
            .status();
    }
}

/// True (after saying so) when tmux is missing; under CI a missing tmux is a failure.
pub fn skip_without_tmux() -> bool {
    if Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        return false;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI must run the tmux end-to-end test: install tmux"
    );
    eprintln!("skipped: tmux is not installed");
    true
}
