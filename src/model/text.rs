//! [`Text`]: a record's text that refers into its layer's attribute table instead of
//! owning a copy.
//!
//! A text column keeps all its strings in one shared, immutable buffer
//! ([`Arc<String>`]); a record's name, id or date is a handle on a slice of it (the
//! buffer's pointer and a start and length: 16 bytes, no allocation of its own). Text
//! that is not in a table (an id made unique, "E1#2"; a number shown as text) owns a
//! buffer of its own. Either way a `Text` reads as a `&str` (`&*t`, `t.as_str()`,
//! [`Deref`]) and compares, hashes, orders, prints and serialises as its string.
//!
//! This module knows nothing about tables, layers or records.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

/// `len` of a handle on a whole buffer (used when a slice's bounds do not fit `u32`).
const WHOLE: u32 = u32::MAX;

/// An immutable string that shares its bytes: a slice of a shared buffer (a column of
/// an attribute table) or a buffer of its own. Cloning it copies a pointer.
///
/// ```
/// use parkplan::model::Text;
/// let t = Text::from("荆州五方光电");
/// assert_eq!(t, "荆州五方光电");
/// assert_eq!(t.len(), 18);
/// assert_eq!(format!("{t}"), "荆州五方光电");
/// ```
#[derive(Clone)]
pub struct Text {
    buf: Arc<String>,
    start: u32,
    /// Length in bytes, or [`WHOLE`]: the whole buffer.
    len: u32,
}

impl Text {
    /// A handle on `buf[start..end]`. Bounds outside the buffer or off a character
    /// boundary give the empty text; bounds beyond `u32` (a column of more than 4 GiB)
    /// copy the slice into a buffer of its own.
    pub fn slice(buf: &Arc<String>, start: usize, end: usize) -> Text {
        let Some(s) = buf.get(start..end) else {
            return Text::default();
        };
        match (u32::try_from(start), u32::try_from(end - start)) {
            (Ok(start), Ok(len)) if len != WHOLE => Text {
                buf: Arc::clone(buf),
                start,
                len,
            },
            _ => Text::from(s),
        }
    }

    /// The text as a string slice.
    pub fn as_str(&self) -> &str {
        if self.len == WHOLE {
            return self.buf.as_str();
        }
        let start = self.start as usize;
        // The bounds were checked when the handle was made; the buffer never changes.
        self.buf
            .get(start..start + self.len as usize)
            .unwrap_or_default()
    }

    /// The same text without leading and trailing white space (no copy).
    pub fn trimmed(&self) -> Text {
        let s = self.as_str();
        let t = trim(s);
        if t.len() == s.len() {
            return self.clone();
        }
        let base = s.as_ptr() as usize - self.buf.as_ptr() as usize;
        let from = base + (t.as_ptr() as usize - s.as_ptr() as usize);
        Text::slice(&self.buf, from, from + t.len())
    }

    /// [`Text::trimmed`] of a handle given away: the same handle when there is nothing to
    /// trim (no reference count touched: records are built from millions of cells in
    /// parallel, all counting on their column's one buffer).
    pub fn into_trimmed(self) -> Text {
        if is_trimmed(self.as_str()) {
            return self;
        }
        self.trimmed()
    }

    /// Whether two handles share one buffer (a test of where text lives, not of equality).
    pub fn shares_buffer(&self, other: &Text) -> bool {
        Arc::ptr_eq(&self.buf, &other.buf)
    }
}

/// Whether `s` has no leading or trailing white space: whether [`str::trim`] would
/// give it back whole. Only its first and last characters are looked at, most by one
/// byte (`trim`'s general pattern search cost ~1 % of loading a million records).
#[inline]
pub fn is_trimmed(s: &str) -> bool {
    let b = s.as_bytes();
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return true;
    };
    let kept = |c: Option<char>| c.is_none_or(|c| !c.is_whitespace());
    (!may_be_white(first, WHITE_LEADS) || kept(s.chars().next()))
        && (!may_be_white(last, WHITE_ENDS) || kept(s.chars().next_back()))
}

/// The first bytes of the non-ASCII white-space characters (U+0085, U+00A0, U+1680,
/// U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000), one bit per byte 0x80–0xFF.
const WHITE_LEADS: u128 = bits(&[0xc2, 0xe1, 0xe2, 0xe3]);

/// The last bytes of those characters.
const WHITE_ENDS: u128 = bits(&[
    0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x9f, 0xa0, 0xa8, 0xa9, 0xaf,
]);

/// One bit per byte of `set` (each 0x80 or more), bit `b - 0x80`.
const fn bits(set: &[u8]) -> u128 {
    let mut m = 0u128;
    let mut i = 0;
    while i < set.len() {
        m |= 1 << (set[i] - 0x80);
        i += 1;
    }
    m
}

/// Whether a character with this first (or last) byte can be white space: ASCII white
/// space itself, or a non-ASCII byte in `non_ascii` (a character not ruled out there is
/// decoded and asked).
#[inline]
fn may_be_white(byte: u8, non_ascii: u128) -> bool {
    if byte < 0x80 {
        byte == b' ' || (0x09..=0x0d).contains(&byte)
    } else {
        non_ascii >> (byte - 0x80) & 1 == 1
    }
}

/// `s` without leading and trailing white space, as [`str::trim`] gives it; `s` itself,
/// found by [`is_trimmed`], when there is none (the usual case).
#[inline]
pub fn trim(s: &str) -> &str {
    if is_trimmed(s) { s } else { s.trim() }
}

impl Default for Text {
    /// The empty text (one shared buffer for all).
    fn default() -> Text {
        static EMPTY: OnceLock<Arc<String>> = OnceLock::new();
        Text {
            buf: Arc::clone(EMPTY.get_or_init(|| Arc::new(String::new()))),
            start: 0,
            len: WHOLE,
        }
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text {
            buf: Arc::new(s),
            start: 0,
            len: WHOLE,
        }
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text::from(s.to_string())
    }
}

impl From<&String> for Text {
    fn from(s: &String) -> Text {
        Text::from(s.as_str())
    }
}

impl From<Text> for String {
    fn from(t: Text) -> String {
        t.as_str().to_string()
    }
}

impl From<&Text> for String {
    fn from(t: &Text) -> String {
        t.as_str().to_string()
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Text) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Text) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

macro_rules! eq_with {
    ($($t:ty),*) => {$(
        impl PartialEq<$t> for Text {
            fn eq(&self, other: &$t) -> bool {
                self.as_str() == AsRef::<str>::as_ref(other)
            }
        }
        impl PartialEq<Text> for $t {
            fn eq(&self, other: &Text) -> bool {
                AsRef::<str>::as_ref(self) == other.as_str()
            }
        }
    )*};
}
eq_with!(str, &str, String);

impl serde::Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        String::deserialize(d).map(Text::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_and_is_trimmed_agree_with_str_trim() {
        // Every string of up to three characters from a set of white space (ASCII,
        // Unicode, the ideographic space) and other characters.
        let chars = [
            ' ', '\t', '\n', '\r', '\u{0b}', '\u{0c}', '\u{85}', '\u{a0}', '\u{1680}', '\u{2028}',
            '\u{3000}', 'a', '湖', '0', '\u{200b}', '\u{feff}', '_',
        ];
        let mut cases = vec![String::new()];
        for a in chars {
            cases.push(a.to_string());
            for b in chars {
                cases.push(format!("{a}{b}"));
                for c in chars {
                    cases.push(format!("{a}{b}{c}"));
                }
            }
        }
        // Every character alone and between plain ones.
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            cases.push(c.to_string());
            cases.push(format!("{c}a"));
            cases.push(format!("a{c}"));
        }
        for s in &cases {
            assert_eq!(trim(s), s.trim(), "{s:?}");
            assert_eq!(is_trimmed(s), s.trim().len() == s.len(), "{s:?}");
        }
    }

    #[test]
    fn a_slice_reads_its_part_of_the_buffer_and_shares_it() {
        let buf = Arc::new("E1湖北裕立 E2".to_string());
        let name = Text::slice(&buf, 2, 15);
        assert_eq!(name, "湖北裕立 ");
        assert_eq!(name.trimmed(), "湖北裕立");
        assert!(name.trimmed().shares_buffer(&name));
        // Given away: the same text as `trimmed`, the same handle when nothing is trimmed.
        for (from, to) in [(2, 15), (2, 14), (0, 2), (14, 17), (15, 15)] {
            let t = Text::slice(&buf, from, to);
            let want = t.trimmed();
            let got = t.clone().into_trimmed();
            assert_eq!(got, want);
            assert!(got.shares_buffer(&name));
        }
        let strong = Arc::strong_count(&buf);
        let kept = Text::slice(&buf, 0, 2).into_trimmed();
        assert_eq!(kept, "E1");
        assert_eq!(Arc::strong_count(&buf), strong + 1, "no clone left behind");
        assert_eq!(Text::from("  x ").into_trimmed(), "x");
        assert_eq!(Text::slice(&buf, 0, 2), "E1");
        // Off a character boundary or out of range: empty, never a panic.
        assert_eq!(Text::slice(&buf, 3, 5), "");
        assert_eq!(Text::slice(&buf, 10, 99), "");
        assert_eq!(Text::slice(&buf, 5, 2), "");
    }

    #[test]
    fn owned_and_shared_text_compare_hash_and_order_as_strings() {
        use std::collections::HashMap;
        let buf = Arc::new("  KW6 ".to_string());
        let shared = Text::slice(&buf, 0, 6).trimmed();
        let owned = Text::from("KW6".to_string());
        assert_eq!(shared, owned);
        assert!(!shared.shares_buffer(&owned));
        assert_eq!(owned, "KW6");
        assert_eq!("KW6", owned);
        assert_eq!(String::from("KW6"), shared);
        let (a, b) = (Text::from("a"), Text::from("b"));
        assert!(a < b);
        assert_eq!(b.cmp(&a), std::cmp::Ordering::Greater);
        let mut m: HashMap<Text, u32> = HashMap::new();
        m.insert(shared, 6);
        assert_eq!(m.get("KW6"), Some(&6));
        assert_eq!(format!("{owned:?}"), "\"KW6\"");
        assert_eq!(
            serde_json::to_string(&owned).ok().as_deref(),
            Some("\"KW6\"")
        );
        assert_eq!(Text::default(), "");
        assert_eq!(Text::from("  ").trimmed(), "");
        assert_eq!(std::mem::size_of::<Option<Text>>(), 16);
    }
}
