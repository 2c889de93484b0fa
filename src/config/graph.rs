//! The dependency graph of a configuration (petgraph). An edge `a → b` means `a` depends
//! on `b`: `b` is created first and dropped last. Foreign keys are nodes of their own, so
//! tables that reference each other form no cycle: the constraints come after both tables.

use super::diag::Diag;
use super::source::Span;
use super::Dep;
use crate::model::{Address, Model};
use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Default)]
pub struct DepGraph {
    pub graph: DiGraph<Address, Option<Span>>,
    index: BTreeMap<Address, NodeIndex>,
}

impl DepGraph {
    /// Build the graph of a model from the references the loader recorded.
    pub fn build(model: &Model, deps: &[Dep]) -> Self {
        let mut g = DepGraph::default();
        for a in model.addresses() {
            g.node(a);
        }
        for t in model.tables.values() {
            for fk in &t.foreign_keys {
                g.node(Address::TablePart(
                    t.name.clone(),
                    "foreign_key",
                    fk.name.clone(),
                ));
            }
        }
        // Objects depend on the schema that holds them, when the config creates it.
        let in_schema: Vec<(Address, String)> = model
            .tables
            .keys()
            .map(|q| (Address::Table(q.clone()), q.schema.clone()))
            .chain(
                model
                    .enums
                    .keys()
                    .map(|q| (Address::Enum(q.clone()), q.schema.clone())),
            )
            .chain(
                model
                    .functions
                    .keys()
                    .map(|q| (Address::Function(q.clone()), q.schema.clone())),
            )
            .chain(
                model
                    .views
                    .keys()
                    .map(|q| (Address::View(q.clone()), q.schema.clone())),
            )
            .collect();
        for (a, s) in in_schema {
            if model.schemas.contains_key(&s) {
                g.edge(&a, &Address::Schema(s), None);
            }
        }
        for (name, ext) in &model.extensions {
            if model.schemas.contains_key(&ext.schema) {
                g.edge(
                    &Address::Extension(name.clone()),
                    &Address::Schema(ext.schema.clone()),
                    None,
                );
            }
        }
        for d in deps {
            g.edge(&d.from, &d.to, Some(d.span.clone()));
        }
        g
    }

    fn node(&mut self, a: Address) -> NodeIndex {
        if let Some(i) = self.index.get(&a) {
            return *i;
        }
        let i = self.graph.add_node(a.clone());
        self.index.insert(a, i);
        i
    }

    fn edge(&mut self, from: &Address, to: &Address, span: Option<Span>) {
        // Edges to objects outside the model (platform tables) carry no ordering.
        let (Some(f), Some(t)) = (self.index.get(from).copied(), self.index.get(to).copied())
        else {
            return;
        };
        if !self.graph.contains_edge(f, t) {
            self.graph.add_edge(f, t, span);
        }
    }

    pub fn contains(&self, a: &Address) -> bool {
        self.index.contains_key(a)
    }

    /// What `a` depends on directly.
    pub fn dependencies(&self, a: &Address) -> Vec<Address> {
        let Some(i) = self.index.get(a) else {
            return vec![];
        };
        let mut v: Vec<Address> = self
            .graph
            .neighbors(*i)
            .map(|n| self.graph[n].clone())
            .collect();
        v.sort();
        v
    }

    /// Every edge as (dependent, dependency), sorted.
    pub fn edges(&self) -> Vec<(Address, Address)> {
        let mut v: Vec<(Address, Address)> = self
            .graph
            .edge_references()
            .map(|e| {
                (
                    self.graph[e.source()].clone(),
                    self.graph[e.target()].clone(),
                )
            })
            .collect();
        v.sort();
        v
    }

    /// All nodes, sorted.
    pub fn nodes(&self) -> Vec<Address> {
        self.index.keys().cloned().collect()
    }

    /// Creation order: every object after what it depends on; ties broken by address so
    /// the order is stable. `None` when the graph has a cycle.
    pub fn creation_order(&self) -> Option<Vec<Address>> {
        let mut remaining: BTreeMap<NodeIndex, usize> = BTreeMap::new();
        for n in self.graph.node_indices() {
            remaining.insert(n, self.graph.neighbors(n).count());
        }
        let mut ready: BTreeSet<(Address, NodeIndex)> = remaining
            .iter()
            .filter(|(_, c)| **c == 0)
            .map(|(n, _)| (self.graph[*n].clone(), *n))
            .collect();
        let mut out = Vec::new();
        while let Some(first) = ready.iter().next().cloned() {
            ready.remove(&first);
            out.push(first.0.clone());
            for dependent in self
                .graph
                .neighbors_directed(first.1, petgraph::Direction::Incoming)
            {
                if let Some(c) = remaining.get_mut(&dependent) {
                    *c -= 1;
                    if *c == 0 {
                        ready.insert((self.graph[dependent].clone(), dependent));
                    }
                }
            }
        }
        (out.len() == self.graph.node_count()).then_some(out)
    }

    /// One diagnostic per cycle, naming every member.
    pub fn cycles(&self) -> Vec<Diag> {
        let mut out = Vec::new();
        for scc in tarjan_scc(&self.graph) {
            let self_loop = scc.len() == 1 && self.graph.contains_edge(scc[0], scc[0]);
            if scc.len() < 2 && !self_loop {
                continue;
            }
            let members: BTreeSet<NodeIndex> = scc.iter().copied().collect();
            // Walk the cycle from the smallest address so the message is stable.
            let start = *members
                .iter()
                .min_by_key(|n| self.graph[**n].clone())
                .unwrap_or(&scc[0]);
            let mut path = vec![start];
            let mut seen = BTreeSet::from([start]);
            let mut cur = start;
            let mut span = None;
            loop {
                let mut next = None;
                let mut edges: Vec<_> = self
                    .graph
                    .edges(cur)
                    .filter(|e| members.contains(&e.target()))
                    .collect();
                edges.sort_by_key(|e| self.graph[e.target()].clone());
                for e in edges {
                    if span.is_none() {
                        span = e.weight().clone();
                    }
                    if e.target() == start || !seen.contains(&e.target()) {
                        next = Some(e.target());
                        break;
                    }
                }
                match next {
                    Some(n) if n == start => break,
                    Some(n) => {
                        seen.insert(n);
                        path.push(n);
                        cur = n;
                    }
                    None => break,
                }
            }
            let mut all: Vec<String> = members.iter().map(|n| self.graph[*n].to_string()).collect();
            all.sort();
            let mut chain: Vec<String> = path.iter().map(|n| self.graph[*n].to_string()).collect();
            chain.push(self.graph[start].to_string());
            let mut d = Diag::new(
                "config::cycle",
                format!("dependency cycle between {}", all.join(", ")),
            )
            .help(format!(
                "{} — remove one of these references (depends_on or a reference attribute); \
                 foreign keys between tables never form a cycle",
                chain.join(" → ")
            ));
            if let Some(s) = span {
                d = d.at(&s, "this reference is part of the cycle");
            }
            out.push(d);
        }
        out
    }
}
