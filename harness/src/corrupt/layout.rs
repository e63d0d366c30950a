//! A valid trace split into its top-level records, each batch holding its own events, so
//! that a corruption can edit one record and have every other batch size stay right.

use crate::raw::{RawEvent, RawTrace};
use crate::spec::ev;
use crate::version::{Toolchain, Version};

/// One top-level record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Record {
    /// An `EventBatch` record and its events; `size` overrides the computed payload size.
    Batch {
        gen: u64,
        m: u64,
        time: u64,
        events: Vec<RawEvent<'static>>,
        size: Option<u64>,
    },
    /// A record without a batch header (EndOfGeneration, ExperimentalBatch, stray events).
    Loose(RawEvent<'static>),
}

impl Record {
    /// The batch's first event type, if this is a non-empty batch.
    pub(crate) fn first_type(&self) -> Option<u8> {
        match self {
            Record::Batch { events, .. } => events.first().map(|e| e.ty),
            Record::Loose(_) => None,
        }
    }

    /// Whether this is a batch of timed events (not a table, sync or frequency batch).
    pub(crate) fn is_event_batch(&self) -> bool {
        matches!(self.first_type(), Some(ty) if crate::spec::spec(ty).timed)
    }

    /// The generation of a batch.
    pub(crate) fn gen(&self) -> Option<u64> {
        match self {
            Record::Batch { gen, .. } => Some(*gen),
            Record::Loose(_) => None,
        }
    }

    /// The events of a batch (empty for loose records).
    pub(crate) fn events_mut(&mut self) -> Option<&mut Vec<RawEvent<'static>>> {
        match self {
            Record::Batch { events, .. } => Some(events),
            Record::Loose(_) => None,
        }
    }

    /// The events of a batch (empty for loose records).
    pub(crate) fn events(&self) -> &[RawEvent<'static>] {
        match self {
            Record::Batch { events, .. } => events,
            Record::Loose(_) => &[],
        }
    }
}

/// Where a record's bytes lie in the encoded trace.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Span {
    /// First byte of the record.
    pub start: usize,
    /// First byte of a batch's payload (equal to `start` for loose records).
    pub payload: usize,
    /// One past the last byte.
    pub end: usize,
}

/// A trace as records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Layout {
    pub header: Vec<u8>,
    pub version: Version,
    pub records: Vec<Record>,
}

impl Layout {
    /// Splits a valid trace of `version`; `None` if it does not decode into whole batches.
    pub(crate) fn parse(bytes: &[u8], version: Version) -> Option<Layout> {
        let trace = RawTrace::parse(bytes, Toolchain::writer_of(version)).ok()?;
        let mut records = Vec::new();
        let mut events = trace.events.into_iter();
        while let Some(e) = events.next() {
            if e.ty != ev::EVENT_BATCH {
                records.push(Record::Loose(e.into_owned()));
                continue;
            }
            let (gen, m, time, size) = (e.args[0], e.args[1], e.args[2], e.args[3]);
            let mut inner = Vec::new();
            let mut read = 0u64;
            while read < size {
                let e = events.next()?;
                read += e.encoded_len() as u64;
                inner.push(e.into_owned());
            }
            if read != size {
                return None;
            }
            records.push(Record::Batch {
                gen,
                m,
                time,
                events: inner,
                size: None,
            });
        }
        Some(Layout {
            header: trace.header.into_owned(),
            version: trace.version,
            records,
        })
    }

    /// The trace's bytes and each record's span.
    pub(crate) fn encode_with_spans(&self) -> (Vec<u8>, Vec<Span>) {
        let mut out = self.header.clone();
        let mut spans = Vec::with_capacity(self.records.len());
        // A batch's payload is encoded apart first: its length leads the batch, and
        // copying the payload costs less than measuring every event before encoding it.
        let mut body = Vec::new();
        for record in &self.records {
            let start = out.len();
            match record {
                Record::Batch {
                    gen,
                    m,
                    time,
                    events,
                    size,
                } => {
                    body.clear();
                    for e in events {
                        e.encode(&mut body);
                    }
                    let size = size.unwrap_or(body.len() as u64);
                    RawEvent::new(ev::EVENT_BATCH, &[*gen, *m, *time, size]).encode(&mut out);
                    let payload = out.len();
                    out.extend_from_slice(&body);
                    spans.push(Span {
                        start,
                        payload,
                        end: out.len(),
                    });
                }
                Record::Loose(e) => {
                    e.encode(&mut out);
                    spans.push(Span {
                        start,
                        payload: start,
                        end: out.len(),
                    });
                }
            }
        }
        (out, spans)
    }

    /// The trace's bytes.
    pub(crate) fn encode(&self) -> Vec<u8> {
        self.encode_with_spans().0
    }

    /// Indexes of the records that satisfy `pred`.
    pub(crate) fn find(&self, pred: impl Fn(&Record) -> bool) -> Vec<usize> {
        (0..self.records.len())
            .filter(|&i| pred(&self.records[i]))
            .collect()
    }

    /// Every `(record, event)` position whose event satisfies `pred`.
    pub(crate) fn find_events(&self, pred: impl Fn(&RawEvent<'_>) -> bool) -> Vec<(usize, usize)> {
        let mut found = Vec::new();
        for (r, record) in self.records.iter().enumerate() {
            for (i, e) in record.events().iter().enumerate() {
                if pred(e) {
                    found.push((r, i));
                }
            }
        }
        found
    }

    /// The index of each generation's first record, in file order.
    pub(crate) fn generation_starts(&self) -> Vec<usize> {
        let mut starts = Vec::new();
        let mut current = None;
        for (i, r) in self.records.iter().enumerate() {
            if let Some(gen) = r.gen() {
                if current != Some(gen) {
                    starts.push(i);
                    current = Some(gen);
                }
            }
        }
        starts
    }

    /// The first generation number.
    pub(crate) fn first_gen(&self) -> Option<u64> {
        self.records.iter().find_map(Record::gen)
    }
}
