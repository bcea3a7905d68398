"""The customer map drawn by Graphviz's `dot`: layered left to right, suppliers → the subject →
customers → external parties, each node a link to its own map, each edge styled by where it was
learnt and as wide as its volume; a chain's weakest link in red."""

import math
import subprocess
from itertools import pairwise

from django.core.cache import cache

from relaydesk.chains.selectors import CustomerMap, Named
from relaydesk.core.customer_graph import PERSON, CustomerGraph, Node, Source

# Above this many nodes people are drawn inside their team, so the picture stays readable.
GROUP_ABOVE = 60
# The picture draws the largest direct customers and suppliers; the tables list more.
NEIGHBOURS_DRAWN = 12
DOT_SECONDS = 20

STYLE = {
    Source.DECLARED: 'style=solid color="#1f5f8b"',
    Source.OBSERVED: 'style=solid color="#2e7d32"',
    Source.FEEDS: 'style=dashed color="#6a4c93"',
    Source.LINKS: 'style=dotted color="#8a5a00"',
    Source.MEMBER: 'style=dotted color="#888888" arrowhead=none',
}
# An edge learnt several ways is drawn as the strongest evidence: served, then declared.
PRECEDENCE = (Source.OBSERVED, Source.DECLARED, Source.FEEDS, Source.LINKS, Source.MEMBER)
SHAPE = {"person": "ellipse", "team": "box", "party": "house"}


class PictureUnavailable(Exception):
    """Graphviz is not installed or did not draw the picture."""


def map_svg(shown: CustomerMap, edges: dict[tuple[Node, Node], dict]) -> str:
    """The picture as inline SVG, kept for a few minutes per (subject, window)."""
    key = f"chains:svg:{shown.subject[0]}:{shown.subject[1]}:{shown.days}"
    svg = cache.get(key)
    if svg is None:
        svg = _draw(_dot(shown, edges))
        cache.set(key, svg, 300)
    return svg


def map_edges(shown: CustomerMap, graph: CustomerGraph) -> dict[tuple[Node, Node], dict]:
    """The edges the picture draws: to and from the subject, and along each chain."""
    weakest = {
        (chain.weakest.supplier, chain.weakest.customer)
        for chain in shown.chains
        if chain.weakest is not None
    }
    edges = {}
    for chain in shown.chains:
        for pair in pairwise(chain.nodes):
            data = graph.graph.edges[pair]
            edges[pair] = {"sources": set(data["sources"]), "volume": data["volume"]}
    # A person's customers may be their team's: the subject is drawn serving them directly.
    for supplier in shown.suppliers[:NEIGHBOURS_DRAWN]:
        edges[(supplier.node, shown.subject)] = {
            "sources": set(supplier.sources),
            "volume": supplier.observed,
        }
    for customer in shown.customers[:NEIGHBOURS_DRAWN]:
        edges[(shown.subject, customer.node)] = {
            "sources": set(customer.sources),
            "volume": customer.observed,
        }
    for pair, data in edges.items():
        data["weakest"] = pair in weakest
    return edges


def _dot(shown: CustomerMap, edges: dict[tuple[Node, Node], dict]) -> str:
    names = shown.names
    nodes = {node for pair in edges for node in pair} | {shown.subject}
    group = len(nodes) > GROUP_ABOVE

    def drawn(node: Node) -> Node:
        named = names.get(node)
        if group and node != shown.subject and node[0] == PERSON and named and named.team:
            return named.team
        return node

    lines = [
        "digraph map {",
        'rankdir=LR; bgcolor="transparent"; nodesep=0.25; ranksep=0.6;',
        'node [fontname="sans-serif" fontsize=11 style=filled fillcolor="#ffffff"];',
        'edge [fontname="sans-serif" fontsize=9];',
    ]
    for node in sorted({drawn(node) for node in nodes}):
        named = names.get(node) or Named(node, f"{node[0]} {node[1]}", "")
        fill = "#ffe9a8" if node == shown.subject else "#ffffff"
        lines.append(
            f'"{_id(node)}" [label="{_quote(named.name)}" shape={SHAPE[node[0]]} '
            f'fillcolor="{fill}" URL="{named.url}" tooltip="{_quote(named.name)}" '
            f'target="_top"];'
        )
    drawn_edges: dict[tuple[Node, Node], dict] = {}
    for (supplier, customer), data in edges.items():
        pair = (drawn(supplier), drawn(customer))
        if pair[0] == pair[1]:
            continue
        merged = drawn_edges.setdefault(pair, {"sources": set(), "volume": 0, "weakest": False})
        merged["sources"] |= data["sources"]
        merged["volume"] += data["volume"]
        merged["weakest"] |= data["weakest"]
    # A supplier that is also downstream (a cycle) is drawn where the chain puts it: its edge
    # into the subject does not pull it to the left.
    downstream = {customer for _, customer in drawn_edges}
    for (supplier, customer), data in sorted(drawn_edges.items()):
        source = next(s for s in PRECEDENCE if s in data["sources"])
        style = STYLE[source]
        if customer == shown.subject and supplier in downstream:
            style += " constraint=false"
        if data["weakest"]:
            style = style.split(" color=")[0] + ' color="#c62828"'
        width = 1 + math.log2(1 + data["volume"]) / 2
        label = f' label="{data["volume"]}"' if data["volume"] else ""
        lines.append(
            f'"{_id(supplier)}" -> "{_id(customer)}" [{style} penwidth={width:.1f}{label}];'
        )
    lines.append("}")
    return "\n".join(lines)


def _draw(dot: str) -> str:
    try:
        done = subprocess.run(
            ["dot", "-Tsvg"], input=dot, capture_output=True, text=True, timeout=DOT_SECONDS
        )
    except (FileNotFoundError, subprocess.TimeoutExpired) as exc:
        raise PictureUnavailable(str(exc)) from None
    if done.returncode != 0:
        raise PictureUnavailable(done.stderr)
    # Inline in the page: drop the XML prolog and doctype before the <svg> element.
    return done.stdout[done.stdout.index("<svg") :]


def _id(node: Node) -> str:
    return f"{node[0]}-{node[1]}"


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
