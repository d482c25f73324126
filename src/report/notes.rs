//! The printout's lines around the tables: the heading (method and counts), the
//! enterprises each kind leaves uncovered, those beyond every route, each isochrone's
//! false coverage and reach beyond the circle, and the road network's problems.

use std::io::{self, Write};

use crate::analysis::{IsoRun, IsochroneAnalysis};
use crate::model::{Lang, Park};

use super::ReportInput;

/// How many ids a summary line lists before it only counts.
const PREVIEW: usize = 12;

/// The first `PREVIEW` ids of enterprises, then the count when there are more.
fn ids_preview(park: &Park, ids: &[u32]) -> String {
    let shown: Vec<&str> = ids
        .iter()
        .take(PREVIEW)
        .map(|&e| park.enterprises[e as usize].id.as_str())
        .collect();
    if ids.len() > PREVIEW {
        format!("{} … (共 {} 个)", shown.join(", "), ids.len())
    } else {
        shown.join(", ")
    }
}

/// The title, the method and what the park holds.
pub(super) fn heading(out: &mut impl Write, input: ReportInput) -> io::Result<()> {
    let (park, r) = (input.park, input.analysis);
    writeln!(out, "{} 分析报告 / analysis report", park.name)?;
    writeln!(out, "方法 method: {}", r.method)?;
    writeln!(
        out,
        "企业 {} 家（有位置 {}），服务设施 {} 处，公交线路 {} 条，站点 {} 个，地块 {} 块，项目 {} 个",
        park.enterprises.len(),
        r.coverage.located_enterprises,
        park.facilities.len(),
        park.routes.len(),
        park.stops.len(),
        park.parcels.len(),
        park.projects.len()
    )?;
    if let Some(pa) = &r.areas.park {
        writeln!(
            out,
            "园区面积 park area: {:.3} km² ({})",
            pa.km2, pa.definition
        )?;
    }
    Ok(())
}

/// Per kind, the enterprises no facility of the kind covers.
pub(super) fn uncovered(out: &mut impl Write, input: ReportInput) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "未覆盖企业 Enterprises no facility of the kind covers")?;
    for k in &input.analysis.coverage.kinds {
        writeln!(
            out,
            "  {}（{} m）: {} 家  {}",
            k.kind.label(Lang::Zh),
            k.radius_m,
            k.uncovered.len(),
            ids_preview(input.park, &k.uncovered)
        )?;
    }
    Ok(())
}

/// The enterprises beyond the stop catchment of every route.
pub(super) fn beyond_routes(out: &mut impl Write, input: ReportInput) -> io::Result<()> {
    let r = &input.analysis.routes;
    writeln!(
        out,
        "所有线路站点 {} m 以外的企业 beyond every route: {} 家  {}",
        r.catchment_m,
        r.beyond_all.len(),
        ids_preview(input.park, &r.beyond_all)
    )
}

/// Enterprise ids with their travel minutes (`E-001(12.5分)`, `E-002(>60分)`).
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

/// One facility per line: `id name: n 家  ids`; `（无 none）` without any.
fn per_facility<'a>(
    out: &mut impl Write,
    park: &Park,
    lines: impl Iterator<Item = (u32, usize, String)> + 'a,
) -> io::Result<()> {
    let mut any = false;
    for (fi, n, ids) in lines {
        any = true;
        let fac = &park.facilities[fi as usize];
        writeln!(out, "  {} {}: {} 家  {}", fac.id, fac.name, n, ids)?;
    }
    if !any {
        writeln!(out, "  （无 none）")?;
    }
    Ok(())
}

/// One travel choice's lists: the false coverage and the reach beyond the circle per
/// facility, and per kind the enterprises no isochrone reaches.
pub(super) fn isochrone_lists(
    out: &mut impl Write,
    input: ReportInput,
    a: &IsochroneAnalysis,
) -> io::Result<()> {
    let park = input.park;
    let label = a.spec.label();
    let limit = a.spec.minutes * 4.0;
    writeln!(out)?;
    writeln!(
        out,
        "误覆盖企业 False coverage {} (圆内，但{}内沿道路到不了；括号内为实际用时 real time along roads)",
        label,
        a.spec.describe(Lang::Zh)
    )?;
    let false_coverage = a
        .facilities
        .iter()
        .filter(|f| !f.false_coverage.is_empty())
        .map(|f| {
            let ids = ids_with_minutes(park, &f.false_coverage, &f.false_coverage_minutes, limit);
            (f.facility, f.false_coverage.len(), ids)
        });
    per_facility(out, park, false_coverage)?;
    writeln!(out)?;
    writeln!(
        out,
        "圆外可达企业 Reached beyond the circle {label} (括号内为用时 time along roads)"
    )?;
    let beyond = a
        .facilities
        .iter()
        .filter(|f| !f.beyond_circle.is_empty())
        .map(|f| {
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
            let ids = ids_with_minutes(park, &f.beyond_circle, &minutes, limit);
            (f.facility, f.beyond_circle.len(), ids)
        });
    per_facility(out, park, beyond)?;
    writeln!(out)?;
    writeln!(
        out,
        "等时圈未覆盖企业 Enterprises no isochrone of the kind reaches ({label})"
    )?;
    let circles = &input.analysis.coverage;
    for (k, v) in &a.uncovered {
        let circle_uncovered = circles.kind(*k).map_or(0, |kc| kc.uncovered.len());
        writeln!(
            out,
            "  {}: {} 家（圆形服务圈未覆盖 {} 家）  {}",
            k.label(Lang::Zh),
            v.len(),
            circle_uncovered,
            ids_preview(park, v)
        )?;
    }
    Ok(())
}

/// `id name` of each facility, comma-separated.
fn facility_names(park: &Park, ids: impl Iterator<Item = u32>) -> String {
    ids.map(|i| {
        let fac = &park.facilities[i as usize];
        format!("{} {}", fac.id, fac.name)
    })
    .collect::<Vec<_>>()
    .join(", ")
}

/// The road network: its size, its pieces, and the facilities and enterprises it
/// cannot serve.
pub(super) fn network(out: &mut impl Write, park: &Park, run: &IsoRun) -> io::Result<()> {
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
    let Some(a) = run.analyses.first() else {
        return Ok(());
    };
    let isolated = facility_names(
        park,
        a.facilities
            .iter()
            .filter(|f| f.on_network && f.component != 0)
            .map(|f| f.facility),
    );
    if !isolated.is_empty() {
        writeln!(
            out,
            "  位于孤立路段的设施 facilities on isolated pieces: {isolated}"
        )?;
    }
    let off = facility_names(
        park,
        a.facilities
            .iter()
            .filter(|f| !f.on_network && park.facilities[f.facility as usize].location.is_some())
            .map(|f| f.facility),
    );
    if !off.is_empty() {
        writeln!(
            out,
            "  远离道路的设施 facilities beyond {} m of every road: {}",
            g.settings.max_access_m, off
        )?;
    }
    let unreachable = if a.unreachable.is_empty() {
        "（无 none）".to_string()
    } else {
        a.unreachable
            .iter()
            .map(|(e, d)| {
                let id = &park.enterprises[*e as usize].id;
                match d {
                    Some(d) => format!("{id}({d:.0} m)"),
                    None => id.to_string(),
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    writeln!(
        out,
        "  无法到达的企业 enterprises beyond {} m of every road: {} 家  {}",
        g.settings.max_access_m,
        a.unreachable.len(),
        unreachable
    )
}
