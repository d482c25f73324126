//! `parkplan-cli suggest`: where to put the next facilities or stops. Reads the flags,
//! opens the workspace, asks it ([`Workspace::suggest`]) and prints the library's table
//! or JSON ([`parkplan::report::siting`]); progress goes to stderr on long runs.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::Context;
use parkplan::analysis::siting::{Goal, Limits, Method, SiteReach, Weight};
use parkplan::model::FacilityKind;
use parkplan::workspace::siting::{CandidateSource, SiteTarget, SuggestRequest};
use parkplan::workspace::{Overrides, Workspace};

/// The flags of `suggest`.
#[derive(clap::Args, Debug)]
pub struct SuggestArgs {
    /// GeoJSON files, folders of them, manifests or a .parkplan project.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The facility kind to site (a code such as convenience_service_centre, or a
    /// Chinese label such as 便民服务中心). Not needed with --route.
    #[arg(long)]
    pub kind: Option<String>,
    /// Site new stops of this bus route instead (existing stops fixed; the stop
    /// catchment radius; --min-spacing between stops).
    #[arg(long, value_name = "NAME")]
    pub route: Option<String>,
    /// How many new sites.
    #[arg(long, default_value_t = 3)]
    pub count: usize,
    /// parcels:LANDUSE (centroids of parcels whose land use starts with it; parcels:*
    /// for all), roads:METRES (points every so many metres along roads, or along the
    /// route with --route), or a GeoJSON file of candidate points. Default roads:200
    /// (roads:100 along a route).
    #[arg(long)]
    pub candidates: Option<String>,
    /// employees or enterprises.
    #[arg(long, default_value = "enterprises")]
    pub weight: String,
    /// greedy (with swap improvement) or exact (integer programme).
    #[arg(long, default_value = "greedy")]
    pub method: String,
    /// circle (the kind's radius), or an isochrone along roads: walk:15, ebike:15.
    #[arg(long, default_value = "circle")]
    pub reach: String,
    /// Stop improving after this many seconds (the best answer found is printed with
    /// its bound and gap).
    #[arg(long, default_value_t = 60.0)]
    pub time_limit: f64,
    /// With --route: no two stops closer than this (metres).
    #[arg(long, default_value = "300")]
    pub min_spacing: String,
    /// What to maximise: coverage (new enterprises or employees covered), or
    /// compliance:TIER — the residential parcels made compliant with a living-circle
    /// tier (compliance:15min; a parcel counts only when the new site gives it its last
    /// missing kind) — or compliance:service, the enterprises made compliant with the
    /// park's service circle.
    #[arg(long, default_value = "coverage")]
    pub target: String,
    /// With --route: also stop positions on roads off the route, up to this many
    /// metres from it along roads (each site reports its detour_m: the extra metres a
    /// bus drives, out and back).
    #[arg(long, value_name = "METRES", requires = "route")]
    pub detour: Option<String>,
    /// Also the fewest new sites that cover every enterprise (set covering).
    #[arg(long)]
    pub set_cover: bool,
    /// Service radius of a facility kind, e.g. kindergarten=300. Repeatable.
    #[arg(long, value_name = "KIND=METRES")]
    pub radius: Vec<String>,
    /// Catchment radius of bus stops in metres (default 500).
    #[arg(long, value_name = "METRES")]
    pub catchment: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Reads the flags into a request (before the load, so mistakes are told at once).
fn request(a: &SuggestArgs) -> anyhow::Result<SuggestRequest> {
    let target = match (&a.kind, &a.route) {
        (_, Some(r)) => SiteTarget::Route(r.clone()),
        (Some(k), None) => {
            let kinds = FacilityKind::resolve_spelling(k);
            match kinds.as_slice() {
                [one] => SiteTarget::Kind(*one),
                [] => anyhow::bail!("--kind: \"{k}\" is not a facility kind"),
                _ => anyhow::bail!("--kind: \"{k}\" names several kinds; give one"),
            }
        }
        (None, None) => anyhow::bail!("give --kind KIND (or --route NAME for bus stops)"),
    };
    if a.route.is_some() && Goal::parse(&a.target).is_ok_and(|g| g != Goal::Coverage) {
        anyhow::bail!("--target compliance:… sites facilities of a --kind, not stops of a --route");
    }
    if a.count == 0 || a.count > 1000 {
        anyhow::bail!("--count must be between 1 and 1000");
    }
    if !(a.time_limit.is_finite() && a.time_limit > 0.0) {
        anyhow::bail!("--time-limit must be a positive number of seconds");
    }
    Ok(SuggestRequest {
        target,
        count: a.count,
        candidates: a
            .candidates
            .as_deref()
            .map(CandidateSource::parse)
            .transpose()?,
        weight: Weight::parse(&a.weight).context("--weight")?,
        method: Method::parse(&a.method).context("--method")?,
        reach: SiteReach::parse(&a.reach).context("--reach")?,
        time_limit: Duration::from_secs_f64(a.time_limit.min(86_400.0)),
        min_spacing_m: parkplan::analysis::parse_metres(&a.min_spacing).context("--min-spacing")?,
        set_cover: a.set_cover,
        goal: Goal::parse(&a.target).context("--target")?,
        detour_m: a
            .detour
            .as_deref()
            .map(parkplan::analysis::parse_metres)
            .transpose()
            .context("--detour")?,
    })
}

/// Runs `suggest`.
pub fn run(a: &SuggestArgs, lang: parkplan::model::Lang) -> anyhow::Result<ExitCode> {
    let req = request(a)?;
    let overrides = Overrides {
        radius: a.radius.clone(),
        catchment: a.catchment.clone(),
        ..Overrides::default()
    };
    let ws = Workspace::open(&a.paths, None, &overrides)?;
    if ws.park.layers.is_empty() {
        eprintln!("parkplan-cli: nothing could be loaded:");
        for p in &ws.report.problems {
            eprintln!("  {}: {}", p.file, p.message(lang));
        }
        return Ok(ExitCode::from(2));
    }
    let start = Instant::now();
    let last = Mutex::new((Instant::now(), String::new()));
    let progress = |phase: &str, f: f32| {
        // Only on long runs, at most twice a second, on stderr.
        if start.elapsed() < Duration::from_secs(2) {
            return;
        }
        if let Ok(mut l) = last.lock()
            && (l.1 != phase || l.0.elapsed() >= Duration::from_millis(500))
        {
            eprintln!(
                "suggest: {phase} {:.0}% ({:.1} s)",
                f * 100.0,
                start.elapsed().as_secs_f64()
            );
            *l = (Instant::now(), phase.to_string());
        }
    };
    let limits = Limits {
        time_limit: req.time_limit,
        cancel: None,
        progress: Some(&progress),
    };
    let s = ws.suggest(&req, &limits)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if a.json {
        serde_json::to_writer(&mut out, &parkplan::report::siting::json(&ws.park, &s))?;
        writeln!(out)?;
    } else {
        for line in parkplan::report::siting::summary_lines(&s) {
            writeln!(out, "{line}")?;
        }
        parkplan::report::text::print_table(
            &mut out,
            &parkplan::report::siting::sites_table(&ws.park, &s),
        )?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
