//! Renderers: they format data the core computed, and compute nothing themselves.

pub mod drift;
pub mod graph;
pub mod plan;
