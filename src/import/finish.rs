//! What both read paths (whole-document [`super::read`], streamed [`super::stream`]) do
//! once a layer's features are in: name the layer, decide its role and map its fields;
//! and the size of their parallel work units. Reads no file.

use std::path::Path;

use super::{Issue, LayerOptions, Problem, Severity, fields, json, roles};
use crate::model::Layer;

/// Features parsed per parallel work unit.
pub(super) const CHUNK: usize = 4096;

/// Names the layer, decides its role and maps its fields (shared by both read paths).
pub(super) fn finish_layer(
    mut layer: Layer,
    mut problems: Vec<Problem>,
    top: &json::TopLevel<'_>,
    file: &str,
    opts: &LayerOptions,
) -> (Layer, Vec<Problem>) {
    layer.document_members = top
        .members
        .iter()
        .filter(|(k, _)| {
            !matches!(
                k.as_str(),
                "bbox" | "geometry" | "properties" | "coordinates" | "geometries" | "id"
            )
        })
        .map(|(k, v)| (k.clone(), v.get().to_string()))
        .collect();

    // Name, role, fields.
    let doc_name = top
        .members
        .iter()
        .find(|(k, _)| k == "name")
        .and_then(|(_, v)| serde_json::from_str::<String>(v.get()).ok())
        .filter(|s| !s.trim().is_empty());
    let stem = Path::new(file)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.to_string());
    layer.name = opts
        .name
        .clone()
        .or(doc_name)
        .unwrap_or_else(|| stem.clone());
    assign_role_and_fields(&mut layer, file, opts, &mut problems);
    (layer, problems)
}

/// Decides the layer's role (the options' or a guess from names, geometry and fields)
/// and maps its fields; also used again for each part of a file split by geometry.
pub(super) fn assign_role_and_fields(
    layer: &mut Layer,
    file: &str,
    opts: &LayerOptions,
    problems: &mut Vec<Problem>,
) {
    match opts.role {
        Some(role) => {
            layer.role = role;
            layer.role_reason = opts
                .role_reason
                .clone()
                .unwrap_or_else(|| "set in the manifest".into());
        }
        None => {
            let family = roles::dominant_family(&layer.geometry_type_counts());
            let file_name = Path::new(file)
                .file_name()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let guess = roles::guess_role(&[&layer.name, &file_name], family, &layer.attributes);
            layer.role = guess.role;
            layer.role_reason = guess.reason;
        }
    }
    layer.fields = match &opts.fields {
        Some(f) => {
            let mut m = fields::guess_fields(layer.role, &layer.attributes);
            // The given mapping wins; guesses fill what it leaves out.
            m.retain(|_, col| !f.values().any(|c| c == col));
            m.extend(f.clone());
            // An empty column name means "not mapped": the user said no column holds it.
            m.retain(|_, col| !col.is_empty());
            for (field, col) in f {
                if !col.is_empty() && layer.attributes.column(col).is_none() && !layer.is_empty() {
                    problems.push(Problem::file_level(
                        file,
                        Severity::Warning,
                        Issue::MappingPropertyMissing {
                            property: col.clone(),
                            field: field.code().to_string(),
                        },
                    ));
                }
            }
            m
        }
        None => fields::guess_fields(layer.role, &layer.attributes),
    };
}
