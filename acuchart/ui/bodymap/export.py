"""Export a visit's body map to an SVG or PNG file (menu and ``acuchart export-map``).

The SVG comes from the geometry in plain Python; a PNG is that same SVG
rendered by Qt, so both files show exactly the same picture.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

if TYPE_CHECKING:
    from acuchart.db.database import Database

PNG_WIDTH_PX = 2000  # about 85 pixels per centimetre: sharp in a letter, small in an e-mail
FORMATS = {".svg": "SVG", ".png": "PNG"}


class ExportError(Exception):
    """The export could not be written; the message says why, for the user."""


def svg_to_png(svg: str, width_px: int = PNG_WIDTH_PX) -> bytes:
    """Render an SVG document to PNG bytes of the given width (needs a Qt GUI application)."""
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    if not renderer.isValid():
        raise ExportError("The body map picture could not be drawn.")
    size = renderer.defaultSize()
    height_px = round(width_px * size.height() / size.width())
    image = QImage(width_px, height_px, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    renderer.render(painter, QRectF(0, 0, width_px, height_px))
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs say bytes; str works
    return bytes(buffer.data().data())


def write_atomically(path: Path, content: bytes) -> None:
    """Write next to the target and rename, so a failed export never leaves half a file."""
    directory = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def export_visit_map(
    database: Database, visit_id: int, output: Path, *, show_points: bool = False
) -> Path:
    """Write the visit's map to ``output`` (.svg or .png); raise ``ExportError`` with a reason."""
    from acuchart.services.body_maps import visit_map_svg

    suffix = output.suffix.lower()
    if suffix not in FORMATS:
        raise ExportError(f"Choose a file name ending in .svg or .png (not “{output.name}”).")
    if not output.parent.is_dir():
        raise ExportError(f"The folder {output.parent} does not exist.")
    svg = visit_map_svg(database, visit_id, show_points=show_points)
    content = svg.encode("utf-8") if suffix == ".svg" else svg_to_png(svg)
    try:
        write_atomically(output, content)
    except OSError as error:
        raise ExportError(f"Could not write {output}: {error.strerror or error}") from error
    _record_export(database, visit_id, suffix.lstrip("."))
    return output


def _record_export(database: Database, visit_id: int, kind: str) -> None:
    from sqlalchemy import select

    from acuchart.audit import AuditAction
    from acuchart.db.models import Visit
    from acuchart.services.audit import record

    with database.unit_of_work() as session:
        patient_id = session.scalar(select(Visit.patient_id).where(Visit.id == visit_id))
        record(
            session,
            AuditAction.EXPORT,
            patient_id=patient_id,
            object=f"body map of visit {visit_id}",
            detail=kind,
        )


def run_export_command(
    location: str,
    visit_id: int,
    output: str,
    *,
    show_points: bool,
    password_file: Path | None = None,
    account_name: str | None = None,
) -> int:
    """``acuchart export-map``: messages to the terminal, exit status 0 on success.

    An encrypted database asks for its password, or reads it from ``password_file``.
    """
    import argparse

    from acuchart.cli_password import open_for_command
    from acuchart.db.errors import DatabaseOpenError
    from acuchart.errors import ChartError, RecordNotFoundError

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if QGuiApplication.instance() is None:
        QGuiApplication(sys.argv[:1])  # Qt keeps the one application object itself
    try:
        # Writable: the export is recorded.
        database = open_for_command(
            location, argparse.Namespace(password_file=password_file, account_name=account_name)
        )
    except DatabaseOpenError as error:
        print(error, file=sys.stderr)
        return 2
    except ChartError as error:
        print(f"Nothing was exported: {error}", file=sys.stderr)
        return 1
    try:
        written = export_visit_map(database, visit_id, Path(output), show_points=show_points)
    except RecordNotFoundError:
        print(f"There is no visit {visit_id} in {database.display_name}.", file=sys.stderr)
        return 1
    except (ExportError, ChartError) as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        database.close()
    print(f"Saved the body map of visit {visit_id} to {written}")
    return 0
