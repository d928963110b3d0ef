"""Command line: ``acuchart`` starts the app; other commands help around it.

Only the standard library is imported here, so the window can appear before
the database layer (SQLAlchemy) and the PDF layer (ReportLab) are loaded.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from acuchart import __version__
from acuchart.backup_command import add_backup_parsers
from acuchart.cli_password import add_password_option
from acuchart.init_command import add_init_parser
from acuchart.locations import DATABASE_ENV, resolve_database
from acuchart.report_command import add_report_parser


def build_parser() -> argparse.ArgumentParser:
    database = argparse.ArgumentParser(add_help=False)
    database.add_argument(
        "--database",
        metavar="PATH_OR_URL",
        default=argparse.SUPPRESS,
        help=f"database file or SQLAlchemy URL (default: ${DATABASE_ENV}, "
        "else acuchart.db in your data folder)",
    )
    parser = argparse.ArgumentParser(
        prog="acuchart",
        description="AcuChart: charting for acupuncture treatment of neuropathy pain.",
        parents=[database],
    )
    parser.add_argument("--version", action="version", version=f"AcuChart {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        parents=[database],
        help="fill an unencrypted database with sample patients (for trying AcuChart) and open it",
    )
    demo.add_argument("--no-gui", action="store_true", help="only fill the database")
    shot = commands.add_parser(
        "screenshot", parents=[database], help="save a picture of the main window"
    )
    shot.add_argument("output", metavar="OUT.png")
    shot.add_argument("--tab", help="chart tab to show, by its title (Visits, Note, Scores, …)")
    export = commands.add_parser(
        "export-map",
        parents=[database],
        help="save a visit's body map as an SVG or PNG picture",
    )
    export.add_argument("visit_id", metavar="VISIT_ID", type=int)
    export.add_argument("output", metavar="OUT.svg|OUT.png")
    export.add_argument("--points", action="store_true", help="draw the acupuncture points as well")
    add_password_option(export)
    add_report_parser(commands, database)
    add_backup_parsers(commands, database)
    add_init_parser(commands, database)
    check = commands.add_parser(
        "check", parents=[database], help="check the database's integrity and schema version"
    )
    add_password_option(check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    location = resolve_database(getattr(args, "database", None))
    if args.command == "check":
        from acuchart.maintenance import run_check

        return run_check(location, args)
    if args.command == "backup":
        from acuchart.backup_command import run_backup_command

        return run_backup_command(location, args.to, args)
    if args.command == "restore":
        from acuchart.backup_command import run_restore_command

        return run_restore_command(location, args.file, assume_yes=args.yes, args=args)
    if args.command == "export-map":
        from acuchart.ui.bodymap.export import run_export_command

        return run_export_command(
            location,
            args.visit_id,
            args.output,
            show_points=args.points,
            password_file=args.password_file,
            account_name=args.account_name,
        )
    if args.command == "init":
        from acuchart.init_command import run_init

        return run_init(location, args)
    if args.command == "report":
        from acuchart.report_command import run_report_command

        return run_report_command(location, args)
    if args.command == "screenshot":
        from acuchart.ui.screenshot import save_main_window_screenshot

        return save_main_window_screenshot(location, args.output, args.tab)
    if args.command == "demo":
        from acuchart.maintenance import fill_demo

        status = fill_demo(location)
        if status != 0 or args.no_gui:
            return status
    from acuchart.ui.app import run_gui

    return run_gui(location)


if __name__ == "__main__":
    sys.exit(main())
