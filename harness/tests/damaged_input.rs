//! Damaged real traces: every truncation of every committed trace, and every flipped byte
//! of the smallest ones, ends in success or a located error, never a panic.
//!
//! The readers are streaming prefix decoders: their state at an event or record boundary
//! depends only on the bytes before it. So each truncation point is checked by resuming at
//! the last boundary before the cut, on the truncated slice, which keeps the whole sweep
//! linear in the corpus size.

mod common;

use trace_harness::properties;
use trace_harness::raw::{decode_event, read_header};
use trace_harness::records::RecordReader;
use trace_harness::spec::WireTable;
use trace_harness::ErrorKind;

fn assert_located(e: &trace_harness::Error, len: usize, context: &str) {
    assert!(
        e.location.offset <= len as u64,
        "{context}: offset {} past {len}: {e}",
        e.location.offset
    );
}

#[test]
fn every_truncation_is_located() {
    for trace in common::corpus() {
        let data = &trace.bytes;
        let (version, header_len) = read_header(data, trace.toolchain).unwrap();
        let table = WireTable::new(trace.toolchain, version).unwrap();
        // Event and record boundaries of the intact trace.
        let mut event_starts = vec![header_len];
        while *event_starts.last().unwrap() < data.len() {
            let (_, next) = decode_event(data, *event_starts.last().unwrap(), &table).unwrap();
            event_starts.push(next);
        }
        let mut record_starts = vec![header_len];
        let mut records = RecordReader::new(data, trace.toolchain).unwrap();
        while records.next().transpose().unwrap().is_some() {
            record_starts.push(records.offset() as usize);
        }
        let mut checked_errors = 0u64;
        for cut in 0..data.len() {
            let truncated = &data[..cut];
            let context = format!("{} cut at {cut}", trace.name());
            if cut < header_len {
                let e = read_header(truncated, trace.toolchain).unwrap_err();
                assert_eq!(e.kind, ErrorKind::BadHeader, "{context}");
                continue;
            }
            let event_start = event_starts[event_starts.partition_point(|&s| s <= cut) - 1];
            if event_start < cut {
                let e = decode_event(truncated, event_start, &table).unwrap_err();
                assert!(
                    matches!(e.kind, ErrorKind::UnexpectedEof { .. }),
                    "{context}: {e}"
                );
                assert_located(&e, cut, &context);
                checked_errors += 1;
            }
            let record_start = record_starts[record_starts.partition_point(|&s| s <= cut) - 1];
            for record in RecordReader::resume(truncated, version, record_start) {
                match record {
                    Ok(record) => {
                        for event in record.events() {
                            if let Err(e) = event {
                                assert_located(&e, cut, &context);
                            }
                        }
                    }
                    Err(e) => {
                        assert_located(&e, cut, &context);
                        checked_errors += 1;
                    }
                }
            }
        }
        assert!(
            checked_errors > 0,
            "{}: no truncation was rejected",
            trace.name()
        );
    }
}

#[test]
fn every_flipped_byte_of_the_smallest_traces_is_handled() {
    let mut corpus = common::corpus();
    corpus.sort_by_key(|t| t.bytes.len());
    let mut seen = std::collections::HashSet::new();
    // The smallest trace of each toolchain.
    corpus.retain(|t| seen.insert(t.toolchain));
    for trace in corpus {
        let mut data = trace.bytes.clone();
        for i in 0..data.len() {
            for mask in [0xff, 0x80, 0x01] {
                data[i] ^= mask;
                if let Err(violation) = properties::wire_round_trip(&data) {
                    panic!("{} with byte {i} ^ {mask:#x}: {violation}", trace.name());
                }
                if let Err(violation) = properties::generations_are_located(&data) {
                    panic!("{} with byte {i} ^ {mask:#x}: {violation}", trace.name());
                }
                data[i] ^= mask;
            }
        }
    }
}

#[test]
fn every_truncation_of_the_smallest_traces_reads_generations_or_fails_located() {
    let mut corpus = common::corpus();
    corpus.sort_by_key(|t| t.bytes.len());
    let mut seen = std::collections::HashSet::new();
    corpus.retain(|t| seen.insert(t.toolchain));
    for trace in corpus {
        for cut in 0..trace.bytes.len() {
            if let Err(violation) = properties::generations_are_located(&trace.bytes[..cut]) {
                panic!("{} cut at {cut}: {violation}", trace.name());
            }
        }
    }
}
