//! Declarative partitioning: a partitioned table (`PARTITION BY`) and its partitions
//! (`PARTITION OF … FOR VALUES …`).

use super::{Check, Column, ForeignKey, Index, Model, PrimaryKey, QName, Table, Unique};
use serde::{Deserialize, Serialize};

/// Where a partition sits: its parent and its bound, as `pg_get_expr(relpartbound)` prints
/// it (`FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')`, `FOR VALUES IN ('US')`,
/// `DEFAULT`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionOf {
    pub parent: QName,
    pub bound: String,
}

/// What a partition inherits from its parent (the live side only): Postgres' copies of the
/// parent's constraints and indexes, under the partition's own names. Never compared; a
/// detached partition keeps them as its own.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Inherited {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<PrimaryKey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uniques: Vec<Unique>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
}

impl Model {
    /// How many tables are above `t`: partitioned tables it is a partition of, or tables
    /// it inherits from (0 for neither); a parent is created before its children. A cycle (rejected by the
    /// configuration's graph) stops counting.
    pub fn partition_depth(&self, t: &Table) -> usize {
        self.depth_below(t, self.tables.len())
    }

    /// Tables above `t` through partitioning or inheritance (`INHERITS`): the longest
    /// chain, at most `limit` deep.
    fn depth_below(&self, t: &Table, limit: usize) -> usize {
        if limit == 0 {
            return 0;
        }
        t.partition_of
            .iter()
            .map(|p| &p.parent)
            .chain(&t.inherits)
            .filter_map(|q| self.tables.get(q))
            .map(|p| 1 + self.depth_below(p, limit - 1))
            .max()
            .unwrap_or(0)
    }

    /// The columns `t` has: its own, or, for a partition, its topmost parent's.
    pub fn effective_columns<'a>(&'a self, t: &'a Table) -> &'a [Column] {
        let mut cur = t;
        for _ in 0..=self.tables.len() {
            match cur
                .partition_of
                .as_ref()
                .and_then(|p| self.tables.get(&p.parent))
            {
                Some(parent) => cur = parent,
                None => break,
            }
        }
        &cur.columns
    }

    /// The partitions of `parent` in this model.
    pub fn partitions_of<'a>(&'a self, parent: &'a QName) -> impl Iterator<Item = &'a Table> {
        self.tables
            .values()
            .filter(move |t| t.partition_of.as_ref().is_some_and(|p| &p.parent == parent))
    }
}

impl Table {
    pub fn is_partition(&self) -> bool {
        self.partition_of.is_some()
    }

    /// `self`, a table about to be attached as the partition `to`, without what Postgres
    /// adopts when attaching it: the constraints and indexes equal to those `to` inherits.
    pub fn attaching(&self, to: &Table) -> Table {
        let mut t = self.clone();
        let Some(i) = &to.inherited else {
            return t;
        };
        if let (Some(a), Some(b)) = (&t.primary_key, &i.primary_key) {
            if a.columns == b.columns {
                t.primary_key = None;
            }
        }
        t.uniques
            .retain(|u| !i.uniques.iter().any(|x| x.columns == u.columns));
        t.checks
            .retain(|c| !i.checks.iter().any(|x| x.expression == c.expression));
        t.foreign_keys.retain(|f| {
            !i.foreign_keys.iter().any(|x| {
                x.columns == f.columns
                    && x.ref_table == f.ref_table
                    && x.ref_columns == f.ref_columns
            })
        });
        t.indexes.retain(|ix| {
            !i.indexes.iter().any(|x| {
                x.parts == ix.parts
                    && x.unique == ix.unique
                    && x.method == ix.method
                    && x.predicate == ix.predicate
                    && x.include == ix.include
            })
        });
        t
    }

    /// The table as it is once detached from its parent: what it inherited is its own.
    pub fn detached(&self) -> Table {
        let mut t = self.clone();
        t.partition_of = None;
        if let Some(i) = t.inherited.take() {
            let i = *i;
            if t.primary_key.is_none() {
                t.primary_key = i.primary_key;
            }
            t.foreign_keys.extend(i.foreign_keys);
            t.indexes.extend(i.indexes);
            t.uniques.extend(i.uniques);
            t.checks.extend(i.checks);
            t.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
            t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
            t.uniques.sort_by(|a, b| a.name.cmp(&b.name));
            t.checks.sort_by(|a, b| a.name.cmp(&b.name));
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(name: &str, parent: &str) -> Table {
        let mut t = Table::new(QName::new("public", name));
        t.partition_of = Some(PartitionOf {
            parent: QName::new("public", parent),
            bound: "DEFAULT".into(),
        });
        t
    }

    #[test]
    fn depth_and_columns_follow_the_parents() {
        let mut m = Model::default();
        let mut root = Table::new(QName::new("public", "events"));
        root.partition_by = Some("RANGE (at)".into());
        root.columns
            .push(Column::new("at", "timestamp with time zone"));
        let mid = part("events_2024", "events");
        let leaf = part("events_2024_01", "events_2024");
        for t in [root, mid, leaf.clone()] {
            m.tables.insert(t.name.clone(), t);
        }
        assert_eq!(m.partition_depth(&leaf), 2);
        assert_eq!(m.effective_columns(&leaf)[0].name, "at");
        assert_eq!(m.partitions_of(&QName::new("public", "events")).count(), 1);
    }
}
