"""Actors: the list, each actor's profile (roles, events, quotations) and the co-occurrence network."""

from __future__ import annotations

__all__ = ["router"]

from typing import Annotated, Any, Literal

import networkx as nx
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse

from dialoguelab import evidence
from dialoguelab.web.deps import CaseDep
from dialoguelab.web.params import FormatParam, TextParam
from dialoguelab.web.render import ACTOR_TYPE_COLOURS, render_page
from dialoguelab.web.routes._models import CSV, Table
from dialoguelab.web.tables import csv_response, frame_records, jsonable, table_payload, wants_csv

router = APIRouter(tags=["actors"])

NamePath = Annotated[str, Path(min_length=1, max_length=120, description="actor id, name, alias or metonym",
                                examples=["russia"])]
ActorTypeParam = Annotated[
    Literal["state", "organization", "person", "group"] | None, Query(description="only actors of this type")
]


@router.get("/api/v1/actors", response_model=Table, summary="Every actor with its number of events",
            responses=CSV)
def api_actors(case: CaseDep, actor_type: ActorTypeParam = None, format: FormatParam = "json") -> Any:
    """Actors with type, ISO code, aliases and their numbers of events and quotations."""
    df = evidence.actors_table(case, actor_type=actor_type)
    return csv_response(df, "actors.csv") if wants_csv(format) else table_payload(df)


@router.get("/api/v1/actors/{name}", summary="An actor's profile: record, roles, events, quotations, co-actors")
def api_actor(case: CaseDep, name: NamePath) -> dict[str, Any]:
    """The profile; ``events``, ``quotations`` and ``co_actors`` are tables (columns and rows)."""
    prof = evidence.actor_profile(case, name)
    return {k: (table_payload(v) if hasattr(v, "columns") else jsonable(v)) for k, v in prof.items()}


@router.get("/api/v1/actors/{name}/co-actors", response_model=Table, responses=CSV,
            summary="Actors sharing events with this one")
def api_co_actors(case: CaseDep, name: NamePath, format: FormatParam = "json") -> Any:
    """Each co-occurring actor with the number of events shared."""
    df = evidence.co_actors(case, name)
    return csv_response(df, "co_actors.csv") if wants_csv(format) else table_payload(df)


@router.get("/api/v1/quotations", response_model=Table, responses=CSV, summary="Quotations with speaker and source")
def api_quotations(
    case: CaseDep, speaker: Annotated[str | None, Query(max_length=120, description="actor id, name or alias")] = None,
    text: TextParam = None, format: FormatParam = "json",
) -> Any:
    """Words attributed to a named speaker, verbatim, with date, event and citations."""
    df = evidence.quotations_table(case, speaker=speaker, text=text)
    return csv_response(df, "quotations.csv") if wants_csv(format) else table_payload(df)


@router.get("/api/v1/network", summary="The network of actors appearing in the same events")
def api_network(
    case: CaseDep, min_shared: Annotated[int, Query(ge=1, le=1000, description="minimum shared events")] = 1,
) -> dict[str, Any]:
    """Nodes (id, name, type, events) and weighted edges (events shared)."""
    return _network(case, min_shared)


def _network(case: Any, min_shared: int, layout: bool = False) -> dict[str, Any]:
    g = evidence.actor_network(case, min_shared=min_shared)
    out: dict[str, Any] = {
        "nodes": [{"id": n, **jsonable(d)} for n, d in g.nodes(data=True)],
        "edges": [{"source": u, "target": v, "weight": int(d.get("weight", 1))} for u, v, d in g.edges(data=True)],
    }
    if layout and len(g):
        # Display only: a force-directed layout (Fruchterman–Reingold, networkx) of the largest
        # connected group, with a fixed seed so the picture is the same on every visit.
        main = g.subgraph(max(nx.connected_components(g), key=len))
        pos = nx.spring_layout(main, weight=None, seed=7, k=2.5 / max(len(main), 1) ** 0.5, iterations=100)
        out["nodes"] = [n for n in out["nodes"] if n["id"] in pos]
        out["edges"] = [e for e in out["edges"] if e["source"] in pos and e["target"] in pos]
        out["outside"] = len(g) - len(main)
        for node in out["nodes"]:
            x, y = pos[node["id"]]
            node["x"], node["y"] = round(float(x), 4), round(float(y), 4)
    return out


@router.get("/actors", response_class=HTMLResponse, include_in_schema=False)
def page_actors(request: Request, case: CaseDep, actor_type: ActorTypeParam = None) -> HTMLResponse:
    df = evidence.actors_table(case, actor_type=actor_type)
    return render_page(request, "actors.html", "actors",
                       {"actors": frame_records(df), "actor_type": actor_type, "actor_type_colours": ACTOR_TYPE_COLOURS,
                        "network": _network(case, 1, layout=True)})


@router.get("/actors/{name}", response_class=HTMLResponse, include_in_schema=False)
def page_actor(request: Request, case: CaseDep, name: NamePath) -> HTMLResponse:
    prof = evidence.actor_profile(case, name)
    ctx = {k: (frame_records(v) if hasattr(v, "columns") else jsonable(v)) for k, v in prof.items()}
    ctx["actor_names"] = {a.id: a.name for a in case.actors}
    # "people" of the library are every actor affiliated with this one: split people from organisations
    types = {a.id: getattr(a.type, "value", a.type) for a in case.actors}
    affiliated = ctx.pop("people", [])
    ctx["people"] = [p for p in affiliated if types.get(p["id"]) == "person"]
    ctx["affiliated"] = [dict(p, type=types.get(p["id"])) for p in affiliated if types.get(p["id"]) != "person"]
    return render_page(request, "actor.html", "actors", {"profile": ctx})
