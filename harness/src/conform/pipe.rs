//! Testees that stay running and answer case after case over a framed stdin/stdout
//! protocol, so that thousands of cases do not each pay a process start-up.
//!
//! # The protocol
//!
//! All lengths are unsigned 32-bit little-endian integers. The harness writes one request
//! and waits for its response before writing the next.
//!
//! - **Request** (harness to testee, on the testee's stdin):
//!   `len: u32` then `len` bytes, the trace file's bytes.
//! - **Response** (testee to harness, on its stdout), in this order:
//!   - `status: u8`: `0` the trace was accepted, `1` it was rejected, `2` the parser
//!     panicked or crashed on this case (the testee itself caught it and lives on);
//!   - `events_len: u32` then `events_len` bytes: the events the parser produced, in the
//!     testee's dialect (Go's `Event.String()` lines, or trace-harness/events JSON lines),
//!     including those before an error;
//!   - `error_len: u32` then `error_len` bytes: the error text (UTF-8; empty when accepted;
//!     for status 2, the panic message).
//!
//! The testee reads requests until its stdin closes, then exits. It must write nothing else
//! on stdout; stderr is free (its tail is reported when the testee crashes).
//!
//! A minimal testee, in Python, for a parser `parse(bytes) -> (events_text, error_or_None)`:
//!
//! ```text
//! import struct, sys
//! inp, out = sys.stdin.buffer, sys.stdout.buffer
//! while (head := inp.read(4)):
//!     data = inp.read(struct.unpack("<I", head)[0])
//!     try:
//!         events, err = parse(data); status = 0 if err is None else 1
//!     except Exception as e:
//!         events, err, status = "", f"panic: {e}", 2
//!     ev, er = events.encode(), (err or "").encode()
//!     out.write(bytes([status]) + struct.pack("<I", len(ev)) + ev + struct.pack("<I", len(er)) + er)
//!     out.flush()
//! ```
//!
//! # What the harness does when a testee misbehaves
//!
//! [`PipeTestee`] runs the testee in its own process group. A response that does not come
//! within the per-case timeout gets the whole group killed and
//! [`TesteeFailure::Timeout`]; a testee that exits, or writes a malformed frame (unknown
//! status, a section longer than the frame cap, a frame cut short), gets killed and
//! [`TesteeFailure::Crash`] with the tail of its stderr. Either way the next case starts a
//! fresh process. Status 2 is the parser's answer for that case, a rejection whose error
//! text is the panic message (prefixed `panic: ` if it is not already), so the runner
//! judges it as it judges Go's own `go tool trace` panicking (a crash, unless the case is
//! one where Go is known to panic); the process is kept.
//! Lengths never drive an allocation: sections are read as their bytes arrive, output past
//! the output cap is read and dropped (and the answer marked truncated), and a length past
//! the frame cap is malformed.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::{self, BufReader, Read, Write};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use super::{Answer, Case, Dialect, Testee, TesteeFailure};

/// Response status: the trace was accepted.
pub const STATUS_ACCEPTED: u8 = 0;
/// Response status: the trace was rejected.
pub const STATUS_REJECTED: u8 = 1;
/// Response status: the parser panicked or crashed on this case.
pub const STATUS_PANICKED: u8 = 2;

/// Default limit on a response section's length; a longer one is a malformed frame.
pub const DEFAULT_FRAME_CAP: usize = 256 << 20;
/// Default limit on the output kept from one section; the rest is read and dropped.
pub const DEFAULT_OUTPUT_CAP: usize = 64 << 20;
/// Default per-case time limit.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// How much of a crashed testee's stderr is reported.
const STDERR_TAIL: usize = 4096;
/// How long a dying testee gets to exit and flush its stderr before it is killed.
const GRACE: Duration = Duration::from_millis(500);

/// One response as read off the pipe.
#[derive(Debug)]
struct Frame {
    status: u8,
    events: Vec<u8>,
    error: Vec<u8>,
    truncated: bool,
}

/// A running testee process and the threads that feed it and read from it.
struct Process {
    child: Child,
    requests: Option<Sender<Vec<u8>>>,
    responses: Receiver<Result<Frame, String>>,
    stderr_tail: Arc<Mutex<VecDeque<u8>>>,
    stderr_done: Receiver<()>,
}

impl Process {
    /// Kills the whole process group and reaps the child; returns how it ended.
    fn kill(mut self) -> String {
        self.requests = None;
        let pid = self.child.id() as libc::pid_t;
        // SAFETY: plain syscall; the group id is our child's pid (it leads its own group).
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
        let status = self.child.wait();
        let _ = self.stderr_done.recv_timeout(GRACE);
        match status {
            Ok(s) => s.to_string(),
            Err(e) => format!("wait failed: {e}"),
        }
    }

    /// After the testee broke the protocol: lets it exit on its own for a moment (so its
    /// exit status and stderr are complete), then kills its group; returns how it ended and
    /// the tail of its stderr.
    fn reap(self) -> (String, String) {
        let pid = self.child.id() as libc::pid_t;
        let deadline = Instant::now() + GRACE;
        while Instant::now() < deadline && !has_exited(pid) {
            thread::sleep(Duration::from_millis(5));
        }
        let tail = Arc::clone(&self.stderr_tail);
        // Not yet reaped, so the group id still names our child's group.
        let how = self.kill();
        let tail = tail
            .lock()
            .map(|t| t.iter().copied().collect::<Vec<u8>>())
            .unwrap_or_default();
        (how, String::from_utf8_lossy(&tail).into_owned())
    }
}

/// Whether child `pid` has exited, without reaping it.
fn has_exited(pid: libc::pid_t) -> bool {
    // SAFETY: `siginfo_t` is plain data that waitid fills in; WNOWAIT leaves the child
    // waitable, so the `Child` handle still reaps it exactly once.
    unsafe {
        let mut info: libc::siginfo_t = std::mem::zeroed();
        let rc = libc::waitid(
            libc::P_PID,
            pid as libc::id_t,
            &mut info,
            libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
        );
        rc != 0 || info.si_pid() != 0
    }
}

/// A [`Testee`] that speaks the framed protocol of this module with a long-running process.
pub struct PipeTestee {
    name: String,
    dialect: Dialect,
    program: PathBuf,
    args: Vec<OsString>,
    envs: Vec<(OsString, OsString)>,
    timeout: Duration,
    output_cap: usize,
    frame_cap: usize,
    process: Option<Process>,
    spawns: usize,
}

impl PipeTestee {
    /// A testee named `name` that runs `program`; it is started on the first case.
    pub fn new(name: impl Into<String>, dialect: Dialect, program: impl Into<PathBuf>) -> Self {
        PipeTestee {
            name: name.into(),
            dialect,
            program: program.into(),
            args: Vec::new(),
            envs: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
            output_cap: DEFAULT_OUTPUT_CAP,
            frame_cap: DEFAULT_FRAME_CAP,
            process: None,
            spawns: 0,
        }
    }

    /// Adds command-line arguments.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Sets an environment variable for the process.
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.envs.push((key.into(), value.into()));
        self
    }

    /// Sets the per-case time limit.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets how many bytes of each section are kept (the rest is dropped, marked truncated).
    pub fn output_cap(mut self, cap: usize) -> Self {
        self.output_cap = cap;
        self
    }

    /// Sets the longest section accepted; a longer length is a malformed frame.
    pub fn frame_cap(mut self, cap: usize) -> Self {
        self.frame_cap = cap;
        self
    }

    /// Renames it (its name in reports and expected-divergence files).
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// How many processes it has started so far (respawns included).
    pub fn spawns(&self) -> usize {
        self.spawns
    }

    /// Starts the process now if it is not running, so that a testee that cannot start
    /// shows up before the first case.
    pub fn start(&mut self) -> Result<(), TesteeFailure> {
        if self.process.is_none() {
            self.process = Some(self.spawn()?);
        }
        Ok(())
    }

    fn spawn(&mut self) -> Result<Process, TesteeFailure> {
        let mut cmd = Command::new(&self.program);
        cmd.args(&self.args)
            .envs(self.envs.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Its own group, so a timeout kills whatever it started too.
            .process_group(0);
        let mut child = cmd.spawn().map_err(|e| {
            TesteeFailure::Unavailable(format!("cannot start {}: {e}", self.program.display()))
        })?;
        self.spawns += 1;
        let (Some(mut stdin), Some(stdout), Some(mut stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            return Err(TesteeFailure::Unavailable("no pipes to the testee".into()));
        };

        // A writer thread, so a testee that stops reading cannot block the harness.
        let (requests, request_rx) = mpsc::channel::<Vec<u8>>();
        thread::spawn(move || {
            for frame in request_rx {
                if stdin
                    .write_all(&frame)
                    .and_then(|()| stdin.flush())
                    .is_err()
                {
                    break;
                }
            }
        });

        let (response_tx, responses) = mpsc::channel();
        let (frame_cap, output_cap) = (self.frame_cap, self.output_cap);
        thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let frame = read_frame(&mut reader, frame_cap, output_cap);
                let stop = frame.is_err();
                if response_tx.send(frame).is_err() || stop {
                    break;
                }
            }
        });

        let stderr_tail = Arc::new(Mutex::new(VecDeque::new()));
        let (done_tx, stderr_done) = mpsc::channel();
        let tail = Arc::clone(&stderr_tail);
        thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = stderr.read(&mut buf) {
                if let Ok(mut tail) = tail.lock() {
                    tail.extend(&buf[..n]);
                    let excess = tail.len().saturating_sub(STDERR_TAIL);
                    tail.drain(..excess);
                }
            }
            let _ = done_tx.send(());
        });

        Ok(Process {
            child,
            requests: Some(requests),
            responses,
            stderr_tail,
            stderr_done,
        })
    }
}

impl Testee for PipeTestee {
    fn name(&self) -> &str {
        &self.name
    }

    fn dialect(&self) -> Dialect {
        self.dialect
    }

    fn run(&mut self, case: &Case) -> Result<Answer, TesteeFailure> {
        let len = u32::try_from(case.bytes.len()).map_err(|_| {
            TesteeFailure::Crash(format!(
                "a case of {} bytes does not fit the protocol's 32-bit length",
                case.bytes.len()
            ))
        })?;
        // Anything already waiting is out of step: an extra frame, or the news that the
        // testee died after its last answer. A fresh process takes this case instead.
        if let Some(process) = self.process.take() {
            match process.responses.try_recv() {
                Err(mpsc::TryRecvError::Empty) => self.process = Some(process),
                _ => {
                    process.kill();
                }
            }
        }
        self.start()?;
        let Some(process) = self.process.as_mut() else {
            return Err(TesteeFailure::Unavailable("testee not running".into()));
        };
        let mut request = Vec::with_capacity(4 + case.bytes.len());
        request.extend_from_slice(&len.to_le_bytes());
        request.extend_from_slice(&case.bytes);
        let sent = process
            .requests
            .as_ref()
            .is_some_and(|tx| tx.send(request).is_ok());
        let outcome = if sent {
            process.responses.recv_timeout(self.timeout)
        } else {
            Err(RecvTimeoutError::Disconnected)
        };
        match outcome {
            Ok(Ok(frame)) => {
                let error = String::from_utf8_lossy(&frame.error).into_owned();
                match frame.status {
                    STATUS_ACCEPTED | STATUS_REJECTED => Ok(Answer {
                        accepted: frame.status == STATUS_ACCEPTED,
                        events: frame.events,
                        error,
                        truncated_output: frame.truncated,
                    }),
                    _ => Ok(Answer {
                        accepted: false,
                        events: frame.events,
                        error: if error.starts_with("panic: ") {
                            error
                        } else {
                            format!("panic: {error}")
                        },
                        truncated_output: frame.truncated,
                    }),
                }
            }
            Err(RecvTimeoutError::Timeout) => {
                if let Some(process) = self.process.take() {
                    process.kill();
                }
                Err(TesteeFailure::Timeout(self.timeout))
            }
            Ok(Err(broken)) => Err(self.crashed(&broken)),
            Err(RecvTimeoutError::Disconnected) => Err(self.crashed("it stopped answering")),
        }
    }
}

impl PipeTestee {
    fn crashed(&mut self, what: &str) -> TesteeFailure {
        let Some(process) = self.process.take() else {
            return TesteeFailure::Crash(what.to_string());
        };
        let (how, stderr) = process.reap();
        let stderr = stderr.trim_end();
        if stderr.is_empty() {
            TesteeFailure::Crash(format!("{what} (exit: {how})"))
        } else {
            TesteeFailure::Crash(format!("{what} (exit: {how}); stderr: {stderr}"))
        }
    }
}

impl Drop for PipeTestee {
    fn drop(&mut self) {
        if let Some(mut process) = self.process.take() {
            // Closing stdin asks it to exit; it gets a moment, then the group is killed.
            process.requests = None;
            let deadline = Instant::now() + Duration::from_millis(200);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = process.child.try_wait() {
                    break;
                }
                thread::sleep(Duration::from_millis(2));
            }
            process.kill();
        }
    }
}

/// Reads one response frame; an error text says how the frame was malformed or cut short.
fn read_frame(r: &mut impl Read, frame_cap: usize, output_cap: usize) -> Result<Frame, String> {
    let mut status = [0u8; 1];
    match r.read(&mut status) {
        Ok(0) => return Err("it closed its output (exited?) instead of answering".into()),
        Ok(_) => {}
        Err(e) => return Err(format!("reading its output: {e}")),
    }
    if status[0] > STATUS_PANICKED {
        return Err(format!(
            "malformed frame: status byte {} (want 0, 1 or 2)",
            status[0]
        ));
    }
    let (events, events_cut) = read_section(r, "events", frame_cap, output_cap)?;
    let (error, error_cut) = read_section(r, "error", frame_cap, output_cap)?;
    Ok(Frame {
        status: status[0],
        events,
        error,
        truncated: events_cut || error_cut,
    })
}

/// Reads a `u32` length and that many bytes, keeping at most `output_cap` of them.
fn read_section(
    r: &mut impl Read,
    what: &str,
    frame_cap: usize,
    output_cap: usize,
) -> Result<(Vec<u8>, bool), String> {
    let mut len = [0u8; 4];
    r.read_exact(&mut len)
        .map_err(|e| format!("malformed frame: {what} length cut short ({e})"))?;
    let len = u32::from_le_bytes(len) as u64;
    if len > frame_cap as u64 {
        return Err(format!(
            "malformed frame: {what} section of {len} bytes exceeds the cap of {frame_cap}"
        ));
    }
    let keep = len.min(output_cap as u64);
    // read_to_end grows the buffer as bytes arrive; the length never allocates up front.
    let mut kept = Vec::new();
    let got = r
        .by_ref()
        .take(keep)
        .read_to_end(&mut kept)
        .map_err(|e| format!("reading {what}: {e}"))? as u64;
    let dropped = if got == keep {
        io::copy(&mut r.by_ref().take(len - keep), &mut io::sink())
            .map_err(|e| format!("reading {what}: {e}"))?
    } else {
        0
    };
    if got + dropped < len {
        return Err(format!(
            "malformed frame: {what} section cut short at {} of {len} bytes",
            got + dropped
        ));
    }
    Ok((kept, len > keep))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(status: u8, events: &[u8], error: &[u8]) -> Vec<u8> {
        let mut v = vec![status];
        v.extend((events.len() as u32).to_le_bytes());
        v.extend(events);
        v.extend((error.len() as u32).to_le_bytes());
        v.extend(error);
        v
    }

    #[test]
    fn reads_a_frame_and_caps_output() {
        let bytes = frame(1, b"0123456789", b"bad\n");
        let f = read_frame(&mut &bytes[..], 100, 4).unwrap();
        assert_eq!(
            (f.status, &f.events[..], &f.error[..], f.truncated),
            (1, &b"0123"[..], &b"bad\n"[..], true)
        );
        let f = read_frame(&mut &bytes[..], 100, 100).unwrap();
        assert_eq!((&f.events[..], f.truncated), (&b"0123456789"[..], false));
    }

    #[test]
    fn malformed_frames_are_errors() {
        assert!(read_frame(&mut &frame(7, b"", b"")[..], 100, 100)
            .unwrap_err()
            .contains("status byte 7"));
        assert!(read_frame(&mut &frame(0, b"0123456789", b"")[..], 5, 100)
            .unwrap_err()
            .contains("exceeds the cap"));
        let mut cut = frame(0, b"0123456789", b"");
        cut.truncate(8);
        assert!(read_frame(&mut &cut[..], 100, 100)
            .unwrap_err()
            .contains("cut short"));
        // A length of 4 GiB with nothing behind it allocates nothing and fails.
        let huge = [0u8, 0xff, 0xff, 0xff, 0xff];
        assert!(read_frame(&mut &huge[..], usize::MAX, usize::MAX)
            .unwrap_err()
            .contains("cut short"));
        assert!(read_frame(&mut &[][..], 100, 100)
            .unwrap_err()
            .contains("closed its output"));
    }
}
