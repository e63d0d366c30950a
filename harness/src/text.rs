//! Go's raw text form of a trace (`internal/trace/raw`): a `Trace Go1.NN` line, then one
//! line per wire event, stack frames and data on indented lines below their event.
//!
//! Writing with [`TextStyle::Go`] gives exactly the lines `go tool trace -d=wire` prints.
//! [`TextStyle::Lossless`] adds `#!` directive lines, which Go's reader skips as comments,
//! for whatever the plain form cannot say, so that text assembles back to the same bytes:
//! - `#! header "<Go-quoted bytes>"` after the first line: a non-canonical header;
//! - `#! width NAME=N ...` before an event, frame or data line: numbers written in N bytes
//!   (`len` names the data length);
//! - `#! datalen N` before a data line: a declared length of 2^63 or more, which Go reads
//!   as no data;
//! - `#! type N` in place of an event: a bare type byte that the release's table names
//!   nothing (Go prints an empty line for it, which no reader can tell from a blank one);
//!
//! and it prints `data=""` for zero-length data, which the plain form omits.

use std::borrow::Cow;

use crate::error::{Error, ErrorKind, Result};
use crate::gostr;
use crate::raw::{Encoding, RawEvent, RawTrace};
use crate::spec::{ev, WireTable, FRAME_FIELDS};
use crate::varint;
use crate::version::{Toolchain, Version};

/// Which flavour of the text form to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextStyle {
    /// Exactly what Go prints.
    Go,
    /// Go's lines plus `#!` directives, enough to reassemble the exact bytes.
    Lossless,
}

/// The first line: `Trace Go1.NN`.
pub fn header_line(version: Version) -> String {
    format!("Trace Go1.{}", version.number())
}

/// Writes a whole trace: header line, optional header directive, then every event.
pub fn write_trace(out: &mut String, trace: &RawTrace<'_>, table: &WireTable, style: TextStyle) {
    write_preamble(out, trace.version, &trace.header, style);
    for e in &trace.events {
        write_event(out, e, table, style);
    }
}

/// Appends the `Trace Go1.NN` line and, in the lossless style, a `#! header` directive
/// when the header bytes are not the canonical ones.
pub fn write_preamble(out: &mut String, version: Version, header: &[u8], style: TextStyle) {
    out.push_str(&header_line(version));
    out.push('\n');
    if style == TextStyle::Lossless && header != &version.header()[..] {
        out.push_str("#! header ");
        gostr::quote_into(out, header);
        out.push('\n');
    }
}

/// Appends one event as Go's `raw.Event.String()` plus a newline.
pub fn write_event(out: &mut String, event: &RawEvent<'_>, table: &WireTable, style: TextStyle) {
    use std::fmt::Write;
    let spec = table.spec(event.ty);
    let names = table.arg_names(event.ty);
    let lossless = style == TextStyle::Lossless;
    if lossless && !spec.is_defined() {
        let _ = writeln!(out, "#! type {}", event.ty);
        return;
    }
    let mut index = 0;
    // A `#! width` line for the numbers of the next printed line that are not canonical.
    let widths_line = |out: &mut String, index: usize, values: &[u64], names: &[&str]| {
        let mut first = true;
        for (i, (&v, name)) in values.iter().zip(names).enumerate() {
            let width = event.width_of(index + i, v);
            if width != varint::canonical_len(v) {
                out.push_str(if first { "#! width" } else { "" });
                first = false;
                let _ = write!(out, " {name}={width}");
            }
        }
        if !first {
            out.push('\n');
        }
    };
    if lossless && event.encoding.is_some() {
        widths_line(out, index, &event.args, names);
    }
    index += event.args.len();
    out.push_str(spec.name);
    for (name, value) in names.iter().zip(event.args.iter()) {
        let _ = write!(out, " {name}={value}");
    }
    for frame in &event.frames {
        out.push('\n');
        if lossless && event.encoding.is_some() {
            widths_line(out, index, frame, &FRAME_FIELDS);
        }
        index += 4;
        out.push('\t');
        for (i, (name, value)) in FRAME_FIELDS.iter().zip(frame).enumerate() {
            let _ = write!(out, "{}{name}={value}", if i == 0 { "" } else { " " });
        }
    }
    if spec.has_data && (event.data.is_some() || lossless) {
        out.push('\n');
        if lossless {
            if let Some(declared) = event.encoding.as_ref().and_then(|e| e.declared_data_len) {
                let _ = writeln!(out, "#! datalen {declared}");
            }
            if event.encoding.is_some() {
                widths_line(out, index, &[event.data_len()], &["len"]);
            }
        }
        out.push_str("\tdata=");
        gostr::quote_into(out, event.data.as_deref().unwrap_or_default());
    }
    out.push('\n');
}

/// Directives collected from `#!` lines, applied to the next line.
#[derive(Default)]
struct Pending {
    widths: Vec<(String, u8)>,
    datalen: Option<u64>,
}

/// One line of text input: its bytes (without the newline), byte offset and number.
#[derive(Clone, Copy)]
struct Line<'a> {
    bytes: &'a [u8],
    offset: u64,
    number: u64,
    /// Set by a `#! type N` directive, which stands for an unnamed event.
    unnamed_type: Option<u8>,
}

/// Splits text into lines the way Go's `bufio.Scanner` does (dropping a `\r` before `\n`),
/// reporting lines Go would find too long.
struct Lines<'a> {
    input: &'a [u8],
    pos: usize,
    number: u64,
}

/// Go's scanner gives up on a line of this many bytes or more.
const MAX_LINE: usize = 64 * 1024;

impl<'a> Lines<'a> {
    fn next_raw(&mut self) -> Option<Result<Line<'a>>> {
        if self.pos >= self.input.len() {
            return None;
        }
        let start = self.pos;
        let rest = &self.input[start..];
        let (len, advance) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (i, i + 1),
            None => (rest.len(), rest.len()),
        };
        self.pos += advance;
        self.number += 1;
        if len >= MAX_LINE {
            return Some(Err(Error::at_line(
                ErrorKind::LineTooLong,
                start as u64,
                self.number,
            )));
        }
        let mut bytes = &rest[..len];
        if advance > len {
            bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        }
        Some(Ok(Line {
            bytes,
            offset: start as u64,
            number: self.number,
            unnamed_type: None,
        }))
    }
}

/// Splits off the first token: Go's `readToken`, where `#` starts a comment and ends a
/// token. Returns the token (empty if none) and the rest.
fn read_token(s: &[u8]) -> (&[u8], &[u8]) {
    let mut i = 0;
    let start = loop {
        match gostr::decode_rune(&s[i..]) {
            None => return (&[], &[]),
            Some(('#', _)) => return (&[], &[]),
            Some((c, w)) if gostr::is_space(c) => i += w,
            Some(_) => break i,
        }
    };
    let mut end = start;
    while let Some((c, w)) = gostr::decode_rune(&s[end..]) {
        if gostr::is_space(c) || c == '#' {
            break;
        }
        end += w;
    }
    (&s[start..end], &s[end..])
}

fn only_spaces(mut s: &[u8]) -> bool {
    while let Some((c, w)) = gostr::decode_rune(s) {
        if !gostr::is_space(c) {
            return false;
        }
        s = &s[w..];
    }
    true
}

fn lossy(s: &[u8]) -> String {
    String::from_utf8_lossy(s).into_owned()
}

/// Parses a decimal number as Go's `strconv.ParseUint(s, 10, 64)` does.
fn parse_u64(s: &[u8]) -> Option<u64> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    s.iter().try_fold(0u64, |acc, &d| {
        acc.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    })
}

/// Reads `name=value` arguments with the given names, then requires only spaces after.
fn read_args(mut s: &[u8], names: &[&str], values: &mut Vec<u64>) -> Result<(), String> {
    for &name in names {
        let (tok, rest) = read_token(s);
        if tok.is_empty() {
            return Err("no argument".into());
        }
        let Some(eq) = tok.iter().position(|&b| b == b'=') else {
            return Err(format!("malformed argument: {}", gostr::quote(tok)));
        };
        let (arg, value) = (&tok[..eq], &tok[eq + 1..]);
        let Some(value) = parse_u64(value) else {
            return Err(format!(
                "failed to parse argument value {} for arg {}",
                gostr::quote(value),
                gostr::quote(arg)
            ));
        };
        if arg != name.as_bytes() {
            return Err(format!(
                "expected argument {}, but got {}",
                gostr::quote(name.as_bytes()),
                gostr::quote(arg)
            ));
        }
        values.push(value);
        s = rest;
    }
    if !only_spaces(s) {
        return Err(format!(
            "encountered unexpected non-space at the end of an event: {}",
            gostr::quote(s)
        ));
    }
    Ok(())
}

/// Reads Go's raw text form (or a golden `.test` file's trace section) into wire events.
///
/// `toolchain` picks whose table names the events; `None` accepts every event of the full
/// table and both spellings of CPUSample's arguments.
pub struct TextReader<'a> {
    lines: Lines<'a>,
    table: WireTable,
    /// The version named by the first line.
    pub version: Version,
    /// Header bytes given by a `#! header` directive, if any.
    pub header: Option<Vec<u8>>,
    pending: Pending,
    failed: bool,
}

impl<'a> TextReader<'a> {
    /// Reads the `Trace Go1.NN` line (and an optional `#! header` directive).
    pub fn new(input: &'a [u8], toolchain: Option<Toolchain>) -> Result<TextReader<'a>> {
        let mut lines = Lines {
            input,
            pos: 0,
            number: 0,
        };
        let mut pending = Pending::default();
        let mut header = None;
        let first = next_line(&mut lines, &mut pending, &mut header, true)?
            .ok_or_else(|| Error::at_line(ErrorKind::TextHeader("no header line".into()), 0, 1))?;
        let bad =
            |msg: String| Error::at_line(ErrorKind::TextHeader(msg), first.offset, first.number);
        let (trace_tok, rest) = read_token(first.bytes);
        if trace_tok != b"Trace" {
            return Err(bad("failed to parse header".into()));
        }
        let (go_tok, rest) = read_token(rest);
        let number = go_tok
            .strip_prefix(b"Go1.")
            .ok_or_else(|| bad("failed to parse header Go version".into()))?;
        let number =
            parse_u64(number).ok_or_else(|| bad("failed to parse header Go version".into()))?;
        let version = u32::try_from(number)
            .ok()
            .and_then(Version::from_number)
            .filter(|v| toolchain.map_or(!v.is_v1(), |t| t.accepts(*v)))
            .ok_or_else(|| bad(format!("unknown or unsupported Go version 1.{number}")))?;
        if !only_spaces(rest) {
            return Err(bad(format!(
                "encountered unexpected non-space at the end of the header: {}",
                gostr::quote(rest)
            )));
        }
        let table = match toolchain {
            Some(t) => WireTable::new(t, version).unwrap_or_else(WireTable::full),
            None => WireTable::full(),
        };
        Ok(TextReader {
            lines,
            table,
            version,
            header,
            pending,
            failed: false,
        })
    }

    fn next_line(&mut self) -> Result<Option<Line<'a>>> {
        next_line(&mut self.lines, &mut self.pending, &mut self.header, false)
    }

    fn read_event(&mut self) -> Result<Option<RawEvent<'static>>> {
        let Some(line) = self.next_line()? else {
            return Ok(None);
        };
        let fail = |kind| Error::at_line(kind, line.offset, line.number);
        if let Some(ty) = line.unnamed_type {
            if !self.table.contains(ty) {
                let detail = format!("type {ty} is not a readable type byte");
                return Err(fail(ErrorKind::BadDirective(detail)));
            }
            return Ok(Some(RawEvent::new(ty, &[])));
        }
        let pending = std::mem::take(&mut self.pending);
        let (name, rest) = read_token(line.bytes);
        let ty = std::str::from_utf8(name)
            .ok()
            .and_then(|n| self.table.by_name(n))
            .ok_or_else(|| fail(ErrorKind::UnknownEventName(lossy(name))))?;
        let spec = self.table.spec(ty);
        let mut values = Vec::with_capacity(spec.args.len());
        let mut names = self.table.arg_names(ty);
        let mut result = read_args(rest, names, &mut values);
        if result.is_err() && ty == ev::CPU_SAMPLE {
            // Go 1.22 spelled CPUSample's arguments differently; accept either spelling.
            let other = WireTable::new(Toolchain::Go1_22, Version::Go122).map(|t| t.arg_names(ty));
            if let Some(other) = other.filter(|n| *n != names) {
                let mut other_values = Vec::with_capacity(other.len());
                if read_args(rest, other, &mut other_values).is_ok() {
                    (names, values, result) = (other, other_values, Ok(()));
                }
            }
        }
        result.map_err(|detail| {
            fail(ErrorKind::BadArguments {
                event: lossy(name),
                detail,
            })
        })?;
        let mut event = RawEvent::new(ty, &values);
        let mut widths = Widths::default();
        // Width directives name arguments as the line spelled them.
        widths
            .add(&pending.widths, names, &values)
            .map_err(|d| fail(ErrorKind::BadDirective(d)))?;
        if spec.is_stack {
            let nframes = values[1];
            let nframes = if nframes > i64::MAX as u64 {
                0
            } else {
                nframes
            };
            for _ in 0..nframes {
                let Some(frame_line) = self.next_line()? else {
                    return Err(fail(ErrorKind::BadFrame(format!(
                        "unexpected EOF while reading stack: args={values:?}"
                    ))));
                };
                if frame_line.unnamed_type.is_some() {
                    return Err(fail(ErrorKind::BadFrame("expected a frame line".into())));
                }
                let pending = std::mem::take(&mut self.pending);
                let mut frame = Vec::with_capacity(4);
                read_args(frame_line.bytes, &FRAME_FIELDS, &mut frame).map_err(|d| {
                    Error::at_line(ErrorKind::BadFrame(d), frame_line.offset, frame_line.number)
                })?;
                widths
                    .add(&pending.widths, &FRAME_FIELDS, &frame)
                    .map_err(|d| {
                        Error::at_line(
                            ErrorKind::BadDirective(d),
                            frame_line.offset,
                            frame_line.number,
                        )
                    })?;
                event.frames.push([frame[0], frame[1], frame[2], frame[3]]);
            }
        }
        let mut declared_data_len = None;
        if spec.has_data {
            let Some(data_line) = self.next_line()? else {
                return Err(fail(ErrorKind::BadData(format!(
                    "unexpected EOF while reading data for {}: args={values:?}",
                    lossy(name)
                ))));
            };
            if data_line.unnamed_type.is_some() {
                return Err(fail(ErrorKind::BadData("expected a data line".into())));
            }
            let pending = std::mem::take(&mut self.pending);
            let data = read_data(data_line.bytes).map_err(|d| {
                Error::at_line(ErrorKind::BadData(d), data_line.offset, data_line.number)
            })?;
            declared_data_len = pending.datalen;
            let len = declared_data_len.unwrap_or(data.len() as u64);
            widths.add(&pending.widths, &["len"], &[len]).map_err(|d| {
                Error::at_line(
                    ErrorKind::BadDirective(d),
                    data_line.offset,
                    data_line.number,
                )
            })?;
            if declared_data_len.is_none() && !data.is_empty() {
                event.data = Some(Cow::Owned(data));
            }
        }
        if widths.any || declared_data_len.is_some() {
            let widths = if widths.any { widths.list } else { Vec::new() };
            event.encoding = Some(Box::new(Encoding {
                widths,
                declared_data_len,
            }));
        }
        Ok(Some(event))
    }

    /// Reads every remaining event into a trace.
    pub fn into_trace(mut self) -> Result<RawTrace<'static>> {
        let mut events = Vec::new();
        for e in &mut self {
            events.push(e?);
        }
        let header = self
            .header
            .take()
            .unwrap_or_else(|| self.version.header().to_vec());
        Ok(RawTrace {
            header: Cow::Owned(header),
            version: self.version,
            events,
        })
    }
}

impl Iterator for TextReader<'_> {
    type Item = Result<RawEvent<'static>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let item = self.read_event().transpose();
        if matches!(item, Some(Err(_))) {
            self.failed = true;
        }
        item
    }
}

/// Number widths of one event in wire order, filled from `#! width` directives.
#[derive(Default)]
struct Widths {
    list: Vec<u8>,
    any: bool,
}

impl Widths {
    fn add(
        &mut self,
        directives: &[(String, u8)],
        names: &[&str],
        values: &[u64],
    ) -> Result<(), String> {
        for (name, _) in directives {
            if !names.contains(&name.as_str()) {
                return Err(format!("no number named {name} on this line"));
            }
        }
        for (name, &value) in names.iter().zip(values) {
            let canonical = varint::canonical_len(value);
            let width = match directives.iter().find(|(n, _)| n == name) {
                Some(&(_, w)) => {
                    if !(canonical..=varint::MAX_LEN).contains(&(w as usize)) {
                        return Err(format!("{name}={value} cannot be written in {w} bytes"));
                    }
                    self.any |= w as usize != canonical;
                    w
                }
                None => canonical as u8,
            };
            self.list.push(width);
        }
        Ok(())
    }
}

/// Parses `data=<quoted>` as Go's `readData` does.
fn read_data(line: &[u8]) -> Result<Vec<u8>, String> {
    let malformed = || format!("malformed data: {}", gostr::quote(line));
    let eq = line.iter().position(|&b| b == b'=').ok_or_else(malformed)?;
    if trim_spaces(&line[..eq]) != b"data" {
        return Err(malformed());
    }
    gostr::unquote(trim_spaces(&line[eq + 1..])).ok_or_else(|| {
        format!(
            "failed to parse data: {}: invalid syntax",
            gostr::quote(line)
        )
    })
}

fn trim_spaces(mut s: &[u8]) -> &[u8] {
    while let Some((c, w)) = gostr::decode_rune(s) {
        if !gostr::is_space(c) {
            break;
        }
        s = &s[w..];
    }
    while let Some(last) = last_rune(s) {
        if !gostr::is_space(last.0) {
            break;
        }
        s = &s[..s.len() - last.1];
    }
    s
}

fn last_rune(s: &[u8]) -> Option<(char, usize)> {
    (1..=4.min(s.len()))
        .filter_map(|w| gostr::decode_rune(&s[s.len() - w..]).filter(|&(_, n)| n == w))
        .find(|&(c, w)| w == 1 || c != char::REPLACEMENT_CHARACTER)
}

/// The next line that is not blank or a comment; `#!` directives on the way are collected
/// into `pending` (a `#! header` only after the first line, `first` being false).
fn next_line<'a>(
    lines: &mut Lines<'a>,
    pending: &mut Pending,
    header: &mut Option<Vec<u8>>,
    first: bool,
) -> Result<Option<Line<'a>>> {
    while let Some(line) = lines.next_raw() {
        let line = line?;
        let (tok, _) = read_token(line.bytes);
        if !tok.is_empty() {
            return Ok(Some(line));
        }
        let trimmed = trim_spaces(line.bytes);
        if let Some(directive) = trimmed.strip_prefix(b"#!") {
            let unnamed = parse_directive(directive, pending, header, first).map_err(|d| {
                Error::at_line(ErrorKind::BadDirective(d), line.offset, line.number)
            })?;
            if unnamed.is_some() {
                return Ok(Some(Line {
                    unnamed_type: unnamed,
                    ..line
                }));
            }
        }
    }
    Ok(None)
}

fn parse_directive(
    directive: &[u8],
    pending: &mut Pending,
    header: &mut Option<Vec<u8>>,
    first: bool,
) -> Result<Option<u8>, String> {
    let text = std::str::from_utf8(directive)
        .map_err(|_| "not UTF-8".to_string())?
        .trim();
    let (word, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    let rest = rest.trim();
    match word {
        "header" if !first => {
            let bytes = gostr::unquote(rest.as_bytes()).ok_or("header: bad quoted string")?;
            let parsed = crate::version::scan_header(&bytes).ok_or("header: not a trace header")?;
            if parsed.len != bytes.len() {
                return Err("header: extra bytes after the header".into());
            }
            *header = Some(bytes);
        }
        "width" => {
            for item in rest.split_whitespace() {
                let (name, width) = item.split_once('=').ok_or("width: expected NAME=N")?;
                let width = width.parse::<u8>().map_err(|_| "width: bad number")?;
                pending.widths.push((name.to_string(), width));
            }
        }
        "datalen" => pending.datalen = Some(rest.parse().map_err(|_| "datalen: bad number")?),
        "type" if !first => return Ok(Some(rest.parse().map_err(|_| "type: bad number")?)),
        _ => return Err(format!("unknown directive {word:?}")),
    }
    Ok(None)
}

/// Assembles text (plain, lossless or a golden `.test` file) into trace bytes.
pub fn assemble(input: &[u8]) -> Result<Vec<u8>> {
    let text = match crate::golden::GoldenFile::parse(input) {
        Ok(golden) => golden.trace,
        Err(_) => input,
    };
    Ok(TextReader::new(text, None)?.into_trace()?.to_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(bytes: &[u8]) {
        let trace = RawTrace::parse(bytes, Toolchain::Go1_27).unwrap();
        let mut text = String::new();
        write_trace(&mut text, &trace, &WireTable::full(), TextStyle::Lossless);
        let back = TextReader::new(text.as_bytes(), None)
            .unwrap()
            .into_trace()
            .unwrap();
        assert_eq!(back.to_bytes(), bytes, "text was:\n{text}");
    }

    #[test]
    fn lossless_text_round_trips_odd_encodings() {
        let mut b = b"go  1.26 trace\0\0\0".to_vec();
        b.extend_from_slice(&[ev::EVENT_BATCH, 1, 2, 3]);
        varint::write_padded(&mut b, 9, 10);
        b.extend_from_slice(&[
            ev::STRINGS,
            ev::STRING,
            1,
            0,
            ev::STRING,
            2,
            3,
            b'a',
            b'"',
            0xff,
        ]);
        b.extend_from_slice(&[ev::STACKS, ev::STACK, 1, 2, 1, 2, 3, 0x84, 0x00, 5, 6, 7, 8]);
        b.extend_from_slice(&[ev::STRING, 3, 0x80, 0x00]);
        round_trip(&b);
    }

    #[test]
    fn widths_follow_the_printed_argument_names() {
        // A padded CPUSample argument under Go 1.22's spelling of its names.
        let mut b = Version::Go122.header().to_vec();
        b.extend_from_slice(&[ev::CPU_SAMPLE, 45, 2, 1, 0x80, 0x80, 0x80, 0x00, 55]);
        let trace = RawTrace::parse(&b, Toolchain::Go1_22).unwrap();
        let table = WireTable::new(Toolchain::Go1_22, Version::Go122).unwrap();
        let mut text = String::new();
        write_trace(&mut text, &trace, &table, TextStyle::Lossless);
        assert!(
            text.contains("#! width m=4\nCPUSample time=45 p=2 g=1 m=0 stack=55"),
            "{text}"
        );
        let back = TextReader::new(text.as_bytes(), Some(Toolchain::Go1_22)).unwrap();
        assert_eq!(back.into_trace().unwrap().to_bytes(), b);
        assert_eq!(assemble(text.as_bytes()).unwrap(), b);
    }

    #[test]
    fn go_style_matches_raw_event_string() {
        let mut b = Version::Go126.header().to_vec();
        b.extend_from_slice(&[ev::STACK, 4, 1, 1, 2, 3, 4, ev::STRING, 1, 2, b'h', b'\n']);
        b.extend_from_slice(&[ev::GO_STATUS, 1, 2, 3, 4, ev::END_OF_GENERATION]);
        let trace = RawTrace::parse(&b, Toolchain::Go1_27).unwrap();
        let mut text = String::new();
        write_trace(&mut text, &trace, &WireTable::full(), TextStyle::Go);
        let expected = "Trace Go1.26\nStack id=4 nframes=1\n\tpc=1 func=2 file=3 line=4\n\
                        String id=1\n\tdata=\"h\\n\"\nGoStatus dt=1 g=2 m=3 gstatus=4\nEndOfGeneration\n";
        assert_eq!(text, expected);
    }

    #[test]
    fn reader_follows_go_rules() {
        let t = b"# comment\n\nTrace Go1.22\n  # c\nProcStop dt=1 \r\nCPUSample time=1 p=2 g=3 m=4 stack=5\n";
        let trace = TextReader::new(t, None).unwrap().into_trace().unwrap();
        assert_eq!(trace.events.len(), 2);
        assert_eq!(&trace.events[1].args[..], &[1, 2, 3, 4, 5]);
        let err = TextReader::new(b"Trace Go1.22\nProcStop dt=1 # x\n", None)
            .unwrap()
            .into_trace();
        assert!(matches!(
            err.unwrap_err().kind,
            ErrorKind::BadArguments { .. }
        ));
        let err = TextReader::new(b"Trace Go1.22\nGoStart dt=1 g=+2 g_seq=1\n", None)
            .unwrap()
            .into_trace();
        assert_eq!(err.unwrap_err().location.line, Some(2));
        let err = TextReader::new(b"Trace Go1.22\nNope\n", None)
            .unwrap()
            .into_trace()
            .unwrap_err();
        assert_eq!(err.kind, ErrorKind::UnknownEventName("Nope".into()));
        assert!(TextReader::new(b"Trace Go1.24\n", None).is_err());
        assert!(TextReader::new(b"Trace Go1.23\n", Some(Toolchain::Go1_22)).is_err());
        let err = TextReader::new(b"Trace Go1.22\nString id=1\n", None)
            .unwrap()
            .into_trace();
        assert!(matches!(err.unwrap_err().kind, ErrorKind::BadData(_)));
    }
}
