"""``acuchart report …``: print a document to a PDF file from the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from acuchart.cli_password import add_password_option
from acuchart.reports.handout_text import Handout

KINDS = ("visit", "progress", "handout", "chart")


def add_report_parser(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    database: argparse.ArgumentParser,
) -> None:
    report = commands.add_parser(
        "report", help="print a visit summary, progress report, handout or whole chart to a PDF"
    )
    kinds = report.add_subparsers(dest="kind", metavar="KIND", required=True)
    visit = kinds.add_parser("visit", parents=[database], help="one visit's summary")
    visit.add_argument("visit_id", metavar="VISIT_ID", type=int)
    progress = kinds.add_parser(
        "progress", parents=[database], help="progress over a course of treatment"
    )
    progress.add_argument("patient_id", metavar="PATIENT_ID", type=int)
    progress.add_argument(
        "--for", dest="audience", choices=("physician", "patient"), default="physician"
    )
    progress.add_argument("--comments", default="", help="the practitioner's own words")
    handout = kinds.add_parser("handout", parents=[database], help="a patient handout")
    handout.add_argument("name", metavar="NAME", choices=[h.value for h in Handout])
    handout.add_argument("patient_id", metavar="PATIENT_ID", type=int)
    handout.add_argument("--large-print", action="store_true", help="15 pt text")
    chart = kinds.add_parser("chart", parents=[database], help="every visit of one patient")
    chart.add_argument("patient_id", metavar="PATIENT_ID", type=int)
    for parser in (visit, progress, handout, chart):
        parser.add_argument("--out", required=True, metavar="FILE", type=Path)
        add_password_option(parser)


def run_report_command(location: str, args: argparse.Namespace) -> int:
    from acuchart.audit import AuditAction
    from acuchart.cli_password import open_for_command
    from acuchart.db.errors import DatabaseOpenError
    from acuchart.errors import ChartError, RecordNotFoundError
    from acuchart.reports.progress_report import Audience
    from acuchart.services import reports
    from acuchart.validation import ValidationError

    try:
        # Writable: every document printed is recorded in the chart's audit log.
        database = open_for_command(location, args)
    except DatabaseOpenError as error:
        print(error, file=sys.stderr)
        return 2
    except ChartError as error:
        print(f"Nothing was printed: {error}", file=sys.stderr)
        return 1
    kind = args.kind
    request = reports.ReportRequest(
        document=reports.Document(kind),
        patient_id=getattr(args, "patient_id", 0),  # a visit summary finds its own patient
        visit_id=getattr(args, "visit_id", None),
        audience=Audience(getattr(args, "audience", "physician")),
        comments=getattr(args, "comments", ""),
        handout=Handout(getattr(args, "name", Handout.AFTERCARE.value)),
        large_print=getattr(args, "large_print", False),
    )
    try:
        written = reports.save_pdf(
            args.out,
            lambda out: reports.write_report(database, request, out, action=AuditAction.EXPORT),
        )
    except RecordNotFoundError:
        missing = f"visit {args.visit_id}" if kind == "visit" else f"patient {args.patient_id}"
        print(f"There is no {missing} in {database.display_name}.", file=sys.stderr)
        return 1
    except ValidationError as error:
        print("; ".join(error.errors.values()), file=sys.stderr)
        return 1
    except (ChartError, OSError) as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        database.close()
    print(f"Saved {written}")
    return 0
