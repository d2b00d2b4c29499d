"""The Finnish sub-level scale (taitotaso) A1.1 … C2.2 and its CEFR and YKI roll-ups
(docs/domain.md). Levels are typed in on the sub-level scale; CEFR and YKI are derived."""

from __future__ import annotations

SKILLS = ("reading", "listening", "speaking", "writing")

LEVELS = (
    "A1.1", "A1.2", "A1.3",
    "A2.1", "A2.2",
    "B1.1", "B1.2",
    "B2.1", "B2.2",
    "C1.1", "C1.2",
    "C2.1", "C2.2",
)  # fmt: skip

LEVEL_CHOICES = [(level, level) for level in LEVELS]
_RANK = {level: index for index, level in enumerate(LEVELS)}
_YKI = {"A1": 1, "A2": 2, "B1": 3, "B2": 4, "C1": 5, "C2": 6}


def is_level(value: object) -> bool:
    return isinstance(value, str) and value in _RANK


def rank(level: str) -> int:
    """Position on the scale, 0 for A1.1 … 12 for C2.2 (sub-levels apart = rank difference)."""
    return _RANK[level]


def cefr(level: str | None) -> str | None:
    return level.split(".")[0] if level else None


def yki(level: str | None) -> int | None:
    return _YKI[cefr(level)] if level else None  # type: ignore[index]
