//! Path planning: files, folders and manifests → a list of [`LayerJob`]s. A folder
//! with a `manifest.json` is read through it; otherwise its `.geojson`/`.json` files
//! are read in name order.
//!
//! Owns the folder listing and manifest reading. It must not name projects: opening a
//! `.parkplan` (and choosing among all the ways in) is `project::open`'s, which
//! hands the other paths to [`plan`].

use std::path::{Path, PathBuf};

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
                                    matches!(e.to_ascii_lowercase().as_str(), "geojson" | "json")
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
                        jobs.push(LayerJob {
                            path: f,
                            options: LayerOptions::default(),
                        });
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
            jobs.push(LayerJob {
                path: path.clone(),
                options: LayerOptions::default(),
            });
        }
    }
    (jobs, name)
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
                datum_shift: manifest::shift_choice(&label, &l.path, l.datum_shift, report),
                part: l.part,
            },
        });
    }
    m.name
}
