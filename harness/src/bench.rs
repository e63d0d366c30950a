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

use crate::order::{floor_pass, EventReader, Floor};
use crate::toolchains;
use crate::version::Toolchain;

/// The trace the criterion benches read: `$TRACE_HARNESS_BENCH_FILE`, or else the largest
/// committed Go 1.27 trace.
pub fn criterion_trace() -> PathBuf {
    if let Some(path) = std::env::var_os("TRACE_HARNESS_BENCH_FILE") {
        return PathBuf::from(path);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/traces/go1.27");
    let mut traces: Vec<PathBuf> = std::fs::read_dir(&root)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "trace"))
        .collect();
    traces.sort_by_key(|p| std::fs::metadata(p).map_or(0, |m| m.len()));
    traces.pop().unwrap_or(root)
}

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
    /// This process's own peak RSS once the children were done, in bytes: no less than it
    /// was when they were spawned, which Linux counts in a spawned child's peak (the child
    /// starts out sharing this process's memory), so a `peak_rss` at or below it may not
    /// be the child's own.
    pub rss_floor: u64,
}

impl Measurement {
    /// Megabytes of trace per second at the median time.
    pub fn mb_per_s(&self, bytes: u64) -> f64 {
        bytes as f64 / 1e6 / self.median.as_secs_f64().max(1e-9)
    }

    /// Whether `peak_rss` is the child's own, not this process's peak showing through.
    pub fn peak_rss_is_own(&self) -> bool {
        self.peak_rss > self.rss_floor
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
    let mut rss_floor = 0;
    for _ in 0..runs.max(1) {
        let mut cmd = make();
        cmd.stdout(Stdio::null())
            .stderr(Stdio::null())
            .stdin(Stdio::null());
        let start = Instant::now();
        let child = cmd.spawn()?;
        let usage = wait_with_rss(child)?;
        // Read after the run: the peak only grows, and other threads may have raised it
        // between a reading before the spawn and the spawn itself.
        rss_floor = rss_floor.max(own_peak_rss());
        times.push(start.elapsed());
        cpus.push(usage.cpu);
        peak_rss = peak_rss.max(usage.peak_rss);
        if !usage.ok {
            return Err(std::io::Error::other(format!("{label} failed")));
        }
    }
    Ok(summarize(label, times, cpus, peak_rss, rss_floor))
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
    rss_floor: u64,
) -> Measurement {
    Measurement {
        label: label.to_string(),
        median: median(&mut times),
        best: times[0],
        fastest_cpu: cpus.iter().copied().min().unwrap_or_default(),
        cpu: median(&mut cpus),
        peak_rss,
        runs: times.len(),
        rss_floor,
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

/// This process's resource usage so far (`None` where getrusage fails).
fn own_usage() -> Option<libc::rusage> {
    // SAFETY: `rusage` is plain data that getrusage fills in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    (unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } == 0).then_some(usage)
}

/// CPU time (user + system) this process has used so far.
fn own_cpu_time() -> Duration {
    own_usage().map_or(Duration::ZERO, |u| {
        timeval(u.ru_utime) + timeval(u.ru_stime)
    })
}

/// This process's peak resident set size so far, in bytes (0 where unknown).
pub fn own_peak_rss() -> u64 {
    // Linux reports ru_maxrss in kilobytes.
    own_usage().map_or(0, |u| u.ru_maxrss.max(0) as u64 * 1024)
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
    measure_in_process("trace-harness parse+order (in process)", runs, || {
        count_events(EventReader::new(bytes, profile)?)
    })
}

/// In-process [`floor_pass`] of `bytes`, repeated: the measurement. Its wire events are
/// not the ordered events the other rows count, so only its time compares.
pub fn measure_floor(
    bytes: &[u8],
    profile: Toolchain,
    floor: Floor,
    runs: usize,
) -> crate::Result<Measurement> {
    let label = match floor {
        Floor::Read => "floor: read every event, no ordering",
        Floor::ReadAndMerge => "floor: read + merge by time, no checks",
        Floor::ReadMergeAndMake => "floor: read + merge + make events, no checks",
    };
    let (_, m) = measure_in_process(
        label,
        runs,
        || Ok(floor_pass(bytes, profile, floor)?.events),
    )?;
    Ok(m)
}

/// Runs `pass` `runs` times in this process, timing each: what its last run counted and
/// the measurement.
fn measure_in_process(
    label: &str,
    runs: usize,
    mut pass: impl FnMut() -> crate::Result<u64>,
) -> crate::Result<(u64, Measurement)> {
    let mut times = Vec::with_capacity(runs);
    let mut cpus = Vec::with_capacity(runs);
    let mut counted = 0;
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let cpu_start = own_cpu_time();
        counted = pass()?;
        cpus.push(own_cpu_time().saturating_sub(cpu_start));
        times.push(start.elapsed());
    }
    Ok((counted, summarize(label, times, cpus, 0, 0)))
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

/// One generation's share of a parse+order run (see [`per_generation`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GenerationCost {
    /// Events ordered in the generation, its Sync not counted.
    pub events: u64,
    /// Thread turns: runs of consecutive events on one thread. The orderer's cost per
    /// event depends on how often it changes threads, which depends on how the traced
    /// program's threads interleaved, not on the trace's size.
    pub turns: u64,
    /// Time spent ordering the generation's events: the fastest run's.
    pub time: Duration,
}

impl GenerationCost {
    /// The generations taken together: their events, turns and times summed.
    pub fn total(costs: &[GenerationCost]) -> GenerationCost {
        GenerationCost {
            events: costs.iter().map(|c| c.events).sum(),
            turns: costs.iter().map(|c| c.turns).sum(),
            time: costs.iter().map(|c| c.time).sum(),
        }
    }

    /// Events per thread turn (0 for a generation without events).
    pub fn events_per_turn(&self) -> f64 {
        self.events as f64 / self.turns.max(1) as f64
    }

    /// Nanoseconds per event (0 for a generation without events).
    pub fn ns_per_event(&self) -> f64 {
        self.time.as_nanos() as f64 / self.events.max(1) as f64
    }
}

/// Parse+order of `file`, `runs` times, timed per generation: each generation's events,
/// thread turns and the fastest run's time. A generation is the events between two
/// Syncs (generations without events are left out). Only the reader's calls are timed;
/// each chunk's time is shared out over its events, so the few chunks that straddle a
/// boundary split their time by event count.
pub fn per_generation(
    file: &Path,
    profile: Toolchain,
    runs: usize,
) -> crate::Result<Vec<GenerationCost>> {
    let mut best: Vec<GenerationCost> = Vec::new();
    for run in 0..runs.max(1) {
        let f = std::fs::File::open(file).map_err(|e| {
            crate::Error::at(crate::ErrorKind::Io(format!("{}: {e}", file.display())), 0)
        })?;
        let costs = generation_costs(EventReader::new(std::io::BufReader::new(f), profile)?)?;
        if run == 0 {
            best = costs;
            continue;
        }
        for (b, c) in best.iter_mut().zip(costs) {
            b.time = b.time.min(c.time);
        }
    }
    Ok(best)
}

/// One timed pass of [`per_generation`] over `reader`.
pub fn generation_costs<R: std::io::Read>(
    mut reader: EventReader<R>,
) -> crate::Result<Vec<GenerationCost>> {
    let mut costs = Vec::new();
    let mut current = GenerationCost::default();
    let mut nanos = 0.0f64;
    let mut last_m = None;
    let mut chunk = Vec::new();
    loop {
        let start = Instant::now();
        let more = reader.next_events(&mut chunk)?;
        let per_event = start.elapsed().as_nanos() as f64 / chunk.len().max(1) as f64;
        if !more {
            break;
        }
        for e in &chunk {
            nanos += per_event;
            if e.ty == crate::event::EV_SYNC {
                if current.events > 0 {
                    current.time = Duration::from_nanos(nanos as u64);
                    costs.push(std::mem::take(&mut current));
                }
                nanos = 0.0;
                last_m = None;
                continue;
            }
            current.events += 1;
            if last_m != Some(e.ctx.m) {
                current.turns += 1;
                last_m = Some(e.ctx.m);
            }
        }
    }
    if current.events > 0 {
        current.time = Duration::from_nanos(nanos as u64);
        costs.push(current);
    }
    Ok(costs)
}

/// What [`fit_generation_costs`] and [`fit_size_growth`] find: a generation's time per
/// event as a fixed cost per event, a cost per thread turn and a third term, zero when
/// time grows linearly with the trace.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CostFit {
    /// Nanoseconds per event with no change of thread.
    pub per_event_ns: f64,
    /// Nanoseconds per change of thread.
    pub per_turn_ns: f64,
    /// Nanoseconds per event added along the trace, the other two terms held equal:
    /// from its first generation to its last ([`fit_generation_costs`]) or per doubling
    /// of the file's size ([`fit_size_growth`]).
    pub drift_ns: f64,
    /// Mean nanoseconds per event over the generations.
    pub mean_ns: f64,
}

/// Least-squares fit of each generation's nanoseconds per event against its turns per
/// event and its place in the trace (0 for the first generation, 1 for the last), every
/// generation weighed by its events. `None` for fewer than four generations or a fit the
/// data do not determine (every generation interleaved alike, say, or nearly so: a
/// negative cost per event or per change of thread).
pub fn fit_generation_costs(costs: &[GenerationCost]) -> Option<CostFit> {
    let used: Vec<&GenerationCost> = costs.iter().filter(|c| c.events > 0).collect();
    if used.len() < 4 {
        return None;
    }
    let last = (used.len() - 1) as f64;
    let points = used.iter().enumerate().map(|(k, c)| (*c, k as f64 / last));
    fit_three(points)
}

/// [`fit_generation_costs`] over the generations of traces of one workload at several
/// sizes (each file's size in bytes and its generations), with the file's size in place
/// of the generation's place: the third term is what a doubling of the trace's size adds
/// to each event at equal interleaving. `None` for fewer than four generations in all,
/// or files that do not tell the terms apart (all of one size, say).
pub fn fit_size_growth(files: &[(u64, &[GenerationCost])]) -> Option<CostFit> {
    let first = files.first()?.0.max(1) as f64;
    let points = files.iter().flat_map(|&(size, costs)| {
        let doublings = (size.max(1) as f64 / first).log2();
        costs.iter().map(move |c| (c, doublings))
    });
    let points: Vec<_> = points.filter(|(c, _)| c.events > 0).collect();
    if points.len() < 4 {
        return None;
    }
    fit_three(points.into_iter())
}

/// Weighted least squares of ns per event = a + b * turns per event + c * `x`, over
/// generations and their `x`, each weighed by its events.
fn fit_three<'a>(points: impl Iterator<Item = (&'a GenerationCost, f64)>) -> Option<CostFit> {
    let mut normal = [[0.0f64; 4]; 3];
    let mut total = 0.0;
    let mut weighted_y = 0.0;
    for (c, third) in points {
        let w = c.events as f64;
        let x = [1.0, c.turns as f64 / w, third];
        let y = c.ns_per_event();
        for i in 0..3 {
            for j in 0..3 {
                normal[i][j] += w * x[i] * x[j];
            }
            normal[i][3] += w * x[i] * y;
        }
        total += w;
        weighted_y += w * y;
    }
    let [a, b, c] = solve3(normal)?;
    // A negative cost per event or per change of thread means the generations vary too
    // little in how they interleave for the fit to tell the two apart (a few alike
    // generations of a small trace): report nothing rather than a meaningless split.
    if a <= 0.0 || b < 0.0 {
        return None;
    }
    Some(CostFit {
        per_event_ns: a,
        per_turn_ns: b,
        drift_ns: c,
        mean_ns: weighted_y / total.max(1.0),
    })
}

/// Solves three linear equations (rows `[a, b, c, rhs]`) by elimination with partial
/// pivoting; `None` when they are (nearly) singular.
fn solve3(mut m: [[f64; 4]; 3]) -> Option<[f64; 3]> {
    let scale = m.iter().flatten().fold(0.0f64, |s, v| s.max(v.abs()));
    for col in 0..3 {
        let pivot = (col..3).max_by(|&i, &j| m[i][col].abs().total_cmp(&m[j][col].abs()))?;
        if m[pivot][col].abs() <= scale * 1e-12 {
            return None;
        }
        m.swap(col, pivot);
        let pivot_row = m[col];
        for row in &mut m[col + 1..] {
            let f = row[col] / pivot_row[col];
            for (v, p) in row.iter_mut().zip(pivot_row).skip(col) {
                *v -= f * p;
            }
        }
    }
    let mut x = [0.0; 3];
    for row in (0..3).rev() {
        let known: f64 = (row + 1..3).map(|k| m[row][k] * x[k]).sum();
        x[row] = (m[row][3] - known) / m[row][row];
    }
    Some(x)
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
    let rss_floor = own_peak_rss();
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
    Ok((
        events,
        summarize(label, times, cpus, usage.peak_rss, rss_floor),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every committed trace splits into generations whose events add up to the whole
    /// stream less its Syncs, each with at least one turn and no more turns than events.
    #[test]
    fn generation_costs_add_up_to_the_stream() {
        let mut checked = 0;
        for (path, bytes) in crate::test_corpus::traces() {
            for profile in [Toolchain::Go1_23, Toolchain::Go1_26] {
                let Ok(reader) = EventReader::new(&bytes[..], profile) else {
                    continue;
                };
                let Ok(costs) = generation_costs(reader) else {
                    continue;
                };
                let events: Vec<_> = EventReader::new(&bytes[..], profile)
                    .unwrap()
                    .collect::<crate::Result<Vec<_>>>()
                    .unwrap();
                let syncs = events
                    .iter()
                    .filter(|e| e.ty == crate::event::EV_SYNC)
                    .count();
                let counted: u64 = costs.iter().map(|c| c.events).sum();
                assert_eq!(counted as usize, events.len() - syncs, "{}", path.display());
                // A turn starts at every event whose predecessor was a Sync or on
                // another thread.
                let is_sync = |e: &crate::event::Event| e.ty == crate::event::EV_SYNC;
                let starts = events.iter().enumerate().filter(|&(i, e)| {
                    !is_sync(e)
                        && (i == 0 || is_sync(&events[i - 1]) || events[i - 1].ctx.m != e.ctx.m)
                });
                let turns: u64 = costs.iter().map(|c| c.turns).sum();
                assert_eq!(turns as usize, starts.count(), "{}", path.display());
                assert!(!costs.is_empty(), "{}", path.display());
                assert!(costs.len() <= syncs, "{}", path.display());
                for c in &costs {
                    assert!(c.turns >= 1 && c.turns <= c.events, "{}", path.display());
                }
                checked += 1;
            }
        }
        // Every release's traces read as go1.26, and the ones before 1.25 as go1.23 too.
        assert!(checked >= 65, "only {checked} traces split");
    }

    /// The fit recovers the three terms that made the data, and declines data that cannot
    /// tell them apart.
    #[test]
    fn fit_recovers_costs_per_event_turn_and_drift() {
        let make = |k: usize, turn_len: f64, ns: fn(f64, f64) -> f64| {
            let events = 1_000_000 + 1000 * k as u64;
            let turns = (events as f64 / turn_len) as u64;
            let position = k as f64 / 9.0;
            let per_event = ns(turns as f64 / events as f64, position);
            GenerationCost {
                events,
                turns,
                time: Duration::from_nanos((per_event * events as f64) as u64),
            }
        };
        let lens = [2.0, 7.0, 3.0, 12.0, 5.0, 2.5, 9.0, 4.0, 15.0, 6.0];
        let costs: Vec<_> = (0..10)
            .map(|k| {
                make(k, lens[k], |per_turn, pos| {
                    11.0 + 26.0 * per_turn + 1.5 * pos
                })
            })
            .collect();
        let fit = fit_generation_costs(&costs).unwrap();
        assert!((fit.per_event_ns - 11.0).abs() < 0.01, "{fit:?}");
        assert!((fit.per_turn_ns - 26.0).abs() < 0.1, "{fit:?}");
        assert!((fit.drift_ns - 1.5).abs() < 0.01, "{fit:?}");
        // Every generation interleaved alike: turns and the constant cannot be told apart.
        let alike: Vec<_> = (0..10)
            .map(|k| make(k, 4.0, |per_turn, _| 11.0 + 26.0 * per_turn))
            .collect();
        assert_eq!(fit_generation_costs(&alike), None);
        // Data whose best fit has changes of thread making events cheaper.
        let inverted: Vec<_> = (0..10)
            .map(|k| make(k, lens[k], |per_turn, _| 30.0 - 26.0 * per_turn))
            .collect();
        assert_eq!(fit_generation_costs(&inverted), None);
        assert_eq!(fit_generation_costs(&costs[..3]), None);
        // Three files of 1, 4 and 16 units, the larger ones 0.5 ns per event dearer per
        // doubling: the size term finds it; files of one size cannot show it.
        let file = |k: usize, doublings: f64| -> Vec<GenerationCost> {
            (0..4)
                .map(|g| {
                    let mut c = make(k * 4 + g, lens[(k * 4 + g) % 10], |t, _| 11.0 + 26.0 * t);
                    let extra = 0.5 * doublings * c.events as f64;
                    c.time += Duration::from_nanos(extra as u64);
                    c
                })
                .collect()
        };
        let (small, mid, large) = (file(0, 0.0), file(1, 2.0), file(2, 4.0));
        let sized = [(100, &small[..]), (400, &mid[..]), (1600, &large[..])];
        let fit = fit_size_growth(&sized).unwrap();
        assert!((fit.per_event_ns - 11.0).abs() < 0.01, "{fit:?}");
        assert!((fit.per_turn_ns - 26.0).abs() < 0.1, "{fit:?}");
        assert!((fit.drift_ns - 0.5).abs() < 0.01, "{fit:?}");
        let same = [(100, &small[..]), (100, &mid[..])];
        assert_eq!(fit_size_growth(&same), None);
    }

    #[test]
    fn a_small_child_of_a_large_process_is_not_taken_for_its_own_peak() {
        // Held, and touched, while the child is spawned.
        let held = vec![1u8; 64 << 20];
        let m = measure_command("true", || Command::new("true"), 1).expect("true runs");
        assert!(m.rss_floor >= 64 << 20, "floor {}", m.rss_floor);
        assert!(
            !m.peak_rss_is_own(),
            "peak {} floor {}",
            m.peak_rss,
            m.rss_floor
        );
        assert_eq!(held.iter().map(|&b| b as usize).sum::<usize>(), 64 << 20);
    }

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
