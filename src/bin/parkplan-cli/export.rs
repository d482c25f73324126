//! `parkplan-cli export`: prints a park map to PDF, SVG or PNG. Loads the paths, sets
//! up the page from the flags, optionally focuses on a facility (`--facility`: its
//! service circle and covered enterprises; with `--isochrone walk:15` also its reach
//! along roads and the enterprises the circle wrongly claims) or a bus route (`--route`: stops,
//! catchment band, figures), and writes the file atomically. The park, its project's
//! settings (radii, catchment, frame, network, circle/isochrone choice per kind, layer
//! styles) and the focus come from `parkplan::workspace`, exactly as the desktop gets
//! them; the layout and drawing live in the library (`parkplan::export`); this file only
//! reads flags.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use clap::Args;
use parkplan::analysis::IsochroneSpec;
use parkplan::export::{self, MapFocus, Orientation, PageSpec, Paper};
use parkplan::model::{Lang, Role};
use parkplan::render::Focus;
use parkplan::workspace::{Overrides, Workspace};

/// Flags of `export` (the names are a contract, see issue #5).
#[derive(Args, Debug, Clone)]
pub struct ExportArgs {
    /// GeoJSON files, folders of them, or manifests.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The file to write: .pdf, .svg or .png.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Paper: A4, A3, A2 or A1.
    #[arg(long, default_value = "A3")]
    pub paper: String,
    /// landscape or portrait.
    #[arg(long, default_value = "landscape")]
    pub orientation: String,
    /// Title (default: the park's name).
    #[arg(long)]
    pub title: Option<String>,
    /// Subtitle (default: describes the facility or route, if any).
    #[arg(long)]
    pub subtitle: Option<String>,
    /// Scale denominator, e.g. 10000 for 1:10000 (default: fit the data, rounded to a
    /// standard scale).
    #[arg(long)]
    pub scale: Option<f64>,
    /// PNG resolution in dots per inch.
    #[arg(long, default_value_t = 300.0)]
    pub dpi: f32,
    /// Only these layers, by name or role (e.g. 地块,企业 or parcels,enterprises).
    #[arg(long, value_delimiter = ',')]
    pub layers: Option<Vec<String>>,
    /// Focus on a facility (id or name): its service circle and covered enterprises.
    #[arg(long)]
    pub facility: Option<String>,
    /// With --facility: also its isochrone along roads, e.g. walk:15 or ebike:10 (mode
    /// walk or ebike, minutes): the reached area filled beside the circle's outline,
    /// the enterprises the circle claims but the isochrone does not reach flagged, and
    /// both sets of figures in the statistics table.
    #[arg(long, value_name = "MODE:MINUTES", requires = "facility")]
    pub isochrone: Option<String>,
    /// With --facility: draw its service circle even when the project shows the kind
    /// by its isochrone.
    #[arg(long, requires = "facility", conflicts_with = "isochrone")]
    pub circle: bool,
    /// Focus on a bus route (name or id): stops, catchment band and figures.
    #[arg(long)]
    pub route: Option<String>,
    /// The living-circle gap layer: residential parcels missing a tier's facilities
    /// (GB 50180-2018), e.g. 15min (tiers: 5min, 10min, 15min); `service` (or
    /// `enterprises`, 企业): the enterprises missing a kind of the park's service circle.
    #[arg(long, value_name = "TIER", conflicts_with_all = ["facility", "route"])]
    pub living_gaps: Option<String>,
    /// Service radius of a facility kind over the project's, e.g. kindergarten=300,
    /// all=1000 (as `report --radius`). Repeatable.
    #[arg(long, value_name = "KIND=METRES")]
    pub radius: Vec<String>,
    /// Catchment radius of bus stops in metres, over the project's (default 500).
    #[arg(long, value_name = "METRES")]
    pub catchment: Option<String>,
    /// Organisation line (制图单位).
    #[arg(long)]
    pub org: Option<String>,
    /// Data-source note (default: the park's name).
    #[arg(long)]
    pub source: Option<String>,
    /// Date line (default: today).
    #[arg(long)]
    pub date: Option<String>,
    /// Draw a lon/lat coordinate grid.
    #[arg(long)]
    pub grid: bool,
    /// Print timings on stderr.
    #[arg(long)]
    pub timings: bool,
}

/// Reads `--paper` and `--orientation` (shared with `dispatch`).
pub fn parse_page(paper: &str, orientation: &str) -> anyhow::Result<(Paper, Orientation)> {
    let p =
        Paper::parse(paper).with_context(|| format!("--paper {paper}: use A4, A3, A2 or A1"))?;
    let o = Orientation::parse(orientation)
        .with_context(|| format!("--orientation {orientation}: use landscape or portrait"))?;
    Ok((p, o))
}

/// Runs the export. Exit 0 on success.
/// `lang` is the page furniture's language (the global `--lang`; Chinese when not given).
pub fn run(args: &ExportArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    let t0 = Instant::now();
    let (paper, orientation) = parse_page(&args.paper, &args.orientation)?;
    if let Some(s) = args.scale
        && !(s.is_finite() && (500.0..=1_000_000.0).contains(&s))
    {
        bail!("--scale {s}: use a denominator between 500 and 1000000 (e.g. 10000 for 1:10000)");
    }
    if args.facility.is_some() && args.route.is_some() {
        bail!("--facility and --route cannot be combined; make one map for each");
    }
    export::Format::from_path(&args.out).with_context(|| {
        format!(
            "--out {}: use a .pdf, .svg or .png file",
            args.out.display()
        )
    })?;

    let overrides = Overrides {
        radius: args.radius.clone(),
        catchment: args.catchment.clone(),
        frame: None,
        as_of: None,
    };
    let mut ws = Workspace::open(&args.paths, None, &overrides).context("loading")?;
    if ws.park.layers.is_empty() {
        bail!("nothing could be loaded from {:?}", args.paths);
    }
    let t_load = t0.elapsed();
    let projected = ws.projected()?;
    if let Some(names) = &args.layers {
        let wanted: Vec<String> = names
            .iter()
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .collect();
        let mut matched = vec![false; wanted.len()];
        let park = ws.park.clone();
        for d in &mut ws.styles.layers {
            let layer = &park.layers[d.layer];
            d.visible = wanted.iter().enumerate().any(|(k, w)| {
                let hit = layer.name == *w || Role::parse(w) == Some(layer.role);
                if hit {
                    matched[k] = true;
                }
                hit
            });
        }
        if let Some(k) = matched.iter().position(|m| !m) {
            let known: Vec<&str> = park.layers.iter().map(|l| l.name.as_str()).collect();
            bail!(
                "--layers: no layer \"{}\" (layers: {})",
                wanted[k],
                known.join(", ")
            );
        }
    }
    let t_prep = t0.elapsed();
    let (focus, iso) = match (&args.facility, &args.route) {
        (Some(key), _) => {
            let fi = ws.facility(key).context("--facility")?;
            // An explicit --isochrone, else the project's choice for the kind.
            let iso = match &args.isochrone {
                Some(s) => Some(
                    IsochroneSpec::parse(s)
                        .map_err(anyhow::Error::msg)
                        .context("--isochrone")?,
                ),
                None if args.circle => None,
                None => ws.reach_spec(ws.park.facilities[fi].kind),
            };
            (Focus::Facility(fi as u32), iso)
        }
        (None, Some(key)) => (Focus::Route(ws.route(key).context("--route")? as u32), None),
        (None, None) => match &args.living_gaps {
            Some(tier)
                if matches!(
                    tier.trim().to_ascii_lowercase().as_str(),
                    "service" | "enterprises" | "企业" | "服务圈"
                ) =>
            {
                (Focus::ServiceGaps, None)
            }
            Some(tier) => {
                let tiers = &ws.settings().living.tiers;
                let t = parkplan::analysis::living::tier_index(
                    tiers.iter().map(|t| t.name.as_str()),
                    tier,
                )
                    .with_context(|| {
                        format!(
                            "--living-gaps: no tier \"{tier}\" (tiers: {}; or service for the enterprises)",
                            tiers
                                .iter()
                                .map(|t| t.name.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    })?;
                (Focus::LivingGaps(t as u8), None)
            }
            None => (Focus::None, None),
        },
    };
    let focus: MapFocus = ws.map_focus(&projected, focus, iso, lang)?;
    let t_focus = t0.elapsed();
    let spec = PageSpec {
        paper,
        orientation,
        scale: args.scale,
        title: args.title.clone().unwrap_or_default(),
        subtitle: args.subtitle.clone(),
        date: args.date.clone(),
        organisation: args.org.clone(),
        source_note: args.source.clone(),
        grid: args.grid,
        lang,
        dpi: args.dpi,
        ..PageSpec::default()
    };
    // A blank page is a wrong answer: refuse it and say why (issue #12).
    export::check_drawable(&ws.park, &projected, &ws.styles)?;
    let page = export::compose_page(&ws.park, &projected, &ws.styles, &focus, &spec);
    let t_page = t0.elapsed();
    let out = export::export_page(&page, &args.out, args.dpi)?;
    let t_done = t0.elapsed();
    for w in &out.warnings {
        eprintln!("warning: {w}");
    }
    let px = out
        .pixels
        .map(|p| format!(", {}×{} px at {} dpi", p[0], p[1], args.dpi))
        .unwrap_or_default();
    println!(
        "{} written: {} {}, 1:{:.0}, {} bytes{px}",
        out.path.display(),
        paper.name(),
        match orientation {
            Orientation::Landscape => "landscape",
            Orientation::Portrait => "portrait",
        },
        out.scale,
        out.bytes
    );
    if args.timings {
        eprintln!(
            "timings: load {:.0?}, project+styles {:.0?}, analysis {:.0?}, layout {:.0?}, render+write {:.0?}, total {:.0?}",
            t_load,
            t_prep - t_load,
            t_focus - t_prep,
            t_page - t_focus,
            t_done - t_page,
            t_done
        );
    }
    Ok(ExitCode::SUCCESS)
}
