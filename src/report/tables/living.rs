//! The living-circle tables (GB 50180-2018): per tier the required kinds and the share
//! of compliant residential parcels; per non-compliant parcel and tier the missing
//! kinds (CSV).

use crate::model::{FacilityKind, Lang};
use crate::report::ReportInput;
use crate::report::table::{Cell, Column, Fmt, Table};

fn kinds_zh(kinds: impl Iterator<Item = FacilityKind>) -> String {
    kinds
        .map(|k| k.label(Lang::Zh))
        .collect::<Vec<_>>()
        .join("、")
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
