//! `parkplan-cli report`: loads a park, builds its spatial index, runs every analysis
//! and prints readable Chinese tables, JSON (`--json`) or CSV files (`--csv DIR`).
//! The analysis lives in the library; this file only turns results into text.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use parkplan::analysis::{self, AnalysisSettings, AreaSettings, ParkAnalysis, SiteMatch};
use parkplan::crs::FrameKind;
use parkplan::model::{Lang, Park};
use parkplan::spatial::{ParkIndex, frame_for};
use rayon::prelude::*;
use serde::Serialize;

/// What `report` was asked to do.
#[derive(Debug, Clone)]
pub struct ReportArgs {
    /// Files, folders or manifests.
    pub paths: Vec<PathBuf>,
    /// Print JSON.
    pub json: bool,
    /// Write CSV files into this folder.
    pub csv: Option<PathBuf>,
    /// `KIND=METRES` settings.
    pub radius: Vec<String>,
    /// Catchment radius of bus stops.
    pub catchment: Option<String>,
    /// Metric frame family (`None`: the project's, else UTM).
    pub frame: Option<FrameKind>,
    /// Vertices per circle.
    pub segments: usize,
    /// Time each phase (analyses one after another) and print the times on stderr.
    pub timings: bool,
    /// `--isochrone walk:15` (repeatable): isochrones along roads beside the circles.
    pub isochrone: Vec<String>,
}

/// Parses `--frame`.
pub fn parse_frame(s: &str) -> Result<FrameKind, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "utm" => Ok(FrameKind::Utm),
        "gk" | "gauss-kruger" | "gauss_kruger" | "cgcs2000" => Ok(FrameKind::GaussKruger3),
        "local" | "tm" => Ok(FrameKind::Local),
        other => Err(format!("unknown frame \"{other}\" (utm, gk or local)")),
    }
}

/// Runs the report. Exit 0 when something loaded, 2 when nothing could be.
pub fn run(args: &ReportArgs) -> anyhow::Result<ExitCode> {
    // The command line overrides a project's settings, which override the defaults.
    let apply = |settings: &mut AnalysisSettings| -> anyhow::Result<()> {
        if let Some(f) = args.frame {
            settings.frame = f;
        }
        for spec in &args.radius {
            settings.set_radius(spec).context("--radius")?;
        }
        if let Some(c) = &args.catchment {
            settings.catchment_m = analysis::parse_metres(c).context("--catchment")?;
        }
        Ok(())
    };
    // Check the flags before the (possibly long) load.
    apply(&mut AnalysisSettings::default())?;
    let iso_specs = crate::report_iso::parse_specs(&args.isochrone)?;
    let area = AreaSettings {
        segments: args.segments.clamp(8, 1024),
    };
    let mut timer = Timer::new(args.timings);
    let parkplan::project::Opened { loaded, project } =
        parkplan::project::open_paths(&args.paths, None)?;
    timer.lap("load");
    if loaded.park.layers.is_empty() {
        eprintln!("parkplan-cli: nothing could be loaded:");
        for p in &loaded.report.problems {
            eprintln!("  {}: {}", p.file, p.message);
        }
        return Ok(ExitCode::from(2));
    }
    let park = &loaded.park;
    let mut settings = project
        .as_ref()
        .map(|p| p.analysis.clone())
        .unwrap_or_default();
    apply(&mut settings)?;
    let frame = frame_for(park, settings.frame);
    let index = ParkIndex::build(park, frame)?;
    timer.lap("index");
    let mut result = if args.timings {
        sequential(park, &index, &settings, &area, &mut timer)
    } else {
        let r = analysis::analyse_with(park, &index, &settings, &area);
        timer.lap("analyse");
        r
    };
    // Isochrones along roads (issue #7), beside the circles.
    let iso = if iso_specs.is_empty() {
        None
    } else {
        let network = project
            .as_ref()
            .map(|p| p.network.clone())
            .unwrap_or_default();
        let run = crate::report_iso::compute(park, &index, &result.coverage, network, &iso_specs)?;
        result.method = format!("{}; {}", result.method, crate::report_iso::method(&run));
        timer.lap("isochrones");
        Some(run)
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.json {
        let mut j = json_report(park, &result, timer.enabled.then(|| timer.laps.clone()));
        if let Some(run) = &iso {
            for (fi, f) in j.facilities.iter_mut().enumerate() {
                (f.isochrone, f.isochrones) = crate::report_iso::facility_json(run, park, fi);
            }
            j.network = Some(crate::report_iso::network_json(run, park));
            j.isochrone_uncovered = Some(crate::report_iso::uncovered_json(run, park));
        }
        serde_json::to_writer(&mut out, &j)?;
        writeln!(out)?;
    } else if args.csv.is_none() {
        print_tables(&mut out, park, &result)?;
        if let Some(run) = &iso {
            crate::report_iso::print_tables(&mut out, park, &result.coverage, run)?;
        }
    }
    if let Some(dir) = &args.csv {
        let mut files = parkplan::save::csv::write_analysis_tables(dir, park, &result)?;
        if let Some(run) = &iso {
            files.extend(crate::report_iso::write_csv(
                dir,
                park,
                &result.coverage,
                run,
            )?);
        }
        if !args.json {
            writeln!(out, "CSV (UTF-8 with BOM) written to {}:", dir.display())?;
            for f in files {
                writeln!(out, "  {f}")?;
            }
        }
    }
    out.flush()?;
    timer.lap("output");
    timer.print();
    Ok(ExitCode::SUCCESS)
}

/// Runs the analyses one after another, timing each.
fn sequential(
    park: &Park,
    index: &ParkIndex,
    settings: &AnalysisSettings,
    area: &AreaSettings,
    t: &mut Timer,
) -> ParkAnalysis {
    let coverage = analysis::service_coverage(park, index, settings);
    t.lap("coverage");
    let nearest = analysis::nearest_facilities(park, index);
    t.lap("nearest");
    let areas = analysis::service_areas(park, index, settings, area);
    t.lap("areas");
    let routes = analysis::route_catchments(park, index, settings.catchment_m);
    t.lap("routes");
    if let Some(kw6) = park.routes.iter().position(|r| r.name == "KW6") {
        // KW6 on its own: the catchment as the peer benchmark times it, then every
        // figure of the route (length, stop spacing along it, catchment).
        let _ = analysis::route_catchment(park, index, kw6, settings.catchment_m);
        t.lap("kw6_catchment");
        let _ = analysis::route_stats(park, index, kw6, settings.catchment_m);
        t.lap("kw6_route");
    }
    let land = analysis::land_statistics(park);
    let projects = analysis::project_statistics(park);
    let sites = analysis::project_sites(park, index);
    t.lap("land_projects");
    ParkAnalysis {
        method: analysis::method(index.frame()),
        settings: settings.clone(),
        coverage,
        nearest,
        areas,
        routes,
        land,
        projects,
        sites,
    }
}

struct Timer {
    enabled: bool,
    start: Instant,
    last: Instant,
    laps: Vec<(String, f64)>,
}

impl Timer {
    fn new(enabled: bool) -> Timer {
        let now = Instant::now();
        Timer {
            enabled,
            start: now,
            last: now,
            laps: Vec::new(),
        }
    }
    fn lap(&mut self, name: &str) {
        let now = Instant::now();
        self.laps
            .push((name.to_string(), (now - self.last).as_secs_f64()));
        self.last = now;
    }
    fn print(&self) {
        if !self.enabled {
            return;
        }
        for (k, v) in &self.laps {
            eprintln!("parkplan task={k} seconds={v:.6}");
        }
        eprintln!(
            "parkplan task=total seconds={:.6}",
            (Instant::now() - self.start).as_secs_f64()
        );
        if let Some(kb) = peak_rss_kb() {
            eprintln!("parkplan task=rss_peak rss_peak_mb={}", kb / 1024);
        }
    }
}

/// Peak resident memory of this process (Linux), kB.
fn peak_rss_kb() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

// ------------------------------------------------------------------ JSON

/// A list of enterprise ids, rendered to JSON text when built: the lists are built in
/// parallel (the 1M scene's hold millions of ids), then written out in order.
enum IdList<'a> {
    Raw(Box<serde_json::value::RawValue>),
    Plain(Vec<&'a str>),
}

impl<'a> IdList<'a> {
    fn new(ids: Vec<&'a str>) -> IdList<'a> {
        match serde_json::value::to_raw_value(&ids) {
            Ok(raw) => IdList::Raw(raw),
            Err(_) => IdList::Plain(ids),
        }
    }
}

impl Serialize for IdList<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            IdList::Raw(raw) => raw.serialize(s),
            IdList::Plain(ids) => ids.serialize(s),
        }
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    method: &'a str,
    park: &'a str,
    settings: &'a AnalysisSettings,
    totals: JsonTotals,
    facilities: Vec<JsonFacility<'a>>,
    coverage_by_kind: Vec<JsonKind>,
    uncovered: BTreeMap<&'static str, IdList<'a>>,
    coverage_all_kinds: JsonAllKinds,
    park_area: Option<JsonParkArea<'a>>,
    routes: Vec<JsonRoute<'a>>,
    enterprises_beyond_all_routes: IdList<'a>,
    land: JsonLand,
    projects: JsonProjects<'a>,
    /// The road network (with `--isochrone`).
    #[serde(skip_serializing_if = "Option::is_none")]
    network: Option<crate::report_iso::JsonNetwork<'a>>,
    /// Per `--isochrone`, per kind: enterprises no isochrone of the kind reaches.
    #[serde(skip_serializing_if = "Option::is_none")]
    isochrone_uncovered: Option<BTreeMap<String, BTreeMap<&'static str, Vec<&'a str>>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timings_s: Option<BTreeMap<String, f64>>,
}

#[derive(Serialize)]
struct JsonTotals {
    enterprises: usize,
    located_enterprises: usize,
    facilities: usize,
    facility_enterprise_pairs: usize,
    routes: usize,
    stops: usize,
    parcels: usize,
    projects: usize,
}

#[derive(Serialize)]
struct JsonFacility<'a> {
    id: &'a str,
    name: &'a str,
    kind: &'static str,
    radius_m: f64,
    enterprises: IdList<'a>,
    employees: u64,
    /// The first `--isochrone`.
    #[serde(skip_serializing_if = "Option::is_none")]
    isochrone: Option<crate::report_iso::JsonIso<'a>>,
    /// Every `--isochrone`, when several were given.
    #[serde(skip_serializing_if = "Option::is_none")]
    isochrones: Option<Vec<crate::report_iso::JsonIso<'a>>>,
}

#[derive(Serialize)]
struct JsonKind {
    kind: &'static str,
    label: &'static str,
    radius_m: f64,
    facilities: usize,
    covered_enterprises: usize,
    covered_employees: u64,
    uncovered_enterprises: usize,
    union_km2: f64,
    covered_in_park_km2: f64,
    share_of_park: f64,
}

#[derive(Serialize)]
struct JsonAllKinds {
    circles: usize,
    union_km2: f64,
    covered_in_park_km2: f64,
    share_of_park: f64,
}

#[derive(Serialize)]
struct JsonParkArea<'a> {
    definition: &'a str,
    km2: f64,
}

#[derive(Serialize)]
struct JsonRoute<'a> {
    id: &'a str,
    name: &'a str,
    length_m: f64,
    stops: usize,
    mean_stop_spacing_m: Option<f64>,
    min_stop_spacing_m: Option<f64>,
    max_stop_spacing_m: Option<f64>,
    catchment_m: f64,
    enterprises: IdList<'a>,
    employees: u64,
    share_of_enterprises: f64,
}

#[derive(Serialize)]
struct JsonTally {
    parcels: usize,
    area_mu: f64,
    area_ha: f64,
}

#[derive(Serialize)]
struct JsonLand {
    parcels: usize,
    area_mu: f64,
    area_ha: f64,
    area_method: &'static str,
    declared_area_mu: f64,
    parcels_declaring_area: usize,
    by_status: BTreeMap<&'static str, JsonTally>,
    by_land_use: BTreeMap<String, JsonTally>,
}

#[derive(Serialize)]
struct JsonStage<'a> {
    stage: &'static str,
    projects: Vec<&'a str>,
    investment_yi: f64,
    secretaries: &'a [String],
}

#[derive(Serialize)]
struct JsonSite<'a> {
    project: &'a str,
    parcel: Option<&'a str>,
    located_parcel: Option<&'a str>,
    how: &'static str,
}

#[derive(Serialize)]
struct JsonProjects<'a> {
    by_stage: Vec<JsonStage<'a>>,
    sites: Vec<JsonSite<'a>>,
    mismatches: usize,
}

fn tally(t: &analysis::AreaTally) -> JsonTally {
    JsonTally {
        parcels: t.parcels,
        area_mu: round(t.mu(), 2),
        area_ha: round(t.ha(), 4),
    }
}

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

fn site_word_zh(h: SiteMatch) -> &'static str {
    match h {
        SiteMatch::Declared => "按地块编号",
        SiteMatch::Located => "按位置",
        SiteMatch::Mismatch => "不一致",
        SiteMatch::UnknownDeclared => "编号不存在",
        SiteMatch::None => "无地块",
    }
}

fn json_report<'a>(
    park: &'a Park,
    r: &'a ParkAnalysis,
    timings: Option<Vec<(String, f64)>>,
) -> JsonReport<'a> {
    let eid = |i: u32| park.enterprises[i as usize].id.as_str();
    let facilities = r
        .coverage
        .facilities
        .par_iter()
        .map(|fc| {
            let f = &park.facilities[fc.facility as usize];
            let mut idx: Vec<u32> = fc.covered.iter().map(|c| c.enterprise).collect();
            idx.sort_unstable();
            JsonFacility {
                id: &f.id,
                name: &f.name,
                kind: f.kind.code(),
                radius_m: fc.radius_m,
                enterprises: IdList::new(idx.into_iter().map(eid).collect()),
                employees: fc.employees,
                isochrone: None,
                isochrones: None,
            }
        })
        .collect();
    let coverage_by_kind = r
        .coverage
        .kinds
        .iter()
        .map(|k| {
            let a = r.areas.kinds.iter().find(|a| a.kind == k.kind);
            JsonKind {
                kind: k.kind.code(),
                label: k.kind.label(Lang::Zh),
                radius_m: k.radius_m,
                facilities: k.facilities.len(),
                covered_enterprises: k.covered_enterprises,
                covered_employees: k.covered_employees,
                uncovered_enterprises: k.uncovered.len(),
                union_km2: a.map_or(0.0, |a| a.union_km2),
                covered_in_park_km2: a.map_or(0.0, |a| a.covered_in_park_km2),
                share_of_park: a.map_or(0.0, |a| a.share_of_park),
            }
        })
        .collect();
    let uncovered = r
        .coverage
        .kinds
        .iter()
        .collect::<Vec<_>>()
        .par_iter()
        .map(|k| {
            let ids = k.uncovered.iter().map(|&e| eid(e)).collect();
            (k.kind.code(), IdList::new(ids))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .collect();
    let routes = r
        .routes
        .routes
        .iter()
        .map(|rs| {
            let route = &park.routes[rs.route as usize];
            JsonRoute {
                id: &route.id,
                name: &route.name,
                length_m: round(rs.length_m, 3),
                stops: rs.stops.len(),
                mean_stop_spacing_m: rs.spacing.map(|s| round(s.mean_m, 2)),
                min_stop_spacing_m: rs.spacing.map(|s| round(s.min_m, 2)),
                max_stop_spacing_m: rs.spacing.map(|s| round(s.max_m, 2)),
                catchment_m: rs.catchment_m,
                enterprises: IdList::new(rs.enterprises.iter().map(|&e| eid(e)).collect()),
                employees: rs.employees,
                share_of_enterprises: rs.share_of_enterprises,
            }
        })
        .collect();
    let land = JsonLand {
        parcels: r.land.total.parcels,
        area_mu: round(r.land.total.mu(), 2),
        area_ha: round(r.land.total.ha(), 4),
        area_method: "geodesic area of each parcel's geometry (WGS84, Karney)",
        declared_area_mu: round(r.land.declared_mu.0, 2),
        parcels_declaring_area: r.land.declared_mu.1,
        by_status: r
            .land
            .by_status
            .iter()
            .map(|(s, t)| (s.code(), tally(t)))
            .collect(),
        by_land_use: r
            .land
            .by_land_use
            .iter()
            .map(|(u, t)| (u.clone().unwrap_or_else(|| "unknown".into()), tally(t)))
            .collect(),
    };
    let pid = |i: u32| park.parcels[i as usize].id.as_str();
    let projects = JsonProjects {
        by_stage: r
            .projects
            .iter()
            .map(|s| JsonStage {
                stage: s.stage.map_or("unknown", |x| x.code()),
                projects: s
                    .projects
                    .iter()
                    .map(|&p| park.projects[p as usize].id.as_str())
                    .collect(),
                investment_yi: round(s.investment_yi, 4),
                secretaries: &s.secretaries,
            })
            .collect(),
        sites: r
            .sites
            .iter()
            .map(|s| JsonSite {
                project: &park.projects[s.project as usize].id,
                parcel: s.parcel.map(pid),
                located_parcel: s.located.map(pid),
                how: parkplan::save::csv::site_word(s.how),
            })
            .collect(),
        mismatches: r
            .sites
            .iter()
            .filter(|s| matches!(s.how, SiteMatch::Mismatch | SiteMatch::UnknownDeclared))
            .count(),
    };
    JsonReport {
        method: &r.method,
        park: &park.name,
        settings: &r.settings,
        totals: JsonTotals {
            enterprises: park.enterprises.len(),
            located_enterprises: r.coverage.located_enterprises,
            facilities: park.facilities.len(),
            facility_enterprise_pairs: r.coverage.pairs(),
            routes: park.routes.len(),
            stops: park.stops.len(),
            parcels: park.parcels.len(),
            projects: park.projects.len(),
        },
        facilities,
        coverage_by_kind,
        uncovered,
        coverage_all_kinds: JsonAllKinds {
            circles: r.areas.all.circles,
            union_km2: r.areas.all.union_km2,
            covered_in_park_km2: r.areas.all.covered_in_park_km2,
            share_of_park: r.areas.all.share_of_park,
        },
        park_area: r.areas.park.as_ref().map(|p| JsonParkArea {
            definition: &p.definition,
            km2: p.km2,
        }),
        routes,
        enterprises_beyond_all_routes: IdList::new(
            r.routes.beyond_all.iter().map(|&e| eid(e)).collect(),
        ),
        land,
        projects,
        network: None,
        isochrone_uncovered: None,
        timings_s: timings.map(|t| t.into_iter().collect()),
    }
}

// ------------------------------------------------------------------ tables

/// Display width of text in a terminal: East Asian wide and fullwidth characters take
/// two columns.
pub fn display_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

fn char_width(c: char) -> usize {
    let u = c as u32;
    if u == 0 || c.is_control() {
        return 0;
    }
    let wide = matches!(u,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1F64F
        | 0x20000..=0x3FFFD);
    if wide { 2 } else { 1 }
}

/// A table of text cells, printed with columns aligned by display width; numeric
/// columns are right-aligned.
pub(crate) struct Table {
    title: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    right: Vec<bool>,
}

impl Table {
    pub(crate) fn new(title: &str, header: &[&str], right: &[bool]) -> Table {
        Table {
            title: title.to_string(),
            header: header.iter().map(|s| s.to_string()).collect(),
            rows: Vec::new(),
            right: right.to_vec(),
        }
    }
    pub(crate) fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }
    pub(crate) fn print(&self, out: &mut impl Write) -> std::io::Result<()> {
        writeln!(out)?;
        writeln!(out, "{}", self.title)?;
        let n = self.header.len();
        let mut w = vec![0; n];
        for r in std::iter::once(&self.header).chain(&self.rows) {
            for (i, c) in r.iter().enumerate().take(n) {
                w[i] = w[i].max(display_width(c));
            }
        }
        let line = |out: &mut dyn Write, r: &[String]| -> std::io::Result<()> {
            let mut s = String::new();
            for (i, c) in r.iter().enumerate().take(n) {
                let pad = w[i].saturating_sub(display_width(c));
                if i > 0 {
                    s.push_str("  ");
                }
                if self.right.get(i).copied().unwrap_or(false) {
                    s.push_str(&" ".repeat(pad));
                    s.push_str(c);
                } else {
                    s.push_str(c);
                    if i + 1 < n {
                        s.push_str(&" ".repeat(pad));
                    }
                }
            }
            writeln!(out, "{}", s.trim_end())
        };
        line(out, &self.header)?;
        let total: usize = w.iter().sum::<usize>() + 2 * n.saturating_sub(1);
        writeln!(out, "{}", "─".repeat(total))?;
        for r in &self.rows {
            line(out, r)?;
        }
        Ok(())
    }
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

fn ids_preview(ids: impl Iterator<Item = String>, total: usize, max: usize) -> String {
    let shown: Vec<String> = ids.take(max).collect();
    if total > max {
        format!("{} … (共 {} 个)", shown.join(", "), total)
    } else {
        shown.join(", ")
    }
}

fn print_tables(out: &mut impl Write, park: &Park, r: &ParkAnalysis) -> std::io::Result<()> {
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

    let mut t = Table::new(
        "服务设施覆盖 Service coverage by facility",
        &["编号", "名称", "类型", "半径(m)", "覆盖企业", "职工人数"],
        &[false, false, false, true, true, true],
    );
    for fc in &r.coverage.facilities {
        let f = &park.facilities[fc.facility as usize];
        t.row(vec![
            f.id.clone(),
            f.name.clone(),
            f.kind.label(Lang::Zh).to_string(),
            format!("{:.0}", fc.radius_m),
            fc.covered.len().to_string(),
            fc.employees.to_string(),
        ]);
    }
    t.print(out)?;

    let mut t = Table::new(
        "按设施类型 Coverage by kind",
        &[
            "类型",
            "半径(m)",
            "设施数",
            "覆盖企业",
            "覆盖职工",
            "未覆盖企业",
            "覆盖面积(km²)",
            "园区内(km²)",
            "占园区",
        ],
        &[false, true, true, true, true, true, true, true, true],
    );
    for k in &r.coverage.kinds {
        let a = r.areas.kinds.iter().find(|a| a.kind == k.kind);
        t.row(vec![
            k.kind.label(Lang::Zh).to_string(),
            format!("{:.0}", k.radius_m),
            k.facilities.len().to_string(),
            k.covered_enterprises.to_string(),
            k.covered_employees.to_string(),
            k.uncovered.len().to_string(),
            a.map_or("-".into(), |a| format!("{:.3}", a.union_km2)),
            a.map_or("-".into(), |a| format!("{:.3}", a.covered_in_park_km2)),
            a.map_or("-".into(), |a| pct(a.share_of_park)),
        ]);
    }
    t.row(vec![
        "全部设施".into(),
        "-".into(),
        r.areas.all.circles.to_string(),
        "-".into(),
        "-".into(),
        "-".into(),
        format!("{:.3}", r.areas.all.union_km2),
        format!("{:.3}", r.areas.all.covered_in_park_km2),
        pct(r.areas.all.share_of_park),
    ]);
    t.print(out)?;

    writeln!(out)?;
    writeln!(out, "未覆盖企业 Enterprises no facility of the kind covers")?;
    for k in &r.coverage.kinds {
        writeln!(
            out,
            "  {}（{} m）: {} 家  {}",
            k.kind.label(Lang::Zh),
            k.radius_m,
            k.uncovered.len(),
            ids_preview(
                k.uncovered
                    .iter()
                    .map(|&e| park.enterprises[e as usize].id.clone()),
                k.uncovered.len(),
                12
            )
        )?;
    }

    let mut t = Table::new(
        "公交线路 Bus routes",
        &[
            "编号",
            "线路",
            "长度(km)",
            "站点数",
            "平均站距(m)",
            "最小站距(m)",
            "最大站距(m)",
            "覆盖半径(m)",
            "覆盖企业",
            "职工人数",
            "企业占比",
        ],
        &[
            false, false, true, true, true, true, true, true, true, true, true,
        ],
    );
    for rs in &r.routes.routes {
        let route = &park.routes[rs.route as usize];
        let sp = |f: fn(&analysis::Spacing) -> f64| {
            rs.spacing
                .as_ref()
                .map_or("-".into(), |s| format!("{:.0}", f(s)))
        };
        t.row(vec![
            route.id.clone(),
            route.name.clone(),
            format!("{:.3}", rs.length_m / 1000.0),
            rs.stops.len().to_string(),
            sp(|s| s.mean_m),
            sp(|s| s.min_m),
            sp(|s| s.max_m),
            format!("{:.0}", rs.catchment_m),
            rs.enterprises.len().to_string(),
            rs.employees.to_string(),
            pct(rs.share_of_enterprises),
        ]);
    }
    t.print(out)?;
    writeln!(
        out,
        "所有线路站点 {} m 以外的企业 beyond every route: {} 家  {}",
        r.routes.catchment_m,
        r.routes.beyond_all.len(),
        ids_preview(
            r.routes
                .beyond_all
                .iter()
                .map(|&e| park.enterprises[e as usize].id.clone()),
            r.routes.beyond_all.len(),
            12
        )
    )?;

    let mut t = Table::new(
        "用地 按审批状态 Parcels by approval status (geodesic areas)",
        &["审批状态", "地块数", "面积(亩)", "面积(公顷)"],
        &[false, true, true, true],
    );
    for (s, tl) in &r.land.by_status {
        t.row(vec![
            s.label(Lang::Zh).to_string(),
            tl.parcels.to_string(),
            format!("{:.2}", tl.mu()),
            format!("{:.2}", tl.ha()),
        ]);
    }
    t.row(vec![
        "合计".into(),
        r.land.total.parcels.to_string(),
        format!("{:.2}", r.land.total.mu()),
        format!("{:.2}", r.land.total.ha()),
    ]);
    t.print(out)?;

    let mut t = Table::new(
        "用地 按用地性质 Parcels by land use",
        &["用地性质", "地块数", "面积(亩)", "面积(公顷)"],
        &[false, true, true, true],
    );
    for (u, tl) in &r.land.by_land_use {
        t.row(vec![
            u.clone().unwrap_or_else(|| "未注明".into()),
            tl.parcels.to_string(),
            format!("{:.2}", tl.mu()),
            format!("{:.2}", tl.ha()),
        ]);
    }
    t.print(out)?;

    let mut t = Table::new(
        "项目 按阶段 Projects by lifecycle stage",
        &["项目阶段", "项目数", "投资额(亿元)", "项目秘书"],
        &[false, true, true, false],
    );
    for s in &r.projects {
        t.row(vec![
            s.stage
                .map_or("未注明".into(), |x| x.label(Lang::Zh).to_string()),
            s.projects.len().to_string(),
            format!("{:.2}", s.investment_yi),
            s.secretaries.join("、"),
        ]);
    }
    t.print(out)?;

    let mut t = Table::new(
        "项目所在地块 Project sites",
        &["项目编号", "项目名称", "所在地块", "位置所在地块", "依据"],
        &[false, false, false, false, false],
    );
    let pid = |i: Option<u32>| i.map_or("-".to_string(), |i| park.parcels[i as usize].id.clone());
    for s in &r.sites {
        let p = &park.projects[s.project as usize];
        t.row(vec![
            p.id.clone(),
            p.name.clone(),
            pid(s.parcel),
            pid(s.located),
            site_word_zh(s.how).to_string(),
        ]);
    }
    t.print(out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_counts_two_columns() {
        assert_eq!(display_width("KW6"), 3);
        assert_eq!(display_width("荆州"), 4);
        assert_eq!(display_width("便民服务站（社区）"), 18);
    }
}
