//! The window's icon: `assets/icon/parkplan.svg` (the installers' icon too) rendered
//! with resvg when the window opens, so no bitmap copy of it is kept in the tree.

use eframe::egui::IconData;

/// The application icon's SVG source.
const SVG: &[u8] = include_bytes!("../../assets/icon/parkplan.svg");

/// The icon as `size`×`size` straight (not premultiplied) RGBA, as winit wants it.
pub fn window_icon(size: u32) -> Option<IconData> {
    use resvg::{tiny_skia, usvg};
    let tree = usvg::Tree::from_data(SVG, &usvg::Options::default()).ok()?;
    let mut pixmap = tiny_skia::Pixmap::new(size, size)?;
    let scale = size as f32 / tree.size().width().max(tree.size().height());
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    let rgba = pixmap
        .pixels()
        .iter()
        .flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue(), c.alpha()]
        })
        .collect();
    Some(IconData {
        rgba,
        width: size,
        height: size,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_icon_renders_with_an_opaque_middle_and_clear_corners() {
        let icon = super::window_icon(64).expect("icon");
        assert_eq!(icon.rgba.len(), 64 * 64 * 4);
        let alpha = |x: usize, y: usize| icon.rgba[(y * 64 + x) * 4 + 3];
        assert_eq!(alpha(32, 28), 255);
        assert_eq!(alpha(0, 0), 0);
    }
}
