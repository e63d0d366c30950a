//! Go's string conventions that the text form depends on: `strconv.Quote`,
//! `strconv.Unquote`, `unicode.IsSpace` and rune-by-rune UTF-8 decoding.

use unicode_general_category::{get_general_category, GeneralCategory as Gc};

/// Decodes the rune at the start of `bytes` like Go's `utf8.DecodeRune`: invalid input
/// gives U+FFFD with width 1. `None` at the end of input.
pub fn decode_rune(bytes: &[u8]) -> Option<(char, usize)> {
    let first = *bytes.first()?;
    if first < 0x80 {
        return Some((first as char, 1));
    }
    let width = match first {
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return Some((char::REPLACEMENT_CHARACTER, 1)),
    };
    match bytes.get(..width).map(std::str::from_utf8) {
        Some(Ok(s)) => s.chars().next().map(|c| (c, width)),
        _ => Some((char::REPLACEMENT_CHARACTER, 1)),
    }
}

/// Go's `unicode.IsSpace` (the Unicode White_Space property).
pub fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and ASCII space.
pub fn is_print(c: char) -> bool {
    let u = c as u32;
    if u <= 0xff {
        return (0x20..=0x7e).contains(&u) || ((0xa1..=0xff).contains(&u) && u != 0xad);
    }
    !matches!(
        get_general_category(c),
        Gc::SpaceSeparator
            | Gc::LineSeparator
            | Gc::ParagraphSeparator
            | Gc::Control
            | Gc::Format
            | Gc::Surrogate
            | Gc::PrivateUse
            | Gc::Unassigned
    )
}

/// Where text is appended: a `String`, or bytes for output that also carries Go's raw,
/// possibly invalid UTF-8 strings (function and file names print unquoted).
pub trait TextSink {
    /// Appends `s`.
    fn push_str(&mut self, s: &str);
    /// Appends `c`, UTF-8 encoded.
    fn push_char(&mut self, c: char);
}

impl TextSink for String {
    fn push_str(&mut self, s: &str) {
        String::push_str(self, s);
    }
    fn push_char(&mut self, c: char) {
        self.push(c);
    }
}

impl TextSink for Vec<u8> {
    fn push_str(&mut self, s: &str) {
        self.extend_from_slice(s.as_bytes());
    }
    fn push_char(&mut self, c: char) {
        self.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
    }
}

/// Appends `bytes` quoted as Go's `strconv.Quote` does.
pub fn quote_into<S: TextSink>(out: &mut S, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push_char('"');
    let mut rest = bytes;
    loop {
        // Printable ASCII other than the quote and the backslash stays as it is: most
        // strings are all such bytes, copied in one go.
        let plain = rest
            .iter()
            .position(|&b| !(0x20..0x7f).contains(&b) || b == b'"' || b == b'\\')
            .unwrap_or(rest.len());
        let (ascii, after) = rest.split_at(plain);
        out.push_str(std::str::from_utf8(ascii).unwrap_or_default());
        rest = after;
        let Some((c, width)) = decode_rune(rest) else {
            break;
        };
        let byte = rest[0];
        rest = &rest[width..];
        if width == 1 && c == char::REPLACEMENT_CHARACTER {
            out.push_str("\\x");
            out.push_char(HEX[usize::from(byte >> 4)] as char);
            out.push_char(HEX[usize::from(byte & 15)] as char);
            continue;
        }
        match c {
            '"' | '\\' => {
                out.push_char('\\');
                out.push_char(c);
            }
            _ if is_print(c) => out.push_char(c),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            _ if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            _ if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            _ => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push_char('"');
}

/// `bytes` quoted as Go's `strconv.Quote` does.
pub fn quote(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() + 2);
    quote_into(&mut s, bytes);
    s
}

/// Go's `strconv.Unquote` on bytes: a `"…"` string with Go escapes, a raw `` `…` `` string
/// (carriage returns dropped), or a one-rune `'…'` literal. `None` is Go's `ErrSyntax`.
pub fn unquote(input: &[u8]) -> Option<Vec<u8>> {
    let (&quote, body) = input.split_first()?;
    let (&last, body) = body.split_last()?;
    if last != quote {
        return None;
    }
    match quote {
        b'`' => {
            if body.contains(&b'`') {
                return None;
            }
            Some(body.iter().copied().filter(|&b| b != b'\r').collect())
        }
        b'"' | b'\'' => unquote_escaped(body, quote),
        _ => None,
    }
}

fn unquote_escaped(mut body: &[u8], quote: u8) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len());
    let mut runes = 0;
    while !body.is_empty() {
        let (bytes, rest) = unquote_char(body, quote)?;
        out.extend_from_slice(&bytes);
        body = rest;
        runes += 1;
    }
    // Go accepts `''` (its fast path sees no invalid rune) but not two runes.
    if quote == b'\'' && runes > 1 {
        return None;
    }
    Some(out)
}

/// One character of a quoted string: its bytes and the rest of the input.
fn unquote_char(s: &[u8], quote: u8) -> Option<(Vec<u8>, &[u8])> {
    let c = *s.first()?;
    if c == quote || c == b'\n' {
        return None;
    }
    if c >= 0x80 {
        let (r, width) = decode_rune(s)?;
        return Some((r.to_string().into_bytes(), &s[width..]));
    }
    if c != b'\\' {
        return Some((vec![c], &s[1..]));
    }
    let esc = *s.get(1)?;
    let s = &s[2..];
    let simple = |b: u8| Some((vec![b], s));
    match esc {
        b'a' => simple(7),
        b'b' => simple(8),
        b'f' => simple(12),
        b'n' => simple(b'\n'),
        b'r' => simple(b'\r'),
        b't' => simple(b'\t'),
        b'v' => simple(11),
        b'\\' => simple(b'\\'),
        b'\'' | b'"' if esc == quote => simple(esc),
        b'x' | b'u' | b'U' => {
            let n = match esc {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let digits = std::str::from_utf8(s.get(..n)?).ok()?;
            if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            let v = u32::from_str_radix(digits, 16).ok()?;
            let bytes = if esc == b'x' {
                vec![v as u8]
            } else {
                char::from_u32(v)?.to_string().into_bytes()
            };
            Some((bytes, &s[n..]))
        }
        b'0'..=b'7' => {
            let digits = s.get(..2)?;
            let mut v = u32::from(esc - b'0');
            for &d in digits {
                if !(b'0'..=b'7').contains(&d) {
                    return None;
                }
                v = v << 3 | u32::from(d - b'0');
            }
            (v <= 255).then(|| (vec![v as u8], &s[2..]))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_matches_go() {
        assert_eq!(quote(b"plain"), r#""plain""#);
        assert_eq!(quote(b"a\"b\\c\n\t\x00\x7f"), r#""a\"b\\c\n\t\x00\x7f""#);
        assert_eq!(quote("é\u{a0}\u{ad}".as_bytes()), "\"é\\u00a0\\u00ad\"");
        assert_eq!(quote(b"\xff\xe2\x82A"), r#""\xff\xe2\x82A""#);
        assert_eq!(
            quote("\u{1F600}\u{e000}\u{10ffff}".as_bytes()),
            "\"\u{1F600}\\ue000\\U0010ffff\""
        );
    }

    /// Random bytes, mostly printable ASCII (the fast path) with any byte mixed in,
    /// quote to text that unquotes to them again and holds only printable ASCII.
    #[test]
    fn random_bytes_quote_and_unquote_back() {
        let mut rng = crate::seeded::SplitMix64(3);
        for _ in 0..5_000 {
            let len = rng.below(24);
            let bytes: Vec<u8> = (0..len)
                .map(|_| match rng.below(4) {
                    0 => rng.below(256) as u8,
                    _ => b' ' + rng.below(95) as u8,
                })
                .collect();
            let quoted = quote(&bytes);
            assert_eq!(unquote(quoted.as_bytes()).as_deref(), Some(&bytes[..]));
            let printable = quoted
                .bytes()
                .all(|b| (0x20..0x7f).contains(&b) || b >= 0x80);
            assert!(printable, "{quoted}");
        }
    }

    #[test]
    fn unquote_inverts_quote() {
        let samples: &[&[u8]] = &[
            b"",
            b"x",
            b"\x00\x01\xfe\xff",
            "héllo\u{2028}".as_bytes(),
            b"\"'`\\",
        ];
        for s in samples {
            assert_eq!(unquote(quote(s).as_bytes()).as_deref(), Some(*s));
        }
        assert_eq!(unquote(b"`a\rb`").as_deref(), Some(&b"ab"[..]));
        assert_eq!(unquote(b"'x'").as_deref(), Some(&b"x"[..]));
        assert_eq!(unquote(b"'xy'"), None);
        assert_eq!(unquote(b"\"\\'\""), None);
        assert_eq!(unquote(b"\"\\400\""), None);
        assert_eq!(unquote(b"\"\\ud800\""), None);
        assert_eq!(unquote(b"\"\xff\"").as_deref(), Some("\u{fffd}".as_bytes()));
        assert_eq!(unquote(b"\"a"), None);
    }
}
