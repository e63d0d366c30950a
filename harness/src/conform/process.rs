//! Running one testee process safely: its own process group (killed whole on timeout and
//! after it exits, so stray children never outlive a case), output capped but drained,
//! and a hard time limit.

use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Bounds on one run.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Wall time before the process group is killed.
    pub timeout: Duration,
    /// Standard output kept, in bytes; the rest is read and dropped.
    pub stdout_cap: usize,
    /// Standard error kept, in bytes.
    pub stderr_cap: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(5),
            stdout_cap: 64 << 20,
            stderr_cap: 64 << 10,
        }
    }
}

/// A process that ran to its end.
#[derive(Debug)]
pub struct Finished {
    /// How it ended.
    pub status: ExitStatus,
    /// Its standard output, up to the cap.
    pub stdout: Vec<u8>,
    /// Its standard error, up to the cap.
    pub stderr: Vec<u8>,
    /// True when either stream went past its cap.
    pub truncated: bool,
}

impl Finished {
    /// The signal that killed it, if one did.
    pub fn signal(&self) -> Option<i32> {
        self.status.signal()
    }
}

/// Why a run produced no [`Finished`].
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The time limit passed; the whole process group was killed.
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    /// It could not be started.
    #[error("cannot start: {0}")]
    Spawn(std::io::Error),
}

/// Reads `stream` to its end, keeping at most `cap` bytes; returns them and whether any
/// were dropped.
fn drain(mut stream: impl Read, cap: usize) -> (Vec<u8>, bool) {
    let mut kept = Vec::new();
    let mut truncated = false;
    let mut buf = vec![0u8; 64 << 10];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                let room = cap.saturating_sub(kept.len());
                kept.extend_from_slice(&buf[..n.min(room)]);
                truncated |= n > room;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        }
    }
    (kept, truncated)
}

/// Kills every process of group `pgid` (ignoring a group that is already gone).
fn kill_group(pgid: u32) {
    // SAFETY: killpg only sends a signal; the group id is the one our child leads.
    unsafe {
        libc::killpg(pgid as libc::pid_t, libc::SIGKILL);
    }
}

/// Runs `cmd` with stdin closed, in a new process group, within `limits`.
pub fn run(mut cmd: Command, limits: &Limits) -> Result<Finished, RunError> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    // SAFETY: the closure runs in the forked child before exec and only makes one
    // async-signal-safe system call. It makes the kernel kill the testee if the runner dies
    // (an interrupted run), since its own process group no longer gets the terminal's ^C.
    unsafe {
        cmd.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0);
            Ok(())
        });
    }
    let start = Instant::now();
    let mut child = cmd.spawn().map_err(RunError::Spawn)?;
    let pgid = child.id();
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().expect("stdout is piped");
    let stderr = child.stderr.take().expect("stderr is piped");
    let (out_cap, err_cap) = (limits.stdout_cap, limits.stderr_cap);
    let tx_out = tx.clone();
    std::thread::spawn(move || {
        let _ = tx_out.send((true, drain(stdout, out_cap)));
    });
    std::thread::spawn(move || {
        let _ = tx.send((false, drain(stderr, err_cap)));
    });
    let deadline = start + limits.timeout;
    let mut pause = Duration::from_micros(200);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) => {}
            Err(_) => break None,
        }
        let now = Instant::now();
        if now >= deadline {
            break None;
        }
        std::thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_millis(10));
    };
    // Whether it ended or not, nothing of its group may outlive the case: background
    // children would keep the pipes open and the readers waiting.
    kill_group(pgid);
    let Some(status) = status else {
        let _ = child.wait();
        return Err(RunError::Timeout(limits.timeout));
    };
    let (mut stdout, mut stderr, mut truncated) = (Vec::new(), Vec::new(), false);
    // A grandchild that left the group could still hold a pipe: wait a bounded time.
    let grace = Instant::now() + Duration::from_secs(2);
    for _ in 0..2 {
        let left = grace.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok((is_stdout, (bytes, cut))) => {
                truncated |= cut;
                if is_stdout {
                    stdout = bytes;
                } else {
                    stderr = bytes;
                }
            }
            Err(_) => return Err(RunError::Timeout(limits.timeout)),
        }
    }
    Ok(Finished {
        status,
        stdout,
        stderr,
        truncated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(script);
        cmd
    }

    fn limits(ms: u64) -> Limits {
        Limits {
            timeout: Duration::from_millis(ms),
            stdout_cap: 1000,
            stderr_cap: 100,
        }
    }

    #[test]
    fn output_is_capped_but_drained() {
        let out = run(sh("head -c 5000000 /dev/zero; echo err >&2"), &limits(5000)).unwrap();
        assert!(out.status.success());
        assert_eq!(out.stdout.len(), 1000);
        assert!(out.truncated);
        assert_eq!(out.stderr, b"err\n");
    }

    #[test]
    fn a_hang_is_killed_with_its_children() {
        let start = Instant::now();
        let err = run(sh("sleep 1000 & sleep 1000"), &limits(300)).unwrap_err();
        assert!(matches!(err, RunError::Timeout(_)));
        assert!(start.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn background_children_do_not_hold_the_run() {
        let start = Instant::now();
        let out = run(sh("sleep 1000 & echo done"), &limits(5000)).unwrap();
        assert_eq!(out.stdout, b"done\n");
        assert!(start.elapsed() < Duration::from_secs(4));
    }

    #[test]
    fn signals_are_reported() {
        let out = run(sh("kill -SEGV $$"), &limits(5000)).unwrap();
        assert_eq!(out.signal(), Some(libc::SIGSEGV));
    }
}
