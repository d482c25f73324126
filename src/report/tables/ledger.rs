//! The ledger tables: constraint layers, each parcel against the red lines and arable
//! land, each project's lifecycle on the ledger's day, land approval per year, and the
//! dates that could not be used.

use crate::analysis::constraints::KINDS;
use crate::analysis::ledger::ProjectStatus;
use crate::model::{ConstraintKind, Lang, Park, SquareMeters};
use crate::report::ReportInput;
use crate::report::table::{Cell, Column, Fmt, Table};

fn mu(m2: Option<f64>) -> Cell {
    Cell::opt_num(m2.map(|m| SquareMeters(m).to_mu().0))
}

pub(super) fn constraint_layers(input: ReportInput) -> Table {
    let o = &input.analysis.constraints;
    let mut t = Table::new(
        "constraint_layers",
        "三区三线 图层",
        "Constraint layers",
        vec![
            Column::both("图层", "图层 layer"),
            Column::both("管控类型", "管控类型 kind").missing("不明"),
            Column::count("图斑数", "图斑数 features"),
            Column::count("类型不明", "类型不明 unknown_kind"),
            Column::num("面积(亩)", "面积 area_mu", Fmt::Fixed(2), Fmt::Fixed(2)),
        ],
    );
    for l in &o.layers {
        t.rows.push(vec![
            (&l.name).into(),
            Cell::opt_text(l.kind.map(|k| k.label(Lang::Zh))),
            l.features.into(),
            l.unknown_kind.into(),
            mu(Some(l.area_m2)),
        ]);
    }
    t
}

/// Per parcel: mu on each constraint. The printout lists the parcels with any area on
/// a constraint; the CSV file every parcel.
pub(super) fn parcel_constraints(input: ReportInput, all: bool) -> Table {
    let (park, o) = (input.park, &input.analysis.constraints);
    let mut t = Table::new(
        "parcel_constraints",
        &format!("地块 三区三线与耕地 (碎片 < {} m² 不计)", o.tolerance_m2),
        "Parcels against the red lines and arable land",
        vec![
            Column::both("地块编号", "地块编号 parcel_id"),
            Column::both("审批状态", "审批状态 status"),
            Column::num(
                "永久基本农田(亩)",
                "永久基本农田 permanent_farmland_mu",
                Fmt::Fixed(2),
                Fmt::Fixed(4),
            )
            .missing("—"),
            Column::num(
                "生态保护红线(亩)",
                "生态保护红线 ecological_redline_mu",
                Fmt::Fixed(2),
                Fmt::Fixed(4),
            )
            .missing("—"),
            Column::num(
                "开发边界外(亩)",
                "城镇开发边界外 outside_urban_boundary_mu",
                Fmt::Fixed(2),
                Fmt::Fixed(4),
            )
            .missing("—"),
            Column::num(
                "耕地(亩)",
                "耕地 arable_land_mu",
                Fmt::Fixed(2),
                Fmt::Fixed(4),
            )
            .missing("—"),
        ],
    );
    let status = &input.analysis.ledger.parcel_status;
    for pc in &o.parcels {
        let any = pc.m2().iter().any(|m| m.is_some_and(|v| v > 0.0));
        if !all && !any {
            continue;
        }
        let p = &park.parcels[pc.parcel as usize];
        let mut row: Vec<Cell> = vec![
            (&p.id).into(),
            status
                .get(pc.parcel as usize)
                .unwrap_or(&p.status)
                .label(Lang::Zh)
                .into(),
        ];
        row.extend(KINDS.iter().map(|k| mu(pc.get(*k))));
        t.rows.push(row);
    }
    t
}

pub(super) fn project_ledger(input: ReportInput) -> Table {
    let park = input.park;
    let l = &input.analysis.ledger;
    let mut t = Table::new(
        "project_ledger",
        &format!("项目台账 ({} 止)", l.as_of),
        "Project ledger",
        vec![
            Column::both("项目编号", "项目编号 project_id"),
            Column::both("项目名称", "项目名称 project_name"),
            Column::both("阶段", "阶段 stage").missing("未签约"),
            Column::both("阶段起始", "阶段起始 stage_since").missing("不明"),
            Column::count("在阶段天数", "在阶段天数 days_in_stage").missing("—"),
            Column::count("时限(天)", "时限 limit_days").missing("—"),
            Column::both("滞后", "滞后 stalled"),
            Column::both("责任人", "责任人 responsible").missing("未注明"),
            Column::both("缺少证件", "缺少证件 missing_documents"),
            Column::num(
                "耕地指标(亩)",
                "耕地占补指标 arable_quota_mu",
                Fmt::Fixed(2),
                Fmt::Fixed(4),
            )
            .missing("—"),
            Column::both("指标", "指标状态 quota"),
            Column::num(
                "红线冲突(亩)",
                "红线冲突 redline_conflict_mu",
                Fmt::Fixed(2),
                Fmt::Fixed(4),
            )
            .missing("—"),
        ],
    );
    // Stalled first (longest overdue first), then the others in data order.
    let mut order: Vec<&ProjectStatus> = l.stalled();
    order.extend(l.projects.iter().filter(|p| !p.stalled));
    for s in order {
        let p = &park.projects[s.project as usize];
        t.rows.push(vec![
            (&p.id).into(),
            (&p.name).into(),
            Cell::opt_text(s.stage.map(|x| x.label(Lang::Zh))),
            Cell::opt_text(
                s.stage_since
                    .map(|d| {
                        if s.since_estimated {
                            format!("{d}（估）")
                        } else {
                            d.to_string()
                        }
                    })
                    .as_deref(),
            ),
            s.days_in_stage
                .map_or(Cell::Missing, |d| Cell::Int(d.max(0) as u64)),
            s.limit_days.map_or(Cell::Missing, |d| Cell::Int(d as u64)),
            if s.stalled { "是" } else { "否" }.into(),
            Cell::opt_text(
                s.responsible
                    .as_ref()
                    .map(|(role, name)| format!("{name}（{}）", role.label(Lang::Zh)))
                    .as_deref(),
            ),
            crate::analysis::ledger::documents_text(&s.missing_documents, Lang::Zh).into(),
            Cell::opt_num(s.arable_quota_mu),
            s.quota_word(Lang::Zh).into(),
            Cell::opt_num(s.redline_conflict_mu),
        ]);
    }
    t
}

pub(super) fn approval_by_year(input: ReportInput) -> Table {
    let l = &input.analysis.ledger;
    let mut t = Table::new(
        "land_approval_by_year",
        "土地报批 按年度 (亩)",
        "Land approval by year (mu)",
        vec![
            Column::both("年度", "年度 year"),
            Column::num(
                "报批(亩)",
                "报批 submitted_mu",
                Fmt::Fixed(2),
                Fmt::Fixed(4),
            ),
            Column::num("批复(亩)", "批复 approved_mu", Fmt::Fixed(2), Fmt::Fixed(4)),
            Column::num("供地(亩)", "供地 supplied_mu", Fmt::Fixed(2), Fmt::Fixed(4)),
        ],
    );
    for (y, a) in &l.approval_by_year {
        t.rows.push(vec![
            y.to_string().into(),
            Cell::Num(a.submitted_mu),
            Cell::Num(a.approved_mu),
            Cell::Num(a.supplied_mu),
        ]);
    }
    t
}

pub(super) fn doubtful_dates(input: ReportInput) -> Table {
    let mut t = Table::new(
        "doubtful_dates",
        "存疑日期",
        "Dates that could not be used",
        vec![
            Column::both("编号", "编号 id"),
            Column::both("字段", "字段 field"),
            Column::both("内容", "内容 text"),
            Column::both("问题", "问题 problem"),
        ],
    );
    for d in &input.analysis.ledger.doubtful {
        t.rows.push(vec![
            (&d.id).into(),
            d.field.into(),
            (&d.text).into(),
            (&d.problem).into(),
        ]);
    }
    t
}

/// The kind's column word in the JSON contract.
pub fn kind_json_key(k: ConstraintKind) -> &'static str {
    match k {
        ConstraintKind::PermanentFarmland => "permanent_farmland_mu",
        ConstraintKind::EcologicalRedline => "ecological_redline_mu",
        ConstraintKind::UrbanBoundary => "outside_urban_boundary_mu",
        ConstraintKind::ArableLand => "arable_land_mu",
    }
}

/// Whether the park has anything for the ledger tables.
pub(super) fn has_ledger(park: &Park) -> bool {
    !park.projects.is_empty() || !park.parcels.is_empty()
}
