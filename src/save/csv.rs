//! CSV files: UTF-8 with a byte-order mark (so spreadsheet programs read the Chinese),
//! CRLF line ends, fields quoted only when they need it, each file written atomically
//! (a temporary file in the same folder, then a rename).
//!
//! Generic: it writes rows of text and knows nothing of what they mean (the report
//! tables are built by [`crate::report`]).

use std::io::{self, Write};
use std::path::Path;

use super::geojson::SaveError;

/// One CSV field, quoted when it needs to be.
pub fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Writes CSV rows (header first) to a writer: a UTF-8 byte-order mark, then one line
/// per row, CRLF-terminated.
pub fn write_rows(
    w: &mut impl Write,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> io::Result<()> {
    w.write_all(b"\xEF\xBB\xBF")?;
    let line = |w: &mut dyn Write, cells: &mut dyn Iterator<Item = String>| -> io::Result<()> {
        let t: Vec<String> = cells.map(|c| field(&c)).collect();
        w.write_all(t.join(",").as_bytes())?;
        w.write_all(b"\r\n")
    };
    line(w, &mut header.iter().map(|s| s.to_string()))?;
    for r in rows {
        line(w, &mut r.into_iter())?;
    }
    Ok(())
}

/// Writes a CSV file atomically into `dir` (no backup kept); returns its name.
pub fn write_csv_file(
    dir: &Path,
    name: &str,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<String, SaveError> {
    let path = dir.join(name);
    super::atomic::write_atomic_with(&path, false, |w| write_rows(w, header, rows)).map_err(
        |source| SaveError::Io {
            path: path.display().to_string(),
            source,
        },
    )?;
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(field("荆州"), "荆州");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("两行\n文字"), "\"两行\n文字\"");
    }

    #[test]
    fn rows_have_a_bom_and_crlf() {
        let mut out = Vec::new();
        write_rows(
            &mut out,
            &["名称 name", "数 n"],
            vec![vec!["甲,乙".to_string(), "3".to_string()]].into_iter(),
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\u{feff}名称 name,数 n\r\n\"甲,乙\",3\r\n"
        );
    }
}
