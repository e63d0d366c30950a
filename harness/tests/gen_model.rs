//! The generator's traces are valid: our orderer and validator accept every one, the same
//! seed gives the same bytes, and (where the Go toolchains are cached) Go's own
//! `go tool trace` accepts them and prints exactly what our `dump` prints.

mod common;

use std::path::{Path, PathBuf};

use trace_harness::gen::{generate, generate_with_oracle, Config};
use trace_harness::order::EventReader;
use trace_harness::validate::check_trace;
use trace_harness::{bench, dump, jsonl, toolchains, Toolchain, Version};

/// Seeds per version checked against our reader and validator.
const SEEDS: u64 = 200;
/// Seeds per version checked against Go.
const GO_SEEDS: u64 = 20;

/// Config and trace for `seed`: the config is chosen by the seed too.
fn trace(version: Version, seed: u64) -> (Config, Vec<u8>) {
    let config = Config::from_seed(version, seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let bytes = generate(&config, seed);
    (config, bytes)
}

/// Our `dump` output for `bytes` under `profile`; panics on any ordering error.
fn our_dump(bytes: &[u8], profile: Toolchain, what: &str) -> (String, usize) {
    let mut out = String::new();
    let mut n = 0;
    for event in EventReader::new(bytes, profile).unwrap_or_else(|e| panic!("{what}: {e}")) {
        let event = event.unwrap_or_else(|e| panic!("{what} ({profile:?}): {e}\n{out}"));
        dump::write_event(&mut out, &event, profile);
        n += 1;
    }
    (out, n)
}

#[test]
fn generated_traces_are_accepted_and_validate() {
    let mut events = 0;
    for version in Version::V2 {
        let own = Toolchain::writer_of(version);
        for seed in 0..SEEDS {
            let (config, bytes) = trace(version, seed);
            let what = format!("seed {seed} {config:?}");
            for profile in [Toolchain::Go1_27, own] {
                events += our_dump(&bytes, profile, &what).1;
                let report = check_trace(&bytes[..], profile).unwrap();
                assert!(
                    report.is_clean(),
                    "{what} ({profile:?}): {:?} {:?}",
                    report.error,
                    report.violations
                );
            }
        }
    }
    // The model must actually schedule things, not just write statuses.
    assert!(events > 20_000, "only {events} events");
}

/// Our `dump --format jsonl` listing for profile go1.27, with the header line.
fn our_listing(bytes: &[u8], version: Version, what: &str) -> String {
    let mut out = jsonl::header(version, Toolchain::Go1_27);
    out.push('\n');
    for event in
        EventReader::new(bytes, Toolchain::Go1_27).unwrap_or_else(|e| panic!("{what}: {e}"))
    {
        let event = event.unwrap_or_else(|e| panic!("{what}: {e}\n{out}"));
        jsonl::write_event(&mut out, &event, Toolchain::Go1_27).unwrap();
    }
    out
}

/// The first line where two listings differ, for a readable failure.
fn first_difference(ours: &str, expected: &str) -> Option<String> {
    let (a, b): (Vec<&str>, Vec<&str>) = (ours.lines().collect(), expected.lines().collect());
    (0..a.len().max(b.len()))
        .find(|&i| a.get(i) != b.get(i))
        .map(|i| {
            let from = i.saturating_sub(3);
            format!(
                "line {i}\ncontext: {:#?}\nparser: {:?}\noracle: {:?}",
                &a[from..i.min(a.len())],
                a.get(i),
                b.get(i)
            )
        })
}

#[test]
fn listing_equals_the_oracle() {
    let mut longest_chain = 0;
    for version in Version::V2 {
        for seed in 0..SEEDS {
            let config = Config::from_seed(version, seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let generated = generate_with_oracle(&config, seed);
            let what = format!("seed {seed} {config:?}");
            let ours = our_listing(&generated.bytes, version, &what);
            if let Some(diff) = first_difference(&ours, &generated.listing) {
                panic!("{what}: the parser's listing differs from the oracle's at {diff}");
            }
            longest_chain = longest_chain.max(generated.longest_chain);
        }
    }
    assert!(
        longest_chain >= 1_000,
        "longest switch chain: {longest_chain}"
    );
}

#[test]
fn same_seed_same_bytes() {
    for version in Version::V2 {
        for seed in 0..50 {
            assert_eq!(trace(version, seed).1, trace(version, seed).1);
        }
        assert_ne!(trace(version, 1).1, trace(version, 2).1);
    }
    let config = Config::default();
    assert_eq!(generate(&config, 7), generate(&config, 7));
    assert_eq!(Config::from_bytes(&[]), Config::from_bytes(&[0]));
}

#[test]
fn coroutine_events_appear_only_when_enabled() {
    // GoSwitch shows as a synthetic GoBlock with an empty reason (real GoBlocks always
    // have one) and GoCreateBlocked as NotExist->Waiting.
    let switches = |config: &Config, profile: Toolchain| {
        (0..30)
            .map(|seed| {
                let what = format!("seed {seed} {config:?}");
                let (out, _) = our_dump(&generate(config, seed), profile, &what);
                out.matches("Running->Waiting Reason=\"\"").count()
                    + out.matches("NotExist->Waiting").count()
            })
            .sum::<usize>()
    };
    let with = |version, coroutines| Config {
        version,
        features: trace_harness::gen::Features {
            coroutines,
            ..trace_harness::gen::Features::NONE
        },
        ..Config::default()
    };
    assert!(switches(&with(Version::Go123, true), Toolchain::Go1_23) > 0);
    assert!(switches(&with(Version::Go126, true), Toolchain::Go1_27) > 0);
    assert_eq!(switches(&with(Version::Go126, false), Toolchain::Go1_27), 0);
    // go1.22 has no coroutine events, so the switch is ignored there.
    assert_eq!(switches(&with(Version::Go122, true), Toolchain::Go1_22), 0);
}

#[test]
fn go_accepts_generated_traces_and_prints_what_we_print() {
    let Some(go27) = common::go_or_skip(Toolchain::Go1_27) else {
        return;
    };
    let go22 = common::go_or_skip(Toolchain::Go1_22).map(|go| trace_tool(&go));
    let go27 = trace_tool(&go27);
    let scratch = tempfile::tempdir().unwrap();
    let mut jobs = Vec::new();
    for version in Version::V2 {
        for seed in 0..GO_SEEDS {
            let (config, bytes) = trace(version, seed);
            let path = scratch
                .path()
                .join(format!("{}-{seed}.trace", version.number()));
            std::fs::write(&path, &bytes).unwrap();
            let mut runs = vec![(Toolchain::Go1_27, go27.clone())];
            if version == Version::Go122 {
                if let Some(go22) = &go22 {
                    runs.push((Toolchain::Go1_22, go22.clone()));
                }
            }
            for (profile, go) in runs {
                let what = format!("{} seed {seed} {config:?} ({profile:?})", path.display());
                let child = std::process::Command::new(&go)
                    .env("TZ", "UTC")
                    .arg(bench::parsed_flag(profile))
                    .arg(&path)
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap();
                jobs.push((what, profile, bytes.clone(), child));
            }
            // Bound the number of Go processes in flight.
            if jobs.len() >= 16 {
                finish(std::mem::take(&mut jobs));
            }
        }
    }
    finish(jobs);
}

/// The `trace` tool binary behind `go tool trace` (`go tool -n trace`): running it directly
/// saves the `go` command's start-up on each of the hundred runs.
fn trace_tool(go: &Path) -> PathBuf {
    let out = toolchains::go_command(go)
        .args(["tool", "-n", "trace"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

fn finish(jobs: Vec<(String, Toolchain, Vec<u8>, std::process::Child)>) {
    for (what, profile, bytes, child) in jobs {
        let theirs = child.wait_with_output().unwrap();
        assert!(
            theirs.status.success(),
            "{what}: Go failed: {}",
            String::from_utf8_lossy(&theirs.stderr)
        );
        let (ours, _) = our_dump(&bytes, profile, &what);
        let theirs = String::from_utf8(theirs.stdout).unwrap();
        if ours != theirs {
            let line = ours
                .lines()
                .zip(theirs.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            panic!(
                "{what}: dump differs at line {line}\nours:   {:?}\ntheirs: {:?}",
                ours.lines().nth(line),
                theirs.lines().nth(line)
            );
        }
    }
}
