//! `parkplan-cli report`: loads a park, runs every analysis and hands the results to
//! the library's report module ([`parkplan::report`]) for readable Chinese tables, JSON
//! (`--json`) or CSV files (`--csv DIR`). This file only reads flags, loads and times.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use parkplan::analysis::{self, AnalysisSettings, AreaSettings, ParkAnalysis, isochrone_run};
use parkplan::crs::FrameKind;
use parkplan::import::{self, Loaded};
use parkplan::model::Park;
use parkplan::network::NetworkSettings;
use parkplan::report::{self, ReportInput};
use parkplan::spatial::{ParkIndex, frame_for};

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

/// The command line over a project's settings: `--frame`, then `--radius`, then
/// `--catchment`.
fn apply_flags(args: &ReportArgs, settings: &mut AnalysisSettings) -> anyhow::Result<()> {
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
}

/// Loads the park and resolves what to analyse it with: the project's analysis
/// settings (defaults without a project) with the flags over them, and the project's
/// road-network settings. `None` when nothing could be loaded (the problems are
/// printed on stderr).
fn settings_and_park(
    args: &ReportArgs,
) -> anyhow::Result<Option<(Loaded, AnalysisSettings, NetworkSettings)>> {
    let loaded = import::load_paths(&args.paths, None)?;
    if loaded.park.layers.is_empty() {
        eprintln!("parkplan-cli: nothing could be loaded:");
        for p in &loaded.report.problems {
            eprintln!("  {}: {}", p.file, p.message);
        }
        return Ok(None);
    }
    let project = loaded.project.as_ref();
    let mut settings = project.map(|p| p.analysis.clone()).unwrap_or_default();
    apply_flags(args, &mut settings)?;
    let network = project.map(|p| p.network.clone()).unwrap_or_default();
    Ok(Some((loaded, settings, network)))
}

/// Runs the report. Exit 0 when something loaded, 2 when nothing could be.
pub fn run(args: &ReportArgs) -> anyhow::Result<ExitCode> {
    // Check the flags before the (possibly long) load.
    apply_flags(args, &mut AnalysisSettings::default())?;
    let iso_specs = isochrone_run::parse_specs(&args.isochrone)
        .map_err(anyhow::Error::msg)
        .context("--isochrone")?;
    let area = AreaSettings {
        segments: args.segments.clamp(8, 1024),
    };
    let mut timer = Timer::new(args.timings);
    let Some((loaded, settings, network)) = settings_and_park(args)? else {
        return Ok(ExitCode::from(2));
    };
    timer.lap("load");
    let park = &loaded.park;
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
        let run = isochrone_run::compute(park, &index, &result.coverage, network, &iso_specs)
            .context("road network")?;
        result.method = format!("{}; {}", result.method, run.method());
        timer.lap("isochrones");
        Some(run)
    };
    let input = ReportInput {
        park,
        analysis: &result,
        iso: iso.as_ref(),
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.json {
        let timings = timer.enabled.then(|| timer.laps.clone());
        serde_json::to_writer(&mut out, &report::json::build(input, timings))?;
        writeln!(out)?;
    } else if args.csv.is_none() {
        report::text::write(&mut out, input)?;
    }
    if let Some(dir) = &args.csv {
        let files = report::csv::write(dir, input)?;
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
