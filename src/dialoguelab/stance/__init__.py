"""Stance dynamics: events scored on a cooperation–conflict scale, bloc series, change points, findings.

The public functions are re-exported by :mod:`dialoguelab.stance.api`.
"""

__all__: list[str] = []
