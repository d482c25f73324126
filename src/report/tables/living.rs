//! The living-circle tables (GB 50180-2018): per tier the required kinds and the share
//! of compliant residential parcels; per non-compliant parcel and tier the missing
//! kinds (CSV); the same for the enterprises against the park's service circle.

use crate::analysis::living::KindReach;
use crate::model::{FacilityKind, Lang};
use crate::report::ReportInput;
use crate::report::table::{Cell, Column, Fmt, Table};

fn kinds_zh(kinds: impl Iterator<Item = FacilityKind>) -> String {
    kinds
        .map(|k| k.label(Lang::Zh))
        .collect::<Vec<_>>()
        .join("、")
}

/// How each required kind was measured: `circle`, or `walk_along_roads: KIND KIND`
/// naming the kinds measured along roads.
fn reach_words(required: &[(FacilityKind, f64)], reach: &[KindReach]) -> String {
    let along: Vec<&str> = required
        .iter()
        .zip(reach)
        .filter(|(_, r)| **r == KindReach::Walk)
        .map(|((k, _), _)| k.code())
        .collect();
    if along.is_empty() {
        KindReach::Circle.code().to_string()
    } else {
        format!("{}: {}", KindReach::Walk.code(), along.join(" "))
    }
}

pub(super) fn living_circles(input: ReportInput) -> Table {
    let mut t = Table::new(
        "living_circles",
        "生活圈达标（GB 50180-2018，居住用地）",
        "Living-circle compliance of residential parcels (GB 50180-2018)",
        vec![
            Column::both("生活圈", "生活圈 tier"),
            Column::num("半径(m)", "半径 radius_m", Fmt::Plain, Fmt::Plain),
            Column::both("应配设施", "应配设施 required"),
            Column::count("居住地块", "居住地块 parcels_total"),
            Column::count("达标", "达标 parcels_compliant"),
            Column::num("达标率", "达标率 share", Fmt::Percent, Fmt::Fixed(4)),
            Column::both("测量", "测量 reach"),
        ],
    );
    for tier in &input.analysis.living.tiers {
        t.rows.push(vec![
            Cell::from(&tier.name),
            Cell::Num(tier.radius_m),
            Cell::Text(kinds_zh(tier.required.iter().map(|(k, _)| *k))),
            Cell::from(tier.parcels_total),
            Cell::from(tier.parcels_compliant),
            Cell::Num(tier.share()),
            Cell::Text(reach_words(&tier.required, &tier.reach)),
        ]);
    }
    t
}

pub(super) fn living_missing(input: ReportInput) -> Table {
    let mut t = Table::new(
        "living_missing",
        "生活圈缺项",
        "Residential parcels missing living-circle facilities",
        vec![
            Column::both("地块", "地块编号 parcel_id"),
            Column::both("生活圈", "生活圈 tier"),
            Column::both("缺少设施", "缺少设施 missing"),
            Column::csv_only("缺少代码 missing_codes"),
        ],
    );
    let park = input.park;
    for tier in &input.analysis.living.tiers {
        for (pi, kinds) in &tier.missing {
            let Some(p) = park.parcels.get(*pi as usize) else {
                continue;
            };
            t.rows.push(vec![
                Cell::from(&p.id),
                Cell::from(&tier.name),
                Cell::Text(kinds_zh(kinds.iter().copied())),
                Cell::Text(kinds.iter().map(|k| k.code()).collect::<Vec<_>>().join(" ")),
            ]);
        }
    }
    t
}

pub(super) fn service_circle(input: ReportInput) -> Table {
    let s = &input.analysis.living.service;
    let mut t = Table::new(
        "service_circle",
        "企业服务圈达标",
        "Enterprises within the park's service circle",
        vec![
            Column::both("服务圈", "服务圈 circle"),
            Column::num("半径(m)", "半径 radius_m", Fmt::Plain, Fmt::Plain),
            Column::both("应配设施", "应配设施 required"),
            Column::count("企业", "企业 enterprises_total"),
            Column::count("达标", "达标 enterprises_compliant"),
            Column::num("达标率", "达标率 share", Fmt::Percent, Fmt::Fixed(4)),
            Column::both("测量", "测量 reach"),
        ],
    );
    t.rows.push(vec![
        Cell::from(&s.name),
        Cell::Num(s.radius_m),
        Cell::Text(kinds_zh(s.required.iter().map(|(k, _)| *k))),
        Cell::from(s.enterprises_total),
        Cell::from(s.enterprises_compliant),
        Cell::Num(s.share()),
        Cell::Text(reach_words(&s.required, &s.reach)),
    ]);
    t
}

pub(super) fn service_missing(input: ReportInput) -> Table {
    let mut t = Table::new(
        "service_missing",
        "企业服务圈缺项",
        "Enterprises missing service-circle facilities",
        vec![
            Column::both("企业", "企业编号 enterprise_id"),
            Column::both("名称", "企业名称 name"),
            Column::both("缺少设施", "缺少设施 missing"),
            Column::csv_only("缺少代码 missing_codes"),
        ],
    );
    for (ei, kinds) in &input.analysis.living.service.missing {
        let Some(e) = input.park.enterprises.get(*ei as usize) else {
            continue;
        };
        t.rows.push(vec![
            Cell::from(&e.id),
            Cell::from(&e.name),
            Cell::Text(kinds_zh(kinds.iter().copied())),
            Cell::Text(kinds.iter().map(|k| k.code()).collect::<Vec<_>>().join(" ")),
        ]);
    }
    t
}
