"""The child process of the crash-safety test: saves notes in a loop until it is killed.

Run as ``python -m tests.unit.crash_writer DATABASE IDS_FILE`` from the repository
root. For each visit id in the JSON list ``IDS_FILE`` it saves a first draft, then
the final note over it (an insert, then an update), and only after the second save
has returned prints the visit id: a line on stdout means "committed". The note for
visit ``n`` is ``crash_note(n, final=...)``, so the parent can check it word for word.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from acuchart.notes.model import NeedleCount, Outcomes, Plan, SessionNote, Subjective
from acuchart.notes.scores import NamedScore, NrsItem

EXHAUSTED = "exhausted"


def crash_note(counter: int, *, final: bool) -> SessionNote:
    """A recognisable note a few kilobytes long (spilling onto overflow pages) for one counter.

    Already in its cleaned form (trimmed, NFC), so it reads back exactly as built.
    """
    stage = "final" if final else "first draft"
    complaint = f"Crash-safety note {counter:07d} ({stage}): " + "; ".join(
        f"burning and tingling in both soles, line {line} of note {counter}" for line in range(60)
    )
    return SessionNote(
        subjective=Subjective(
            chief_complaint=complaint,
            nrs={NrsItem.PAIN_NOW: counter % 11, NrsItem.BURNING: (counter // 11) % 11},
            text=f"Zoë Ōkubo 大野 — counter {counter}, {stage}.",
        ),
        plan=Plan(home_care=f"Warm foot soaks; counter {counter}."),
        needles=NeedleCount(inserted=counter % 300, removed=counter % 300),
        outcomes=Outcomes(named=(NamedScore("Crash counter", float(counter)),)),
    )


def main(argv: list[str]) -> int:
    from acuchart.db.database import open_database
    from acuchart.services.notes import save_draft

    database_path, ids_file = argv
    visit_ids: list[int] = json.loads(Path(ids_file).read_text(encoding="utf-8"))
    database = open_database(database_path)
    for visit_id in visit_ids:
        save_draft(database, visit_id, crash_note(visit_id, final=False), expected_version=0)
        save_draft(database, visit_id, crash_note(visit_id, final=True), expected_version=1)
        sys.stdout.write(f"{visit_id}\n")
        sys.stdout.flush()
    sys.stdout.write(EXHAUSTED + "\n")
    sys.stdout.flush()
    database.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
