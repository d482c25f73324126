//! Files that hold several kinds of geometry (a GTFS-derived file: 12 route lines and
//! 50 stop points) become one layer per kind, each with the role it fits (lines →
//! bus routes or roads, points → stops or facilities …), instead of one layer whose
//! role fits only its majority. Which part of the file a layer is travels with it
//! ([`LayerSource::part`](crate::model::LayerSource), the manifest's and project's
//! `"part"`), so reopening gives the same layers.
//!
//! Owns the split only: reading is `read`, role guessing `roles` (through `finish`).

use std::collections::BTreeMap;

use super::finish::assign_role_and_fields;
use super::{Issue, LayerOptions, Problem, Severity};
use crate::model::{GeomFamily, Lang, Layer};

/// The kind that most features have (ties: lines, then points, then polygons): it also
/// takes the features without a kind (null geometry, GeometryCollection), so every
/// feature lands in exactly one part.
fn dominant(counts: &BTreeMap<GeomFamily, usize>) -> Option<GeomFamily> {
    counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(f, _)| *f)
}

/// The kinds of geometry a layer holds with their counts, when it holds several.
pub fn mixed(layer: &Layer) -> Option<BTreeMap<GeomFamily, usize>> {
    let counts = layer.family_counts();
    (counts.len() > 1).then_some(counts)
}

/// The rows of `layer` that make up `part`.
fn rows_of(layer: &Layer, part: GeomFamily) -> Vec<usize> {
    let takes_rest = dominant(&layer.family_counts()) == Some(part);
    layer
        .geometries
        .iter()
        .enumerate()
        .filter(|(_, g)| match g.as_ref().and_then(GeomFamily::of) {
            Some(f) => f == part,
            None => takes_rest,
        })
        .map(|(i, _)| i)
        .collect()
}

/// The name of a part: the layer's name with the kind, "公交（线）".
pub fn part_name(layer_name: &str, part: GeomFamily) -> String {
    format!("{layer_name}（{}）", part.label(Lang::Zh))
}

/// One part of a layer read whole: its features (problems about other features are
/// dropped from `problems`), named and given a role and fields anew for the part
/// unless `opts` sets them.
pub fn take_part(
    layer: &Layer,
    part: GeomFamily,
    file: &str,
    opts: &LayerOptions,
    problems: &mut Vec<Problem>,
) -> Layer {
    let rows = rows_of(layer, part);
    let mut keep = vec![false; layer.len()];
    for &r in &rows {
        keep[r] = true;
    }
    problems.retain(|p| {
        p.feature
            .is_none_or(|i| keep.get(i).copied().unwrap_or(true))
    });
    let mut l = layer.take_rows(&rows);
    l.source.part = Some(part);
    l.name = opts
        .name
        .clone()
        .unwrap_or_else(|| part_name(&layer.name, part));
    assign_role_and_fields(&mut l, file, opts, problems);
    l
}

/// Splits a layer read whole into one layer per kind of geometry when it holds several
/// and the caller set neither a role nor a part; otherwise returns it as it is. The
/// split is reported (kinds, counts, roles) in `problems`.
pub fn split_by_geometry(
    layer: Layer,
    file: &str,
    opts: &LayerOptions,
    problems: &mut Vec<Problem>,
) -> Vec<Layer> {
    if opts.role.is_some() || opts.part.is_some() {
        return vec![layer];
    }
    let Some(counts) = mixed(&layer) else {
        return vec![layer];
    };
    let part_opts = LayerOptions {
        name: None,
        role: None,
        role_reason: None,
        fields: None,
        ..opts.clone()
    };
    let mut parts = Vec::new();
    for &f in counts.keys() {
        // Feature problems are kept once, by the part holding the feature.
        let mut own: Vec<Problem> = problems
            .iter()
            .filter(|p| p.feature.is_some())
            .cloned()
            .collect();
        let l = take_part(&layer, f, file, &part_opts, &mut own);
        parts.push((l, own));
    }
    problems.retain(|p| p.feature.is_none());
    for (_, own) in &mut parts {
        problems.append(own);
    }
    problems.push(Problem::file_level(
        file,
        Severity::Repaired,
        Issue::SplitByGeometry {
            layer: layer.name.clone(),
            parts: parts
                .iter()
                .map(|(l, _)| (l.source.part.unwrap_or(GeomFamily::Points), l.len(), l.role))
                .collect(),
        },
    ));
    parts.into_iter().map(|(l, _)| l).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Geometry, LineString, Point};

    fn mixed_layer() -> Layer {
        let mut l = Layer {
            name: "gtfs".into(),
            ..Layer::default()
        };
        for i in 0..5 {
            l.geometries.push(Some(Geometry::Point(Point::new(
                112.0 + i as f64 * 0.01,
                30.0,
            ))));
            l.ids.push(None);
            let name = format!("S{i}");
            l.attributes
                .push_row([("stop_name", crate::model::PropValue::Str(&name))]);
        }
        for i in 0..2 {
            l.geometries
                .push(Some(Geometry::LineString(LineString::from(vec![
                    (112.0, 30.0 + i as f64 * 0.01),
                    (112.1, 30.0),
                ]))));
            l.ids.push(None);
            let name = format!("K{i}");
            l.attributes
                .push_row([("route_short_name", crate::model::PropValue::Str(&name))]);
        }
        l.geometries.push(None);
        l.ids.push(None);
        l.attributes.push_row([]);
        l
    }

    #[test]
    fn every_feature_lands_in_one_part_and_columns_follow_their_features() {
        let l = mixed_layer();
        let mut problems = Vec::new();
        let parts = split_by_geometry(l, "gtfs.geojson", &LayerOptions::default(), &mut problems);
        assert_eq!(parts.len(), 2);
        let total: usize = parts.iter().map(|p| p.len()).sum();
        assert_eq!(total, 8);
        let points = parts
            .iter()
            .find(|p| p.source.part == Some(GeomFamily::Points))
            .unwrap();
        // The majority kind takes the feature without geometry.
        assert_eq!(points.len(), 6);
        assert!(points.attributes.column("route_short_name").is_none());
        assert_eq!(points.name, "gtfs（点）");
        assert_eq!(problems.last().unwrap().code(), "split_by_geometry");
    }

    #[test]
    fn a_set_role_or_part_keeps_the_file_whole_or_takes_the_part() {
        let opts = LayerOptions {
            role: Some(crate::model::Role::BusStops),
            ..LayerOptions::default()
        };
        assert_eq!(
            split_by_geometry(mixed_layer(), "f", &opts, &mut Vec::new()).len(),
            1
        );
        let lines = take_part(
            &mixed_layer(),
            GeomFamily::Lines,
            "f",
            &LayerOptions::default(),
            &mut Vec::new(),
        );
        assert_eq!(lines.len(), 2);
        assert_eq!(lines.source.part, Some(GeomFamily::Lines));
    }
}
