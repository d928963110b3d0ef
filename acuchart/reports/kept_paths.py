"""Drawings whose shared paths are turned into PDF operators once, not at every drawing.

The body diagram shares its outlines, region lines and region fills between drawings
(see ``body_diagram._skin``): a progress report draws the same views several times and
every visit summary draws them again. ReportLab formats each point of a path anew each
time it renders it (about ten thousand numbers a diagram). ``KeptDrawing`` renders like
a plain ``Drawing`` but keeps each path's operators on the path the first time, so a
shared path costs one string copy afterwards. The PDF is byte for byte the same.

It extends ReportLab's own PDF renderer (``renderPDF._PDFRenderer``), overriding only how
a path's outline is written; ``tests/unit/test_kept_paths.py`` compares its output with
the stock renderer's so that a ReportLab upgrade that changes either is caught.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab import rl_config
from reportlab.graphics import renderPDF
from reportlab.graphics.renderbase import renderScaledDrawing
from reportlab.graphics.shapes import Drawing, Path, _renderPath

_KEPT = "_acuchart_pdf_outline"  # on a Path: {force_close: (operators, moves, closes)}
_PARTS = "_acuchart_parts"  # on a joined Path: the shared paths it is made of
_MOVE, _CLOSE = 0, 3


def _kept(path: Path, force_close: bool) -> tuple[list[str], int, int]:
    """The path's construction operators ('m', 'l', 'c', 'h'), made once per path, with
    its counts of subpaths and closes (ReportLab fills an open path only when they match)."""
    kept: dict[bool, tuple[list[str], int, int]] | None = path.__dict__.get(_KEPT)
    if kept is None:
        kept = {}
        path.__dict__[_KEPT] = kept
    if force_close not in kept:
        parts: tuple[Path, ...] | None = path.__dict__.get(_PARTS)
        if parts is not None:
            outlines = [_kept(part, force_close) for part in parts]
            code: list[str] = []
            for part_code, _, _ in outlines:  # each opens with 'n' (new path): once per path
                code += part_code[1:] if code else part_code
            moves = sum(part_moves for _, part_moves, _ in outlines)
            closes = sum(part_closes for _, _, part_closes in outlines)
        else:
            from reportlab.pdfgen.pathobject import PDFPathObject

            scratch = PDFPathObject()
            _renderPath(
                path,
                (scratch.moveTo, scratch.lineTo, scratch.curveTo, scratch.close),
                forceClose=force_close,
            )
            code = list(scratch._code)
            moves, closes = path.operators.count(_MOVE), code.count("h")
        kept[force_close] = (code, moves, closes)
    return kept[force_close]


def _outline(path: Path, force_close: bool) -> tuple[list[str], bool]:
    code, moves, closes = _kept(path, force_close)
    return code, moves == closes


def joined(parts: Sequence[Path]) -> Path:
    """Paths of one style drawn as one path: one node for ReportLab's renderer, whose state
    changes and graphics-state saves per shape cost more than a shared path's operators.

    The joined path holds the parts' points (for any renderer) and, for ``KeptDrawing``,
    writes the parts' kept operators one after the other: the same bytes as the stock
    renderer writes from the joined points.
    """
    if len(parts) == 1:
        return parts[0]
    path: Path = parts[0].copy()
    path.points = [value for part in parts for value in part.points]
    path.operators = [operator for part in parts for operator in part.operators]
    path.__dict__[_PARTS] = tuple(parts)
    return path


class _KeptPathRenderer(renderPDF._PDFRenderer):  # type: ignore[misc]
    def drawPath(self, path: Path) -> None:
        """As ``_PDFRenderer.drawPath``, with the outline taken from ``_outline``."""
        autoclose = getattr(path, "autoclose", "")
        fill = self._fill
        stroke = self._stroke
        code, is_closed = _outline(path, bool(fill and autoclose == "pdf"))
        pdf_path = self._canvas.beginPath()
        pdf_path._code.extend(code)
        draw = self._canvas.drawPath
        clip_or_draw = self._canvas.clipPath if path.isClipPath else draw
        fill_mode = getattr(path, "fillMode", None)
        if autoclose == "svg":
            if fill and stroke and not is_closed:
                clip_or_draw(pdf_path, fill=fill, stroke=0)
                draw(pdf_path, stroke=stroke, fill=0, fillMode=fill_mode)
            else:
                clip_or_draw(pdf_path, fill=fill, stroke=stroke, fillMode=fill_mode)
        elif autoclose == "pdf":
            clip_or_draw(pdf_path, fill=fill, stroke=stroke, fillMode=fill_mode)
        else:  # ReportLab's default: an open path is not filled
            clip_or_draw(pdf_path, fill=fill if is_closed else 0, stroke=stroke, fillMode=fill_mode)


class KeptDrawing(Drawing):  # type: ignore[misc]
    """A ``Drawing`` that renders its paths through ``_KeptPathRenderer`` in a story."""

    def draw(self, showBoundary: Any = rl_config._unset_) -> None:  # noqa: N803
        boundary = showBoundary
        if boundary is rl_config._unset_:
            boundary = getattr(self, "_showBoundary", rl_config._unset_)
        _KeptPathRenderer().draw(renderScaledDrawing(self), self.canv, 0, 0, showBoundary=boundary)
