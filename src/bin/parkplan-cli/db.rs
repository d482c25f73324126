//! `parkplan-cli db …`: the team database (PostgreSQL/PostGIS). Thin: every step is a
//! call into `parkplan::db` or `parkplan::project`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Subcommand};
use parkplan::db::{self, DbUrl};

/// `db` and its subcommands.
#[derive(Args, Debug)]
pub struct DbArgs {
    #[command(subcommand)]
    command: DbCommand,
}

#[derive(Subcommand, Debug)]
enum DbCommand {
    /// Creates the ParkPlan schema, the change log and the roles parkplan_viewer,
    /// parkplan_editor and parkplan_admin (as a superuser or database owner). Safe to
    /// run again.
    Init {
        /// postgres://user@host[:port]/database (the password from PGPASSWORD or the
        /// password file, never on the command line if you can avoid it).
        url: String,
    },
    /// Uploads a folder, manifest, GeoJSON files or a .parkplan project as a park.
    Push {
        /// What to upload (as for `info`).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The database: postgres://user@host/database[?park=NAME].
        #[arg(long)]
        url: String,
        /// The park's name in the database (default: `?park=` of the URL, else the
        /// name the folder's manifest or project gives).
        #[arg(long)]
        park: Option<String>,
        /// Replace a park of that name.
        #[arg(long)]
        replace: bool,
    },
    /// Lists the parks in the database.
    Parks {
        /// postgres://user@host/database.
        url: String,
    },
    /// Prints a park's change log, newest first.
    Log {
        /// postgres://user@host/database?park=NAME.
        url: String,
        /// How many entries.
        #[arg(long, default_value_t = 50)]
        limit: i64,
        /// Print JSON (with before and after).
        #[arg(long)]
        json: bool,
    },
    /// Takes a park (or the features meeting an area) out as a GeoPackage for offline
    /// editing (ParkPlan, QGIS); bring the edits back with `db checkin`.
    Checkout {
        /// postgres://user@host/database?park=NAME.
        url: String,
        /// The GeoPackage to write (atomically).
        #[arg(long)]
        out: PathBuf,
        /// Only the features meeting this area: MINLON,MINLAT,MAXLON,MAXLAT (EPSG:4490).
        #[arg(long, allow_hyphen_values = true)]
        bbox: Option<String>,
    },
    /// Brings a checked-out GeoPackage's edits back through the conflict check. Exit
    /// code 3 when features changed in the database since the checkout conflict with
    /// offline edits (nothing is written then; settle with --keep).
    Checkin {
        /// The GeoPackage written by `db checkout`.
        gpkg: PathBuf,
        /// The database (default: the one the checkout came from, without password).
        #[arg(long)]
        url: Option<String>,
        /// Settle conflicts: `mine` (the offline edits win) or `theirs` (the database's
        /// version stays).
        #[arg(long, value_parser = ["mine", "theirs"])]
        keep: Option<String>,
    },
}

/// The exit code of a check-in with unresolved conflicts.
pub const EXIT_CONFLICTS: u8 = 3;

fn connect(url: &str) -> anyhow::Result<(DbUrl, postgres::Client)> {
    let url = DbUrl::parse(url)?;
    let client = db::connect(&url)?;
    Ok((url, client))
}

/// Runs a `db` subcommand.
pub fn run(args: &DbArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        DbCommand::Init { url } => {
            let (url, mut client) = connect(url)?;
            db::init(&mut client)?;
            println!("ParkPlan schema ready in {}", url.display());
            for (role, what) in db::ROLES {
                println!("  role {role}: {what}");
            }
            println!("grant them to logins, e.g. GRANT parkplan_editor TO ann;");
        }
        DbCommand::Push {
            paths,
            url,
            park,
            replace,
        } => {
            let start = Instant::now();
            let opened = parkplan::project::open_paths_layers_only(paths, None)?;
            let loaded = opened.loaded;
            let read = start.elapsed();
            if loaded.park.layers.is_empty() {
                anyhow::bail!("nothing could be loaded from {}", paths[0].display());
            }
            let (url, mut client) = connect(url)?;
            let name = park
                .clone()
                .or_else(|| url.park.clone())
                .unwrap_or_else(|| loaded.park.name.clone());
            let t = Instant::now();
            let stats = db::push_park(&mut client, &name, &loaded.park, *replace)?;
            println!(
                "pushed park \"{name}\": {} layer(s), {} feature(s) in {:.2} s (read {:.2} s)",
                stats.layers,
                stats.features,
                t.elapsed().as_secs_f64(),
                read.as_secs_f64()
            );
            println!("open it with: {}", url.with_park(&name));
            if loaded
                .report
                .problems
                .iter()
                .any(|p| p.severity == parkplan::import::Severity::Error)
            {
                eprintln!(
                    "note: the files had problems; run `parkplan-cli info` on them to see them"
                );
            }
        }
        DbCommand::Parks { url } => {
            let (_, mut client) = connect(url)?;
            for p in db::parks(&mut client)? {
                println!("{p}");
            }
        }
        DbCommand::Log { url, limit, json } => {
            let (url, mut client) = connect(url)?;
            let log = db::change_log(&mut client, url.park_name()?, *limit)?;
            if *json {
                let v: Vec<serde_json::Value> = log
                    .iter()
                    .map(|e| {
                        serde_json::json!({
                            "id": e.id, "at": e.at, "who": e.who, "layer": e.layer, "fid": e.fid,
                            "op": e.op, "version": e.version, "before": e.before, "after": e.after,
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                for e in &log {
                    println!("{}", db::describe_change(e));
                }
            }
        }
        DbCommand::Checkout { url, out, bbox } => {
            let bbox = bbox
                .as_deref()
                .map(db::offline::parse_bbox)
                .transpose()
                .map_err(anyhow::Error::msg)?;
            let (url, mut client) = connect(url)?;
            let stats = db::checkout(&mut client, &url, out, bbox)?;
            println!(
                "took park \"{}\" out to {}: {} layer(s), {} feature(s)",
                stats.park,
                out.display(),
                stats.layers,
                stats.features
            );
            println!(
                "edit it in ParkPlan or QGIS, then: parkplan-cli db checkin {}",
                out.display()
            );
        }
        DbCommand::Checkin { gpkg, url, keep } => {
            let info = db::offline_info(gpkg)?;
            let (url, mut client) = connect(url.as_deref().unwrap_or(&info.url))?;
            let keep = match keep.as_deref() {
                Some("mine") => Some(db::Keep::Mine),
                Some("theirs") => Some(db::Keep::Theirs),
                _ => None,
            };
            let o = db::checkin(&mut client, gpkg, &url, keep)?;
            println!(
                "{}: {} changed, {} added, {} deleted offline (taken out {})",
                gpkg.display(),
                o.changed,
                o.added,
                o.deleted,
                info.checked_out_at
            );
            if !o.conflicts.is_empty() {
                for c in &o.conflicts {
                    eprintln!("{}", db::offline::describe_conflict(c));
                }
                eprintln!(
                    "{} conflict(s): nothing was written. Run again with --keep mine or --keep theirs.",
                    o.conflicts.len()
                );
                return Ok(ExitCode::from(EXIT_CONFLICTS));
            }
            println!(
                "wrote {} row(s) to park \"{}\"; see `parkplan-cli db log {}`",
                o.written,
                info.park,
                url.with_park(&info.park)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
