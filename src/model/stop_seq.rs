//! Where a new bus stop belongs in its route's sequence, and the edits that make room
//! for it. A stop proposed in the middle of route KW6 must be numbered between its
//! neighbours (the later stops moving one place up), or the route's stop spacing,
//! measured between consecutive stops, would jump from the last stop back to it.

use geo::{Distance, Haversine, Point};
use serde_json::Value;

use super::{Edit, Field, Park};

/// The sequence number a new stop at `at` (lon/lat) should take on `route` among the
/// stops of layer `layer`: where inserting it lengthens the stop-to-stop path least
/// (cheapest insertion; before the first stop, between two consecutive ones, or after
/// the last). `None` when the layer has no numbered, located stop of that route.
///
/// ```
/// use parkplan::model::stop_seq::insertion_seq;
/// # use parkplan::import::{read_layer_bytes, LayerOptions};
/// # use parkplan::model::{Park, Role};
/// # let text = r#"{"type":"FeatureCollection","features":[
/// #  {"type":"Feature","properties":{"线路":"KW6","序号":1},"geometry":{"type":"Point","coordinates":[112.30,30.30]}},
/// #  {"type":"Feature","properties":{"线路":"KW6","序号":2},"geometry":{"type":"Point","coordinates":[112.31,30.30]}},
/// #  {"type":"Feature","properties":{"线路":"KW6","序号":3},"geometry":{"type":"Point","coordinates":[112.32,30.30]}}]}"#;
/// # let opts = LayerOptions { role: Some(Role::BusStops), ..LayerOptions::default() };
/// # let (layer, _) = read_layer_bytes(text.as_bytes(), "stops.geojson", &opts, None).unwrap();
/// # let park = Park::from_layers("t", vec![layer]);
/// // Stops 1, 2, 3 at 112.30, 112.31, 112.32 E: a stop at 112.315 E goes after stop 2.
/// let at = geo::Point::new(112.315, 30.3001);
/// assert_eq!(insertion_seq(&park, 0, "KW6", at), Some(3));
/// ```
pub fn insertion_seq(park: &Park, layer: usize, route: &str, at: Point<f64>) -> Option<u32> {
    let stops: Vec<(u32, Point<f64>)> = park
        .stops
        .iter()
        .filter(|s| s.feature.layer as usize == layer && s.route.as_deref() == Some(route))
        .filter_map(|s| Some((s.seq?, s.location?)))
        .collect(); // park.stops is sorted by route, then sequence
    let (first, last) = (stops.first()?, stops.last()?);
    let d = |a: Point<f64>, b: Point<f64>| Haversine.distance(a, b);
    // (extra length, sequence number the new stop takes)
    let mut best = (d(at, first.1), first.0);
    for w in stops.windows(2) {
        let extra = d(w[0].1, at) + d(at, w[1].1) - d(w[0].1, w[1].1);
        if extra < best.0 {
            best = (extra, w[0].0 + 1);
        }
    }
    // Ties go after the last stop (a route of one stop grows forwards).
    if d(last.1, at) <= best.0 {
        best = (d(last.1, at), last.0 + 1);
    }
    Some(best.1)
}

/// The edits that move every stop of `route` in layer `layer` numbered `seq` or later
/// one place up, in the layer's sequence column (a number stays a number, text stays
/// text). Empty when the layer maps no sequence field or no stop needs to move.
pub fn renumber_from(park: &Park, layer: usize, route: &str, seq: u32) -> Vec<Edit> {
    let Some(l) = park.layers.get(layer) else {
        return Vec::new();
    };
    let Some(column) = l.fields.get(&Field::Seq) else {
        return Vec::new();
    };
    park.stops
        .iter()
        .filter(|s| s.feature.layer as usize == layer && s.route.as_deref() == Some(route))
        .filter_map(|s| {
            let old = s.seq.filter(|&q| q >= seq)?;
            let index = s.feature.index as usize;
            let before = l.attributes.get(index, column).to_json_value();
            let after = match &before {
                Some(Value::String(_)) => Value::String((old + 1).to_string()),
                _ => Value::from(old + 1),
            };
            Some(Edit::SetAttribute {
                layer,
                index,
                key: column.clone(),
                before,
                after: Some(after),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{LayerOptions, read_layer_bytes};
    use crate::model::{FeatureData, History, Role};

    fn kw6() -> Park {
        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"线路":"KW6","序号":1},"geometry":{"type":"Point","coordinates":[112.30,30.30]}},
            {"type":"Feature","properties":{"线路":"KW6","序号":2},"geometry":{"type":"Point","coordinates":[112.31,30.30]}},
            {"type":"Feature","properties":{"线路":"KW6","序号":"3"},"geometry":{"type":"Point","coordinates":[112.32,30.30]}},
            {"type":"Feature","properties":{"线路":"K1","序号":2},"geometry":{"type":"Point","coordinates":[112.33,30.30]}}]}"#;
        let opts = LayerOptions {
            role: Some(Role::BusStops),
            ..LayerOptions::default()
        };
        let (layer, _) = read_layer_bytes(text.as_bytes(), "stops.geojson", &opts, None).unwrap();
        Park::from_layers("t", vec![layer])
    }

    fn seqs(park: &Park, route: &str) -> Vec<u32> {
        park.stops
            .iter()
            .filter(|s| s.route.as_deref() == Some(route))
            .filter_map(|s| s.seq)
            .collect()
    }

    #[test]
    fn a_stop_goes_where_it_lengthens_the_route_least() {
        let park = kw6();
        let p = |lon| Point::new(lon, 30.3001);
        assert_eq!(insertion_seq(&park, 0, "KW6", p(112.29)), Some(1), "before");
        assert_eq!(insertion_seq(&park, 0, "KW6", p(112.305)), Some(2));
        assert_eq!(insertion_seq(&park, 0, "KW6", p(112.315)), Some(3));
        assert_eq!(insertion_seq(&park, 0, "KW6", p(112.33)), Some(4), "after");
        assert_eq!(insertion_seq(&park, 0, "K9", p(112.30)), None);
    }

    #[test]
    fn inserting_renumbers_later_stops_and_undoes_as_one() {
        let mut park = kw6();
        let before = park.clone();
        let mut edits = renumber_from(&park, 0, "KW6", 2);
        assert_eq!(
            edits.len(),
            2,
            "stops 2 and 3 of KW6 move; K1's stop 2 stays"
        );
        edits.push(Edit::AddFeature {
            layer: 0,
            index: 4,
            feature: FeatureData {
                geometry: Some(geo::Geometry::Point(Point::new(112.305, 30.3001))),
                properties: vec![
                    ("线路".into(), Value::from("KW6")),
                    ("序号".into(), Value::from(2)),
                ],
                ..FeatureData::default()
            },
        });
        let mut h = History::new();
        h.apply(&mut park, Edit::Group { edits }).unwrap();
        assert_eq!(seqs(&park, "KW6"), vec![1, 2, 3, 4]);
        assert_eq!(seqs(&park, "K1"), vec![2]);
        // Text stays text.
        assert_eq!(
            park.layers[0].attributes.get(2, "序号").to_json_value(),
            Some(Value::from("4"))
        );
        assert_eq!(h.edited_layers().into_iter().collect::<Vec<_>>(), vec![0]);
        h.undo(&mut park).unwrap();
        assert_eq!(park.stops, before.stops);
        assert_eq!(park.layers[0].len(), 4);
        h.redo(&mut park).unwrap();
        assert_eq!(seqs(&park, "KW6"), vec![1, 2, 3, 4]);
    }

    #[test]
    fn a_failing_group_leaves_nothing_applied() {
        let mut park = kw6();
        let before = park.clone();
        let mut edits = renumber_from(&park, 0, "KW6", 1);
        edits.push(Edit::DeleteFeature {
            layer: 0,
            index: 99,
            feature: FeatureData::default(),
        });
        let mut h = History::new();
        assert!(h.apply(&mut park, Edit::Group { edits }).is_err());
        assert_eq!(park.stops, before.stops);
        assert!(!h.can_undo());
    }
}
