//! The generator's traces are valid: our orderer and validator accept every one, the same
//! seed gives the same bytes, and (where the Go toolchains are cached) Go's own
//! `go tool trace` accepts them and prints exactly what our `dump` prints.

mod common;

use trace_harness::gen::{generate, generate_with_oracle, Config};
use trace_harness::order::EventReader;
use trace_harness::validate::check_trace;
use trace_harness::{bench, dump, jsonl, Toolchain, Version};

/// Seeds per version checked against our reader and validator.
const SEEDS: u64 = 200;
/// Traces per version checked against Go (each against two releases).
const GO_SEEDS: usize = 300;

/// Config and trace for `seed`: the config is chosen by the seed too.
fn trace(version: Version, seed: u64) -> (Config, Vec<u8>) {
    let config = Config::from_seed(version, seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let bytes = generate(&config, seed);
    (config, bytes)
}

/// Our `dump` output for `bytes` under `profile`; panics on any ordering error.
fn our_dump(bytes: &[u8], profile: Toolchain, what: &str) -> (String, usize) {
    let mut out = Vec::new();
    let mut n = 0;
    for event in EventReader::new(bytes, profile).unwrap_or_else(|e| panic!("{what}: {e}")) {
        let event = event.unwrap_or_else(|e| {
            panic!(
                "{what} ({profile:?}): {e}\n{}",
                String::from_utf8_lossy(&out)
            )
        });
        dump::write_event(&mut out, &event, profile);
        n += 1;
    }
    let out = String::from_utf8(out).expect("generated names are UTF-8");
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

/// Fuzz targets' configs keep pull loops short: over long generations where the
/// full-size config makes chains of hundreds of switches, the fuzzing-size one stays
/// under 70 (24 to 33 rounds of two switches, plus an early stop), and still validates.
#[test]
fn fuzzing_size_keeps_switch_chains_short() {
    let (mut longest_full, mut longest_scaled) = (0, 0);
    for seed in 0..50u64 {
        let config = Config {
            features: trace_harness::gen::Features::ALL,
            steps_per_generation: 1_000 + 37 * seed as usize,
            ..Config::from_seed(Version::Go126, seed.wrapping_mul(0x9E37_79B9_7F4A_7C15))
        };
        longest_full = longest_full.max(generate_with_oracle(&config, seed).longest_chain);
        let scaled = config.scaled_for_fuzzing();
        longest_scaled = longest_scaled.max(generate_with_oracle(&scaled, seed).longest_chain);
        assert_eq!(
            trace_harness::properties::generated_trace_is_valid_for(&scaled, seed),
            Ok(())
        );
    }
    assert!(longest_full >= 500, "full size: {longest_full}");
    assert!(
        (2..70).contains(&longest_scaled),
        "fuzzing size: {longest_scaled}"
    );
}

/// A listing without what legitimately differs between versions.
fn version_neutral(listing: &str) -> Vec<serde_json::Value> {
    jsonl::version_neutral(listing).unwrap()
}

#[test]
fn go122_scenarios_render_alike_in_every_version() {
    for seed in 0..60u64 {
        let mut config =
            Config::from_seed(Version::Go122, seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        config.features.coroutines = false;
        config.features.alloc_free = false;
        let mut first: Option<Vec<serde_json::Value>> = None;
        for version in Version::V2 {
            config.version = version;
            let generated = generate_with_oracle(&config, seed);
            let what = format!("seed {seed} {config:?}");
            let ours = our_listing(&generated.bytes, version, &what);
            assert_eq!(ours, generated.listing, "{what}");
            let neutral = version_neutral(&ours);
            match &first {
                None => first = Some(neutral),
                Some(first) => {
                    let i = first.iter().zip(&neutral).position(|(a, b)| a != b);
                    assert!(
                        i.is_none() && first.len() == neutral.len(),
                        "{what}: go 1.22 and {version} listings differ at {i:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn same_seed_same_bytes() {
    for version in Version::V2 {
        for seed in 0..50u64 {
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

/// Traces per version checked against Go; `TRACE_HARNESS_GEN_GO_SEEDS` overrides it.
fn go_seeds() -> usize {
    std::env::var("TRACE_HARNESS_GEN_GO_SEEDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(GO_SEEDS)
}

/// The traces of the differential check for `version`: configs drawn from successive
/// seeds, coroutines forced on; on go 1.23+ only traces that contain a switch chain count.
fn differential_traces(
    version: Version,
    count: usize,
) -> impl Iterator<Item = (u64, Config, Vec<u8>)> {
    (0u64..)
        .map(move |seed| {
            let mut config = Config::from_seed(version, seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            config.features.coroutines = true;
            let generated = generate_with_oracle(&config, seed);
            (seed, config, generated)
        })
        .filter(move |(_, _, g)| version < Version::Go123 || g.longest_chain >= 2)
        .map(|(seed, config, g)| (seed, config, g.bytes))
        .take(count)
}

/// The Go releases that must accept a trace of `version`: its writer's and 1.27.
fn differential_profiles(version: Version) -> Vec<Toolchain> {
    let own = match version {
        Version::Go122 => Toolchain::Go1_22,
        Version::Go123 => Toolchain::Go1_23,
        Version::Go125 => Toolchain::Go1_25,
        _ => Toolchain::Go1_26,
    };
    vec![own, Toolchain::Go1_27]
}

#[test]
fn go_accepts_generated_traces_and_prints_what_we_print() {
    let mut tools = Vec::new();
    for profile in Toolchain::ALL {
        match common::go_or_skip(profile) {
            Some(go) => tools.push((profile, trace_tool(&go))),
            None => return,
        }
    }
    let tool = |profile: Toolchain| {
        tools
            .iter()
            .find(|(p, _)| *p == profile)
            .map(|(_, t)| t.clone())
            .expect("every toolchain is cached")
    };
    let count = go_seeds();
    let scratch = tempfile::tempdir().unwrap();
    let mut jobs = Vec::new();
    let mut compared = 0;
    for version in Version::V2 {
        for (seed, config, bytes) in differential_traces(version, count) {
            let path = scratch
                .path()
                .join(format!("{}-{seed}.trace", version.number()));
            std::fs::write(&path, &bytes).unwrap();
            for profile in differential_profiles(version) {
                let what = format!("{} seed {seed} {config:?} ({profile:?})", path.display());
                let child = std::process::Command::new(tool(profile))
                    .env("TZ", "UTC")
                    .arg(bench::parsed_flag(profile))
                    .arg(&path)
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap();
                jobs.push((what, profile, bytes.clone(), child));
                compared += 1;
            }
            // Bound the number of Go processes (and traces in memory) in flight.
            if jobs.len() >= 8 {
                finish(std::mem::take(&mut jobs));
            }
        }
    }
    finish(jobs);
    eprintln!("{compared} generated trace/toolchain pairs: Go's listing equals ours");
    assert_eq!(compared, count * 2 * Version::V2.len());
}

/// The `trace` tool binary of a `go` command, run directly so that each of the hundreds
/// of runs skips the `go` command's own start-up.
fn trace_tool(go: &std::path::Path) -> std::path::PathBuf {
    bench::go_trace_tool(go).unwrap_or_else(|e| panic!("go tool -n trace: {e}"))
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
