//! `parkplan-cli gtfs`: bus routes → a GTFS feed zip. Reads the flags, opens the
//! workspace, lays the flags over the project's GTFS settings and asks the workspace
//! to write the feed ([`Workspace::export_gtfs`]); prints the library's summary.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use parkplan::model::Lang;
use parkplan::model::date::Date;
use parkplan::model::gtfs::GtfsSettings;
use parkplan::workspace::{Overrides, Workspace};

/// The flags of `gtfs`.
#[derive(clap::Args, Debug)]
pub struct GtfsArgs {
    /// GeoJSON files, folders, manifests, a .parkplan project or a GTFS .zip.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The route to write (name or id, e.g. KW6); repeatable. Default: every route.
    #[arg(long, value_name = "NAME")]
    pub route: Vec<String>,
    /// The feed to write (a .zip; written atomically).
    #[arg(long, value_name = "FEED.zip")]
    pub out: PathBuf,
    /// Minutes between buses (over the project's; default 20).
    #[arg(long, value_name = "MINUTES")]
    pub headway_min: Option<f64>,
    /// First departure, HH:MM (default 06:30).
    #[arg(long, value_name = "HH:MM")]
    pub service_start: Option<String>,
    /// End of service, HH:MM (default 19:00; 25:00 is 1 a.m. the next day).
    #[arg(long, value_name = "HH:MM")]
    pub service_end: Option<String>,
    /// Average bus speed, km/h (default 20).
    #[arg(long, value_name = "KMH")]
    pub speed_kmh: Option<f64>,
    /// Seconds a bus stands at each stop (default 30).
    #[arg(long, value_name = "SECONDS")]
    pub dwell_s: Option<u32>,
    /// Print a JSON summary (routes, stops, trips, stop times, shape points).
    #[arg(long)]
    pub json: bool,
}

/// Runs `gtfs`.
pub fn run(a: &GtfsArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    if !a
        .out
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
    {
        bail!("--out: a GTFS feed is a .zip file, not {}", a.out.display());
    }
    let ws = Workspace::open(&a.paths, None, &Overrides::default()).context("loading")?;
    if ws.park.routes.is_empty() {
        eprintln!("parkplan-cli: no bus route was loaded:");
        for p in &ws.report.problems {
            eprintln!("  {}: {}", p.file, p.message(lang));
        }
        return Ok(ExitCode::from(1));
    }
    let routes = a
        .route
        .iter()
        .map(|r| ws.route(r).with_context(|| format!("--route {r}")))
        .collect::<anyhow::Result<Vec<usize>>>()?;
    let settings = settings_with_flags(&ws.gtfs, a);
    let summary = ws.export_gtfs(&routes, &settings, Date::today(), &a.out)?;
    if a.json {
        let mut v = serde_json::to_value(&summary)?;
        v["out"] = serde_json::Value::String(a.out.display().to_string());
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        println!("{}", a.out.display());
        for line in summary.lines(lang) {
            println!("{line}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The project's settings with the flags laid over them.
fn settings_with_flags(base: &GtfsSettings, a: &GtfsArgs) -> GtfsSettings {
    let mut s = base.clone();
    if let Some(h) = a.headway_min {
        s.headway_min = h;
    }
    if let Some(t) = &a.service_start {
        s.service_start = t.clone();
    }
    if let Some(t) = &a.service_end {
        s.service_end = t.clone();
    }
    if let Some(v) = a.speed_kmh {
        s.speed_kmh = v;
    }
    if let Some(d) = a.dwell_s {
        s.dwell_s = d;
    }
    s
}
