"""The customer map as plain data: what the API answers and `relaydesk report` prints."""

from relaydesk.chains.selectors import ChainRow, CustomerMap, Named
from relaydesk.core.customer_graph import Customer, Link


def node_payload(named: Named) -> dict:
    return {"kind": named.kind, "id": named.node[1], "name": named.name}


def direct_payload(named: Named, found: Customer) -> dict:
    return node_payload(named) | {
        "declared": found.declared,
        "observed": found.observed,
        "sources": sorted(found.sources),
    }


def customers_payload(shown: CustomerMap) -> dict:
    return {
        "subject": node_payload(shown.names[shown.subject]),
        "days": shown.days,
        "colleagues": shown.colleagues,
        "external": shown.external,
        "direct": [direct_payload(named, found) for named, found in shown.customer_rows],
        "chains": [[named.name for named in row.nodes] for row in shown.chain_rows],
    }


def suppliers_payload(shown: CustomerMap) -> dict:
    return {
        "subject": node_payload(shown.names[shown.subject]),
        "days": shown.days,
        "suppliers": [direct_payload(named, found) for named, found in shown.supplier_rows],
    }


def chain_payload(row: ChainRow, names: dict) -> dict:
    return {
        "nodes": [named.name for named in row.nodes],
        "links": [_link(link, names) for link in row.chain.links],
        "reliability": row.chain.reliability,
        "weakest": None if row.chain.weakest is None else _link(row.chain.weakest, names),
    }


def _link(link: Link, names: dict) -> dict:
    return {
        "supplier": names[link.supplier].name,
        "customer": names[link.customer].name,
        "on_time_rate": link.on_time_rate,
        "n": link.n,
    }
