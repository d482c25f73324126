//! Fonts for Chinese text: a system CJK font when the machine has one, else the bundled
//! OFL subset `assets/fonts/NotoSansSC-ParkPlan.otf`.
//!
//! egui's default fonts stay first for Latin text and symbols; the CJK font is added as a
//! fallback to the proportional and monospace families, followed by the bundled subset
//! (so a system font that lacks a character still has a second chance). This module
//! owns font discovery and installation only.

use std::sync::Arc;

use eframe::egui;
use egui::{FontData, FontFamily, FontPriority, epaint::text::FontInsert};
use resvg::usvg::fontdb;

/// The bundled Simplified-Chinese subset of Noto Sans CJK SC (SIL OFL 1.1).
pub const BUNDLED_CJK: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-ParkPlan.otf");

/// Family names of CJK system fonts, in order of preference: Windows first, then the
/// usual Linux packages, then macOS.
pub const PREFERRED_FAMILIES: &[&str] = &[
    "Microsoft YaHei",
    "Microsoft YaHei UI",
    "SimHei",
    "DengXian",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "PingFang SC",
    "Hiragino Sans GB",
];

/// A font found on the system: its bytes, the face index in a collection, its family.
#[derive(Clone)]
pub struct SystemFont {
    /// The file's bytes.
    pub data: Arc<Vec<u8>>,
    /// Face index within a `.ttc`.
    pub index: u32,
    /// The family that matched.
    pub family: String,
}

impl std::fmt::Debug for SystemFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SystemFont")
            .field("family", &self.family)
            .field("index", &self.index)
            .field("bytes", &self.data.len())
            .finish()
    }
}

/// Looks for a CJK system font with fontdb, preferring [`PREFERRED_FAMILIES`] in order.
/// Returns `None` when none is installed or the file cannot be read.
pub fn find_system_cjk() -> Option<SystemFont> {
    let mut db = fontdb::Database::new();
    db.load_system_fonts();
    for want in PREFERRED_FAMILIES {
        let face = db.faces().find(|f| {
            f.families
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case(want))
                && f.style == fontdb::Style::Normal
                && f.weight == fontdb::Weight::NORMAL
        });
        let Some(face) = face else { continue };
        let path = match &face.source {
            fontdb::Source::File(p) => p.clone(),
            fontdb::Source::SharedFile(p, _) => p.clone(),
            fontdb::Source::Binary(_) => continue,
        };
        if let Ok(bytes) = std::fs::read(&path) {
            return Some(SystemFont {
                data: Arc::new(bytes),
                index: face.index,
                family: want.to_string(),
            });
        }
    }
    None
}

/// Which CJK font the UI ended up with, for the About box and logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CjkSource {
    /// A system font of this family.
    System(String),
    /// Only the bundled subset.
    Bundled,
}

fn insert(ctx: &egui::Context, name: &str, data: FontData) {
    ctx.add_font(FontInsert::new(
        name,
        data,
        vec![
            egui::epaint::text::InsertFontFamily {
                family: FontFamily::Proportional,
                priority: FontPriority::Lowest,
            },
            egui::epaint::text::InsertFontFamily {
                family: FontFamily::Monospace,
                priority: FontPriority::Lowest,
            },
        ],
    ));
}

/// Installs the bundled CJK subset as a fallback font. Enough for tests and for any
/// machine without CJK fonts.
pub fn install_bundled(ctx: &egui::Context) {
    insert(
        ctx,
        "parkplan-cjk-bundled",
        FontData::from_static(BUNDLED_CJK),
    );
}

/// Installs the best CJK font available: a system font first, then the bundled subset
/// behind it. Returns which one leads.
pub fn install(ctx: &egui::Context) -> CjkSource {
    let source = match find_system_cjk() {
        Some(font) => {
            let blob: egui::epaint::text::Blob = font.data.clone();
            insert(
                ctx,
                "parkplan-cjk-system",
                FontData::from_blob(blob, font.index),
            );
            CjkSource::System(font.family)
        }
        None => CjkSource::Bundled,
    };
    install_bundled(ctx);
    source
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_font_is_an_opentype_file() {
        assert_eq!(&BUNDLED_CJK[..4], b"OTTO");
        assert!(BUNDLED_CJK.len() > 1_000_000);
    }

    #[test]
    fn bundled_font_covers_the_sample_names_in_egui() {
        let ctx = egui::Context::default();
        let font = egui::FontId::proportional(14.0);
        let text = "荆州五方光电科技有限公司 宿驾综合服务中心 常湾社区便民服务站 亩 m² …";
        let mut out = ctx.run_ui(Default::default(), |_| {});
        out.textures_delta.clear();
        assert!(
            !ctx.fonts_mut(|f| f.has_glyphs(&font, "荆州五方光电")),
            "no CJK before"
        );
        install_bundled(&ctx);
        let mut out = ctx.run_ui(Default::default(), |_| {});
        out.textures_delta.clear();
        assert!(ctx.fonts_mut(|f| f.has_glyphs(&font, text)));
        let mono = egui::FontId::monospace(12.0);
        assert!(ctx.fonts_mut(|f| f.has_glyphs(&mono, "经度 纬度")));
    }
}
