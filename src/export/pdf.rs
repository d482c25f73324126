//! Pages to a PDF: vector content through the page's SVG and krilla-svg (as before),
//! pictures handed to krilla directly.
//!
//! A page's scenes are cut at each picture into runs of vector items. Each run becomes
//! its own small SVG document (same page size, same clip), drawn with krilla-svg in
//! order; each picture is drawn between them as a krilla image under the scene's
//! clip. Drawing order, clips and pixels are those of the single SVG.
//!
//! Why: krilla compresses every picture once more (deflate, level 6) on its own worker.
//! Through an SVG, that compression could only start when krilla-svg reached the
//! picture, after the picture had been PNG-encoded, base64-encoded, parsed and decoded
//! again. Here every picture is handed over before any SVG is written, so the biggest
//! compression runs beside the SVG writing, parsing and drawing instead of after them.
//! No file I/O here.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use krilla::geom::{PathBuilder, Rect, Size, Transform};
use krilla::image::{BitsPerComponent, CustomImage, Image, ImageColorspace};
use krilla::paint::FillRule;
use rayon::prelude::*;

use crate::render::canvas::{Canvas, draw_scene};
use crate::render::scene::{LabelItem, MarkerItem, PolygonItem, PolylineItem, RasterItem, Scene};
use crate::render::style::Rgba;
use crate::render::view::ScreenRect;

use super::ExportError;
use super::svg::{SvgCanvas, straight_alpha};

/// A picture's pixels as krilla wants them: straight RGB and, unless every pixel is
/// opaque, the alpha channel apart.
#[derive(Clone)]
struct Picture {
    width: u32,
    height: u32,
    color: Arc<Vec<u8>>,
    alpha: Option<Arc<Vec<u8>>>,
    /// The premultiplied pixels' address: pictures are told apart by their buffer
    /// (kept alive by the image), not by hashing megabytes again.
    key: usize,
}

impl Hash for Picture {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self.key, self.width, self.height).hash(state);
    }
}

impl CustomImage for Picture {
    fn color_channel(&self) -> &[u8] {
        &self.color
    }

    fn alpha_channel(&self) -> Option<&[u8]> {
        self.alpha.as_deref().map(|a| a.as_slice())
    }

    fn bits_per_component(&self) -> BitsPerComponent {
        BitsPerComponent::Eight
    }

    fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    fn icc_profile(&self) -> Option<&[u8]> {
        None
    }

    fn color_space(&self) -> ImageColorspace {
        ImageColorspace::Rgb
    }
}

/// Rows converted together when splitting a picture into colour and alpha.
const ROWS_A_BLOCK: usize = 64;

impl Picture {
    /// The picture of a raster item (premultiplied RGBA); `None` when its size and
    /// pixels disagree. Un-premultiplies exactly as the SVG's PNG does.
    fn new(r: &RasterItem) -> Option<Picture> {
        let (w, h) = (r.width as usize, r.height as usize);
        if w == 0 || h == 0 || r.pixels.len() != w * h * 4 {
            return None;
        }
        let mut color = vec![0u8; w * h * 3];
        let mut alpha = vec![0u8; w * h];
        let block = w * ROWS_A_BLOCK;
        color
            .par_chunks_mut(block * 3)
            .zip(alpha.par_chunks_mut(block))
            .zip(r.pixels.par_chunks(block * 4))
            .for_each(|((c, a), p)| {
                for ((c, a), p) in c
                    .chunks_exact_mut(3)
                    .zip(a.iter_mut())
                    .zip(p.chunks_exact(4))
                {
                    let s = straight_alpha([p[0], p[1], p[2], p[3]]);
                    c.copy_from_slice(&s[..3]);
                    *a = s[3];
                }
            });
        let opaque = alpha.par_iter().all(|&a| a == 255);
        Some(Picture {
            width: r.width,
            height: r.height,
            color: Arc::new(color),
            alpha: (!opaque).then(|| Arc::new(alpha)),
            key: Arc::as_ptr(&r.pixels) as usize,
        })
    }
}

/// One piece of a page, drawn in order.
enum Segment {
    /// Vector items (with their scene's clip and background) as an SVG document.
    Svg(String),
    /// A picture over `rect`, clipped to `clip`.
    Picture {
        image: Image,
        rect: ScreenRect,
        clip: Option<ScreenRect>,
    },
}

/// A [`Canvas`] that writes vector items into SVG runs and cuts them at pictures.
struct SegmentCanvas<'a> {
    size: [f32; 2],
    svg: SvgCanvas,
    /// Whether the current run draws anything (items or a background).
    drawn: bool,
    /// The clip of the scene being drawn.
    clip: Option<ScreenRect>,
    images: &'a HashMap<usize, Image>,
    segments: Vec<Segment>,
}

impl SegmentCanvas<'_> {
    /// The current SVG run, for a vector item (the run now draws something).
    fn vector(&mut self) -> &mut SvgCanvas {
        self.drawn = true;
        &mut self.svg
    }

    /// Ends the current SVG run (kept when it draws anything) and starts a new one.
    fn cut(&mut self) {
        let run = std::mem::replace(&mut self.svg, SvgCanvas::for_conversion(self.size));
        if std::mem::take(&mut self.drawn) {
            self.segments.push(Segment::Svg(run.finish()));
        }
    }
}

impl Canvas for SegmentCanvas<'_> {
    fn begin_scene(&mut self, clip: Option<ScreenRect>, background: Option<Rgba>) {
        self.clip = clip;
        self.drawn |= background.is_some();
        self.svg.begin_scene(clip, background);
    }

    fn polygon(&mut self, p: &PolygonItem) {
        self.vector().polygon(p);
    }

    fn polyline(&mut self, l: &PolylineItem) {
        self.vector().polyline(l);
    }

    fn marker(&mut self, m: &MarkerItem) {
        self.vector().marker(m);
    }

    fn label(&mut self, l: &LabelItem) {
        self.vector().label(l);
    }

    fn raster(&mut self, r: &RasterItem) {
        let Some(image) = self.images.get(&(Arc::as_ptr(&r.pixels) as usize)) else {
            return;
        };
        self.svg.end_scene();
        self.cut();
        self.segments.push(Segment::Picture {
            image: image.clone(),
            rect: r.rect,
            clip: self.clip,
        });
        // The scene goes on after the picture: the next run opens the same clip.
        self.svg.begin_scene(self.clip, None);
    }

    fn end_scene(&mut self) {
        self.svg.end_scene();
        self.clip = None;
    }
}

/// A rectangle as a closed path (display units are PDF points).
fn rect_path(r: ScreenRect) -> Option<krilla::geom::Path> {
    let mut b = PathBuilder::new();
    b.push_rect(Rect::from_xywh(r.min[0], r.min[1], r.width(), r.height())?);
    b.finish()
}

/// Renders pages (`scenes`, `size` in points) to a PDF, one page each.
pub fn pages_to_pdf(pages: &[(&[Scene], [f32; 2])], title: &str) -> Result<Vec<u8>, ExportError> {
    use krilla::Document;
    use krilla::metadata::Metadata;
    use krilla::page::PageSettings;
    use krilla_svg::{SurfaceExt, SvgSettings};

    // Every picture first, the biggest first: krilla starts compressing each as soon as
    // it is made, and the biggest takes longest.
    let mut rasters: Vec<&RasterItem> = pages
        .iter()
        .flat_map(|(scenes, _)| scenes.iter().flat_map(Scene::rasters))
        .collect();
    rasters.sort_by_key(|r| std::cmp::Reverse(r.pixels.len()));
    let mut images = HashMap::new();
    for r in rasters {
        let key = Arc::as_ptr(&r.pixels) as usize;
        if images.contains_key(&key) {
            continue;
        }
        if let Some(p) = Picture::new(r) {
            let image = Image::from_custom(p, false)
                .map_err(|e| ExportError::Render(format!("picture: {e}")))?;
            images.insert(key, image);
        }
    }

    let mut doc = Document::new();
    for (scenes, size) in pages {
        let mut canvas = SegmentCanvas {
            size: *size,
            svg: SvgCanvas::for_conversion(*size),
            drawn: false,
            clip: None,
            images: &images,
            segments: Vec::new(),
        };
        for s in scenes.iter() {
            draw_scene(s, &mut canvas);
        }
        canvas.cut();

        let bad_size = || ExportError::Render(format!("bad page size {size:?}"));
        let settings = PageSettings::from_wh(size[0], size[1]).ok_or_else(bad_size)?;
        let target = Size::from_wh(size[0], size[1]).ok_or_else(bad_size)?;
        let mut page = doc.start_page_with(settings);
        let mut surface = page.surface();
        for segment in canvas.segments {
            match segment {
                Segment::Svg(svg) => {
                    let tree = super::output::parse_svg(&svg)?;
                    surface
                        .draw_svg(&tree, target, SvgSettings::default())
                        .ok_or_else(|| {
                            ExportError::Render("the map could not be drawn into the PDF".into())
                        })?;
                }
                Segment::Picture { image, rect, clip } => {
                    let Some(at) = Size::from_wh(rect.width(), rect.max[1] - rect.min[1]) else {
                        continue;
                    };
                    let clip = clip.and_then(rect_path);
                    if let Some(c) = &clip {
                        surface.push_clip_path(c, &FillRule::NonZero);
                    }
                    surface.push_transform(&Transform::from_translate(rect.min[0], rect.min[1]));
                    surface.draw_image(image, at);
                    surface.pop();
                    if clip.is_some() {
                        surface.pop();
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    doc.set_metadata(
        Metadata::new()
            .title(title.to_string())
            .creator("ParkPlan".to_string())
            .language("zh-CN".to_string()),
    );
    doc.finish()
        .map_err(|e| ExportError::Render(format!("PDF: {e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::scene::{HAlign, Item};

    /// A 4 × 2 premultiplied picture: opaque red, half-transparent green, clear, and
    /// almost-opaque blue, twice.
    fn picture(rect: ScreenRect) -> RasterItem {
        let row = [255, 0, 0, 255, 0, 100, 0, 128, 0, 0, 0, 0, 0, 0, 200, 215];
        RasterItem {
            rect,
            width: 4,
            height: 2,
            pixels: Arc::new([row, row].concat()),
            layer: 0,
            features: 8,
        }
    }

    /// A page: a grey square, the picture, a label; clipped to a frame.
    fn page() -> (Scene, RasterItem) {
        let frame = ScreenRect::from_min_size([10.0, 10.0], [200.0, 100.0]);
        let mut s = Scene::clipped(frame);
        s.background = Some(Rgba::rgb(250, 250, 250));
        s.rect(
            ScreenRect::from_min_size([20.0, 20.0], [50.0, 50.0]),
            Some(Rgba::rgb(120, 120, 120)),
            None,
        );
        let r = picture(ScreenRect::from_min_size([30.0, 30.0], [40.0, 20.0]));
        s.items.push(Item::Raster(r.clone()));
        s.text(
            "园区企业 Park",
            [60.0, 90.0],
            HAlign::Center,
            12.0,
            Rgba::rgb(0, 0, 0),
        );
        (s, r)
    }

    /// The image XObjects (soft masks included) of a PDF.
    fn image_streams(doc: &lopdf::Document) -> Vec<&lopdf::Stream> {
        doc.objects
            .values()
            .filter_map(|o| o.as_stream().ok())
            .filter(|st| {
                st.dict.get(b"Subtype").and_then(|t| t.as_name()).ok() == Some(b"Image".as_slice())
            })
            .collect()
    }

    #[test]
    fn the_picture_goes_in_as_straight_colour_and_alpha_between_what_is_under_and_over_it() {
        let (scene, r) = page();
        let bytes =
            pages_to_pdf(&[(std::slice::from_ref(&scene), [300.0, 200.0])], "测试").unwrap();
        let doc = lopdf::Document::load_mem(&bytes).unwrap();
        assert_eq!(doc.get_pages().len(), 1);

        // The image and its soft mask hold the picture's pixels with straight alpha,
        // as the SVG's PNG holds them.
        let images = image_streams(&doc);
        let straight: Vec<[u8; 4]> = r
            .pixels
            .chunks_exact(4)
            .map(|p| straight_alpha([p[0], p[1], p[2], p[3]]))
            .collect();
        let rgb: Vec<u8> = straight.iter().flat_map(|p| [p[0], p[1], p[2]]).collect();
        let alpha: Vec<u8> = straight.iter().map(|p| p[3]).collect();
        let contents: Vec<Vec<u8>> = images
            .iter()
            .map(|st| st.decompressed_content().unwrap())
            .collect();
        assert_eq!(images.len(), 2, "an image and its soft mask");
        assert!(contents.contains(&rgb), "{contents:?}");
        assert!(contents.contains(&alpha), "{contents:?}");
        assert_eq!(
            rgb[3..6],
            [0, 199, 0],
            "half-transparent green un-premultiplied"
        );

        // Drawn in order: the square under the picture, the label over it.
        let page_id = *doc.get_pages().values().next().unwrap();
        let content =
            lopdf::content::Content::decode(&doc.get_page_content(page_id).unwrap()).unwrap();
        let ops: Vec<&str> = content
            .operations
            .iter()
            .map(|o| o.operator.as_str())
            .collect();
        let first = |op: &str| ops.iter().position(|o| *o == op);
        let fill = ops.iter().position(|o| *o == "f" || *o == "f*").unwrap();
        let image = first("Do").unwrap();
        let text = first("BT").unwrap();
        assert!(fill < image && image < text, "{ops:?}");
        assert_eq!(ops.iter().filter(|o| **o == "Do").count(), 1, "{ops:?}");
    }

    #[test]
    fn an_opaque_picture_has_no_soft_mask_and_a_broken_one_is_left_out() {
        let frame = ScreenRect::from_min_size([0.0, 0.0], [100.0, 100.0]);
        let mut s = Scene::clipped(frame);
        let mut opaque = picture(frame);
        opaque.pixels = Arc::new([255, 0, 0, 255].repeat(8));
        s.items.push(Item::Raster(opaque));
        let mut broken = picture(frame);
        broken.width = 5;
        s.items.push(Item::Raster(broken));
        let bytes = pages_to_pdf(&[(std::slice::from_ref(&s), [100.0, 100.0])], "t").unwrap();
        let doc = lopdf::Document::load_mem(&bytes).unwrap();
        let images = image_streams(&doc);
        assert_eq!(
            images.len(),
            1,
            "one image, no mask, nothing for the broken one"
        );
        assert!(!images[0].dict.has(b"SMask"));
    }
}
