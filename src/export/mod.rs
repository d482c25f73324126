//! Export: page layout and the PDF, SVG and PNG backends of the renderer's `Canvas`,
//! with atomic file writes. No GUI.
