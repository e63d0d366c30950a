//! Unsigned LEB128 numbers with Go's `encoding/binary` rules, including the padded,
//! non-canonical encodings the runtime writes for batch sizes.

/// Most bytes a uvarint may take.
pub const MAX_LEN: usize = 10;

/// Why a uvarint could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarintError {
    /// No byte at all: the input ended right where the number should start.
    Eof,
    /// The input ended inside the number.
    Truncated,
    /// More than 10 bytes, or a 10th byte above 1.
    Overflow,
}

/// Reads a uvarint at the start of `input`: its value and how many bytes it took.
#[inline(always)]
pub fn read(input: &[u8]) -> Result<(u64, usize), VarintError> {
    // Fast path: one byte.
    match input.first() {
        None => return Err(VarintError::Eof),
        Some(&b) if b < 0x80 => return Ok((u64::from(b), 1)),
        _ => {}
    }
    let mut value = 0u64;
    for (i, &b) in input.iter().take(MAX_LEN).enumerate() {
        if b < 0x80 {
            if i == MAX_LEN - 1 && b > 1 {
                return Err(VarintError::Overflow);
            }
            return Ok((value | u64::from(b) << (7 * i), i + 1));
        }
        value |= u64::from(b & 0x7f) << (7 * i);
    }
    if input.len() < MAX_LEN {
        Err(VarintError::Truncated)
    } else {
        Err(VarintError::Overflow)
    }
}

/// Bytes of the fixed window [`read_in_window`] reads from: an event's type byte and six
/// uvarints of up to 10 bytes each fit in it.
pub const WINDOW: usize = 64;

/// The uvarint at `window[*n..]` if it takes at most 9 bytes; moves `n` past it. `None`
/// for a longer number, which the caller reads again with [`read`] for the exact error.
///
/// The orderer's decoder for events away from a batch's end, where a whole event lies in
/// the window: no bounds check per byte. The caller keeps `*n + 9 <= WINDOW` (an event's
/// numbers end by byte 55); past that the reads wrap around the window, never out of it,
/// which is what lets the compiler drop the checks.
#[inline(always)]
pub fn read_in_window(window: &[u8; WINDOW], n: &mut usize) -> Option<u64> {
    let first = window[*n % WINDOW];
    *n += 1;
    if first < 0x80 {
        return Some(u64::from(first));
    }
    let mut value = u64::from(first & 0x7f);
    let mut shift = 7;
    while shift < 63 {
        let b = window[*n % WINDOW];
        *n += 1;
        value |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Some(value);
        }
        shift += 7;
    }
    None
}

/// Bytes the canonical (shortest) encoding of `value` takes.
#[inline]
pub fn canonical_len(value: u64) -> usize {
    let bits = 64 - (value | 1).leading_zeros() as usize;
    bits.div_ceil(7)
}

/// Appends the canonical encoding of `value`.
#[inline]
pub fn write(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Appends `value` encoded in exactly `width` bytes (continuation bits on every byte but
/// the last), as the runtime's `varintAt` does. `width` must be between the canonical
/// length and 10.
pub fn write_padded(out: &mut Vec<u8>, value: u64, width: usize) {
    debug_assert!((canonical_len(value)..=MAX_LEN).contains(&width));
    for i in 0..width {
        let shift = 7 * i;
        let group = if shift < 64 {
            (value >> shift) as u8 & 0x7f
        } else {
            0
        };
        out.push(if i + 1 < width { group | 0x80 } else { group });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_and_padded_round_trip() {
        for &v in &[0, 1, 127, 128, 300, 1 << 35, u64::MAX >> 1, u64::MAX] {
            let mut buf = Vec::new();
            write(&mut buf, v);
            assert_eq!(buf.len(), canonical_len(v));
            assert_eq!(read(&buf), Ok((v, buf.len())));
            for width in canonical_len(v)..=MAX_LEN {
                let mut padded = Vec::new();
                write_padded(&mut padded, v, width);
                assert_eq!(read(&padded), Ok((v, width)), "value {v} width {width}");
            }
        }
    }

    /// The window reader agrees with [`read`] on every number of up to 9 bytes, canonical
    /// or padded, and declines longer ones.
    #[test]
    fn window_reader_agrees_with_read() {
        let mut checked = 0;
        for &v in &[
            0,
            1,
            127,
            128,
            300,
            1 << 35,
            (1 << 63) - 1,
            1 << 63,
            u64::MAX,
        ] {
            for width in canonical_len(v)..=MAX_LEN {
                let mut window = [0xffu8; WINDOW];
                let mut padded = vec![0x05];
                write_padded(&mut padded, v, width);
                window[..padded.len()].copy_from_slice(&padded);
                let mut n = 1;
                let got = read_in_window(&window, &mut n);
                if width <= 9 {
                    assert_eq!(got, Some(v), "value {v} width {width}");
                    assert_eq!(n, 1 + width, "value {v} width {width}");
                    checked += 1;
                } else {
                    assert_eq!(got, None, "value {v} width {width}");
                }
            }
        }
        assert!(checked > 40, "only {checked} numbers read");
    }

    #[test]
    fn go_error_rules() {
        assert_eq!(read(&[]), Err(VarintError::Eof));
        assert_eq!(read(&[0x80]), Err(VarintError::Truncated));
        assert_eq!(read(&[0xff; 10]), Err(VarintError::Overflow));
        let mut ten = [0x80u8; 10];
        ten[9] = 2;
        assert_eq!(read(&ten), Err(VarintError::Overflow));
        ten[9] = 1;
        assert_eq!(read(&ten), Ok((1 << 63, 10)));
    }
}
