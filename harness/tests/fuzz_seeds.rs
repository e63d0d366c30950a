//! The committed fuzz seeds (`corpus/fuzz/<target>/seed-*`, which `fuzz/corpus/<target>`
//! links to, so `cargo fuzz run <target>` starts from them) are exactly what this file
//! generates, and each passes its target's property. Regenerate them with
//! `TRACE_HARNESS_WRITE_SEEDS=1 cargo test --test fuzz_seeds`.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use arbitrary::Unstructured;
use trace_harness::raw::RawTrace;
use trace_harness::seeded::SplitMix64;
use trace_harness::spec::WireTable;
use trace_harness::targets;
use trace_harness::text::{self, TextStyle};
use trace_harness::Toolchain;

/// Seed files per target: name -> bytes.
fn seeds() -> BTreeMap<&'static str, BTreeMap<String, Vec<u8>>> {
    let corpus = common::corpus();
    // The small real traces: a few KB each, so the seed corpus stays small.
    let small: Vec<_> = corpus.iter().filter(|t| t.bytes.len() <= 6_000).collect();
    let stem = |t: &common::CorpusTrace| {
        format!(
            "{}-{}",
            t.toolchain.name(),
            t.path.file_stem().unwrap().to_string_lossy()
        )
    };
    let mut rng = SplitMix64(0x5eed_f022);
    let mut random = |n: usize| -> Vec<u8> { (0..n).map(|_| rng.next_u64() as u8).collect() };
    let mut all = BTreeMap::new();

    // The first byte chooses the Go release (its index in Toolchain::ALL); Unstructured
    // reads a bool as the low bit of one byte: 0 selects the first mode.
    let release = |t: &common::CorpusTrace| {
        Toolchain::ALL
            .iter()
            .position(|&p| p == t.toolchain)
            .unwrap() as u8
    };
    // parse_never_panics: release, reading path (0 ordered, 1 wire), spliced or not.
    let mut parse = BTreeMap::new();
    for t in &small {
        for (path, name) in [(0, "seed"), (1, "seed-wire")] {
            let mut raw = vec![release(t), path, 0];
            raw.extend(&t.bytes);
            parse.insert(format!("{name}-{}", stem(t)), raw);
        }
    }
    for i in 0..4 {
        let mut spliced = vec![4, i % 2, 1];
        spliced.extend(random(200));
        parse.insert(format!("seed-spliced-{i}"), spliced);
    }
    all.insert("parse_never_panics", parse);

    let mut text_seeds = BTreeMap::new();
    for t in small.iter().take(6) {
        let trace = RawTrace::parse(&t.bytes, t.toolchain).unwrap();
        let mut text = String::new();
        text::write_trace(&mut text, &trace, &WireTable::full(), TextStyle::Go);
        let head: Vec<&str> = text.lines().take(80).collect();
        let mut as_text = vec![0];
        as_text.extend(head.join("\n").into_bytes());
        text_seeds.insert(format!("seed-text-{}", stem(t)), as_text);
        let mut as_binary = vec![1];
        as_binary.extend(&t.bytes);
        text_seeds.insert(format!("seed-binary-{}", stem(t)), as_binary);
    }
    all.insert("text_roundtrip", text_seeds);

    for (target, count, len) in [
        ("valid_is_accepted", 12, 72),
        ("incremental_parse", 12, 96),
        ("version_invariance", 8, 72),
        ("invalid_is_rejected", 16, 24),
    ] {
        let seeds = (0..count)
            .map(|i| (format!("seed-random-{i:02}"), random(len)))
            .collect();
        all.insert(target, seeds);
    }
    let mut incremental = all.remove("incremental_parse").unwrap();
    for t in small.iter().take(4) {
        // Profile byte, no chunk sizes (one byte at a time), raw mode, then the trace.
        let mut raw = vec![4, 0, 0];
        raw.extend(&t.bytes);
        incremental.insert(format!("seed-{}", stem(t)), raw);
    }
    all.insert("incremental_parse", incremental);

    // differential_go: the mode byte (0 generated, 1 corrupted, 2 bytes), then its input.
    let mut differential = BTreeMap::new();
    for t in small.iter().take(6) {
        let mut raw = vec![2, 0];
        raw.extend(&t.bytes);
        differential.insert(format!("seed-{}", stem(t)), raw);
    }
    for (mode, name) in [(0u8, "generated"), (1, "corrupted")] {
        for i in 0..6 {
            let mut input = vec![mode];
            input.extend(random(48));
            differential.insert(format!("seed-{name}-{i:02}"), input);
        }
    }
    all.insert("differential_go", differential);
    all
}

fn seed_dir(target: &str) -> PathBuf {
    common::repo_root().join("corpus").join("fuzz").join(target)
}

/// Keeps the working corpus libFuzzer writes beside the seeds out of git.
const SEED_GITIGNORE: &str = "# libFuzzer's working corpus lands here too; only seeds are committed.\n*\n!.gitignore\n!seed-*\n";

#[test]
fn committed_seeds_are_current_and_pass() {
    let write = std::env::var_os("TRACE_HARNESS_WRITE_SEEDS").is_some();
    for (target, seeds) in seeds() {
        let dir = seed_dir(target);
        if write {
            // Only the seeds are replaced: libFuzzer's working corpus beside them is the
            // fruit of past campaigns.
            std::fs::create_dir_all(&dir).unwrap();
            for entry in std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()) {
                if entry.file_name().to_string_lossy().starts_with("seed-") {
                    std::fs::remove_file(entry.path()).unwrap();
                }
            }
            std::fs::write(dir.join(".gitignore"), SEED_GITIGNORE).unwrap();
            for (name, bytes) in &seeds {
                std::fs::write(dir.join(name), bytes).unwrap();
            }
        }
        let mut committed: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| {
                panic!(
                    "{}: {e} (TRACE_HARNESS_WRITE_SEEDS=1 writes it)",
                    dir.display()
                )
            })
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("seed-"))
            .collect();
        committed.sort();
        let expected: Vec<String> = seeds.keys().cloned().collect();
        assert_eq!(
            committed, expected,
            "{target}: seed files differ; regenerate them"
        );
        for (name, bytes) in &seeds {
            let on_disk = std::fs::read(dir.join(name)).unwrap();
            assert!(
                on_disk == *bytes,
                "{target}/{name} is stale; regenerate the seeds"
            );
            let run = targets::find(target).unwrap().run;
            if let Err(v) = run(&mut Unstructured::new(bytes)) {
                panic!("{target}/{name}: {v}");
            }
        }
        assert_eq!(
            std::fs::read_to_string(dir.join(".gitignore")).unwrap(),
            SEED_GITIGNORE
        );
        // cargo fuzz reads fuzz/corpus/<target>, a link to the seeds.
        let link = common::repo_root().join("fuzz").join("corpus").join(target);
        assert_eq!(
            std::fs::canonicalize(&link).ok(),
            std::fs::canonicalize(&dir).ok(),
            "fuzz/corpus/{target} must link to corpus/fuzz/{target}"
        );
    }
}

#[test]
fn every_target_on_seeded_bytes() {
    for (
        i,
        targets::Target {
            name: target, run, ..
        },
    ) in targets::ALL.iter().enumerate()
    {
        let mut rng = SplitMix64(0x5eed_1000 + i as u64);
        let cases = match *target {
            "parse_never_panics" | "text_roundtrip" => 1_500,
            "incremental_parse" | "invalid_is_rejected" => 300,
            _ => 80,
        };
        for case in 0..cases {
            let len = rng.below(400) as usize;
            let data: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
            if let Err(v) = run(&mut Unstructured::new(&data)) {
                panic!("{target} case {case}: {v}\ninput: {data:?}");
            }
        }
    }
}

/// The targets that check one release or version per run, checked against all of them.
#[test]
fn every_release_and_version_on_seeded_bytes() {
    type Body = fn(&mut Unstructured<'_>) -> Result<(), String>;
    let bodies: [(&str, Body, usize); 2] = [
        (
            "invalid_is_rejected",
            targets::invalid_is_rejected::run_every_release,
            120,
        ),
        (
            "version_invariance",
            targets::version_invariance::run_every_version,
            40,
        ),
    ];
    for (i, (target, run, cases)) in bodies.into_iter().enumerate() {
        let mut rng = SplitMix64(0x5eed_2000 + i as u64);
        for case in 0..cases {
            let len = rng.below(400) as usize;
            let data: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
            if let Err(v) = run(&mut Unstructured::new(&data)) {
                panic!("{target} case {case}: {v}\ninput: {data:?}");
            }
        }
    }
}
