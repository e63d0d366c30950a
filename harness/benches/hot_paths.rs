//! The hot paths of a whole-trace parse, each on its own: uvarint decoding (the checked
//! reader and the orderer's window reader), batch scanning (a trace split into generations,
//! batches and tables), wire decoding (`trace-harness wire`'s reader), ordering, and
//! formatting (Go's `String()` text and our JSON lines) of events already ordered.
//!
//! The trace is `$TRACE_HARNESS_BENCH_FILE`, or the largest committed Go 1.27 trace, as in
//! the `order` bench, which has the whole pipeline beside Go's.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use trace_harness::event::Event;
use trace_harness::generation::GenerationReader;
use trace_harness::order::EventReader;
use trace_harness::raw::RawReader;
use trace_harness::{dump, jsonl, varint, Toolchain};

/// The reader profile every bench takes: Go 1.27's.
const PROFILE: Toolchain = Toolchain::Go1_27;

/// Events formatted per iteration at most, so that a large bench file's ordered events
/// (88 bytes each, held for the whole bench) stay within a few hundred MB.
const FORMAT_EVENTS_MAX: usize = 2_000_000;

/// Formatted text is handed on in chunks of this size, as `trace-harness dump` writes it,
/// rather than piled up in memory.
const OUTPUT_CHUNK: usize = 64 << 10;

/// Every argument of every wire event of `bytes`, canonically encoded back to back (the
/// numbers the decoders meet, in the trace's own mix of lengths), then a window's worth
/// of zeros so that the window reader can read up to the last number.
fn argument_bytes(bytes: &[u8]) -> (Vec<u8>, u64) {
    let mut out = Vec::new();
    let mut numbers = 0;
    for event in RawReader::new(bytes, PROFILE).expect("trace header") {
        let Ok((_, event)) = event else { break };
        for &arg in event.args.iter() {
            varint::write(&mut out, arg);
            numbers += 1;
        }
    }
    out.resize(out.len() + varint::WINDOW, 0);
    (out, numbers)
}

fn decoding(c: &mut Criterion) {
    let path = trace_harness::bench::criterion_trace();
    let bytes = std::fs::read(&path).expect("read trace");
    let name = path.file_name().unwrap().to_string_lossy().into_owned();

    let (numbers, count) = argument_bytes(&bytes);
    let end = numbers.len() - varint::WINDOW;
    let mut group = c.benchmark_group(format!("{name}/uvarint"));
    group.throughput(Throughput::Elements(count));
    group.bench_function("checked (varint::read)", |b| {
        b.iter(|| {
            let (mut pos, mut sum) = (0, 0u64);
            while pos < end {
                let (value, len) = varint::read(&numbers[pos..]).unwrap();
                sum = sum.wrapping_add(value);
                pos += len;
            }
            sum
        })
    });
    group.bench_function("window (varint::read_in_window)", |b| {
        b.iter(|| {
            let (mut pos, mut sum) = (0, 0u64);
            while pos < end {
                let window = numbers[pos..].first_chunk::<{ varint::WINDOW }>().unwrap();
                let mut n = 0;
                // As in the orderer, a number the window reader declines (10 bytes)
                // goes to the checked reader.
                let value = match varint::read_in_window(window, &mut n) {
                    Some(value) => value,
                    None => {
                        let (value, len) = varint::read(&numbers[pos..]).unwrap();
                        n = len;
                        value
                    }
                };
                sum = sum.wrapping_add(value);
                pos += n;
            }
            sum
        })
    });
    group.finish();

    let mut group = c.benchmark_group(format!("{name}/scan"));
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("batch scan (GenerationReader)", |b| {
        b.iter(|| {
            let mut reader = GenerationReader::new(&bytes[..], PROFILE).unwrap();
            let mut batches = 0;
            while let Some(Ok(mut generation)) = reader.next() {
                batches += generation
                    .batches
                    .iter()
                    .map(|(_, b)| b.len())
                    .sum::<usize>();
                reader.recycle_arena(generation.take_arena());
            }
            batches
        })
    });
    group.bench_function("wire decode (RawReader)", |b| {
        b.iter(|| {
            RawReader::new(&bytes[..], PROFILE)
                .unwrap()
                .take_while(|e| e.is_ok())
                .count()
        })
    });
    group.bench_function("parse+order (EventReader)", |b| {
        b.iter(|| {
            trace_harness::bench::count_events(EventReader::new(&bytes[..], PROFILE).unwrap())
        })
    });
    group.finish();

    let events: Vec<Event> = EventReader::new(&bytes[..], PROFILE)
        .unwrap()
        .map_while(|e| e.ok())
        .take(FORMAT_EVENTS_MAX)
        .collect();
    let mut group = c.benchmark_group(format!("{name}/format"));
    group.throughput(Throughput::Elements(events.len() as u64));
    group.bench_function("Go text (dump::Dumper)", |b| {
        let mut out = Vec::new();
        b.iter_batched_ref(
            || dump::Dumper::new(PROFILE),
            |dumper| {
                let mut written = 0;
                for event in &events {
                    dumper.try_write_event(&mut out, event).unwrap();
                    if out.len() >= OUTPUT_CHUNK {
                        written += out.len();
                        out.clear();
                    }
                }
                written + out.len()
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function("JSON lines (jsonl::write_event)", |b| {
        let mut out = String::new();
        b.iter(|| {
            let mut written = 0;
            for event in &events {
                jsonl::write_event(&mut out, event, PROFILE).unwrap();
                if out.len() >= OUTPUT_CHUNK {
                    written += out.len();
                    out.clear();
                }
            }
            written + out.len()
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = decoding
}
criterion_main!(benches);
