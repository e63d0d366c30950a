//! Wire events as Go's `raw` package sees them: a type byte, its arguments, stack frames
//! and inline data, with no notion of batches. Decoding keeps every non-canonical number
//! width so that writing a decoded trace reproduces its bytes exactly.

use std::borrow::Cow;
use std::ops::Deref;

use crate::error::{Error, ErrorKind, Result};
use crate::spec::{ev, EventSpec, EventType, WireTable, MAX_ARGS};
use crate::varint::{self, VarintError};
use crate::version::{scan_header, Toolchain, Version};

/// Up to five arguments, stored inline.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct Args {
    values: [u64; MAX_ARGS],
    len: u8,
}

impl Args {
    /// Arguments from a slice of at most five values.
    pub fn from_slice(values: &[u64]) -> Args {
        let mut args = Args::default();
        for &v in values.iter().take(MAX_ARGS) {
            args.push(v);
        }
        args
    }

    /// Appends one argument; ignored past five (no event has more).
    pub fn push(&mut self, value: u64) {
        if let Some(slot) = self.values.get_mut(self.len as usize) {
            *slot = value;
            self.len += 1;
        }
    }
}

impl Deref for Args {
    type Target = [u64];
    fn deref(&self) -> &[u64] {
        &self.values[..self.len as usize]
    }
}

impl std::fmt::Debug for Args {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// How an event's numbers were actually written, when that differs from the canonical
/// encoding. Absent for canonically encoded events (all of them but batch headers in
/// runtime-written traces).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Encoding {
    /// Byte width of every number in wire order: arguments, frame fields, data length.
    pub widths: Vec<u8>,
    /// A declared data length of 2^63 or more, which Go reads as "no data" (its `int`
    /// conversion turns it negative); kept so the bytes can be written back.
    pub declared_data_len: Option<u64>,
}

/// One wire event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawEvent<'a> {
    /// Type byte.
    pub ty: EventType,
    /// Arguments in spec order (`dt` first for timed events).
    pub args: Args,
    /// Stack frames `[pc, func, file, line]` of a `Stack` event; empty otherwise.
    pub frames: Vec<[u64; 4]>,
    /// Inline bytes of `String` and `ExperimentalBatch`; `None` when the length is 0, as in Go.
    pub data: Option<Cow<'a, [u8]>>,
    /// Non-canonical encoding details, if any.
    pub encoding: Option<Box<Encoding>>,
}

impl<'a> RawEvent<'a> {
    /// An event with canonical encoding.
    pub fn new(ty: EventType, args: &[u64]) -> RawEvent<'a> {
        RawEvent {
            ty,
            args: Args::from_slice(args),
            frames: Vec::new(),
            data: None,
            encoding: None,
        }
    }

    /// The spec of this event in the full table.
    pub fn spec(&self) -> &'static EventSpec {
        crate::spec::spec(self.ty)
    }

    /// The same event, owning its data.
    pub fn into_owned(self) -> RawEvent<'static> {
        RawEvent {
            ty: self.ty,
            args: self.args,
            frames: self.frames,
            data: self.data.map(|d| Cow::Owned(d.into_owned())),
            encoding: self.encoding,
        }
    }

    /// The byte width of the `index`-th number as written.
    pub fn width_of(&self, index: usize, value: u64) -> usize {
        self.encoding
            .as_ref()
            .and_then(|e| e.widths.get(index))
            .map_or_else(|| varint::canonical_len(value), |&w| w as usize)
    }

    /// The data length as written (0 when there is no data).
    pub fn data_len(&self) -> u64 {
        self.encoding
            .as_ref()
            .and_then(|e| e.declared_data_len)
            .unwrap_or_else(|| self.data.as_ref().map_or(0, |d| d.len() as u64))
    }

    /// How many bytes [`RawEvent::encode`] appends, without encoding.
    pub fn encoded_len(&self) -> usize {
        let mut index = 0;
        let mut number = |value: u64| {
            let width = self.width_of(index, value);
            index += 1;
            width
        };
        let mut len = 1;
        for &a in self.args.iter() {
            len += number(a);
        }
        for frame in &self.frames {
            for &f in frame {
                len += number(f);
            }
        }
        if self.spec().has_data {
            len += number(self.data_len());
            len += self.data.as_ref().map_or(0, |d| d.len());
        }
        len
    }

    /// Appends the wire bytes of this event: the exact inverse of [`decode_event`].
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.push(self.ty);
        if self.encoding.is_none() {
            // Canonical numbers throughout: the common case, and the generator's.
            for &a in self.args.iter() {
                varint::write(out, a);
            }
            for frame in &self.frames {
                for &f in frame {
                    varint::write(out, f);
                }
            }
            if self.spec().has_data {
                let data = self.data.as_deref().unwrap_or_default();
                varint::write(out, data.len() as u64);
                out.extend_from_slice(data);
            }
            return;
        }
        let mut index = 0;
        let mut number = |out: &mut Vec<u8>, value: u64| {
            let width = self.width_of(index, value);
            if width == varint::canonical_len(value) {
                varint::write(out, value);
            } else {
                varint::write_padded(out, value, width);
            }
            index += 1;
        };
        for &a in self.args.iter() {
            number(out, a);
        }
        for frame in &self.frames {
            for &f in frame {
                number(out, f);
            }
        }
        if self.spec().has_data {
            number(out, self.data_len());
            if let Some(data) = &self.data {
                out.extend_from_slice(data);
            }
        }
    }
}

/// Cursor over the numbers of one event. Widths are only collected on a second pass, for
/// the rare event that has a padded number.
struct Numbers<'a> {
    input: &'a [u8],
    pos: usize,
    padded: bool,
    widths: Option<Vec<u8>>,
}

impl Numbers<'_> {
    #[inline]
    fn next(&mut self, what: &'static str) -> Result<u64> {
        match varint::read(&self.input[self.pos..]) {
            Ok((value, len)) => {
                if len > 1 && len != varint::canonical_len(value) {
                    self.padded = true;
                }
                if let Some(widths) = &mut self.widths {
                    widths.push(len as u8);
                }
                self.pos += len;
                Ok(value)
            }
            Err(VarintError::Eof | VarintError::Truncated) => Err(Error::at(
                ErrorKind::UnexpectedEof { what },
                self.input.len() as u64,
            )),
            Err(VarintError::Overflow) => {
                Err(Error::at(ErrorKind::VarintOverflow, self.pos as u64))
            }
        }
    }
}

/// Decodes the event whose type byte is at `pos` using `table`; returns it and the
/// position after it. Memory is bounded by the bytes read: a frame count or data length
/// never sizes an allocation up front.
pub fn decode_event<'a>(
    input: &'a [u8],
    pos: usize,
    table: &WireTable,
) -> Result<(RawEvent<'a>, usize)> {
    let (mut event, end, padded) = decode_numbers(input, pos, table, None)?;
    if padded {
        // Second pass over the same bytes, now recording every width.
        decode_numbers(input, pos, table, Some(&mut event))?;
    }
    Ok((event, end))
}

fn decode_numbers<'a>(
    input: &'a [u8],
    pos: usize,
    table: &WireTable,
    record: Option<&mut RawEvent<'a>>,
) -> Result<(RawEvent<'a>, usize, bool)> {
    let Some(&ty) = input.get(pos) else {
        return Err(Error::at(
            ErrorKind::UnexpectedEof { what: "event type" },
            pos as u64,
        ));
    };
    let Some(spec) = table.get(ty) else {
        return Err(Error::at(ErrorKind::InvalidEventType(ty), pos as u64));
    };
    let mut numbers = Numbers {
        input,
        pos: pos + 1,
        padded: false,
        widths: record.is_some().then(Vec::new),
    };
    let mut event = RawEvent::new(ty, &[]);
    for _ in 0..spec.args.len() {
        event.args.push(numbers.next("event arguments")?);
    }
    if spec.is_stack {
        // Go converts the count to int: counts of 2^63 and up read no frames at all.
        let nframes = event.args.get(1).copied().unwrap_or(0);
        let nframes = if nframes > i64::MAX as u64 {
            0
        } else {
            nframes
        };
        for _ in 0..nframes {
            let mut frame = [0u64; 4];
            for field in &mut frame {
                *field = numbers.next("stack frame")?;
            }
            event.frames.push(frame);
        }
    }
    if spec.has_data {
        let len = numbers.next("data length")?;
        if len > i64::MAX as u64 {
            // Go reads no data for such a length; remember it to write the bytes back.
            event.encoding = Some(Box::new(Encoding {
                widths: Vec::new(),
                declared_data_len: Some(len),
            }));
        } else if len > 0 {
            let start = numbers.pos;
            if len > (input.len() - start) as u64 {
                let what = "event data";
                return Err(Error::at(
                    ErrorKind::UnexpectedEof { what },
                    input.len() as u64,
                ));
            }
            let end = start + len as usize;
            event.data = Some(Cow::Borrowed(&input[start..end]));
            numbers.pos = end;
        }
    }
    if let Some(target) = record {
        let encoding = target.encoding.get_or_insert_with(Default::default);
        encoding.widths = numbers.widths.take().unwrap_or_default();
    }
    Ok((event, numbers.pos, numbers.padded))
}

/// A whole trace as a flat list of wire events, plus its exact header bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawTrace<'a> {
    /// The header bytes exactly as read (16 for a runtime-written trace).
    pub header: Cow<'a, [u8]>,
    /// The version the header names.
    pub version: Version,
    /// Every event, in file order.
    pub events: Vec<RawEvent<'a>>,
}

impl<'a> RawTrace<'a> {
    /// An empty trace with the canonical header of `version`.
    pub fn new(version: Version) -> RawTrace<'static> {
        RawTrace {
            header: Cow::Owned(version.header().to_vec()),
            version,
            events: Vec::new(),
        }
    }

    /// Decodes a whole trace with the widest table that `toolchain` uses for its version.
    pub fn parse(input: &'a [u8], toolchain: Toolchain) -> Result<RawTrace<'a>> {
        let mut reader = RawReader::new(input, toolchain)?;
        // Events take two to four bytes each; the cap keeps a huge input from reserving
        // far more than it will fill before the first error.
        let mut events = Vec::with_capacity((input.len() / 3).min(1 << 14));
        for item in &mut reader {
            events.push(item?.1);
        }
        Ok(RawTrace {
            header: Cow::Borrowed(reader.header()),
            version: reader.version(),
            events,
        })
    }

    /// The wire bytes: the exact inverse of [`RawTrace::parse`].
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.header.len() + 16 * self.events.len());
        out.extend_from_slice(&self.header);
        for e in &self.events {
            e.encode(&mut out);
        }
        out
    }
}

/// Reads the header of `input` as `toolchain` does; returns the version and header length.
pub fn read_header(input: &[u8], toolchain: Toolchain) -> Result<(Version, usize)> {
    let header = scan_header(input).ok_or_else(|| Error::at(ErrorKind::BadHeader, 0))?;
    let unsupported = || Error::at(ErrorKind::UnsupportedVersion(header.number), 0);
    let version = Version::from_number(header.number).ok_or_else(unsupported)?;
    if !toolchain.accepts(version) {
        return Err(unsupported());
    }
    Ok((version, header.len))
}

/// Streams the wire events of a trace, as `go tool trace -d=wire` reads them.
pub struct RawReader<'a> {
    input: &'a [u8],
    header_len: usize,
    version: Version,
    table: WireTable,
    pos: usize,
    index: u64,
    failed: bool,
}

impl<'a> RawReader<'a> {
    /// Checks the header as `toolchain` would and positions at the first event.
    pub fn new(input: &'a [u8], toolchain: Toolchain) -> Result<RawReader<'a>> {
        let (version, header_len) = read_header(input, toolchain)?;
        let table = WireTable::new(toolchain, version).unwrap_or_else(WireTable::full);
        Ok(RawReader {
            input,
            header_len,
            version,
            table,
            pos: header_len,
            index: 0,
            failed: false,
        })
    }

    /// The header bytes as read.
    pub fn header(&self) -> &'a [u8] {
        &self.input[..self.header_len]
    }

    /// The trace's version.
    pub fn version(&self) -> Version {
        self.version
    }

    /// The table in use.
    pub fn table(&self) -> &WireTable {
        &self.table
    }

    /// Byte offset of the next event.
    pub fn offset(&self) -> u64 {
        self.pos as u64
    }
}

impl<'a> Iterator for RawReader<'a> {
    /// The event's byte offset and the event.
    type Item = Result<(u64, RawEvent<'a>)>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.pos >= self.input.len() {
            return None;
        }
        let start = self.pos;
        match decode_event(self.input, start, &self.table) {
            Ok((event, next)) => {
                self.pos = next;
                self.index += 1;
                Some(Ok((start as u64, event)))
            }
            Err(e) => {
                self.failed = true;
                Some(Err(e.with_event(self.index)))
            }
        }
    }
}

/// Strict-mode check: rejects an event that the trace's version never writes (Go 1.23+
/// parsers accept such events silently, so this is opt-in).
pub fn check_event_in_version(ty: EventType, version: Version, offset: u64) -> Result<()> {
    let spec = crate::spec::spec(ty);
    let exists = match spec.since {
        Some(since) => since <= version,
        None => false,
    };
    // EndOfGeneration is defined from Go 1.25 on but only appears on the wire in go 1.26.
    if exists || (ty == ev::END_OF_GENERATION && version >= Version::Go126) {
        Ok(())
    } else {
        Err(Error::at(
            ErrorKind::EventNotInVersion {
                ty,
                name: spec.name,
                version,
            },
            offset,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trace_bytes(version: Version, body: &[u8]) -> Vec<u8> {
        let mut v = version.header().to_vec();
        v.extend_from_slice(body);
        v
    }

    #[test]
    fn padded_batch_size_round_trips() {
        let mut body = vec![ev::EVENT_BATCH, 1, 5, 9];
        varint::write_padded(&mut body, 3, 10);
        body.extend_from_slice(&[ev::PROC_STOP, 0x81, 0x00]);
        body.extend_from_slice(&[ev::STRINGS, ev::STRING, 1, 0]);
        let bytes = trace_bytes(Version::Go126, &body);
        let trace = RawTrace::parse(&bytes, Toolchain::Go1_27).unwrap();
        assert_eq!(trace.events.len(), 4);
        let enc = trace.events[0].encoding.as_ref().unwrap();
        assert_eq!(enc.widths, vec![1, 1, 1, 10]);
        assert_eq!(trace.events[1].encoding.as_ref().unwrap().widths, vec![2]);
        assert_eq!(trace.events[1].args[0], 1);
        assert!(trace.events[3].data.is_none());
        assert_eq!(trace.to_bytes(), bytes);
    }

    /// The computed length matches the bytes written, for padded numbers too.
    #[test]
    fn encoded_len_matches_encode() {
        let mut body = vec![ev::EVENT_BATCH, 1, 5, 9];
        varint::write_padded(&mut body, 6, 10);
        body.extend_from_slice(&[ev::PROC_STOP, 0x81, 0x00]);
        body.extend_from_slice(&[ev::STRINGS, ev::STRING, 1, 2, b'h', b'i']);
        let mut traces = vec![trace_bytes(Version::Go126, &body)];
        let config = crate::gen::Config::default();
        traces.extend((0..4).map(|seed| crate::gen::generate(&config, seed)));
        for bytes in &traces {
            let trace = RawTrace::parse(bytes, Toolchain::Go1_27).unwrap();
            for e in &trace.events {
                let mut out = Vec::new();
                e.encode(&mut out);
                assert_eq!(e.encoded_len(), out.len(), "{e:?}");
            }
        }
    }

    #[test]
    fn tables_follow_the_toolchain() {
        let bytes = trace_bytes(Version::Go122, &[ev::GO_SWITCH, 0, 1, 1]);
        let err = RawTrace::parse(&bytes, Toolchain::Go1_27).unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidEventType(ev::GO_SWITCH));
        assert_eq!(err.location.offset, 16);
        assert!(RawTrace::parse(&bytes, Toolchain::Go1_23).is_ok());
        let err =
            RawTrace::parse(&trace_bytes(Version::Go126, &[]), Toolchain::Go1_25).unwrap_err();
        assert_eq!(err.kind, ErrorKind::UnsupportedVersion(26));
    }

    #[test]
    fn huge_counts_allocate_nothing_up_front() {
        let mut body = vec![ev::STACK, 1];
        varint::write(&mut body, 1 << 40);
        let err =
            RawTrace::parse(&trace_bytes(Version::Go126, &body), Toolchain::Go1_27).unwrap_err();
        assert!(matches!(err.kind, ErrorKind::UnexpectedEof { .. }));
        let mut body = vec![ev::STRING, 1];
        varint::write(&mut body, u64::MAX);
        let bytes = trace_bytes(Version::Go126, &body);
        let trace = RawTrace::parse(&bytes, Toolchain::Go1_27).unwrap();
        assert!(trace.events[0].data.is_none());
        assert_eq!(trace.to_bytes(), bytes);
    }

    #[test]
    fn strict_mode_names_events_missing_from_the_version() {
        assert!(check_event_in_version(ev::GO_SWITCH, Version::Go123, 0).is_ok());
        let err = check_event_in_version(ev::GO_SWITCH, Version::Go122, 7).unwrap_err();
        assert!(matches!(
            err.kind,
            ErrorKind::EventNotInVersion {
                ty: ev::GO_SWITCH,
                ..
            }
        ));
        assert!(check_event_in_version(ev::END_OF_GENERATION, Version::Go125, 0).is_err());
        assert!(check_event_in_version(ev::END_OF_GENERATION, Version::Go126, 0).is_ok());
        assert!(check_event_in_version(ev::SPAN_ALLOC, Version::Go122, 0).is_err());
    }
}
