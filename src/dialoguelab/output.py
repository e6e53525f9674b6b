"""Printing library results for the CLI: tables that fit the terminal, JSON, CSV and Parquet.

Shared by every command so that ``--json``, ``--csv`` and ``--parquet`` mean the same everywhere:
``--json`` and ``--csv`` print every field of every row on stdout, whatever the terminal's width;
the table shows the columns that fit.

A table is described by :class:`Column` s, each with a priority. At the terminal's width (``$COLUMNS``
when set, else the terminal's, else 80) the table shows the columns of priority 0 and then, in order of
priority, every other column that still fits; a column is never narrower than its longest word, so
text wraps between words and never inside one (a single word longer than any width the table can give,
such as a long URL, is shortened with ``…``). Ids, dates and numbers are never wrapped. Numbers are
formatted for reading: probabilities as percentages, other fractions to three significant digits.

This module imports neither pandas nor numpy: ``dialoguelab --help`` must stay cheap. A DataFrame is
recognised by its ``to_dict`` method, and pandas is imported only to write Parquet or JSON of one.
"""

from __future__ import annotations

__all__ = [
    "Column",
    "console",
    "err_console",
    "emit_csv",
    "emit_json",
    "emit_table",
    "format_value",
    "item",
    "percent",
    "render_table",
    "stderr",
    "stdout",
    "to_records",
]

import csv
import datetime as dt
import json
import math
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

Kind = Literal["auto", "text", "ids", "id", "int", "float", "prob", "signed", "bool", "fraction"]

#: kinds printed on one line, never wrapped
_NO_WRAP = {"id", "int", "float", "prob", "signed", "bool", "fraction"}
#: kinds aligned to the right
_RIGHT = {"int", "float", "prob", "signed", "fraction"}


def console() -> Console:
    """A console on stdout, sized from ``$COLUMNS`` or the terminal (80 when neither is known)."""
    return Console(soft_wrap=False, highlight=False)


def err_console() -> Console:
    """A console on stderr."""
    return Console(stderr=True, highlight=False)


class _Printer:
    """``print`` on a console made at each call, so that the width is the terminal's when printing."""

    def __init__(self, stderr: bool = False) -> None:
        self._stderr = stderr

    def print(self, *objects: Any, **kwargs: Any) -> None:
        (err_console() if self._stderr else console()).print(*objects, **kwargs)


#: print on stdout / stderr, wrapping long lines between words at the terminal's width
stdout = _Printer()
stderr = _Printer(stderr=True)


def item(marker: str, text: str, *, indent: int = 0, style: str | None = None) -> None:
    """Print ``marker text`` on stdout with a hanging indent: wrapped lines start under the text.

    For lists (``item("-", "Security Council: …")``) and labelled values
    (``item("Veto players:", "CHN (China), …")``); ``text`` is shown as is (no markup).
    """
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(Text(" " * indent + marker, style=style or ""), Text(text))
    console().print(grid)


@dataclass(frozen=True)
class Column:
    """How one field is shown in a table.

    Parameters
    ----------
    key : str
        The field (a DataFrame column or a key of each row).
    header : str, optional
        The column's heading; default ``key`` with underscores as spaces.
    priority : int, default=0
        0: always shown; 1, 2, …: shown, lowest first, while the table fits the terminal.
    kind : str, default="auto"
        ``text`` (wrapped between words), ``ids`` (a list of ids, wrapped between them, none ever
        shortened), ``id`` (never wrapped), ``int``, ``float`` (three
        significant digits), ``prob`` (a percentage), ``signed`` (``+1.23``), ``bool`` (yes/no),
        ``fraction`` (an exact ``"p/q"`` shown as a decimal), or ``auto`` (from the values).
    min_width : int, default=0
        A wrapped column is at least this wide when shown (so a summary does not become a ribbon).
    above : str, optional
        Another field printed in bold on the first line of the same cell, e.g. an event's id above
        its summary: the id stays whole at any width that shows the summary.
    digits : int, default=3
        Significant digits of a ``float`` or ``fraction``.
    value : callable, optional
        Computes the shown value from the whole row (e.g. ``"russia → nato"`` from two fields);
        ``--json`` and ``--csv`` still carry the fields themselves.
    """

    key: str
    header: str | None = None
    priority: int = 0
    kind: Kind = "auto"
    min_width: int = 0
    above: str | None = None
    value: Callable[[dict[str, Any]], Any] | None = None
    digits: int = 3

    @property
    def label(self) -> str:
        return self.header if self.header is not None else self.key.replace("_", " ")


# ---------------------------------------------------------------------------------------------- values


def _is_missing(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return type(v).__name__ in ("NAType", "NaTType")


def _plain(v: Any) -> Any:
    """numpy scalars and arrays as Python values (without importing numpy)."""
    if hasattr(v, "item") and type(v).__module__ == "numpy" and getattr(v, "ndim", 1) == 0:
        return v.item()
    if hasattr(v, "tolist") and type(v).__module__ == "numpy":
        return v.tolist()
    return v


def percent(p: float) -> str:
    """A probability as a percentage to one decimal; never rounds a non-certain value to 0% or 100%.

    Examples
    --------
    >>> percent(0.01719), percent(1.0), percent(0.99996), percent(0.00004), percent(0.0)
    ('1.7%', '100%', '>99.9%', '<0.1%', '0%')
    """
    if p == 0:
        return "0%"
    if p == 1:
        return "100%"
    if p < 0.001:
        return "<0.1%"
    if p > 0.999:
        return ">99.9%"
    return f"{100 * p:.1f}%"


def _sig(v: float, digits: int = 3) -> str:
    """``v`` to ``digits`` significant digits, without an exponent between 1e-4 and 1000."""
    if v == 0 or math.isinf(v):
        return f"{v:g}"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) < 1e-4:
        return f"{v:.{digits - 1}e}"
    if abs(v) < 0.1:  # no exponent: 0.000651, 0.0149
        return f"{v:.{digits - 1 - math.floor(math.log10(abs(v)))}f}"
    return f"{v:.{digits}g}"


def _infer(values: list[Any], key: str) -> Kind:
    present = [_plain(v) for v in values if not _is_missing(v)]
    if not present:
        return "text"
    if all(isinstance(v, bool) for v in present):
        return "bool"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "int"
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        name = key.lower()
        if ("probab" in name or name.startswith("p_") or name == "p") and all(0 <= v <= 1 for v in present):
            return "prob"
        return "float"
    return "text"


def format_value(v: Any, kind: Kind = "text", digits: int = 3) -> str:
    """A value as table text: ``""`` for missing, lists joined by commas, numbers by ``kind``.

    Examples
    --------
    >>> format_value(0.0631, "prob"), format_value(0.000651, "float"), format_value(2.328571, "float")
    ('6.3%', '0.000651', '2.33')
    >>> format_value(1.5168e-07, "float"), format_value(123456.7, "float")
    ('1.52e-07', '123,457')
    >>> format_value("5784927463112020187/33096305671909721445", "fraction")
    '0.175'
    >>> format_value(0.174828, "float", digits=4)
    '0.1748'
    >>> format_value(["ostia", "suria"]), format_value(None), format_value(True, "bool")
    ('ostia, suria', '', 'yes')
    """
    v = _plain(v)
    if isinstance(v, list | tuple | set | frozenset):
        return ", ".join(format_value(x, "text" if kind in ("auto", "bool", "ids") else kind, digits) for x in v)
    if _is_missing(v):
        return ""
    if kind == "bool" or isinstance(v, bool):
        return "yes" if v else "no"
    if kind == "fraction":
        try:
            v = float(Fraction(str(v)))
        except (ValueError, ZeroDivisionError):
            return str(v)
        return _sig(v, digits)
    if isinstance(v, int | float):
        if kind == "prob":
            return percent(float(v))
        if kind == "signed":
            return f"{float(v):+.2f}"
        if isinstance(v, int) or (kind == "int" and float(v).is_integer()):
            return str(int(v))
        return _sig(float(v), digits)
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ", timespec="minutes")
    if isinstance(v, dt.date):
        return v.isoformat()
    if hasattr(v, "model_dump"):
        return json.dumps(v.model_dump(mode="json", exclude_none=True), ensure_ascii=False)
    if isinstance(v, Mapping):
        return ", ".join(f"{k} {format_value(x)}" for k, x in v.items())
    return str(v)


def to_records(data: Any) -> list[dict[str, Any]]:
    """Rows as dicts: from a DataFrame (``to_dict("records")``), a list of dicts, or dataclasses."""
    if hasattr(data, "to_dict") and hasattr(data, "columns"):
        return list(data.to_dict(orient="records"))
    rows = []
    for r in data:
        if isinstance(r, Mapping):
            rows.append(dict(r))
        elif hasattr(r, "to_dict"):
            rows.append(r.to_dict())
        else:
            rows.append(dict(vars(r)))
    return rows


def _fields(data: Any, rows: list[dict[str, Any]]) -> list[str]:
    if hasattr(data, "columns"):
        return [str(c) for c in data.columns]
    out: dict[str, None] = {}
    for r in rows:
        out.update(dict.fromkeys(r))
    return list(out)


# ---------------------------------------------------------------------------------------------- output


def emit_json(value: Any) -> None:
    """Print ``value`` as indented JSON (DataFrames as lists of rows, dates as ISO text, NaN as null)."""
    from dialoguelab.jsonable import to_jsonable

    sys.stdout.write(json.dumps(to_jsonable(value), ensure_ascii=False, indent=2) + "\n")


def _csv_cell(v: Any) -> Any:
    v = _plain(v)
    if isinstance(v, list | tuple | set | frozenset):
        return "; ".join(str(_csv_cell(x)) for x in v)
    if _is_missing(v):
        return ""
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, Mapping):
        return json.dumps(v, ensure_ascii=False, default=str)
    return v


def emit_csv(data: Any, fields: Sequence[str] | None = None) -> None:
    """Print rows as CSV on stdout: every field, lists joined by ``"; "``, missing values empty."""
    rows = to_records(data)
    names = list(fields) if fields is not None else _fields(data, rows)
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(names)
    for r in rows:
        w.writerow([_csv_cell(r.get(k)) for k in names])


def _write_parquet(data: Any, path: Path) -> None:
    import pandas as pd

    df = data if hasattr(data, "to_parquet") else pd.DataFrame(to_records(data))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        df.to_parquet(tmp, index=False)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------------- tables


@dataclass
class _Prepared:
    col: Column
    kind: Kind
    cells: list[str]
    aboves: list[str]
    wrap: bool
    natural: int  # the width that shows every cell on one line (header included)
    floor: int  # the narrowest width that breaks no word and keeps ids whole (long words capped)


#: a wrapped column's narrowest width counts words up to this long; longer ones are shortened with …
_WORD_CAP = 40
#: the narrowest a wrapped column is squeezed to when even the priority-0 columns do not fit
_SQUEEZE = 8


def _longest_word(texts: Sequence[str]) -> int:
    return max((cell_len(w) for t in texts for w in t.split()), default=0)


def _prepare(col: Column, rows: list[dict[str, Any]]) -> _Prepared:
    values = [col.value(r) if col.value is not None else r.get(col.key) for r in rows]
    kind: Kind = _infer(values, col.key) if col.kind == "auto" else col.kind
    cells = [format_value(v, kind, col.digits) for v in values]
    aboves = [format_value(r.get(col.above), "id") for r in rows] if col.above else []
    wrap = kind not in _NO_WRAP
    lines = [ln for c in cells for ln in c.splitlines()] or [""]
    natural = max([cell_len(col.label)] + [cell_len(ln) for ln in lines] + [cell_len(a) for a in aboves])
    if wrap:
        words = max(_longest_word(lines), _longest_word([col.label]))
        if kind != "ids":
            words = min(words, max(_WORD_CAP, col.min_width))
        ids = max((cell_len(a) for a in aboves), default=0)  # an id above the text is never cut
        floor = max(words, ids, min(col.min_width, natural))
    else:
        floor = natural
    return _Prepared(col, kind, cells, aboves, wrap, natural, floor)


def _overhead(n: int) -> int:
    return 3 * max(n - 1, 0)  # " │ " between columns, no outer edge


def _choose(prepared: list[_Prepared], width: int) -> list[int]:
    """Indices of the columns shown at ``width``: priority 0, then the others in priority order as they fit."""
    chosen = [i for i, p in enumerate(prepared) if p.col.priority <= 0]
    rest = sorted(
        (i for i, p in enumerate(prepared) if p.col.priority > 0), key=lambda i: (prepared[i].col.priority, i)
    )
    for i in rest:
        trial = [*chosen, i]
        if sum(prepared[j].floor for j in trial) + _overhead(len(trial)) <= width:
            chosen = trial
    return sorted(chosen)


def _widths(shown: list[_Prepared], width: int) -> list[int]:
    """Each shown column's width: its floor, then the spare width shared out, smallest needs first.

    When even the floors do not fit (a very narrow terminal), wrapped columns are squeezed first (their
    long words are then shortened with …), then the widest columns, which Rich ends with ….
    """
    widths = [p.floor for p in shown]
    spare = width - _overhead(len(shown)) - sum(widths)
    if spare < 0:
        for i in sorted(range(len(shown)), key=lambda i: -widths[i]):
            if shown[i].wrap and spare < 0:
                cut = min(-spare, max(widths[i] - _SQUEEZE, 0))
                widths[i] -= cut
                spare += cut
        while spare < 0 and max(widths) > _SQUEEZE:
            widths[widths.index(max(widths))] -= 1
            spare += 1
        return widths
    needy = sorted(
        (i for i, p in enumerate(shown) if p.natural > widths[i]), key=lambda i: shown[i].natural - widths[i]
    )
    for k, i in enumerate(needy):
        if spare <= 0:
            break
        give = min(shown[i].natural - widths[i], spare // (len(needy) - k))
        widths[i] += give
        spare -= give
    return widths


def _shorten_words(text: str, width: int) -> str:
    if width < 2:
        return text
    return " ".join(w if cell_len(w) <= width else w[: width - 1] + "…" for w in text.split(" "))


def render_table(
    data: Any,
    columns: Sequence[Column | str] | None = None,
    *,
    width: int,
    title: str | None = None,
) -> tuple[Table | None, list[str]]:
    """The Rich table of ``data`` at ``width`` character cells, and the labels of the columns left out.

    Returns ``(None, [])`` when there are no rows.
    """
    rows = to_records(data)
    if not rows:
        return None, []
    specs = [Column(c) if isinstance(c, str) else c for c in (columns or _fields(data, rows))]
    prepared = [_prepare(c, rows) for c in specs]
    keep = _choose(prepared, width)
    shown = [prepared[i] for i in keep]
    hidden = [prepared[i].col.label for i in range(len(prepared)) if i not in keep]
    widths = _widths(shown, width)
    # a blank line between rows when many rows take several lines (else continuation lines are
    # recognisable by their empty first cell)
    stacked = any(p.aboves for p in shown)
    wrapped = sum(
        stacked or any(p.wrap and cell_len(p.cells[r]) > w for p, w in zip(shown, widths, strict=True))
        for r in range(len(rows))
    )
    wraps = wrapped * 4 > len(rows)
    table = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        header_style="bold",
        title=title,
        title_justify="left",
        title_style="bold",
        leading=1 if wraps else 0,
    )
    for p, w in zip(shown, widths, strict=True):
        table.add_column(
            p.col.label,
            width=w,
            no_wrap=not p.wrap,
            overflow="ellipsis",
            justify="right" if p.kind in _RIGHT else "left",
        )
    for r in range(len(rows)):
        cells: list[Text] = []
        for p, w in zip(shown, widths, strict=True):
            body = _shorten_words(p.cells[r], w) if p.wrap else p.cells[r]
            if p.aboves:
                cells.append(Text.assemble((p.aboves[r], "bold"), "\n" if body else "", body))
            else:
                cells.append(Text(body))
        table.add_row(*cells)
    return table, hidden


def emit_table(
    data: Any,
    *,
    title: str | None = None,
    as_json: bool = False,
    as_csv: bool = False,
    parquet: Path | None = None,
    columns: Sequence[Column | str] | None = None,
    count: bool = True,
) -> None:
    """Print rows as a table that fits the terminal, or every field as JSON/CSV on stdout, or write Parquet.

    Parameters
    ----------
    data : DataFrame or list of dict
    columns : list of Column or str, optional
        What the table shows (default every field, in order, each of higher priority than the next).
        ``--json``, ``--csv`` and ``--parquet`` always carry every field.
    count : bool, default=True
        Print the number of rows (and the columns left out at this width) under the table.
    """
    if parquet is not None:
        _write_parquet(data, parquet)
        err_console().print(f"wrote {len(to_records(data))} rows to {parquet}", markup=False)
        return
    if as_json:
        emit_json(data)
        return
    if as_csv:
        emit_csv(data)
        return
    if columns is None:
        fields = _fields(data, to_records(data))
        columns = [Column(f, priority=i) for i, f in enumerate(fields)]
    out = console()
    table, hidden = render_table(data, columns, width=out.width, title=title)
    if table is None:
        out.print(f"{title + ': ' if title else ''}no rows", markup=False)
        return
    out.print(table)
    if count:
        n = len(to_records(data))
        note = f"{n} row{'s' if n != 1 else ''}"
        if hidden:
            note += f"; not shown at {out.width} columns: {', '.join(hidden)} (wider terminal, --json or --csv)"
        out.print(Text(note, style="dim"))
