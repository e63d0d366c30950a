//! Memory: dumping a trace (ordering every event and printing it as Go does) holds about
//! one generation, never the whole file. Peak heap, counted by a global allocator, for a
//! 20-generation trace stays within 3x that of a 1-generation trace whose generation is
//! the same size.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use trace_harness::order::EventReader;
use trace_harness::spec::ev;
use trace_harness::{varint, Toolchain, Version};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn batch(out: &mut Vec<u8>, generation: u64, m: u64, time: u64, payload: &[u8]) {
    out.push(ev::EVENT_BATCH);
    for v in [generation, m, time, payload.len() as u64] {
        varint::write(out, v);
    }
    out.extend_from_slice(payload);
}

/// A go 1.26 trace of `generations` generations, each a sync batch, a strings batch and
/// event batches of one thread that announces P 0 and G 1, then logs heap sizes.
fn synthetic_trace(generations: u64) -> Vec<u8> {
    let mut out = Version::Go126.header().to_vec();
    let mut time = 100;
    for g in 1..=generations {
        let mut sync = vec![ev::SYNC, ev::FREQUENCY];
        varint::write(&mut sync, 15_625_000);
        sync.extend_from_slice(&[ev::CLOCK_SNAPSHOT, 1, 5, 6, 7]);
        batch(&mut out, g, u64::MAX, time, &sync);
        let mut strings = vec![ev::STRINGS];
        for id in 1..=200u64 {
            let s = format!("string {id} of generation {g}");
            strings.push(ev::STRING);
            varint::write(&mut strings, id);
            varint::write(&mut strings, s.len() as u64);
            strings.extend_from_slice(s.as_bytes());
        }
        batch(&mut out, g, u64::MAX, time, &strings);
        // Announce the proc and goroutine, then fill several batches with metrics.
        let mut events = vec![ev::PROC_STATUS, 1, 0, 1, ev::GO_STATUS, 1, 1, 1, 2];
        for chunk in 0..8 {
            for i in 0..2000u64 {
                events.push(ev::HEAP_ALLOC);
                varint::write(&mut events, 1);
                varint::write(&mut events, g * 1_000_000 + chunk * 10_000 + i);
            }
            batch(&mut out, g, 1, time, &events);
            events.clear();
            time += 50_000;
        }
        out.push(ev::END_OF_GENERATION);
    }
    out
}

fn peak_heap_of_dump(bytes: &[u8]) -> (usize, usize) {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let mut events = 0;
    let mut line = Vec::new();
    for e in EventReader::new(bytes, Toolchain::Go1_27).unwrap() {
        line.clear();
        trace_harness::dump::write_event(&mut line, &e.unwrap(), Toolchain::Go1_27);
        events += 1;
    }
    (PEAK.load(Ordering::Relaxed) - base, events)
}

#[test]
fn dump_holds_about_one_generation() {
    let one = synthetic_trace(1);
    let twenty = synthetic_trace(20);
    let (peak_one, events_one) = peak_heap_of_dump(&one);
    let (peak_twenty, events_twenty) = peak_heap_of_dump(&twenty);
    assert!(
        events_twenty > 19 * events_one,
        "{events_one} vs {events_twenty} events"
    );
    eprintln!(
        "peak heap: 1 generation {peak_one} B ({} B input), 20 generations {peak_twenty} B ({} B input)",
        one.len(),
        twenty.len()
    );
    assert!(
        peak_twenty <= 3 * peak_one,
        "peak {peak_twenty} B for 20 generations vs {peak_one} B for one"
    );
}
