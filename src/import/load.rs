//! Reading a list of planned [`LayerJob`]s into one park ([`load_jobs`]), files
//! concurrently, with every problem in one [`ImportReport`]; the [`Loaded`] outcome.
//!
//! Owns the job loop and the report's file-level errors. It must not plan paths or know
//! about projects: `project::open` is the way in that turns paths and projects
//! into jobs and calls this.

use std::borrow::Cow;

use rayon::prelude::*;

use super::error::error_issue;
use super::split;
use super::{
    AreaUnit, ImportError, ImportReport, Issue, LayerJob, Problem, Progress, Severity,
    read_layer_file,
};
use crate::model::{Layer, Park};

/// A load's outcome: the park, the report, and how many files failed.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// The park built from every layer that could be read.
    pub park: Park,
    /// Every problem found.
    pub report: ImportReport,
    /// Files that could not be loaded at all.
    pub files_failed: usize,
}

/// Loads planned layer jobs into one park (see [`super::plan()`]), its typed records
/// (parcels, enterprises …) built. Files that fail are reported and skipped; only
/// cancellation returns an error. `park_name` names the park (else the first file's
/// folder does).
pub fn load_jobs(
    jobs: &[LayerJob],
    park_name: Option<String>,
    report: ImportReport,
    progress: Option<&Progress>,
) -> Result<Loaded, ImportError> {
    let mut loaded = load_jobs_layers_only(jobs, park_name, report, progress)?;
    build_records(&mut loaded);
    Ok(loaded)
}

/// Builds the park's typed records from its layers and adds the checks that need them
/// (declared parcel areas against measured ones) to the report: the one step after
/// reading, whichever way the layers were opened.
pub fn build_records(loaded: &mut Loaded) {
    loaded.park.rebuild_records();
    for p in declared_area_problems(&loaded.park) {
        loaded.report.push(p);
    }
}

/// Like [`load_jobs`], but the park's typed records are not built: only its layers, as
/// read, with the report. For callers that describe layers (`parkplan-cli info`);
/// `park.rebuild_records()` builds the records later.
pub fn load_jobs_layers_only(
    jobs: &[LayerJob],
    park_name: Option<String>,
    mut report: ImportReport,
    progress: Option<&Progress>,
) -> Result<Loaded, ImportError> {
    if let Some(p) = progress {
        let total: u64 = jobs
            .iter()
            .map(|j| std::fs::metadata(&j.path).map(|m| m.len()).unwrap_or(0))
            .sum();
        p.add_total(total.max(1));
    }
    let mut layers = Vec::new();
    let mut files_failed = 0;
    // Files are read concurrently (each also parses in parallel inside), so one file's
    // serial steps overlap another's parsing; results are taken in job order.
    let results: Vec<Result<(Layer, Vec<Problem>), ImportError>> = jobs
        .par_iter()
        .with_max_len(1)
        .map(|job| {
            if progress.is_some_and(|p| p.is_cancelled()) {
                return Err(ImportError::Cancelled);
            }
            if let Some(p) = progress {
                p.set_current(&job.path.display().to_string());
            }
            read_layer_file(&job.path, &job.options, progress)
        })
        .collect();
    for (nth, (job, result)) in jobs.iter().zip(results).enumerate() {
        match result {
            Ok((layer, mut problems)) => {
                let file = job.path.display().to_string();
                // A file holding several kinds of geometry becomes one layer per kind.
                let parts = split::split_by_geometry(layer, &file, &job.options, &mut problems);
                // Several parts of one file (a project or manifest names each) read the
                // file each time: its file-level problems are reported once.
                let again = job.options.part.is_some()
                    && jobs[..nth]
                        .iter()
                        .any(|j| j.path == job.path && j.options.part.is_some());
                for p in problems {
                    if !(again && p.feature.is_none()) {
                        report.push(p);
                    }
                }
                for mut layer in parts {
                    if let Some(p) = duplicate_ids(&layer, &file) {
                        report.push(p);
                    }
                    if let Some(p) = not_park_sized(&mut layer, &file) {
                        report.push(p);
                    }
                    if !job.options.gcj02
                        && let Some(p) = gcj02_hint(&layer, &file)
                    {
                        report.push(p);
                    }
                    layers.push(layer);
                }
            }
            Err(ImportError::Cancelled) => return Err(ImportError::Cancelled),
            Err(e) => {
                files_failed += 1;
                report.push(Problem::file_level(
                    &job.path.display().to_string(),
                    Severity::Error,
                    error_issue(e),
                ));
            }
        }
    }
    let name = park_name.unwrap_or_else(|| {
        jobs.first()
            .and_then(|j| j.path.parent())
            .and_then(|p| p.file_name())
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "ParkPlan".to_string())
    });
    Ok(Loaded {
        park: Park {
            name,
            layers,
            ..Park::default()
        },
        report,
        files_failed,
    })
}

/// A problem when features of a layer share an id (a GIS export's `fid` = 0 everywhere):
/// the id then identifies nothing. The records make such ids unique ("0#2": the id and
/// the feature's number) and lookups by the original id refuse to pick one.
fn duplicate_ids(layer: &crate::model::Layer, file: &str) -> Option<Problem> {
    let has_ids = layer.ids.iter().any(Option::is_some)
        || layer.fields.contains_key(&crate::model::Field::Id);
    if !has_ids || layer.len() < 2 {
        return None;
    }
    // Columns resolved once (a million ids in the 1M scene), built in parallel. Ids in
    // strictly increasing order (most exports) are all different; others are sorted in
    // parallel and counted in runs (a hash map of the ids took ~0.4 s on one core).
    // Borrowed ids, not text handles: handles made in parallel all count references on
    // the id column's one buffer, from both cores at once. The order is checked without
    // a list of the ids (each read twice: borrowed, that costs less than the list).
    let columns = layer.field_columns();
    if (1..layer.len())
        .into_par_iter()
        .all(|i| columns.display_id_str(i - 1) < columns.display_id_str(i))
    {
        return None;
    }
    let ids: Vec<Cow<'_, str>> = (0..layer.len())
        .into_par_iter()
        .map(|i| columns.display_id_str(i))
        .collect();
    let mut sorted: Vec<&str> = ids.iter().map(|s| &**s).collect();
    sorted.par_sort_unstable();
    let mut shared: Vec<(&str, usize)> = sorted
        .chunk_by(|a, b| a == b)
        .filter(|run| run.len() > 1)
        .map(|run| (run[0], run.len()))
        .collect();
    if shared.is_empty() {
        return None;
    }
    shared.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let features: usize = shared.iter().map(|(_, n)| *n).sum();
    let examples: Vec<(String, usize)> = shared
        .iter()
        .take(3)
        .map(|(id, n)| (id.to_string(), *n))
        .collect();
    Some(Problem::file_level(
        file,
        Severity::Warning,
        Issue::DuplicateIds {
            layer: layer.name.clone(),
            features,
            examples,
        },
    ))
}

/// Larger than any park, in degrees of longitude or latitude (a development zone spans
/// a few kilometres; a county tens; a province hundreds).
const PARK_SPAN_DEG: f64 = 1.0;

/// A layer guessed (not set) to be parcels whose extent is far larger than a park —
/// county or province boundaries with `Shape_Area` fields — is read as "other", with a
/// problem saying why, instead of adding millions of mu of "land" to the park.
fn not_park_sized(layer: &mut crate::model::Layer, file: &str) -> Option<Problem> {
    use crate::model::Role;
    if layer.role != Role::Parcels || !layer.role_reason.starts_with("guessed") {
        return None;
    }
    let e = layer.extent()?;
    let (w, h) = (e.width(), e.height());
    if w <= PARK_SPAN_DEG && h <= PARK_SPAN_DEG {
        return None;
    }
    layer.role = Role::Other;
    layer.role_reason = format!(
        "polygons spanning {w:.1}° × {h:.1}°: far larger than a park, so not parcels ({})",
        layer.role_reason
    );
    Some(Problem::file_level(
        file,
        Severity::Warning,
        Issue::NotParkSized {
            layer: layer.name.clone(),
            width: w,
            height: h,
        },
    ))
}

/// A hint when a layer looks like DataV / AMap output (its `adcode` and `acroutes`
/// members): those coordinates are GCJ-02, a few hundred metres off WGS84 in China.
fn gcj02_hint(layer: &crate::model::Layer, file: &str) -> Option<Problem> {
    let names: Vec<String> = layer
        .attributes
        .columns()
        .iter()
        .map(|c| c.name().to_lowercase())
        .collect();
    let datav = names.iter().any(|n| n == "acroutes")
        || (names.iter().any(|n| n == "adcode") && names.iter().any(|n| n == "center"));
    datav.then(|| {
        Problem::file_level(
            file,
            Severity::Warning,
            Issue::Gcj02Suspected {
                layer: layer.name.clone(),
            },
        )
    })
}

/// Declared parcel areas checked against the geometry (geodesic): per layer, when most
/// declared areas disagree with the measured ones by more than 20 %, which unit they do
/// match (m², ha, mu, or square degrees — a GIS `Shape_Area` in degrees read as m²), or
/// that none does. Run once the park's records are built.
pub fn declared_area_problems(park: &crate::model::Park) -> Vec<Problem> {
    use std::collections::BTreeMap;
    // Per layer: (parcels with a declared area, of which disagree, unit votes).
    let mut per_layer: BTreeMap<u32, (usize, usize, BTreeMap<AreaUnit, usize>)> = BTreeMap::new();
    for p in &park.parcels {
        let (Some(declared), measured) = (p.declared_area, p.area.0) else {
            continue;
        };
        let e = per_layer.entry(p.feature.layer).or_default();
        e.0 += 1;
        if measured.is_nan() || measured <= 0.0 {
            continue;
        }
        let close = |m2: f64| (m2 / measured - 1.0).abs() <= 0.2;
        if close(declared.to_square_meters().0) {
            continue;
        }
        e.1 += 1;
        // The number as written in the data (a mu field, else an m² field), then tried
        // in each unit.
        let layer = park.layers.get(p.feature.layer as usize);
        let raw = if layer.is_some_and(|l| l.fields.contains_key(&crate::model::Field::AreaMu)) {
            declared.0
        } else {
            declared.to_square_meters().0
        };
        let lat = layer
            .and_then(|l| l.geometries.get(p.feature.index as usize))
            .and_then(|g| g.as_ref())
            .and_then(crate::model::representative_point)
            .map_or(30.0, |pt| pt.y());
        let deg2 = 111_320.0 * 110_574.0 * lat.to_radians().cos();
        let unit = [
            (AreaUnit::SquareMetres, raw),
            (AreaUnit::Mu, raw * 666.666_666_7),
            (AreaUnit::Hectares, raw * 10_000.0),
            (AreaUnit::SquareDegrees, raw * deg2),
        ]
        .into_iter()
        .find(|(_, m2)| close(*m2))
        .map_or(AreaUnit::None, |(u, _)| u);
        *e.2.entry(unit).or_default() += 1;
    }
    per_layer
        .into_iter()
        .filter(|(_, (n, bad, _))| *bad * 2 > *n)
        .map(|(li, (n, bad, votes))| {
            let layer = &park.layers[li as usize];
            let file = layer
                .source
                .path
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| layer.name.clone());
            let (unit, _) = votes
                .iter()
                .max_by_key(|(_, n)| **n)
                .map(|(u, n)| (*u, *n))
                .unwrap_or((AreaUnit::None, 0));
            Problem::file_level(
                &file,
                Severity::Warning,
                Issue::DeclaredAreaMismatch {
                    layer: layer.name.clone(),
                    bad,
                    declared: n,
                    unit,
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FeatureId;

    fn layer_with_ids(ids: &[Option<&str>]) -> Layer {
        Layer {
            name: "企业".into(),
            ids: ids
                .iter()
                .map(|i| i.map(|s| FeatureId::Str(s.into())))
                .collect(),
            geometries: vec![None; ids.len()],
            ..Layer::default()
        }
    }

    #[test]
    fn duplicate_ids_counts_the_most_shared_first() {
        let layer = layer_with_ids(&[
            Some("b"),
            Some("a"),
            Some("c"),
            Some("b"),
            Some("a"),
            None,
            Some("a"),
            Some("d"),
            Some("d"),
            Some("e"),
            Some("e"),
        ]);
        let p = duplicate_ids(&layer, "e.geojson").expect("a problem");
        let Issue::DuplicateIds {
            layer,
            features,
            examples,
        } = p.issue
        else {
            panic!("{:?}", p.issue)
        };
        assert_eq!(layer, "企业");
        assert_eq!(features, 9);
        // By count, then by id.
        assert_eq!(
            examples,
            vec![
                ("a".to_string(), 3),
                ("b".to_string(), 2),
                ("d".to_string(), 2)
            ]
        );
        assert!(duplicate_ids(&layer_with_ids(&[Some("a"), Some("b"), None]), "f").is_none());
    }
}
