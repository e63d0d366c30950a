//! Every corruption of the catalogue, on many seeds: the reference rejects each corrupted
//! trace with exactly the error the corruption names, as every Go release that reads it.

use trace_harness::corrupt::{reference_error, Corruption};

/// Seeds per corruption.
const SEEDS: u64 = 100;

#[test]
fn every_corruption_is_rejected_with_its_own_error() {
    let mut failures = Vec::new();
    for &corruption in Corruption::ALL {
        for seed in 0..SEEDS {
            let case = match corruption.apply(seed, None) {
                Ok(case) => case,
                Err(e) => {
                    failures.push(e);
                    continue;
                }
            };
            assert!(!case.expect.is_empty(), "{}: no profile", corruption.name());
            for (profile, expect) in &case.expect {
                let got = reference_error(&case.bytes, *profile);
                let ok = match (expect, &got) {
                    (Some(expect), Some(e)) => expect.matches(&e.kind),
                    (None, None) => true,
                    _ => false,
                };
                if !ok {
                    let expected = expect
                        .as_ref()
                        .map_or("acceptance".to_string(), |e| e.to_string());
                    failures.push(format!(
                        "{} seed {seed} (trace seed {}, {}) {profile}: expected {expected}, got {:?}",
                        corruption.name(),
                        case.seed,
                        case.config.version,
                        got.map(|e| e.to_string().chars().take(120).collect::<String>())
                    ));
                }
            }
        }
    }
    // Two examples per corruption keep the report readable.
    let mut shown: Vec<&str> = Vec::new();
    let mut per_name = std::collections::BTreeMap::<&str, usize>::new();
    for f in &failures {
        let name = f.split(' ').next().unwrap_or_default();
        let n = per_name.entry(name).or_default();
        *n += 1;
        if *n <= 2 {
            shown.push(f);
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures ({per_name:?}):\n{}",
        failures.len(),
        shown.join("\n")
    );
}

#[test]
fn corruptions_are_deterministic_in_their_seed() {
    for &corruption in Corruption::ALL {
        let a = corruption.apply(7, None).unwrap();
        let b = corruption.apply(7, None).unwrap();
        assert_eq!(a.bytes, b.bytes, "{}", corruption.name());
    }
}

#[test]
fn the_catalogue_has_at_least_thirty_corruptions() {
    assert!(Corruption::ALL.len() >= 30, "{}", Corruption::ALL.len());
}

#[test]
fn go_1_22_words_a_bad_header_as_its_old_parser_does() {
    // `go tool trace` of Go 1.22.10 prints "failed to parse trace: not a trace file" for a
    // misspelt header (corrupt_go.rs checks it live); later releases say "bad file format".
    use trace_harness::{ErrorKind, Toolchain};
    assert_eq!(
        ErrorKind::BadHeader.go_message(Toolchain::Go1_22),
        "not a trace file"
    );
    assert!(ErrorKind::BadHeader
        .go_message(Toolchain::Go1_23)
        .starts_with("bad file format"));
}

#[test]
fn the_readme_lists_the_catalogue() {
    // The README's table is this function's output; regenerate it with
    // `cargo test --test corrupt print_the_catalogue_table -- --ignored --nocapture`.
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let table = trace_harness::corrupt::markdown_table();
    assert!(
        readme.contains(&table),
        "README.md lacks the current catalogue table:\n{table}"
    );
}

#[test]
#[ignore = "prints the README table"]
fn print_the_catalogue_table() {
    print!("{}", trace_harness::corrupt::markdown_table());
}

#[test]
fn benign_mutations_leave_every_listing_as_it_was() {
    use trace_harness::corrupt::benign::Mutation;
    use trace_harness::jsonl::listing;
    use trace_harness::Toolchain;
    let mut failures = Vec::new();
    for &mutation in Mutation::ALL {
        for seed in 0..SEEDS {
            let case = mutation.apply(seed, None).unwrap();
            assert_ne!(case.bytes, case.original, "{}", mutation.name());
            for profile in Toolchain::ALL {
                if !profile.accepts(case.config.version) {
                    continue;
                }
                let before = listing(&case.original, profile).map_err(|e| e.to_string());
                let after = listing(&case.bytes, profile);
                if mutation.rejected_by(profile) {
                    if !matches!(&after, Err(e) if e.kind == trace_harness::ErrorKind::BadHeader) {
                        failures.push(format!(
                            "{} seed {seed} {profile}: expected BadHeader",
                            mutation.name()
                        ));
                    }
                    continue;
                }
                let after = after.map_err(|e| e.to_string());
                if before.is_err() || before != after {
                    failures.push(format!(
                        "{} seed {seed} (trace seed {}, {}) {profile}: {:?}",
                        mutation.name(),
                        case.seed,
                        case.config.version,
                        after.err()
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures[..failures.len().min(20)].join("\n")
    );
}

#[test]
fn go_1_22_wants_the_exact_16_byte_header() {
    // Go 1.22.10's `go tool trace` says "not a trace file" for `go 1.022 trace` and
    // `go  1.22 trace` (corrupt_go.rs checks it live); Go 1.23 reads both.
    use trace_harness::order::EventReader;
    use trace_harness::{gen, ErrorKind, Toolchain, Version};
    let config = gen::Config::from_seed(Version::Go122, 3);
    let bytes = gen::generate(&config, 3);
    for header in [&b"go 1.022 trace\0\0\0"[..], b"go  1.22 trace\0\0\0"] {
        let lenient = [header, &bytes[16..]].concat();
        let err = EventReader::new(&lenient[..], Toolchain::Go1_22)
            .err()
            .unwrap();
        assert_eq!(err.kind, ErrorKind::BadHeader);
        let events = EventReader::new(&lenient[..], Toolchain::Go1_23).unwrap();
        assert!(events.into_iter().all(|e| e.is_ok()));
    }
    assert!(EventReader::new(&bytes[..], Toolchain::Go1_22).is_ok());
}

#[test]
fn truncations_say_so_where_the_catalogue_says_they_do() {
    // The reference says "truncated" (incomplete generation, short batch, EOF) exactly where
    // the catalogue's expected kind does, which is where Go's message does. Corruptions that
    // do not cut the file never read as a cut, but for a batch that declares more than the
    // file holds, which no reader can tell from one.
    use trace_harness::corrupt::Expect;
    let mut failures = Vec::new();
    for &corruption in Corruption::ALL {
        for seed in 0..20 {
            let case = corruption.apply(seed, None).unwrap();
            for (profile, expect) in &case.expect {
                let Some(expect) = expect else { continue };
                let said = reference_error(&case.bytes, *profile).map(|e| e.kind.is_truncation());
                let catalogued = matches!(expect, Expect::Kind(k) if k.is_truncation());
                let possible =
                    corruption.truncates() || corruption == Corruption::BatchSizePastContent;
                if said != Some(catalogued) || (catalogued && !possible) {
                    failures.push(format!(
                        "{} seed {seed} {profile}: the reference says truncation={said:?}, the catalogue {catalogued}",
                        corruption.name()
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_readme_lists_what_each_release_makes_of_truncations() {
    // Regenerate with `cargo test --test corrupt print_the_truncation_table -- --ignored
    // --nocapture`.
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let table = trace_harness::corrupt::truncation::markdown_table(TRUNCATION_SEEDS);
    assert!(
        readme.contains(&table),
        "README.md lacks the current truncation table:\n{table}"
    );
}

/// Seeds per truncation and release in the README's truncation table.
const TRUNCATION_SEEDS: u64 = 8;

#[test]
#[ignore = "prints the README's truncation table"]
fn print_the_truncation_table() {
    print!(
        "{}",
        trace_harness::corrupt::truncation::markdown_table(TRUNCATION_SEEDS)
    );
}

#[test]
fn the_readme_explains_every_version_mix_against_strict_mode() {
    use trace_harness::corrupt::Level;
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let section = readme
        .split("#### Version mixes and strict mode")
        .nth(1)
        .and_then(|rest| rest.split("\n#### ").next())
        .expect("README.md has a \"Version mixes and strict mode\" section");
    for &c in Corruption::ALL {
        if c.level() == Level::VersionMix {
            assert!(
                section.contains(&format!("| `{}` |", c.name())),
                "the strict-mode table lacks {}",
                c.name()
            );
        }
    }
}
