//! The hand-written GeoJSON feature parser against serde: every GeoJSON file of the
//! shared corpus and of the sample map, read through the fast path and through serde
//! alone, gives the same layer (features, ids, every property value and type, geometries
//! bit for bit, extras) and the same problems (codes, features, positions) or the same
//! error, on both the streamed and the whole-document reads.

use std::path::{Path, PathBuf};

use geo::CoordsIter;
use parkplan::import::json::{self, FeatureList, JsonParser};
use parkplan::import::{
    ImportError, LayerOptions, Problem, read_layer_bytes_with, read_layer_file_with,
};
use parkplan::model::Layer;

use crate::common;

/// Everything a layer holds, as text; floats as their bits as well, so `-0.0` and the
/// last digit count.
fn fingerprint(layer: &Layer) -> String {
    let mut out = format!(
        "name {:?}\nrole {:?} {:?}\nfields {:?}\nids {:?}\nextras {:?}\ndocument {:?}\nsource {:?}\n",
        layer.name,
        layer.role,
        layer.role_reason,
        layer.fields,
        layer.ids,
        layer.extras,
        layer.document_members,
        layer.source,
    );
    for g in &layer.geometries {
        match g {
            None => out.push_str("null\n"),
            Some(g) => {
                out.push_str(&format!("{g:?}\n"));
                for c in g.coords_iter() {
                    out.push_str(&format!("{:x},{:x} ", c.x.to_bits(), c.y.to_bits()));
                }
                out.push('\n');
            }
        }
    }
    out.push_str(&format!("rows {}\n", layer.attributes.rows()));
    for c in layer.attributes.columns() {
        out.push_str(&format!("{:?} {c:?}\n", c.column_type()));
    }
    out
}

fn problems_text(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("{} {:?}\n", p.issue.code(), p))
        .collect()
}

fn outcome(r: Result<(Layer, Vec<Problem>), ImportError>) -> String {
    match r {
        Ok((layer, problems)) => format!("{}{}", fingerprint(&layer), problems_text(&problems)),
        Err(e) => format!("error: {e} / {e:?}"),
    }
}

/// The GeoJSON files under `dir`, sorted.
fn geojson_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| matches!(x.to_ascii_lowercase().as_str(), "geojson" | "json"))
            {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

/// How many of a file's features the fast path takes, and how many it has.
fn fast_share(bytes: &[u8]) -> (usize, usize) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return (0, 0);
    };
    match json::parse_top_level(text) {
        Ok(top) => match top.features {
            Some(FeatureList::Array(v)) => (
                v.iter().filter(|f| json::takes_fast_path(f.get())).count(),
                v.len(),
            ),
            _ => (0, 0),
        },
        Err(_) => (0, 0),
    }
}

#[test]
fn fast_and_serde_paths_give_identical_layers() {
    let mut files = geojson_files(&common::sample_dir());
    match common::corpus_dir() {
        Some(dir) => {
            let corpus = geojson_files(&dir);
            assert!(
                corpus.len() > 100,
                "corpus looks incomplete: {}",
                corpus.len()
            );
            files.extend(corpus);
        }
        None => eprintln!("json paths: corpus skipped (../shared/corpus not present)"),
    }
    let opts = LayerOptions::default();
    let (mut taken, mut features, mut compared) = (0, 0, 0);
    for f in &files {
        let label = f.display().to_string();
        let Ok(bytes) = std::fs::read(f) else {
            continue;
        };
        let (t, n) = fast_share(&bytes);
        taken += t;
        features += n;
        // The streamed read (falling back to the whole document when it gives up)…
        let fast = outcome(read_layer_file_with(f, &opts, None, JsonParser::Fast));
        let serde = outcome(read_layer_file_with(f, &opts, None, JsonParser::Serde));
        assert!(
            fast == serde,
            "{label}: streamed read differs\n--- fast\n{fast}\n--- serde\n{serde}"
        );
        // …and the whole-document read.
        let fast = outcome(read_layer_bytes_with(
            &bytes,
            &label,
            &opts,
            None,
            JsonParser::Fast,
        ));
        let serde = outcome(read_layer_bytes_with(
            &bytes,
            &label,
            &opts,
            None,
            JsonParser::Serde,
        ));
        assert!(
            fast == serde,
            "{label}: whole read differs\n--- fast\n{fast}\n--- serde\n{serde}"
        );
        compared += 1;
    }
    eprintln!("json paths: {compared} files, {taken} of {features} features on the fast path");
    assert!(compared > 5);
    // The fast path is exercised (the sample map's features all take it).
    assert!(taken * 2 > features, "{taken} of {features}");
    assert!(taken < features, "the corpus has features only serde reads");
}
