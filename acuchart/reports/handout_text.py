"""Patient handout templates: a tiny Markdown subset with fields such as {patient_first_name}.

Defaults live in ``resources/handouts``; a clinic's own edits are stored in the
database. Plain Python: parsing, checking and filling, no ReportLab.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from functools import cache

from acuchart.resources import resource_path
from acuchart.validation import ValidationError

MAX_TEMPLATE = 30_000
DIAGRAM_MARKER = "[[diagram]]"
FIELD_NAMES = (
    "patient_first_name",
    "patient_name",
    "clinic_name",
    "clinic_phone",
    "clinic_email",
    "clinic_address",
    "practitioner",
    "visit_date",
    "next_visit",
    "home_care",
    "today",
)
_TOKEN = re.compile(r"(\*\*|\{[^{}\s]*\})")


class Handout(enum.StrEnum):
    HOW_ACUPUNCTURE_HELPS = "how-acupuncture-helps"
    AFTERCARE = "aftercare"
    FOOT_HAND_CARE = "foot-hand-care"
    HOME_CARE_PLAN = "home-care-plan"

    @property
    def label(self) -> str:
        return {
            "how-acupuncture-helps": "How acupuncture may help neuropathy pain",
            "aftercare": "After your acupuncture treatment",
            "foot-hand-care": "Caring for your feet and hands",
            "home-care-plan": "Your home-care plan",
        }[self.value]

    @property
    def setting_key(self) -> str:
        """Where the clinic's edited text is kept (clinic settings)."""
        return f"handout:{self.value}"


@cache
def default_template(handout: Handout) -> str:
    return resource_path("handouts", f"{handout.value}.md").read_text(encoding="utf-8")


class BlockKind(enum.StrEnum):
    TITLE = "title"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    BULLET = "bullet"
    CALLOUT = "callout"
    DIAGRAM = "diagram"


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str = ""


def parse_template(template: str) -> list[Block]:
    """Blocks in order; lines of one paragraph are joined with a space."""
    blocks: list[Block] = []
    paragraph: list[str] = []
    callout = False

    def close() -> None:
        nonlocal callout
        if paragraph:
            kind = BlockKind.CALLOUT if callout else BlockKind.PARAGRAPH
            blocks.append(Block(kind, " ".join(paragraph)))
            paragraph.clear()
        callout = False

    for raw in template.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            close()
        elif line.startswith("# "):
            close()
            blocks.append(Block(BlockKind.TITLE, line[2:].strip()))
        elif line.startswith("## "):
            close()
            blocks.append(Block(BlockKind.HEADING, line[3:].strip()))
        elif line.startswith("- "):
            close()
            blocks.append(Block(BlockKind.BULLET, line[2:].strip()))
        elif line == DIAGRAM_MARKER:
            close()
            blocks.append(Block(BlockKind.DIAGRAM))
        elif line.startswith("> ") or line == ">":
            if paragraph and not callout:
                close()
            callout = True
            paragraph.append(line[1:].strip())
        else:
            paragraph.append(line)
    close()
    return blocks


def check_template(template: str) -> str:
    """The template trimmed, or ValidationError naming what is wrong (unknown field, no title)."""
    text = template.replace("\r\n", "\n").strip()
    errors: dict[str, str] = {}
    if len(text) > MAX_TEMPLATE:
        errors["template"] = f"The handout is too long ({len(text):,} characters, at most 30,000)."
    elif not text.startswith("# "):
        errors["template"] = "Start the handout with its title on the first line: # Title"
    else:
        unknown = sorted(
            {
                token
                for token in _TOKEN.findall(text)
                if token.startswith("{") and token[1:-1] not in FIELD_NAMES
            }
        )
        if unknown:
            errors["template"] = (
                f"Unknown field {', '.join(unknown)}. Fields you can use: "
                + ", ".join("{" + name + "}" for name in FIELD_NAMES)
            )
    if errors:
        raise ValidationError(errors)
    return text


@dataclass(frozen=True)
class Run:
    """A piece of filled text: bold or not."""

    text: str
    bold: bool = False


def fill(text: str, values: dict[str, str]) -> list[Run]:
    """Replace fields with their values and split on ** into bold and plain runs.

    Values are inserted as they are: a ``**`` or ``{`` typed by the practitioner
    in home-care advice stays literal text.
    """
    runs: list[Run] = []
    bold = False
    for token in _TOKEN.split(text):
        if token == "**":
            bold = not bold
        elif token.startswith("{") and token.endswith("}") and token[1:-1] in values:
            runs.append(Run(values[token[1:-1]], bold))
        elif token:
            runs.append(Run(token, bold))
    return runs


def plain(runs: list[Run]) -> str:
    return "".join(run.text for run in runs)
