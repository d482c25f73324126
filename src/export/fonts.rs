//! The bundled CJK font (Noto Sans CJK SC subset, OFL): its bytes, a font database for
//! usvg/resvg/krilla, real advance widths for label placement, and the glyph check
//! that warns about characters the font lacks before a file is written.
//!
//! Embedding the font with `include_bytes!` keeps every export identical on every
//! machine. No GUI, no file I/O.

use std::sync::{Arc, OnceLock};

use resvg::usvg::fontdb;

use crate::render::labels::{EstimatedMeasure, TextMeasure};

/// The bundled font file (one face, index 0).
pub const FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-ParkPlan.otf");

/// Its family name, as SVG `font-family` names it.
pub const FONT_FAMILY: &str = "Noto Sans CJK SC";

/// A font database holding only the bundled font (built once).
pub fn font_db() -> Arc<fontdb::Database> {
    static DB: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = fontdb::Database::new();
        db.load_font_data(FONT_BYTES.to_vec());
        db.set_sans_serif_family(FONT_FAMILY);
        Arc::new(db)
    })
    .clone()
}

fn face() -> Option<&'static ttf_parser::Face<'static>> {
    static FACE: OnceLock<Option<ttf_parser::Face<'static>>> = OnceLock::new();
    FACE.get_or_init(|| ttf_parser::Face::parse(FONT_BYTES, 0).ok())
        .as_ref()
}

/// Whether the bundled font can draw a character (whitespace always can).
pub fn has_glyph(c: char) -> bool {
    c.is_whitespace() || face().is_some_and(|f| f.glyph_index(c).is_some())
}

/// The characters of `text` the bundled font cannot draw, each once, in order.
pub fn missing_glyphs(text: &str) -> Vec<char> {
    let mut out: Vec<char> = Vec::new();
    for c in text.chars() {
        if !has_glyph(c) && !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// Measures text with the bundled font's advance widths (no kerning; within a few
/// percent of the shaped width). Falls back to estimates if the font cannot be read.
#[derive(Debug, Clone, Copy, Default)]
pub struct FontMeasure;

impl TextMeasure for FontMeasure {
    fn width(&self, text: &str, size: f32) -> f32 {
        let Some(f) = face() else {
            return EstimatedMeasure.width(text, size);
        };
        let upem = f.units_per_em() as f32;
        let mut w = 0.0;
        for c in text.chars() {
            w += match f.glyph_index(c).and_then(|g| f.glyph_hor_advance(g)) {
                Some(adv) => adv as f32 / upem,
                None => crate::render::labels::estimated_advance(c),
            };
        }
        w * size
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_font_covers_the_parks_words_but_not_the_ui_arrows() {
        assert!(
            missing_glyphs("KW6公交微循环线路覆盖图 荆州经开区五方光电 1:10000 ㎡ ℃").is_empty()
        );
        assert_eq!(missing_glyphs("a▸b▸✎"), vec!['▸', '✎']);
        // CJK advances are one em; Latin narrower.
        let m = FontMeasure;
        assert!((m.width("荆州", 10.0) - 20.0).abs() < 0.01);
        let w = m.width("KW6", 10.0);
        assert!(w > 12.0 && w < 25.0, "{w}");
        assert_eq!(font_db().len(), 1);
    }
}
