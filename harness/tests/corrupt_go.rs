//! Corrupted traces against the cached Go toolchains: each release that reads a corrupted
//! trace rejects it with a message that the corruption's regular expression for that
//! release finds, or accepts it where the catalogue says that release accepts it; and the
//! events it printed before its error are exactly what `dump --as` prints.

mod common;

use trace_harness::bench;
use trace_harness::corrupt::Corruption;
use trace_harness::Toolchain;

/// Seeds per corruption (each seed may draw another trace version).
const SEEDS: u64 = 8;

struct Job {
    name: String,
    profile: Toolchain,
    /// The release's `trace` tool binary.
    go: std::path::PathBuf,
    bytes: Vec<u8>,
    pattern: Option<String>,
}

fn run(job: &Job, dir: &std::path::Path) -> Option<String> {
    let path = dir.join(format!("{}.trace", job.name));
    std::fs::write(&path, &job.bytes).unwrap();
    let flag = if job.profile < Toolchain::Go1_25 {
        "-d=1"
    } else {
        "-d=parsed"
    };
    let out = std::process::Command::new(&job.go)
        .env("TZ", "UTC")
        .arg(flag)
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let first_line = stderr.lines().next().unwrap_or_default().to_string();
    // What Go printed before its error is what `dump --as` prints, byte for byte.
    let ours = std::process::Command::new(env!("CARGO_BIN_EXE_trace-harness"))
        .args(["dump", "--as", job.profile.name()])
        .arg(&path)
        .output()
        .unwrap();
    if ours.stdout != out.stdout {
        let lines = |b: &[u8]| b.split(|&c| c == b'\n').count();
        return Some(format!(
            "{}: dump printed {} lines, Go {} (exits {:?} and {:?})",
            job.name,
            lines(&ours.stdout),
            lines(&out.stdout),
            ours.status.code(),
            out.status.code()
        ));
    }
    match &job.pattern {
        None if out.status.success() => None,
        None => Some(format!("{}: Go rejected it: {first_line}", job.name)),
        Some(_) if out.status.success() => Some(format!("{}: Go accepted it", job.name)),
        Some(pattern) => {
            let re = regex::Regex::new(pattern).unwrap();
            (!re.is_match(&stderr)).then(|| {
                format!(
                    "{}: Go said {:?}, which /{pattern}/ does not find",
                    job.name,
                    stderr.trim().chars().take(300).collect::<String>()
                )
            })
        }
    }
}

/// The `trace` tool binary of a `go` command, run directly so that each of the hundreds
/// of runs skips the `go` command's own start-up.
fn trace_tool(go: &std::path::Path) -> std::path::PathBuf {
    bench::go_trace_tool(go).unwrap_or_else(|e| panic!("go tool -n trace: {e}"))
}

#[test]
fn go_rejects_each_corruption_as_the_catalogue_says() {
    let gos: Vec<(Toolchain, std::path::PathBuf)> = Toolchain::ALL
        .into_iter()
        .filter_map(|t| common::go_or_skip(t).map(|go| (t, trace_tool(&go))))
        .collect();
    if gos.is_empty() {
        return;
    }
    let mut jobs = Vec::new();
    for &corruption in Corruption::ALL {
        for seed in 0..SEEDS {
            let case = corruption.apply(seed, None).unwrap();
            for (profile, expect) in &case.expect {
                let Some((_, go)) = gos.iter().find(|(t, _)| t == profile) else {
                    continue;
                };
                jobs.push(Job {
                    name: format!("{}-seed{seed}-{profile}", corruption.name()),
                    profile: *profile,
                    go: go.clone(),
                    bytes: case.bytes.clone(),
                    pattern: expect.as_ref().map(|e| e.go_pattern(*profile)),
                });
            }
        }
    }
    assert!(jobs.len() >= Corruption::ALL.len() * SEEDS as usize);
    let dir = tempfile::tempdir().unwrap();
    let threads = std::thread::available_parallelism().map_or(4, |n| n.get());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(job) = jobs.get(i) else { break };
                if let Some(f) = run(job, dir.path()) {
                    failures.lock().unwrap().push(f);
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap();
    failures.sort();
    assert!(
        failures.is_empty(),
        "{} of {} runs disagree:\n{}",
        failures.len(),
        jobs.len(),
        failures.join("\n")
    );
}

#[test]
fn go_prints_the_same_for_benign_mutations() {
    use trace_harness::corrupt::benign::Mutation;
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let mut runs = 0;
    for profile in Toolchain::ALL {
        let Some(go) = common::go_or_skip(profile) else {
            continue;
        };
        let tool = trace_tool(&go);
        let flag = if profile < Toolchain::Go1_25 {
            "-d=1"
        } else {
            "-d=parsed"
        };
        let print = |bytes: &[u8], name: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            let out = std::process::Command::new(&tool)
                .env("TZ", "UTC")
                .arg(flag)
                .arg(&path)
                .output()
                .unwrap();
            (out.status.success(), out.stdout)
        };
        for &mutation in Mutation::ALL {
            for seed in 0..SEEDS {
                let case = mutation.apply(seed, None).unwrap();
                if !profile.accepts(case.config.version) {
                    continue;
                }
                runs += 1;
                let before = print(&case.original, "original.trace");
                let after = print(&case.bytes, "mutated.trace");
                if mutation.rejected_by(profile) {
                    if after.0 {
                        failures.push(format!(
                            "{} seed {seed} {profile}: Go accepted it",
                            mutation.name()
                        ));
                    }
                    continue;
                }
                if !before.0 || before != after {
                    failures.push(format!(
                        "{} seed {seed} {profile}: accepted {} then {}, output {}",
                        mutation.name(),
                        before.0,
                        after.0,
                        if before.1 == after.1 {
                            "equal"
                        } else {
                            "differs"
                        }
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {runs}:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
