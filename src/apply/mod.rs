//! The applier (DESIGN.md §5): locks, phases, backups, verification.

pub mod backup;
