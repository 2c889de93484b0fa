//! The applier: preflight (one session, the advisory lock), the phases of DESIGN.md §5,
//! verification. It decides nothing about what to change: it runs a plan.

pub mod backup;
pub mod exec;
pub mod lock;
pub mod staging;
