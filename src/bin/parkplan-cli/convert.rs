//! `parkplan-cli convert`: read a GeoJSON, Shapefile, GeoPackage or coordinate TXT (any
//! encoding, CRS, with repairs) and write it as clean GeoJSON, a GeoPackage (`.gpkg`:
//! every layer of a folder or GeoPackage) or a coordinate TXT (`.txt`), by the output's
//! extension.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use parkplan::crs::Crs;
use parkplan::import::{self, LayerOptions};
use parkplan::save::{self, WriteCrs};

/// Converts one file. Exit 0 on success, 2 when the input cannot be read.
pub fn run(
    path: &Path,
    out: &Path,
    crs: &str,
    gcj02: bool,
    overwrite: bool,
    only: &[String],
    lang: parkplan::model::Lang,
) -> anyhow::Result<ExitCode> {
    let is_txt = out
        .extension()
        .is_some_and(|e| e.to_string_lossy().eq_ignore_ascii_case("txt"));
    if !only.is_empty() && !is_txt {
        anyhow::bail!(
            "--only writes some parcels as a coordinate TXT: use --out FILE.txt ({} given)",
            out.display()
        );
    }
    let target = match crs.trim().to_ascii_lowercase().as_str() {
        "rfc7946" | "wgs84" | "" => WriteCrs::Rfc7946,
        "source" => WriteCrs::Source,
        other => WriteCrs::Crs(Crs::parse(other).with_context(|| format!("--crs {crs}"))?),
    };
    let opts = LayerOptions {
        gcj02,
        ..LayerOptions::default()
    };
    // A folder, or a GeoPackage of several tables, is every layer it holds (into a
    // .gpkg); a file is one layer.
    let mut report = import::ImportReport::default();
    let (jobs, _) = import::plan(std::slice::from_ref(&path.to_path_buf()), &mut report);
    let layers = if jobs.len() > 1 || path.is_dir() {
        let jobs: Vec<_> = jobs
            .into_iter()
            .map(|mut j| {
                j.options.gcj02 = gcj02;
                j
            })
            .collect();
        let loaded = import::load_jobs_layers_only(&jobs, None, report, None)?;
        for p in &loaded.report.problems {
            eprintln!("{}", p.describe(lang));
        }
        if loaded.park.layers.is_empty() {
            return Ok(ExitCode::from(2));
        }
        loaded.park.layers
    } else {
        match import::read_layer_file(path, &opts, None) {
            Ok((layer, problems)) => {
                for p in &problems {
                    eprintln!("{}", p.describe(lang));
                }
                vec![layer]
            }
            Err(e) => {
                eprintln!("parkplan-cli: {e}");
                return Ok(ExitCode::from(2));
            }
        }
    };
    if !only.is_empty() {
        return write_some_parcels(&layers, only, out, target);
    }
    let refs: Vec<&parkplan::model::Layer> = layers.iter().collect();
    let saved = save::save_layers_as(&refs, out, target, overwrite)?;
    let features: usize = layers.iter().map(|l| l.len()).sum();
    eprintln!(
        "wrote {} layer(s), {features} features to {} ({}, {})",
        layers.len(),
        out.display(),
        saved.format,
        saved.crs
    );
    Ok(ExitCode::SUCCESS)
}

/// `--only`: the named parcels of the (one) layer as a coordinate TXT.
fn write_some_parcels(
    layers: &[parkplan::model::Layer],
    only: &[String],
    out: &Path,
    target: WriteCrs,
) -> anyhow::Result<ExitCode> {
    let [layer] = layers else {
        anyhow::bail!(
            "--only picks parcels of one layer; {} layers were read",
            layers.len()
        );
    };
    let rows = save::landtxt::rows_with_ids(layer, only)
        .map_err(|missing| anyhow::anyhow!("--only: no parcel {}", missing.join(", ")))?;
    let crs = match target {
        WriteCrs::Crs(c @ Crs::GaussKruger { .. }) => Some(c),
        _ => None,
    };
    save::landtxt::save_land_txt(layer, &rows, crs, out)?;
    eprintln!(
        "wrote {} parcel(s) of {} to {} (coordinate TXT)",
        rows.len(),
        layer.name,
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}
