//! Each fuzz property, run briefly on deterministic seeded inputs: random bytes behind a
//! valid header, and byte-level mutations of committed traces and of their text forms.
//! Long runs belong to `cargo fuzz run -s none <target>`.

mod common;

use trace_harness::properties;
use trace_harness::raw::RawTrace;
use trace_harness::seeded::SplitMix64;
use trace_harness::spec::WireTable;
use trace_harness::text::{self, TextStyle};
use trace_harness::Version;

/// Seeded choices, the same on every machine.
struct Seeded(SplitMix64);

impl Seeded {
    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }

    fn below(&mut self, n: usize) -> usize {
        self.0.below(n as u64) as usize
    }

    /// Overwrites, inserts or deletes a few bytes.
    fn mutate(&mut self, data: &mut Vec<u8>) {
        for _ in 0..1 + self.below(4) {
            let at = self.below(data.len() + 1);
            match self.below(3) {
                0 if at < data.len() => data[at] = self.next() as u8,
                1 => data.insert(at, self.next() as u8),
                _ if at < data.len() => {
                    data.remove(at);
                }
                _ => data.push(self.next() as u8),
            }
        }
    }
}

const CASES: usize = 3000;

#[test]
fn wire_round_trip_on_seeded_bytes() {
    let mut rng = Seeded(SplitMix64(0x5eed_0001));
    for case in 0..CASES {
        let version = Version::V2[rng.below(4)];
        let mut data = version.header().to_vec();
        // Bias towards small type bytes and small numbers, as real traces have.
        for _ in 0..rng.below(64) {
            let b = match rng.below(4) {
                0 => rng.below(53) as u8,
                1 => 128 + rng.below(9) as u8,
                _ => rng.next() as u8,
            };
            data.push(b);
        }
        if let Err(v) = properties::wire_round_trip(&data) {
            panic!("case {case}: {v}\ninput: {data:?}");
        }
        if let Err(v) = properties::generations_are_located(&data) {
            panic!("case {case}: {v}\ninput: {data:?}");
        }
    }
}

#[test]
fn wire_round_trip_on_mutated_corpus() {
    let mut rng = Seeded(SplitMix64(0x5eed_0002));
    let corpus = common::corpus();
    for case in 0..CASES / 10 {
        let trace = &corpus[rng.below(corpus.len())];
        let mut data = trace.bytes.clone();
        rng.mutate(&mut data);
        if let Err(v) = properties::wire_round_trip(&data) {
            panic!("case {case} ({}): {v}", trace.name());
        }
        if let Err(v) = properties::generations_are_located(&data) {
            panic!("case {case} ({}): {v}", trace.name());
        }
    }
}

#[test]
fn text_round_trip_on_mutated_text() {
    let mut rng = Seeded(SplitMix64(0x5eed_0003));
    let corpus = common::corpus();
    let texts: Vec<Vec<u8>> = corpus
        .iter()
        .take(8)
        .map(|t| {
            let parsed = RawTrace::parse(&t.bytes, t.toolchain).unwrap();
            let mut s = String::new();
            let style = if rng.below(2) == 0 {
                TextStyle::Go
            } else {
                TextStyle::Lossless
            };
            text::write_trace(&mut s, &parsed, &WireTable::full(), style);
            // Mutating a small window keeps each case fast.
            s.lines()
                .take(60)
                .collect::<Vec<_>>()
                .join("\n")
                .into_bytes()
        })
        .collect();
    for case in 0..CASES {
        let mut data = texts[rng.below(texts.len())].clone();
        rng.mutate(&mut data);
        if let Err(v) = properties::text_round_trip(&data) {
            panic!(
                "case {case}: {v}\ninput: {}",
                String::from_utf8_lossy(&data)
            );
        }
    }
}

#[test]
fn generated_traces_are_valid_on_seeded_bytes() {
    let mut rng = Seeded(SplitMix64(0x5eed_0004));
    for case in 0..300 {
        let data: Vec<u8> = (0..rng.below(80)).map(|_| rng.next() as u8).collect();
        if let Err(v) = properties::generated_trace_is_valid(&data) {
            panic!("case {case}: {v}\ninput: {data:?}");
        }
    }
}
