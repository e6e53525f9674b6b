"""Links built from case data: only http(s) URLs and paths on this site become links.

Used by the templates as the ``safe_url`` filter and global (registered in :mod:`dialoguelab.web.deps`).
"""

from __future__ import annotations

__all__ = ["safe_url"]


def safe_url(value: object) -> str | None:
    """``value`` as a link target if it is an absolute http(s) URL or a path on this site, else ``None``.

    The Jinja filter and global ``safe_url`` of the templates: ``href="{{ u|safe_url }}"`` never
    renders a ``javascript:``, ``data:`` or ``vbscript:`` URL (nor one that hides its scheme behind
    control characters or a protocol-relative ``//host``), whatever a case file says. Case files are
    validated too (``Source.urls`` takes http and https only); this is the second line.

    >>> safe_url("https://example.org/a?b=1"), safe_url("/sources#src-fn-1")
    ('https://example.org/a?b=1', '/sources#src-fn-1')
    >>> safe_url("javascript:alert(1)"), safe_url(" JaVaScRiPt:alert(1)"), safe_url("//evil.example/x")
    (None, None, None)
    """
    if value is None:
        return None
    text = str(value)
    if any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in text):  # spaces, tabs, newlines, NUL hide a scheme
        return None
    if text.startswith("/") and not text.startswith("//") and "\\" not in text:
        return text
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return text
    return None
