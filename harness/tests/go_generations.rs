//! Generations of every committed trace, read as each Go 1.25+ release reads them, against
//! the Sync events that release prints with `go tool trace -d=parsed`: one per generation,
//! with the generation's first time, and its clock snapshot for go 1.25+ traces. (Go
//! also lifts each Sync above the previous event's time; until the orderer exists, only
//! the first generation's time is compared exactly.)

mod common;

use std::fs::File;

use trace_harness::generation::GenerationReader;
use trace_harness::{toolchains, Toolchain};

/// The `key=value` fields of one Sync line of Go's output.
fn field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    line.split_whitespace()
        .find_map(|t| t.strip_prefix(key)?.strip_prefix('='))
}

#[test]
fn generations_match_go_sync_events() {
    let corpus = common::corpus();
    let mut compared = 0;
    for profile in [Toolchain::Go1_25, Toolchain::Go1_26, Toolchain::Go1_27] {
        let Some(go) = common::go_or_skip(profile) else {
            continue;
        };
        for trace in corpus
            .iter()
            .filter(|t| profile.accepts(t.toolchain.writes()))
        {
            let out = toolchains::go_command(&go)
                .args(["tool", "trace", "-d=parsed"])
                .arg(&trace.path)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{profile} {}: {}",
                trace.name(),
                String::from_utf8_lossy(&out.stderr)
            );
            let stdout = String::from_utf8(out.stdout).unwrap();
            let syncs: Vec<&str> = stdout
                .lines()
                .filter(|l| l.starts_with("M=-1 P=-1 G=-1 Sync "))
                .collect();
            let generations: Vec<_> =
                GenerationReader::new(File::open(&trace.path).unwrap(), profile)
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap_or_else(|e| panic!("{profile} {}: {e}", trace.name()));
            // Go ends with one more Sync after the last generation.
            assert_eq!(
                syncs.len(),
                generations.len() + 1,
                "{profile} {}",
                trace.name()
            );
            for (i, (g, sync)) in generations.iter().zip(&syncs).enumerate() {
                let context = format!("{profile} {} generation {i}", trace.name());
                assert_eq!(
                    field(sync, "N"),
                    Some((i + 1).to_string().as_str()),
                    "{context}"
                );
                // Go lifts every event, this Sync too, above the last event's time; that
                // lift needs the orderer, so past the first generation only the bound holds.
                let go_time: i64 = field(sync, "Time").unwrap().parse().unwrap();
                if i == 0 {
                    assert_eq!(go_time, g.sync_time().max(1), "{context}");
                } else {
                    let ours = g.sync_time();
                    assert!(go_time >= ours, "{context}: Go {go_time} < ours {ours}");
                }
                match &g.clock {
                    Some(clock) => {
                        let ticks = g.ticks_to_ns(clock.ticks).to_string();
                        assert_eq!(field(sync, "Trace"), Some(ticks.as_str()), "{context}");
                        assert_eq!(
                            field(sync, "Mono"),
                            Some(clock.mono.to_string().as_str()),
                            "{context}"
                        );
                        if profile >= Toolchain::Go1_26 {
                            let wall = clock.wall_rfc3339_nano();
                            assert_eq!(field(sync, "Wall"), Some(wall.as_str()), "{context}");
                        }
                    }
                    None => assert_eq!(field(sync, "Trace"), None, "{context}"),
                }
                compared += 1;
            }
        }
    }
    if toolchains::required() {
        assert!(compared > 100, "only {compared} generations compared");
    }
}
