//! Rendering to shapes: a map view and styles turn the park (and analysis results) into
//! a `Scene` of polygons, lines, markers and labels in page units, drawn by every target
//! (screen, PDF, SVG, PNG) through the `Canvas` trait. No GUI, no file I/O.
