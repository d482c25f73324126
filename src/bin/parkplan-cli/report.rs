//! `parkplan-cli report`: opens the paths as a [`Workspace`] (the project's settings,
//! then the flags), runs every analysis and hands the results to the library's report
//! module ([`parkplan::report`]) for readable Chinese tables, JSON (`--json`) or CSV
//! files (`--csv DIR`). This file only reads flags, times and prints.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use parkplan::analysis::{self, AreaSettings, isochrone_run};
use parkplan::crs::FrameKind;
use parkplan::report::{self, ReportInput};
use parkplan::workspace::{Overrides, Workspace, process};

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
    /// `--walk KIND` (repeatable): compliance of the kind walked along roads.
    pub walk: Vec<String>,
    /// The ledger's day.
    pub as_of: Option<String>,
    /// The language of problems and warnings.
    pub lang: parkplan::model::Lang,
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
    // The command line over a project's settings: `--frame`, `--radius`, `--catchment`;
    // checked before the (possibly long) load.
    let overrides = Overrides {
        radius: args.radius.clone(),
        catchment: args.catchment.clone(),
        frame: args.frame,
        as_of: args.as_of.clone(),
    };
    overrides.check()?;
    let iso_specs = isochrone_run::parse_specs(&args.isochrone)
        .map_err(anyhow::Error::msg)
        .context("--isochrone")?;
    let mut walk_kinds = Vec::new();
    for w in &args.walk {
        let kinds = parkplan::model::FacilityKind::resolve_spelling(w);
        if kinds.is_empty() {
            anyhow::bail!(
                "--walk: {}",
                analysis::AnalysisError::UnknownKind(w.clone())
            );
        }
        walk_kinds.extend(kinds);
    }
    let area = AreaSettings {
        segments: args.segments.clamp(8, 1024),
    };
    let mut timer = Timer::new(args.timings);
    let mut opened = parkplan::project::open_paths_layers_only(&args.paths, None)?;
    if opened.loaded.park.layers.is_empty() {
        eprintln!("parkplan-cli: nothing could be loaded:");
        for p in &opened.loaded.report.problems {
            eprintln!("  {}", p.describe(args.lang));
        }
        return Ok(ExitCode::from(2));
    }
    timer.lap("load");
    parkplan::import::build_records(&mut opened.loaded);
    timer.lap("records");
    let mut ws = Workspace::from_loaded(
        args.paths.clone(),
        opened.loaded,
        opened.project,
        &overrides,
    )?;
    for k in walk_kinds {
        let spec = ws.studies.reach_of(k).spec;
        ws.studies.set_reach(
            k,
            analysis::ReachChoice {
                isochrone: true,
                spec,
            },
        );
    }
    let park = &ws.park;
    // The workspace checked the frame once while it opened: its report holds the warning.
    if let Some(w) = ws
        .report
        .problems
        .iter()
        .map(|p| &p.issue)
        .find(|i| matches!(i, parkplan::import::Issue::SpansUtmZones { .. }))
    {
        eprintln!(
            "{}: {}",
            args.lang.pick("警告", "warning"),
            w.message(args.lang)
        );
    }
    let index = ws.index()?;
    timer.lap("index");
    let mut result = if args.timings {
        let mut r = analysis::analyse_sequential(park, index, ws.settings(), &area, &mut |name| {
            timer.lap(name)
        });
        ws.measure_compliance(&mut r)?;
        timer.lap("compliance_along_roads");
        r
    } else {
        let r = ws.analyse_with(&area)?;
        timer.lap("analyse");
        r
    };
    // Isochrones along roads (issue #7), beside the circles.
    let iso = if iso_specs.is_empty() {
        None
    } else {
        let run = ws.isochrones(&result.coverage, &iso_specs)?;
        result.method = format!("{}; {}", result.method, run.method());
        timer.lap("isochrones");
        Some(run)
    };
    // The index (trees over a million enterprises and the parcels) is not read by the
    // output: its memory goes back for the output's buffers, lowering the peak.
    ws.index = None;
    let input = ReportInput {
        park,
        analysis: &result,
        iso: iso.as_ref(),
    };
    let mut out = crate::stdout::long_output();
    if args.json {
        let timings = timer.enabled.then(|| timer.laps.clone());
        report::json::build(input, timings).write_to(&mut out)?;
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
    drop(out);
    timer.lap("output");
    timer.print();
    // The park, its index and the analyses (half a gigabyte at a million enterprises)
    // are not freed one allocation at a time just before the process ends: the OS takes
    // the memory back at once (0.05–0.1 s less at 1M).
    std::mem::forget((result, iso, ws));
    Ok(ExitCode::SUCCESS)
}

struct Timer {
    enabled: bool,
    start: Instant,
    last: Instant,
    laps: Vec<(String, f64)>,
    /// Resident MB at the end of each lap (only with `--timings`: one read of
    /// `/proc/self/status` per lap).
    rss: Vec<Option<u64>>,
    /// CPU seconds (user + system, all threads) spent in each lap (only with
    /// `--timings`): against the lap's seconds, how well it used the cores.
    cpu: Vec<Option<f64>>,
    last_cpu: Option<f64>,
}

impl Timer {
    fn new(enabled: bool) -> Timer {
        let now = Instant::now();
        Timer {
            enabled,
            start: now,
            last: now,
            laps: Vec::new(),
            rss: Vec::new(),
            cpu: Vec::new(),
            last_cpu: if enabled {
                process::cpu_seconds()
            } else {
                None
            },
        }
    }
    fn lap(&mut self, name: &str) {
        let now = Instant::now();
        self.laps
            .push((name.to_string(), (now - self.last).as_secs_f64()));
        if self.enabled {
            self.rss.push(process::resident_mb());
            let cpu = process::cpu_seconds();
            self.cpu
                .push(cpu.zip(self.last_cpu).map(|(now, then)| now - then));
            self.last_cpu = cpu;
        }
        self.last = now;
    }
    fn print(&self) {
        if !self.enabled {
            return;
        }
        for (i, (k, v)) in self.laps.iter().enumerate() {
            let mut line = format!("parkplan task={k} seconds={v:.6}");
            if let Some(mb) = self.rss.get(i).copied().flatten() {
                line.push_str(&format!(" rss_mb={mb}"));
            }
            if let Some(cpu) = self.cpu.get(i).copied().flatten() {
                line.push_str(&format!(" cpu_s={cpu:.2}"));
            }
            eprintln!("{line}");
        }
        eprintln!(
            "parkplan task=total seconds={:.6}",
            (Instant::now() - self.start).as_secs_f64()
        );
        if let Some(mb) = process::peak_resident_mb() {
            eprintln!("parkplan task=rss_peak rss_peak_mb={mb}");
        }
    }
}
