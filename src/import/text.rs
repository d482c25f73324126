//! Bytes → text: UTF-8 with or without a byte-order mark, UTF-16 with a BOM, and
//! GB18030/GBK when the bytes are not valid UTF-8 (Chinese survey offices still write it).

use std::borrow::Cow;

use crate::model::TextEncoding;

/// Decoded text and how it was decoded. Borrows the bytes when they were plain UTF-8.
#[derive(Debug)]
pub struct Decoded<'a> {
    /// The text, without any byte-order mark.
    pub text: Cow<'a, str>,
    /// The encoding that was used.
    pub encoding: TextEncoding,
    /// Bytes that could not be decoded and were replaced by U+FFFD (0 when clean).
    pub replaced: usize,
    /// Length of the byte-order mark that was skipped, so byte positions in the text
    /// can be mapped back to the file for UTF-8 input.
    pub bom_len: usize,
}

/// Decodes a file's bytes. Never fails: undecodable bytes are replaced and counted.
pub fn decode(bytes: &[u8]) -> Decoded<'_> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        let (text, replaced) = utf8_lossy(rest);
        return Decoded {
            text,
            encoding: TextEncoding::Utf8Bom,
            replaced,
            bom_len: 3,
        };
    }
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return utf16(&bytes[2..], encoding_rs::UTF_16LE, TextEncoding::Utf16Le);
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        return utf16(&bytes[2..], encoding_rs::UTF_16BE, TextEncoding::Utf16Be);
    }
    // UTF-16 without a BOM: JSON starts with an ASCII character, so a NUL in the first
    // or second byte gives the byte order away.
    if bytes.len() >= 4 && bytes[0] != 0 && bytes[1] == 0 && bytes[3] == 0 {
        return utf16(bytes, encoding_rs::UTF_16LE, TextEncoding::Utf16Le);
    }
    if bytes.len() >= 4 && bytes[0] == 0 && bytes[1] != 0 && bytes[2] == 0 {
        return utf16(bytes, encoding_rs::UTF_16BE, TextEncoding::Utf16Be);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Decoded {
            text: Cow::Borrowed(s),
            encoding: TextEncoding::Utf8,
            replaced: 0,
            bom_len: 0,
        },
        Err(_) if mostly_utf8(bytes) => {
            // A UTF-8 file with a few bad bytes: decoding it all as GB18030 would mangle
            // every Chinese name (武汉市 → 姝︽眽甯), so keep UTF-8 and replace only the bad
            // sequences (the importer names the features and fields they were in).
            let (text, replaced) = utf8_lossy(bytes);
            Decoded {
                text,
                encoding: TextEncoding::Utf8,
                replaced,
                bom_len: 0,
            }
        }
        Err(_) => {
            let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            let replaced = if had_errors {
                text.chars().filter(|c| *c == '\u{FFFD}').count()
            } else {
                0
            };
            Decoded {
                text: Cow::Owned(text.into_owned()),
                encoding: TextEncoding::Gb18030,
                replaced,
                bom_len: 0,
            }
        }
    }
}

/// Whether 8-bit text without a byte-order mark (a DBF table, a coordinate TXT) is UTF-8
/// or GB18030/GBK, on the same evidence as [`decode`]: valid UTF-8, or mostly valid
/// UTF-8 with a few bad bytes, is UTF-8; anything else is GBK.
pub fn utf8_or_gbk(bytes: &[u8]) -> TextEncoding {
    if std::str::from_utf8(bytes).is_ok() || mostly_utf8(bytes) {
        TextEncoding::Utf8
    } else {
        TextEncoding::Gb18030
    }
}

/// Whether bytes that are not valid UTF-8 are still UTF-8 on the evidence: their valid
/// multi-byte characters outnumber the invalid sequences at least four to one. GBK text
/// forms valid UTF-8 multi-byte sequences only by accident, so it fails this.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut valid, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        valid += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            invalid += 1;
        }
    }
    valid > 0 && valid >= 4 * invalid
}

fn utf8_lossy(bytes: &[u8]) -> (Cow<'_, str>, usize) {
    match String::from_utf8_lossy(bytes) {
        Cow::Borrowed(s) => (Cow::Borrowed(s), 0),
        Cow::Owned(s) => {
            let n = s.chars().filter(|c| *c == '\u{FFFD}').count();
            (Cow::Owned(s), n)
        }
    }
}

fn utf16(
    bytes: &[u8],
    enc: &'static encoding_rs::Encoding,
    which: TextEncoding,
) -> Decoded<'static> {
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    let replaced = if had_errors {
        text.chars().filter(|c| *c == '\u{FFFD}').count()
    } else {
        0
    };
    Decoded {
        text: Cow::Owned(text.into_owned()),
        encoding: which,
        replaced,
        bom_len: 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_bytes_decode() {
        // "荆州经开区" in GBK.
        let gbk = [0xBE, 0xA3, 0xD6, 0xDD, 0xBE, 0xAD, 0xBF, 0xAA, 0xC7, 0xF8];
        let d = decode(&gbk);
        assert_eq!(d.encoding, TextEncoding::Gb18030);
        assert_eq!(d.text, "荆州经开区");
        assert_eq!(d.replaced, 0);
    }

    #[test]
    fn a_few_bad_bytes_keep_utf8() {
        // 13 Chinese names in UTF-8 and three invalid bytes in one field name.
        let mut text = Vec::new();
        for _ in 0..13 {
            text.extend_from_slice("{\"名称\":\"武汉市江岸区街道办事处\",\"".as_bytes());
            text.extend_from_slice(&[0xC3, 0x28, 0xFF]);
            text.extend_from_slice(b"\":1}");
        }
        let d = decode(&text);
        assert_eq!(d.encoding, TextEncoding::Utf8);
        assert!(d.text.contains("武汉市"));
        assert_eq!(d.replaced, 26, "the bad bytes only");
        // GBK stays GBK.
        let gbk = [0xBE, 0xA3, 0xD6, 0xDD, 0xBE, 0xAD, 0xBF, 0xAA, 0xC7, 0xF8];
        assert_eq!(decode(&gbk).encoding, TextEncoding::Gb18030);
    }

    #[test]
    fn boms_are_recognised() {
        let d = decode(b"\xEF\xBB\xBF{}");
        assert_eq!((d.encoding, &*d.text), (TextEncoding::Utf8Bom, "{}"));
        let d = decode(&[0xFF, 0xFE, b'{', 0, b'}', 0]);
        assert_eq!((d.encoding, &*d.text), (TextEncoding::Utf16Le, "{}"));
        let d = decode(&[0xFE, 0xFF, 0, b'{', 0, b'}']);
        assert_eq!((d.encoding, &*d.text), (TextEncoding::Utf16Be, "{}"));
        let d = decode(b"{\"a\":1}");
        assert!(matches!(d.text, Cow::Borrowed(_)));
    }
}
