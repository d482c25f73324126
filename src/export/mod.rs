//! Export: meeting-ready maps as PDF, SVG and PNG; bus routes as a GTFS feed ([`gtfs`]).
//!
//! The page ([`layout::compose_page`]: title, map frame at a scale, legend with counts,
//! scale bar, north arrow, statistics table, notes) is a list of renderer scenes in
//! points. It is drawn once through the renderer's `Canvas` into an SVG document
//! ([`svg::SvgCanvas`]), which is parsed by usvg with the bundled font only and then
//! written three ways: the SVG itself, a PNG by resvg/tiny-skia at exactly paper × DPI
//! pixels ([`output`]), and a vector PDF by krilla + krilla-svg ([`pdf`]: the same SVG
//! cut at each picture, the pictures handed to krilla directly).
//!
//! Why SVG → usvg → resvg/krilla rather than a krilla `Canvas` of its own: one
//! serialisation means the three formats cannot drift apart (same text layout, same
//! clipping, same dash and join rules), usvg shapes the text once for both rasters and
//! PDF, and krilla-svg writes real text (selectable; `pdftotext` returns
//! "KW6公交微循环线路覆盖图" exactly) with the CJK font embedded as a subset, while
//! halos are drawn as outlines so words are not extracted twice. The cost is building
//! and parsing the SVG text, measured in `benches/render.rs` (the sample at A3 is well
//! under the 0.5 s budget).
//!
//! Files are written atomically ([`crate::save::write_atomic`]). No GUI.

pub mod dispatch;
pub mod focus;
pub mod fonts;
pub mod gtfs;
pub mod layout;
pub mod output;
pub mod pdf;
pub mod svg;

use std::path::{Path, PathBuf};

pub use focus::{FocusContext, facility_focus, facility_isochrone_focus, map_focus, route_focus};
pub use layout::{MapFocus, Orientation, Page, PageSpec, Paper, StatsTable, compose_page};

/// Errors of an export.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Rendering failed.
    #[error("render: {0}")]
    Render(String),
    /// A facility or route named on the command line does not exist.
    #[error("no {what} \"{key}\" (known: {})", known.join(", "))]
    NotFound {
        /// "facility" / "route".
        what: String,
        /// What was asked for.
        key: String,
        /// Some that exist.
        known: Vec<String>,
    },
    /// No visible layer has a feature that can be drawn (unsupported CRS, no geometry,
    /// every layer hidden): the page would be a blank map.
    #[error("nothing to draw: {0}")]
    NothingToDraw(String),
    /// The output file name has no known extension.
    #[error("cannot tell the format of {0}: use .pdf, .svg or .png")]
    UnknownFormat(PathBuf),
    /// A setting is out of range.
    #[error("{0}")]
    BadSetting(String),
    /// Writing the file failed (an existing file was left as it was).
    #[error("cannot write {path}: {source}")]
    Io {
        /// The target.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Format {
    /// Vector PDF with embedded font subset.
    Pdf,
    /// SVG with text as text.
    Svg,
    /// PNG at a DPI.
    Png,
}

impl Format {
    /// The format a file name asks for.
    pub fn from_path(p: &Path) -> Option<Format> {
        match p
            .extension()?
            .to_string_lossy()
            .to_ascii_lowercase()
            .as_str()
        {
            "pdf" => Some(Format::Pdf),
            "svg" => Some(Format::Svg),
            "png" => Some(Format::Png),
            _ => None,
        }
    }
}

/// What an export did.
#[derive(Debug, Clone)]
pub struct ExportOutcome {
    /// The file written.
    pub path: PathBuf,
    /// Its format.
    pub format: Format,
    /// Its size in bytes.
    pub bytes: usize,
    /// Pixel size (PNG only).
    pub pixels: Option<[u32; 2]>,
    /// The map's scale denominator.
    pub scale: f64,
    /// Warnings: glyphs the font lacks, a legend that did not fit.
    pub warnings: Vec<String>,
}

/// Refuses a map with nothing on it: at least one visible layer must have a feature
/// with drawable geometry. The error names the layers and why they draw nothing (no
/// geometry at all, e.g. a CRS that could not be read, or hidden).
pub fn check_drawable(
    park: &crate::model::Park,
    projected: &crate::render::ProjectedPark,
    styles: &crate::render::MapStyles,
) -> Result<(), ExportError> {
    let mut why = Vec::new();
    for (li, layer) in park.layers.iter().enumerate() {
        // Stops at the first drawable feature: the export dialog asks on every preview.
        let drawn = projected
            .layers
            .get(li)
            .is_some_and(|l| l.features().next().is_some());
        let visible = styles.display_of(li).is_none_or(|d| d.visible);
        if visible && drawn {
            return Ok(());
        }
        why.push(if !visible {
            format!("{} (hidden)", layer.name)
        } else {
            format!(
                "{} ({} features, none with geometry that can be drawn: see the import report)",
                layer.name,
                layer.len()
            )
        });
    }
    if why.is_empty() {
        why.push("no layer was loaded".into());
    }
    Err(ExportError::NothingToDraw(why.join("; ")))
}

/// Labels of the page with characters the bundled font cannot draw (one warning per
/// distinct text). The GUI shows these before writing.
pub fn glyph_warnings(page: &Page) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for l in page.labels() {
        let missing = fonts::missing_glyphs(&l.text);
        if !missing.is_empty() && seen.insert(l.text.clone()) {
            let chars: String = missing
                .iter()
                .map(|c| format!("{c} (U+{:04X})", *c as u32))
                .collect::<Vec<_>>()
                .join(", ");
            out.push(format!(
                "“{}”含字体缺少的字符 / has characters the font lacks: {chars}",
                l.text
            ));
        }
    }
    out
}

/// The largest PNG written (A1 at 400 dpi is 122 megapixels, 490 MB in memory).
pub const MAX_PNG_PIXELS: u64 = 150_000_000;

/// The page as an SVG document.
pub fn page_svg(page: &Page) -> String {
    svg::scenes_to_svg(page.size, &page.scenes)
}

/// Renders the page to the bytes of a format. PNG: `dpi` pixels per inch.
pub fn render_page(
    page: &Page,
    format: Format,
    dpi: f32,
) -> Result<(Vec<u8>, Option<[u32; 2]>), ExportError> {
    // PDF and PNG read the SVG back: its pictures need no hard compression.
    let svg = || svg::scenes_to_svg_for_conversion(page.size, &page.scenes);
    match format {
        Format::Svg => Ok((page_svg(page).into_bytes(), None)),
        Format::Png => {
            if !(dpi.is_finite() && (10.0..=1200.0).contains(&dpi)) {
                return Err(ExportError::BadSetting(format!(
                    "DPI {dpi} is outside 10–1200"
                )));
            }
            let px = [
                output::pixels(page.size[0], dpi),
                output::pixels(page.size[1], dpi),
            ];
            if px[0] as u64 * px[1] as u64 > MAX_PNG_PIXELS {
                return Err(ExportError::BadSetting(format!(
                    "a {}×{} px image is too large (at most {} megapixels): lower the DPI",
                    px[0],
                    px[1],
                    MAX_PNG_PIXELS / 1_000_000
                )));
            }
            let tree = output::parse_svg(&svg())?;
            Ok((output::tree_to_png(&tree, px, dpi)?, Some(px)))
        }
        Format::Pdf => Ok((
            pdf::pages_to_pdf(&[(&page.scenes, page.size)], &page.title)?,
            None,
        )),
    }
}

/// Renders the page and writes it atomically to `path` (format from the extension).
pub fn export_page(page: &Page, path: &Path, dpi: f32) -> Result<ExportOutcome, ExportError> {
    let format =
        Format::from_path(path).ok_or_else(|| ExportError::UnknownFormat(path.to_path_buf()))?;
    let mut warnings = glyph_warnings(page);
    warnings.extend(page.notes.iter().cloned());
    let (bytes, pixels) = render_page(page, format, dpi)?;
    crate::save::write_atomic(path, &bytes, false).map_err(|source| ExportError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(ExportOutcome {
        path: path.to_path_buf(),
        format,
        bytes: bytes.len(),
        pixels,
        scale: page.scale,
        warnings,
    })
}
