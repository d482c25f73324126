//! The park model: layers as read, and the typed records planners reason about.
//!
//! A [`Park`] owns its [`Layer`]s (features, lon/lat geometry, every original
//! property) and the records built from them by role ([`Parcel`], [`Project`],
//! [`Enterprise`], [`Facility`], [`BusRoute`], [`BusStop`], [`Road`]). Records are
//! rebuilt from layers after every edit, so the layers are the single source of truth.
//!
//! No file I/O, no GUI.

pub mod attributes;
pub mod date;
pub mod edit;
pub mod grow;
pub mod gtfs;
pub mod interior_point;
pub mod layer;
pub mod polygon_area;
pub mod records;
pub mod route_fit;
pub mod rows;
pub mod stop_seq;
#[cfg(test)]
pub(crate) mod test_rng;
pub mod text;
pub mod units;
pub mod vertex;
pub mod vocab;

use geo::{Geometry, MultiPolygon};
use polygon_area::geodesic_area_unsigned;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

pub use attributes::{AttributeTable, PropValue};
pub use edit::{Edit, EditError, FeatureData, History};
pub use layer::{
    FeatureExtras, FeatureId, Field, FieldColumns, FieldMap, GeomFamily, Layer, LayerSource,
    RowVersion, TextEncoding,
};
pub use records::{
    ApprovalDates, BusRoute, BusStop, Constraint, Enterprise, Facility, FeatureRef, KeyDates,
    OptionalF64, Parcel, Project, Road, lines_of, representative_point,
};
pub use text::Text;
pub use units::{Meters, Mu, SquareMeters};
pub use vocab::{
    ApprovalStatus, ConstraintKind, Document, FacilityKind, Lang, LifecycleStage, Phase, Role,
};

/// A park: its layers and the typed records built from them.
#[derive(Debug, Clone, Default)]
pub struct Park {
    /// The park's name (from the manifest, else the first layer's folder).
    pub name: String,
    /// Layers in drawing order (first drawn first).
    pub layers: Vec<Layer>,
    /// 地块.
    pub parcels: Vec<Parcel>,
    /// 项目.
    pub projects: Vec<Project>,
    /// 企业.
    pub enterprises: Vec<Enterprise>,
    /// 服务设施.
    pub facilities: Vec<Facility>,
    /// 公交线路.
    pub routes: Vec<BusRoute>,
    /// 公交站点.
    pub stops: Vec<BusStop>,
    /// 道路.
    pub roads: Vec<Road>,
    /// 三区三线 and arable-land constraint zones.
    pub constraints: Vec<Constraint>,
}

impl Park {
    /// A park from layers, with its records built.
    pub fn from_layers(name: impl Into<String>, layers: Vec<Layer>) -> Park {
        let mut park = Park {
            name: name.into(),
            layers,
            ..Park::default()
        };
        park.rebuild_records();
        park
    }

    /// The layer a record lives in.
    pub fn layer_of(&self, f: FeatureRef) -> Option<&Layer> {
        self.layers.get(f.layer as usize)
    }

    /// The geometry of a feature (lon/lat).
    pub fn geometry(&self, f: FeatureRef) -> Option<&Geometry<f64>> {
        self.layer_of(f)?.geometries.get(f.index as usize)?.as_ref()
    }

    /// Rebuilds every typed record from the layers (after loading or editing).
    ///
    /// Parcels and constraints (measuring their geodesic areas is most of their work)
    /// are built beside the other roles (enterprises: a million records whose text
    /// handles each count a reference on their column's one buffer), each role in
    /// parallel inside. Built one role after another, both cores counted references on
    /// the same buffers at once, the counts' cache lines going back and forth between
    /// them (0.3 CPU-s of the 1.4 the records of the 1M scene took); side by side, one
    /// core mostly builds enterprises while the other measures parcels.
    pub fn rebuild_records(&mut self) {
        const MEASURED: [Role; 2] = [Role::Parcels, Role::Constraints];
        let layers = &self.layers;
        let (measured, others) = rayon::join(
            || MEASURED.map(|role| build_role(layers, role)),
            || {
                Role::ALL
                    .iter()
                    .filter(|role| !MEASURED.contains(role))
                    .map(|role| build_role(layers, *role))
                    .collect::<Vec<_>>()
            },
        );
        for records in measured.into_iter().chain(others) {
            self.set_records(records);
        }
    }

    /// Rebuilds the records of one role only (after an edit of a layer with that role:
    /// records of other roles point at other layers and stay valid).
    pub fn rebuild_records_of(&mut self, role: Role) {
        let records = build_role(&self.layers, role);
        self.set_records(records);
    }

    /// Puts a role's records in place.
    fn set_records(&mut self, records: RoleRecords) {
        match records {
            RoleRecords::Parcels(v) => self.parcels = v,
            RoleRecords::Projects(v) => self.projects = v,
            RoleRecords::Enterprises(v) => self.enterprises = v,
            RoleRecords::Facilities(v) => self.facilities = v,
            RoleRecords::Routes(v) => self.routes = v,
            RoleRecords::Stops(v) => self.stops = v,
            RoleRecords::Roads(v) => self.roads = v,
            RoleRecords::Constraints(v) => self.constraints = v,
            RoleRecords::None => {}
        }
    }

    /// Refreshes the record of one edited feature in place, when its role has one
    /// record per feature (enterprises, facilities, stops) and its id did not change;
    /// `false` when the role's records must be rebuilt instead. What a whole rebuild
    /// would give, at the cost of one record (an edit of one enterprise of a million).
    pub fn refresh_record(&mut self, layer: usize, index: usize) -> bool {
        let Some(l) = self.layers.get(layer) else {
            return false;
        };
        if index >= l.len() {
            return false;
        }
        // Records of a role are its layers' features, layer after layer.
        let offset: usize = self.layers[..layer]
            .iter()
            .filter(|x| x.role == l.role)
            .map(Layer::len)
            .sum();
        let at = offset + index;
        let li = layer as u32;
        let f = fref(li, index);
        macro_rules! refresh {
            ($records:expr, $make:expr, $same_order:expr) => {{
                // Where the record is (stops are kept in route order, not layer order).
                let at = match $records.get(at) {
                    Some(r) if r.feature == f => at,
                    _ => match $records.iter().position(|r| r.feature == f) {
                        Some(k) => k,
                        None => return false,
                    },
                };
                let old = &mut $records[at];
                let new = $make(li, &l.field_columns(), index);
                // Unchanged, or made unique by `make_ids_unique` ("id#n").
                let same_id = old.id == new.id
                    || old
                        .id
                        .strip_prefix(new.id.as_str())
                        .is_some_and(|rest| rest == format!("#{}", index + 1));
                if !same_id || !$same_order(&*old, &new) {
                    return false;
                }
                let id = old.id.clone();
                *old = new;
                old.id = id;
                true
            }};
        }
        match l.role {
            Role::Enterprises => refresh!(
                self.enterprises,
                enterprise_at,
                |_: &Enterprise, _: &Enterprise| true
            ),
            Role::Facilities => {
                refresh!(
                    self.facilities,
                    facility_at,
                    |_: &Facility, _: &Facility| true
                )
            }
            Role::BusStops => refresh!(self.stops, stop_at, |a: &BusStop, b: &BusStop| a.route
                == b.route
                && a.seq == b.seq),
            _ => false,
        }
    }

    /// The stops of a route, in sequence order.
    pub fn stops_of_route<'a>(&'a self, route: &'a str) -> impl Iterator<Item = &'a BusStop> + 'a {
        self.stops
            .iter()
            .filter(move |s| s.route.as_deref() == Some(route))
    }

    /// The route with this name (or id), e.g. "KW6".
    pub fn route_named(&self, name: &str) -> Option<&BusRoute> {
        let n = name.trim();
        self.routes
            .iter()
            .find(|r| r.name == n)
            .or_else(|| self.routes.iter().find(|r| r.id == n))
            .or_else(|| self.routes.iter().find(|r| r.name.eq_ignore_ascii_case(n)))
    }

    /// Every feature's lon/lat extent, over all layers.
    pub fn extent(&self) -> Option<geo::Rect<f64>> {
        self.layers
            .iter()
            .filter_map(|l| l.extent())
            .reduce(layer::rect_union)
    }

    /// Total counts, for status lines and summaries.
    pub fn counts(&self) -> [(Role, usize); 7] {
        [
            (Role::Parcels, self.parcels.len()),
            (Role::Projects, self.projects.len()),
            (Role::Enterprises, self.enterprises.len()),
            (Role::Facilities, self.facilities.len()),
            (Role::BusRoutes, self.routes.len()),
            (Role::BusStops, self.stops.len()),
            (Role::Roads, self.roads.len()),
        ]
    }
}

/// One role's records, as [`build_role`] builds them.
enum RoleRecords {
    Parcels(Vec<Parcel>),
    Projects(Vec<Project>),
    Enterprises(Vec<Enterprise>),
    Facilities(Vec<Facility>),
    Routes(Vec<BusRoute>),
    Stops(Vec<BusStop>),
    Roads(Vec<Road>),
    Constraints(Vec<Constraint>),
    /// A role without records ([`Role::Other`]).
    None,
}

/// The records of `role` built from the layers with that role, in layer order (stops
/// in route order: by route name, then sequence), with ids shared by several records
/// made unique: each becomes "id#n" (n: the feature's number in its layer), stable
/// whatever else changes.
fn build_role(layers: &[Layer], role: Role) -> RoleRecords {
    fn records<T>(layers: &[Layer], role: Role, of: fn(u32, &Layer) -> Vec<T>) -> Vec<T> {
        gather(
            layers
                .iter()
                .enumerate()
                .filter(|(_, l)| l.role == role)
                .map(|(li, l)| of(li as u32, l)),
        )
    }
    // Ids in strictly increasing order (most exports) are all different: checked in
    // place, without a list of a million handles.
    macro_rules! unique {
        ($v:ident) => {{
            if !ids_increasing($v.iter().map(|r| &r.id)) {
                make_ids_unique($v.iter_mut().map(|r| (&mut r.id, r.feature)));
            }
            $v
        }};
    }
    macro_rules! built {
        ($variant:ident, $of:expr) => {{
            let mut v = records(layers, role, $of);
            RoleRecords::$variant(unique!(v))
        }};
    }
    match role {
        Role::Parcels => built!(Parcels, parcels_of),
        Role::Projects => built!(Projects, projects_of),
        Role::Enterprises => built!(Enterprises, enterprises_of),
        Role::Facilities => built!(Facilities, facilities_of),
        Role::BusRoutes => built!(Routes, routes_of),
        Role::BusStops => {
            let mut v = records(layers, role, stops_of);
            v.sort_by(|a, b| {
                (a.route.as_deref(), a.seq.unwrap_or(u32::MAX), a.feature).cmp(&(
                    b.route.as_deref(),
                    b.seq.unwrap_or(u32::MAX),
                    b.feature,
                ))
            });
            RoleRecords::Stops(unique!(v))
        }
        Role::Roads => built!(Roads, roads_of),
        Role::Constraints => built!(Constraints, constraints_of),
        Role::Other => RoleRecords::None,
    }
}

fn fref(layer: u32, index: usize) -> FeatureRef {
    FeatureRef {
        layer,
        index: index as u32,
    }
}

/// The polygons of a geometry (Polygon, MultiPolygon, or those inside a collection).
pub fn polygons_of(g: &Geometry<f64>) -> MultiPolygon<f64> {
    match g {
        Geometry::Polygon(p) => MultiPolygon(vec![p.clone()]),
        Geometry::MultiPolygon(m) => m.clone(),
        Geometry::Rect(r) => MultiPolygon(vec![r.to_polygon()]),
        Geometry::Triangle(t) => MultiPolygon(vec![t.to_polygon()]),
        Geometry::GeometryCollection(c) => {
            MultiPolygon(c.iter().flat_map(|g| polygons_of(g).0).collect())
        }
        _ => MultiPolygon(vec![]),
    }
}

/// The geodesic area (m², unsigned) of the polygons of a geometry: the same number as
/// `polygons_of(g).geodesic_area_unsigned()` (the polygons' areas added in order from
/// 0), without copying the polygons.
pub fn geodesic_area_of(g: &Geometry<f64>) -> f64 {
    fn add(g: &Geometry<f64>, total: &mut f64) {
        match g {
            Geometry::Polygon(p) => *total += geodesic_area_unsigned(p),
            Geometry::MultiPolygon(m) => {
                for p in m {
                    *total += geodesic_area_unsigned(p);
                }
            }
            Geometry::Rect(r) => *total += geodesic_area_unsigned(&r.to_polygon()),
            Geometry::Triangle(t) => *total += geodesic_area_unsigned(&t.to_polygon()),
            Geometry::GeometryCollection(c) => c.iter().for_each(|g| add(g, total)),
            _ => {}
        }
    }
    let mut total = 0.0;
    add(g, &mut total);
    total
}

/// Whether a geometry has a polygon (`polygons_of` would not be empty).
fn has_polygon(g: &Geometry<f64>) -> bool {
    match g {
        Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => true,
        Geometry::MultiPolygon(m) => !m.0.is_empty(),
        Geometry::GeometryCollection(c) => c.iter().any(has_polygon),
        _ => false,
    }
}

fn name_or_id(c: &FieldColumns<'_>, i: usize) -> Text {
    c.text(i, Field::Name).unwrap_or_else(|| c.display_id(i))
}

fn parcels_of(li: u32, layer: &Layer) -> Vec<Parcel> {
    let c = &layer.field_columns();
    (0..layer.len())
        .into_par_iter()
        .map(|i| {
            let area = layer.geometries[i]
                .as_ref()
                .map(|g| SquareMeters(geodesic_area_of(g)))
                .unwrap_or_default();
            let declared_area = c
                .f64(i, Field::AreaMu)
                .map(Mu)
                .or_else(|| c.f64(i, Field::AreaM2).map(|m2| SquareMeters(m2).to_mu()));
            Parcel {
                feature: fref(li, i),
                id: c.display_id(i),
                land_use: c.text(i, Field::LandUse),
                status: ApprovalStatus::from_data(c.text(i, Field::Status).as_deref()),
                area,
                declared_area,
                project_id: c.text(i, Field::ProjectId),
                approval: ApprovalDates {
                    submitted: c.text(i, Field::SubmittedDate),
                    approved: c.text(i, Field::ApprovedDate),
                    supplied: c.text(i, Field::SuppliedDate),
                    batch: c.text(i, Field::Batch),
                },
            }
        })
        .collect()
}

fn projects_of(li: u32, layer: &Layer) -> Vec<Project> {
    let c = &layer.field_columns();
    (0..layer.len())
        .into_par_iter()
        .map(|i| Project {
            feature: fref(li, i),
            id: c.display_id(i),
            name: name_or_id(c, i),
            investor: c.text(i, Field::Investor),
            investment_yi: c.f64(i, Field::Investment),
            phase: c.text(i, Field::Phase).and_then(|p| Phase::parse(&p)),
            stage: c
                .text(i, Field::Stage)
                .and_then(|s| LifecycleStage::parse(&s)),
            secretary: c.text(i, Field::Secretary),
            agent: c.text(i, Field::Agent),
            dates: KeyDates {
                signed: c.text(i, Field::SignedDate),
                started: c.text(i, Field::StartDate),
                production: c.text(i, Field::ProductionDate),
                fulfilled: c.text(i, Field::FulfilledDate),
                library: c.text(i, Field::LibraryDate),
                documents: DOCUMENT_FIELDS.map(|f| c.text(i, f)),
            },
            parcel_id: c.text(i, Field::ParcelId),
            location: layer.geometries[i].as_ref().and_then(representative_point),
        })
        .collect()
}

/// The field holding each document's date, in [`Document::ALL`] order.
pub const DOCUMENT_FIELDS: [Field; 5] = [
    Field::DocLandUsePlanning,
    Field::DocDesignScheme,
    Field::DocWorksPlanning,
    Field::DocPropertyCertificate,
    Field::DocConstructionPermit,
];

/// The constraint kind a whole layer holds, from its name or its file's name
/// ("永久基本农田", "YJJBNT_421003.geojson" …).
pub fn layer_constraint_kind(layer: &Layer) -> Option<ConstraintKind> {
    ConstraintKind::recognise(&layer.name).or_else(|| {
        layer
            .source
            .path
            .as_ref()
            .and_then(|p| p.file_stem())
            .and_then(|s| ConstraintKind::recognise(&s.to_string_lossy()))
    })
}

/// Constraint zones: each polygon feature, its kind from its own 管控类型 field, else
/// its land class (01xx = arable land; other classes are not constraints and are
/// left out), else the layer's name.
fn constraints_of(li: u32, layer: &Layer) -> Vec<Constraint> {
    let c = &layer.field_columns();
    let layer_kind = layer_constraint_kind(layer);
    let has_class = layer.fields.contains_key(&Field::LandClass);
    (0..layer.len())
        .into_par_iter()
        .filter_map(|i| {
            let g = layer.geometries[i].as_ref()?;
            if !has_polygon(g) {
                return None;
            }
            let kind = match c.text(i, Field::ConstraintKind) {
                Some(t) => ConstraintKind::recognise(&t),
                None if has_class => {
                    // A land-survey layer: only arable classes are constraints.
                    let class = c.text(i, Field::LandClass)?;
                    Some(ConstraintKind::recognise(&class)?)
                }
                None => layer_kind,
            };
            Some(Constraint {
                feature: fref(li, i),
                id: c.display_id(i),
                kind,
                area: SquareMeters(geodesic_area_of(g)),
            })
        })
        .collect()
}

fn enterprises_of(li: u32, layer: &Layer) -> Vec<Enterprise> {
    let c = &layer.field_columns();
    (0..layer.len())
        .into_par_iter()
        .map(|i| enterprise_at(li, c, i))
        .collect()
}

fn enterprise_at(li: u32, c: &FieldColumns<'_>, i: usize) -> Enterprise {
    Enterprise {
        feature: fref(li, i),
        id: c.display_id(i),
        name: name_or_id(c, i),
        industry: c.text(i, Field::Industry),
        employees: c
            .f64(i, Field::Employees)
            .filter(|e| *e >= 0.0)
            .map(|e| e.round().min(u32::MAX as f64) as u32),
        output_value: c.f64(i, Field::OutputValue).into(),
        location: c.layer().geometries[i]
            .as_ref()
            .and_then(representative_point),
    }
}

/// The records of several layers in one list, in layer order. The common case, one
/// layer of a role, hands its list over as it is: no copy of a million records.
fn gather<T>(mut parts: impl Iterator<Item = Vec<T>>) -> Vec<T> {
    let mut all = parts.next().unwrap_or_default();
    for mut p in parts {
        all.append(&mut p);
    }
    all
}

/// Whether the ids are in strictly increasing order (then all different).
fn ids_increasing<'a>(mut ids: impl Iterator<Item = &'a Text>) -> bool {
    let Some(mut last) = ids.next() else {
        return true;
    };
    for id in ids {
        if *last >= *id {
            return false;
        }
        last = id;
    }
    true
}

/// Gives every id shared by several records "#n" (n: the feature's number in its
/// layer, from 1).
fn make_ids_unique<'a>(records: impl Iterator<Item = (&'a mut Text, FeatureRef)>) {
    let records: Vec<(&mut Text, FeatureRef)> = records.collect();
    let mut count: FxHashMap<&str, u32> = FxHashMap::default();
    count.reserve(records.len());
    for (id, _) in &records {
        *count.entry(id.as_str()).or_default() += 1;
    }
    let shared: FxHashSet<String> = count
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(id, _)| id.to_string())
        .collect();
    if shared.is_empty() {
        return;
    }
    for (id, f) in records {
        if shared.contains(id.as_str()) {
            *id = Text::from(format!("{id}#{}", f.index + 1));
        }
    }
}

fn facilities_of(li: u32, layer: &Layer) -> Vec<Facility> {
    let c = &layer.field_columns();
    (0..layer.len())
        .into_par_iter()
        .map(|i| facility_at(li, c, i))
        .collect()
}

fn facility_at(li: u32, c: &FieldColumns<'_>, i: usize) -> Facility {
    let name = name_or_id(c, i);
    let kind_text = c.text(i, Field::Kind);
    Facility {
        feature: fref(li, i),
        id: c.display_id(i),
        kind: FacilityKind::from_data(kind_text.as_deref(), &name),
        name,
        location: c.layer().geometries[i]
            .as_ref()
            .and_then(representative_point),
    }
}

fn routes_of(li: u32, layer: &Layer) -> Vec<BusRoute> {
    let c = &layer.field_columns();
    (0..layer.len())
        .into_par_iter()
        .filter_map(|i| {
            let line = lines_of(layer.geometries[i].as_ref()?);
            Some(BusRoute {
                feature: fref(li, i),
                id: c.display_id(i),
                name: name_or_id(c, i),
                line,
            })
        })
        .collect()
}

fn stops_of(li: u32, layer: &Layer) -> Vec<BusStop> {
    let c = &layer.field_columns();
    (0..layer.len())
        .into_par_iter()
        .map(|i| stop_at(li, c, i))
        .collect()
}

fn stop_at(li: u32, c: &FieldColumns<'_>, i: usize) -> BusStop {
    BusStop {
        feature: fref(li, i),
        id: c.display_id(i),
        name: name_or_id(c, i),
        route: c.text(i, Field::Route),
        seq: c.f64(i, Field::Seq).filter(|s| *s >= 0.0).map(|s| s as u32),
        location: c.layer().geometries[i]
            .as_ref()
            .and_then(representative_point),
    }
}

fn roads_of(li: u32, layer: &Layer) -> Vec<Road> {
    let c = &layer.field_columns();
    (0..layer.len())
        .into_par_iter()
        .filter_map(|i| {
            let line = lines_of(layer.geometries[i].as_ref()?);
            let oneway = c
                .text(i, Field::Oneway)
                .map(|t| {
                    matches!(
                        t.to_ascii_lowercase().as_str(),
                        "yes" | "true" | "1" | "是" | "单行" | "y"
                    )
                })
                .unwrap_or(false);
            Some(Road {
                feature: fref(li, i),
                id: c.display_id(i),
                name: name_or_id(c, i),
                class: c.text(i, Field::RoadClass),
                speed_kmh: c.f64(i, Field::Speed),
                oneway,
                line,
            })
        })
        .collect()
}

/// One step of the xorshift64 generator the unit tests draw deterministic
/// pseudo-random scenes from (`s` must not be 0).
#[cfg(test)]
pub(crate) fn xorshift(s: &mut u64) -> u64 {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    *s
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Coord, GeodesicArea, GeometryCollection, Point, Polygon, Rect, polygon};

    #[test]
    fn geodesic_area_of_is_the_area_of_the_polygons_bit_for_bit() {
        let a: Polygon<f64> = polygon![
            (x: 112.165286, y: 30.257560), (x: 112.165508, y: 30.257552),
            (x: 112.165515, y: 30.257821), (x: 112.165290, y: 30.257827),
        ];
        let b: Polygon<f64> = polygon![
            (x: 112.2, y: 30.3), (x: 112.21, y: 30.3), (x: 112.21, y: 30.31),
        ];
        let rect = Rect::new(
            Coord { x: 112.0, y: 30.0 },
            Coord {
                x: 112.001,
                y: 30.002,
            },
        );
        let cases: Vec<Geometry<f64>> = vec![
            Geometry::Polygon(a.clone()),
            Geometry::MultiPolygon(MultiPolygon(vec![a.clone(), b.clone()])),
            Geometry::MultiPolygon(MultiPolygon(vec![])),
            Geometry::Rect(rect),
            Geometry::GeometryCollection(GeometryCollection(vec![
                Geometry::Point(Point::new(112.0, 30.0)),
                Geometry::Polygon(b.clone()),
                Geometry::GeometryCollection(GeometryCollection(vec![
                    Geometry::Polygon(a.clone()),
                    Geometry::Rect(rect),
                ])),
            ])),
            Geometry::Point(Point::new(112.0, 30.0)),
        ];
        for g in &cases {
            let want = polygons_of(g).geodesic_area_unsigned();
            assert_eq!(geodesic_area_of(g).to_bits(), want.to_bits(), "{g:?}");
            assert_eq!(has_polygon(g), !polygons_of(g).0.is_empty(), "{g:?}");
        }
        assert!(geodesic_area_of(&cases[0]) > 100.0);
    }

    #[test]
    fn shared_ids_get_the_feature_number_whatever_the_order() {
        let unique = |ids: &[&str]| {
            let mut v: Vec<Text> = ids.iter().map(|s| Text::from(*s)).collect();
            make_ids_unique(v.iter_mut().enumerate().map(|(i, id)| (id, fref(0, i))));
            v
        };
        assert_eq!(unique(&["a", "b", "c"]), ["a", "b", "c"]);
        assert_eq!(unique(&["a", "b", "b", "c"]), ["a", "b#2", "b#3", "c"]);
        assert_eq!(unique(&["b", "a", "b"]), ["b#1", "a", "b#3"]);
        assert_eq!(unique(&["c", "b", "a"]), ["c", "b", "a"]);
        // The check that skips the counting.
        let increasing = |ids: &[&str]| {
            let v: Vec<Text> = ids.iter().map(|s| Text::from(*s)).collect();
            ids_increasing(v.iter())
        };
        assert!(increasing(&[]) && increasing(&["a"]) && increasing(&["a", "b", "c"]));
        assert!(!increasing(&["a", "b", "b"]) && !increasing(&["b", "a"]));
    }

    #[test]
    fn field_columns_read_what_the_layer_reads() {
        let mut t = AttributeTable::new();
        t.push_row([
            ("编号", PropValue::Str(" P1 ")),
            ("名称", PropValue::Str("甲")),
            ("人数", PropValue::Int(3)),
        ]);
        t.push_row([("编号", PropValue::Str("  ")), ("id", PropValue::Int(7))]);
        t.push_row([("名称", PropValue::Null), ("人数", PropValue::Float(2.5))]);
        t.push_row([("编号", PropValue::Str("P4"))]);
        let mut layer = Layer {
            ids: vec![None, None, None, Some(FeatureId::Str("F4".into()))],
            geometries: vec![None; 4],
            attributes: t,
            ..Layer::default()
        };
        layer.fields.insert(Field::Id, "编号".into());
        layer.fields.insert(Field::Name, "名称".into());
        layer.fields.insert(Field::Employees, "人数".into());
        layer
            .fields
            .insert(Field::Industry, "no such column".into());
        let c = layer.field_columns();
        for i in 0..layer.len() {
            assert_eq!(c.display_id(i), layer.display_id(i));
            assert_eq!(c.display_id_str(i), layer.display_id(i));
            for f in Field::ALL {
                assert_eq!(c.get(i, *f), layer.field(i, *f), "{i} {f:?}");
                assert_eq!(
                    c.text(i, *f).map(String::from),
                    layer.field_text(i, *f),
                    "{i} {f:?}"
                );
                assert_eq!(c.f64(i, *f), layer.field_f64(i, *f), "{i} {f:?}");
            }
        }
        let ids: Vec<Text> = (0..4).map(|i| c.display_id(i)).collect();
        assert_eq!(ids, ["P1", "7", "#3", "F4"]);
        assert_eq!(c.text(0, Field::Name).as_deref(), Some("甲"));
        assert_eq!(c.f64(2, Field::Employees), Some(2.5));
    }
}
