//! Top-level records (event batches, experimental batches, EndOfGeneration) and the kind
//! of each batch, as Go's parser splits a trace before ordering it.

use crate::error::{Error, ErrorKind, Result};
use crate::raw::{decode_event, read_header, RawEvent};
use crate::spec::{ev, WireTable};
use crate::varint::{self, VarintError};
use crate::version::{Toolchain, Version};

/// Largest batch payload Go accepts (`MaxBatchSize`).
pub const MAX_BATCH_SIZE: u64 = 64 << 10;

/// The thread id that means "no M" (`2^64-1` on the wire).
pub const NO_THREAD: u64 = u64::MAX;

/// What a top-level record is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordKind {
    /// `EventBatch gen m time size` plus payload.
    EventBatch,
    /// `ExperimentalBatch exp gen m time size` plus payload; `exp` is one raw byte here, as
    /// in Go's parser.
    ExperimentalBatch(u8),
    /// The single-byte `EndOfGeneration` marker (go 1.26 traces).
    EndOfGeneration,
}

/// One top-level record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record<'a> {
    /// Byte offset of the record's first byte.
    pub offset: u64,
    /// Which record.
    pub kind: RecordKind,
    /// Generation number (0 for EndOfGeneration).
    pub generation: u64,
    /// Thread id (`NO_THREAD` for structural batches).
    pub m: u64,
    /// Base timestamp in ticks.
    pub time: u64,
    /// The payload bytes.
    pub payload: &'a [u8],
    /// Byte offset of the payload.
    pub payload_offset: u64,
}

/// What a batch holds, decided by its first payload byte as Go's parser does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BatchKind {
    /// A strings section.
    Strings,
    /// A stacks section.
    Stacks,
    /// A CPU-sample section.
    CpuSamples,
    /// Frequency (before go 1.25) or Sync with frequency and clock snapshot (go 1.25+).
    Sync,
    /// Side data of an experiment.
    Experimental(u8),
    /// Timed events of one M (anything else, including an empty payload).
    Events,
}

impl Record<'_> {
    /// The batch kind for a trace of `version` (`None` for EndOfGeneration).
    pub fn batch_kind(&self, version: Version) -> Option<BatchKind> {
        let exp = match self.kind {
            RecordKind::EndOfGeneration => return None,
            RecordKind::ExperimentalBatch(exp) => exp,
            RecordKind::EventBatch => 0,
        };
        // As the newest parser classifies it.
        let first = self.payload.first().copied();
        Some(crate::generation::batch_kind(
            exp,
            first,
            version,
            crate::version::Toolchain::Go1_27,
        ))
    }

    /// The events of a non-experimental batch, decoded with the full table; an event that
    /// runs past the payload's end is an error.
    pub fn events(&self) -> BatchEvents<'_> {
        BatchEvents {
            record: *self,
            pos: 0,
            index: 0,
            failed: false,
        }
    }
}

/// Iterator over the events in one batch payload.
pub struct BatchEvents<'a> {
    record: Record<'a>,
    pos: usize,
    index: u64,
    failed: bool,
}

impl<'a> Iterator for BatchEvents<'a> {
    /// The event's byte offset in the file and the event.
    type Item = Result<(u64, RawEvent<'a>)>;

    fn next(&mut self) -> Option<Self::Item> {
        let payload = self.record.payload;
        if self.failed || self.pos >= payload.len() {
            return None;
        }
        let base = self.record.payload_offset;
        let result = match decode_event(payload, self.pos, &WireTable::full()) {
            Ok((event, next)) => {
                let offset = base + self.pos as u64;
                self.pos = next;
                self.index += 1;
                Ok((offset, event))
            }
            Err(mut e) => {
                self.failed = true;
                if matches!(e.kind, ErrorKind::UnexpectedEof { .. }) {
                    e.kind = ErrorKind::EventPastBatchEnd;
                    e.location.offset = base + self.pos as u64;
                } else {
                    e.location.offset += base;
                }
                Err(e.with_event(self.index))
            }
        };
        Some(result)
    }
}

/// Streams the top-level records of a trace.
pub struct RecordReader<'a> {
    input: &'a [u8],
    version: Version,
    pos: usize,
    index: u64,
    failed: bool,
}

impl<'a> RecordReader<'a> {
    /// Checks the header as `toolchain` would and positions at the first record.
    pub fn new(input: &'a [u8], toolchain: Toolchain) -> Result<RecordReader<'a>> {
        let (version, header_len) = read_header(input, toolchain)?;
        Ok(RecordReader {
            input,
            version,
            pos: header_len,
            index: 0,
            failed: false,
        })
    }

    /// Resumes reading at byte `pos`, a record boundary found earlier in the same input.
    pub fn resume(input: &'a [u8], version: Version, pos: usize) -> RecordReader<'a> {
        RecordReader {
            input,
            version,
            pos,
            index: 0,
            failed: false,
        }
    }

    /// The trace's version.
    pub fn version(&self) -> Version {
        self.version
    }

    /// Byte offset of the next record.
    pub fn offset(&self) -> u64 {
        self.pos as u64
    }

    fn number(&mut self, what: &'static str) -> Result<u64> {
        match varint::read(&self.input[self.pos..]) {
            Ok((value, len)) => {
                self.pos += len;
                Ok(value)
            }
            Err(VarintError::Overflow) => {
                Err(Error::at(ErrorKind::VarintOverflow, self.pos as u64))
            }
            Err(_) => Err(Error::at(
                ErrorKind::UnexpectedEof { what },
                self.input.len() as u64,
            )),
        }
    }

    fn read_record(&mut self) -> Result<Record<'a>> {
        let offset = self.pos;
        let ty = self.input[offset];
        self.pos += 1;
        let eof = |what| Error::at(ErrorKind::UnexpectedEof { what }, self.input.len() as u64);
        let kind = match ty {
            ev::END_OF_GENERATION => RecordKind::EndOfGeneration,
            ev::EVENT_BATCH => RecordKind::EventBatch,
            ev::EXPERIMENTAL_BATCH => {
                let exp = *self
                    .input
                    .get(self.pos)
                    .ok_or_else(|| eof("batch experiment"))?;
                self.pos += 1;
                RecordKind::ExperimentalBatch(exp)
            }
            other => return Err(Error::at(ErrorKind::ExpectedBatch(other), offset as u64)),
        };
        let empty = &self.input[..0];
        if kind == RecordKind::EndOfGeneration {
            let (generation, m, time, payload_offset) = (0, NO_THREAD, 0, self.pos as u64);
            return Ok(Record {
                offset: offset as u64,
                kind,
                generation,
                m,
                time,
                payload: empty,
                payload_offset,
            });
        }
        let generation = self.number("batch generation")?;
        let m = self.number("batch thread")?;
        let time = self.number("batch time")?;
        let size_offset = self.pos;
        let size = self.number("batch size")?;
        let located = |e: Error| e.in_batch(self.index, generation);
        if size > MAX_BATCH_SIZE {
            return Err(located(Error::at(
                ErrorKind::InvalidBatchSize(size),
                size_offset as u64,
            )));
        }
        let available = (self.input.len() - self.pos) as u64;
        if size > available {
            let kind = ErrorKind::ShortBatch {
                read: available,
                wanted: size,
            };
            return Err(located(Error::at(kind, self.input.len() as u64)));
        }
        let start = self.pos;
        self.pos += size as usize;
        Ok(Record {
            offset: offset as u64,
            kind,
            generation,
            m,
            time,
            payload: &self.input[start..self.pos],
            payload_offset: start as u64,
        })
    }
}

impl<'a> Iterator for RecordReader<'a> {
    type Item = Result<Record<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.pos >= self.input.len() {
            return None;
        }
        let result = self.read_record();
        match &result {
            Ok(_) => self.index += 1,
            Err(_) => self.failed = true,
        }
        Some(result.map_err(|e| {
            let mut e = e;
            e.location.batch.get_or_insert(self.index);
            e
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_classifies_records() {
        let mut b = Version::Go126.header().to_vec();
        b.extend_from_slice(&[ev::EVENT_BATCH, 1, 0x7f, 5, 3, ev::STRINGS, ev::STRING, 1]);
        b.extend_from_slice(&[ev::EXPERIMENTAL_BATCH, 1, 1, 2, 3, 1, 9]);
        b.extend_from_slice(&[
            ev::EVENT_BATCH,
            1,
            2,
            3,
            2,
            ev::PROC_STOP,
            4,
            ev::END_OF_GENERATION,
        ]);
        let records: Vec<_> = RecordReader::new(&b, Toolchain::Go1_27)
            .unwrap()
            .collect::<Result<_>>()
            .unwrap();
        assert_eq!(records.len(), 4);
        assert_eq!(
            records[0].batch_kind(Version::Go126),
            Some(BatchKind::Strings)
        );
        assert_eq!(
            records[1].batch_kind(Version::Go126),
            Some(BatchKind::Experimental(1))
        );
        assert_eq!(
            records[2].batch_kind(Version::Go126),
            Some(BatchKind::Events)
        );
        assert_eq!(records[3].kind, RecordKind::EndOfGeneration);
        let err = records[0].events().collect::<Result<Vec<_>>>().unwrap_err();
        assert_eq!(err.kind, ErrorKind::EventPastBatchEnd);
        assert_eq!(err.location.offset, 16 + 6);
        let events: Vec<_> = records[2].events().collect::<Result<_>>().unwrap();
        assert_eq!(events[0].0, 16 + 8 + 7 + 5);
    }

    #[test]
    fn batch_limits() {
        let mut b = Version::Go125.header().to_vec();
        b.extend_from_slice(&[ev::EVENT_BATCH, 1, 1, 1]);
        varint::write(&mut b, MAX_BATCH_SIZE + 1);
        let err = RecordReader::new(&b, Toolchain::Go1_25)
            .unwrap()
            .next()
            .unwrap()
            .unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidBatchSize(MAX_BATCH_SIZE + 1));
        assert_eq!(
            (err.location.offset, err.location.generation),
            (20, Some(1))
        );
        let b2 = [
            &Version::Go125.header()[..],
            &[ev::EVENT_BATCH, 1, 1, 1, 9, 0],
        ]
        .concat();
        let err = RecordReader::new(&b2, Toolchain::Go1_25)
            .unwrap()
            .next()
            .unwrap()
            .unwrap_err();
        assert_eq!(err.kind, ErrorKind::ShortBatch { read: 1, wanted: 9 });
        let b3 = [&Version::Go125.header()[..], &[ev::GO_START]].concat();
        let err = RecordReader::new(&b3, Toolchain::Go1_25)
            .unwrap()
            .next()
            .unwrap()
            .unwrap_err();
        assert_eq!(err.kind, ErrorKind::ExpectedBatch(ev::GO_START));
    }
}
