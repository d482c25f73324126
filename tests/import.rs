//! Importer tests: known answers for CRS, encodings and repairs; the corpus; the sample.

use parkplan::import::{LayerOptions, read_layer_bytes};
use parkplan::model::Role;

#[test]
fn a_bare_point_loads_as_one_feature() {
    let (layer, problems) = read_layer_bytes(
        br#"{"type":"Point","coordinates":[112.3,30.3]}"#,
        "p.geojson",
        &LayerOptions::default(),
        None,
    )
    .unwrap();
    assert_eq!(layer.len(), 1);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(layer.role, Role::Other);
}
