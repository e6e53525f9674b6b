"""World data shared by every case: bodies and their rules, member lists over time, roll calls.

>>> from dialoguelab.world import load_world
>>> w = load_world()
>>> w.body("NATO").id
'nato'
"""

from dialoguelab.world.loader import WORLD_DIR, WorldData, check_world, demonyms, load_world, world_files
from dialoguelab.world.schema import (
    BodySpec,
    MemberRow,
    OrganChange,
    OrganSpec,
    Procedure,
    RollCall,
    RollCallVote,
    StageSpec,
)

__all__ = [
    "WORLD_DIR",
    "WorldData",
    "check_world",
    "demonyms",
    "load_world",
    "world_files",
    "BodySpec",
    "MemberRow",
    "OrganChange",
    "OrganSpec",
    "Procedure",
    "RollCall",
    "RollCallVote",
    "StageSpec",
]
