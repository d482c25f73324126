//! Export tests: every output is read back (PDF with lopdf and, when installed,
//! poppler's pdftotext/pdffonts; SVG with usvg; PNG by its header) on the sample map.

use std::path::{Path, PathBuf};
use std::process::Command;

use parkplan::analysis::{AnalysisSettings, route_stats};
use parkplan::export::{
    self, Format, MapFocus, Orientation, PageSpec, Paper, compose_page, glyph_warnings,
};
use parkplan::model::{Lang, Park};
use parkplan::render::{MapStyles, ProjectedPark, Symbology};
use parkplan::spatial::ParkIndex;

use crate::common;

const TITLE: &str = "KW6公交微循环线路覆盖图";

fn out_dir(name: &str) -> PathBuf {
    let d = crate::common::scratch().join(format!("parkplan-export-{name}"));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn sample() -> Option<Park> {
    if !common::sample_dir().join("manifest.json").is_file() {
        eprintln!("sample map missing: skipped");
        return None;
    }
    Some(common::load_sample().park)
}

fn kw6_page(park: &Park, paper: Paper, orientation: Orientation) -> export::Page {
    let projected = ProjectedPark::new(park).unwrap();
    let styles = MapStyles::default_for(park);
    let index = ParkIndex::build_default(park).unwrap();
    let analysis = parkplan::analysis::analyse(park, &index, &AnalysisSettings::default());
    let ri = parkplan::workspace::lookup::route(park, "KW6").unwrap();
    let cx = export::FocusContext {
        park,
        projected: &projected,
        index: &index,
        analysis: &analysis,
        styles: &styles,
    };
    let focus = export::route_focus(&cx, ri, Lang::Zh).unwrap();
    let spec = PageSpec {
        paper,
        orientation,
        title: TITLE.into(),
        date: Some("2026年11月29日".into()),
        ..PageSpec::default()
    };
    compose_page(park, &projected, &styles, &focus, &spec)
}

fn tool(name: &str) -> bool {
    Command::new(name).arg("-v").output().is_ok()
}

/// Width and height from a PNG's IHDR, and its pHYs pixels per metre if any.
fn png_info(bytes: &[u8]) -> ([u32; 2], Option<u32>) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    let size = [be(16), be(20)];
    let phys = bytes
        .windows(4)
        .position(|w| w == b"pHYs")
        .map(|i| be(i + 4));
    (size, phys)
}

#[test]
fn kw6_pdf_has_the_paper_size_an_embedded_subset_font_and_extractable_title() {
    let Some(park) = sample() else { return };
    let page = kw6_page(&park, Paper::A3, Orientation::Landscape);
    let dir = out_dir("pdf");
    let path = dir.join("kw6.pdf");
    let out = export::export_page(&page, &path, 300.0).unwrap();
    assert_eq!(out.format, Format::Pdf);
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() < 2_000_000, "{} bytes", bytes.len());

    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let pages = doc.get_pages();
    assert_eq!(pages.len(), 1);
    let page_id = *pages.values().next().unwrap();
    let media = doc
        .get_object(page_id)
        .unwrap()
        .as_dict()
        .unwrap()
        .get(b"MediaBox")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            o.as_float()
                .map(|f| f as f64)
                .or_else(|_| o.as_i64().map(|i| i as f64))
                .unwrap()
        })
        .collect::<Vec<f64>>();
    // A3 landscape: 420 × 297 mm = 1190.55 × 841.89 pt.
    assert!((media[2] - media[0] - 1190.55).abs() < 0.05, "{media:?}");
    assert!((media[3] - media[1] - 841.89).abs() < 0.05, "{media:?}");

    // The font is embedded (a CFF font file in the descriptor) as a subset (tag+name).
    let mut embedded = false;
    let mut subset_name = None;
    for obj in doc.objects.values() {
        if let Ok(d) = obj.as_dict()
            && d.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"FontDescriptor".as_slice())
        {
            embedded |= d.has(b"FontFile3") || d.has(b"FontFile2");
            if let Ok(n) = d.get(b"FontName").and_then(|n| n.as_name()) {
                subset_name = Some(String::from_utf8_lossy(n).into_owned());
            }
        }
    }
    assert!(embedded);
    let name = subset_name.unwrap();
    assert!(
        name.contains("NotoSansCJKsc") && name.as_bytes()[6] == b'+',
        "{name}"
    );

    if tool("pdftotext") {
        let text = Command::new("pdftotext")
            .arg(&path)
            .arg("-")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(text.lines().any(|l| l.trim() == TITLE), "{text}");
        assert!(text.contains("KW6 线路统计"));
        assert!(text.contains("83 个"));
        assert!(text.contains("图例"));
    }
    if tool("pdffonts") {
        let f = Command::new("pdffonts").arg(&path).output().unwrap();
        let f = String::from_utf8_lossy(&f.stdout);
        let row = f.lines().find(|l| l.contains("NotoSansCJKsc")).unwrap();
        let cols: Vec<&str> = row.split_whitespace().collect();
        // name type... encoding emb sub uni object-id gen
        let n = cols.len();
        assert_eq!(&cols[n - 5..n - 2], &["yes", "yes", "yes"], "{row}");
    }
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn the_route_table_agrees_with_the_analysis_and_the_legend_counts_the_layers() {
    let Some(park) = sample() else { return };
    let page = kw6_page(&park, Paper::A3, Orientation::Landscape);
    let index = ParkIndex::build_default(&park).unwrap();
    let ri = parkplan::workspace::lookup::route(&park, "KW6").unwrap();
    let stats = route_stats(&park, &index, ri, 500.0);
    let texts: Vec<&str> = page.labels().map(|l| l.text.as_str()).collect();
    assert!(texts.contains(&TITLE));
    assert!(
        texts.contains(&format!("{} 个", stats.stops.len()).as_str()),
        "{texts:?}"
    );
    assert!(texts.contains(&format!("{:.1} km", stats.length_m / 1000.0).as_str()));
    assert!(texts.contains(&format!("{} 家", stats.enterprises.len()).as_str()));
    assert_eq!(stats.stops.len(), 83);
    // Every stop of KW6 is drawn selected, every covered enterprise highlighted.
    let map = &page.scenes[0];
    let theme = parkplan::render::Theme::default();
    let markers = |fill| {
        map.items
            .iter()
            .filter(|i| matches!(i, parkplan::render::Item::Marker(m) if m.fill == Some(fill)))
            .count()
    };
    assert_eq!(markers(theme.selection_fill), 83);
    assert_eq!(markers(theme.highlight_fill), stats.enterprises.len());
    // The legend's parcel counts add up to the parcels, category by category (the
    // oracle: the parcel records' land-use codes).
    let styles = MapStyles::default_for(&park);
    let d = styles
        .layers
        .iter()
        .find(|d| park.layers[d.layer].role == parkplan::model::Role::Parcels)
        .unwrap();
    assert!(matches!(d.style.symbology, Symbology::Categorized { .. }));
    let g = parkplan::render::legend_for(&park.layers, d, Lang::Zh).unwrap();
    assert_eq!(
        g.entries.iter().map(|e| e.count).sum::<usize>(),
        park.parcels.len()
    );
    for code in ["M1", "M2", "R2", "W1"] {
        let want = park
            .parcels
            .iter()
            .filter(|p| p.land_use.as_deref() == Some(code))
            .count();
        let e = g
            .entries
            .iter()
            .find(|e| e.label.starts_with(&format!("{code} ")))
            .unwrap();
        assert_eq!(e.count, want, "{code}");
        assert!(want > 0);
    }
    // The map scale is a round number and the frame shows the whole route.
    assert!(
        [50_000.0, 60_000.0, 75_000.0, 40_000.0].contains(&page.scale),
        "{}",
        page.scale
    );
    // No two map labels overlap (estimated with the font's advances).
    let m = parkplan::export::fonts::FontMeasure;
    let boxes: Vec<parkplan::render::ScreenRect> = map
        .labels()
        .map(|l| {
            parkplan::render::labels::label_box(
                l.pos,
                l.align,
                parkplan::render::TextMeasure::width(&m, &l.text, l.size),
                l.size,
                0.0,
            )
        })
        .collect();
    for i in 0..boxes.len() {
        for j in i + 1..boxes.len() {
            assert!(
                !boxes[i].intersects(&boxes[j]),
                "labels {i} and {j} overlap"
            );
        }
    }
}

#[test]
fn svg_is_valid_and_keeps_text_as_text() {
    let Some(park) = sample() else { return };
    let page = kw6_page(&park, Paper::A4, Orientation::Portrait);
    let dir = out_dir("svg");
    let path = dir.join("kw6.svg");
    export::export_page(&page, &path, 150.0).unwrap();
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.contains(&format!(">{TITLE}</text>")));
    assert!(svg.contains("width=\"210.00mm\" height=\"297.00mm\""));
    let opt = resvg::usvg::Options {
        fontdb: export::fonts::font_db(),
        ..Default::default()
    };
    let tree = resvg::usvg::Tree::from_str(&svg, &opt).expect("usvg reads the SVG back");
    // 210 mm at usvg's 96 px per inch.
    assert!((tree.size().width() - 210.0 / 25.4 * 96.0).abs() < 0.5);
    fn count_text(g: &resvg::usvg::Group) -> usize {
        g.children()
            .iter()
            .map(|n| match n {
                resvg::usvg::Node::Text(_) => 1,
                resvg::usvg::Node::Group(g) => count_text(g),
                _ => 0,
            })
            .sum()
    }
    assert!(count_text(tree.root()) > 50);
    // Road names run along their roads (at A3, where the roads are labelled): 东方大道
    // runs north-south, so its label is turned a quarter, reading top to bottom.
    let a3 = kw6_page(&park, Paper::A3, Orientation::Landscape);
    export::export_page(&a3, &dir.join("kw6-a3.svg"), 150.0).unwrap();
    let svg = std::fs::read_to_string(dir.join("kw6-a3.svg")).unwrap();
    let angle_of = |name: &str| -> Option<f32> {
        let end = svg.find(&format!(">{name}</text>"))?;
        let start = svg[..end].rfind("<text")?;
        let element = &svg[start..end];
        let r = element.find("rotate(")? + "rotate(".len();
        element[r..].split(' ').next()?.parse().ok()
    };
    let a = angle_of("东方大道").expect("东方大道 is labelled along its road");
    assert!((80.0..=100.0).contains(&a), "东方大道 at {a}°");
    assert_eq!(angle_of(TITLE), None, "the title is not rotated");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn png_has_exactly_paper_times_dpi_pixels() {
    let Some(park) = sample() else { return };
    let page = kw6_page(&park, Paper::A4, Orientation::Landscape);
    let dir = out_dir("png");
    let path = dir.join("kw6.png");
    let out = export::export_page(&page, &path, 150.0).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let (size, phys) = png_info(&bytes);
    // A4 landscape 297 × 210 mm at 150 dpi.
    assert_eq!(size, [1754, 1240]);
    assert_eq!(out.pixels, Some(size));
    assert_eq!(phys, Some(5906)); // 150 / 0.0254
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn missing_glyphs_are_reported_and_failed_writes_keep_the_old_file() {
    let Some(park) = sample() else { return };
    let projected = ProjectedPark::new(&park).unwrap();
    let styles = MapStyles::default_for(&park);
    let spec = PageSpec {
        paper: Paper::A4,
        title: "园区▸总图".into(),
        ..PageSpec::default()
    };
    let page = compose_page(&park, &projected, &styles, &MapFocus::default(), &spec);
    let w = glyph_warnings(&page);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].contains("U+25B8"));
    // An unknown extension is refused before anything is written.
    let dir = out_dir("atomic");
    assert!(matches!(
        export::export_page(&page, &dir.join("map.docx"), 150.0),
        Err(export::ExportError::UnknownFormat(_))
    ));
    // A bad DPI fails the render: the existing file stays as it was.
    let target = dir.join("map.png");
    std::fs::write(&target, b"old").unwrap();
    assert!(export::export_page(&page, &target, 0.0).is_err());
    assert_eq!(std::fs::read(&target).unwrap(), b"old");
    std::fs::remove_dir_all(dir).ok();
}

fn cli() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_parkplan-cli"))
}

#[test]
fn the_cli_contract_command_writes_the_kw6_map() {
    if sample().is_none() {
        return;
    }
    let dir = out_dir("cli");
    let out = dir.join("kw6.pdf");
    let o = Command::new(cli())
        .args(["export"])
        .arg(common::sample_dir())
        .args(["--out"])
        .arg(&out)
        .args([
            "--paper",
            "A3",
            "--orientation",
            "landscape",
            "--title",
            TITLE,
            "--route",
            "KW6",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    // Bad flags fail with a message, never a panic, and write nothing.
    let bad = Command::new(cli())
        .args(["export"])
        .arg(common::sample_dir())
        .args(["--out"])
        .arg(dir.join("x.pdf"))
        .args(["--route", "KW99"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("KW6"));
    assert!(!dir.join("x.pdf").exists());
    let layers = Command::new(cli())
        .args(["export"])
        .arg(common::sample_dir())
        .args(["--out"])
        .arg(dir.join("y.svg"))
        .args(["--layers", "地块,水系", "--paper", "A4", "--scale", "25000"])
        .output()
        .unwrap();
    assert!(
        layers.status.success(),
        "{}",
        String::from_utf8_lossy(&layers.stderr)
    );
    let svg = std::fs::read_to_string(dir.join("y.svg")).unwrap();
    assert!(svg.contains("1:25,000"));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn empty_parks_and_extreme_settings_do_not_panic() {
    let park = Park::default();
    let projected = ProjectedPark::new(&park).unwrap();
    let styles = MapStyles::default_for(&park);
    for (paper, orientation, margin) in [
        (Paper::A4, Orientation::Portrait, 50.0),
        (Paper::A1, Orientation::Landscape, 0.0),
    ] {
        let spec = PageSpec {
            paper,
            orientation,
            margin_mm: margin,
            grid: true,
            ..PageSpec::default()
        };
        let page = compose_page(&park, &projected, &styles, &MapFocus::default(), &spec);
        let (pdf, _) = export::render_page(&page, Format::Pdf, 300.0).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
    }
    // A1 at 1200 dpi would need 670 megapixels: refused, not attempted.
    let spec = PageSpec {
        paper: Paper::A1,
        ..PageSpec::default()
    };
    let page = compose_page(&park, &projected, &styles, &MapFocus::default(), &spec);
    assert!(matches!(
        export::render_page(&page, Format::Png, 1200.0),
        Err(export::ExportError::BadSetting(_))
    ));
}

#[test]
fn a_map_with_nothing_drawable_is_refused_with_the_reason() {
    // Beijing 1954 / 3-degree GK CM 117E (EPSG:2436) is not read: attributes load, no
    // geometry; printing must fail with a message instead of writing a blank map.
    let file = common::write_temp(
        "blank",
        "bj54.geojson",
        r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2436"}},"features":[{"type":"Feature","properties":{"名称":"地块一"},"geometry":{"type":"Point","coordinates":[500100.0,3356000.0]}}]}"#,
    );
    let dir = file.parent().unwrap().to_path_buf();
    let out = Command::new(cli())
        .arg("export")
        .arg(&file)
        .arg("--out")
        .arg(dir.join("blank.pdf"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    if String::from_utf8_lossy(&out.stdout).contains("written") {
        // Some CRS support grew: then the map is not blank and this case is moot.
        assert!(std::fs::metadata(dir.join("blank.pdf")).is_ok());
        return;
    }
    assert!(!out.status.success(), "a blank map is not written");
    assert!(err.contains("nothing to draw"), "{err}");
    assert!(!dir.join("blank.pdf").exists());
}

/// 40,000 enterprises on a 2 km square: more than a page draws one by one.
fn crowded_park() -> Park {
    let mut text = String::from(r#"{"type":"FeatureCollection","features":["#);
    let mut s = 5u64;
    let mut next = || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 33) as f64 / (1u64 << 31) as f64
    };
    for i in 0..40_000 {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&format!(
            r#"{{"type":"Feature","properties":{{"企业名称":"企业{i}","职工人数":{}}},"geometry":{{"type":"Point","coordinates":[{:.6},{:.6}]}}}}"#,
            i % 300,
            112.30 + next() * 0.02,
            30.30 + next() * 0.02
        ));
    }
    text.push_str("]}");
    let opts = parkplan::import::LayerOptions {
        role: Some(parkplan::model::Role::Enterprises),
        ..Default::default()
    };
    let (layer, _) =
        parkplan::import::read_layer_bytes(text.as_bytes(), "企业.geojson", &opts, None).unwrap();
    Park::from_layers("crowded", vec![layer])
}

#[test]
fn a_crowded_point_layer_goes_on_paper_as_one_picture_read_back_from_pdf_svg_and_png() {
    let park = crowded_park();
    let projected = ProjectedPark::new(&park).unwrap();
    let styles = MapStyles::default_for(&park);
    let spec = PageSpec {
        paper: Paper::A4,
        orientation: Orientation::Landscape,
        title: "企业分布（聚合）".into(),
        ..PageSpec::default()
    };
    let page = compose_page(&park, &projected, &styles, &MapFocus::default(), &spec);
    let rasters: Vec<_> = page.scenes[0].rasters().collect();
    assert_eq!(rasters.len(), 1, "the enterprises are one picture");
    let r = rasters[0];
    assert!(r.features > 1000 && r.features <= 40_000, "{}", r.features);
    // 300 dpi over the map frame.
    let frame_w = r.rect.max[0] - r.rect.min[0];
    assert!((r.width as f32 - frame_w * 300.0 / 72.0).abs() <= 1.0);
    // The legend still counts every enterprise (its classes' counts add up).
    let counted: u64 = page
        .labels()
        .filter_map(|l| l.text.replace(',', "").parse::<u64>().ok())
        .filter(|n| *n > 1000)
        .sum();
    assert_eq!(counted, 40_000);

    let dir = out_dir("crowded");
    // PDF: the picture is an image XObject of that size.
    let pdf = dir.join("crowded.pdf");
    export::export_page(&page, &pdf, 300.0).unwrap();
    let bytes = std::fs::read(&pdf).unwrap();
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let widths: Vec<i64> = doc
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter(|st| {
            st.dict.get(b"Subtype").and_then(|t| t.as_name()).ok() == Some(b"Image".as_slice())
        })
        .filter_map(|st| st.dict.get(b"Width").and_then(|w| w.as_i64()).ok())
        .collect();
    assert!(
        widths.contains(&(r.width as i64)),
        "{widths:?} vs {}",
        r.width
    );
    // SVG: a PNG in a data URL.
    let svg = dir.join("crowded.svg");
    export::export_page(&page, &svg, 300.0).unwrap();
    let text = std::fs::read_to_string(&svg).unwrap();
    assert_eq!(text.matches("<image ").count(), 1);
    assert!(text.contains("href=\"data:image/png;base64,"));
    // PNG: the points are there (non-white pixels in the map frame).
    let png = dir.join("crowded.png");
    export::export_page(&page, &png, 72.0).unwrap();
    let img = resvg::tiny_skia::Pixmap::load_png(&png).unwrap();
    let w = img.width() as usize;
    let (x0, x1) = (r.rect.min[0] as usize, r.rect.max[0] as usize);
    let (y0, y1) = (r.rect.min[1] as usize, r.rect.max[1] as usize);
    let inked = (y0..y1)
        .flat_map(|y| (x0..x1).map(move |x| (x, y)))
        .filter(|(x, y)| {
            let p = img.pixels()[y * w + x];
            p.red() < 200 || p.green() < 200 || p.blue() < 200
        })
        .count();
    assert!(inked > 2000, "{inked} inked pixels");
    std::fs::remove_dir_all(dir).ok();
}
