//! Parse+order and dump throughput beside Go's `go tool trace -d=parsed` on the same file,
//! in the same run. The trace is `$TRACE_HARNESS_BENCH_FILE`, or the largest committed
//! trace; Go's side runs when the cached toolchain of the profile is installed.

use std::process::{Command, Stdio};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use trace_harness::order::EventReader;
use trace_harness::{toolchains, Toolchain};

fn ordering(c: &mut Criterion) {
    let path = trace_harness::bench::criterion_trace();
    let bytes = std::fs::read(&path).expect("read trace");
    let profile = Toolchain::Go1_27;
    let mut group = c.benchmark_group(format!("{}", path.file_name().unwrap().to_string_lossy()));
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("parse+order", |b| {
        b.iter(|| {
            trace_harness::bench::count_events(EventReader::new(&bytes[..], profile).unwrap())
        })
    });
    group.bench_function("parse+order (iterator)", |b| {
        b.iter(|| {
            EventReader::new(&bytes[..], profile)
                .unwrap()
                .filter(|e| e.is_ok())
                .count()
        })
    });
    group.bench_function("dump", |b| {
        let (mut out, mut chunk) = (Vec::new(), Vec::new());
        b.iter(|| {
            out.clear();
            let mut events = EventReader::new(&bytes[..], profile).unwrap();
            while events.next_events(&mut chunk).unwrap() {
                for e in &chunk {
                    trace_harness::dump::write_event(&mut out, e, profile);
                }
            }
            out.len()
        })
    });
    if let Some(tool) =
        toolchains::find(profile).and_then(|go| trace_harness::bench::go_trace_tool(&go).ok())
    {
        // A whole process, as Go is used; our `dump` process is measured by `trace-harness bench`.
        group.bench_function("go tool trace -d=parsed (process)", |b| {
            b.iter(|| {
                Command::new(&tool)
                    .arg("-d=parsed")
                    .arg(&path)
                    .env("TZ", "UTC")
                    .stdout(Stdio::null())
                    .status()
                    .unwrap()
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = ordering
}
criterion_main!(benches);
