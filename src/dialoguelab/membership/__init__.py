"""Membership and veto engine: rules, members, recognition, outcomes, vote model, power indices.

See :mod:`dialoguelab.membership.api` for the public surface and ``docs/membership.md``.
"""

__all__: list[str] = []
