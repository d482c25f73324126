//! Identify: which feature is under the cursor. Searches the visible layers topmost
//! first through each layer's spatial index (in `render::ProjectedPark`), using the exact
//! planar distance to the geometry (0 inside a polygon). Points win over lines, lines
//! over the polygons they lie on; then the topmost layer, then the nearest feature.

use crate::model::FeatureRef;
use crate::render::{PlanarGeom, ProjectedPark, WorldRect};

fn rank(g: &PlanarGeom) -> u8 {
    match g {
        PlanarGeom::Point(_) | PlanarGeom::MultiPoint(_) => 0,
        PlanarGeom::Lines(_) | PlanarGeom::Collection(_) => 1,
        PlanarGeom::Polygons(_) => 2,
    }
}

/// The feature at planar point `p` within `tol` metres, among `layers_top_first`,
/// skipping features `hidden` says are filtered out.
pub fn pick(
    projected: &ProjectedPark,
    p: [f64; 2],
    tol: f64,
    layers_top_first: &[usize],
    hidden: &dyn Fn(FeatureRef) -> bool,
) -> Option<FeatureRef> {
    let rect = WorldRect::from_corners([p[0] - tol, p[1] - tol], [p[0] + tol, p[1] + tol]);
    let mut best: Option<((u8, usize, f64), FeatureRef)> = None;
    for (order, &li) in layers_top_first.iter().enumerate() {
        let Some(layer) = projected.layers.get(li) else {
            continue;
        };
        for i in layer.unsorted_in_rect(&rect) {
            let fr = FeatureRef {
                layer: li as u32,
                index: i,
            };
            let Some(f) = layer.feature(i as usize) else {
                continue;
            };
            if hidden(fr) {
                continue;
            }
            let d = f.geom.distance_to(p);
            if d > tol {
                continue;
            }
            let key = (rank(&f.geom), order, d);
            if best
                .as_ref()
                .is_none_or(|(b, _)| key.partial_cmp(b) == Some(std::cmp::Ordering::Less))
            {
                best = Some((key, fr));
            }
        }
    }
    best.map(|b| b.1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Layer, Park, Role};
    use geo::{Geometry, Point, polygon};

    #[test]
    fn points_win_over_polygons_and_holes_and_notches_miss() {
        let d = 0.001;
        let (x0, y0) = (112.33, 30.31);
        // An L-shaped parcel with a square hole.
        let l = polygon!(
            exterior: [
                (x: x0, y: y0), (x: x0 + 2.0 * d, y: y0), (x: x0 + 2.0 * d, y: y0 + d),
                (x: x0 + d, y: y0 + d), (x: x0 + d, y: y0 + 2.0 * d), (x: x0, y: y0 + 2.0 * d),
                (x: x0, y: y0),
            ],
            interiors: [[
                (x: x0 + 0.2 * d, y: y0 + 0.2 * d), (x: x0 + 0.6 * d, y: y0 + 0.2 * d),
                (x: x0 + 0.6 * d, y: y0 + 0.6 * d), (x: x0 + 0.2 * d, y: y0 + 0.6 * d),
                (x: x0 + 0.2 * d, y: y0 + 0.2 * d),
            ]],
        );
        let parcels = Layer {
            name: "p".into(),
            role: Role::Parcels,
            ids: vec![None],
            geometries: vec![Some(Geometry::Polygon(l))],
            ..Layer::default()
        };
        let points = Layer {
            name: "e".into(),
            role: Role::Enterprises,
            ids: vec![None, None],
            geometries: vec![
                Some(Geometry::Point(Point::new(x0 + 1.5 * d, y0 + 0.5 * d))),
                Some(Geometry::Point(Point::new(x0 + 1.52 * d, y0 + 0.5 * d))),
            ],
            ..Layer::default()
        };
        let park = Park::from_layers("t", vec![parcels, points]);
        let pp = ProjectedPark::new(&park).expect("frame");
        let at = |lon: f64, lat: f64| pp.project(lon, lat);
        let none = |_: FeatureRef| false;
        // The parcel listed on top still loses to a point; the nearer point wins.
        let hit = pick(&pp, at(x0 + 1.515 * d, y0 + 0.5 * d), 5.0, &[0, 1], &none);
        assert_eq!(hit, Some(FeatureRef { layer: 1, index: 1 }));
        // Inside the solid part, away from points: the parcel.
        let hit = pick(&pp, at(x0 + 0.8 * d, y0 + 1.5 * d), 1.0, &[0, 1], &none);
        assert_eq!(hit, Some(FeatureRef { layer: 0, index: 0 }));
        // In the notch of the L and in the hole: nothing.
        assert_eq!(
            pick(&pp, at(x0 + 1.5 * d, y0 + 1.5 * d), 1.0, &[0, 1], &none),
            None
        );
        assert_eq!(
            pick(&pp, at(x0 + 0.4 * d, y0 + 0.4 * d), 1.0, &[0, 1], &none),
            None
        );
        // Hidden features and layers not listed are skipped.
        let hide_points = |f: FeatureRef| f.layer == 1;
        let hit = pick(
            &pp,
            at(x0 + 1.515 * d, y0 + 0.5 * d),
            5.0,
            &[0, 1],
            &hide_points,
        );
        assert_eq!(hit, Some(FeatureRef { layer: 0, index: 0 }));
        assert_eq!(
            pick(&pp, at(x0 + 1.515 * d, y0 + 0.5 * d), 5.0, &[], &none),
            None
        );
    }
}
