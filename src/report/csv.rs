//! A report's tables as CSV files, one per table name, through the generic writer of
//! [`crate::save::csv`]: UTF-8 with a byte-order mark, CRLF line ends, each file
//! written atomically. What `parkplan-cli report --csv DIR` and the desktop's "export
//! tables" write.

use std::path::Path;

use crate::save::SaveError;
use crate::save::csv::write_csv_file;

use super::ReportInput;
use super::table::Table;
use super::tables::{Target, tables};

pub use super::tables::{ISOCHRONE_FILES, TABLE_FILES};

/// Writes every table of the report into `dir` (created when missing): the
/// [`TABLE_FILES`], then with isochrones the [`ISOCHRONE_FILES`]. Returns the file
/// names written, in order.
pub fn write(dir: &Path, input: ReportInput) -> Result<Vec<String>, SaveError> {
    std::fs::create_dir_all(dir).map_err(|source| SaveError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let mut files = Vec::new();
    let mut all = tables(input, Target::Csv).peekable();
    while let Some(first) = all.next() {
        // Tables sharing a name are parts of one file (one per isochrone choice).
        let mut rest: Vec<Table> = Vec::new();
        while let Some(next) = all.next_if(|t| t.name == first.name) {
            rest.push(next);
        }
        let rows = std::iter::once(&first)
            .chain(&rest)
            .flat_map(|t| t.rows.iter().map(move |r| t.csv_cells(r)));
        files.push(write_csv_file(
            dir,
            &first.file_name(),
            &first.csv_headers(),
            rows,
        )?);
    }
    Ok(files)
}

/// Writes one table to the file `path` (atomically, UTF-8 with BOM, CRLF).
pub fn write_table(path: &Path, table: &Table) -> Result<(), SaveError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| table.file_name());
    write_csv_file(
        dir,
        &name,
        &table.csv_headers(),
        table.rows.iter().map(|r| table.csv_cells(r)),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tables::tests::small_park;

    #[test]
    fn every_table_is_a_file_and_isochrone_parts_share_one() {
        let (park, r, run) = small_park();
        let dir = std::env::temp_dir().join(format!("parkplan-report-csv-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut two = run.clone();
        two.analyses.push(run.analyses[0].clone());
        let input = ReportInput {
            park: &park,
            analysis: &r,
            iso: Some(&two),
        };
        let files = write(&dir, input).unwrap();
        let expected: Vec<&str> = TABLE_FILES.iter().chain(ISOCHRONE_FILES).copied().collect();
        assert_eq!(files, expected);
        let text = std::fs::read_to_string(dir.join("isochrone_facilities.csv")).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert!(lines[0].starts_with("\u{feff}等时圈 isochrone,设施编号 facility_id"));
        // One header, a row per part, and the empty piece after the last CRLF.
        assert_eq!(lines.len(), 4, "{text}");
        assert!(lines[1].starts_with("walk:5,K1,") && lines[2].starts_with("walk:5,K1,"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
