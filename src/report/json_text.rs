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

/// A record's slot in [`IdTexts`]: a text of up to [`SHORT`] bytes in place, its length
/// in the last byte; a longer one as its start (bytes 0..8) and length (8..12) in
/// `long`, the last byte [`LONG`].
type Slot = [u8; 16];

/// The longest text kept in its slot (`"E0000001"` is 10 bytes; four Chinese
/// characters and the quotes are 14).
const SHORT: usize = 15;

/// The last byte of a slot whose text is in `long`.
const LONG: u8 = 0xFF;

/// Every record's id of one kind (enterprises, parcels) as a JSON string — quoted and
/// escaped by `serde_json` — in a fixed 16-byte slot per record (longer texts aside): a
/// list of millions of ids is then one read of a slot and one fixed-size copy per id,
/// instead of a visit to each record and an escape of each id every time it is listed.
pub(super) struct IdTexts {
    slots: Vec<Slot>,
    /// The texts longer than [`SHORT`], one after another.
    long: Vec<u8>,
}

impl IdTexts {
    /// The texts of records `0..n`, `id(i)` giving record `i`'s id; escaped in parallel.
    pub fn new<'a>(n: usize, id: impl Fn(usize) -> &'a str + Sync) -> io::Result<IdTexts> {
        let parts: Vec<(Vec<Slot>, Vec<u8>)> = (0..n.div_ceil(CHUNK))
            .into_par_iter()
            .map(|c| {
                let range = c * CHUNK..((c + 1) * CHUNK).min(n);
                let mut slots = Vec::with_capacity(range.len());
                let mut long = Vec::new();
                let mut text = Vec::with_capacity(64);
                for i in range {
                    text.clear();
                    serde_json::to_writer(&mut text, id(i))?;
                    let mut slot = [0u8; 16];
                    if text.len() <= SHORT {
                        slot[..text.len()].copy_from_slice(&text);
                        slot[15] = text.len() as u8;
                    } else {
                        // Start within this chunk's `long` for now; rebased below.
                        slot[..8].copy_from_slice(&(long.len() as u64).to_le_bytes());
                        let len = u32::try_from(text.len()).map_err(io::Error::other)?;
                        slot[8..12].copy_from_slice(&len.to_le_bytes());
                        slot[15] = LONG;
                        long.extend_from_slice(&text);
                    }
                    slots.push(slot);
                }
                Ok((slots, long))
            })
            .collect::<io::Result<_>>()?;
        let mut slots = Vec::with_capacity(n);
        let mut long = Vec::with_capacity(parts.iter().map(|(_, l)| l.len()).sum());
        for (part, part_long) in parts {
            let base = long.len() as u64;
            slots.extend(part.into_iter().map(|mut slot| {
                if slot[15] == LONG {
                    let start = u64::from_le_bytes(head(&slot)) + base;
                    slot[..8].copy_from_slice(&start.to_le_bytes());
                }
                slot
            }));
            long.extend_from_slice(&part_long);
        }
        Ok(IdTexts { slots, long })
    }

    /// Record `i`'s id as JSON text, `None` beyond the records.
    pub fn text(&self, i: u32) -> Option<&[u8]> {
        let slot = self.slots.get(i as usize)?;
        match slot[15] {
            LONG => {
                let start = u64::from_le_bytes(head(slot)) as usize;
                let mut len = [0u8; 4];
                len.copy_from_slice(&slot[8..12]);
                self.long
                    .get(start..start + u32::from_le_bytes(len) as usize)
            }
            len => slot.get(..len as usize),
        }
    }

    /// Record `i`'s id as JSON text; an error naming the record when there is none
    /// (an index beyond the records: a bug upstream, reported instead of a panic).
    pub fn get(&self, i: u32) -> io::Result<&[u8]> {
        self.text(i).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "JSON report: record {i} listed but there are {}",
                    self.slots.len()
                ),
            )
        })
    }

    /// `[id,id,…]` of the records listed, in the order given. Short ids are copied a
    /// whole 16-byte slot at a time into a small staging array (each then cut back to
    /// its length by where the next one starts), which goes to `out` every
    /// [`STAGED`] ids: no growth check per id.
    pub fn write_list(
        &self,
        out: &mut Vec<u8>,
        records: impl IntoIterator<Item = u32>,
    ) -> io::Result<()> {
        out.push(b'[');
        // Room for STAGED ids of a slot and their commas, and one slot's spill.
        let mut stage = [0u8; STAGED * 17 + 16];
        let (mut at, mut staged, mut first) = (0usize, 0usize, true);
        for i in records {
            if !first {
                stage[at] = b',';
                at += 1;
            }
            first = false;
            match self.slots.get(i as usize) {
                Some(slot) if slot[15] != LONG => {
                    stage[at..at + 16].copy_from_slice(slot);
                    at += usize::from(slot[15]);
                }
                _ => {
                    out.extend_from_slice(&stage[..at]);
                    at = 0;
                    out.extend_from_slice(self.get(i)?);
                }
            }
            staged += 1;
            if staged == STAGED {
                out.extend_from_slice(&stage[..at]);
                (at, staged) = (0, 0);
            }
        }
        out.extend_from_slice(&stage[..at]);
        out.push(b']');
        Ok(())
    }
}

/// Ids staged by [`IdTexts::write_list`] before they are appended to its output.
const STAGED: usize = 64;

/// The first 8 bytes of a slot.
fn head(slot: &Slot) -> [u8; 8] {
    let mut h = [0u8; 8];
    h.copy_from_slice(&slot[..8]);
    h
}

/// Buffers rendered at once by [`write_joined`] (each takes `piece` items).
const WAVE: usize = 8;

/// Writes `open`, the items `0..n` separated by commas, then `close` — a JSON array or
/// object as `serde_json` writes it — rendering `piece` items per buffer, [`WAVE`]
/// buffers in parallel, written in order. The next wave is rendered (on rayon's
/// threads) while this thread writes the last one; two sets of buffers take turns.
/// `item(i, out)` appends item `i`, or nothing and `false` to leave it out.
pub(super) fn write_joined(
    w: &mut impl Write,
    (open, close): (u8, u8),
    n: usize,
    piece: usize,
    item: impl Fn(usize, &mut Vec<u8>) -> io::Result<bool> + Sync,
) -> io::Result<()> {
    let piece = piece.max(1);
    let per_wave = WAVE.min(n.div_ceil(piece));
    let render = |wave: usize, bufs: &mut Vec<Vec<u8>>| -> io::Result<()> {
        bufs.par_iter_mut()
            .enumerate()
            .try_for_each(|(k, buf)| -> io::Result<()> {
                buf.clear();
                let start = (wave + k * piece).min(n);
                for i in start..(start + piece).min(n) {
                    // Every item after a comma; the first comma of all is dropped below.
                    let at = buf.len();
                    buf.push(b',');
                    if !item(i, buf)? {
                        buf.truncate(at);
                    }
                }
                Ok(())
            })
    };
    let mut first = true;
    let mut put = |w: &mut dyn Write, bufs: &[Vec<u8>]| -> io::Result<()> {
        for buf in bufs {
            if let Some(text) = buf.get(usize::from(first)..).filter(|t| !t.is_empty()) {
                w.write_all(text)?;
                first = false;
            }
        }
        Ok(())
    };
    let mut ready: Vec<Vec<u8>> = vec![Vec::new(); per_wave];
    let mut spare: Vec<Vec<u8>> = vec![Vec::new(); per_wave];
    w.write_all(&[open])?;
    let mut waves = (0..n).step_by(piece * WAVE);
    if let Some(wave) = waves.next() {
        render(wave, &mut ready)?;
    }
    for wave in waves {
        let mut rendered = Ok(());
        let written = rayon::in_place_scope(|s| {
            s.spawn(|_| rendered = render(wave, &mut spare));
            put(w, &ready)
        });
        rendered?;
        written?;
        std::mem::swap(&mut ready, &mut spare);
    }
    if n > 0 {
        put(w, &ready)?;
    }
    w.write_all(&[close])
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
        "荆州经济技术开发区企业甲",
        "E\"0123456789abcdef",
        "E012345678901",
        "E0123456789012",
    ];

    #[test]
    fn id_lists_are_what_serde_json_writes() {
        let ids = IdTexts::new(TRICKY.len(), |i| TRICKY[i]).unwrap();
        for (i, id) in TRICKY.iter().enumerate() {
            assert_eq!(ids.get(i as u32).unwrap(), serde_json::to_vec(id).unwrap());
        }
        assert_eq!(ids.text(9).unwrap().len(), 38, "a long id kept aside");
        assert_eq!(
            ids.text(11).unwrap().len(),
            15,
            "the longest kept in its slot"
        );
        assert_eq!(ids.text(12).unwrap().len(), 16, "the shortest kept aside");
        for order in [
            vec![],
            vec![0u32],
            vec![3, 1, 2, 2, 8, 0, 4, 5, 6, 7],
            vec![9, 10, 9, 11, 12, 0],
            // Longer than the staging array, short and long ids mixed.
            (0..300u32).map(|k| k * 7 % 13).collect(),
            (0..130u32).map(|k| k % 2 * 11).collect(),
        ] {
            let mut got = Vec::new();
            ids.write_list(&mut got, order.iter().copied()).unwrap();
            let want: Vec<&str> = order.iter().map(|&i| TRICKY[i as usize]).collect();
            assert_eq!(got, serde_json::to_vec(&want).unwrap(), "{order:?}");
        }
        // Beyond the records: an error, no panic, nothing half written matters.
        let mut out = Vec::new();
        let e = ids.write_list(&mut out, [0, 99]).unwrap_err();
        assert!(ids.text(99).is_none());
        assert!(e.to_string().contains("record 99"), "{e}");
    }

    #[test]
    fn chunks_join_into_one_table() {
        // More records than one parallel chunk, ids of different lengths.
        let n = CHUNK * 2 + 17;
        // Some ids longer than a slot, in every chunk (their starts are rebased).
        let text: Vec<String> = (0..n)
            .map(|i| format!("P{}\"{}{}", i % 7, i, "长".repeat(i % 5)))
            .collect();
        let ids = IdTexts::new(n, |i| text[i].as_str()).unwrap();
        for i in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, n - 1] {
            assert_eq!(
                ids.get(i as u32).unwrap(),
                serde_json::to_vec(&text[i]).unwrap()
            );
        }
        assert!(ids.get(n as u32).is_err());
        let mut all = Vec::new();
        ids.write_list(&mut all, 0..n as u32).unwrap();
        assert_eq!(all, serde_json::to_vec(&text).unwrap());
    }

    #[test]
    fn joined_items_are_what_serde_json_writes_for_a_list() {
        // Every third item left out, pieces of several sizes, several waves, none.
        let items: Vec<String> = (0..1000).map(|i| format!("项{i}\"")).collect();
        let kept: Vec<&String> = items
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 3 != 1)
            .map(|(_, s)| s)
            .collect();
        for (n, piece) in [(0, 4), (1, 1), (2, 1), (1000, 1), (1000, 7), (1000, 5000)] {
            let mut got = Vec::new();
            write_joined(&mut got, (b'[', b']'), n, piece, |i, out| {
                if i % 3 == 1 {
                    return Ok(false);
                }
                value(out, &items[i])?;
                Ok(true)
            })
            .unwrap();
            let want: Vec<&&String> = kept
                .iter()
                .take_while(|s| {
                    let i: usize = s[3..s.len() - 1].parse().unwrap();
                    i < n
                })
                .collect();
            assert_eq!(
                got,
                serde_json::to_vec(&want).unwrap(),
                "{n} items, {piece} a piece"
            );
        }
        // Nothing kept at all.
        let mut got = Vec::new();
        write_joined(&mut got, (b'{', b'}'), 50, 3, |_, _| Ok(false)).unwrap();
        assert_eq!(got, b"{}");
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
