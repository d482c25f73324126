//! The SVG target of the renderer's [`Canvas`]: a page of scenes becomes one SVG
//! document with real paths (even-odd fills, round joins, dashes) and real text
//! (`<text>` in the bundled font's family, halos as `paint-order="stroke"` so the
//! words are not doubled when the text is extracted).
//!
//! This SVG is also the single source of the PNG (resvg) and the PDF (krilla-svg): one
//! serialisation, three files that match. No file I/O here.

use std::fmt::Write;

use crate::render::canvas::{Canvas, draw_scene};
use crate::render::scene::{
    HAlign, LabelItem, MarkerItem, PolygonItem, PolylineItem, RasterItem, Scene,
};
use crate::render::style::{MarkerShape, Rgba, Stroke};
use crate::render::view::ScreenRect;

use super::fonts::FONT_FAMILY;

/// Builds an SVG document from scenes drawn in points (1/72 in).
pub struct SvgCanvas {
    out: String,
    clips: usize,
    open_group: bool,
    /// Marker symbols defined so far (their definition → number).
    symbols: std::collections::HashMap<String, usize>,
    /// How hard pictures are compressed: hard for an SVG file kept as written, barely
    /// when the SVG is only a step to a PDF or PNG (which decode and compress again).
    pictures: png::Compression,
}

/// Formats a coordinate with at most two decimals and no trailing zeros.
fn num(out: &mut String, v: f32) {
    let v = if v.is_finite() { v } else { 0.0 };
    let r = (v * 100.0).round() / 100.0;
    if r == r.trunc() {
        let _ = write!(out, "{}", r as i64);
    } else {
        let s = format!("{r:.2}");
        out.push_str(s.trim_end_matches('0'));
    }
}

fn escape(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
}

fn fill_attrs(out: &mut String, fill: Option<Rgba>) {
    match fill {
        Some(c) if c.a > 0 => {
            let _ = write!(out, " fill=\"{}\"", c.hex_rgb());
            if c.a < 255 {
                out.push_str(" fill-opacity=\"");
                num(out, c.alpha_f32());
                out.push('"');
            }
        }
        _ => out.push_str(" fill=\"none\""),
    }
}

fn stroke_attrs(out: &mut String, stroke: Option<&Stroke>) {
    let Some(s) = stroke.filter(|s| s.width > 0.0 && s.color.a > 0) else {
        return;
    };
    let _ = write!(out, " stroke=\"{}\" stroke-width=\"", s.color.hex_rgb());
    num(out, s.width);
    out.push('"');
    if s.color.a < 255 {
        out.push_str(" stroke-opacity=\"");
        num(out, s.color.alpha_f32());
        out.push('"');
    }
    out.push_str(" stroke-linejoin=\"round\" stroke-linecap=\"round\"");
    if let Some(d) = s
        .dash
        .as_ref()
        .filter(|d| !d.is_empty() && d.iter().all(|v| *v > 0.0))
    {
        out.push_str(" stroke-dasharray=\"");
        for (k, v) in d.iter().enumerate() {
            if k > 0 {
                out.push(' ');
            }
            num(out, *v);
        }
        out.push('"');
    }
}

fn path_data(out: &mut String, pts: &[[f32; 2]], close: bool) {
    for (k, p) in pts.iter().enumerate() {
        out.push(if k == 0 { 'M' } else { 'L' });
        num(out, p[0]);
        out.push(' ');
        num(out, p[1]);
    }
    if close {
        out.push('Z');
    }
}

impl SvgCanvas {
    /// Starts a document of `size` points, declaring its physical size in millimetres.
    pub fn new(size: [f32; 2]) -> SvgCanvas {
        let mut out = String::with_capacity(64 * 1024);
        let mm = |pt: f32| pt as f64 * 25.4 / 72.0;
        let _ = write!(
            out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{:.2}mm\" height=\"{:.2}mm\" viewBox=\"0 0 {:.2} {:.2}\" font-family=\"'{FONT_FAMILY}', 'Noto Sans SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif\">\n",
            mm(size[0]),
            mm(size[1]),
            size[0],
            size[1]
        );
        SvgCanvas {
            out,
            clips: 0,
            open_group: false,
            symbols: std::collections::HashMap::new(),
            pictures: png::Compression::Balanced,
        }
    }

    /// Like [`SvgCanvas::new`], for an SVG that is only read back to make a PDF or PNG:
    /// pictures are compressed lightly (the reader decodes them anyway).
    pub fn for_conversion(size: [f32; 2]) -> SvgCanvas {
        SvgCanvas {
            pictures: png::Compression::Fast,
            ..SvgCanvas::new(size)
        }
    }

    /// Draws scenes in order.
    pub fn draw(&mut self, scenes: &[Scene]) {
        for s in scenes {
            draw_scene(s, self);
        }
    }

    /// Finishes the document.
    pub fn finish(mut self) -> String {
        if self.open_group {
            self.out.push_str("</g>\n");
        }
        self.out.push_str("</svg>\n");
        self.out
    }

    fn marker_shape(&mut self, m: &MarkerItem) {
        if m.shape == MarkerShape::Circle {
            self.out.push_str("<circle cx=\"");
            num(&mut self.out, m.center[0]);
            self.out.push_str("\" cy=\"");
            num(&mut self.out, m.center[1]);
            self.out.push_str("\" r=\"");
            num(&mut self.out, m.size / 2.0);
            self.out.push('"');
        } else {
            let pts: Vec<[f32; 2]> = m
                .shape
                .outline(m.size)
                .iter()
                .map(|p| [p[0] + m.center[0], p[1] + m.center[1]])
                .collect();
            self.out.push_str("<path d=\"");
            path_data(&mut self.out, &pts, true);
            self.out.push('"');
        }
    }
}

impl Canvas for SvgCanvas {
    fn begin_scene(&mut self, clip: Option<ScreenRect>, background: Option<Rgba>) {
        if let Some(c) = clip {
            self.clips += 1;
            let _ = write!(
                self.out,
                "<defs><clipPath id=\"clip{}\"><rect x=\"{:.2}\" y=\"{:.2}\" width=\"{:.2}\" height=\"{:.2}\"/></clipPath></defs>\n<g clip-path=\"url(#clip{})\">\n",
                self.clips,
                c.min[0],
                c.min[1],
                c.width(),
                c.height(),
                self.clips
            );
            self.open_group = true;
            if let Some(bg) = background {
                let _ = write!(
                    self.out,
                    "<rect x=\"{:.2}\" y=\"{:.2}\" width=\"{:.2}\" height=\"{:.2}\"",
                    c.min[0],
                    c.min[1],
                    c.width(),
                    c.height()
                );
                fill_attrs(&mut self.out, Some(bg));
                self.out.push_str("/>\n");
            }
        } else {
            self.out.push_str("<g>\n");
            self.open_group = true;
            if let Some(bg) = background {
                self.out.push_str("<rect width=\"100%\" height=\"100%\"");
                fill_attrs(&mut self.out, Some(bg));
                self.out.push_str("/>\n");
            }
        }
    }

    fn polygon(&mut self, p: &PolygonItem) {
        if p.rings.is_empty() {
            return;
        }
        self.out.push_str("<path d=\"");
        for r in &p.rings {
            if r.len() >= 2 {
                path_data(&mut self.out, r, true);
            }
        }
        self.out.push_str("\" fill-rule=\"evenodd\"");
        fill_attrs(&mut self.out, p.fill);
        stroke_attrs(&mut self.out, p.stroke.as_ref());
        self.out.push_str("/>\n");
    }

    fn polyline(&mut self, l: &PolylineItem) {
        if l.points.len() < 2 {
            return;
        }
        self.out.push_str("<path d=\"");
        path_data(&mut self.out, &l.points, false);
        self.out.push_str("\" fill=\"none\"");
        stroke_attrs(&mut self.out, Some(&l.stroke));
        self.out.push_str("/>\n");
    }

    fn marker(&mut self, m: &MarkerItem) {
        // Each symbol is defined once (centred on 0,0) and placed with <use>: a map of
        // 20,000 enterprises in a handful of classes writes a handful of shapes.
        let mut def = String::new();
        std::mem::swap(&mut def, &mut self.out);
        self.marker_shape(&MarkerItem {
            center: [0.0, 0.0],
            ..m.clone()
        });
        fill_attrs(&mut self.out, m.fill);
        stroke_attrs(&mut self.out, m.stroke.as_ref());
        std::mem::swap(&mut def, &mut self.out);
        let next = self.symbols.len();
        let id = *self.symbols.entry(def).or_insert_with_key(|def| {
            // "<circle cx=… fill=…" → "<defs><circle id="mN" cx=… fill=…/></defs>".
            let (tag, rest) = def.split_at(def.find(' ').unwrap_or(def.len()));
            let _ = writeln!(self.out, "<defs>{tag} id=\"m{next}\"{rest}/></defs>");
            next
        });
        let _ = write!(self.out, "<use href=\"#m{id}\" x=\"");
        num(&mut self.out, m.center[0]);
        self.out.push_str("\" y=\"");
        num(&mut self.out, m.center[1]);
        self.out.push_str("\"/>\n");
    }

    fn raster(&mut self, r: &RasterItem) {
        // A PNG in a data URL; usvg (PDF, PNG) and browsers read it.
        use base64::Engine;
        let Some(png) = encode_png(r, self.pictures) else {
            return;
        };
        self.out.push_str("<image x=\"");
        num(&mut self.out, r.rect.min[0]);
        self.out.push_str("\" y=\"");
        num(&mut self.out, r.rect.min[1]);
        self.out.push_str("\" width=\"");
        num(&mut self.out, r.rect.width());
        self.out.push_str("\" height=\"");
        num(&mut self.out, r.rect.max[1] - r.rect.min[1]);
        self.out
            .push_str("\" preserveAspectRatio=\"none\" href=\"data:image/png;base64,");
        base64::engine::general_purpose::STANDARD.encode_string(&png, &mut self.out);
        self.out.push_str("\"/>\n");
    }

    fn label(&mut self, l: &LabelItem) {
        if l.text.trim().is_empty() {
            return;
        }
        self.out.push_str("<text x=\"");
        num(&mut self.out, l.pos[0]);
        self.out.push_str("\" y=\"");
        num(&mut self.out, l.baseline());
        self.out.push_str("\" font-size=\"");
        num(&mut self.out, l.size);
        self.out.push('"');
        match l.align {
            HAlign::Left => {}
            HAlign::Center => self.out.push_str(" text-anchor=\"middle\""),
            HAlign::Right => self.out.push_str(" text-anchor=\"end\""),
        }
        if l.angle != 0.0 && l.angle.is_finite() {
            // Rotated about its position (SVG angles are clockwise with y down, as ours).
            self.out.push_str(" transform=\"rotate(");
            num(&mut self.out, l.angle.to_degrees());
            self.out.push(' ');
            num(&mut self.out, l.pos[0]);
            self.out.push(' ');
            num(&mut self.out, l.pos[1]);
            self.out.push_str(")\"");
        }
        fill_attrs(&mut self.out, Some(l.color));
        if let Some(h) = l.halo.filter(|h| h.width > 0.0 && h.color.a > 0) {
            // The stroke is centred on the outline: twice the halo width, painted first.
            self.out.push_str(" paint-order=\"stroke\"");
            stroke_attrs(&mut self.out, Some(&Stroke::solid(h.color, h.width * 2.0)));
        }
        self.out.push('>');
        escape(&mut self.out, &l.text);
        self.out.push_str("</text>\n");
    }

    fn end_scene(&mut self) {
        if self.open_group {
            self.out.push_str("</g>\n");
            self.open_group = false;
        }
    }
}

/// An SVG document of scenes on a page of `size` points.
pub fn scenes_to_svg(size: [f32; 2], scenes: &[Scene]) -> String {
    let mut c = SvgCanvas::new(size);
    c.draw(scenes);
    c.finish()
}

/// Like [`scenes_to_svg`], for an SVG only read back to make a PDF or PNG
/// ([`SvgCanvas::for_conversion`]).
pub fn scenes_to_svg_for_conversion(size: [f32; 2], scenes: &[Scene]) -> String {
    let mut c = SvgCanvas::for_conversion(size);
    c.draw(scenes);
    c.finish()
}

/// One premultiplied RGBA pixel with straight alpha (transparent pixels become 0, 0, 0, 0).
pub(super) fn straight_alpha(p: [u8; 4]) -> [u8; 4] {
    let a = p[3] as u32;
    match a {
        0 => [0, 0, 0, 0],
        255 => p,
        _ => {
            let un = |c: u8| ((c as u32 * 255 + a / 2) / a).min(255) as u8;
            [un(p[0]), un(p[1]), un(p[2]), p[3]]
        }
    }
}

/// A picture (premultiplied RGBA) as PNG (straight RGBA); `None` when its size and
/// pixels disagree or the encoder fails.
fn encode_png(r: &RasterItem, compression: png::Compression) -> Option<Vec<u8>> {
    let (w, h) = (r.width as usize, r.height as usize);
    if w == 0 || h == 0 || r.pixels.len() != w * h * 4 {
        return None;
    }
    let mut straight = Vec::with_capacity(r.pixels.len());
    for p in r.pixels.chunks_exact(4) {
        straight.extend_from_slice(&straight_alpha([p[0], p[1], p[2], p[3]]));
    }
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, r.width, r.height);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(compression);
    let mut writer = enc.write_header().ok()?;
    writer.write_image_data(&straight).ok()?;
    writer.finish().ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_are_written_as_straight_alpha_png_at_either_compression() {
        // Premultiplied: opaque red, half-transparent blue, transparent.
        let r = RasterItem {
            rect: ScreenRect::from_min_size([0.0, 0.0], [3.0, 1.0]),
            width: 3,
            height: 1,
            pixels: std::sync::Arc::new(vec![255, 0, 0, 255, 0, 0, 64, 128, 0, 0, 0, 0]),
            layer: 0,
            features: 2,
        };
        for c in [png::Compression::Balanced, png::Compression::Fast] {
            let bytes = encode_png(&r, c).unwrap();
            let mut dec = png::Decoder::new(std::io::Cursor::new(bytes))
                .read_info()
                .unwrap();
            let mut buf = vec![0; dec.output_buffer_size().unwrap()];
            let info = dec.next_frame(&mut buf).unwrap();
            assert_eq!((info.width, info.height), (3, 1));
            assert_eq!(&buf[..12], &[255, 0, 0, 255, 0, 0, 128, 128, 0, 0, 0, 0]);
        }
        // Size and pixels that disagree write nothing.
        let bad = RasterItem {
            width: 4,
            ..r.clone()
        };
        assert!(encode_png(&bad, png::Compression::Fast).is_none());
    }

    #[test]
    fn numbers_are_short_and_text_is_escaped() {
        let mut s = String::new();
        num(&mut s, 12.0);
        s.push(' ');
        num(&mut s, 7.125_9);
        s.push(' ');
        num(&mut s, -0.5);
        s.push(' ');
        num(&mut s, f32::NAN);
        assert_eq!(s, "12 7.13 -0.5 0");
        let mut e = String::new();
        escape(&mut e, "A&B <路> \"x\"");
        assert_eq!(e, "A&amp;B &lt;路&gt; &quot;x&quot;");
    }

    #[test]
    fn a_scene_becomes_valid_svg() {
        let mut scene = Scene::clipped(ScreenRect::from_min_size([10.0, 10.0], [100.0, 80.0]));
        scene.polygon(
            vec![
                vec![[10.0, 10.0], [60.0, 10.0], [60.0, 60.0], [10.0, 60.0]],
                vec![[20.0, 20.0], [30.0, 20.0], [30.0, 30.0]],
            ],
            Some(Rgba::new(127, 95, 63, 200)),
            Some(Stroke::dashed(Rgba::BLACK, 0.5, &[2.0, 1.0])),
        );
        scene.text(
            "KW6公交 & 站点",
            [20.0, 70.0],
            HAlign::Center,
            9.0,
            Rgba::BLACK,
        );
        let svg = scenes_to_svg([200.0, 100.0], &[scene]);
        assert!(svg.contains("fill-rule=\"evenodd\""));
        assert!(svg.contains("stroke-dasharray=\"2 1\""));
        assert!(svg.contains(">KW6公交 &amp; 站点</text>"));
        let opt = resvg::usvg::Options {
            fontdb: super::super::fonts::font_db(),
            ..Default::default()
        };
        let tree = resvg::usvg::Tree::from_str(&svg, &opt).expect("usvg parses it");
        assert!((tree.size().width() - 200.0 * 96.0 / 72.0).abs() < 0.1);
    }

    #[test]
    fn markers_of_one_symbol_are_defined_once_and_placed_with_use() {
        use crate::render::scene::{Item, MarkerItem};
        use crate::render::style::MarkerShape;
        let mut scene = Scene::clipped(ScreenRect::from_min_size([0.0, 0.0], [100.0, 100.0]));
        let m = |x: f32, shape: MarkerShape| {
            Item::Marker(MarkerItem {
                center: [x, 50.0],
                shape,
                size: 6.0,
                fill: Some(Rgba::new(200, 0, 0, 255)),
                stroke: Some(Stroke::solid(Rgba::WHITE, 1.0)),
                tag: None,
            })
        };
        scene.items.push(m(10.0, MarkerShape::Circle));
        scene.items.push(m(30.0, MarkerShape::Circle));
        scene.items.push(m(50.0, MarkerShape::Square));
        scene.items.push(m(70.0, MarkerShape::Circle));
        let svg = scenes_to_svg([100.0, 100.0], &[scene]);
        assert_eq!(svg.matches("<defs><circle id=").count(), 1, "{svg}");
        assert_eq!(svg.matches("<defs><path id=").count(), 1);
        assert_eq!(svg.matches("<use href=").count(), 4);
        // The tree usvg builds (what PDF and PNG draw) has the four shapes where they go.
        let opt = resvg::usvg::Options::default();
        let tree = resvg::usvg::Tree::from_str(&svg, &opt).expect("usvg parses it");
        let mut boxes = Vec::new();
        fn walk(g: &resvg::usvg::Group, out: &mut Vec<f32>) {
            for n in g.children() {
                match n {
                    resvg::usvg::Node::Group(g) => walk(g, out),
                    resvg::usvg::Node::Path(p) => {
                        let b = p.abs_bounding_box();
                        out.push((b.left() + b.right()) / 2.0);
                    }
                    _ => {}
                }
            }
        }
        walk(tree.root(), &mut boxes);
        let k = 96.0 / 72.0;
        let mut xs: Vec<f32> = boxes.iter().map(|x| (x / k).round()).collect();
        xs.sort_by(f32::total_cmp);
        xs.dedup();
        assert_eq!(xs, vec![10.0, 30.0, 50.0, 70.0], "{boxes:?}");
    }
}
