//! The readable printout of a report: the tables with their columns aligned by display
//! width (East Asian wide characters take two columns in a terminal), numbers
//! right-aligned, and between them the summary lines (`notes.rs`).

use std::io::{self, Write};

use super::table::Table;
use super::tables::{Target, tables};
use super::{ReportInput, notes};

/// Display width of text in a terminal: East Asian wide and fullwidth characters take
/// two columns.
pub fn display_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// Display width of one character: 0 (control), 1, or 2 (East Asian wide).
pub fn char_width(c: char) -> usize {
    let u = c as u32;
    if u == 0 || c.is_control() {
        return 0;
    }
    let wide = matches!(u,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1F64F
        | 0x20000..=0x3FFFD);
    if wide { 2 } else { 1 }
}

/// Prints the whole report: a heading, every printed table with the summary lines
/// that belong to it, and with isochrones the road network and its problems.
pub fn write(out: &mut impl Write, input: ReportInput) -> io::Result<()> {
    notes::heading(out, input)?;
    let analyses = input.isochrones().map_or(&[][..], |run| &run.analyses[..]);
    let mut part = 0;
    for t in tables(input, Target::Text).filter(Table::is_printed) {
        print_table(out, &t)?;
        match t.name {
            "coverage_by_kind" => notes::uncovered(out, input)?,
            "routes" => notes::beyond_routes(out, input)?,
            "isochrone_facilities" => {
                if let Some(a) = analyses.get(part) {
                    notes::isochrone_lists(out, input, a)?;
                }
                part += 1;
            }
            _ => {}
        }
    }
    if let Some(run) = input.isochrones() {
        notes::network(out, input.park, run)?;
    }
    Ok(())
}

/// Prints one table: a blank line, its title, the header, a rule, the rows and totals.
pub fn print_table(out: &mut impl Write, t: &Table) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "{} {}", t.title_zh, t.title_en)?;
    let header = t.text_headers();
    let right: Vec<bool> = t.text_columns().map(|(_, c)| c.right).collect();
    let rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .chain(&t.totals)
        .map(|r| t.text_cells(r))
        .collect();
    let n = header.len();
    let mut w = vec![0; n];
    for r in std::iter::once(&header).chain(&rows) {
        for (i, c) in r.iter().enumerate().take(n) {
            w[i] = w[i].max(display_width(c));
        }
    }
    let line = |out: &mut dyn Write, r: &[String]| -> io::Result<()> {
        let mut s = String::new();
        for (i, c) in r.iter().enumerate().take(n) {
            let pad = w[i].saturating_sub(display_width(c));
            if i > 0 {
                s.push_str("  ");
            }
            if right.get(i).copied().unwrap_or(false) {
                s.push_str(&" ".repeat(pad));
                s.push_str(c);
            } else {
                s.push_str(c);
                if i + 1 < n {
                    s.push_str(&" ".repeat(pad));
                }
            }
        }
        writeln!(out, "{}", s.trim_end())
    };
    line(out, &header)?;
    let total: usize = w.iter().sum::<usize>() + 2 * n.saturating_sub(1);
    writeln!(out, "{}", "─".repeat(total))?;
    for r in &rows {
        line(out, r)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Cell, Column, Fmt};

    #[test]
    fn cjk_counts_two_columns() {
        assert_eq!(display_width("KW6"), 3);
        assert_eq!(display_width("荆州"), 4);
        assert_eq!(display_width("便民服务站（社区）"), 18);
    }

    #[test]
    fn tables_align_by_display_width() {
        let t = Table {
            name: "t",
            title_zh: "表".into(),
            title_en: "Table".into(),
            columns: vec![
                Column::both("名称", "名称 name"),
                Column::num("半径(m)", "半径 radius_m", Fmt::Fixed(0), Fmt::Plain),
                Column::csv_only("代码 code"),
            ],
            rows: vec![
                vec!["幼儿园".into(), Cell::Num(300.0), "k".into()],
                vec!["KW6".into(), Cell::Missing, "r".into()],
            ],
            totals: Vec::new(),
        };
        let mut out = Vec::new();
        print_table(&mut out, &t).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\n表 Table\n名称    半径(m)\n───────────────\n幼儿园      300\nKW6           -\n"
        );
    }

    #[test]
    fn the_report_prints_its_notes_beside_the_tables() {
        let p = crate::report::tables::tests::small_park();
        let mut out = Vec::new();
        write(&mut out, crate::report::tables::tests::input(&p, true)).unwrap();
        let text = String::from_utf8(out).unwrap();
        let order = [
            "小园区 分析报告 / analysis report",
            "服务设施覆盖 Service coverage by facility",
            "按设施类型 Coverage by kind",
            "未覆盖企业 Enterprises no facility of the kind covers",
            "  幼儿园（300 m）: 1 家  E2",
            "公交线路 Bus routes",
            "所有线路站点 500 m 以外的企业",
            "项目所在地块 Project sites",
            "等时圈覆盖 Isochrone coverage walk:5 (步行5分钟, 沿道路 along roads)",
            "误覆盖企业 False coverage walk:5",
            "等时圈未覆盖企业 Enterprises no isochrone of the kind reaches (walk:5)",
            "  幼儿园: 1 家（圆形服务圈未覆盖 1 家）  E2",
            "路网 Road network:",
        ];
        let mut at = 0;
        for s in order {
            let found = text[at..]
                .find(s)
                .unwrap_or_else(|| panic!("{s} after {at}"));
            at += found + s.len();
        }
        assert!(!text.contains("facility_enterprises"));
    }
}
