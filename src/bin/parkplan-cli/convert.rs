//! `parkplan-cli convert`: read a GeoJSON file (any encoding, CRS, with repairs) and
//! write it back as clean GeoJSON.

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
    lang: parkplan::model::Lang,
) -> anyhow::Result<ExitCode> {
    let target = match crs.trim().to_ascii_lowercase().as_str() {
        "rfc7946" | "wgs84" | "" => WriteCrs::Rfc7946,
        "source" => WriteCrs::Source,
        other => WriteCrs::Crs(Crs::parse(other).with_context(|| format!("--crs {crs}"))?),
    };
    let opts = LayerOptions {
        gcj02,
        ..LayerOptions::default()
    };
    let (layer, problems) = match import::read_layer_file(path, &opts, None) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("parkplan-cli: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    for p in &problems {
        eprintln!("{}", p.describe(lang));
    }
    save::save_layer(&layer, out, target, overwrite)?;
    eprintln!(
        "wrote {} features to {} ({})",
        layer.len(),
        out.display(),
        save::geojson::target_crs(&layer, target).code()
    );
    Ok(ExitCode::SUCCESS)
}
