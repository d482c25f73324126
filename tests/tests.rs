//! Integration tests, one binary (links once on 2 cores). Each submodule owns one area.

mod analysis;
mod architecture;
mod common;
mod datums;
mod export;
mod formats;
mod gtfs;
mod import;
mod json_paths;
mod languages;
mod ledger;
mod network;
mod project;
mod report;
mod siting;
mod split;
#[cfg(feature = "db")]
mod teamdb;
#[cfg(feature = "gui")]
mod ui;
#[cfg(feature = "gui")]
mod ui_edit;
mod workspace;
