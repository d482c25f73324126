//! Analysis results as named tables ([`Table`]), built once for every output, in
//! output order. Tables sharing a name are parts of one CSV file (the isochrone table
//! of each travel choice); each part prints as a table of its own.

mod coverage;
mod isochrones;
mod land;
pub mod ledger;
mod living;
mod routes;

use super::ReportInput;
use super::table::Table;

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
type Build<'a> = Box<dyn FnOnce() -> Table + 'a>;

/// The tables of a report, in output order, built one at a time as the iterator is
/// advanced. [`Target::Text`] leaves out the tables the printout does not show.
pub fn tables<'a>(input: ReportInput<'a>, target: Target) -> impl Iterator<Item = Table> + 'a {
    let csv = target == Target::Csv;
    let mut list: Vec<(bool, Build<'a>)> = vec![
        (true, Box::new(move || coverage::facilities(input))),
        (csv, Box::new(move || coverage::facility_enterprises(input))),
        (true, Box::new(move || coverage::coverage_by_kind(input))),
        (csv, Box::new(move || coverage::uncovered(input))),
        (csv, Box::new(move || coverage::enterprise_nearest(input))),
        (true, Box::new(move || routes::routes(input))),
        (csv, Box::new(move || routes::route_stops(input))),
        (csv, Box::new(move || routes::route_enterprises(input))),
        (true, Box::new(move || land::land_by_status(input))),
        (true, Box::new(move || land::land_by_use(input))),
        (true, Box::new(move || land::projects_by_stage(input))),
        (true, Box::new(move || land::project_sites(input))),
        (true, Box::new(move || living::living_circles(input))),
        (csv, Box::new(move || living::living_missing(input))),
        (true, Box::new(move || living::service_circle(input))),
        (csv, Box::new(move || living::service_missing(input))),
    ];
    // The ledger: the printout shows what the park has; CSV writes every file.
    let constraints = !input.analysis.constraints.layers.is_empty();
    let projects = !input.park.projects.is_empty();
    let doubtful = !input.analysis.ledger.doubtful.is_empty();
    let years = !input.analysis.ledger.approval_by_year.is_empty();
    list.extend([
        (
            csv || constraints,
            Box::new(move || ledger::constraint_layers(input)) as Build<'a>,
        ),
        (
            csv || constraints,
            Box::new(move || ledger::parcel_constraints(input, csv)),
        ),
        (
            csv || (projects && ledger::has_ledger(input.park)),
            Box::new(move || ledger::project_ledger(input)),
        ),
        (
            csv || years,
            Box::new(move || ledger::approval_by_year(input)),
        ),
        (
            csv || doubtful,
            Box::new(move || ledger::doubtful_dates(input)),
        ),
    ]);
    if let Some(run) = input.isochrones() {
        let (park, circles) = (input.park, &input.analysis.coverage);
        for a in &run.analyses {
            list.push((
                true,
                Box::new(move || isochrones::isochrone_facilities(park, circles, a)),
            ));
        }
        list.push((
            csv,
            Box::new(move || isochrones::isochrone_enterprises(park, circles, run)),
        ));
        list.push((
            csv,
            Box::new(move || isochrones::isochrone_uncovered(park, run)),
        ));
        list.push((csv, Box::new(move || isochrones::network_components(run))));
        list.push((
            csv,
            Box::new(move || isochrones::network_unreachable(park, run)),
        ));
    }
    list.into_iter().filter(|(keep, _)| *keep).map(|(_, b)| b())
}

/// The project ledger table alone (what `dispatch --out FILE.csv` writes).
pub fn project_ledger_table(input: ReportInput) -> Table {
    ledger::project_ledger(input)
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
    "living_circles.csv",
    "living_missing.csv",
    "service_circle.csv",
    "service_missing.csv",
    "constraint_layers.csv",
    "parcel_constraints.csv",
    "project_ledger.csv",
    "land_approval_by_year.csv",
    "doubtful_dates.csv",
];

/// The CSV file names added when isochrones are reported, in order.
pub const ISOCHRONE_FILES: &[&str] = &[
    "isochrone_facilities.csv",
    "isochrone_enterprises.csv",
    "isochrone_uncovered.csv",
    "network_components.csv",
    "network_unreachable.csv",
];

#[cfg(test)]
pub(in crate::report) mod tests {
    use super::*;
    use crate::analysis::{self, AnalysisSettings, IsoRun, ParkAnalysis, build, isochrone_run};
    use crate::model::{ApprovalStatus, FacilityKind, Park, Road};
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

    /// The report input of a [`small_park`], with or without its isochrones.
    pub(in crate::report) fn input(p: &(Park, ParkAnalysis, IsoRun), iso: bool) -> ReportInput<'_> {
        ReportInput {
            park: &p.0,
            analysis: &p.1,
            iso: iso.then_some(&p.2),
        }
    }

    fn find<'t>(all: &'t [Table], name: &str) -> &'t Table {
        all.iter().find(|t| t.name == name).unwrap()
    }

    #[test]
    fn facilities_table_formats_per_output() {
        let p = small_park();
        let all: Vec<Table> = tables(input(&p, false), Target::Csv).collect();
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
        let p = small_park();
        let printed: Vec<&str> = tables(input(&p, true), Target::Text)
            .map(|t| t.name)
            .collect();
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
                "living_circles",
                "service_circle",
                "isochrone_facilities",
            ]
        );
    }

    #[test]
    fn isochrone_tables_follow_the_analysis_tables() {
        let p = small_park();
        let all: Vec<Table> = tables(input(&p, true), Target::Csv).collect();
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
            graph: p.2.graph.clone(),
            analyses: Vec::new(),
        };
        let without = ReportInput {
            iso: Some(&empty),
            ..input(&p, true)
        };
        assert_eq!(tables(without, Target::Csv).count(), TABLE_FILES.len());
    }
}
