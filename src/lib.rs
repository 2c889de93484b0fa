//! supaform: a declarative reconciler for Supabase.
//!
//! Data flows one way (see `docs/architecture.md`):
//! HCL files → [`config`] → [`model`] ← [`introspect`] ← live Postgres, and
//! [`report`] renders what the core computed. Only `main` prints errors.

pub mod apply;
pub mod cli;
pub mod config;
pub mod db;
pub mod diff;
pub mod engine;
pub mod functions;
pub mod introspect;
pub mod lint;
pub mod local;
pub mod model;
pub mod normalize;
pub mod plan;
pub mod quote;
pub mod report;
pub mod state;
pub mod util;
