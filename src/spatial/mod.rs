//! Spatial indexes: R*-trees (rstar) over model records, in planar metres of an analysis
//! [`crate::crs::MetricFrame`]. No I/O, no GUI.
