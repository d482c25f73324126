//! The CRS decision of a layer: the caller's choice, else the declared `crs` member
//! checked against the coordinates, else a guess from coordinate sizes (with axis-swap
//! detection) — [`decide_crs`] — and the projector that converts to lon/lat
//! ([`projector_for`]). Shared by both read paths.
//!
//! Owns the wording of CRS problems. Guessing from numbers is [`crate::crs::sniff`]'s;
//! this file must not read files or features beyond the sampled positions.

use super::json::{self, FeatureEntry, GeomField};
use super::{Issue, Problem, Severity, geometry};
use crate::crs::{Crs, CrsDecision, DatumShift, Projector, sniff};

/// Positions sampled to guess a CRS.
pub(super) const SAMPLE: usize = 256;

/// The CRS a raw `crs` member declares: `None` when it declares none, `Err` with the
/// reason when it cannot be used.
pub(super) fn declared_crs(raw: &str) -> Option<Result<Crs, String>> {
    match json::crs_member_name(raw) {
        Ok(None) => None,
        Ok(Some(name)) => Some(Crs::parse(&name).map_err(|e| e.to_string())),
        Err(e) => Some(Err(e)),
    }
}

/// Up to [`SAMPLE`] positions from the geometries of the first 2000 feature texts, for
/// the decision; `None` when a text that had to be looked at is missing (`None` in
/// `texts`: not UTF-8).
pub(super) fn sample_features<'a>(
    texts: impl IntoIterator<Item = Option<&'a str>>,
    parser: json::JsonParser,
) -> Option<Vec<(f64, f64)>> {
    let mut sample = Vec::new();
    for text in texts.into_iter().take(2000) {
        if sample.len() >= SAMPLE {
            break;
        }
        if let Ok(FeatureEntry::Feature(f)) = json::parse_feature_with(text?, parser)
            && let Some(GeomField::Geom(g)) = &f.geometry
        {
            geometry::sample_positions(g, &mut sample, SAMPLE);
        }
    }
    Some(sample)
}

/// The projector of a decided CRS, for both read paths; a CRS that cannot be set up is
/// reported (the geometries are then not loaded, the attributes are). On an older datum
/// (Xi'an 1980, Beijing 1954) the survey's `shift` is recorded in the decision and
/// applied; without one, the report warns of the error to expect.
pub(super) fn projector_for(
    file: &str,
    decision: Option<&mut CrsDecision>,
    shift: Option<DatumShift>,
    problems: &mut Vec<Problem>,
) -> Option<Projector> {
    let d = decision?;
    match (d.crs.old_datum(), shift) {
        (Some(datum), Some(s)) => {
            d.shift = Some(s);
            problems.push(Problem::file_level(
                file,
                Severity::Repaired,
                Issue::DatumShifted {
                    crs: d.crs.code(),
                    datum: datum.name(),
                    shift: s,
                },
            ));
        }
        (Some(datum), None) => problems.push(Problem::file_level(
            file,
            Severity::Warning,
            Issue::DatumShiftMissing {
                crs: d.crs.code(),
                datum: datum.name(),
            },
        )),
        (None, Some(_)) => problems.push(Problem::file_level(
            file,
            Severity::Warning,
            Issue::DatumShiftUnused { crs: d.crs.code() },
        )),
        (None, None) => {}
    }
    match d.crs.projector_shifted(d.shift.as_ref()) {
        Ok(p) => Some(p),
        Err(e) => {
            problems.push(Problem::file_level(
                file,
                Severity::Error,
                Issue::CrsSetupFailed {
                    crs: d.crs.code(),
                    detail: e.to_string(),
                },
            ));
            None
        }
    }
}

/// Decides a layer's CRS from (in order) the caller's choice, the declared `crs` member
/// checked against the coordinates, or a guess from coordinate sizes.
pub(super) fn decide_crs(
    file: &str,
    declared: Option<Result<Crs, String>>,
    chosen: Option<Crs>,
    sample: &[(f64, f64)],
    problems: &mut Vec<Problem>,
) -> Option<CrsDecision> {
    let swapped_majority = |crs: &Crs| {
        let n = sample
            .iter()
            .filter(|(x, y)| crs.looks_swapped(*x, *y))
            .count();
        !sample.is_empty() && n * 2 > sample.len()
    };
    let with_axes = |crs: Crs, reason: String, guessed: bool| {
        let axis_swapped = swapped_majority(&crs);
        CrsDecision {
            crs,
            axis_swapped,
            reason: if axis_swapped {
                format!("{reason}; axes written northing/latitude first: swapped back")
            } else {
                reason
            },
            guessed,
            shift: None,
        }
    };
    if let Some(crs) = chosen {
        return Some(with_axes(
            crs,
            format!("{} set in the manifest or by the user", crs.code()),
            false,
        ));
    }
    if sample.is_empty() && declared.is_none() {
        return Some(CrsDecision::rfc7946_default());
    }
    let sniffed = sniff(sample);
    match declared {
        Some(Ok(crs)) => {
            // Check the declaration against the numbers.
            let degrees = sniffed.as_ref().is_some_and(|d| d.crs.is_geographic());
            if crs.is_geographic() != degrees
                && !sample.is_empty()
                && let Some(s) = sniffed
            {
                problems.push(Problem::file_level(
                    file,
                    Severity::Warning,
                    Issue::CrsContradicted {
                        declared: crs.code(),
                        looks_like: s.crs.describe(),
                        read_as: s.crs.code(),
                        reason: s.reason.clone(),
                    },
                ));
                return Some(s);
            }
            // Coordinates beyond the declared CRS's range (a zone-prefixed Gauss-Krüger
            // easting of 3.8e7 declared as EPSG:3857 lands in the Atlantic): when most do
            // not fit and a reading of the numbers does, use it and say so loudly.
            let outside = sample.iter().filter(|(x, y)| !crs.fits(*x, *y)).count();
            if outside * 2 > sample.len()
                && let Some(s) = sniffed.filter(|s| {
                    sample.iter().filter(|(x, y)| s.crs.fits(*x, *y)).count() * 2 > sample.len()
                })
            {
                problems.push(Problem::file_level(
                    file,
                    Severity::Error,
                    Issue::CrsOutOfRange {
                        declared: crs.code(),
                        outside,
                        sampled: sample.len(),
                        read_as: s.crs.code(),
                        read_as_name: s.crs.describe(),
                    },
                ));
                let mut s = s;
                s.guessed = true;
                s.reason = format!(
                    "crs member {} contradicted by the coordinates; {}",
                    crs.code(),
                    s.reason
                );
                return Some(s);
            }
            Some(with_axes(crs, format!("crs member {}", crs.code()), false))
        }
        Some(Err(e)) => match sniffed {
            Some(mut s) => {
                s.reason = if s.crs.is_geographic() && !s.guessed {
                    format!(
                        "crs member not usable ({e}); the coordinates are lon/lat degrees: read as {}",
                        s.crs.code()
                    )
                } else {
                    format!("crs member not usable ({e}); {}", s.reason)
                };
                s.guessed = true;
                problems.push(Problem::file_level(
                    file,
                    Severity::Warning,
                    Issue::CrsUnusableAssumed {
                        detail: e.clone(),
                        read_as: s.crs.code(),
                    },
                ));
                Some(s)
            }
            None => {
                problems.push(Problem::file_level(
                    file,
                    Severity::Error,
                    Issue::CrsUnusableUnknown { detail: e },
                ));
                None
            }
        },
        None => match sniffed {
            Some(s) => {
                if s.guessed {
                    problems.push(Problem::file_level(
                        file,
                        Severity::Warning,
                        Issue::CrsMissingAssumed {
                            crs: s.crs.code(),
                            name: s.crs.describe(),
                            reason: s.reason.clone(),
                        },
                    ));
                }
                Some(s)
            }
            None => {
                problems.push(Problem::file_level(
                    file,
                    Severity::Error,
                    Issue::CrsMissingUnknown,
                ));
                None
            }
        },
    }
}
