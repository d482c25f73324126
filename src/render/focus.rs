//! What a map is about, and the overlay that shows it: a [`Focus`] (a facility, a bus
//! route, a kind's gaps, the enterprises beyond every route; always by index into the
//! park, never by name) plus the analysis results → the renderer's [`Overlays`] (areas,
//! selected, highlighted and flagged features). The desktop's map and the printed page
//! ([`crate::export::focus`], which adds the legend, figures and subtitle) both call
//! [`build_overlay_with`], so the screen and the paper cannot disagree.
//!
//! Computes no coverage itself: every figure comes from [`crate::analysis`]. No I/O, no
//! GUI.

use std::sync::Arc;

use crate::analysis::{
    AreaSettings, FacilityIsochrone, IsochroneAnalysis, IsochroneSpec, ParkAnalysis,
    catchment_band, circles_union, facility_circle, facility_isochrone,
};
use crate::model::{FacilityKind, FeatureRef, Park};
use crate::network::RoadGraph;
use crate::render::{AreaKind, OverlayArea, Overlays, ProjectedPark};
use crate::spatial::{ParkIndex, unproject_polygons};

/// What an analysis view (on screen or on paper) looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    /// Nothing.
    #[default]
    None,
    /// A facility (index into `park.facilities`): its circle and covered enterprises.
    Facility(u32),
    /// A bus route (index into `park.routes`): its stops, catchment band, enterprises.
    Route(u32),
    /// The enterprises no facility of this kind covers.
    Gaps(FacilityKind),
    /// The enterprises beyond the stop catchment of every bus route.
    BusGaps,
    /// The residential parcels that miss a living-circle tier's facilities (index into
    /// the tiers of the settings): the gap layer of GB 50180-2018 compliance.
    LivingGaps(u8),
    /// The enterprises that miss a facility kind of the park's service circle
    /// (highlighted): its gap layer.
    ServiceGaps,
}

/// The road graph and a travel choice, for an isochrone overlay.
#[derive(Clone)]
pub struct IsoInputs {
    /// The graph of the park's roads.
    pub graph: Arc<RoadGraph>,
    /// What to compute.
    pub spec: IsochroneSpec,
    /// The lists of every facility for `spec` (for a kind's gaps).
    pub analysis: Option<Arc<IsochroneAnalysis>>,
}

/// Builds the map overlay for a focus: the service circle or catchment band (or a
/// kind's circles for the gaps view) as areas, the facility / route / stops in focus as
/// selected, the enterprises it covers (or that nobody covers) as highlighted.
pub fn build_overlay(
    park: &Park,
    index: &ParkIndex,
    results: &ParkAnalysis,
    focus: Focus,
    projected: &ProjectedPark,
) -> Overlays {
    build_overlay_with(park, index, results, focus, projected, None)
}

/// A lon/lat area as overlay areas of one kind.
fn areas(
    mp: &geo::MultiPolygon<f64>,
    kind: AreaKind,
    projected: &ProjectedPark,
) -> Vec<OverlayArea> {
    OverlayArea::from_lon_lat(mp, kind, projected)
        .into_iter()
        .collect()
}

/// A facility's service circle as a lon/lat MultiPolygon (empty when it has none).
fn circle_of(
    park: &Park,
    index: &ParkIndex,
    results: &ParkAnalysis,
    fi: u32,
) -> geo::MultiPolygon<f64> {
    facility_circle(
        park,
        index,
        &results.settings,
        fi as usize,
        &AreaSettings::default(),
    )
    .map(|p| geo::MultiPolygon(vec![p]))
    .unwrap_or(geo::MultiPolygon(vec![]))
}

/// The facility at `fi` as a selected feature (none when out of range).
fn facility_feature(park: &Park, fi: u32) -> Vec<FeatureRef> {
    park.facilities
        .get(fi as usize)
        .map(|f| f.feature)
        .into_iter()
        .collect()
}

/// The overlay of one facility's isochrone (computed by
/// [`crate::analysis::facility_isochrone`]): its reached area filled, its service
/// circle as an outline, the reached enterprises highlighted and those the circle
/// claims but the isochrone does not reach flagged.
pub fn facility_isochrone_overlay(
    park: &Park,
    index: &ParkIndex,
    results: &ParkAnalysis,
    fi: u32,
    fiso: &FacilityIsochrone,
    projected: &ProjectedPark,
) -> Overlays {
    let enterprise = |e: u32| park.enterprises.get(e as usize).map(|x| x.feature);
    let mut a = areas(&fiso.polygon, AreaKind::Isochrone, projected);
    a.extend(areas(
        &circle_of(park, index, results, fi),
        AreaKind::CircleOutline,
        projected,
    ));
    Overlays {
        areas: a,
        selected: facility_feature(park, fi),
        highlighted: fiso
            .reached
            .iter()
            .filter_map(|(e, _)| enterprise(*e))
            .collect(),
        flagged: fiso
            .false_coverage
            .iter()
            .filter_map(|e| enterprise(*e))
            .collect(),
    }
}

/// [`build_overlay`], showing the focus's isochrone when `iso` is given: for a
/// facility, [`facility_isochrone_overlay`]; for a kind's gaps, the union of its
/// facilities' reached areas and the enterprises none of them reaches.
pub fn build_overlay_with(
    park: &Park,
    index: &ParkIndex,
    results: &ParkAnalysis,
    focus: Focus,
    projected: &ProjectedPark,
    iso: Option<&IsoInputs>,
) -> Overlays {
    let area = AreaSettings::default();
    let enterprise = |e: u32| park.enterprises.get(e as usize).map(|x| x.feature);
    match (focus, iso) {
        (Focus::None, _) => Overlays::default(),
        (Focus::Facility(fi), Some(iso)) => {
            match facility_isochrone(
                park,
                index,
                &iso.graph,
                &results.coverage,
                iso.spec,
                fi as usize,
            ) {
                Some(fiso) => {
                    facility_isochrone_overlay(park, index, results, fi, &fiso, projected)
                }
                None => Overlays::default(),
            }
        }
        (Focus::Facility(fi), None) => Overlays {
            areas: areas(
                &circle_of(park, index, results, fi),
                AreaKind::ServiceCircle,
                projected,
            ),
            selected: facility_feature(park, fi),
            highlighted: results
                .coverage
                .facilities
                .get(fi as usize)
                .map(|fc| {
                    fc.covered
                        .iter()
                        .filter_map(|c| enterprise(c.enterprise))
                        .collect()
                })
                .unwrap_or_default(),
            flagged: Vec::new(),
        },
        (Focus::Route(ri), _) => {
            let band = catchment_band(
                park,
                index,
                ri as usize,
                results.settings.catchment_m,
                &area,
            );
            let stats = results.routes.routes.iter().find(|r| r.route == ri);
            let mut selected: Vec<FeatureRef> = park
                .routes
                .get(ri as usize)
                .map(|r| r.feature)
                .into_iter()
                .collect();
            if let Some(s) = stats {
                selected.extend(
                    s.stops
                        .iter()
                        .filter_map(|&si| park.stops.get(si as usize).map(|s| s.feature)),
                );
            }
            Overlays {
                areas: areas(&band, AreaKind::Catchment, projected),
                selected,
                highlighted: stats
                    .map(|s| {
                        s.enterprises
                            .iter()
                            .filter_map(|&e| enterprise(e))
                            .collect()
                    })
                    .unwrap_or_default(),
                flagged: Vec::new(),
            }
        }
        (Focus::Gaps(kind), Some(iso)) if iso.analysis.is_some() => {
            let Some(ia) = iso.analysis.as_ref() else {
                return Overlays::default();
            };
            // The kind's reached areas, merged.
            let of_kind: Vec<usize> = park
                .facilities
                .iter()
                .enumerate()
                .filter(|(_, f)| f.kind == kind)
                .map(|(i, _)| i)
                .collect();
            let polygons: Vec<geo::Polygon<f64>> = of_kind
                .iter()
                .filter_map(|&fi| {
                    facility_isochrone(park, index, &iso.graph, &results.coverage, iso.spec, fi)
                })
                .flat_map(|f| f.polygon.0)
                .collect();
            let union = geo::unary_union(&polygons);
            Overlays {
                areas: areas(&union, AreaKind::Isochrone, projected),
                selected: of_kind
                    .iter()
                    .filter_map(|&f| park.facilities.get(f).map(|x| x.feature))
                    .collect(),
                highlighted: ia
                    .uncovered
                    .iter()
                    .find(|(k, _)| *k == kind)
                    .map(|(_, v)| v.iter().filter_map(|&e| enterprise(e)).collect())
                    .unwrap_or_default(),
                flagged: Vec::new(),
            }
        }
        (Focus::Gaps(kind), _) => {
            let Some(kc) = results.coverage.kind(kind) else {
                return Overlays::default();
            };
            let pts: Vec<[f64; 2]> = kc
                .facilities
                .iter()
                .filter_map(|&f| index.facility_xy.get(f as usize).copied())
                .filter(|p| p[0].is_finite() && p[1].is_finite())
                .collect();
            let union = unproject_polygons(
                index.projector(),
                &circles_union(&pts, kc.radius_m, area.segments),
            );
            Overlays {
                areas: areas(&union, AreaKind::ServiceCircle, projected),
                selected: kc
                    .facilities
                    .iter()
                    .filter_map(|&f| park.facilities.get(f as usize).map(|x| x.feature))
                    .collect(),
                highlighted: kc.uncovered.iter().filter_map(|&e| enterprise(e)).collect(),
                flagged: Vec::new(),
            }
        }
        (Focus::LivingGaps(t), _) => Overlays {
            flagged: results
                .living
                .tiers
                .get(t as usize)
                .map(|tier| {
                    tier.missing
                        .iter()
                        .filter_map(|(pi, _)| park.parcels.get(*pi as usize).map(|p| p.feature))
                        .collect()
                })
                .unwrap_or_default(),
            ..Overlays::default()
        },
        (Focus::ServiceGaps, _) => Overlays {
            highlighted: results
                .living
                .service
                .missing
                .iter()
                .filter_map(|(ei, _)| park.enterprises.get(*ei as usize).map(|e| e.feature))
                .collect(),
            ..Overlays::default()
        },
        (Focus::BusGaps, _) => {
            let pts: Vec<[f64; 2]> = index
                .stop_xy
                .iter()
                .copied()
                .filter(|p| p[0].is_finite() && p[1].is_finite())
                .collect();
            let union = unproject_polygons(
                index.projector(),
                &circles_union(&pts, results.settings.catchment_m, area.segments),
            );
            Overlays {
                areas: areas(&union, AreaKind::Catchment, projected),
                selected: Vec::new(),
                highlighted: results
                    .routes
                    .beyond_all
                    .iter()
                    .filter_map(|&e| enterprise(e))
                    .collect(),
                flagged: Vec::new(),
            }
        }
    }
}

/// The overlay of a site suggestion: each suggested site as a ranked star with its
/// service circle (when its reach is a circle), and the enterprises the sites newly
/// cover highlighted. The map and the printed page draw the same.
pub fn suggestion_overlay(
    park: &Park,
    index: &ParkIndex,
    s: &crate::analysis::siting::Suggestion,
    projected: &ProjectedPark,
) -> Overlays {
    let mut a = Vec::new();
    for &j in &s.solution.chosen {
        let Some(c) = s.candidates.get(j as usize) else {
            continue;
        };
        if s.reach == crate::analysis::siting::SiteReach::Circle {
            let xy = index.project(c.lon_lat[0], c.lon_lat[1]);
            let poly = crate::analysis::circle(xy, s.radius_m, 64);
            let ll = unproject_polygons(index.projector(), &geo::MultiPolygon(vec![poly]));
            a.extend(areas(&ll, AreaKind::CircleOutline, projected));
        }
    }
    // Stars after the circles, in rank order (their labels are the ranks).
    for &j in &s.solution.chosen {
        if let Some(c) = s.candidates.get(j as usize) {
            a.extend(crate::render::OverlayArea::site(c.lon_lat, projected));
        }
    }
    let newly = s.solution.newly.iter().flatten();
    match s.demand {
        crate::analysis::siting::Demand::Enterprises => Overlays {
            areas: a,
            highlighted: newly
                .filter_map(|&e| park.enterprises.get(e as usize).map(|x| x.feature))
                .collect(),
            ..Overlays::default()
        },
        // Parcels made compliant are outlined as selected.
        crate::analysis::siting::Demand::Parcels => Overlays {
            areas: a,
            selected: newly
                .filter_map(|&p| park.parcels.get(p as usize).map(|x| x.feature))
                .collect(),
            ..Overlays::default()
        },
    }
}
