//! Every committed real trace: bytes -> text -> bytes is exact, and our wire text equals
//! the committed output of the Go toolchain that wrote it.

mod common;

use trace_harness::raw::RawTrace;
use trace_harness::spec::WireTable;
use trace_harness::text::{self, TextReader, TextStyle};

#[test]
fn corpus_has_every_toolchain() {
    let corpus = common::corpus();
    for toolchain in trace_harness::Toolchain::ALL {
        let n = corpus.iter().filter(|t| t.toolchain == toolchain).count();
        assert!(n >= 4, "{toolchain}: only {n} committed traces");
    }
}

#[test]
fn binary_round_trip_is_exact() {
    for trace in common::corpus() {
        let parsed = RawTrace::parse(&trace.bytes, trace.toolchain)
            .unwrap_or_else(|e| panic!("{}: {e}", trace.name()));
        assert!(
            parsed.to_bytes() == trace.bytes,
            "{}: re-encoding differs",
            trace.name()
        );
    }
}

#[test]
fn lossless_text_round_trip_is_exact() {
    for trace in common::corpus() {
        let parsed = RawTrace::parse(&trace.bytes, trace.toolchain).unwrap();
        let table = WireTable::new(trace.toolchain, parsed.version).unwrap();
        let mut lossless = String::new();
        text::write_trace(&mut lossless, &parsed, &table, TextStyle::Lossless);
        let back = TextReader::new(lossless.as_bytes(), Some(trace.toolchain))
            .and_then(TextReader::into_trace)
            .unwrap_or_else(|e| panic!("{}: {e}", trace.name()));
        assert!(
            back.to_bytes() == trace.bytes,
            "{}: text -> bytes differs",
            trace.name()
        );
        assert_eq!(
            text::assemble(lossless.as_bytes()).unwrap(),
            trace.bytes,
            "{}",
            trace.name()
        );
    }
}

#[test]
fn wire_text_equals_go() {
    for trace in common::corpus() {
        let parsed = RawTrace::parse(&trace.bytes, trace.toolchain).unwrap();
        let table = WireTable::new(trace.toolchain, parsed.version).unwrap();
        let mut ours = String::new();
        text::write_trace(&mut ours, &parsed, &table, TextStyle::Go);
        let (header, body) = ours.split_once('\n').unwrap();
        assert_eq!(header, text::header_line(parsed.version));
        let expected = trace.expected_wire();
        if body != expected {
            let line = body.lines().zip(expected.lines()).position(|(a, b)| a != b);
            panic!(
                "{}: wire text differs from Go's at line {line:?}",
                trace.name()
            );
        }
    }
}

/// The wire round trip checks one toolchain per distinct table (see
/// `properties::wire_round_trip`): that is sound only while toolchains that accept a
/// version with equal tables read and write every trace alike, which this holds them to,
/// on real traces and on damaged copies of them.
#[test]
fn equal_tables_read_alike() {
    use trace_harness::Toolchain;
    let mut pairs = 0;
    for trace in common::corpus() {
        let mut inputs = vec![trace.bytes.clone()];
        // Cut mid-way and with a flipped byte, so that errors are compared too.
        inputs.push(trace.bytes[..trace.bytes.len() / 2].to_vec());
        let mut flipped = trace.bytes.clone();
        let at = flipped.len() * 2 / 3;
        flipped[at] ^= 0x80;
        inputs.push(flipped);
        let version = RawTrace::parse(&trace.bytes, trace.toolchain)
            .unwrap()
            .version;
        for a in Toolchain::ALL {
            for b in Toolchain::ALL {
                let (Some(ta), Some(tb)) = (WireTable::new(a, version), WireTable::new(b, version))
                else {
                    continue;
                };
                if a >= b || ta != tb || !a.accepts(version) || !b.accepts(version) {
                    continue;
                }
                pairs += 1;
                for input in &inputs {
                    let read = |t: Toolchain| match RawTrace::parse(input, t) {
                        Ok(parsed) => {
                            let mut lossless = String::new();
                            text::write_trace(&mut lossless, &parsed, &ta, TextStyle::Lossless);
                            let back = TextReader::new(lossless.as_bytes(), Some(t))
                                .and_then(TextReader::into_trace)
                                .map(|trace| trace.to_bytes());
                            format!("{lossless}\n{back:?}")
                        }
                        Err(e) => format!("{e:?}"),
                    };
                    assert_eq!(read(a), read(b), "{}: {a} and {b} differ", trace.name());
                }
            }
        }
    }
    assert!(
        pairs >= 20,
        "only {pairs} pairs of toolchains with equal tables"
    );
}
