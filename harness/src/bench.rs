//! Throughput and peak memory beside Go, measured in the same run on the same file.
//!
//! Both sides run as whole processes writing their listing to /dev/null: our
//! `trace-harness dump` and Go's `trace` tool (`-d=parsed`, or `-d=1` before Go 1.25),
//! the tool binary itself rather than `go tool`, so the `go` command's own start-up is not
//! counted. Peak memory is the child's maximum resident set size. In-process parse+order
//! throughput is reported too.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::order::EventReader;
use crate::toolchains;
use crate::version::Toolchain;

/// What running one command repeatedly measured.
#[derive(Clone, Debug)]
pub struct Measurement {
    /// What was run.
    pub label: String,
    /// Fastest wall time over the runs.
    pub best: Duration,
    /// Median wall time.
    pub median: Duration,
    /// Largest maximum resident set size seen, in bytes (0 where unknown).
    pub peak_rss: u64,
    /// How many runs.
    pub runs: usize,
}

impl Measurement {
    /// Megabytes of trace per second at the median time.
    pub fn mb_per_s(&self, bytes: u64) -> f64 {
        bytes as f64 / 1e6 / self.median.as_secs_f64().max(1e-9)
    }
}

/// Runs `cmd` `runs` times with output to /dev/null; returns times and peak RSS.
pub fn measure_command(
    label: &str,
    mut make: impl FnMut() -> Command,
    runs: usize,
) -> std::io::Result<Measurement> {
    let mut times = Vec::with_capacity(runs);
    let mut peak_rss = 0;
    for _ in 0..runs.max(1) {
        let mut cmd = make();
        cmd.stdout(Stdio::null())
            .stderr(Stdio::null())
            .stdin(Stdio::null());
        let start = Instant::now();
        let child = cmd.spawn()?;
        let (status, rss) = wait_with_rss(child)?;
        times.push(start.elapsed());
        peak_rss = peak_rss.max(rss);
        if !status {
            return Err(std::io::Error::other(format!("{label} failed")));
        }
    }
    Ok(summarize(label, times, peak_rss))
}

fn summarize(label: &str, mut times: Vec<Duration>, peak_rss: u64) -> Measurement {
    times.sort();
    Measurement {
        label: label.to_string(),
        best: times[0],
        median: times[times.len() / 2],
        peak_rss,
        runs: times.len(),
    }
}

/// Waits for `child`; returns whether it succeeded and its maximum RSS in bytes.
fn wait_with_rss(child: std::process::Child) -> std::io::Result<(bool, u64)> {
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: `rusage` is plain data that wait4 fills in; `pid` is our own child, which is
    // reaped here exactly once (the Child handle is dropped without waiting).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if rc < 0 {
        return Err(std::io::Error::last_os_error());
    }
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    // Linux reports ru_maxrss in kilobytes.
    Ok((ok, usage.ru_maxrss.max(0) as u64 * 1024))
}

/// In-process parse+order of `bytes`, repeated: events per run and the measurement.
pub fn measure_ordering(
    bytes: &[u8],
    profile: Toolchain,
    runs: usize,
) -> crate::Result<(u64, Measurement)> {
    let mut times = Vec::with_capacity(runs);
    let mut events = 0;
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        events = 0;
        for e in EventReader::new(bytes, profile)? {
            e?;
            events += 1;
        }
        times.push(start.elapsed());
    }
    Ok((
        events,
        summarize("trace-harness parse+order (in process)", times, 0),
    ))
}

/// The path of Go's `trace` tool binary for `go`, building it into Go's cache if needed.
pub fn go_trace_tool(go: &Path) -> std::io::Result<PathBuf> {
    let out = toolchains::go_command(go)
        .args(["tool", "-n", "trace"])
        .output()?;
    if !out.status.success() {
        return Err(std::io::Error::other(
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ));
    }
    Ok(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

/// Go's flag for the parsed-event listing.
pub fn parsed_flag(toolchain: Toolchain) -> &'static str {
    if toolchain < Toolchain::Go1_25 {
        "-d=1"
    } else {
        "-d=parsed"
    }
}
