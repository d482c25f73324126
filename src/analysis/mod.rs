//! Analysis: pure functions from a park (and its spatial index) to plain results —
//! service-circle coverage, bus-stop catchments, land and project statistics.
//! No I/O, no GUI.
