//! SQL of partitions: attaching a table to a partitioned table and detaching it.

use crate::model::{PartitionOf, QName};

/// `ALTER TABLE parent ATTACH PARTITION t FOR VALUES …` (Postgres scans `t`'s rows against
/// the bound unless a check constraint already proves it).
pub fn attach_partition(t: &QName, p: &PartitionOf) -> String {
    format!(
        "ALTER TABLE {} ATTACH PARTITION {} {}",
        p.parent.sql(),
        t.sql(),
        p.bound
    )
}

/// `ALTER TABLE parent DETACH PARTITION t`: `t` stays, as a table of its own.
pub fn detach_partition(t: &QName, parent: &QName) -> String {
    format!("ALTER TABLE {} DETACH PARTITION {}", parent.sql(), t.sql())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attach_and_detach_name_the_parent_first() {
        let p = PartitionOf {
            parent: QName::new("public", "events"),
            bound: "FOR VALUES IN ('a')".into(),
        };
        let t = QName::new("public", "events a");
        assert_eq!(
            attach_partition(&t, &p),
            r#"ALTER TABLE "public"."events" ATTACH PARTITION "public"."events a" FOR VALUES IN ('a')"#
        );
        assert_eq!(
            detach_partition(&t, &p.parent),
            r#"ALTER TABLE "public"."events" DETACH PARTITION "public"."events a""#
        );
    }
}
