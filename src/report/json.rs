//! The JSON report (`parkplan-cli report --json`): a contract read by other programs,
//! so its keys, their order and their rounding do not change. Enterprise lists of
//! large parks are rendered in parallel.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, Write};

use rayon::prelude::*;
use serde::Serialize;

use crate::analysis::living::MissingKinds;
use crate::analysis::{self, AnalysisSettings, CoveredList, IsoRun, IsochroneAnalysis, SiteMatch};
use crate::model::{FacilityKind, Lang, Park};

use super::json_text::{IdTexts, key, member, value, write_joined};
use super::{ReportInput, site_word};

/// Enterprises listed by index, written as their ids: by `serde` one id after another,
/// by [`JsonReport::write_to`] from the ids escaped once ([`IdTexts`]).
struct IdList<'a> {
    park: &'a Park,
    idx: Indices<'a>,
}

/// Where an [`IdList`]'s indices are.
enum Indices<'a> {
    /// A list of them.
    Listed(Cow<'a, [u32]>),
    /// A facility's covered list, decoded as it is written (no list of millions of
    /// indices made first).
    Covered(&'a CoveredList),
}

impl<'a> IdList<'a> {
    fn new(park: &'a Park, idx: impl Into<Cow<'a, [u32]>>) -> IdList<'a> {
        IdList {
            park,
            idx: Indices::Listed(idx.into()),
        }
    }

    /// The enterprises of a covered list, in its (index) order.
    fn covered(park: &'a Park, list: &'a CoveredList) -> IdList<'a> {
        IdList {
            park,
            idx: Indices::Covered(list),
        }
    }

    /// The list as JSON text.
    fn write_to(&self, out: &mut Vec<u8>, ids: &IdTexts) -> io::Result<()> {
        match &self.idx {
            Indices::Listed(v) => ids.write_list(out, v.iter().copied()),
            Indices::Covered(c) => ids.write_list(out, c.enterprises()),
        }
    }
}

impl Serialize for IdList<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let id = |i: u32| self.park.enterprises[i as usize].id.as_str();
        match &self.idx {
            Indices::Listed(v) => s.collect_seq(v.iter().map(|&i| id(i))),
            Indices::Covered(c) => s.collect_seq(c.enterprises().map(id)),
        }
    }
}

/// The whole JSON report; serialise it with `serde_json`.
#[derive(Serialize)]
pub struct JsonReport<'a> {
    method: &'a str,
    park: &'a str,
    settings: &'a AnalysisSettings,
    totals: JsonTotals,
    facilities: FacilityList<'a>,
    coverage_by_kind: Vec<JsonKind>,
    uncovered: BTreeMap<&'static str, IdList<'a>>,
    coverage_all_kinds: JsonAllKinds,
    park_area: Option<JsonParkArea<'a>>,
    routes: Vec<JsonRoute<'a>>,
    enterprises_beyond_all_routes: IdList<'a>,
    land: JsonLand,
    projects: JsonProjects<'a>,
    /// 三区三线 and arable land under every parcel.
    constraints: super::ledger_json::JsonConstraints<'a>,
    /// The road network (with `--isochrone`).
    #[serde(skip_serializing_if = "Option::is_none")]
    network: Option<JsonNetwork<'a>>,
    /// Per `--isochrone`, per kind: enterprises no isochrone of the kind reaches.
    #[serde(skip_serializing_if = "Option::is_none")]
    isochrone_uncovered: Option<BTreeMap<String, BTreeMap<&'static str, Vec<&'a str>>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timings_s: Option<BTreeMap<String, f64>>,
    /// Living-circle compliance per tier (GB 50180-2018).
    living_circles: BTreeMap<&'a str, JsonTier<'a>>,
    /// The enterprises against the park's own service circle.
    service_circle: JsonService<'a>,
}

impl JsonReport<'_> {
    /// Writes the report: the very bytes `serde_json::to_writer(w, &report)` writes,
    /// quicker for a large park — every enterprise's and parcel's id is escaped once,
    /// the long id lists and missing maps are copied from those texts, the facilities
    /// are rendered in parallel; every other value is written by `serde_json` itself.
    /// (Unit and integration tests compare the two byte for byte.)
    pub fn write_to(&self, w: &mut impl Write) -> io::Result<()> {
        let park = self.facilities.park;
        let (enterprises, parcels) = rayon::join(
            || IdTexts::new(park.enterprises.len(), |i| park.enterprises[i].id.as_str()),
            || IdTexts::new(park.parcels.len(), |i| park.parcels[i].id.as_str()),
        );
        let (enterprises, parcels) = (enterprises?, parcels?);
        let mut buf = Vec::new();
        w.write_all(b"{")?;
        member(w, true, "method", &self.method)?;
        member(w, false, "park", &self.park)?;
        member(w, false, "settings", self.settings)?;
        member(w, false, "totals", &self.totals)?;
        key(w, false, "facilities")?;
        self.facilities.write_to(w, &enterprises)?;
        member(w, false, "coverage_by_kind", &self.coverage_by_kind)?;
        key(w, false, "uncovered")?;
        buf.push(b'{');
        for (k, (kind, list)) in self.uncovered.iter().enumerate() {
            if k > 0 {
                buf.push(b',');
            }
            value(&mut buf, kind)?;
            buf.push(b':');
            list.write_to(&mut buf, &enterprises)?;
        }
        buf.push(b'}');
        w.write_all(&buf)?;
        member(w, false, "coverage_all_kinds", &self.coverage_all_kinds)?;
        member(w, false, "park_area", &self.park_area)?;
        // The routes' enterprise lists copied from the escaped ids, not serialised id
        // by id (a route a buffer, rendered in parallel).
        key(w, false, "routes")?;
        write_joined(w, (b'[', b']'), self.routes.len(), 1, |ri, out| {
            self.routes[ri].write_to(out, &enterprises).map(|()| true)
        })?;
        key(w, false, "enterprises_beyond_all_routes")?;
        buf.clear();
        self.enterprises_beyond_all_routes
            .write_to(&mut buf, &enterprises)?;
        w.write_all(&buf)?;
        member(w, false, "land", &self.land)?;
        member(w, false, "projects", &self.projects)?;
        key(w, false, "constraints")?;
        self.constraints.write_to(w)?;
        if let Some(network) = &self.network {
            member(w, false, "network", network)?;
        }
        if let Some(uncovered) = &self.isochrone_uncovered {
            member(w, false, "isochrone_uncovered", uncovered)?;
        }
        if let Some(timings) = &self.timings_s {
            member(w, false, "timings_s", timings)?;
        }
        key(w, false, "living_circles")?;
        w.write_all(b"{")?;
        for (k, (name, tier)) in self.living_circles.iter().enumerate() {
            if k > 0 {
                w.write_all(b",")?;
            }
            value(w, name)?;
            w.write_all(b":")?;
            tier.write_to(w, &parcels)?;
        }
        w.write_all(b"}")?;
        key(w, false, "service_circle")?;
        self.service_circle.write_to(w, &enterprises)?;
        w.write_all(b"}")
    }
}

/// The enterprises' service circle.
#[derive(Serialize)]
struct JsonService<'a> {
    name: &'a str,
    radius_m: f64,
    required: Vec<&'static str>,
    /// Kind code → how its reach was measured (`circle`, `walk_along_roads`).
    reach: BTreeMap<&'static str, &'static str>,
    enterprises_total: usize,
    enterprises_compliant: usize,
    share: f64,
    /// Non-compliant enterprise id → its missing kinds (codes).
    missing: MissingMap<'a>,
}

/// Record id → its missing kinds (codes), written as a JSON object in id order, the
/// last entry of a repeated id winning: what a `BTreeMap` of the entries writes,
/// without a map node and a list of codes per entry (the 1M scene's service circle
/// misses about a million enterprises). When the ids already come in strictly
/// increasing order (most exports), the entries are written straight from the
/// analysis' list, without a copy.
enum MissingMap<'a> {
    /// The list's ids are strictly increasing: written as they come.
    InOrder(&'a MissingKinds, IdOf<'a>),
    /// Sorted by id, repeated ids resolved.
    Sorted(Vec<(&'a str, &'a [FacilityKind])>),
}

/// A record's id by its index.
type IdOf<'a> = Box<dyn Fn(usize) -> Option<&'a str> + Sync + 'a>;

impl<'a> MissingMap<'a> {
    /// Records (by index, `id` giving the id) and their missing kinds; records
    /// without an id are left out.
    fn new(missing: &'a MissingKinds, id: IdOf<'a>) -> MissingMap<'a> {
        let ids = missing.iter().filter_map(|(i, _)| id(*i as usize));
        let mut last: Option<&str> = None;
        let in_order = ids.into_iter().all(|x| {
            let ok = last.is_none_or(|l| l < x);
            last = Some(x);
            ok
        });
        if in_order {
            return MissingMap::InOrder(missing, id);
        }
        MissingMap::from_entries(
            missing
                .iter()
                .filter_map(|(i, kinds)| Some((id(*i as usize)?, kinds)))
                .collect(),
        )
    }

    fn from_entries(mut entries: Vec<(&'a str, &'a [FacilityKind])>) -> MissingMap<'a> {
        // A stable sort keeps repeated ids in insertion order; the last one wins.
        entries.par_sort_by(|a, b| a.0.cmp(b.0));
        entries.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1 = later.1;
            }
            same
        });
        MissingMap::Sorted(entries)
    }
}

/// Kinds written as their codes.
struct KindCodes<'a>(&'a [FacilityKind]);

impl Serialize for KindCodes<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|k| k.code()))
    }
}

impl Serialize for MissingMap<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            MissingMap::InOrder(list, id) => s.collect_map(
                list.iter()
                    .filter_map(|(i, kinds)| Some((id(*i as usize)?, KindCodes(kinds)))),
            ),
            MissingMap::Sorted(entries) => {
                s.collect_map(entries.iter().map(|(id, kinds)| (id, KindCodes(kinds))))
            }
        }
    }
}

impl MissingMap<'_> {
    /// What `serde_json` writes for the map; ids in order are copied from `ids` (the
    /// ids of the records the list indexes), each distinct set of kinds rendered once.
    fn write_to(&self, w: &mut impl Write, ids: &IdTexts) -> io::Result<()> {
        match self {
            MissingMap::InOrder(list, _) => {
                let sets = list
                    .sets()
                    .iter()
                    .map(|k| serde_json::to_vec(&KindCodes(k)))
                    .collect::<Result<Vec<_>, _>>()?;
                write_joined(w, (b'{', b'}'), list.len(), 1 << 14, |i, out| {
                    // Records without an id are left out, as `MissingMap::new` does.
                    let Some((id, set)) = list
                        .place_and_set(i)
                        .and_then(|(place, set)| Some((ids.text(place)?, set)))
                    else {
                        return Ok(false);
                    };
                    out.extend_from_slice(id);
                    out.push(b':');
                    out.extend_from_slice(sets.get(set).map_or(&b"[]"[..], |s| s.as_slice()));
                    Ok(true)
                })
            }
            MissingMap::Sorted(entries) => {
                write_joined(w, (b'{', b'}'), entries.len(), 1 << 14, |i, out| {
                    let (id, kinds) = entries[i];
                    value(out, &id)?;
                    out.push(b':');
                    value(out, &KindCodes(kinds))?;
                    Ok(true)
                })
            }
        }
    }
}

/// Kind code → measure code, for a tier or the service circle.
fn reach_json(
    required: &[(crate::model::FacilityKind, f64)],
    reach: &[crate::analysis::living::KindReach],
) -> BTreeMap<&'static str, &'static str> {
    required
        .iter()
        .zip(reach)
        .map(|((k, _), r)| (k.code(), r.code()))
        .collect()
}

/// One living-circle tier.
#[derive(Serialize)]
struct JsonTier<'a> {
    radius_m: f64,
    required: Vec<&'static str>,
    /// Kind code → how its reach was measured (`circle`, `walk_along_roads`).
    reach: BTreeMap<&'static str, &'static str>,
    parcels_total: usize,
    parcels_compliant: usize,
    share: f64,
    /// Non-compliant parcel id → its missing kinds (codes).
    missing: MissingMap<'a>,
}

impl JsonTier<'_> {
    /// What `serde_json` writes for it, the missing map from `ids` (the parcels').
    fn write_to(&self, w: &mut impl Write, ids: &IdTexts) -> io::Result<()> {
        w.write_all(b"{")?;
        member(w, true, "radius_m", &self.radius_m)?;
        member(w, false, "required", &self.required)?;
        member(w, false, "reach", &self.reach)?;
        member(w, false, "parcels_total", &self.parcels_total)?;
        member(w, false, "parcels_compliant", &self.parcels_compliant)?;
        member(w, false, "share", &self.share)?;
        key(w, false, "missing")?;
        self.missing.write_to(w, ids)?;
        w.write_all(b"}")
    }
}

impl JsonService<'_> {
    /// What `serde_json` writes for it, the missing map from `ids` (the enterprises').
    fn write_to(&self, w: &mut impl Write, ids: &IdTexts) -> io::Result<()> {
        w.write_all(b"{")?;
        member(w, true, "name", &self.name)?;
        member(w, false, "radius_m", &self.radius_m)?;
        member(w, false, "required", &self.required)?;
        member(w, false, "reach", &self.reach)?;
        member(w, false, "enterprises_total", &self.enterprises_total)?;
        member(
            w,
            false,
            "enterprises_compliant",
            &self.enterprises_compliant,
        )?;
        member(w, false, "share", &self.share)?;
        key(w, false, "missing")?;
        self.missing.write_to(w, ids)?;
        w.write_all(b"}")
    }
}

#[derive(Serialize)]
struct JsonTotals {
    enterprises: usize,
    located_enterprises: usize,
    facilities: usize,
    facility_enterprise_pairs: usize,
    routes: usize,
    stops: usize,
    parcels: usize,
    projects: usize,
}

/// The facilities, each rendered to JSON text in parallel as the report is written,
/// a batch at a time: the 1M scene's facilities list 15 million enterprise ids (185 MB
/// of text), and only one batch of them is held at once.
struct FacilityList<'a> {
    park: &'a Park,
    coverage: &'a analysis::Coverage,
    iso: Option<&'a IsoRun>,
}

/// Facilities rendered into one buffer when the report is written (eight buffers are
/// rendered at once: 64 facilities).
const FACILITIES_A_PIECE: usize = 8;

impl<'a> FacilityList<'a> {
    fn facility(&self, fi: usize) -> Option<JsonFacility<'a>> {
        let (park, iso) = (self.park, self.iso);
        let fc = self.coverage.facilities.get(fi)?;
        let f = park.facilities.get(fc.facility as usize)?;
        Some(JsonFacility {
            id: &f.id,
            name: &f.name,
            kind: f.kind.code(),
            radius_m: fc.radius_m,
            // In index order: a covered list keeps it.
            enterprises: IdList::covered(park, &fc.covered),
            employees: fc.employees,
            isochrone: iso.and_then(|run| first_iso(run, park, fi)),
            isochrones: iso.and_then(|run| all_isos(run, park, fi)),
        })
    }
}

impl FacilityList<'_> {
    /// The list as JSON text: the facilities rendered in parallel a few at a time
    /// and written in order.
    fn write_to(&self, w: &mut impl Write, ids: &IdTexts) -> io::Result<()> {
        let n = self.coverage.facilities.len();
        write_joined(
            w,
            (b'[', b']'),
            n,
            FACILITIES_A_PIECE,
            |fi, out| match self.facility(fi) {
                Some(f) => f.write_to(out, ids).map(|()| true),
                None => Ok(false),
            },
        )
    }
}

impl Serialize for FacilityList<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((0..self.coverage.facilities.len()).filter_map(|fi| self.facility(fi)))
    }
}

#[derive(Serialize)]
struct JsonFacility<'a> {
    id: &'a str,
    name: &'a str,
    kind: &'static str,
    radius_m: f64,
    enterprises: IdList<'a>,
    employees: u64,
    /// The first `--isochrone`.
    #[serde(skip_serializing_if = "Option::is_none")]
    isochrone: Option<JsonIso<'a>>,
    /// Every `--isochrone`, when several were given.
    #[serde(skip_serializing_if = "Option::is_none")]
    isochrones: Option<Vec<JsonIso<'a>>>,
}

impl JsonFacility<'_> {
    /// What `serde_json` writes for it, the enterprise list copied from `ids`.
    fn write_to(&self, out: &mut Vec<u8>, ids: &IdTexts) -> io::Result<()> {
        out.push(b'{');
        member(out, true, "id", &self.id)?;
        member(out, false, "name", &self.name)?;
        member(out, false, "kind", &self.kind)?;
        member(out, false, "radius_m", &self.radius_m)?;
        key(out, false, "enterprises")?;
        self.enterprises.write_to(out, ids)?;
        member(out, false, "employees", &self.employees)?;
        if let Some(iso) = &self.isochrone {
            member(out, false, "isochrone", iso)?;
        }
        if let Some(isos) = &self.isochrones {
            member(out, false, "isochrones", isos)?;
        }
        out.push(b'}');
        Ok(())
    }
}

#[derive(Serialize)]
struct JsonKind {
    kind: &'static str,
    label: &'static str,
    radius_m: f64,
    facilities: usize,
    covered_enterprises: usize,
    covered_employees: u64,
    uncovered_enterprises: usize,
    union_km2: f64,
    covered_in_park_km2: f64,
    share_of_park: f64,
}

#[derive(Serialize)]
struct JsonAllKinds {
    circles: usize,
    union_km2: f64,
    covered_in_park_km2: f64,
    share_of_park: f64,
}

#[derive(Serialize)]
struct JsonParkArea<'a> {
    definition: &'a str,
    km2: f64,
}

#[derive(Serialize)]
struct JsonRoute<'a> {
    id: &'a str,
    name: &'a str,
    length_m: f64,
    stops: usize,
    mean_stop_spacing_m: Option<f64>,
    min_stop_spacing_m: Option<f64>,
    max_stop_spacing_m: Option<f64>,
    catchment_m: f64,
    enterprises: IdList<'a>,
    employees: u64,
    share_of_enterprises: f64,
}

impl JsonRoute<'_> {
    /// What `serde_json` writes for it, the enterprise list copied from `ids`.
    fn write_to(&self, out: &mut Vec<u8>, ids: &IdTexts) -> io::Result<()> {
        out.push(b'{');
        member(out, true, "id", &self.id)?;
        member(out, false, "name", &self.name)?;
        member(out, false, "length_m", &self.length_m)?;
        member(out, false, "stops", &self.stops)?;
        member(out, false, "mean_stop_spacing_m", &self.mean_stop_spacing_m)?;
        member(out, false, "min_stop_spacing_m", &self.min_stop_spacing_m)?;
        member(out, false, "max_stop_spacing_m", &self.max_stop_spacing_m)?;
        member(out, false, "catchment_m", &self.catchment_m)?;
        key(out, false, "enterprises")?;
        self.enterprises.write_to(out, ids)?;
        member(out, false, "employees", &self.employees)?;
        member(
            out,
            false,
            "share_of_enterprises",
            &self.share_of_enterprises,
        )?;
        out.push(b'}');
        Ok(())
    }
}

#[derive(Serialize)]
struct JsonTally {
    parcels: usize,
    area_mu: f64,
    area_ha: f64,
}

#[derive(Serialize)]
struct JsonLand {
    parcels: usize,
    area_mu: f64,
    area_ha: f64,
    area_method: &'static str,
    declared_area_mu: f64,
    parcels_declaring_area: usize,
    by_status: BTreeMap<&'static str, JsonTally>,
    by_land_use: BTreeMap<String, JsonTally>,
    approval_by_year: BTreeMap<String, super::ledger_json::JsonYear>,
}

#[derive(Serialize)]
struct JsonStage<'a> {
    stage: &'static str,
    projects: Vec<&'a str>,
    investment_yi: f64,
    secretaries: &'a [String],
}

#[derive(Serialize)]
struct JsonSite<'a> {
    project: &'a str,
    parcel: Option<&'a str>,
    located_parcel: Option<&'a str>,
    how: &'static str,
}

#[derive(Serialize)]
struct JsonProjects<'a> {
    by_stage: Vec<JsonStage<'a>>,
    sites: Vec<JsonSite<'a>>,
    mismatches: usize,
    #[serde(flatten)]
    ledger: super::ledger_json::JsonProjectLedger<'a>,
}

fn tally(t: &analysis::AreaTally) -> JsonTally {
    JsonTally {
        parcels: t.parcels,
        area_mu: round(t.mu(), 2),
        area_ha: round(t.ha(), 4),
    }
}

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

/// Builds the JSON report; with isochrones, each facility gets `"isochrone"` (the
/// first travel choice) and, for several choices, `"isochrones"`, and the report gets
/// `"network"` and `"isochrone_uncovered"`. `timings` (phase, seconds) adds
/// `"timings_s"`.
pub fn build<'a>(input: ReportInput<'a>, timings: Option<Vec<(String, f64)>>) -> JsonReport<'a> {
    let (park, r) = (input.park, input.analysis);
    let iso = input.isochrones();
    let facilities = FacilityList {
        park,
        coverage: &r.coverage,
        iso,
    };
    let coverage_by_kind = r
        .coverage
        .kinds
        .iter()
        .map(|k| {
            let a = r.areas.kinds.iter().find(|a| a.kind == k.kind);
            JsonKind {
                kind: k.kind.code(),
                label: k.kind.label(Lang::Zh),
                radius_m: k.radius_m,
                facilities: k.facilities.len(),
                covered_enterprises: k.covered_enterprises,
                covered_employees: k.covered_employees,
                uncovered_enterprises: k.uncovered.len(),
                union_km2: a.map_or(0.0, |a| a.union_km2),
                covered_in_park_km2: a.map_or(0.0, |a| a.covered_in_park_km2),
                share_of_park: a.map_or(0.0, |a| a.share_of_park),
            }
        })
        .collect();
    let uncovered = r
        .coverage
        .kinds
        .iter()
        .map(|k| (k.kind.code(), IdList::new(park, &k.uncovered[..])))
        .collect();
    let routes = r
        .routes
        .routes
        .iter()
        .map(|rs| {
            let route = &park.routes[rs.route as usize];
            JsonRoute {
                id: &route.id,
                name: &route.name,
                length_m: round(rs.length_m, 3),
                stops: rs.stops.len(),
                mean_stop_spacing_m: rs.spacing.map(|s| round(s.mean_m, 2)),
                min_stop_spacing_m: rs.spacing.map(|s| round(s.min_m, 2)),
                max_stop_spacing_m: rs.spacing.map(|s| round(s.max_m, 2)),
                catchment_m: rs.catchment_m,
                enterprises: IdList::new(park, &rs.enterprises[..]),
                employees: rs.employees,
                share_of_enterprises: rs.share_of_enterprises,
            }
        })
        .collect();
    let land = JsonLand {
        parcels: r.land.total.parcels,
        area_mu: round(r.land.total.mu(), 2),
        area_ha: round(r.land.total.ha(), 4),
        area_method: "geodesic area of each parcel's geometry (WGS84, Karney)",
        declared_area_mu: round(r.land.declared_mu.0, 2),
        parcels_declaring_area: r.land.declared_mu.1,
        by_status: r
            .land
            .by_status
            .iter()
            .map(|(s, t)| (s.code(), tally(t)))
            .collect(),
        by_land_use: r
            .land
            .by_land_use
            .iter()
            .map(|(u, t)| (u.clone().unwrap_or_else(|| "unknown".into()), tally(t)))
            .collect(),
        approval_by_year: super::ledger_json::approval_by_year(&r.ledger),
    };
    let pid = |i: u32| park.parcels[i as usize].id.as_str();
    let projects = JsonProjects {
        by_stage: r
            .projects
            .iter()
            .map(|s| JsonStage {
                stage: s.stage.map_or("unknown", |x| x.code()),
                projects: s
                    .projects
                    .iter()
                    .map(|&p| park.projects[p as usize].id.as_str())
                    .collect(),
                investment_yi: round(s.investment_yi, 4),
                secretaries: &s.secretaries,
            })
            .collect(),
        sites: r
            .sites
            .iter()
            .map(|s| JsonSite {
                project: &park.projects[s.project as usize].id,
                parcel: s.parcel.map(pid),
                located_parcel: s.located.map(pid),
                how: site_word(s.how),
            })
            .collect(),
        mismatches: r
            .sites
            .iter()
            .filter(|s| matches!(s.how, SiteMatch::Mismatch | SiteMatch::UnknownDeclared))
            .count(),
        ledger: super::ledger_json::project_ledger(park, &r.ledger),
    };
    JsonReport {
        method: &r.method,
        park: &park.name,
        settings: &r.settings,
        totals: JsonTotals {
            enterprises: park.enterprises.len(),
            located_enterprises: r.coverage.located_enterprises,
            facilities: park.facilities.len(),
            facility_enterprise_pairs: r.coverage.pairs(),
            routes: park.routes.len(),
            stops: park.stops.len(),
            parcels: park.parcels.len(),
            projects: park.projects.len(),
        },
        facilities,
        coverage_by_kind,
        uncovered,
        coverage_all_kinds: JsonAllKinds {
            circles: r.areas.all.circles,
            union_km2: r.areas.all.union_km2,
            covered_in_park_km2: r.areas.all.covered_in_park_km2,
            share_of_park: r.areas.all.share_of_park,
        },
        park_area: r.areas.park.as_ref().map(|p| JsonParkArea {
            definition: &p.definition,
            km2: p.km2,
        }),
        routes,
        enterprises_beyond_all_routes: IdList::new(park, &r.routes.beyond_all[..]),
        land,
        projects,
        constraints: super::ledger_json::constraints(park, r),
        network: iso.map(|run| network_json(run, park)),
        isochrone_uncovered: iso.map(|run| uncovered_json(run, park)),
        timings_s: timings.map(|t| t.into_iter().collect()),
        living_circles: r
            .living
            .tiers
            .iter()
            .map(|t| {
                let tier = JsonTier {
                    radius_m: t.radius_m,
                    required: t.required.iter().map(|(k, _)| k.code()).collect(),
                    reach: reach_json(&t.required, &t.reach),
                    parcels_total: t.parcels_total,
                    parcels_compliant: t.parcels_compliant,
                    share: (t.share() * 1e6).round() / 1e6,
                    missing: MissingMap::new(
                        &t.missing,
                        Box::new(|i| park.parcels.get(i).map(|p| p.id.as_str())),
                    ),
                };
                (t.name.as_str(), tier)
            })
            .collect(),
        service_circle: {
            let sc = &r.living.service;
            JsonService {
                name: &sc.name,
                radius_m: sc.radius_m,
                required: sc.required.iter().map(|(k, _)| k.code()).collect(),
                reach: reach_json(&sc.required, &sc.reach),
                enterprises_total: sc.enterprises_total,
                enterprises_compliant: sc.enterprises_compliant,
                share: (sc.share() * 1e6).round() / 1e6,
                missing: MissingMap::new(
                    &sc.missing,
                    Box::new(|i| park.enterprises.get(i).map(|e| e.id.as_str())),
                ),
            }
        },
    }
}

// ------------------------------------------------------------------ isochrones

/// `15` for whole minutes, `7.5` otherwise.
fn minutes_value(m: f64) -> serde_json::Value {
    if m.fract() == 0.0 && m.abs() < 1e9 {
        serde_json::Value::from(m as i64)
    } else {
        serde_json::Value::from(m)
    }
}

/// One facility's isochrone in JSON (the keys up to `beyond_circle` are a contract).
#[derive(Serialize)]
struct JsonIso<'a> {
    mode: &'static str,
    minutes: serde_json::Value,
    enterprises: Vec<&'a str>,
    false_coverage: Vec<&'a str>,
    beyond_circle: Vec<&'a str>,
    employees: u64,
    on_network: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    network_component: Option<usize>,
    /// Real travel minutes of each `false_coverage` enterprise (null beyond 4× the time).
    false_coverage_minutes: Vec<Option<f64>>,
}

/// One facility's entry of one analysis.
fn iso_of<'a>(a: &IsochroneAnalysis, park: &'a Park, fi: usize) -> Option<JsonIso<'a>> {
    let eid = |i: u32| park.enterprises[i as usize].id.as_str();
    let f = a.facilities.get(fi)?;
    Some(JsonIso {
        mode: a.spec.mode.code(),
        minutes: minutes_value(a.spec.minutes),
        enterprises: f.reached.iter().map(|(e, _)| eid(*e)).collect(),
        false_coverage: f.false_coverage.iter().map(|&e| eid(e)).collect(),
        beyond_circle: f.beyond_circle.iter().map(|&e| eid(e)).collect(),
        employees: f.employees,
        on_network: f.on_network,
        network_component: f.on_network.then_some(f.component),
        false_coverage_minutes: f
            .false_coverage_minutes
            .iter()
            .map(|m| m.map(|m| (m as f64 * 100.0).round() / 100.0))
            .collect(),
    })
}

/// Facility `fi`'s isochrone of the first choice (`"isochrone"`).
fn first_iso<'a>(run: &IsoRun, park: &'a Park, fi: usize) -> Option<JsonIso<'a>> {
    run.analyses.first().and_then(|a| iso_of(a, park, fi))
}

/// Facility `fi`'s isochrones of every choice (`"isochrones"`), when there are several.
fn all_isos<'a>(run: &IsoRun, park: &'a Park, fi: usize) -> Option<Vec<JsonIso<'a>>> {
    (run.analyses.len() > 1).then(|| {
        run.analyses
            .iter()
            .filter_map(|a| iso_of(a, park, fi))
            .collect()
    })
}

/// A connected piece of the road network.
#[derive(Serialize)]
struct JsonComponent {
    nodes: usize,
    km: f64,
    roads: Vec<String>,
}

/// The top-level `"network"` key.
#[derive(Serialize)]
struct JsonNetwork<'a> {
    nodes: usize,
    edges: usize,
    km: f64,
    walk_kmh: f64,
    ebike_kmh: f64,
    snap_tolerance_m: f64,
    max_access_m: f64,
    /// Largest first; the first is the main network.
    components: Vec<JsonComponent>,
    /// Enterprises farther than `max_access_m` from every road.
    unreachable: Vec<&'a str>,
    /// Their distances to the nearest road, metres (null without roads).
    unreachable_distance_m: Vec<Option<f64>>,
    /// Facilities farther than `max_access_m` from every road.
    facilities_off_network: Vec<&'a str>,
    /// Facilities on a piece other than the main network.
    facilities_on_isolated_pieces: Vec<&'a str>,
}

/// The network's figures and problems.
fn network_json<'a>(run: &IsoRun, park: &'a Park) -> JsonNetwork<'a> {
    let g = &run.graph;
    let first = run.analyses.first();
    let eid = |i: u32| park.enterprises[i as usize].id.as_str();
    let fid = |i: u32| park.facilities[i as usize].id.as_str();
    JsonNetwork {
        nodes: g.graph.node_count(),
        edges: g.graph.edge_count(),
        km: (g.total_length_m() / 10.0).round() / 100.0,
        walk_kmh: g.settings.walk_kmh,
        ebike_kmh: g.settings.ebike_kmh,
        snap_tolerance_m: g.settings.snap_tolerance_m,
        max_access_m: g.settings.max_access_m,
        components: g
            .components
            .iter()
            .map(|c| JsonComponent {
                nodes: c.nodes,
                km: (c.length_m / 10.0).round() / 100.0,
                roads: c.roads.clone(),
            })
            .collect(),
        unreachable: first
            .map(|a| a.unreachable.iter().map(|(e, _)| eid(*e)).collect())
            .unwrap_or_default(),
        unreachable_distance_m: first
            .map(|a| {
                a.unreachable
                    .iter()
                    .map(|(_, d)| d.map(|d| (d * 10.0).round() / 10.0))
                    .collect()
            })
            .unwrap_or_default(),
        facilities_off_network: first
            .map(|a| {
                a.facilities
                    .iter()
                    .filter(|f| {
                        !f.on_network && park.facilities[f.facility as usize].location.is_some()
                    })
                    .map(|f| fid(f.facility))
                    .collect()
            })
            .unwrap_or_default(),
        facilities_on_isolated_pieces: first
            .map(|a| {
                a.facilities
                    .iter()
                    .filter(|f| f.on_network && f.component != 0)
                    .map(|f| fid(f.facility))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// Per travel choice (`walk:15`), per kind: the enterprises none of the kind's
/// facilities reaches.
fn uncovered_json<'a>(
    run: &IsoRun,
    park: &'a Park,
) -> BTreeMap<String, BTreeMap<&'static str, Vec<&'a str>>> {
    run.analyses
        .iter()
        .map(|a| {
            (
                a.spec.label(),
                a.uncovered
                    .iter()
                    .map(|(k, v)| {
                        (
                            k.code(),
                            v.iter()
                                .map(|&e| park.enterprises[e as usize].id.as_str())
                                .collect(),
                        )
                    })
                    .collect(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_map_writes_what_a_btreemap_writes() {
        use FacilityKind as K;
        let kinds = [
            vec![K::Kindergarten],
            vec![K::MiddleSchool, K::Kindergarten],
            vec![],
        ];
        // Out of order, a repeated id (the last one wins) and an id needing escapes.
        let entries = vec![
            ("b", kinds[0].as_slice()),
            ("a", kinds[1].as_slice()),
            ("b", kinds[2].as_slice()),
            ("c\"x", kinds[0].as_slice()),
            ("a", kinds[0].as_slice()),
            ("a", kinds[1].as_slice()),
        ];
        let expected: BTreeMap<&str, Vec<&str>> = entries
            .iter()
            .map(|(id, k)| (*id, k.iter().map(|k| k.code()).collect()))
            .collect();
        let want = serde_json::to_string(&expected).expect("map");
        let got = serde_json::to_string(&MissingMap::from_entries(entries)).expect("missing");
        assert_eq!(got, want);
        assert_eq!(
            got,
            r#"{"a":["middle_school","kindergarten"],"b":[],"c\"x":["kindergarten"]}"#
        );
        // By record index; a record without an id is left out.
        // Ids in order are written straight from the list, others sorted first: the
        // same text.
        let missing: MissingKinds =
            vec![(1u32, kinds[0].clone()), (0, kinds[1].clone()), (9, vec![])]
                .into_iter()
                .collect();
        for ids in [["x", "w"], ["w", "x"]] {
            let map = MissingMap::new(&missing, Box::new(move |i| ids.get(i).copied()));
            assert_eq!(matches!(map, MissingMap::InOrder(..)), ids[1] < ids[0]);
            let got = serde_json::to_string(&map).expect("missing");
            let (w, x) = if ids[1] == "w" { (0, 1) } else { (1, 0) };
            assert_eq!(
                got,
                format!(
                    r#"{{"w":{},"x":{}}}"#,
                    serde_json::to_string(&kinds[w].iter().map(|k| k.code()).collect::<Vec<_>>())
                        .expect("w"),
                    serde_json::to_string(&kinds[x].iter().map(|k| k.code()).collect::<Vec<_>>())
                        .expect("x"),
                )
            );
        }
    }
}
