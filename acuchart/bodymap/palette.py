"""The colours a body map is drawn in, on screen and in exported files alike."""

from __future__ import annotations

SKIN = "#fbf3ec"
REGION_LINE = "#c9b8ab"
OUTLINE = "#4a3f38"
POINT = "#1f5fa8"
NEEDLED = "#c0392b"
SITE = "#1d4e89"
NOT_FELT = "#b00020"
