//! The isochrone tables: per travel choice and facility, the circle against the
//! isochrone; every facility–enterprise pair with its status; per kind the
//! enterprises no isochrone reaches; the road network's pieces and the enterprises
//! beyond every road.

use crate::analysis::{Coverage, FacilityIsochrone, IsoRun, IsochroneAnalysis};
use crate::model::{Lang, Park};
use crate::report::table::{Cell, Column, Fmt, Table};

/// The printout's remark on a facility's place on the network.
pub(super) fn network_remark(f: &FacilityIsochrone) -> &'static str {
    if !f.on_network {
        "未接入路网 off network"
    } else if f.component != 0 {
        "孤立路段 isolated road"
    } else {
        ""
    }
}

/// One travel choice's part of `isochrone_facilities`: per facility the circle and
/// isochrone counts, the false coverage and the reach beyond the circle.
pub(super) fn isochrone_facilities(
    park: &Park,
    circles: &Coverage,
    a: &IsochroneAnalysis,
) -> Table {
    let mut t = Table::new(
        "isochrone_facilities",
        "等时圈覆盖",
        &format!(
            "Isochrone coverage {} ({}, 沿道路 along roads)",
            a.spec.label(),
            a.spec.describe(Lang::Zh)
        ),
        vec![
            Column::csv_only("等时圈 isochrone"),
            Column::both("编号", "设施编号 facility_id"),
            Column::both("名称", "设施名称 facility_name"),
            Column::text_only("类型"),
            Column::csv_only("类型代码 kind_code"),
            Column::num("半径(m)", "半径 radius_m", Fmt::Fixed(0), Fmt::Plain),
            Column::count("圆内企业", "圆内企业 in_circle"),
            Column::count("等时圈企业", "等时圈企业 reached"),
            Column::count("误覆盖", "误覆盖 false_coverage"),
            Column::count("圆外可达", "圆外可达 beyond_circle"),
            Column::count("可达职工", "可达职工 employees_reached"),
            Column::text_only("备注"),
            Column::csv_only("接入路网 on_network"),
            Column::csv_only("连通片 network_component"),
        ],
    );
    let label = a.spec.label();
    for f in &a.facilities {
        let fi = f.facility as usize;
        let fac = &park.facilities[fi];
        let c = circles.facilities.get(fi);
        t.rows.push(vec![
            (&label).into(),
            (&fac.id).into(),
            (&fac.name).into(),
            fac.kind.label(Lang::Zh).into(),
            fac.kind.code().into(),
            Cell::opt_num(c.map(|c| c.radius_m)),
            c.map_or(0, |c| c.covered.len()).into(),
            f.reached.len().into(),
            f.false_coverage.len().into(),
            f.beyond_circle.len().into(),
            f.employees.into(),
            network_remark(f).into(),
            f.on_network.to_string().into(),
            if f.on_network {
                f.component.into()
            } else {
                Cell::Missing
            },
        ]);
    }
    t
}

/// Every facility–enterprise pair in the circle or the isochrone, with its status.
pub(super) fn isochrone_enterprises(park: &Park, circles: &Coverage, run: &IsoRun) -> Table {
    let mut t = Table::new(
        "isochrone_enterprises",
        "等时圈与服务圈的企业",
        "Enterprises in each facility's circle or isochrone",
        vec![
            Column::csv_only("等时圈 isochrone"),
            Column::csv_only("设施编号 facility_id"),
            Column::csv_only("设施名称 facility_name"),
            Column::csv_only("企业编号 enterprise_id"),
            Column::csv_only("企业名称 enterprise_name"),
            Column::csv_only("状态 status"),
            Column::csv_only("圆内 in_circle"),
            Column::csv_only("可达 reached"),
            Column::csv_num("用时 minutes", Fmt::Fixed(2)),
        ],
    );
    for a in &run.analyses {
        let label = a.spec.label();
        for f in &a.facilities {
            let fac = &park.facilities[f.facility as usize];
            let mut in_circle: Vec<u32> = circles
                .facilities
                .get(f.facility as usize)
                .map(|c| c.covered.iter().map(|x| x.enterprise).collect())
                .unwrap_or_default();
            in_circle.sort_unstable();
            let mut all: Vec<u32> = in_circle
                .iter()
                .copied()
                .chain(f.reached.iter().map(|(e, _)| *e))
                .collect();
            all.sort_unstable();
            all.dedup();
            for e in all {
                let ent = &park.enterprises[e as usize];
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
                t.rows.push(vec![
                    (&label).into(),
                    (&fac.id).into(),
                    (&fac.name).into(),
                    (&ent.id).into(),
                    (&ent.name).into(),
                    status.into(),
                    circle.to_string().into(),
                    reached.is_some().to_string().into(),
                    Cell::opt_num(minutes.map(f64::from)),
                ]);
            }
        }
    }
    t
}

pub(super) fn isochrone_uncovered(park: &Park, run: &IsoRun) -> Table {
    let mut t = Table::new(
        "isochrone_uncovered",
        "等时圈未覆盖企业",
        "Enterprises no isochrone of the kind reaches",
        vec![
            Column::csv_only("等时圈 isochrone"),
            Column::csv_only("类型 kind"),
            Column::csv_only("类型代码 kind_code"),
            Column::csv_only("企业编号 enterprise_id"),
            Column::csv_only("企业名称 enterprise_name"),
        ],
    );
    for a in &run.analyses {
        let label = a.spec.label();
        for (k, v) in &a.uncovered {
            for &e in v {
                let ent = &park.enterprises[e as usize];
                t.rows.push(vec![
                    (&label).into(),
                    k.label(Lang::Zh).into(),
                    k.code().into(),
                    (&ent.id).into(),
                    (&ent.name).into(),
                ]);
            }
        }
    }
    t
}

pub(super) fn network_components(run: &IsoRun) -> Table {
    let mut t = Table::new(
        "network_components",
        "路网连通片",
        "Connected pieces of the road network",
        vec![
            Column::csv_only("连通片 component"),
            Column::csv_only("节点 nodes"),
            Column::csv_num("长度 length_m", Fmt::Fixed(1)),
            Column::csv_only("道路 roads"),
        ],
    );
    for (i, c) in run.graph.components.iter().enumerate() {
        t.rows.push(vec![
            i.into(),
            c.nodes.into(),
            Cell::Num(c.length_m),
            c.roads.join("、").into(),
        ]);
    }
    t
}

pub(super) fn network_unreachable(park: &Park, run: &IsoRun) -> Table {
    let mut t = Table::new(
        "network_unreachable",
        "无法到达的企业",
        "Enterprises beyond reach of every road",
        vec![
            Column::csv_only("企业编号 enterprise_id"),
            Column::csv_only("企业名称 enterprise_name"),
            Column::csv_num("到道路 distance_to_road_m", Fmt::Fixed(1)),
        ],
    );
    if let Some(a) = run.analyses.first() {
        for (e, d) in &a.unreachable {
            let ent = &park.enterprises[*e as usize];
            t.rows.push(vec![
                (&ent.id).into(),
                (&ent.name).into(),
                Cell::opt_num(*d),
            ]);
        }
    }
    t
}
