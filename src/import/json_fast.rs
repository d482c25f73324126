//! A hand-written parser for the common shape of a GeoJSON feature, tried before serde.
//!
//! It reads `{"type":"Feature","id":…,"properties":{…},"geometry":{…}}` — members in any
//! order, any whitespace — when the properties are flat scalars (strings with or without
//! escapes, numbers, booleans, null) and the geometry is null or a Point, MultiPoint,
//! LineString, MultiLineString, Polygon or MultiPolygon with `type` and `coordinates`
//! only. It builds exactly the [`RawFeature`] the serde path ([`super::json`]) builds
//! from the same text. On anything else — nested values in properties, another member
//! (`bbox`, `crs`, foreign members), a GeometryCollection, a duplicate feature or
//! geometry member, a key with escapes, a coordinate that is not a number or a position
//! of one number, invalid JSON — it returns `None` ("not mine") and the caller parses
//! the feature with serde, which also reports errors exactly.
//!
//! Why the results are identical, piece by piece:
//! - ids and property values keep their raw text, which is typed by
//!   [`PropValue::from_raw_json`] as on the serde path; a string with escapes is decoded
//!   by `serde_json` itself (an invalid one gives "not mine");
//! - a coordinate written as `-?int(.frac)?` whose digits fit in 2^53 is the exact
//!   quotient `digits / 10^frac` (one correctly rounded division, which is what
//!   serde_json computes for it, with or without its `float_roundtrip` feature); any
//!   other number (exponents, long mantissas) is parsed by serde_json on its own text.

use std::borrow::Cow;

use super::geometry::KNOWN_TYPES;
use super::json::{CoordTree, GeomField, PropsField, RawFeature, RawGeometry, RawProp};
use crate::model::PropValue;

/// Parses one feature's text on the fast path; `None` when it is not the common shape
/// (or not valid JSON) and serde must read it.
pub fn parse_feature(raw: &str) -> Option<RawFeature<'_>> {
    let mut p = Cursor {
        s: raw,
        b: raw.as_bytes(),
        i: 0,
    };
    let f = p.feature()?;
    p.ws();
    (p.i == p.b.len()).then_some(f)
}

/// Parses the feature that starts at byte `start` of `text` on the fast path: the
/// feature and where its text ends (just past its closing brace), the same feature
/// [`parse_feature`] gives for that text alone; `None` when it is not the common shape
/// (or not valid JSON, or cut off by the end of `text`).
pub fn parse_feature_at(text: &str, start: usize) -> Option<(RawFeature<'_>, usize)> {
    let mut p = Cursor {
        s: text,
        b: text.as_bytes(),
        i: start,
    };
    let f = p.feature()?;
    Some((f, p.i))
}

/// Exact powers of ten (every one up to 10^22 is exact in an f64).
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The bytes that end a plain run of string text: the quote, the backslash and raw
/// control characters (invalid in JSON strings).
static STRING_STOP: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 0x20 {
        t[c] = true;
        c += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// The position of the first byte of `word` (eight bytes) in [`STRING_STOP`] (a quote,
/// a backslash or a control character), by word arithmetic: a byte's flag is exact
/// when no lower byte is flagged (a borrow only moves up from a flagged byte), so
/// the lowest flag is the first such byte. `None` when there is none.
#[inline]
fn first_string_stop(word: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let w = u64::from_le_bytes(word.try_into().ok()?);
    // Bytes below `n` (for `n` <= 0x80): the high bit of each such byte.
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGH;
    let stops = below(w, 0x20) | below(w ^ (ONES * 0x22), 1) | below(w ^ (ONES * 0x5c), 1);
    (stops != 0).then(|| (stops.trailing_zeros() / 8) as usize)
}

/// The largest mantissa whose conversion to f64 is exact.
const EXACT_MANTISSA: u64 = 1 << 53;

struct Cursor<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    /// Skips JSON whitespace.
    #[inline]
    fn ws(&mut self) {
        while let Some(&c) = self.b.get(self.i) {
            if matches!(c, b' ' | b'\n' | b'\r' | b'\t') {
                self.i += 1;
            } else {
                break;
            }
        }
    }

    /// The next byte after whitespace, not consumed.
    #[inline]
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.b.get(self.i).copied()
    }

    /// After a list or object member: `Some(true)` past a `,` (another member
    /// follows), `Some(false)` past `close` (the end), `None` for anything else.
    #[inline]
    fn more(&mut self, close: u8) -> Option<bool> {
        match self.peek()? {
            b',' => {
                self.i += 1;
                Some(true)
            }
            c if c == close => {
                self.i += 1;
                Some(false)
            }
            _ => None,
        }
    }

    /// Consumes `c` (after whitespace), or gives up.
    #[inline]
    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    /// Consumes `lit` exactly.
    fn literal(&mut self, lit: &[u8]) -> Option<()> {
        let end = self.i + lit.len();
        (self.b.get(self.i..end)? == lit).then(|| self.i = end)
    }

    /// A string at the cursor (after whitespace): its raw span with quotes and whether
    /// it has escapes. Raw control characters (invalid in JSON) give `None`.
    fn string_span(&mut self) -> Option<(usize, usize, bool)> {
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.i;
        let mut j = start + 1;
        let mut escaped = false;
        loop {
            // Eight bytes at a time while none of them ends a plain run.
            while let Some(word) = self.b.get(j..j + 8) {
                match first_string_stop(word) {
                    Some(k) => {
                        j += k;
                        break;
                    }
                    None => j += 8,
                }
            }
            let c = *self.b.get(j)?;
            if !STRING_STOP[usize::from(c)] {
                j += 1;
                continue;
            }
            match c {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    j += 2;
                }
                _ => return None, // a raw control character
            }
        }
        self.i = j + 1;
        Some((start, j + 1, escaped))
    }

    /// An object key, decoded; keys with escapes are decoded by serde_json.
    fn key(&mut self) -> Option<Cow<'a, str>> {
        let (start, end, escaped) = self.string_span()?;
        let key = if escaped {
            Cow::Owned(serde_json::from_str::<String>(self.s.get(start..end)?).ok()?)
        } else {
            Cow::Borrowed(self.s.get(start + 1..end - 1)?)
        };
        self.eat(b':')?;
        Some(key)
    }

    /// The end of a number starting at the cursor, checked against JSON's grammar.
    fn number_end(&self) -> Option<usize> {
        let b = self.b;
        let digits = |mut j: usize| {
            while b.get(j).is_some_and(u8::is_ascii_digit) {
                j += 1;
            }
            j
        };
        let mut j = self.i;
        if b.get(j) == Some(&b'-') {
            j += 1;
        }
        match b.get(j) {
            Some(b'0') => j += 1,
            Some(b'1'..=b'9') => j = digits(j + 1),
            _ => return None,
        }
        if b.get(j) == Some(&b'.') {
            let d = j + 1;
            j = digits(d);
            if j == d {
                return None;
            }
        }
        if matches!(b.get(j), Some(b'e' | b'E')) {
            j += 1;
            if matches!(b.get(j), Some(b'+' | b'-')) {
                j += 1;
            }
            let d = j;
            j = digits(d);
            if j == d {
                return None;
            }
        }
        Some(j)
    }

    /// A scalar value (string, number, true, false, null): its raw text and whether it
    /// is a string with escapes. Objects and arrays give `None`.
    fn scalar(&mut self) -> Option<(&'a str, bool)> {
        self.ws();
        let start = self.i;
        let escaped = match *self.b.get(start)? {
            b'"' => self.string_span()?.2,
            b't' => self.literal(b"true").map(|_| false)?,
            b'f' => self.literal(b"false").map(|_| false)?,
            b'n' => self.literal(b"null").map(|_| false)?,
            _ => {
                self.i = self.number_end()?;
                false
            }
        };
        Some((self.s.get(start..self.i)?, escaped))
    }

    /// A coordinate: a number, converted exactly as serde_json converts it.
    fn coordinate(&mut self) -> Option<f64> {
        self.ws();
        let start = self.i;
        if let Some(d) = Decimal::read(self.b, start) {
            self.i = d.end;
            return Some(d.value());
        }
        // Anything else: serde_json's own parse of the number's text.
        let end = self.number_end()?;
        let v = serde_json::from_str::<f64>(self.s.get(start..end)?).ok()?;
        self.i = end;
        Some(v)
    }

    /// A `coordinates` value: nested arrays whose innermost arrays hold two or more
    /// numbers (an empty array anywhere is kept as an empty list).
    fn coordinates(&mut self, depth: usize) -> Option<CoordTree> {
        if depth > 8 {
            return None;
        }
        self.eat(b'[')?;
        match self.peek()? {
            b']' => {
                self.i += 1;
                Some(CoordTree::List(Vec::new()))
            }
            b'[' => {
                let mut items = Vec::new();
                loop {
                    items.push(self.coordinates(depth + 1)?);
                    if !self.more(b']')? {
                        return Some(CoordTree::List(items));
                    }
                }
            }
            _ => {
                let x = self.coordinate()?;
                let mut rest = [f64::NAN; 2];
                let mut n = 1;
                loop {
                    match self.peek()? {
                        b',' => {
                            self.i += 1;
                            let v = self.coordinate()?;
                            if n < 3 {
                                rest[n - 1] = v;
                            }
                            n += 1;
                        }
                        b']' => {
                            self.i += 1;
                            break;
                        }
                        _ => return None,
                    }
                }
                if n < 2 {
                    return None;
                }
                Some(CoordTree::Pos {
                    x,
                    y: rest[0],
                    z: (n >= 3).then_some(rest[1]),
                })
            }
        }
    }

    /// The `geometry` member: null or a plain geometry object.
    fn geometry(&mut self) -> Option<GeomField> {
        if self.peek()? == b'n' {
            self.literal(b"null")?;
            return Some(GeomField::Null);
        }
        self.eat(b'{')?;
        let mut type_name: Option<Cow<'static, str>> = None;
        let mut coordinates: Option<CoordTree> = None;
        if self.peek()? == b'}' {
            self.i += 1;
        } else {
            loop {
                let key = self.key()?;
                match &*key {
                    "type" if type_name.is_none() => {
                        let (start, end, escaped) = self.string_span()?;
                        let name = self.s.get(start + 1..end - 1)?;
                        let known = KNOWN_TYPES.iter().find(|t| **t == name);
                        match known {
                            Some(t) if !escaped => type_name = Some(Cow::Borrowed(*t)),
                            _ => return None,
                        }
                    }
                    "coordinates" if coordinates.is_none() => {
                        coordinates = Some(self.coordinates(0)?);
                    }
                    _ => return None,
                }
                if !self.more(b'}')? {
                    break;
                }
            }
        }
        Some(GeomField::Geom(RawGeometry {
            type_name,
            coordinates,
            geometries: None,
            crs: None,
            members: Vec::new(),
        }))
    }

    /// The `properties` member: null or an object of scalars.
    fn properties(&mut self) -> Option<PropsField<'a>> {
        if self.peek()? == b'n' {
            self.literal(b"null")?;
            return Some(PropsField::None);
        }
        self.eat(b'{')?;
        let mut props = Vec::with_capacity(8);
        if self.peek()? == b'}' {
            self.i += 1;
            return Some(PropsField::Object(props));
        }
        loop {
            let key = self.key()?;
            let (raw, escaped) = self.scalar()?;
            let value = if escaped {
                RawProp::Owned(serde_json::from_str::<String>(raw).ok()?)
            } else {
                RawProp::Value(prop_value(raw))
            };
            props.push((key, value));
            if !self.more(b'}')? {
                return Some(PropsField::Object(props));
            }
        }
    }

    /// A whole feature object.
    fn feature(&mut self) -> Option<RawFeature<'a>> {
        self.eat(b'{')?;
        let mut f = RawFeature::default();
        let (mut seen_props, mut seen_geom) = (false, false);
        if self.peek()? == b'}' {
            self.i += 1;
            return Some(f);
        }
        loop {
            let key = self.key()?;
            if let Cow::Owned(_) = key {
                return None;
            }
            match &*key {
                "type" if f.type_name.is_none() => {
                    let (start, end, _) = self.string_span()?;
                    if self.s.get(start..end)? != "\"Feature\"" {
                        return None;
                    }
                    f.type_name = Some(Cow::Borrowed("Feature"));
                }
                "id" if f.id.is_none() => {
                    let (raw, _) = self.scalar()?;
                    f.id = Some(raw);
                }
                "properties" if !seen_props => {
                    seen_props = true;
                    f.properties = self.properties()?;
                }
                "geometry" if !seen_geom => {
                    seen_geom = true;
                    f.geometry = Some(self.geometry()?);
                }
                _ => return None,
            }
            if !self.more(b'}')? {
                return Some(f);
            }
        }
    }
}

/// A number written `-?int(.frac)?` whose digits an f64 holds exactly (at most 2^53,
/// at most 22 decimals): its value is one correctly rounded division, the result every
/// correct parser (Rust's, serde_json's) gives.
struct Decimal {
    negative: bool,
    mantissa: u64,
    frac_digits: usize,
    /// Whether it had a decimal point.
    dot: bool,
    /// The end of its text.
    end: usize,
}

impl Decimal {
    /// The number at `b[start..]`, when it has that form and is followed by something
    /// other than an exponent.
    #[inline]
    fn read(b: &[u8], start: usize) -> Option<Decimal> {
        let negative = b.get(start) == Some(&b'-');
        let mut j = start + usize::from(negative);
        let mut mantissa: u64 = 0;
        let int_start = j;
        while let Some(&c) = b.get(j).filter(|c| c.is_ascii_digit()) {
            mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
            j += 1;
        }
        let int_digits = j - int_start;
        let mut frac_digits = 0;
        let dot = b.get(j) == Some(&b'.');
        if dot {
            j += 1;
            while let Some(&c) = b.get(j).filter(|c| c.is_ascii_digit()) {
                mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
                frac_digits += 1;
                j += 1;
            }
        }
        let simple = int_digits > 0
            && (int_digits == 1 || b[int_start] != b'0')
            && (!dot || frac_digits > 0)
            && !matches!(b.get(j), Some(b'e' | b'E' | b'.'))
            && int_digits + frac_digits <= 19
            && mantissa <= EXACT_MANTISSA
            && frac_digits < POW10.len();
        simple.then_some(Decimal {
            negative,
            mantissa,
            frac_digits,
            dot,
            end: j,
        })
    }

    /// Its value.
    #[inline]
    fn value(&self) -> f64 {
        let v = if self.frac_digits == 0 {
            self.mantissa as f64
        } else {
            self.mantissa as f64 / POW10[self.frac_digits]
        };
        if self.negative { -v } else { v }
    }
}

/// A property's raw scalar (a string only without escapes) typed as
/// [`PropValue::from_raw_json`] types it, with strings taken between their quotes and plain
/// integers and decimals converted here (the same values: an integer of at most 2^53
/// is what `str::parse::<i64>` gives, `-0` included; a decimal is correctly rounded).
#[inline]
fn prop_value(raw: &str) -> PropValue<'_> {
    let b = raw.as_bytes();
    // A string without escapes (the only kind passed here): its text between the
    // quotes, as `from_raw_json` gives it (nothing to trim around the quotes, no
    // backslash inside), without scanning it again.
    if b.first() == Some(&b'"')
        && let Some(inner) = raw.get(1..raw.len().saturating_sub(1))
    {
        return PropValue::Str(inner);
    }
    if matches!(b.first(), Some(b'-' | b'0'..=b'9'))
        && let Some(d) = Decimal::read(b, 0)
        && d.end == b.len()
    {
        if !d.dot {
            // mantissa <= 2^53 fits an i64 either way.
            let m = d.mantissa as i64;
            return PropValue::Int(if d.negative { -m } else { m });
        }
        return PropValue::Float(d.value());
    }
    PropValue::from_raw_json(raw)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::json::FeatureEntry;
    use crate::model::test_rng::Rng;

    #[test]
    fn the_word_scan_finds_the_first_byte_the_table_stops_at() {
        let want = |w: &[u8]| w.iter().position(|c| STRING_STOP[usize::from(*c)]);
        // Bytes at and around every boundary, mixed at random into words.
        let edges = [
            0x00, 0x01, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x5b, 0x5c, 0x5d, 0x7f, 0x80, 0xa2, 0xdc,
            0xe6, 0xff, b'a', b'0',
        ];
        let mut r = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..200_000 {
            let mut w = [0u8; 8];
            for b in &mut w {
                *b = edges[(r.next_u64() % edges.len() as u64) as usize];
            }
            assert_eq!(first_string_stop(&w), want(&w), "{w:02x?}");
        }
        // Every byte value at every position in plain text.
        for pos in 0..8 {
            for c in 0..=255u8 {
                let mut w = *b"abcdefgh";
                w[pos] = c;
                assert_eq!(first_string_stop(&w), want(&w), "{w:02x?}");
            }
        }
        assert_eq!(first_string_stop(b"short"), None);
    }

    /// Parses `raw` both ways; asserts that whatever the fast path took, serde read the
    /// same (bit for bit: the Debug text shows `-0.0` and every digit), and returns
    /// whether the fast path took it.
    fn fast_took(raw: &str) -> bool {
        let serde = serde_json::from_str::<FeatureEntry<'_>>(raw);
        match parse_feature(raw) {
            Some(fast) => {
                let Ok(FeatureEntry::Feature(s)) = serde else {
                    panic!("the fast path took what serde does not read as a feature: {raw}");
                };
                assert_eq!(format!("{fast:?}"), format!("{s:?}"), "{raw}");
                assert_eq!(fast, s, "{raw}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn the_common_shape_is_taken_and_agrees() {
        for raw in [
            r#"{"type":"Feature","properties":{"id":"E0000001","name":"湖北裕立装备制造有限公司","employees":55,"output_value_wan":3232.5},"geometry":{"type":"Point","coordinates":[112.177388,30.376144]}}"#,
            r#"{"type":"Feature","id":7,"properties":{"a":true,"b":false,"c":null,"d":-0,"e":-0.0,"f":0},"geometry":{"type":"LineString","coordinates":[[1,2],[3.5,-4.25,7]]}}"#,
            r#"{"type":"Feature","id":"P-1","properties":null,"geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[2,2],[3,2],[3,3],[2,2]]]]}}"#,
            r#"{"type":"Feature","properties":{},"geometry":null}"#,
            r#"{"type":"Feature","properties":{"k":1}}"#,
            r#"{}"#,
            r#"{"type":"Feature","geometry":{"type":"MultiPoint","coordinates":[[1,2,3,4,5]]}}"#,
            r#"{"type":"Feature","geometry":{"type":"MultiLineString","coordinates":[[[1,2],[3,4]],[]]}}"#,
        ] {
            assert!(fast_took(raw), "{raw}");
        }
    }

    #[test]
    fn escapes_and_unicode_are_decoded_like_serde() {
        for raw in [
            r#"{"type":"Feature","properties":{"名称":"荆州\"五方\"\n\t\\\/\b\f\r","u":"\u8346\u5dde","pair":"\ud83d\ude00"},"geometry":null}"#,
            r#"{"type":"Feature","properties":{"\u540d\u79f0":"x"},"geometry":null}"#,
            r#"{"type":"Feature","id":"a\"b","properties":{},"geometry":null}"#,
        ] {
            assert!(fast_took(raw), "{raw}");
        }
        // Invalid or odd escapes are serde's to read (and reject).
        for raw in [
            r#"{"type":"Feature","properties":{"a":"\x"},"geometry":null}"#,
            r#"{"type":"Feature","properties":{"a":"\ud800"},"geometry":null}"#,
            r#"{"typ\u0065":"Feature","properties":{},"geometry":null}"#,
            r#"{"type":"Featur\u0065","properties":{},"geometry":null}"#,
            "{\"type\":\"Feature\",\"properties\":{\"a\":\"tab\there\"},\"geometry\":null}",
        ] {
            assert!(!fast_took(raw), "{raw}");
        }
    }

    #[test]
    fn numbers_are_bit_identical() {
        // Property numbers keep their text (typed later as on the serde path).
        assert!(fast_took(
            r#"{"type":"Feature","properties":{"a":1e3,"b":1e400,"c":-1.5E-7,"d":12345678901234567890123,"e":-9223372036854775809,"f":0.1},"geometry":null}"#
        ));
        // Coordinates: the exact form, long mantissas, exponents, -0.0.
        for coords in [
            "[112.177388,30.376144]",
            "[-0.0,-0]",
            "[0,0.0]",
            "[112.17738812345678,30.376144000000001]",
            "[1.5e2,2E-3,1e+2]",
            "[9007199254740993,18446744073709551615]",
            "[18446744073709551616,-18446744073709551617]",
            "[0.30000000000000004,123456789012345678901234567890.5]",
            "[1e-400,5e-324]",
        ] {
            let raw = format!(
                r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":{coords}}}}}"#
            );
            assert!(fast_took(&raw), "{raw}");
        }
        // Beyond f64: serde rejects the feature; so does the fast path.
        let huge = r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1e400,2]}}"#;
        assert!(!fast_took(huge));
        assert!(serde_json::from_str::<FeatureEntry<'_>>(huge).is_err());
        // Malformed numbers.
        for coords in [
            "[01,2]", "[1.,2]", "[.5,2]", "[+1,2]", "[-,2]", "[1e,2]", "[NaN,1]",
        ] {
            let raw = format!(
                r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":{coords}}}}}"#
            );
            assert!(!fast_took(&raw), "{raw}");
        }
    }

    #[test]
    fn many_decimal_numbers_match_serde_json() {
        // A fixed pseudo-random sweep over digit counts and decimal places.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..200_000 {
            let r = next();
            let digits = 1 + (r % 21) as usize;
            let mut text: String = (0..digits)
                .map(|k| char::from(b'0' + ((next() >> (k % 8)) % 10) as u8))
                .collect();
            let trimmed = text.trim_start_matches('0');
            text = if trimmed.is_empty() {
                "0".into()
            } else {
                trimmed.into()
            };
            let places = (r >> 8) % 20;
            if places > 0 {
                let frac: String = (0..places)
                    .map(|_| char::from(b'0' + (next() % 10) as u8))
                    .collect();
                text = format!("{text}.{frac}");
            }
            if r >> 40 & 1 == 1 {
                text.insert(0, '-');
            }
            let mut c = Cursor {
                s: &text,
                b: text.as_bytes(),
                i: 0,
            };
            let fast = c.coordinate().expect(&text);
            assert_eq!(c.i, text.len(), "{text}");
            let serde: f64 = serde_json::from_str(&text).expect(&text);
            assert_eq!(fast.to_bits(), serde.to_bits(), "coordinate {text}");
            // As a property: typed as the serde path types it.
            let (a, b) = (prop_value(&text), PropValue::from_raw_json(&text));
            assert_eq!(format!("{a:?}"), format!("{b:?}"), "{text}");
            if let (PropValue::Float(x), PropValue::Float(y)) = (a, b) {
                assert_eq!(x.to_bits(), y.to_bits(), "property {text}");
            }
        }
    }

    #[test]
    fn strings_without_escapes_are_typed_like_from_raw_json() {
        for raw in [
            r#""""#,
            r#""E0000001""#,
            r#""湖北裕立装备制造有限公司""#,
            r#"" 带空格 ""#,
            r#""null""#,
            r#""12""#,
            r#""/""#,
        ] {
            let (a, b) = (prop_value(raw), PropValue::from_raw_json(raw));
            assert_eq!(a, b, "{raw}");
            assert_eq!(format!("{a:?}"), format!("{b:?}"), "{raw}");
        }
    }

    #[test]
    fn members_in_any_order_and_any_whitespace() {
        let raw = " { \"geometry\" :\n{\"coordinates\"\t:[ [ [1 , 2] ,\r\n[3,4],[5,6],[1,2] ] ] , \"type\":\"Polygon\"} ,\n\"properties\": { \"type\" : \"road\" , \"n\" : 1 } , \"id\" : 12 , \"type\" : \"Feature\" } ";
        assert!(fast_took(raw));
        let Some(f) = parse_feature(raw) else {
            panic!()
        };
        assert_eq!(f.id, Some("12"));
        let PropsField::Object(p) = &f.properties else {
            panic!()
        };
        // A property named "type" is a property.
        assert_eq!(p[0].0, "type");
        assert_eq!(p[0].1.as_value(), PropValue::Str("road"));
    }

    #[test]
    fn duplicate_keys() {
        // Duplicate properties are kept in order on both paths (the table keeps the
        // last): the fast path takes them.
        assert!(fast_took(
            r#"{"type":"Feature","properties":{"a":1,"a":"x"},"geometry":null}"#
        ));
        // A duplicate feature or geometry member (serde keeps the last) is serde's.
        for raw in [
            r#"{"type":"Feature","geometry":null,"geometry":{"type":"Point","coordinates":[1,2]}}"#,
            r#"{"type":"Feature","properties":{},"properties":{"a":1}}"#,
            r#"{"type":"Feature","id":1,"id":2}"#,
            r#"{"type":"Feature","type":"Feature"}"#,
            r#"{"type":"Feature","geometry":{"type":"Point","type":"Point","coordinates":[1,2]}}"#,
            r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2],"coordinates":[3,4]}}"#,
        ] {
            assert!(!fast_took(raw), "{raw}");
        }
    }

    #[test]
    fn unusual_shapes_are_left_to_serde() {
        for raw in [
            // nested property values
            r#"{"type":"Feature","properties":{"o":{"a":1}},"geometry":null}"#,
            r#"{"type":"Feature","properties":{"l":[1,2]},"geometry":null}"#,
            // other members
            r#"{"type":"Feature","bbox":[1,2,3,4],"properties":{},"geometry":null}"#,
            r#"{"type":"Feature","properties":{},"geometry":{"type":"Point","bbox":[1,2,1,2],"coordinates":[1,2]}}"#,
            r#"{"type":"Feature","crs":null,"properties":{},"geometry":null}"#,
            r#"{"type":"Feature","extra":true,"properties":{},"geometry":null}"#,
            r#"{"type":"Feature","id":{"a":1},"geometry":null}"#,
            // other geometries and bad coordinates
            r#"{"type":"Feature","geometry":{"type":"GeometryCollection","geometries":[]}}"#,
            r#"{"type":"Feature","geometry":{"type":"Circle","coordinates":[1,2]}}"#,
            r#"{"type":"Feature","geometry":{"type":"Point","coordinates":["abc",2]}}"#,
            r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1]}}"#,
            r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1,null]}}"#,
            r#"{"type":"Feature","geometry":{"type":"Point","coordinates":1}}"#,
            r#"{"type":"Feature","geometry":{"type":"LineString","coordinates":[[1,2],3]}}"#,
            r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1,[2]]}}"#,
            r#"{"type":"Feature","geometry":[1,2]}"#,
            r#"{"type":"Feature","properties":[],"geometry":null}"#,
            r#"{"type":"feature","geometry":null}"#,
            r#"{"type":null,"geometry":null}"#,
            // not objects, invalid JSON
            "null",
            "[1,2]",
            r#"{"type":"Feature",}"#,
            r#"{"type":"Feature"} x"#,
            r#"{"type":"Feature","properties":{"a":tru}}"#,
            r#"{"type":"Feature","properties":{"a":1,}}"#,
            r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2,]}}"#,
            r#"{"type":"Feature""#,
        ] {
            assert!(!fast_took(raw), "{raw}");
        }
        let deep = format!(
            r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":{}1,2{}}}}}"#,
            "[".repeat(300),
            "]".repeat(300)
        );
        assert!(!fast_took(&deep));
    }

    #[test]
    fn empty_and_missing_geometry_parts() {
        for raw in [
            r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[]}}"#,
            r#"{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[]]}}"#,
            r#"{"type":"Feature","geometry":{"type":"Point"}}"#,
            r#"{"type":"Feature","geometry":{"coordinates":[1,2]}}"#,
            r#"{"type":"Feature","geometry":{}}"#,
        ] {
            assert!(fast_took(raw), "{raw}");
        }
    }
}
