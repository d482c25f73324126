//! Pieces of the JSON report written as bytes, the very bytes `serde_json`'s compact
//! writer gives: record ids escaped once each ([`IdTexts`]) and copied into the long id
//! lists, and helpers that write a member's key and a value through `serde_json`.
//!
//! Owns only the byte layout of those pieces; what the report holds and in which order
//! is [`super::json`]'s. Every value that is not an id list goes through `serde_json`
//! itself, so numbers and strings are formatted by the same code as before.

use std::io::{self, Write};

use rayon::prelude::*;
use serde::Serialize;

/// Records escaped per parallel task when [`IdTexts`] is built.
const CHUNK: usize = 1 << 15;

/// Every record's id of one kind (enterprises, parcels) as a JSON string — quoted and
/// escaped by `serde_json` — one after another, with where each ends: a list of
/// millions of ids is then a copy of short slices from a table of a few MB, instead of
/// a visit to each record and an escape of each id every time it is listed.
pub(super) struct IdTexts {
    bytes: Vec<u8>,
    /// End of record `i`'s text in `bytes` (its start is the previous end).
    ends: Vec<usize>,
}

impl IdTexts {
    /// The texts of records `0..n`, `id(i)` giving record `i`'s id; escaped in parallel.
    pub fn new<'a>(n: usize, id: impl Fn(usize) -> &'a str + Sync) -> io::Result<IdTexts> {
        let parts: Vec<(Vec<u8>, Vec<usize>)> = (0..n.div_ceil(CHUNK))
            .into_par_iter()
            .map(|c| {
                let range = c * CHUNK..((c + 1) * CHUNK).min(n);
                let mut bytes = Vec::with_capacity(range.len() * 12);
                let mut ends = Vec::with_capacity(range.len());
                for i in range {
                    serde_json::to_writer(&mut bytes, id(i))?;
                    ends.push(bytes.len());
                }
                Ok((bytes, ends))
            })
            .collect::<io::Result<_>>()?;
        let total: usize = parts.iter().map(|(b, _)| b.len()).sum();
        let mut bytes = Vec::with_capacity(total);
        let mut ends = Vec::with_capacity(n);
        for (b, e) in parts {
            let base = bytes.len();
            ends.extend(e.into_iter().map(|x| x + base));
            bytes.extend_from_slice(&b);
        }
        Ok(IdTexts { bytes, ends })
    }

    /// Record `i`'s id as JSON text, `None` beyond the records.
    pub fn text(&self, i: u32) -> Option<&[u8]> {
        let i = i as usize;
        let end = *self.ends.get(i)?;
        let start = match i.checked_sub(1) {
            Some(before) => *self.ends.get(before)?,
            None => 0,
        };
        self.bytes.get(start..end)
    }

    /// Record `i`'s id as JSON text; an error naming the record when there is none
    /// (an index beyond the records: a bug upstream, reported instead of a panic).
    pub fn get(&self, i: u32) -> io::Result<&[u8]> {
        self.text(i).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "JSON report: record {i} listed but there are {}",
                    self.ends.len()
                ),
            )
        })
    }

    /// `[id,id,…]` of the records listed, in the order given.
    pub fn write_list(
        &self,
        out: &mut Vec<u8>,
        records: impl IntoIterator<Item = u32>,
    ) -> io::Result<()> {
        out.push(b'[');
        for (k, i) in records.into_iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            out.extend_from_slice(self.get(i)?);
        }
        out.push(b']');
        Ok(())
    }
}

/// Writes `"key":` after a `{` (`first`) or after a member (`,"key":`). Keys are the
/// report's own ASCII names, which JSON writes as they are.
pub(super) fn key(out: &mut impl Write, first: bool, key: &str) -> io::Result<()> {
    debug_assert!(
        key.bytes()
            .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
    );
    if !first {
        out.write_all(b",")?;
    }
    out.write_all(b"\"")?;
    out.write_all(key.as_bytes())?;
    out.write_all(b"\":")
}

/// Writes a value as `serde_json::to_writer` does.
pub(super) fn value(out: &mut impl Write, v: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(out, v).map_err(io::Error::from)
}

/// Writes `,"key":value` (or `"key":value` when `first`).
pub(super) fn member(
    out: &mut impl Write,
    first: bool,
    name: &str,
    v: &impl Serialize,
) -> io::Result<()> {
    key(out, first, name)?;
    value(out, v)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ids serde_json escapes in every way it can: quotes, backslashes, control
    /// characters (short and `\u00XX` forms), DEL, Chinese, an emoji, the empty id.
    const TRICKY: &[&str] = &[
        "E0000001",
        "",
        "荆州\"经开\"区",
        "a\\b/c",
        "\u{0}\u{1}\u{1f}\u{7f}",
        "\t\n\r\u{8}\u{c}",
        "😀 KW6",
        "</script>",
        "\u{2028}\u{2029}",
    ];

    #[test]
    fn id_lists_are_what_serde_json_writes() {
        let ids = IdTexts::new(TRICKY.len(), |i| TRICKY[i]).unwrap();
        for (i, id) in TRICKY.iter().enumerate() {
            assert_eq!(ids.get(i as u32).unwrap(), serde_json::to_vec(id).unwrap());
        }
        for order in [vec![], vec![0u32], vec![3, 1, 2, 2, 8, 0, 4, 5, 6, 7]] {
            let mut got = Vec::new();
            ids.write_list(&mut got, order.iter().copied()).unwrap();
            let want: Vec<&str> = order.iter().map(|&i| TRICKY[i as usize]).collect();
            assert_eq!(got, serde_json::to_vec(&want).unwrap(), "{order:?}");
        }
        // Beyond the records: an error, no panic, nothing half written matters.
        let mut out = Vec::new();
        let e = ids.write_list(&mut out, [0, 99]).unwrap_err();
        assert!(e.to_string().contains("record 99"), "{e}");
    }

    #[test]
    fn chunks_join_into_one_table() {
        // More records than one parallel chunk, ids of different lengths.
        let n = CHUNK * 2 + 17;
        let text: Vec<String> = (0..n).map(|i| format!("P{}\"{}", i % 7, i)).collect();
        let ids = IdTexts::new(n, |i| text[i].as_str()).unwrap();
        for i in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, n - 1] {
            assert_eq!(
                ids.get(i as u32).unwrap(),
                serde_json::to_vec(&text[i]).unwrap()
            );
        }
        assert!(ids.get(n as u32).is_err());
    }

    #[test]
    fn members_are_what_serde_json_writes_for_a_struct() {
        #[derive(Serialize)]
        struct S<'a> {
            a: f64,
            b_c: Option<f64>,
            d: &'a str,
            e: f64,
            f: f64,
            g: u64,
        }
        let s = S {
            a: -0.0,
            b_c: None,
            d: "荆\"\u{1}",
            e: 1e21,
            f: f64::NAN,
            g: u64::MAX,
        };
        let mut got = Vec::new();
        got.push(b'{');
        member(&mut got, true, "a", &s.a).unwrap();
        member(&mut got, false, "b_c", &s.b_c).unwrap();
        member(&mut got, false, "d", &s.d).unwrap();
        member(&mut got, false, "e", &s.e).unwrap();
        member(&mut got, false, "f", &s.f).unwrap();
        member(&mut got, false, "g", &s.g).unwrap();
        got.push(b'}');
        assert_eq!(
            String::from_utf8(got).unwrap(),
            serde_json::to_string(&s).unwrap()
        );
    }
}
