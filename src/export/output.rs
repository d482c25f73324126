//! From the page's SVG to the file formats: the SVG text itself and a PNG rendered
//! by resvg/tiny-skia at exactly paper × DPI pixels (with a pHYs chunk so printers
//! know the DPI). The vector PDF is written by [`super::pdf`] (krilla-svg over the same
//! SVG, pictures handed to krilla directly).
//!
//! All start from SVG parsed by usvg with the bundled font only ([`parse_svg`]), so the
//! layout of text is identical in every format. No file I/O here.

use resvg::tiny_skia;
use resvg::usvg;

use super::ExportError;
use super::fonts::{FONT_FAMILY, font_db};

/// Parses an SVG document with the bundled font.
pub fn parse_svg(svg: &str) -> Result<usvg::Tree, ExportError> {
    let opt = usvg::Options {
        fontdb: font_db(),
        font_family: FONT_FAMILY.to_string(),
        languages: vec!["zh-CN".to_string(), "en".to_string()],
        ..usvg::Options::default()
    };
    usvg::Tree::from_str(svg, &opt).map_err(|e| ExportError::Render(format!("SVG: {e}")))
}

/// Pixels for a length in points at a DPI (rounded to the nearest pixel).
pub fn pixels(points: f32, dpi: f32) -> u32 {
    (points as f64 / 72.0 * dpi as f64).round().max(1.0) as u32
}

/// Renders the tree to a PNG of `px` pixels on white, recording `dpi` in a pHYs chunk.
pub fn tree_to_png(tree: &usvg::Tree, px: [u32; 2], dpi: f32) -> Result<Vec<u8>, ExportError> {
    let mut pixmap = tiny_skia::Pixmap::new(px[0], px[1]).ok_or_else(|| {
        ExportError::Render(format!("cannot allocate a {}×{} image", px[0], px[1]))
    })?;
    pixmap.fill(tiny_skia::Color::WHITE);
    let size = tree.size();
    let t =
        tiny_skia::Transform::from_scale(px[0] as f32 / size.width(), px[1] as f32 / size.height());
    resvg::render(tree, t, &mut pixmap.as_mut());
    let png = pixmap
        .encode_png()
        .map_err(|e| ExportError::Render(format!("PNG: {e}")))?;
    Ok(with_phys(png, dpi))
}

/// Inserts a pHYs chunk (pixels per metre) after the IHDR chunk of a PNG.
fn with_phys(png: Vec<u8>, dpi: f32) -> Vec<u8> {
    // Signature (8) + IHDR chunk (4 length + 4 type + 13 data + 4 crc).
    const IHDR_END: usize = 8 + 4 + 4 + 13 + 4;
    if png.len() < IHDR_END || &png[12..16] != b"IHDR" || !(dpi.is_finite() && dpi > 0.0) {
        return png;
    }
    let ppm = (dpi as f64 / 0.0254).round() as u32;
    let mut chunk = Vec::with_capacity(21);
    chunk.extend_from_slice(&9u32.to_be_bytes());
    let mut body = Vec::with_capacity(13);
    body.extend_from_slice(b"pHYs");
    body.extend_from_slice(&ppm.to_be_bytes());
    body.extend_from_slice(&ppm.to_be_bytes());
    body.push(1); // unit: metre
    chunk.extend_from_slice(&body);
    chunk.extend_from_slice(&crc32(&body).to_be_bytes());
    let mut out = Vec::with_capacity(png.len() + chunk.len());
    out.extend_from_slice(&png[..IHDR_END]);
    out.extend_from_slice(&chunk);
    out.extend_from_slice(&png[IHDR_END..]);
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_matches_the_png_spec() {
        // CRC of "IEND" is the constant every PNG ends with.
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
    }

    #[test]
    fn pixels_are_paper_times_dpi() {
        // A3 landscape: 420 × 297 mm.
        let w = 420.0 / 25.4 * 72.0;
        assert_eq!(pixels(w, 300.0), 4961);
        assert_eq!(pixels(w, 150.0), 2480);
    }
}
