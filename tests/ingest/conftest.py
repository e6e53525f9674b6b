"""Fixtures for ingestion tests: a small gazetteer, the seed's actor list, a tiny PDF writer."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dialoguelab.ingest.actors import Gazetteer

DATA = Path(__file__).parent / "data"

SMALL_ACTORS = [
    {
        "id": "russia",
        "name": "Russia",
        "type": "state",
        "iso3": "RUS",
        "aliases": ["Russian Federation", "Moscow", "the Kremlin", "Kremlin"],
    },
    {"id": "serbia", "name": "Serbia", "type": "state", "iso3": "SRB", "aliases": ["Belgrade"]},
    {"id": "kosovo", "name": "Kosovo", "type": "state", "aliases": ["Pristina", "Prishtina"]},
    {"id": "eu", "name": "European Union", "type": "organization", "aliases": ["EU", "Brussels"]},
    {"id": "nato", "name": "NATO", "type": "organization"},
    {
        "id": "un-security-council",
        "name": "UN Security Council",
        "type": "organization",
        "aliases": ["UNSC", "Security Council"],
    },
    {"id": "vladimir-putin", "name": "Vladimir Putin", "type": "person", "aliases": ["Putin"]},
    {"id": "sergey-lavrov", "name": "Sergey Lavrov", "type": "person", "aliases": ["Lavrov"]},
    {"id": "aleksandar-vucic", "name": "Aleksandar Vučić", "type": "person", "aliases": ["Vučić"]},
]


@pytest.fixture()
def small_gazetteer() -> Gazetteer:
    return Gazetteer.from_actors(SMALL_ACTORS)


@pytest.fixture(scope="session")
def seed_gazetteer() -> Gazetteer:
    return Gazetteer.from_actors(yaml.safe_load((DATA / "seed_actors.yaml").read_text(encoding="utf-8")))


def _pdf_string(s: str) -> str:
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


@pytest.fixture()
def pdf_maker():  # type: ignore[no-untyped-def]
    """The tiny-PDF writer below, as a fixture."""
    return make_pdf


def make_pdf(path: Path, pages: list[list[tuple[float, float, float, str]]]) -> Path:
    """Write a minimal PDF by hand: each page is a list of (x, y, font size, text) runs in Helvetica.

    The cross-reference table is computed from the real byte offsets, so pdfplumber reads it cleanly.
    """
    objects: list[bytes] = []
    n_pages = len(pages)
    font_id = 3 + 2 * n_pages
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n_pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    for i, runs in enumerate(pages):
        content = "".join(
            f"BT /F1 {size} Tf {x} {y} Td ({_pdf_string(text)}) Tj ET\n" for x, y, size, text in runs
        ).encode("latin-1")
        page_id, content_id = 3 + 2 * i, 4 + 2 * i
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content_id} 0 R "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream")
        assert page_id + 1 == content_id
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for k, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{k} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))
    return path
