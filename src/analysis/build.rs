//! Small constructors for records, so examples, doc-tests, tests and benches can build
//! a hand-checkable park in code. They fill only what analysis reads; layers stay
//! empty (parcel polygons are kept in a layer so `Park::geometry` finds them).

use geo::{Geometry, LineString, MultiLineString, Point, Polygon};

use crate::model::Text;

use crate::model::{
    ApprovalStatus, BusRoute, BusStop, Enterprise, Facility, FacilityKind, FeatureRef, Layer,
    LifecycleStage, Parcel, Park, Project, Role, SquareMeters,
};

/// An enterprise at a lon/lat point.
pub fn enterprise(id: &str, lon: f64, lat: f64, employees: Option<u32>) -> Enterprise {
    Enterprise {
        feature: FeatureRef { layer: 0, index: 0 },
        id: id.to_string().into(),
        name: format!("企业{id}").into(),
        industry: None,
        employees,
        output_value: crate::model::OptionalF64::NONE,
        location: Some(Point::new(lon, lat)),
    }
}

/// A facility of a kind at a lon/lat point.
pub fn facility(id: &str, kind: FacilityKind, lon: f64, lat: f64) -> Facility {
    Facility {
        feature: FeatureRef { layer: 0, index: 0 },
        id: id.to_string().into(),
        name: format!("{}{id}", kind.label(crate::model::Lang::Zh)).into(),
        kind,
        location: Some(Point::new(lon, lat)),
    }
}

/// A bus route along lon/lat vertices.
pub fn route(id: &str, name: &str, lon_lat: &[(f64, f64)]) -> BusRoute {
    BusRoute {
        feature: FeatureRef { layer: 0, index: 0 },
        id: id.to_string().into(),
        name: name.to_string().into(),
        line: MultiLineString(vec![LineString::from(lon_lat.to_vec())]),
    }
}

/// A two-way road along lon/lat vertices (id `R{i}`, feature index `i`).
pub fn road(i: u32, lon_lat: &[(f64, f64)]) -> crate::model::Road {
    crate::model::Road {
        feature: FeatureRef { layer: 0, index: i },
        id: format!("R{i}").into(),
        name: format!("路{i}").into(),
        class: None,
        speed_kmh: None,
        oneway: false,
        line: MultiLineString(vec![LineString::from(lon_lat.to_vec())]),
    }
}

/// A stop of a route (by route name) with its sequence number.
pub fn stop(id: &str, route: &str, seq: u32, lon: f64, lat: f64) -> BusStop {
    BusStop {
        feature: FeatureRef { layer: 0, index: 0 },
        id: id.to_string().into(),
        name: format!("站{id}").into(),
        route: Some(route.to_string().into()),
        seq: Some(seq),
        location: Some(Point::new(lon, lat)),
    }
}

/// A project at a lon/lat point.
pub fn project(
    id: &str,
    stage: Option<LifecycleStage>,
    investment_yi: Option<f64>,
    secretary: Option<&str>,
    parcel_id: Option<&str>,
    lon: f64,
    lat: f64,
) -> Project {
    Project {
        feature: FeatureRef { layer: 0, index: 0 },
        id: id.to_string().into(),
        name: format!("项目{id}").into(),
        investor: None,
        investment_yi,
        phase: None,
        stage,
        secretary: secretary.map(Text::from),
        agent: None,
        dates: Default::default(),
        parcel_id: parcel_id.map(Text::from),
        location: Some(Point::new(lon, lat)),
    }
}

/// Adds a parcel with a lon/lat polygon to a park: the polygon goes into a parcels
/// layer (created on first use) and the record gets its geodesic area.
pub fn add_parcel(
    park: &mut Park,
    id: &str,
    land_use: Option<&str>,
    status: ApprovalStatus,
    ring: &[(f64, f64)],
) {
    use geo::GeodesicArea;
    let li = match park.layers.iter().position(|l| l.role == Role::Parcels) {
        Some(i) => i,
        None => {
            park.layers.push(Layer {
                name: "地块".into(),
                role: Role::Parcels,
                ..Layer::default()
            });
            park.layers.len() - 1
        }
    };
    let poly = Polygon::new(LineString::from(ring.to_vec()), vec![]);
    let area = SquareMeters(poly.geodesic_area_unsigned());
    let layer = &mut park.layers[li];
    layer.geometries.push(Some(Geometry::Polygon(poly)));
    layer.ids.push(None);
    let index = (layer.geometries.len() - 1) as u32;
    park.parcels.push(Parcel {
        feature: FeatureRef {
            layer: li as u32,
            index,
        },
        id: id.to_string().into(),
        land_use: land_use.map(Text::from),
        status,
        area,
        declared_area: None,
        project_id: None,
        approval: Default::default(),
    });
}

/// Adds a constraint zone with a lon/lat polygon to the constraints layer named `layer`
/// (created on first use; its kind comes from the name, e.g. "永久基本农田").
pub fn add_constraint(park: &mut Park, layer: &str, ring: &[(f64, f64)]) {
    use geo::GeodesicArea;
    let li = match park
        .layers
        .iter()
        .position(|l| l.role == Role::Constraints && l.name == layer)
    {
        Some(i) => i,
        None => {
            park.layers.push(Layer {
                name: layer.into(),
                role: Role::Constraints,
                ..Layer::default()
            });
            park.layers.len() - 1
        }
    };
    let poly = Polygon::new(LineString::from(ring.to_vec()), vec![]);
    let area = SquareMeters(poly.geodesic_area_unsigned());
    let l = &mut park.layers[li];
    l.geometries.push(Some(Geometry::Polygon(poly)));
    l.ids.push(None);
    let index = (l.geometries.len() - 1) as u32;
    park.constraints.push(crate::model::Constraint {
        feature: FeatureRef {
            layer: li as u32,
            index,
        },
        id: format!("{layer}-{}", index + 1).into(),
        kind: crate::model::ConstraintKind::recognise(layer),
        area,
    });
}
