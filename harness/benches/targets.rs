//! Fuzz-target bodies run over their committed seed corpora, without libFuzzer: the time per
//! execution that bounds each target's exec/s (goals: 20k/s for parse_never_panics, 5k/s
//! for the structured targets).

use arbitrary::Unstructured;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use trace_harness::targets;

type Target = fn(&mut Unstructured<'_>) -> Result<(), String>;

const TARGETS: [(&str, Target); 6] = [
    ("parse_never_panics", targets::parse_never_panics::run),
    ("valid_is_accepted", targets::valid_is_accepted::run),
    ("invalid_is_rejected", targets::invalid_is_rejected::run),
    ("text_roundtrip", targets::text_roundtrip::run),
    ("incremental_parse", targets::incremental_parse::run),
    ("version_invariance", targets::version_invariance::run),
];

fn seeds(target: &str) -> Vec<Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../corpus/fuzz")
        .join(target);
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    paths.sort();
    paths
        .into_iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("seed-"))
        })
        .filter_map(|p| std::fs::read(p).ok())
        .collect()
}

fn fuzz_targets(c: &mut Criterion) {
    let mut group = c.benchmark_group("fuzz-target");
    group.sample_size(10);
    for (name, run) in TARGETS {
        let inputs = seeds(name);
        if inputs.is_empty() {
            continue;
        }
        // One iteration runs every seed once: throughput is executions per second.
        group.throughput(Throughput::Elements(inputs.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                for input in &inputs {
                    let _ = run(&mut Unstructured::new(input));
                }
            })
        });
    }
    group.finish();
}

criterion_group!(benches, fuzz_targets);
criterion_main!(benches);
