//! `parkplan-cli`: ParkPlan without a window. `info` tells what a GeoJSON file, folder or
//! manifest holds and what is wrong with it; further subcommands analyse and export.

mod convert;
#[cfg(feature = "db")]
mod db;
mod dispatch;
mod export;
mod gtfs;
mod info;
mod report;
mod stdout;
mod suggest;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use parkplan::model::Lang;

/// mimalloc: the importer and the analyses allocate millions of small strings and
/// vectors in parallel, where it is measurably quicker than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its place in `mi_option_e`, v2 and v3 alike).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Memory freed by one step (the load's buffers, the index once the analyses are done)
/// goes back to the system after 100 ms instead of mimalloc's 1 s, so a run that frees
/// and allocates in phases peaks lower (the 1M report: ~30 MB). A batch process, it
/// pays no measurable system time for it; the desktop keeps the default, where fresh
/// pages would slow every tile.
#[allow(unsafe_code)]
fn purge_freed_memory_sooner() {
    // SAFETY: `mi_option_set` stores an integer in mimalloc's option table; mimalloc
    // reads options at any time and documents setting them at run time as allowed.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 100) };
}

/// ParkPlan on the command line: inspect, analyse and print park maps.
#[derive(Parser, Debug)]
#[command(name = "parkplan-cli", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Language of problems and messages: zh or en (default: the locale, LC_ALL /
    /// LC_MESSAGES / LANG; English when none is set), and of a printed map's
    /// furniture (default zh). `--json` keeps each problem's stable `code` beside the
    /// text.
    #[arg(long, global = true, value_parser = parse_lang)]
    lang: Option<Lang>,
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s).ok_or_else(|| format!("unknown language \"{s}\": use zh or en"))
}

#[derive(Subcommand, Debug)]
enum Command {
    /// The team database: `db init URL`, `db push PATH --url URL`, `db parks URL`,
    /// `db log URL?park=NAME`. Every PATH of the other commands also accepts
    /// `postgres://user@host/database?park=NAME`.
    #[cfg(feature = "db")]
    Db(db::DbArgs),
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
        #[arg(long, value_parser = report::parse_frame)]
        frame: Option<parkplan::crs::FrameKind>,
        /// Vertices per service circle (64 prints smoothly; GEOS quad_segs=8 is 32).
        #[arg(long, default_value_t = 64)]
        segments: usize,
        /// Run the analyses one after another and print each one's time on stderr.
        #[arg(long)]
        timings: bool,
        /// Also the isochrone along roads of every facility, e.g. walk:15 or ebike:15
        /// (mode walk or ebike, minutes); repeatable. Adds per facility the enterprises
        /// reached, those the circle claims but the isochrone does not reach (false
        /// coverage) and those reached beyond the circle, per kind the enterprises no
        /// isochrone reaches, and the road network's problems.
        #[arg(long, value_name = "MODE:MINUTES")]
        isochrone: Vec<String>,
        /// Measure a facility kind's living-circle and service-circle compliance by a
        /// walk along roads of the tier's radius instead of the circle (as when the
        /// project shows the kind by isochrone), e.g. police_post, 幼儿园, all.
        /// Repeatable.
        #[arg(long, value_name = "KIND")]
        walk: Vec<String>,
        /// The day of the project and land ledger, YYYY-MM-DD (default: today, UTC+8).
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
    },
    /// Prints a map to PDF, SVG or PNG: title, legend with counts, scale bar, north
    /// arrow; `--facility` or `--route` adds a service circle or a catchment band and
    /// a statistics table.
    Export(Box<export::ExportArgs>),
    /// The weekly dispatch report (周调度): projects by stage on a day, stalled ones with
    /// their responsible person and missing documents, what moved since the last
    /// report, land conflicts and arable quota; as PDF, CSV or JSON.
    Dispatch(Box<dispatch::DispatchArgs>),
    /// Where to put the next facilities (or a route's stops): the sites covering the
    /// most enterprises or employees not yet covered (maximal covering location),
    /// greedy with swaps or exact, with an upper bound and the gap.
    Suggest(Box<suggest::SuggestArgs>),
    /// Bus routes as a GTFS feed (.zip) for the bus company: agency, stops, routes,
    /// trips, stop_times, shapes, calendar and frequencies (a fixed headway over the
    /// service hours); settings from the project, overridden by the flags.
    Gtfs(Box<gtfs::GtfsArgs>),
    /// Write a file (GeoJSON, Shapefile, GeoPackage, coordinate TXT) or a folder as
    /// GeoJSON, GeoPackage (.gpkg) or coordinate TXT (.txt), by --out's extension:
    /// RFC 7946 lon/lat (default), its source CRS, or another CRS, keeping every
    /// property, id and foreign member; repairs applied.
    Convert {
        /// The file or folder to read.
        path: PathBuf,
        /// Where to write it (never over the input unless --overwrite).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Target CRS: rfc7946 (default), source, or a code such as EPSG:4546.
        #[arg(long, default_value = "rfc7946")]
        crs: String,
        /// The input lon/lat were digitised on a GCJ-02 map (Gaode/AMap): correct them.
        #[arg(long)]
        gcj02: bool,
        /// Allow writing over the input file (its previous version is kept as .bak).
        #[arg(long)]
        overwrite: bool,
        /// With a .txt output: only these parcels (ids, comma-separated), e.g. the
        /// parcels of one project for its land-approval submission.
        #[arg(long, value_delimiter = ',', value_name = "ID,ID")]
        only: Vec<String>,
    },
}

fn main() -> ExitCode {
    purge_freed_memory_sooner();
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
    let lang = cli.lang.or_else(Lang::from_env).unwrap_or(Lang::En);
    // A printed map's furniture is Chinese unless `--lang en` says otherwise.
    let page_lang = cli.lang.unwrap_or(Lang::Zh);
    match cli.command {
        Command::Info { paths, json } => info::run(&paths, json, lang),
        Command::Convert {
            path,
            out,
            crs,
            gcj02,
            overwrite,
            only,
        } => convert::run(&path, &out, &crs, gcj02, overwrite, &only, lang),
        Command::Report {
            paths,
            json,
            csv,
            radius,
            catchment,
            frame,
            segments,
            timings,
            isochrone,
            walk,
            as_of,
        } => report::run(&report::ReportArgs {
            paths,
            json,
            csv,
            radius,
            catchment,
            frame,
            segments,
            timings,
            isochrone,
            walk,
            as_of,
            lang,
        }),
        Command::Export(args) => export::run(&args, page_lang),
        Command::Dispatch(args) => dispatch::run(&args, page_lang),
        Command::Suggest(args) => suggest::run(&args, lang),
        #[cfg(feature = "db")]
        Command::Db(args) => db::run(&args),
        Command::Gtfs(args) => gtfs::run(&args, lang),
    }
}
