//! Reports: `parkplan-cli report --csv` with isochrones, and the library call the
//! desktop's "export tables" makes writing the same files.

use std::path::{Path, PathBuf};
use std::process::Command;

use parkplan::analysis::{AreaSettings, isochrone_run};
use parkplan::report::{self, ReportInput};

use crate::common;

fn out_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("parkplan-report-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// Runs `parkplan-cli report` on the sample map; returns stdout.
fn cli_report(extra: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_parkplan-cli"))
        .arg("report")
        .arg(common::sample_dir())
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// The fields of CSV text (RFC 4180 quoting), one vector per record.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let (mut record, mut field) = (Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => assert_eq!(chars.next(), Some('\n'), "CRLF line ends"),
            (false, '\n') => panic!("a bare LF line end"),
            (false, c) => field.push(c),
        }
        if !quoted && c == '\r' {
            record.push(std::mem::take(&mut field));
            records.push(std::mem::take(&mut record));
        }
    }
    assert!(field.is_empty() && record.is_empty(), "the last line ends");
    records
}

/// Reads a CSV file: a BOM, then records of the header's width.
fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = std::str::from_utf8(&bytes).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    let records = parse_csv(text);
    let width = records[0].len();
    for r in &records {
        assert_eq!(r.len(), width, "{}: {r:?}", path.display());
    }
    records
}

fn file_names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn cli_report_csv_writes_the_isochrone_tables() {
    let dir = out_dir("cli");
    let stdout = cli_report(&["--csv", dir.to_str().unwrap(), "--isochrone", "walk:15"]);
    let listed: Vec<&str> = stdout.lines().skip(1).map(str::trim).collect();
    let expected: Vec<&str> = report::csv::TABLE_FILES
        .iter()
        .chain(report::csv::ISOCHRONE_FILES)
        .copied()
        .collect();
    assert_eq!(listed, expected);
    for name in &expected {
        read_csv(&dir.join(name));
    }
    let facilities = read_csv(&dir.join("isochrone_facilities.csv"));
    assert_eq!(facilities[0][0], "等时圈 isochrone");
    let park = common::load_sample().park;
    assert_eq!(facilities.len(), 1 + park.facilities.len());
    assert!(facilities[1..].iter().all(|r| r[0] == "walk:15"));
    let pairs = read_csv(&dir.join("isochrone_enterprises.csv"));
    assert!(pairs.iter().any(|r| r[5] == "false_coverage"));
    let components = read_csv(&dir.join("network_components.csv"));
    assert_eq!(components.len(), 3, "the main network and the island road");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_desktop_library_call_writes_the_files_the_cli_writes() {
    // What the desktop's "export tables" does: the park's analysis and isochrones,
    // handed to report::csv::write.
    let ws = parkplan::workspace::Workspace::open(
        &[common::sample_dir()],
        None,
        &parkplan::workspace::Overrides::default(),
    )
    .unwrap();
    let park = &ws.park;
    let r = ws.analyse_with(&AreaSettings::default()).unwrap();
    let flags = ["walk:15".to_string(), "ebike:10".to_string()];
    let specs = isochrone_run::parse_specs(&flags).unwrap();
    let run = ws.isochrones(&r.coverage, &specs).unwrap();
    let lib = out_dir("lib");
    let input = ReportInput {
        park,
        analysis: &r,
        iso: Some(&run),
    };
    let files = report::csv::write(&lib, input).unwrap();

    let cli = out_dir("cli-same");
    let dir = cli.to_str().unwrap();
    cli_report(&[
        "--csv",
        dir,
        "--isochrone",
        "walk:15",
        "--isochrone",
        "ebike:10",
    ]);
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(file_names(&lib), sorted);
    assert_eq!(file_names(&cli), sorted);
    for name in &files {
        assert!(
            std::fs::read(lib.join(name)).unwrap() == std::fs::read(cli.join(name)).unwrap(),
            "{name} differs"
        );
    }
    let _ = std::fs::remove_dir_all(&lib);
    let _ = std::fs::remove_dir_all(&cli);
}
