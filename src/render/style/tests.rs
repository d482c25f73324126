//! Unit tests of the style module (colours, palettes, classification, serde).

use super::*;
use crate::model::{ApprovalStatus, AttributeTable, Field, Lang, Layer, PropValue, Role};

fn layer_with(role: Role, col: &str, field: Field, values: &[&str]) -> Layer {
    let mut attributes = AttributeTable::new();
    for v in values {
        attributes.push_row([(col, PropValue::Str(v))]);
    }
    let mut fields = crate::model::FieldMap::new();
    fields.insert(field, col.to_string());
    Layer {
        name: "t".into(),
        role,
        fields,
        ids: vec![None; values.len()],
        geometries: values
            .iter()
            .map(|_| Some(geo::Geometry::Point(geo::Point::new(112.3, 30.3))))
            .collect(),
        attributes,
        ..Layer::default()
    }
}

#[test]
fn colours_round_trip_as_hex() {
    let c = Rgba::new(127, 95, 63, 128);
    let s: String = c.into();
    assert_eq!(s, "#7f5f3f80");
    assert_eq!(Rgba::try_from(s).unwrap(), c);
    assert_eq!(Rgba::parse_hex("#fff"), Some(Rgba::WHITE));
    assert_eq!(Rgba::parse_hex("#12345"), None);
    assert_eq!(Rgba::rgb(1, 2, 3).with_opacity(0.5).a, 128);
}

#[test]
fn land_use_follows_gb50137() {
    assert_eq!(land_use_colour("M2"), Some(Rgba::rgb(127, 95, 63)));
    assert_eq!(land_use_colour("M"), Some(Rgba::rgb(127, 95, 63)));
    // A sub-class the table lacks falls back to its class.
    assert_eq!(land_use_colour("R4"), land_use_colour("R"));
    assert_eq!(land_use_colour("A33"), Some(Rgba::rgb(255, 159, 207)));
    assert_eq!(land_use_colour("Z9"), None);
}

#[test]
fn categorized_by_land_use_prefix_and_counts() {
    let layer = layer_with(
        Role::Parcels,
        "用地性质",
        Field::LandUse,
        &["M1", "M2", "m2", "M9", "R2", "XX", "A33"],
    );
    let style = LayerStyle::parcels_by_land_use();
    let sym = &style.symbology;
    let idx = |i| sym.classify(&layer, i).unwrap() as usize;
    let codes: Vec<&str> = LAND_USE_COLOURS.iter().map(|c| c.0).collect();
    assert_eq!(codes[idx(0)], "M1");
    assert_eq!(codes[idx(1)], "M2");
    assert_eq!(codes[idx(2)], "M2");
    assert_eq!(codes[idx(3)], "M");
    assert_eq!(codes[idx(6)], "A33");
    assert_eq!(idx(5), LAND_USE_COLOURS.len()); // other
    let display = LayerDisplay {
        layer: 0,
        visible: true,
        style,
    };
    let g = legend_for(std::slice::from_ref(&layer), &display, Lang::Zh).unwrap();
    let total: usize = g.entries.iter().map(|e| e.count).sum();
    assert_eq!(total, 7);
    let m2 = g
        .entries
        .iter()
        .find(|e| e.label.starts_with("M2 "))
        .unwrap();
    assert_eq!(m2.count, 2);
    assert_eq!(m2.swatch, SwatchKind::Point);
}

#[test]
fn status_understands_spellings() {
    let layer = layer_with(
        Role::Parcels,
        "审批状态",
        Field::Status,
        &["已批", "approved", "报批中", "??"],
    );
    let style = LayerStyle::parcels_by_status();
    let counts = symbol_counts(&layer, &style.symbology);
    let pos = |s: ApprovalStatus| ApprovalStatus::ALL.iter().position(|x| *x == s).unwrap();
    assert_eq!(counts[pos(ApprovalStatus::Approved)], 2);
    assert_eq!(counts[pos(ApprovalStatus::Pending)], 1);
    assert_eq!(counts[pos(ApprovalStatus::Unknown)], 1);
}

#[test]
fn graduated_by_employees() {
    let layer = layer_with(
        Role::Enterprises,
        "职工人数",
        Field::Employees,
        &["12", "50", "199", "1702", "", "abc"],
    );
    let s = LayerStyle::enterprises_by_employees().symbology;
    let c: Vec<SymbolIndex> = (0..6).map(|i| s.classify(&layer, i)).collect();
    assert_eq!(
        c,
        vec![Some(0), Some(1), Some(1), Some(4), Some(5), Some(5)]
    );
    let labels = s.labels(Lang::Zh, "企业");
    assert_eq!(labels.len(), 6);
    assert_eq!(labels[5], "人数未知");
}

#[test]
fn styles_serialise() {
    let s = LayerStyle::enterprises_by_employees();
    let j = serde_json::to_string(&s).unwrap();
    let back: LayerStyle = serde_json::from_str(&j).unwrap();
    assert_eq!(back, s);
    let t = Theme::default();
    let back: Theme = serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
    assert_eq!(back, t);
}

#[test]
fn markers_have_outlines() {
    for m in [
        MarkerShape::Circle,
        MarkerShape::Square,
        MarkerShape::Diamond,
        MarkerShape::Triangle,
        MarkerShape::Star,
    ] {
        let o = m.outline(10.0);
        assert!(o.len() >= 3);
        assert!(o.iter().all(|p| p[0].abs() <= 6.0 && p[1].abs() <= 6.0));
    }
}
