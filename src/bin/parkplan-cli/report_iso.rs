//! The isochrone part of `parkplan-cli report` (`--isochrone walk:15`, repeatable):
//! builds the road graph once, runs `analysis::isochrone_coverage_with` for each travel
//! choice, and turns the results into the readable tables, the CSV files and the JSON
//! keys (`"isochrone"` / `"isochrones"` per facility, top-level `"network"` and
//! `"isochrone_uncovered"`). The analysis lives in the library; this file only formats.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use anyhow::Context;
use parkplan::analysis::{Coverage, IsochroneAnalysis, IsochroneSpec, isochrone_coverage_with};
use parkplan::model::{Lang, Park};
use parkplan::network::{NetworkSettings, RoadGraph};
use parkplan::spatial::ParkIndex;
use serde::Serialize;

use crate::report::Table;

/// One CSV field, quoted when it needs to be.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Writes one CSV file atomically (`save::atomic`): UTF-8 with a byte-order mark so that
/// Excel reads the Chinese, CRLF line ends, as the report's other CSV files.
fn write_csv_file(
    dir: &Path,
    name: &str,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> anyhow::Result<String> {
    let path = dir.join(name);
    parkplan::save::atomic::write_atomic_with(&path, false, |w| {
        w.write_all(b"\xEF\xBB\xBF")?;
        let mut line = |cells: &mut dyn Iterator<Item = String>| -> std::io::Result<()> {
            let t: Vec<String> = cells.map(|c| csv_field(&c)).collect();
            w.write_all(t.join(",").as_bytes())?;
            w.write_all(b"\r\n")
        };
        line(&mut header.iter().map(|h| h.to_string()))?;
        for r in rows {
            line(&mut r.into_iter())?;
        }
        Ok(())
    })
    .with_context(|| format!("writing {}", path.display()))?;
    Ok(name.to_string())
}

/// Reads the `--isochrone` flags (`walk:15`, `ebike:10` …), in order, without repeats.
pub fn parse_specs(flags: &[String]) -> anyhow::Result<Vec<IsochroneSpec>> {
    let mut out: Vec<IsochroneSpec> = Vec::new();
    for f in flags {
        let s = IsochroneSpec::parse(f)
            .map_err(anyhow::Error::msg)
            .context("--isochrone")?;
        if !out.contains(&s) {
            out.push(s);
        }
    }
    Ok(out)
}

/// The road graph and one isochrone analysis per travel choice.
pub struct IsoRun {
    /// The graph of the park's roads.
    pub graph: RoadGraph,
    /// One per `--isochrone`, in the order given.
    pub analyses: Vec<IsochroneAnalysis>,
}

/// Builds the graph and computes every choice (lists only, no polygons).
pub fn compute(
    park: &Park,
    index: &ParkIndex,
    circles: &Coverage,
    settings: NetworkSettings,
    specs: &[IsochroneSpec],
) -> anyhow::Result<IsoRun> {
    let graph = RoadGraph::build(park, *index.frame(), settings).context("road network")?;
    let analyses = specs
        .iter()
        .map(|s| isochrone_coverage_with(park, index, &graph, circles, *s, false))
        .collect();
    Ok(IsoRun { graph, analyses })
}

/// The method of the isochrones in words (appended to the report's method).
pub fn method(run: &IsoRun) -> String {
    let s = &run.graph.settings;
    format!(
        "isochrones: shortest travel times along the road network (roads noded at shared vertices and crossings within {} m), segment lengths geodesic along the roads (WGS84 ellipsoid, Karney); walking {} km/h, e-bike {} km/h capped by each road's speed limit; motorways and expressways closed; the leg from a facility or enterprise to its nearest road (at most {} m, straight in the planar frame) walked; an enterprise is covered when its own access point is reached within the time",
        s.snap_tolerance_m, s.walk_kmh, s.ebike_kmh, s.max_access_m
    )
}

/// `15` for whole minutes, `7.5` otherwise.
fn minutes_value(m: f64) -> serde_json::Value {
    if m.fract() == 0.0 && m.abs() < 1e9 {
        serde_json::Value::from(m as i64)
    } else {
        serde_json::Value::from(m)
    }
}

/// One facility's isochrone in JSON (the keys up to `beyond_circle` are a contract).
#[derive(Serialize)]
pub struct JsonIso<'a> {
    mode: &'static str,
    minutes: serde_json::Value,
    enterprises: Vec<&'a str>,
    false_coverage: Vec<&'a str>,
    beyond_circle: Vec<&'a str>,
    employees: u64,
    on_network: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    network_component: Option<usize>,
    /// Real travel minutes of each `false_coverage` enterprise (null beyond 4× the time).
    false_coverage_minutes: Vec<Option<f64>>,
}

/// One facility's entry of one analysis.
fn iso_of<'a>(a: &IsochroneAnalysis, park: &'a Park, fi: usize) -> Option<JsonIso<'a>> {
    let eid = |i: u32| park.enterprises[i as usize].id.as_str();
    let f = a.facilities.get(fi)?;
    Some(JsonIso {
        mode: a.spec.mode.code(),
        minutes: minutes_value(a.spec.minutes),
        enterprises: f.reached.iter().map(|(e, _)| eid(*e)).collect(),
        false_coverage: f.false_coverage.iter().map(|&e| eid(e)).collect(),
        beyond_circle: f.beyond_circle.iter().map(|&e| eid(e)).collect(),
        employees: f.employees,
        on_network: f.on_network,
        network_component: f.on_network.then_some(f.component),
        false_coverage_minutes: f
            .false_coverage_minutes
            .iter()
            .map(|m| m.map(|m| (m as f64 * 100.0).round() / 100.0))
            .collect(),
    })
}

/// The isochrones of facility `fi`: the first choice (`"isochrone"`), and all of them
/// (`"isochrones"`) when several were asked for.
pub fn facility_json<'a>(
    run: &IsoRun,
    park: &'a Park,
    fi: usize,
) -> (Option<JsonIso<'a>>, Option<Vec<JsonIso<'a>>>) {
    let first = run.analyses.first().and_then(|a| iso_of(a, park, fi));
    let all = (run.analyses.len() > 1).then(|| {
        run.analyses
            .iter()
            .filter_map(|a| iso_of(a, park, fi))
            .collect()
    });
    (first, all)
}

/// A connected piece of the road network.
#[derive(Serialize)]
pub struct JsonComponent {
    nodes: usize,
    km: f64,
    roads: Vec<String>,
}

/// The top-level `"network"` key.
#[derive(Serialize)]
pub struct JsonNetwork<'a> {
    nodes: usize,
    edges: usize,
    km: f64,
    walk_kmh: f64,
    ebike_kmh: f64,
    snap_tolerance_m: f64,
    max_access_m: f64,
    /// Largest first; the first is the main network.
    components: Vec<JsonComponent>,
    /// Enterprises farther than `max_access_m` from every road.
    unreachable: Vec<&'a str>,
    /// Their distances to the nearest road, metres (null without roads).
    unreachable_distance_m: Vec<Option<f64>>,
    /// Facilities farther than `max_access_m` from every road.
    facilities_off_network: Vec<&'a str>,
    /// Facilities on a piece other than the main network.
    facilities_on_isolated_pieces: Vec<&'a str>,
}

/// The network's figures and problems.
pub fn network_json<'a>(run: &IsoRun, park: &'a Park) -> JsonNetwork<'a> {
    let g = &run.graph;
    let first = run.analyses.first();
    let eid = |i: u32| park.enterprises[i as usize].id.as_str();
    let fid = |i: u32| park.facilities[i as usize].id.as_str();
    JsonNetwork {
        nodes: g.graph.node_count(),
        edges: g.graph.edge_count(),
        km: (g.total_length_m() / 10.0).round() / 100.0,
        walk_kmh: g.settings.walk_kmh,
        ebike_kmh: g.settings.ebike_kmh,
        snap_tolerance_m: g.settings.snap_tolerance_m,
        max_access_m: g.settings.max_access_m,
        components: g
            .components
            .iter()
            .map(|c| JsonComponent {
                nodes: c.nodes,
                km: (c.length_m / 10.0).round() / 100.0,
                roads: c.roads.clone(),
            })
            .collect(),
        unreachable: first
            .map(|a| a.unreachable.iter().map(|(e, _)| eid(*e)).collect())
            .unwrap_or_default(),
        unreachable_distance_m: first
            .map(|a| {
                a.unreachable
                    .iter()
                    .map(|(_, d)| d.map(|d| (d * 10.0).round() / 10.0))
                    .collect()
            })
            .unwrap_or_default(),
        facilities_off_network: first
            .map(|a| {
                a.facilities
                    .iter()
                    .filter(|f| {
                        !f.on_network && park.facilities[f.facility as usize].location.is_some()
                    })
                    .map(|f| fid(f.facility))
                    .collect()
            })
            .unwrap_or_default(),
        facilities_on_isolated_pieces: first
            .map(|a| {
                a.facilities
                    .iter()
                    .filter(|f| f.on_network && f.component != 0)
                    .map(|f| fid(f.facility))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// Per travel choice (`walk:15`), per kind: the enterprises none of the kind's
/// facilities reaches.
pub fn uncovered_json<'a>(
    run: &IsoRun,
    park: &'a Park,
) -> BTreeMap<String, BTreeMap<&'static str, Vec<&'a str>>> {
    run.analyses
        .iter()
        .map(|a| {
            (
                a.spec.label(),
                a.uncovered
                    .iter()
                    .map(|(k, v)| {
                        (
                            k.code(),
                            v.iter()
                                .map(|&e| park.enterprises[e as usize].id.as_str())
                                .collect(),
                        )
                    })
                    .collect(),
            )
        })
        .collect()
}

fn note(f: &parkplan::analysis::FacilityIsochrone) -> &'static str {
    if !f.on_network {
        "未接入路网 off network"
    } else if f.component != 0 {
        "孤立路段 isolated road"
    } else {
        ""
    }
}

fn ids_with_minutes(park: &Park, ids: &[u32], minutes: &[Option<f32>], limit: f64) -> String {
    ids.iter()
        .zip(minutes.iter().copied().chain(std::iter::repeat(None)))
        .map(|(&e, m)| {
            let id = &park.enterprises[e as usize].id;
            match m {
                Some(m) => format!("{id}({m:.1}分)"),
                None => format!("{id}(>{limit:.0}分)"),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The readable tables: per choice, per facility the circle and isochrone counts, the
/// false coverage and the reach beyond the circle; the false-coverage and beyond lists;
/// per kind the enterprises no isochrone reaches; then the network and its problems.
pub fn print_tables(
    out: &mut impl Write,
    park: &Park,
    circles: &Coverage,
    run: &IsoRun,
) -> std::io::Result<()> {
    for a in &run.analyses {
        let what = a.spec.describe(Lang::Zh);
        let mut t = Table::new(
            &format!(
                "等时圈覆盖 Isochrone coverage {} ({}, 沿道路 along roads)",
                a.spec.label(),
                what
            ),
            &[
                "编号",
                "名称",
                "类型",
                "半径(m)",
                "圆内企业",
                "等时圈企业",
                "误覆盖",
                "圆外可达",
                "可达职工",
                "备注",
            ],
            &[
                false, false, false, true, true, true, true, true, true, false,
            ],
        );
        for f in &a.facilities {
            let fi = f.facility as usize;
            let fac = &park.facilities[fi];
            let c = circles.facilities.get(fi);
            t.row(vec![
                fac.id.clone(),
                fac.name.clone(),
                fac.kind.label(Lang::Zh).to_string(),
                c.map_or("-".into(), |c| format!("{:.0}", c.radius_m)),
                c.map_or(0, |c| c.covered.len()).to_string(),
                f.reached.len().to_string(),
                f.false_coverage.len().to_string(),
                f.beyond_circle.len().to_string(),
                f.employees.to_string(),
                note(f).to_string(),
            ]);
        }
        t.print(out)?;
        writeln!(out)?;
        writeln!(
            out,
            "误覆盖企业 False coverage {} (圆内，但{}内沿道路到不了；括号内为实际用时 real time along roads)",
            a.spec.label(),
            what
        )?;
        let limit = a.spec.minutes * 4.0;
        let mut any = false;
        for f in a.facilities.iter().filter(|f| !f.false_coverage.is_empty()) {
            any = true;
            let fac = &park.facilities[f.facility as usize];
            writeln!(
                out,
                "  {} {}: {} 家  {}",
                fac.id,
                fac.name,
                f.false_coverage.len(),
                ids_with_minutes(park, &f.false_coverage, &f.false_coverage_minutes, limit)
            )?;
        }
        if !any {
            writeln!(out, "  （无 none）")?;
        }
        writeln!(out)?;
        writeln!(
            out,
            "圆外可达企业 Reached beyond the circle {} (括号内为用时 time along roads)",
            a.spec.label()
        )?;
        let mut any = false;
        for f in a.facilities.iter().filter(|f| !f.beyond_circle.is_empty()) {
            any = true;
            let fac = &park.facilities[f.facility as usize];
            let minutes: Vec<Option<f32>> = f
                .beyond_circle
                .iter()
                .map(|e| {
                    f.reached
                        .binary_search_by_key(e, |(x, _)| *x)
                        .ok()
                        .map(|k| f.reached[k].1)
                })
                .collect();
            writeln!(
                out,
                "  {} {}: {} 家  {}",
                fac.id,
                fac.name,
                f.beyond_circle.len(),
                ids_with_minutes(park, &f.beyond_circle, &minutes, limit)
            )?;
        }
        if !any {
            writeln!(out, "  （无 none）")?;
        }
        writeln!(out)?;
        writeln!(
            out,
            "等时圈未覆盖企业 Enterprises no isochrone of the kind reaches ({})",
            a.spec.label()
        )?;
        for (k, v) in &a.uncovered {
            let shown: Vec<&str> = v
                .iter()
                .take(12)
                .map(|&e| park.enterprises[e as usize].id.as_str())
                .collect();
            let more = if v.len() > 12 {
                format!(" … (共 {} 个)", v.len())
            } else {
                String::new()
            };
            let circle_uncovered = circles.kind(*k).map_or(0, |kc| kc.uncovered.len());
            writeln!(
                out,
                "  {}: {} 家（圆形服务圈未覆盖 {} 家）  {}{}",
                k.label(Lang::Zh),
                v.len(),
                circle_uncovered,
                shown.join(", "),
                more
            )?;
        }
    }
    // The network and its problems.
    let g = &run.graph;
    writeln!(out)?;
    writeln!(
        out,
        "路网 Road network: {} 个节点 nodes, {} 段 segments, {:.2} km, {} 个连通片 pieces",
        g.graph.node_count(),
        g.graph.edge_count(),
        g.total_length_m() / 1000.0,
        g.components.len()
    )?;
    if g.graph.edge_count() == 0 {
        writeln!(
            out,
            "  没有道路图层，无法沿道路计算 no roads layer: isochrones need one"
        )?;
    }
    for (i, c) in g.components.iter().enumerate() {
        writeln!(
            out,
            "  {}: {:.2} km, {} 个节点: {}",
            if i == 0 {
                "主路网 main".to_string()
            } else {
                format!("孤立路段 isolated #{i}")
            },
            c.length_m / 1000.0,
            c.nodes,
            if i == 0 && c.roads.len() > 8 {
                format!("{} 条道路 roads", c.roads.len())
            } else {
                c.roads.join("、")
            }
        )?;
    }
    if let Some(a) = run.analyses.first() {
        let isolated: Vec<String> = a
            .facilities
            .iter()
            .filter(|f| f.on_network && f.component != 0)
            .map(|f| {
                let fac = &park.facilities[f.facility as usize];
                format!("{} {}", fac.id, fac.name)
            })
            .collect();
        if !isolated.is_empty() {
            writeln!(
                out,
                "  位于孤立路段的设施 facilities on isolated pieces: {}",
                isolated.join(", ")
            )?;
        }
        let off: Vec<String> = a
            .facilities
            .iter()
            .filter(|f| !f.on_network && park.facilities[f.facility as usize].location.is_some())
            .map(|f| {
                let fac = &park.facilities[f.facility as usize];
                format!("{} {}", fac.id, fac.name)
            })
            .collect();
        if !off.is_empty() {
            writeln!(
                out,
                "  远离道路的设施 facilities beyond {} m of every road: {}",
                g.settings.max_access_m,
                off.join(", ")
            )?;
        }
        writeln!(
            out,
            "  无法到达的企业 enterprises beyond {} m of every road: {} 家  {}",
            g.settings.max_access_m,
            a.unreachable.len(),
            if a.unreachable.is_empty() {
                "（无 none）".to_string()
            } else {
                a.unreachable
                    .iter()
                    .map(|(e, d)| {
                        let id = &park.enterprises[*e as usize].id;
                        match d {
                            Some(d) => format!("{id}({d:.0} m)"),
                            None => id.clone(),
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        )?;
    }
    Ok(())
}

/// The CSV files of the isochrones (UTF-8 with BOM, written atomically).
pub fn write_csv(
    dir: &Path,
    park: &Park,
    circles: &Coverage,
    run: &IsoRun,
) -> anyhow::Result<Vec<String>> {
    let mut files = Vec::new();
    let ent = |i: u32| &park.enterprises[i as usize];
    files.push(write_csv_file(
        dir,
        "isochrone_facilities.csv",
        &[
            "等时圈 isochrone",
            "设施编号 facility_id",
            "设施名称 facility_name",
            "类型代码 kind_code",
            "半径 radius_m",
            "圆内企业 in_circle",
            "等时圈企业 reached",
            "误覆盖 false_coverage",
            "圆外可达 beyond_circle",
            "可达职工 employees_reached",
            "接入路网 on_network",
            "连通片 network_component",
        ],
        run.analyses.iter().flat_map(|a| {
            a.facilities.iter().map(move |f| {
                let fi = f.facility as usize;
                let fac = &park.facilities[fi];
                let c = circles.facilities.get(fi);
                vec![
                    a.spec.label(),
                    fac.id.clone(),
                    fac.name.clone(),
                    fac.kind.code().to_string(),
                    c.map_or(String::new(), |c| format!("{}", c.radius_m)),
                    c.map_or(0, |c| c.covered.len()).to_string(),
                    f.reached.len().to_string(),
                    f.false_coverage.len().to_string(),
                    f.beyond_circle.len().to_string(),
                    f.employees.to_string(),
                    f.on_network.to_string(),
                    if f.on_network {
                        f.component.to_string()
                    } else {
                        String::new()
                    },
                ]
            })
        }),
    )?);
    // Every facility–enterprise pair in the circle or the isochrone, with its status.
    files.push(write_csv_file(
        dir,
        "isochrone_enterprises.csv",
        &[
            "等时圈 isochrone",
            "设施编号 facility_id",
            "设施名称 facility_name",
            "企业编号 enterprise_id",
            "企业名称 enterprise_name",
            "状态 status",
            "圆内 in_circle",
            "可达 reached",
            "用时 minutes",
        ],
        run.analyses.iter().flat_map(|a| {
            a.facilities.iter().flat_map(move |f| {
                let fac = &park.facilities[f.facility as usize];
                let in_circle: Vec<u32> = circles
                    .facilities
                    .get(f.facility as usize)
                    .map(|c| {
                        let mut v: Vec<u32> = c.covered.iter().map(|x| x.enterprise).collect();
                        v.sort_unstable();
                        v
                    })
                    .unwrap_or_default();
                let mut all: Vec<u32> = in_circle
                    .iter()
                    .copied()
                    .chain(f.reached.iter().map(|(e, _)| *e))
                    .collect();
                all.sort_unstable();
                all.dedup();
                all.into_iter().map(move |e| {
                    let circle = in_circle.binary_search(&e).is_ok();
                    let reached = f.reached.binary_search_by_key(&e, |(x, _)| *x).ok();
                    let minutes = match reached {
                        Some(k) => Some(f.reached[k].1),
                        None => f
                            .false_coverage
                            .iter()
                            .position(|x| *x == e)
                            .and_then(|k| f.false_coverage_minutes.get(k).copied().flatten()),
                    };
                    let status = match (circle, reached.is_some()) {
                        (true, true) => "covered",
                        (true, false) => "false_coverage",
                        (false, true) => "beyond_circle",
                        (false, false) => "",
                    };
                    vec![
                        a.spec.label(),
                        fac.id.clone(),
                        fac.name.clone(),
                        ent(e).id.clone(),
                        ent(e).name.clone(),
                        status.to_string(),
                        circle.to_string(),
                        reached.is_some().to_string(),
                        minutes.map_or(String::new(), |m| format!("{m:.2}")),
                    ]
                })
            })
        }),
    )?);
    files.push(write_csv_file(
        dir,
        "isochrone_uncovered.csv",
        &[
            "等时圈 isochrone",
            "类型 kind",
            "类型代码 kind_code",
            "企业编号 enterprise_id",
            "企业名称 enterprise_name",
        ],
        run.analyses.iter().flat_map(|a| {
            a.uncovered.iter().flat_map(move |(k, v)| {
                v.iter().map(move |&e| {
                    vec![
                        a.spec.label(),
                        k.label(Lang::Zh).to_string(),
                        k.code().to_string(),
                        ent(e).id.clone(),
                        ent(e).name.clone(),
                    ]
                })
            })
        }),
    )?);
    files.push(write_csv_file(
        dir,
        "network_components.csv",
        &[
            "连通片 component",
            "节点 nodes",
            "长度 length_m",
            "道路 roads",
        ],
        run.graph.components.iter().enumerate().map(|(i, c)| {
            vec![
                i.to_string(),
                c.nodes.to_string(),
                format!("{:.1}", c.length_m),
                c.roads.join("、"),
            ]
        }),
    )?);
    let unreachable = run
        .analyses
        .first()
        .map(|a| a.unreachable.clone())
        .unwrap_or_default();
    files.push(write_csv_file(
        dir,
        "network_unreachable.csv",
        &[
            "企业编号 enterprise_id",
            "企业名称 enterprise_name",
            "到道路 distance_to_road_m",
        ],
        unreachable.into_iter().map(|(e, d)| {
            vec![
                ent(e).id.clone(),
                ent(e).name.clone(),
                d.map_or(String::new(), |d| format!("{d:.1}")),
            ]
        }),
    )?);
    Ok(files)
}
