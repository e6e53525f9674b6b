"""dialoguelab: an evidence-backed model of the politics a policy study describes."""

__version__ = "0.1.0"
