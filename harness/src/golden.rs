//! Go's golden test files: txtar archives with an `expect` part (`SUCCESS` or
//! `FAILURE "<Go-quoted regexp>"`) and a `trace` part in the raw text form.

use crate::error::{Error, ErrorKind, Result};
use crate::gostr;
use crate::raw::RawTrace;
use crate::spec::WireTable;
use crate::text::TextStyle;
use crate::version::Toolchain;

/// What a golden test expects of the parser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expectation {
    /// The trace parses and validates.
    Success,
    /// Parsing fails with an error whose Go text matches this regular expression.
    Failure(String),
}

/// A parsed golden `.test` file.
#[derive(Clone, Debug)]
pub struct GoldenFile<'a> {
    /// The expected outcome.
    pub expect: Expectation,
    /// The trace part, in the raw text form.
    pub trace: &'a [u8],
}

/// The files of a txtar archive, with Go's `txtar` rules: a marker line is `-- NAME --`,
/// and the bytes before the first marker are a comment.
pub fn txtar_files(input: &[u8]) -> Vec<(String, &[u8])> {
    let mut files: Vec<(String, &[u8])> = Vec::new();
    let mut current: Option<(String, usize)> = None;
    let mut pos = 0;
    while pos < input.len() {
        let end = input[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(input.len(), |i| pos + i);
        let line = &input[pos..end];
        let next = (end + 1).min(input.len());
        if let Some(name) = marker_name(line) {
            if let Some((n, start)) = current.take() {
                files.push((n, &input[start..pos]));
            }
            current = Some((name, next));
        }
        pos = next;
    }
    if let Some((n, start)) = current {
        files.push((n, &input[start.min(input.len())..]));
    }
    files
}

fn marker_name(line: &[u8]) -> Option<String> {
    if line.len() < 5 || !line.starts_with(b"-- ") || !line.ends_with(b" --") {
        return None;
    }
    let name = &line[3..line.len() - 3];
    Some(String::from_utf8_lossy(name).trim().to_string())
}

impl<'a> GoldenFile<'a> {
    /// Parses a golden file: exactly two parts, `expect` then `trace`.
    pub fn parse(input: &'a [u8]) -> Result<GoldenFile<'a>> {
        let bad = |msg: String| Error::at(ErrorKind::BadGoldenFile(msg), 0);
        let files = txtar_files(input);
        if files.len() != 2 {
            return Err(bad("wrong number of files".into()));
        }
        if files[0].0 != "expect" {
            return Err(bad(format!("bad filename {}", files[0].0)));
        }
        if files[1].0 != "trace" {
            return Err(bad(format!("bad filename {}", files[1].0)));
        }
        let first = files[0].1.split(|&b| b == b'\n').next().unwrap_or_default();
        let first = first.strip_suffix(b"\r").unwrap_or(first);
        let first = String::from_utf8_lossy(first);
        let expect = match first.split_once(' ') {
            None if first == "SUCCESS" => Expectation::Success,
            Some(("SUCCESS", _)) => Expectation::Success,
            Some(("FAILURE", quoted)) => {
                let pattern = gostr::unquote(quoted.as_bytes()).ok_or_else(|| {
                    bad(format!("malformed pattern: not correctly quoted: {quoted}"))
                })?;
                Expectation::Failure(String::from_utf8_lossy(&pattern).into_owned())
            }
            _ => return Err(bad(format!("bad header line: {first:?}"))),
        };
        Ok(GoldenFile {
            expect,
            trace: files[1].1,
        })
    }
}

/// A SUCCESS golden test file as Go's `testgen` writes them: `-- expect --`, `SUCCESS`,
/// `-- trace --`, then `trace_text` (raw text form). Each line of `comment` goes before the
/// first marker, behind `# ` so that none can pass for a marker.
pub fn write_success_test(comment: &str, trace_text: &str) -> String {
    let mut out = String::with_capacity(comment.len() + trace_text.len() + 64);
    for line in comment.lines() {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("-- expect --\nSUCCESS\n-- trace --\n");
    out.push_str(trace_text);
    if !trace_text.is_empty() && !trace_text.ends_with('\n') {
        // txtar ends every file with a newline.
        out.push('\n');
    }
    out
}

/// A FAILURE golden test file in the form of Go's own: `-- expect --`, `FAILURE` and the
/// Go-quoted regular expression `pattern` that the parser's error message must match,
/// `-- trace --`, then `trace_text` (raw text form). `comment` goes first, as in
/// [`write_success_test`].
pub fn write_failure_test(comment: &str, pattern: &str, trace_text: &str) -> String {
    let mut out = String::with_capacity(comment.len() + pattern.len() + trace_text.len() + 64);
    for line in comment.lines() {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("-- expect --\nFAILURE ");
    gostr::quote_into(&mut out, pattern.as_bytes());
    out.push_str("\n-- trace --\n");
    out.push_str(trace_text);
    if !trace_text.is_empty() && !trace_text.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// A binary trace in the raw text form of the newest Go release that reads every one of its
/// events, and that release; `None` when no release's raw reader gets through it (a broken
/// header, a truncated event: such bytes have no text form).
pub fn trace_text_for_golden(bytes: &[u8]) -> Option<(String, Toolchain)> {
    GOLDEN_READERS.into_iter().find_map(|reader| {
        let trace = RawTrace::parse(bytes, reader).ok()?;
        let table = WireTable::new(reader, trace.version).unwrap_or_else(WireTable::full);
        let mut text = String::new();
        crate::text::write_trace(&mut text, &trace, &table, TextStyle::Go);
        Some((text, reader))
    })
}

/// Go releases that a generated golden file may target, newest first: the newest one whose
/// text reader knows every event of a trace is the one whose test runner should read it.
const GOLDEN_READERS: [Toolchain; 5] = [
    Toolchain::Go1_27,
    Toolchain::Go1_26,
    Toolchain::Go1_25,
    Toolchain::Go1_23,
    Toolchain::Go1_22,
];

/// A binary trace as a SUCCESS golden test file in the raw text form of the newest Go
/// release that reads every one of its events, and that release (named in the file's
/// comment, before `comment`). (Go 1.25 and later read
/// no alloc/free events in `go 1.23` traces' text, so those target Go 1.23.)
pub fn success_test(bytes: &[u8], comment: &str) -> Result<(String, Toolchain)> {
    let mut first_error = None;
    for reader in GOLDEN_READERS {
        match RawTrace::parse(bytes, reader) {
            Ok(trace) => {
                let table = WireTable::new(reader, trace.version).unwrap_or_else(WireTable::full);
                let mut text = String::new();
                crate::text::write_trace(&mut text, &trace, &table, TextStyle::Go);
                let comment =
                    format!("For the golden test runner of {reader}'s internal/trace.\n{comment}");
                return Ok((write_success_test(&comment, &text), reader));
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or_else(|| Error::at(ErrorKind::BadHeader, 0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_two_part_archives() {
        let f = b"comment\n-- expect --\nFAILURE \".*no P.*\"\n-- trace --\nTrace Go1.22\nProcStop dt=1\n";
        let g = GoldenFile::parse(f).unwrap();
        assert_eq!(g.expect, Expectation::Failure(".*no P.*".into()));
        assert_eq!(g.trace, b"Trace Go1.22\nProcStop dt=1\n");
        let ok = GoldenFile::parse(b"-- expect --\nSUCCESS\n-- trace --\nTrace Go1.22").unwrap();
        assert_eq!(ok.expect, Expectation::Success);
        assert!(GoldenFile::parse(b"-- trace --\nx\n").is_err());
        assert!(GoldenFile::parse(b"-- expect --\nMAYBE\n-- trace --\n").is_err());
    }

    #[test]
    fn written_success_tests_parse_back() {
        let text = "Trace Go1.22\nEventBatch gen=1 m=0 time=1 size=1\nStacks\n";
        let file = write_success_test("made by a test\n-- trace --", text);
        assert!(file.starts_with("# made by a test\n# -- trace --\n-- expect --\nSUCCESS\n"));
        let g = GoldenFile::parse(file.as_bytes()).unwrap();
        assert_eq!(g.expect, Expectation::Success);
        assert_eq!(g.trace, text.as_bytes());
        let unterminated = write_success_test("", "Trace Go1.22");
        assert_eq!(
            unterminated,
            "-- expect --\nSUCCESS\n-- trace --\nTrace Go1.22\n"
        );
    }

    #[test]
    fn written_failure_tests_parse_back() {
        let text = "Trace Go1.26\nEventBatch gen=0 m=0 time=1 size=1\nStacks\n";
        let pattern = r#"invalid generation number 0 "quoted" \d"#;
        let file = write_failure_test("made by a test", pattern, text);
        assert!(file.starts_with(
            "# made by a test\n-- expect --\nFAILURE \"invalid generation number 0 \\\"quoted\\\" \\\\d\"\n-- trace --\n"
        ), "{file}");
        let g = GoldenFile::parse(file.as_bytes()).unwrap();
        assert_eq!(g.expect, Expectation::Failure(pattern.into()));
        assert_eq!(g.trace, text.as_bytes());
        assert!(trace_text_for_golden(b"not a trace").is_none());
    }

    #[test]
    fn success_tests_target_the_newest_reader() {
        use crate::version::Version;
        // A go 1.23 batch holding one alloc/free Span event: only Go 1.23 reads it.
        let mut bytes = Version::Go123.header().to_vec();
        bytes.extend_from_slice(&[1, 1, 1, 1, 5, 128, 1, 1, 1, 1]);
        let (file, reader) = success_test(&bytes, "").unwrap();
        assert_eq!(reader, Toolchain::Go1_23);
        assert!(
            file.ends_with("Span dt=1 id=1 npages_value=1 kindclass=1\n"),
            "{file}"
        );
        // Without it, the newest release reads it.
        let mut bytes = Version::Go123.header().to_vec();
        bytes.extend_from_slice(&[1, 1, 1, 1, 2, 8, 1]);
        let (file, reader) = success_test(&bytes, "").unwrap();
        assert_eq!(reader, Toolchain::Go1_27);
        let tail =
            "-- trace --\nTrace Go1.23\nEventBatch gen=1 m=1 time=1 size=2\nFrequency freq=1\n";
        assert!(file.ends_with(tail), "{file}");
        assert!(success_test(b"go 1.23 trace", "").is_err());
    }
}

/// What running one golden file gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GoldenOutcome {
    /// The expectation held; for a FAILURE test, the error message Go would give.
    Pass(Option<String>),
    /// It did not, and why.
    Fail(String),
}

/// Runs a golden test as Go's `TestReaderGolden` does, with the parser and validator of Go
/// release `profile`: the trace part is assembled to bytes and ordered, and every event the
/// parser hands out must pass the validator ([`crate::validate`]), in FAILURE tests too; a
/// SUCCESS test must then order to the end, a FAILURE test must stop with an error whose
/// message its regular expression finds (unanchored, as Go's `MatchString`). The
/// validator's version is the trace's header version, as in Go.
pub fn run(input: &[u8], profile: crate::version::Toolchain) -> Result<GoldenOutcome> {
    let golden = GoldenFile::parse(input)?;
    let bytes = crate::text::TextReader::new(golden.trace, None)?
        .into_trace()?
        .to_bytes();
    let report = crate::validate::check_trace(&bytes[..], profile)?;
    if let Some(violation) = report.violations.first() {
        let more = report.violations.len() - 1;
        let more = if more == 0 {
            String::new()
        } else {
            format!(" (and {more} more)")
        };
        return Ok(GoldenOutcome::Fail(format!(
            "validation failed: {violation}{more}"
        )));
    }
    Ok(match (&golden.expect, report.error) {
        (Expectation::Success, None) => GoldenOutcome::Pass(None),
        (Expectation::Success, Some(e)) => {
            GoldenOutcome::Fail(format!("expected success, got: {e}"))
        }
        (Expectation::Failure(pattern), None) => {
            GoldenOutcome::Fail(format!("expected an error matching {pattern:?}, got none"))
        }
        (Expectation::Failure(pattern), Some(e)) => {
            let message = e.kind.go_message(profile);
            let re = regex::Regex::new(pattern).map_err(|err| {
                Error::at(
                    ErrorKind::BadGoldenFile(format!("bad regexp {pattern:?}: {err}")),
                    0,
                )
            })?;
            if re.is_match(&message) {
                GoldenOutcome::Pass(Some(message))
            } else {
                GoldenOutcome::Fail(format!("error {message:?} does not match {pattern:?}"))
            }
        }
    })
}
