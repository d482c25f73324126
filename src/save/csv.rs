//! Analysis tables as CSV files: UTF-8 with a byte-order mark (so spreadsheet programs
//! read the Chinese), CRLF line ends, fields quoted only when they need it, each file
//! written atomically (a temporary file in the same folder, then a rename).
//!
//! [`write_analysis_tables`] writes the tables `parkplan-cli report --csv` and the
//! desktop's "export analysis tables" produce, from a [`ParkAnalysis`]. It only formats
//! results; it computes nothing and knows no GUI.

use std::io::{self, Write};
use std::path::Path;

use crate::analysis::{self, ParkAnalysis, SiteMatch};
use crate::model::{Lang, Park};

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

/// How a project's parcel was found, as the CSV and JSON reports spell it.
pub fn site_word(h: SiteMatch) -> &'static str {
    match h {
        SiteMatch::Declared => "declared",
        SiteMatch::Located => "located",
        SiteMatch::Mismatch => "mismatch",
        SiteMatch::UnknownDeclared => "unknown_declared_parcel",
        SiteMatch::None => "none",
    }
}

/// The file names [`write_analysis_tables`] writes, in order.
pub const TABLE_FILES: &[&str] = &[
    "facilities.csv",
    "facility_enterprises.csv",
    "coverage_by_kind.csv",
    "uncovered.csv",
    "enterprise_nearest.csv",
    "routes.csv",
    "route_stops.csv",
    "route_enterprises.csv",
    "land_by_status.csv",
    "land_by_use.csv",
    "projects_by_stage.csv",
    "project_sites.csv",
];

/// Writes every analysis table into `dir` (created when missing); returns the file
/// names written. Result indices that do not match the park are skipped, not panicked on.
pub fn write_analysis_tables(
    dir: &Path,
    park: &Park,
    r: &ParkAnalysis,
) -> Result<Vec<String>, SaveError> {
    std::fs::create_dir_all(dir).map_err(|source| SaveError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let mut files = Vec::new();
    let ent = |i: u32| &park.enterprises[i as usize];
    files.push(write_csv_file(
        dir,
        "facilities.csv",
        &[
            "编号 id",
            "名称 name",
            "类型 kind",
            "类型代码 kind_code",
            "半径 radius_m",
            "覆盖企业 enterprises",
            "职工人数 employees",
        ],
        r.coverage.facilities.iter().map(|fc| {
            let f = &park.facilities[fc.facility as usize];
            vec![
                f.id.clone(),
                f.name.clone(),
                f.kind.label(Lang::Zh).into(),
                f.kind.code().into(),
                format!("{}", fc.radius_m),
                fc.covered.len().to_string(),
                fc.employees.to_string(),
            ]
        }),
    )?);
    files.push(write_csv_file(
        dir,
        "facility_enterprises.csv",
        &[
            "设施编号 facility_id",
            "设施名称 facility_name",
            "企业编号 enterprise_id",
            "企业名称 enterprise_name",
            "距离 distance_m",
        ],
        r.coverage.facilities.iter().flat_map(|fc| {
            let f = &park.facilities[fc.facility as usize];
            let mut cov = fc.covered.clone();
            cov.sort_by(|a, b| a.distance_m.total_cmp(&b.distance_m));
            cov.into_iter().map(move |c| {
                let e = ent(c.enterprise);
                vec![
                    f.id.clone(),
                    f.name.clone(),
                    e.id.clone(),
                    e.name.clone(),
                    format!("{:.1}", c.distance_m),
                ]
            })
        }),
    )?);
    files.push(write_csv_file(
        dir,
        "coverage_by_kind.csv",
        &[
            "类型 kind",
            "类型代码 kind_code",
            "半径 radius_m",
            "设施数 facilities",
            "覆盖企业 covered_enterprises",
            "覆盖职工 covered_employees",
            "未覆盖企业 uncovered",
            "覆盖面积 union_km2",
            "园区内 covered_in_park_km2",
            "占园区 share_of_park",
        ],
        r.coverage.kinds.iter().map(|k| {
            let a = r.areas.kinds.iter().find(|a| a.kind == k.kind);
            vec![
                k.kind.label(Lang::Zh).into(),
                k.kind.code().into(),
                format!("{}", k.radius_m),
                k.facilities.len().to_string(),
                k.covered_enterprises.to_string(),
                k.covered_employees.to_string(),
                k.uncovered.len().to_string(),
                a.map_or(String::new(), |a| format!("{:.6}", a.union_km2)),
                a.map_or(String::new(), |a| format!("{:.6}", a.covered_in_park_km2)),
                a.map_or(String::new(), |a| format!("{:.6}", a.share_of_park)),
            ]
        }),
    )?);
    files.push(write_csv_file(
        dir,
        "uncovered.csv",
        &[
            "类型 kind",
            "类型代码 kind_code",
            "企业编号 enterprise_id",
            "企业名称 enterprise_name",
            "最近设施 nearest_facility",
            "最近距离 nearest_m",
        ],
        r.coverage.kinds.iter().flat_map(|k| {
            k.uncovered.iter().map(move |&e| {
                let near = r.nearest.get(e as usize, k.kind);
                vec![
                    k.kind.label(Lang::Zh).into(),
                    k.kind.code().into(),
                    ent(e).id.clone(),
                    ent(e).name.clone(),
                    near.map_or(String::new(), |(f, _)| {
                        park.facilities[f as usize].id.clone()
                    }),
                    near.map_or(String::new(), |(_, d)| format!("{d:.1}")),
                ]
            })
        }),
    )?);
    let mut header: Vec<String> = vec![
        "企业编号 enterprise_id".into(),
        "企业名称 enterprise_name".into(),
    ];
    for k in &r.nearest.kinds {
        header.push(format!("最近{} nearest_{}", k.label(Lang::Zh), k.code()));
        header.push(format!("距离 {}_m", k.code()));
    }
    let header_refs: Vec<&str> = header.iter().map(|s| s.as_str()).collect();
    files.push(write_csv_file(
        dir,
        "enterprise_nearest.csv",
        &header_refs,
        (0..park.enterprises.len()).map(|e| {
            let mut row = vec![
                park.enterprises[e].id.clone(),
                park.enterprises[e].name.clone(),
            ];
            for &k in &r.nearest.kinds {
                match r.nearest.get(e, k) {
                    Some((f, d)) => {
                        row.push(park.facilities[f as usize].id.clone());
                        row.push(format!("{d:.1}"));
                    }
                    None => {
                        row.push(String::new());
                        row.push(String::new());
                    }
                }
            }
            row
        }),
    )?);
    files.push(write_csv_file(
        dir,
        "routes.csv",
        &[
            "编号 id",
            "线路 name",
            "长度 length_m",
            "站点数 stops",
            "平均站距 mean_stop_spacing_m",
            "最小站距 min_stop_spacing_m",
            "最大站距 max_stop_spacing_m",
            "覆盖半径 catchment_m",
            "覆盖企业 enterprises",
            "职工人数 employees",
            "企业占比 share_of_enterprises",
        ],
        r.routes.routes.iter().map(|rs| {
            let route = &park.routes[rs.route as usize];
            let sp = |f: fn(&analysis::Spacing) -> f64| {
                rs.spacing
                    .as_ref()
                    .map_or(String::new(), |s| format!("{:.2}", f(s)))
            };
            vec![
                route.id.clone(),
                route.name.clone(),
                format!("{:.3}", rs.length_m),
                rs.stops.len().to_string(),
                sp(|s| s.mean_m),
                sp(|s| s.min_m),
                sp(|s| s.max_m),
                format!("{}", rs.catchment_m),
                rs.enterprises.len().to_string(),
                rs.employees.to_string(),
                format!("{:.6}", rs.share_of_enterprises),
            ]
        }),
    )?);
    files.push(write_csv_file(
        dir,
        "route_stops.csv",
        &[
            "线路 route",
            "序号 seq",
            "站点编号 stop_id",
            "站点名称 stop_name",
            "里程 position_m",
            "距线路 offset_m",
        ],
        r.routes.routes.iter().flat_map(|rs| {
            let route = &park.routes[rs.route as usize];
            rs.stops.iter().enumerate().map(move |(k, &s)| {
                let st = &park.stops[s as usize];
                vec![
                    route.name.clone(),
                    st.seq.map_or(String::new(), |q| q.to_string()),
                    st.id.clone(),
                    st.name.clone(),
                    format!("{:.1}", rs.stop_positions_m[k]),
                    format!("{:.1}", rs.stop_offsets_m[k]),
                ]
            })
        }),
    )?);
    files.push(write_csv_file(
        dir,
        "route_enterprises.csv",
        &[
            "线路 route",
            "企业编号 enterprise_id",
            "企业名称 enterprise_name",
            "职工人数 employees",
        ],
        r.routes.routes.iter().flat_map(|rs| {
            let route = &park.routes[rs.route as usize];
            rs.enterprises.iter().map(move |&e| {
                vec![
                    route.name.clone(),
                    ent(e).id.clone(),
                    ent(e).name.clone(),
                    ent(e).employees.map_or(String::new(), |n| n.to_string()),
                ]
            })
        }),
    )?);
    files.push(write_csv_file(
        dir,
        "land_by_status.csv",
        &[
            "审批状态 status",
            "状态代码 status_code",
            "地块数 parcels",
            "面积 area_mu",
            "面积 area_ha",
        ],
        r.land.by_status.iter().map(|(s, t)| {
            vec![
                s.label(Lang::Zh).into(),
                s.code().into(),
                t.parcels.to_string(),
                format!("{:.2}", t.mu()),
                format!("{:.4}", t.ha()),
            ]
        }),
    )?);
    files.push(write_csv_file(
        dir,
        "land_by_use.csv",
        &[
            "用地性质 land_use",
            "地块数 parcels",
            "面积 area_mu",
            "面积 area_ha",
        ],
        r.land.by_land_use.iter().map(|(u, t)| {
            vec![
                u.clone().unwrap_or_default(),
                t.parcels.to_string(),
                format!("{:.2}", t.mu()),
                format!("{:.4}", t.ha()),
            ]
        }),
    )?);
    files.push(write_csv_file(
        dir,
        "projects_by_stage.csv",
        &[
            "项目阶段 stage",
            "阶段代码 stage_code",
            "项目数 projects",
            "投资额 investment_yi",
            "项目秘书 secretaries",
        ],
        r.projects.iter().map(|s| {
            vec![
                s.stage
                    .map_or("未注明".into(), |x| x.label(Lang::Zh).to_string()),
                s.stage.map_or("unknown".into(), |x| x.code().to_string()),
                s.projects.len().to_string(),
                format!("{:.4}", s.investment_yi),
                s.secretaries.join("、"),
            ]
        }),
    )?);
    let pid = |i: Option<u32>| i.map_or(String::new(), |i| park.parcels[i as usize].id.clone());
    files.push(write_csv_file(
        dir,
        "project_sites.csv",
        &[
            "项目编号 project_id",
            "项目名称 project_name",
            "所在地块 parcel_id",
            "位置所在地块 located_parcel_id",
            "依据 how",
        ],
        r.sites.iter().map(|s| {
            let p = &park.projects[s.project as usize];
            vec![
                p.id.clone(),
                p.name.clone(),
                pid(s.parcel),
                pid(s.located),
                site_word(s.how).into(),
            ]
        }),
    )?);
    Ok(files)
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
