//! Path planning: files, folders and manifests → a list of [`LayerJob`]s. A folder
//! with a `manifest.json` is read through it; otherwise its `.geojson`/`.json`, `.shp`,
//! `.gpkg` (one job per feature table), coordinate `.txt` and GTFS `.zip` files (two jobs:
//! routes and stops) are read in name order.
//!
//! Owns the folder listing and manifest reading. It must not name projects: opening a
//! `.parkplan` (and choosing among all the ways in) is `project::open`'s, which
//! hands the other paths to [`plan`].

use std::path::{Path, PathBuf};

use crate::model::Role;

use super::{
    ImportReport, Issue, LayerJob, LayerOptions, Manifest, Problem, Severity, manifest, text,
};

/// Expands paths (files, folders, manifests) into layer jobs. A folder with a
/// `manifest.json` is read through it; otherwise its `.geojson`/`.json` files are read
/// in name order. Returns the park name when a manifest gave one. Every other path is
/// taken as a GeoJSON file (a `.parkplan` project included: plan those with
/// `project::open`).
pub fn plan(paths: &[PathBuf], report: &mut ImportReport) -> (Vec<LayerJob>, Option<String>) {
    let mut jobs = Vec::new();
    let mut name = None;
    for path in paths {
        let label = path.display().to_string();
        if path.is_dir() {
            let manifest = path.join("manifest.json");
            if manifest.is_file() {
                name = name.or(plan_manifest(&manifest, &mut jobs, report));
                continue;
            }
            match std::fs::read_dir(path) {
                Ok(entries) => {
                    let mut files: Vec<PathBuf> = entries
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| {
                            p.is_file()
                                && p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                                    let e = e.to_ascii_lowercase();
                                    super::READ_EXTENSIONS.contains(&e.as_str())
                                        && (e != "txt" || looks_like_land_txt(p))
                                        && (e != "zip" || super::gtfs::is_gtfs_zip(p))
                                })
                        })
                        .collect();
                    files.sort();
                    if files.is_empty() {
                        report.push(Problem::file_level(
                            &label,
                            Severity::Error,
                            Issue::FolderEmpty,
                        ));
                    }
                    for f in files {
                        push_file(f, &mut jobs);
                    }
                }
                Err(e) => report.push(Problem::file_level(
                    &label,
                    Severity::Error,
                    Issue::FolderUnreadable {
                        detail: e.to_string(),
                    },
                )),
            }
        } else if is_manifest_file(path) {
            name = name.or(plan_manifest(path, &mut jobs, report));
        } else {
            push_file(path.clone(), &mut jobs);
        }
    }
    (jobs, name)
}

/// The job(s) of one file: a GeoPackage gives one per feature table (one layer each), a
/// GTFS feed (`.zip`) two (its routes and its stops); any other file one job. A GeoPackage whose tables cannot be listed gets one job, so
/// reading it reports why.
fn push_file(path: PathBuf, jobs: &mut Vec<LayerJob>) {
    let is_gpkg = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("gpkg"));
    let tables = if is_gpkg {
        super::gpkg::feature_tables(&path).unwrap_or_default()
    } else {
        Vec::new()
    };
    if path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
    {
        for (part, role) in [
            (super::gtfs::GtfsPart::Routes, Role::BusRoutes),
            (super::gtfs::GtfsPart::Stops, Role::BusStops),
        ] {
            jobs.push(LayerJob {
                path: path.clone(),
                options: LayerOptions {
                    table: Some(part.table().to_string()),
                    role: Some(role),
                    role_reason: Some(format!("GTFS {}.txt", part.table())),
                    ..LayerOptions::default()
                },
            });
        }
    } else if tables.len() > 1 {
        for t in tables {
            jobs.push(LayerJob {
                path: path.clone(),
                options: LayerOptions {
                    table: Some(t.table),
                    ..LayerOptions::default()
                },
            });
        }
    } else {
        jobs.push(LayerJob {
            path,
            options: LayerOptions::default(),
        });
    }
}

/// Whether a `.txt` in a folder is a land-approval coordinate TXT (its head names the
/// `[属性描述]` or `[地块坐标]` section), so other text files in the folder are left alone.
fn looks_like_land_txt(path: &Path) -> bool {
    let mut head = vec![0u8; 4096];
    let n = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .unwrap_or(0);
    let t = text::decode(&head[..n]);
    t.text.contains("属性描述") || t.text.contains("地块坐标")
}

fn is_manifest_file(path: &Path) -> bool {
    if path.extension().and_then(|e| e.to_str()) != Some("json") {
        return false;
    }
    let mut head = vec![0u8; 4096];
    let n = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .unwrap_or(0);
    manifest::looks_like_manifest(&String::from_utf8_lossy(&head[..n]))
}

fn plan_manifest(
    path: &Path,
    jobs: &mut Vec<LayerJob>,
    report: &mut ImportReport,
) -> Option<String> {
    let label = path.display().to_string();
    let text = match std::fs::read(path) {
        Ok(b) => text::decode(&b).text.into_owned(),
        Err(e) => {
            report.push(Problem::file_level(
                &label,
                Severity::Error,
                Issue::ManifestUnreadable {
                    detail: e.to_string(),
                },
            ));
            return None;
        }
    };
    let m = match Manifest::parse(&text, &label) {
        Ok(m) => m,
        Err(e) => {
            report.push(Problem::file_level(
                &label,
                Severity::Error,
                Issue::ManifestInvalid {
                    detail: e.to_string(),
                },
            ));
            return None;
        }
    };
    let base = path.parent().unwrap_or(Path::new("."));
    for l in &m.layers {
        let role = match l.role() {
            Ok(r) => r,
            Err(e) => {
                report.push(Problem::file_level(
                    &label,
                    Severity::Warning,
                    Issue::RoleUnknown {
                        layer: l.path.clone(),
                        detail: e.to_string(),
                    },
                ));
                None
            }
        };
        let (fields, crs) =
            manifest::layer_choices(&label, &l.path, &l.fields, l.crs.as_deref(), report);
        jobs.push(LayerJob {
            path: l.resolve(base),
            options: LayerOptions {
                name: l.name.clone(),
                role,
                role_reason: role.map(|_| "set in the manifest".to_string()),
                fields,
                crs,
                gcj02: l.gcj02,
                table: None,
                datum_shift: manifest::shift_choice(&label, &l.path, l.datum_shift, report),
                part: l.part,
            },
        });
    }
    m.name
}
