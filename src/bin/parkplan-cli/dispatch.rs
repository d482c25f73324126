//! `parkplan-cli dispatch`: the weekly dispatch report (周调度) of the park's projects
//! and land on a day: a meeting-ready PDF (overview map, stage funnel, land approval
//! per year, stalled projects, what moved, land conflicts and arable quota, timelines;
//! `--atlas` adds a page per project), the project ledger as CSV, or the ledger's JSON
//! (the same keys as `report --json`). Everything is computed and drawn by the
//! library (`Workspace`, `analysis::ledger`, `export::dispatch`); this file reads flags.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Args;
use parkplan::analysis::AreaSettings;
use parkplan::export::dispatch::DispatchSpec;
use parkplan::model::Lang;
use parkplan::model::date::Date;
use parkplan::report::{self, ReportInput};
use parkplan::workspace::{Overrides, Workspace};

/// Flags of `dispatch`.
#[derive(Args, Debug, Clone)]
pub struct DispatchArgs {
    /// GeoJSON files, folders of them, manifests or a .parkplan project.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The day of the report, YYYY-MM-DD (default: today, UTC+8).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// The previous report's day: list what moved since then.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Where to write: .pdf (the document), .csv (the project ledger) or .json.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print the ledger's JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Add one page per project (its site map, parcels' conflicts, documents, dates).
    #[arg(long)]
    pub atlas: bool,
    /// Paper: A4, A3, A2 or A1.
    #[arg(long, default_value = "A3")]
    pub paper: String,
    /// landscape or portrait.
    #[arg(long, default_value = "landscape")]
    pub orientation: String,
    /// Title (default: the park's name and 项目周调度).
    #[arg(long)]
    pub title: Option<String>,
    /// Organisation line (制图单位).
    #[arg(long)]
    pub org: Option<String>,
}

/// Runs `dispatch`; `lang` is the language of the headings (the global `--lang`,
/// Chinese by default, as for a printed map).
pub fn run(args: &DispatchArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    if args.out.is_none() && !args.json {
        bail!("say where the report goes: --out 周调度.pdf|.csv|.json, or --json");
    }
    let since = match &args.since {
        Some(s) => Some(Date::parse(s).with_context(|| format!("--since {s}: use YYYY-MM-DD"))?),
        None => None,
    };
    let (paper, orientation) = crate::export::parse_page(&args.paper, &args.orientation)?;
    let overrides = Overrides {
        as_of: args.as_of.clone(),
        ..Overrides::default()
    };
    overrides.check()?;
    let ws = Workspace::open(&args.paths, None, &overrides).context("loading")?;
    if ws.park.layers.is_empty() {
        bail!("nothing could be loaded from {:?}", args.paths);
    }
    if ws.park.projects.is_empty() && ws.park.parcels.is_empty() {
        bail!(
            "no projects and no parcels in {:?}: nothing to report",
            args.paths
        );
    }
    let analysis = ws.analyse_with(&AreaSettings::default())?;
    if let (Some(s), true) = (since, since.is_some_and(|s| s > analysis.ledger.as_of)) {
        bail!(
            "--since {s} is after the report's day {}",
            analysis.ledger.as_of
        );
    }
    let json = || report::ledger_json::dispatch(&ws.park, &analysis, since);
    if args.json {
        let mut out = std::io::stdout().lock();
        serde_json::to_writer(&mut out, &json())?;
        writeln!(out)?;
    }
    let Some(out) = &args.out else {
        return Ok(ExitCode::SUCCESS);
    };
    let ext = out
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => {
            let spec = DispatchSpec {
                paper,
                orientation,
                lang,
                since,
                atlas: args.atlas,
                title: args.title.clone(),
                organisation: args.org.clone(),
            };
            let pages = ws.dispatch_pages(&analysis, &spec)?;
            let bytes = parkplan::export::dispatch::write_pdf(&pages, out)?;
            eprintln!(
                "{} written: {} pages, {} bytes (as of {}, {} stalled)",
                out.display(),
                pages.len(),
                bytes,
                analysis.ledger.as_of,
                analysis.ledger.stalled().len()
            );
        }
        "csv" => {
            let table = report::tables::project_ledger_table(ReportInput {
                park: &ws.park,
                analysis: &analysis,
                iso: None,
            });
            report::csv::write_table(out, &table)?;
            eprintln!("{} written: {} projects", out.display(), table.rows.len());
        }
        "json" => {
            let text = serde_json::to_string_pretty(&json())?;
            parkplan::save::write_atomic(out, text.as_bytes(), false)
                .with_context(|| format!("writing {}", out.display()))?;
            eprintln!("{} written", out.display());
        }
        other => bail!(
            "--out {}: use .pdf, .csv or .json (not .{other})",
            out.display()
        ),
    }
    Ok(ExitCode::SUCCESS)
}
