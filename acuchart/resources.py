"""Where the shipped reference files live (body-map drawings, later fonts and texts)."""

from __future__ import annotations

from pathlib import Path

# The app runs from its source tree (``make run`` installs it editable).
RESOURCE_DIR = Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    return RESOURCE_DIR.joinpath(*parts)
