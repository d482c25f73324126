//! The service-circle tables: per facility, the pairs it covers, per kind, the
//! enterprises no facility of a kind covers, each enterprise's nearest facilities.

use crate::model::Lang;
use crate::report::ReportInput;
use crate::report::table::{Cell, Column, Fmt, Table};

pub(super) fn facilities(input: ReportInput) -> Table {
    let (park, r) = (input.park, input.analysis);
    let mut t = Table::new(
        "facilities",
        "服务设施覆盖",
        "Service coverage by facility",
        vec![
            Column::both("编号", "编号 id"),
            Column::both("名称", "名称 name"),
            Column::both("类型", "类型 kind"),
            Column::csv_only("类型代码 kind_code"),
            Column::num("半径(m)", "半径 radius_m", Fmt::Fixed(0), Fmt::Plain),
            Column::count("覆盖企业", "覆盖企业 enterprises"),
            Column::count("职工人数", "职工人数 employees"),
        ],
    );
    for fc in &r.coverage.facilities {
        let f = &park.facilities[fc.facility as usize];
        t.rows.push(vec![
            (&f.id).into(),
            (&f.name).into(),
            f.kind.label(Lang::Zh).into(),
            f.kind.code().into(),
            Cell::Num(fc.radius_m),
            fc.covered.len().into(),
            fc.employees.into(),
        ]);
    }
    t
}

pub(super) fn facility_enterprises(input: ReportInput) -> Table {
    let (park, r) = (input.park, input.analysis);
    let mut t = Table::new(
        "facility_enterprises",
        "设施覆盖的企业",
        "Enterprises each facility covers",
        vec![
            Column::csv_only("设施编号 facility_id"),
            Column::csv_only("设施名称 facility_name"),
            Column::csv_only("企业编号 enterprise_id"),
            Column::csv_only("企业名称 enterprise_name"),
            Column::csv_num("距离 distance_m", Fmt::Fixed(1)),
        ],
    );
    for fc in &r.coverage.facilities {
        let f = &park.facilities[fc.facility as usize];
        let mut cov: Vec<(u32, f32)> = r.coverage.with_distances(fc).collect();
        cov.sort_by(|a, b| a.1.total_cmp(&b.1));
        for (ei, d) in cov {
            let e = &park.enterprises[ei as usize];
            t.rows.push(vec![
                (&f.id).into(),
                (&f.name).into(),
                (&e.id).into(),
                (&e.name).into(),
                Cell::Num(f64::from(d)),
            ]);
        }
    }
    t
}

pub(super) fn coverage_by_kind(input: ReportInput) -> Table {
    let r = input.analysis;
    let km2 = |text, csv| Column::num(text, csv, Fmt::Fixed(3), Fmt::Fixed(6));
    let mut t = Table::new(
        "coverage_by_kind",
        "按设施类型",
        "Coverage by kind",
        vec![
            Column::both("类型", "类型 kind"),
            Column::csv_only("类型代码 kind_code"),
            Column::num("半径(m)", "半径 radius_m", Fmt::Fixed(0), Fmt::Plain),
            Column::count("设施数", "设施数 facilities"),
            Column::count("覆盖企业", "覆盖企业 covered_enterprises"),
            Column::count("覆盖职工", "覆盖职工 covered_employees"),
            Column::count("未覆盖企业", "未覆盖企业 uncovered"),
            km2("覆盖面积(km²)", "覆盖面积 union_km2"),
            km2("园区内(km²)", "园区内 covered_in_park_km2"),
            Column::num(
                "占园区",
                "占园区 share_of_park",
                Fmt::Percent,
                Fmt::Fixed(6),
            ),
        ],
    );
    for k in &r.coverage.kinds {
        let a = r.areas.kinds.iter().find(|a| a.kind == k.kind);
        t.rows.push(vec![
            k.kind.label(Lang::Zh).into(),
            k.kind.code().into(),
            Cell::Num(k.radius_m),
            k.facilities.len().into(),
            k.covered_enterprises.into(),
            k.covered_employees.into(),
            k.uncovered.len().into(),
            Cell::opt_num(a.map(|a| a.union_km2)),
            Cell::opt_num(a.map(|a| a.covered_in_park_km2)),
            Cell::opt_num(a.map(|a| a.share_of_park)),
        ]);
    }
    let all = &r.areas.all;
    t.totals.push(vec![
        "全部设施".into(),
        Cell::Missing,
        Cell::Missing,
        all.circles.into(),
        Cell::Missing,
        Cell::Missing,
        Cell::Missing,
        Cell::Num(all.union_km2),
        Cell::Num(all.covered_in_park_km2),
        Cell::Num(all.share_of_park),
    ]);
    t
}

pub(super) fn uncovered(input: ReportInput) -> Table {
    let (park, r) = (input.park, input.analysis);
    let mut t = Table::new(
        "uncovered",
        "未覆盖企业",
        "Enterprises no facility of the kind covers",
        vec![
            Column::csv_only("类型 kind"),
            Column::csv_only("类型代码 kind_code"),
            Column::csv_only("企业编号 enterprise_id"),
            Column::csv_only("企业名称 enterprise_name"),
            Column::csv_only("最近设施 nearest_facility"),
            Column::csv_num("最近距离 nearest_m", Fmt::Fixed(1)),
        ],
    );
    for k in &r.coverage.kinds {
        for &e in &k.uncovered {
            let ent = &park.enterprises[e as usize];
            let near = r.nearest.get(e as usize, k.kind);
            t.rows.push(vec![
                k.kind.label(Lang::Zh).into(),
                k.kind.code().into(),
                (&ent.id).into(),
                (&ent.name).into(),
                Cell::opt_text(near.map(|(f, _)| park.facilities[f as usize].id.as_str())),
                Cell::opt_num(near.map(|(_, d)| f64::from(d))),
            ]);
        }
    }
    t
}

pub(super) fn enterprise_nearest(input: ReportInput) -> Table {
    let (park, r) = (input.park, input.analysis);
    let mut columns = vec![
        Column::csv_only("企业编号 enterprise_id"),
        Column::csv_only("企业名称 enterprise_name"),
    ];
    for k in &r.nearest.kinds {
        columns.push(Column::csv_only(format!(
            "最近{} nearest_{}",
            k.label(Lang::Zh),
            k.code()
        )));
        columns.push(Column::csv_num(
            format!("距离 {}_m", k.code()),
            Fmt::Fixed(1),
        ));
    }
    let mut t = Table::new(
        "enterprise_nearest",
        "企业最近的设施",
        "Each enterprise's nearest facility of each kind",
        columns,
    );
    for (e, ent) in park.enterprises.iter().enumerate() {
        let mut row: Vec<Cell> = vec![(&ent.id).into(), (&ent.name).into()];
        for &k in &r.nearest.kinds {
            let near = r.nearest.get(e, k);
            row.push(Cell::opt_text(
                near.map(|(f, _)| park.facilities[f as usize].id.as_str()),
            ));
            row.push(Cell::opt_num(near.map(|(_, d)| f64::from(d))));
        }
        t.rows.push(row);
    }
    t
}
