//! `parkplan-cli`: ParkPlan without a window. `info` tells what a GeoJSON file, folder or
//! manifest holds and what is wrong with it; further subcommands analyse and export.

mod export;
mod info;
mod report;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// ParkPlan on the command line: inspect, analyse and print park maps.
#[derive(Parser, Debug)]
#[command(name = "parkplan-cli", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// For each layer: name, role, feature count, source CRS and how it was decided,
    /// encoding, extent in lon/lat, and its problems.
    Info {
        /// GeoJSON files, folders of them, or manifests.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Service-circle coverage per facility and kind, bus-route lengths, stop spacing
    /// and catchments, land by status and use, projects by stage and site.
    Report {
        /// GeoJSON files, folders of them, or manifests.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Print JSON instead of tables.
        #[arg(long)]
        json: bool,
        /// Also write one CSV file per table (UTF-8 with BOM) into this folder.
        #[arg(long, value_name = "DIR")]
        csv: Option<PathBuf>,
        /// Service radius of a facility kind, e.g. kindergarten=300, 幼儿园=300,
        /// school=500 (primary and middle), service_centre=1000, all=1000. Repeatable.
        #[arg(long, value_name = "KIND=METRES")]
        radius: Vec<String>,
        /// Catchment radius of bus stops in metres (default 500).
        #[arg(long, value_name = "METRES")]
        catchment: Option<String>,
        /// Planar metric frame: utm (default; the UTM zone of the park's centre),
        /// gk (CGCS2000 3-degree Gauss-Kruger zone) or local (transverse Mercator
        /// centred on the park).
        #[arg(long, default_value = "utm", value_parser = report::parse_frame)]
        frame: parkplan::crs::FrameKind,
        /// Vertices per service circle (64 prints smoothly; GEOS quad_segs=8 is 32).
        #[arg(long, default_value_t = 64)]
        segments: usize,
        /// Run the analyses one after another and print each one's time on stderr.
        #[arg(long)]
        timings: bool,
    },
    /// Prints a map to PDF, SVG or PNG: title, legend with counts, scale bar, north
    /// arrow; `--facility` or `--route` adds a service circle or a catchment band and
    /// a statistics table.
    Export(Box<export::ExportArgs>),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("parkplan-cli: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Info { paths, json } => info::run(&paths, json),
        Command::Report {
            paths,
            json,
            csv,
            radius,
            catchment,
            frame,
            segments,
            timings,
        } => report::run(&report::ReportArgs {
            paths,
            json,
            csv,
            radius,
            catchment,
            frame,
            segments,
            timings,
        }),
        Command::Export(args) => export::run(&args),
    }
}
