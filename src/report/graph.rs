//! The dependency graph as Graphviz DOT or Mermaid.

use crate::config::DepGraph;
use crate::model::Address;
use std::collections::BTreeMap;
use std::fmt::Write;

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Graphviz DOT: an edge from each object to what it depends on.
pub fn dot(g: &DepGraph) -> String {
    let mut out =
        String::from("digraph supaform {\n  rankdir = \"RL\";\n  node [shape = \"box\"];\n");
    for n in g.nodes() {
        let _ = writeln!(out, "  \"{}\";", dot_escape(&n.to_string()));
    }
    for (a, b) in g.edges() {
        let _ = writeln!(
            out,
            "  \"{}\" -> \"{}\";",
            dot_escape(&a.to_string()),
            dot_escape(&b.to_string())
        );
    }
    out.push_str("}\n");
    out
}

/// Mermaid flowchart; node ids are generated because addresses contain characters
/// Mermaid does not accept in ids.
pub fn mermaid(g: &DepGraph) -> String {
    let nodes = g.nodes();
    let ids: BTreeMap<&Address, String> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n, format!("n{i}")))
        .collect();
    let mut out = String::from("flowchart RL\n");
    for n in &nodes {
        let label = n.to_string().replace('"', "#quot;");
        let _ = writeln!(out, "  {}[\"{}\"]", ids[n], label);
    }
    for (a, b) in g.edges() {
        if let (Some(x), Some(y)) = (ids.get(&a), ids.get(&b)) {
            let _ = writeln!(out, "  {x} --> {y}");
        }
    }
    out
}
