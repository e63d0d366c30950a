//! Trace versions, the 16-byte header, and the Go toolchains whose behaviour we reproduce.

use std::fmt;

/// A trace format version, as named by the header `go 1.NN trace`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    /// Go 1.11 to 1.18 (old format; only recognised, never decoded).
    Go111 = 11,
    /// Go 1.19 and 1.20 (old format).
    Go119 = 19,
    /// Go 1.21 (old format).
    Go121 = 21,
    /// Go 1.22: the first v2 format.
    Go122 = 22,
    /// Go 1.23 and 1.24: coroutine switches, GoStatusStack, experimental batches.
    Go123 = 23,
    /// Go 1.25: sync batches with a clock snapshot.
    Go125 = 25,
    /// Go 1.26 and 1.27: generations delimited by EndOfGeneration.
    Go126 = 26,
}

impl Version {
    /// The v2 versions, oldest first.
    pub const V2: [Version; 4] = [
        Version::Go122,
        Version::Go123,
        Version::Go125,
        Version::Go126,
    ];

    /// The version whose header number is `n` (the `NN` of `go 1.NN`).
    pub fn from_number(n: u32) -> Option<Version> {
        Some(match n {
            11 => Version::Go111,
            19 => Version::Go119,
            21 => Version::Go121,
            22 => Version::Go122,
            23 => Version::Go123,
            25 => Version::Go125,
            26 => Version::Go126,
            _ => return None,
        })
    }

    /// The header number (`NN` of `go 1.NN`).
    pub fn number(self) -> u32 {
        self as u32
    }

    /// Whether this is one of the pre-1.22 formats.
    pub fn is_v1(self) -> bool {
        self < Version::Go122
    }

    /// The canonical 16-byte header the runtime writes.
    pub fn header(self) -> [u8; HEADER_LEN] {
        let mut h = *b"go 1.00 trace\0\0\0";
        let n = self.number();
        h[5] = b'0' + (n / 10) as u8;
        h[6] = b'0' + (n % 10) as u8;
        h
    }

    /// Parses `1.22`, `go1.22`, `22` and the like.
    pub fn parse(s: &str) -> Option<Version> {
        let s = s.trim().trim_start_matches("go");
        let minor = s.strip_prefix("1.").unwrap_or(s);
        Version::from_number(minor.parse().ok()?).filter(|v| !v.is_v1())
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "go 1.{}", self.number())
    }
}

/// Length of the header the runtime writes.
pub const HEADER_LEN: usize = 16;

/// A Go release whose trace tools we reproduce. Each reads a different set of headers and
/// sees a different slice of the event table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Toolchain {
    /// Go 1.22.
    Go1_22,
    /// Go 1.23.
    Go1_23,
    /// Go 1.25.
    Go1_25,
    /// Go 1.26.
    Go1_26,
    /// Go 1.27 (writes `go 1.26` traces).
    Go1_27,
}

impl Toolchain {
    /// Every toolchain, oldest first.
    pub const ALL: [Toolchain; 5] = [
        Toolchain::Go1_22,
        Toolchain::Go1_23,
        Toolchain::Go1_25,
        Toolchain::Go1_26,
        Toolchain::Go1_27,
    ];

    /// Profile name as used on the command line (`go1.27`).
    pub fn name(self) -> &'static str {
        match self {
            Toolchain::Go1_22 => "go1.22",
            Toolchain::Go1_23 => "go1.23",
            Toolchain::Go1_25 => "go1.25",
            Toolchain::Go1_26 => "go1.26",
            Toolchain::Go1_27 => "go1.27",
        }
    }

    /// Parses `go1.27`, `1.27` or `1.27.3`.
    pub fn parse(s: &str) -> Option<Toolchain> {
        let s = s.trim().trim_start_matches("go");
        let mut parts = s.split('.');
        if parts.next()? != "1" {
            return None;
        }
        let minor: u32 = parts.next()?.parse().ok()?;
        Toolchain::ALL.into_iter().find(|t| t.minor() == minor)
    }

    /// The minor release number (27 for Go 1.27).
    pub fn minor(self) -> u32 {
        match self {
            Toolchain::Go1_22 => 22,
            Toolchain::Go1_23 => 23,
            Toolchain::Go1_25 => 25,
            Toolchain::Go1_26 => 26,
            Toolchain::Go1_27 => 27,
        }
    }

    /// The trace version this toolchain's runtime writes.
    pub fn writes(self) -> Version {
        match self {
            Toolchain::Go1_22 => Version::Go122,
            Toolchain::Go1_23 => Version::Go123,
            Toolchain::Go1_25 => Version::Go125,
            Toolchain::Go1_26 | Toolchain::Go1_27 => Version::Go126,
        }
    }

    /// The toolchain that writes traces of `version` (the newest one for `go 1.26`).
    pub fn writer_of(version: Version) -> Toolchain {
        match version {
            Version::Go122 => Toolchain::Go1_22,
            Version::Go123 => Toolchain::Go1_23,
            Version::Go125 => Toolchain::Go1_25,
            _ => Toolchain::Go1_27,
        }
    }

    /// Whether this toolchain accepts a header of `version`.
    pub fn accepts(self, version: Version) -> bool {
        self.wire_table_len(version).is_some()
    }

    /// How many entries of the event table this toolchain's `raw` package uses for traces of
    /// `version` (`None`: header rejected). Go 1.23 maps both v2 versions to its whole table;
    /// later releases cut the table at the last event of each version.
    pub fn wire_table_len(self, version: Version) -> Option<usize> {
        use crate::spec::{ev, TABLE_LEN};
        let upto = |last: u8| Some(last as usize + 1);
        match (self, version) {
            (Toolchain::Go1_22, Version::Go122) => upto(ev::USER_LOG),
            (Toolchain::Go1_22, _) => None,
            (_, v) if v.is_v1() => Some(0),
            (Toolchain::Go1_23, Version::Go122 | Version::Go123) => Some(TABLE_LEN),
            (Toolchain::Go1_23, _) => None,
            (_, Version::Go122) => upto(ev::USER_LOG),
            (_, Version::Go123) => upto(ev::EXPERIMENTAL_BATCH),
            (Toolchain::Go1_25, Version::Go125) => Some(TABLE_LEN),
            (Toolchain::Go1_25, _) => None,
            (_, Version::Go125) => upto(ev::CLOCK_SNAPSHOT),
            (_, Version::Go126) => Some(TABLE_LEN),
            _ => None,
        }
    }
}

impl fmt::Display for Toolchain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Outcome of reading a header the way Go's `fmt.Fscanf(r, "go 1.%d trace\x00\x00\x00")`
/// does: the number it scanned and how many bytes it consumed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// The scanned version number (the `NN` of `go 1.NN`).
    pub number: u32,
    /// Bytes consumed by the header (16 for the runtime's own).
    pub len: usize,
}

/// Scans a header with Go's `Fscanf` rules: a space in the format needs one or more spaces
/// in the input (any Unicode space but newline), `%d` skips leading spaces and reads decimal
/// digits into a uint32, everything else must match byte for byte. `None` means Go would
/// report "bad file format".
pub fn scan_header(input: &[u8]) -> Option<Header> {
    let mut pos = 0;
    let literal = |pos: &mut usize, lit: &[u8]| -> Option<()> {
        input.get(*pos..*pos + lit.len()).filter(|s| *s == lit)?;
        *pos += lit.len();
        Some(())
    };
    let spaces = |pos: &mut usize| -> usize {
        let start = *pos;
        while let Some((c, n)) = decode_char(&input[*pos..]) {
            if c == '\n' || !is_go_space(c) {
                break;
            }
            *pos += n;
        }
        *pos - start
    };
    literal(&mut pos, b"go")?;
    if spaces(&mut pos) == 0 {
        return None;
    }
    literal(&mut pos, b"1.")?;
    spaces(&mut pos);
    let digits_start = pos;
    let mut number: u32 = 0;
    while let Some(&b) = input.get(pos).filter(|b| b.is_ascii_digit()) {
        number = number.checked_mul(10)?.checked_add(u32::from(b - b'0'))?;
        pos += 1;
    }
    if pos == digits_start || spaces(&mut pos) == 0 {
        return None;
    }
    literal(&mut pos, b"trace\0\0\0")?;
    Some(Header { number, len: pos })
}

/// Go's `fmt` notion of a space (the Unicode White_Space set).
fn is_go_space(c: char) -> bool {
    c.is_whitespace()
}

fn decode_char(bytes: &[u8]) -> Option<(char, usize)> {
    let first = *bytes.first()?;
    let n = match first {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        _ => return Some((char::REPLACEMENT_CHARACTER, 1)),
    };
    match bytes.get(..n).and_then(|s| std::str::from_utf8(s).ok()) {
        Some(s) => s.chars().next().map(|c| (c, n)),
        None => Some((char::REPLACEMENT_CHARACTER, 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_scan_follows_fscanf() {
        assert_eq!(
            scan_header(b"go 1.26 trace\0\0\0rest"),
            Some(Header {
                number: 26,
                len: 16
            })
        );
        assert_eq!(
            scan_header(b"go 1.026 trace\0\0\0").map(|h| h.number),
            Some(26)
        );
        assert_eq!(
            scan_header(b"go  1.26 trace\0\0\0").map(|h| h.len),
            Some(17)
        );
        assert_eq!(
            scan_header(b"go 1. 22\ttrace\0\0\0").map(|h| h.number),
            Some(22)
        );
        assert_eq!(scan_header(b"go 1.+26 trace\0\0\0"), None);
        assert_eq!(scan_header(b"go 1.2_6 trace\0\0\0"), None);
        assert_eq!(scan_header(b"go1.26 trace\0\0\0"), None);
        assert_eq!(scan_header(b"go 1.26trace\0\0\0"), None);
        assert_eq!(scan_header(b"go 1.26 trace\0\0"), None);
        assert_eq!(scan_header(b"go 1.99999999999 trace\0\0\0"), None);
        assert_eq!(scan_header(b"go\n1.26 trace\0\0\0"), None);
    }

    #[test]
    fn versions_round_trip() {
        for v in Version::V2 {
            assert_eq!(scan_header(&v.header()).map(|h| h.number), Some(v.number()));
            assert_eq!(Version::parse(&format!("1.{}", v.number())), Some(v));
        }
        assert_eq!(Toolchain::parse("1.27.3"), Some(Toolchain::Go1_27));
        assert_eq!(Toolchain::parse("go1.22"), Some(Toolchain::Go1_22));
        assert_eq!(Toolchain::parse("go1.24"), None);
    }
}
