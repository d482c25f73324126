//! The land and project tables: parcels by approval status and by land use, projects
//! by stage and the parcel each sits on.

use crate::model::Lang;
use crate::report::table::{Cell, Column, Fmt, Table};
use crate::report::{ReportInput, site_word, site_word_zh};

/// The area columns of the land tables.
pub(super) fn area_columns() -> [Column; 3] {
    [
        Column::count("地块数", "地块数 parcels"),
        Column::num("面积(亩)", "面积 area_mu", Fmt::Fixed(2), Fmt::Fixed(2)),
        Column::num("面积(公顷)", "面积 area_ha", Fmt::Fixed(2), Fmt::Fixed(4)),
    ]
}

pub(super) fn area_cells(t: &crate::analysis::AreaTally) -> [Cell; 3] {
    [t.parcels.into(), Cell::Num(t.mu()), Cell::Num(t.ha())]
}

pub(super) fn land_by_status(input: ReportInput) -> Table {
    let land = &input.analysis.land;
    let mut columns = vec![
        Column::both("审批状态", "审批状态 status"),
        Column::csv_only("状态代码 status_code"),
    ];
    columns.extend(area_columns());
    let mut t = Table::new(
        "land_by_status",
        "用地 按审批状态",
        "Parcels by approval status (geodesic areas)",
        columns,
    );
    for (s, tally) in &land.by_status {
        let mut row: Vec<Cell> = vec![s.label(Lang::Zh).into(), s.code().into()];
        row.extend(area_cells(tally));
        t.rows.push(row);
    }
    let mut total: Vec<Cell> = vec!["合计".into(), Cell::Missing];
    total.extend(area_cells(&land.total));
    t.totals.push(total);
    t
}

pub(super) fn land_by_use(input: ReportInput) -> Table {
    let mut columns = vec![Column::both("用地性质", "用地性质 land_use").missing("未注明")];
    columns.extend(area_columns());
    let mut t = Table::new(
        "land_by_use",
        "用地 按用地性质",
        "Parcels by land use",
        columns,
    );
    for (u, tally) in &input.analysis.land.by_land_use {
        let mut row = vec![Cell::opt_text(u.as_deref())];
        row.extend(area_cells(tally));
        t.rows.push(row);
    }
    t
}

pub(super) fn projects_by_stage(input: ReportInput) -> Table {
    let mut t = Table::new(
        "projects_by_stage",
        "项目 按阶段",
        "Projects by lifecycle stage",
        vec![
            Column::both("项目阶段", "项目阶段 stage"),
            Column::csv_only("阶段代码 stage_code"),
            Column::count("项目数", "项目数 projects"),
            Column::num(
                "投资额(亿元)",
                "投资额 investment_yi",
                Fmt::Fixed(2),
                Fmt::Fixed(4),
            ),
            Column::both("项目秘书", "项目秘书 secretaries"),
        ],
    );
    for s in &input.analysis.projects {
        t.rows.push(vec![
            s.stage.map_or("未注明", |x| x.label(Lang::Zh)).into(),
            s.stage.map_or("unknown", |x| x.code()).into(),
            s.projects.len().into(),
            Cell::Num(s.investment_yi),
            s.secretaries.join("、").into(),
        ]);
    }
    t
}

pub(super) fn project_sites(input: ReportInput) -> Table {
    let park = input.park;
    let mut t = Table::new(
        "project_sites",
        "项目所在地块",
        "Project sites",
        vec![
            Column::both("项目编号", "项目编号 project_id"),
            Column::both("项目名称", "项目名称 project_name"),
            Column::both("所在地块", "所在地块 parcel_id"),
            Column::both("位置所在地块", "位置所在地块 located_parcel_id"),
            Column::text_only("依据"),
            Column::csv_only("依据 how"),
        ],
    );
    let pid = |i: Option<u32>| Cell::opt_text(i.map(|i| park.parcels[i as usize].id.as_str()));
    for s in &input.analysis.sites {
        let p = &park.projects[s.project as usize];
        t.rows.push(vec![
            (&p.id).into(),
            (&p.name).into(),
            pid(s.parcel),
            pid(s.located),
            site_word_zh(s.how).into(),
            site_word(s.how).into(),
        ]);
    }
    t
}
