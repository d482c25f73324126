//! Analysis results as named tables, built once for every output: a table holds typed
//! cells, and each column says how it is headed and how its numbers are written in
//! the printout and in the CSV file (or that it appears in only one of them). The
//! writers ([`super::text`], [`super::csv`]) only lay the cells out.
//!
//! Tables sharing a name are parts of one CSV file (the isochrone table of each travel
//! choice); each part prints as a table of its own.

use std::borrow::Cow;

use crate::analysis::{Coverage, FacilityIsochrone, IsoRun, IsochroneAnalysis, Spacing};
use crate::model::{Lang, Park};

use super::{ReportInput, site_word, site_word_zh};

/// How a number is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fmt {
    /// The shortest form that reads back exactly (`300`, `0.25`).
    Plain,
    /// A fixed number of decimals.
    Fixed(usize),
    /// A share as a percentage with one decimal (`0.5` → `50.0%`).
    Percent,
    /// Metres as kilometres with a fixed number of decimals.
    Km(usize),
}

impl Fmt {
    fn number(self, x: f64) -> String {
        match self {
            Fmt::Plain => format!("{x}"),
            Fmt::Fixed(d) => format!("{x:.d$}"),
            Fmt::Percent => format!("{:.1}%", x * 100.0),
            Fmt::Km(d) => format!("{:.d$}", x / 1000.0),
        }
    }
}

/// One cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text, written as it is.
    Text(String),
    /// A count.
    Int(u64),
    /// A measure, written in its column's format.
    Num(f64),
    /// No value: empty in CSV, the column's placeholder in the printout.
    Missing,
}

impl Cell {
    /// `Text`, or `Missing` for `None`.
    pub fn opt_text(s: Option<&str>) -> Cell {
        s.map_or(Cell::Missing, |s| Cell::Text(s.to_string()))
    }

    /// `Num`, or `Missing` for `None`.
    pub fn opt_num(x: Option<f64>) -> Cell {
        x.map_or(Cell::Missing, Cell::Num)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<&String> for Cell {
    fn from(s: &String) -> Cell {
        Cell::Text(s.clone())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<usize> for Cell {
    fn from(n: usize) -> Cell {
        Cell::Int(n as u64)
    }
}

impl From<u64> for Cell {
    fn from(n: u64) -> Cell {
        Cell::Int(n)
    }
}

/// One column: its header and number format in the printout and in the CSV file; a
/// column without a header there is not written there.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Header in the printout (`半径(m)`).
    pub text: Option<&'static str>,
    /// Header in the CSV file (`半径 radius_m`).
    pub csv: Option<Cow<'static, str>>,
    /// Numbers in the printout.
    pub text_fmt: Fmt,
    /// Numbers in the CSV file.
    pub csv_fmt: Fmt,
    /// Right-aligned in the printout (numbers).
    pub right: bool,
    /// What the printout shows for a missing value.
    pub missing: &'static str,
}

impl Column {
    /// A text column in both outputs.
    pub fn both(text: &'static str, csv: &'static str) -> Column {
        Column {
            text: Some(text),
            csv: Some(Cow::Borrowed(csv)),
            text_fmt: Fmt::Plain,
            csv_fmt: Fmt::Plain,
            right: false,
            missing: "-",
        }
    }

    /// A count in both outputs (right-aligned).
    pub fn count(text: &'static str, csv: &'static str) -> Column {
        Column {
            right: true,
            ..Column::both(text, csv)
        }
    }

    /// A measure in both outputs, each with its format (right-aligned).
    pub fn num(text: &'static str, csv: &'static str, text_fmt: Fmt, csv_fmt: Fmt) -> Column {
        Column {
            text_fmt,
            csv_fmt,
            ..Column::count(text, csv)
        }
    }

    /// A column only the printout shows.
    pub fn text_only(text: &'static str) -> Column {
        Column {
            csv: None,
            ..Column::both(text, "")
        }
    }

    /// A column only the CSV file has.
    pub fn csv_only(csv: impl Into<Cow<'static, str>>) -> Column {
        Column {
            text: None,
            csv: Some(csv.into()),
            ..Column::both("", "")
        }
    }

    /// The same column, showing `placeholder` for a missing value in the printout.
    pub fn missing(self, placeholder: &'static str) -> Column {
        Column {
            missing: placeholder,
            ..self
        }
    }

    fn cell_text(&self, c: &Cell) -> String {
        match c {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Num(x) => self.text_fmt.number(*x),
            Cell::Missing => self.missing.to_string(),
        }
    }

    fn cell_csv(&self, c: &Cell) -> String {
        match c {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Num(x) => self.csv_fmt.number(*x),
            Cell::Missing => String::new(),
        }
    }
}

/// A named table of results.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The CSV file stem (`facilities` → `facilities.csv`).
    pub name: &'static str,
    /// Title in Chinese.
    pub title_zh: String,
    /// Title in English.
    pub title_en: String,
    /// The columns.
    pub columns: Vec<Column>,
    /// One cell per column in each row.
    pub rows: Vec<Vec<Cell>>,
    /// Summary rows the printout adds below the rows (derivable, so not in CSV).
    pub totals: Vec<Vec<Cell>>,
}

impl Table {
    fn new(name: &'static str, zh: &str, en: &str, columns: Vec<Column>) -> Table {
        Table {
            name,
            title_zh: zh.to_string(),
            title_en: en.to_string(),
            columns,
            rows: Vec::new(),
            totals: Vec::new(),
        }
    }

    /// The CSV file name.
    pub fn file_name(&self) -> String {
        format!("{}.csv", self.name)
    }

    /// Whether the printout shows this table.
    pub fn is_printed(&self) -> bool {
        self.columns.iter().any(|c| c.text.is_some())
    }

    /// The columns the printout shows.
    pub fn text_columns(&self) -> impl Iterator<Item = (usize, &Column)> {
        self.columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.text.is_some())
    }

    /// The printout's headers.
    pub fn text_headers(&self) -> Vec<String> {
        self.text_columns()
            .filter_map(|(_, c)| c.text.map(str::to_string))
            .collect()
    }

    /// The printout's cells of a row (or total row).
    pub fn text_cells(&self, row: &[Cell]) -> Vec<String> {
        self.text_columns()
            .map(|(i, c)| row.get(i).map_or_else(String::new, |x| c.cell_text(x)))
            .collect()
    }

    /// The CSV headers.
    pub fn csv_headers(&self) -> Vec<&str> {
        self.columns
            .iter()
            .filter_map(|c| c.csv.as_deref())
            .collect()
    }

    /// The CSV cells of a row.
    pub fn csv_cells(&self, row: &[Cell]) -> Vec<String> {
        self.columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.csv.is_some())
            .map(|(i, c)| row.get(i).map_or_else(String::new, |x| c.cell_csv(x)))
            .collect()
    }
}

/// Which output the tables are built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The printout: the tables it shows (not the long lists only CSV has).
    Text,
    /// CSV files: every table.
    Csv,
}

/// A deferred table: built when the writer reaches it, so that only one long table is
/// held at a time.
pub type Build<'a> = Box<dyn FnOnce() -> Table + 'a>;

/// The tables of a report, in output order, built one at a time as the iterator is
/// advanced. [`Target::Text`] leaves out the tables the printout does not show.
pub fn tables<'a>(input: ReportInput<'a>, target: Target) -> impl Iterator<Item = Table> + 'a {
    let csv = target == Target::Csv;
    let mut list: Vec<(bool, Build<'a>)> = vec![
        (true, Box::new(move || facilities(input))),
        (csv, Box::new(move || facility_enterprises(input))),
        (true, Box::new(move || coverage_by_kind(input))),
        (csv, Box::new(move || uncovered(input))),
        (csv, Box::new(move || enterprise_nearest(input))),
        (true, Box::new(move || routes(input))),
        (csv, Box::new(move || route_stops(input))),
        (csv, Box::new(move || route_enterprises(input))),
        (true, Box::new(move || land_by_status(input))),
        (true, Box::new(move || land_by_use(input))),
        (true, Box::new(move || projects_by_stage(input))),
        (true, Box::new(move || project_sites(input))),
    ];
    if let Some(run) = input.isochrones() {
        let (park, circles) = (input.park, &input.analysis.coverage);
        for a in &run.analyses {
            list.push((
                true,
                Box::new(move || isochrone_facilities(park, circles, a)),
            ));
        }
        list.push((
            csv,
            Box::new(move || isochrone_enterprises(park, circles, run)),
        ));
        list.push((csv, Box::new(move || isochrone_uncovered(park, run))));
        list.push((csv, Box::new(move || network_components(run))));
        list.push((csv, Box::new(move || network_unreachable(park, run))));
    }
    list.into_iter().filter(|(keep, _)| *keep).map(|(_, b)| b())
}

/// The CSV file names of the tables of every report, in order.
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

/// The CSV file names added when isochrones are reported, in order.
pub const ISOCHRONE_FILES: &[&str] = &[
    "isochrone_facilities.csv",
    "isochrone_enterprises.csv",
    "isochrone_uncovered.csv",
    "network_components.csv",
    "network_unreachable.csv",
];

fn facilities(input: ReportInput) -> Table {
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

fn facility_enterprises(input: ReportInput) -> Table {
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
            Column {
                csv_fmt: Fmt::Fixed(1),
                ..Column::csv_only("距离 distance_m")
            },
        ],
    );
    for fc in &r.coverage.facilities {
        let f = &park.facilities[fc.facility as usize];
        let mut cov = fc.covered.clone();
        cov.sort_by(|a, b| a.distance_m.total_cmp(&b.distance_m));
        for c in cov {
            let e = &park.enterprises[c.enterprise as usize];
            t.rows.push(vec![
                (&f.id).into(),
                (&f.name).into(),
                (&e.id).into(),
                (&e.name).into(),
                Cell::Num(f64::from(c.distance_m)),
            ]);
        }
    }
    t
}

fn coverage_by_kind(input: ReportInput) -> Table {
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

fn uncovered(input: ReportInput) -> Table {
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
            Column {
                csv_fmt: Fmt::Fixed(1),
                ..Column::csv_only("最近距离 nearest_m")
            },
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

fn enterprise_nearest(input: ReportInput) -> Table {
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
        columns.push(Column {
            csv_fmt: Fmt::Fixed(1),
            ..Column::csv_only(format!("距离 {}_m", k.code()))
        });
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

fn routes(input: ReportInput) -> Table {
    let (park, r) = (input.park, input.analysis);
    let spacing = |text, csv| Column::num(text, csv, Fmt::Fixed(0), Fmt::Fixed(2));
    let mut t = Table::new(
        "routes",
        "公交线路",
        "Bus routes",
        vec![
            Column::both("编号", "编号 id"),
            Column::both("线路", "线路 name"),
            Column::num("长度(km)", "长度 length_m", Fmt::Km(3), Fmt::Fixed(3)),
            Column::count("站点数", "站点数 stops"),
            spacing("平均站距(m)", "平均站距 mean_stop_spacing_m"),
            spacing("最小站距(m)", "最小站距 min_stop_spacing_m"),
            spacing("最大站距(m)", "最大站距 max_stop_spacing_m"),
            Column::num(
                "覆盖半径(m)",
                "覆盖半径 catchment_m",
                Fmt::Fixed(0),
                Fmt::Plain,
            ),
            Column::count("覆盖企业", "覆盖企业 enterprises"),
            Column::count("职工人数", "职工人数 employees"),
            Column::num(
                "企业占比",
                "企业占比 share_of_enterprises",
                Fmt::Percent,
                Fmt::Fixed(6),
            ),
        ],
    );
    for rs in &r.routes.routes {
        let route = &park.routes[rs.route as usize];
        let sp = |f: fn(&Spacing) -> f64| Cell::opt_num(rs.spacing.as_ref().map(f));
        t.rows.push(vec![
            (&route.id).into(),
            (&route.name).into(),
            Cell::Num(rs.length_m),
            rs.stops.len().into(),
            sp(|s| s.mean_m),
            sp(|s| s.min_m),
            sp(|s| s.max_m),
            Cell::Num(rs.catchment_m),
            rs.enterprises.len().into(),
            rs.employees.into(),
            Cell::Num(rs.share_of_enterprises),
        ]);
    }
    t
}

fn route_stops(input: ReportInput) -> Table {
    let (park, r) = (input.park, input.analysis);
    let metres = |csv| Column {
        csv_fmt: Fmt::Fixed(1),
        ..Column::csv_only(csv)
    };
    let mut t = Table::new(
        "route_stops",
        "线路站点",
        "Stops along each route",
        vec![
            Column::csv_only("线路 route"),
            Column::csv_only("序号 seq"),
            Column::csv_only("站点编号 stop_id"),
            Column::csv_only("站点名称 stop_name"),
            metres("里程 position_m"),
            metres("距线路 offset_m"),
        ],
    );
    for rs in &r.routes.routes {
        let route = &park.routes[rs.route as usize];
        for (k, &s) in rs.stops.iter().enumerate() {
            let st = &park.stops[s as usize];
            t.rows.push(vec![
                (&route.name).into(),
                st.seq.map_or(Cell::Missing, |q| Cell::Int(u64::from(q))),
                (&st.id).into(),
                (&st.name).into(),
                Cell::opt_num(rs.stop_positions_m.get(k).copied()),
                Cell::opt_num(rs.stop_offsets_m.get(k).copied()),
            ]);
        }
    }
    t
}

fn route_enterprises(input: ReportInput) -> Table {
    let (park, r) = (input.park, input.analysis);
    let mut t = Table::new(
        "route_enterprises",
        "线路覆盖的企业",
        "Enterprises in each route's catchment",
        vec![
            Column::csv_only("线路 route"),
            Column::csv_only("企业编号 enterprise_id"),
            Column::csv_only("企业名称 enterprise_name"),
            Column::csv_only("职工人数 employees"),
        ],
    );
    for rs in &r.routes.routes {
        let route = &park.routes[rs.route as usize];
        for &e in &rs.enterprises {
            let ent = &park.enterprises[e as usize];
            t.rows.push(vec![
                (&route.name).into(),
                (&ent.id).into(),
                (&ent.name).into(),
                ent.employees
                    .map_or(Cell::Missing, |n| Cell::Int(u64::from(n))),
            ]);
        }
    }
    t
}

/// The area columns of the land tables.
fn area_columns() -> [Column; 3] {
    [
        Column::count("地块数", "地块数 parcels"),
        Column::num("面积(亩)", "面积 area_mu", Fmt::Fixed(2), Fmt::Fixed(2)),
        Column::num("面积(公顷)", "面积 area_ha", Fmt::Fixed(2), Fmt::Fixed(4)),
    ]
}

fn area_cells(t: &crate::analysis::AreaTally) -> [Cell; 3] {
    [t.parcels.into(), Cell::Num(t.mu()), Cell::Num(t.ha())]
}

fn land_by_status(input: ReportInput) -> Table {
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

fn land_by_use(input: ReportInput) -> Table {
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

fn projects_by_stage(input: ReportInput) -> Table {
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

fn project_sites(input: ReportInput) -> Table {
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

/// The printout's remark on a facility's place on the network.
fn network_remark(f: &FacilityIsochrone) -> &'static str {
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
fn isochrone_facilities(park: &Park, circles: &Coverage, a: &IsochroneAnalysis) -> Table {
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
fn isochrone_enterprises(park: &Park, circles: &Coverage, run: &IsoRun) -> Table {
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
            Column {
                csv_fmt: Fmt::Fixed(2),
                ..Column::csv_only("用时 minutes")
            },
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

fn isochrone_uncovered(park: &Park, run: &IsoRun) -> Table {
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

fn network_components(run: &IsoRun) -> Table {
    let mut t = Table::new(
        "network_components",
        "路网连通片",
        "Connected pieces of the road network",
        vec![
            Column::csv_only("连通片 component"),
            Column::csv_only("节点 nodes"),
            Column {
                csv_fmt: Fmt::Fixed(1),
                ..Column::csv_only("长度 length_m")
            },
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

fn network_unreachable(park: &Park, run: &IsoRun) -> Table {
    let mut t = Table::new(
        "network_unreachable",
        "无法到达的企业",
        "Enterprises beyond reach of every road",
        vec![
            Column::csv_only("企业编号 enterprise_id"),
            Column::csv_only("企业名称 enterprise_name"),
            Column {
                csv_fmt: Fmt::Fixed(1),
                ..Column::csv_only("到道路 distance_to_road_m")
            },
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

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::analysis::{self, AnalysisSettings, ParkAnalysis, build, isochrone_run};
    use crate::model::{ApprovalStatus, FacilityKind, Road};
    use crate::network::NetworkSettings;
    use crate::spatial::ParkIndex;

    /// A hand-checkable park: a kindergarten (300 m) on a road, an enterprise 222 m
    /// along it (covered) and one 443 m along it (not), a bus route with two stops, a
    /// parcel; with its analysis and a `walk:5` isochrone run.
    pub(in crate::report) fn small_park() -> (Park, ParkAnalysis, IsoRun) {
        let line = build::route("R1", "一路", &[(111.0, 29.999), (111.0, 30.006)]);
        let mut park = Park {
            name: "小园区".into(),
            enterprises: vec![
                build::enterprise("E1", 111.0, 30.002, Some(10)),
                build::enterprise("E2", 111.0, 30.004, Some(20)),
            ],
            facilities: vec![build::facility(
                "K1",
                FacilityKind::Kindergarten,
                111.0,
                30.0,
            )],
            routes: vec![line.clone()],
            stops: vec![
                build::stop("S1", "一路", 1, 111.0, 30.0),
                build::stop("S2", "一路", 2, 111.0, 30.005),
            ],
            roads: vec![Road {
                feature: line.feature,
                id: "RD1".into(),
                name: "一路".into(),
                class: None,
                speed_kmh: None,
                oneway: false,
                line: line.line,
            }],
            ..Park::default()
        };
        build::add_parcel(
            &mut park,
            "P1",
            Some("工业用地"),
            ApprovalStatus::Approved,
            &[
                (111.0, 30.0),
                (111.001, 30.0),
                (111.001, 30.001),
                (111.0, 30.0),
            ],
        );
        let index = ParkIndex::build_default(&park).unwrap();
        let r = analysis::analyse(&park, &index, &AnalysisSettings::default());
        let specs = isochrone_run::parse_specs(&["walk:5".to_string()]).unwrap();
        let run = isochrone_run::compute(
            &park,
            &index,
            &r.coverage,
            NetworkSettings::default(),
            &specs,
        )
        .unwrap();
        (park, r, run)
    }

    fn find<'t>(all: &'t [Table], name: &str) -> &'t Table {
        all.iter().find(|t| t.name == name).unwrap()
    }

    #[test]
    fn facilities_table_formats_per_output() {
        let (park, r, _) = small_park();
        let input = ReportInput {
            park: &park,
            analysis: &r,
            iso: None,
        };
        let all: Vec<Table> = tables(input, Target::Csv).collect();
        let names: Vec<String> = all.iter().map(Table::file_name).collect();
        assert_eq!(names, TABLE_FILES);
        let t = find(&all, "facilities");
        assert_eq!(
            t.text_headers(),
            ["编号", "名称", "类型", "半径(m)", "覆盖企业", "职工人数"]
        );
        assert_eq!(t.csv_headers()[3], "类型代码 kind_code");
        assert_eq!(
            t.text_cells(&t.rows[0]),
            ["K1", "幼儿园K1", "幼儿园", "300", "1", "10"]
        );
        assert_eq!(
            t.csv_cells(&t.rows[0]),
            ["K1", "幼儿园K1", "幼儿园", "kindergarten", "300", "1", "10"]
        );
        // The uncovered enterprise, with its nearest facility 443 m away.
        let u = find(&all, "uncovered");
        assert!(!u.is_printed());
        assert_eq!(u.rows.len(), 1);
        let cells = u.csv_cells(&u.rows[0]);
        assert_eq!(cells[2..5], ["E2", "企业E2", "K1"]);
        assert!(cells[5].starts_with("44"), "{cells:?}");
        // The kind table's total row prints, but is not a CSV row.
        let k = find(&all, "coverage_by_kind");
        assert_eq!(k.rows.len(), 1);
        assert_eq!(k.text_cells(&k.totals[0])[..3], ["全部设施", "-", "1"]);
        let l = find(&all, "land_by_status");
        assert_eq!(l.text_cells(&l.totals[0])[0], "合计");
        assert_eq!(l.csv_cells(&l.rows[0])[1], "approved");
    }

    #[test]
    fn text_leaves_out_the_csv_only_tables() {
        let (park, r, run) = small_park();
        let input = ReportInput {
            park: &park,
            analysis: &r,
            iso: Some(&run),
        };
        let printed: Vec<&str> = tables(input, Target::Text).map(|t| t.name).collect();
        assert_eq!(
            printed,
            [
                "facilities",
                "coverage_by_kind",
                "routes",
                "land_by_status",
                "land_by_use",
                "projects_by_stage",
                "project_sites",
                "isochrone_facilities",
            ]
        );
    }

    #[test]
    fn isochrone_tables_follow_the_analysis_tables() {
        let (park, r, run) = small_park();
        let input = ReportInput {
            park: &park,
            analysis: &r,
            iso: Some(&run),
        };
        let all: Vec<Table> = tables(input, Target::Csv).collect();
        let names: Vec<String> = all.iter().map(Table::file_name).collect();
        assert_eq!(names[..TABLE_FILES.len()], *TABLE_FILES);
        assert_eq!(names[TABLE_FILES.len()..], *ISOCHRONE_FILES);
        // 5 minutes' walk (417 m) reaches E1 (222 m) only.
        let f = find(&all, "isochrone_facilities");
        let cells = f.csv_cells(&f.rows[0]);
        assert_eq!(cells[..4], ["walk:5", "K1", "幼儿园K1", "kindergarten"]);
        assert_eq!(cells[5..10], ["1", "1", "0", "0", "10"]);
        assert_eq!(cells[10..], ["true", "0"]);
        let e = find(&all, "isochrone_enterprises");
        let rows: Vec<Vec<String>> = e.rows.iter().map(|r| e.csv_cells(r)).collect();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0][3..8], ["E1", "企业E1", "covered", "true", "true"]);
        let u = find(&all, "isochrone_uncovered");
        assert_eq!(u.csv_cells(&u.rows[0])[3], "E2");
        // An empty run reports no isochrones.
        let empty = IsoRun {
            graph: run.graph.clone(),
            analyses: Vec::new(),
        };
        let input = ReportInput {
            iso: Some(&empty),
            ..input
        };
        assert_eq!(tables(input, Target::Csv).count(), TABLE_FILES.len());
    }
}
