//! The planner: SQL for each change, ordering into phases, risk classification.
//! It computes plans as data; it never executes anything (that is `apply/`).

pub mod ddl;
