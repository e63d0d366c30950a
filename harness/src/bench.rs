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
    /// Median CPU time (user + system) per run; zero where unknown.
    pub cpu: Duration,
    /// CPU time of the run that used least: the steadier figure on a shared machine,
    /// where other work only ever adds time; zero where unknown.
    pub fastest_cpu: Duration,
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

    /// Megabytes of trace per CPU second (0 where the CPU time is unknown).
    pub fn mb_per_cpu_s(&self, bytes: u64) -> f64 {
        if self.cpu.is_zero() {
            return 0.0;
        }
        bytes as f64 / 1e6 / self.cpu.as_secs_f64()
    }
}

/// Runs `cmd` `runs` times with output to /dev/null; returns times and peak RSS.
pub fn measure_command(
    label: &str,
    mut make: impl FnMut() -> Command,
    runs: usize,
) -> std::io::Result<Measurement> {
    let mut times = Vec::with_capacity(runs);
    let mut cpus = Vec::with_capacity(runs);
    let mut peak_rss = 0;
    for _ in 0..runs.max(1) {
        let mut cmd = make();
        cmd.stdout(Stdio::null())
            .stderr(Stdio::null())
            .stdin(Stdio::null());
        let start = Instant::now();
        let child = cmd.spawn()?;
        let usage = wait_with_rss(child)?;
        times.push(start.elapsed());
        cpus.push(usage.cpu);
        peak_rss = peak_rss.max(usage.peak_rss);
        if !usage.ok {
            return Err(std::io::Error::other(format!("{label} failed")));
        }
    }
    Ok(summarize(label, times, cpus, peak_rss))
}

/// The middle value; for an even count the mean of the two middle ones (with two runs,
/// the upper one alone made one slow run the whole figure).
fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    let n = v.len();
    match n {
        0 => Duration::ZERO,
        _ if n % 2 == 1 => v[n / 2],
        _ => (v[n / 2 - 1] + v[n / 2]) / 2,
    }
}

fn summarize(
    label: &str,
    mut times: Vec<Duration>,
    mut cpus: Vec<Duration>,
    peak_rss: u64,
) -> Measurement {
    Measurement {
        label: label.to_string(),
        median: median(&mut times),
        best: times[0],
        fastest_cpu: cpus.iter().copied().min().unwrap_or_default(),
        cpu: median(&mut cpus),
        peak_rss,
        runs: times.len(),
    }
}

/// How a child process ended and what it used.
struct ChildUsage {
    ok: bool,
    peak_rss: u64,
    cpu: Duration,
}

fn timeval(tv: libc::timeval) -> Duration {
    Duration::from_secs(tv.tv_sec.max(0) as u64) + Duration::from_micros(tv.tv_usec.max(0) as u64)
}

/// CPU time (user + system) this process has used so far.
fn own_cpu_time() -> Duration {
    // SAFETY: `rusage` is plain data that getrusage fills in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return Duration::ZERO;
    }
    timeval(usage.ru_utime) + timeval(usage.ru_stime)
}

/// Waits for `child`; returns whether it succeeded, its maximum RSS in bytes and its CPU
/// time.
fn wait_with_rss(child: std::process::Child) -> std::io::Result<ChildUsage> {
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
    Ok(ChildUsage {
        ok,
        // Linux reports ru_maxrss in kilobytes.
        peak_rss: usage.ru_maxrss.max(0) as u64 * 1024,
        cpu: timeval(usage.ru_utime) + timeval(usage.ru_stime),
    })
}

/// In-process parse+order of `bytes`, repeated: events per run and the measurement.
pub fn measure_ordering(
    bytes: &[u8],
    profile: Toolchain,
    runs: usize,
) -> crate::Result<(u64, Measurement)> {
    let mut times = Vec::with_capacity(runs);
    let mut cpus = Vec::with_capacity(runs);
    let mut events = 0;
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let cpu_start = own_cpu_time();
        events = count_events(EventReader::new(bytes, profile)?)?;
        cpus.push(own_cpu_time().saturating_sub(cpu_start));
        times.push(start.elapsed());
    }
    Ok((
        events,
        summarize("trace-harness parse+order (in process)", times, cpus, 0),
    ))
}

/// Orders every event of `reader` (through the chunked interface whole-trace tools use);
/// how many there were.
pub fn count_events<R: std::io::Read>(mut reader: EventReader<R>) -> crate::Result<u64> {
    let mut chunk = Vec::new();
    let mut events = 0;
    while reader.next_events(&mut chunk)? {
        events += chunk.len() as u64;
    }
    Ok(events)
}

/// Go's parser alone on `file`, `runs` times in one process of the Go testee (no
/// formatting): events per run and the measurement (times as the testee measured them
/// around each parse; CPU time is the whole process's during each parse, the collector's
/// threads included; peak RSS the process's).
pub fn measure_go_parse(
    go: &Path,
    file: &Path,
    runs: usize,
) -> std::io::Result<(u64, Measurement)> {
    let runs = runs.max(1);
    let mut cmd = crate::conform::gotestee::parse_only_command(go, file, runs)
        .map_err(std::io::Error::other)?;
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::null())
        .stdin(Stdio::null());
    let mut child = cmd.spawn()?;
    let mut text = String::new();
    if let Some(mut out) = child.stdout.take() {
        std::io::Read::read_to_string(&mut out, &mut text)?;
    }
    let usage = wait_with_rss(child)?;
    let label = "go parse only (Go testee)";
    if !usage.ok {
        return Err(std::io::Error::other(format!("{label} failed")));
    }
    let mut events = 0;
    let mut times = Vec::new();
    let mut cpus = Vec::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let nanos = |s: &str| Duration::from_nanos(s.parse().unwrap_or(0));
        if let ["events", n, "elapsed_ns", t, ref rest @ ..] = fields[..] {
            events = n.parse().unwrap_or(0);
            times.push(nanos(t));
            if let ["cpu_ns", c] = rest[..] {
                cpus.push(nanos(c));
            }
        }
    }
    if times.is_empty() {
        return Err(std::io::Error::other(format!(
            "{label}: no timings printed"
        )));
    }
    // A testee that does not time its runs' CPU: the process's, shared out evenly.
    if cpus.len() != times.len() {
        cpus = vec![usage.cpu / times.len() as u32];
    }
    Ok((events, summarize(label, times, cpus, usage.peak_rss)))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_even_and_no_runs() {
        let ms = |v: &[u64]| {
            v.iter()
                .map(|&m| Duration::from_millis(m))
                .collect::<Vec<_>>()
        };
        assert_eq!(median(&mut ms(&[30, 10, 20])), Duration::from_millis(20));
        assert_eq!(median(&mut ms(&[510, 320])), Duration::from_millis(415));
        assert_eq!(median(&mut ms(&[4, 1, 3, 2])), Duration::from_micros(2500));
        assert_eq!(median(&mut []), Duration::ZERO);
    }
}
