//! Corrupted traces against the cached Go toolchains, as a differential with an
//! expected-divergences list. For each corruption, each seed and each Go release that reads
//! the corrupted trace's version, the case `corrupt/<kind>/<release>/seed-<n>` diverges when
//! (a) `dump --as <release>` accepts where Go rejects or the other way round, (b) the
//! events printed before the error differ by a byte, or (c) Go's message is not the one the
//! catalogue expects of that release (or Go accepts a trace the catalogue says it rejects,
//! or the other way round). Every case is tallied against
//! `corpus/expected/corruptions-vs-go.txt`: an unlisted divergence fails, and so does a
//! listed case that now agrees.

mod common;

use trace_harness::bench;
use trace_harness::corrupt::Corruption;
use trace_harness::expected::ExpectedDivergences;
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

/// What one run of Go's `trace` tool or of `dump --as` gave.
struct Run {
    accepted: bool,
    stdout: Vec<u8>,
    stderr: String,
}

fn run_command(command: &mut std::process::Command) -> Run {
    let out = command.output().unwrap();
    Run {
        accepted: out.status.success(),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs Go's `trace` tool and our `dump --as` on `bytes`.
fn run_both(go: &std::path::Path, profile: Toolchain, path: &std::path::Path) -> (Run, Run) {
    let theirs = run_command(
        std::process::Command::new(go)
            .env("TZ", "UTC")
            .arg(bench::parsed_flag(profile))
            .arg(path),
    );
    let ours = run_command(
        std::process::Command::new(env!("CARGO_BIN_EXE_trace-harness"))
            .args(["dump", "--as", profile.name()])
            .arg(path),
    );
    (theirs, ours)
}

/// How Go and `dump --as` disagree on a case, or with the catalogue; `None` when they agree.
fn divergence(job: &Job, dir: &std::path::Path) -> Option<String> {
    let path = dir.join(job.name.replace('/', "_"));
    std::fs::write(&path, &job.bytes).unwrap();
    let (go, ours) = run_both(&job.go, job.profile, &path);
    let verdict = |accepted: bool| if accepted { "accepts" } else { "rejects" };
    let mut found = Vec::new();
    if go.accepted != ours.accepted {
        found.push(format!(
            "Go {} but dump --as {} it",
            verdict(go.accepted),
            verdict(ours.accepted)
        ));
    }
    if go.stdout != ours.stdout {
        let lines = |b: &[u8]| b.split(|&c| c == b'\n').count();
        found.push(format!(
            "dump printed {} lines, Go {}",
            lines(&ours.stdout),
            lines(&go.stdout)
        ));
    }
    let first_line = go.stderr.lines().next().unwrap_or_default();
    match &job.pattern {
        None if go.accepted => {}
        None => found.push(format!(
            "the catalogue says Go accepts; Go said {first_line:?}"
        )),
        Some(_) if go.accepted => found.push("the catalogue says Go rejects; Go accepted".into()),
        Some(pattern) => {
            if !regex::Regex::new(pattern).unwrap().is_match(&go.stderr) {
                found.push(format!(
                    "Go said {:?}, which /{pattern}/ does not find",
                    go.stderr.trim().chars().take(300).collect::<String>()
                ));
            }
        }
    }
    (!found.is_empty()).then(|| found.join("; "))
}

/// The `trace` tool binary of a `go` command, run directly so that each of the hundreds
/// of runs skips the `go` command's own start-up.
fn trace_tool(go: &std::path::Path) -> std::path::PathBuf {
    bench::go_trace_tool(go).unwrap_or_else(|e| panic!("go tool -n trace: {e}"))
}

/// The cached releases with their `trace` tool binaries.
fn cached_trace_tools() -> Vec<(Toolchain, std::path::PathBuf)> {
    Toolchain::ALL
        .into_iter()
        .filter_map(|t| common::go_or_skip(t).map(|go| (t, trace_tool(&go))))
        .collect()
}

/// Runs `check` on every job on all cores; returns each job's name and outcome, sorted.
fn run_parallel<J: Sync>(
    jobs: &[J],
    name: impl Fn(&J) -> String + Sync,
    check: impl Fn(&J, &std::path::Path) -> Option<String> + Sync,
) -> Vec<(String, Option<String>)> {
    let dir = tempfile::tempdir().unwrap();
    let threads = std::thread::available_parallelism().map_or(4, |n| n.get());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let outcomes = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(job) = jobs.get(i) else { break };
                let outcome = check(job, dir.path());
                outcomes.lock().unwrap().push((name(job), outcome));
            });
        }
    });
    let mut outcomes = outcomes.into_inner().unwrap();
    outcomes.sort();
    outcomes
}

/// Tallies `outcomes` against the list at `corpus/expected/<list>` and fails on anything
/// the list does not account for.
fn tally_against(list: &str, outcomes: &[(String, Option<String>)], every_release: bool) {
    let path = common::repo_root().join("corpus/expected").join(list);
    let expected = ExpectedDivergences::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut tally = expected.tally();
    for (case, outcome) in outcomes {
        tally.record(case, outcome.clone());
    }
    eprintln!(
        "{list}: {} cases, {} expected divergences, {} unlisted, {} unexpected successes",
        outcomes.len(),
        tally.expected.len(),
        tally.unlisted.len(),
        tally.unexpected_successes.len()
    );
    let mut failures = tally.failures();
    // With every release cached, every case ran: an entry that matched none is stale.
    if every_release {
        for entry in tally.unused_entries() {
            failures.push_str(&format!(
                "stale entry: {}:{}: {} matches no case\n",
                expected.source, entry.line, entry.pattern
            ));
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

#[test]
fn go_and_dump_as_agree_on_each_corruption_but_the_listed_divergences() {
    let gos = cached_trace_tools();
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
                    name: format!("corrupt/{}/{profile}/seed-{seed}", corruption.name()),
                    profile: *profile,
                    go: go.clone(),
                    bytes: case.bytes.clone(),
                    pattern: expect.as_ref().map(|e| e.go_pattern(*profile)),
                });
            }
        }
    }
    assert!(jobs.len() >= Corruption::ALL.len() * SEEDS as usize);
    let outcomes = run_parallel(&jobs, |j| j.name.clone(), divergence);
    tally_against(
        "corruptions-vs-go.txt",
        &outcomes,
        gos.len() == Toolchain::ALL.len(),
    );
}

/// One version mix as strict mode reads it and as one Go release reads it.
struct StrictJob {
    name: String,
    profile: Toolchain,
    go: std::path::PathBuf,
    bytes: Vec<u8>,
    /// What strict mode's message must match: the mix's own strict error, or the error
    /// the catalogue expects of the release.
    strict_pattern: String,
}

/// Strict mode must reject the mix with its error; a Go release that accepts it diverges.
fn strict_divergence(job: &StrictJob, dir: &std::path::Path) -> Option<String> {
    let path = dir.join(job.name.replace('/', "_"));
    std::fs::write(&path, &job.bytes).unwrap();
    let strict = run_command(
        std::process::Command::new(env!("CARGO_BIN_EXE_trace-harness"))
            .args(["dump", "--strict", "--as", job.profile.name()])
            .arg(&path),
    );
    // Not a divergence from Go but a broken strict mode: no list may excuse it.
    assert!(
        !strict.accepted
            && regex::Regex::new(&job.strict_pattern)
                .unwrap()
                .is_match(&strict.stderr),
        "{}: strict mode must reject with /{}/, it {} ({:?})",
        job.name,
        job.strict_pattern,
        if strict.accepted {
            "accepted"
        } else {
            "rejected"
        },
        strict.stderr.trim()
    );
    let go = run_command(
        std::process::Command::new(&job.go)
            .env("TZ", "UTC")
            .arg(bench::parsed_flag(job.profile))
            .arg(&path),
    );
    go.accepted
        .then(|| format!("strict mode rejects, {} accepts", job.profile))
}

#[test]
fn strict_mode_rejects_every_version_mix_and_go_accepts_only_the_listed_ones() {
    use trace_harness::corrupt::Level;
    let gos = cached_trace_tools();
    if gos.is_empty() {
        return;
    }
    let mut jobs = Vec::new();
    for &corruption in Corruption::ALL {
        if corruption.level() != Level::VersionMix {
            continue;
        }
        for seed in 0..SEEDS {
            let case = corruption.apply(seed, None).unwrap();
            for (profile, expect) in &case.expect {
                let Some((_, go)) = gos.iter().find(|(t, _)| t == profile) else {
                    continue;
                };
                let strict_pattern = match (corruption.strict_error(), expect) {
                    (Some(pattern), _) => pattern.to_string(),
                    (None, Some(expect)) => expect.go_pattern(*profile),
                    (None, None) => panic!(
                        "{}: {profile} accepts it and strict mode names no error",
                        corruption.name()
                    ),
                };
                jobs.push(StrictJob {
                    name: format!("strict/{}/{profile}/seed-{seed}", corruption.name()),
                    profile: *profile,
                    go: go.clone(),
                    bytes: case.bytes.clone(),
                    strict_pattern,
                });
            }
        }
    }
    assert!(!jobs.is_empty());
    let outcomes = run_parallel(&jobs, |j| j.name.clone(), strict_divergence);
    tally_against(
        "strict-vs-go.txt",
        &outcomes,
        gos.len() == Toolchain::ALL.len(),
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
        let flag = bench::parsed_flag(profile);
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
