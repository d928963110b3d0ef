"""A small line chart of figures across visits (affected area, extent, later scores).

The chart is drawn once into a pixmap and repainted from it until its data or size
changes: a 200-visit course has hundreds of points, and the chart repaints whenever
anything over it moves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    values: tuple[float | None, ...]
    dashed: bool = False
    join_gaps: bool = False  # a score taken at some visits only still reads as one line


class TrendChart(QWidget):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.x_labels: tuple[str, ...] = ()
        self.series: tuple[Series, ...] = ()
        self.y_max = 100.0
        self.y_ticks: dict[float, str] = {}
        self.setMinimumSize(QSize(320, 170))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._drawn: QPixmap | None = None

    def set_data(
        self,
        x_labels: Sequence[str],
        series: Sequence[Series],
        *,
        y_max: float,
        y_ticks: dict[float, str],
    ) -> None:
        self.x_labels, self.series = tuple(x_labels), tuple(series)
        self.y_max, self.y_ticks = y_max, y_ticks
        self._drawn = None
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._drawn = None
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        ratio = self.devicePixelRatioF()
        if self._drawn is None or self._drawn.devicePixelRatio() != ratio:
            drawn = QPixmap(self.size() * ratio)
            drawn.setDevicePixelRatio(ratio)
            self._draw(drawn)
            self._drawn = drawn
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._drawn)
        painter.end()

    def _draw(self, target: QPixmap) -> None:
        painter = QPainter(target)
        painter.setFont(self.font())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(QColor("#333333"))
        painter.drawText(
            QRectF(8, 4, self.width() - 16, 18), Qt.AlignmentFlag.AlignLeft, self.title
        )
        painter.setFont(self.font())
        legend_x, legend_y = self.width() - 8.0, 32.0
        for series in reversed(self.series):
            width = painter.fontMetrics().horizontalAdvance(series.name) + 30
            legend_x -= width
            pen = QPen(
                QColor(series.colour),
                2.2,
                Qt.PenStyle.DashLine if series.dashed else Qt.PenStyle.SolidLine,
            )
            painter.setPen(pen)
            painter.drawLine(QPointF(legend_x, legend_y - 4), QPointF(legend_x + 20, legend_y - 4))
            painter.setPen(QColor("#333333"))
            painter.drawText(QPointF(legend_x + 24, legend_y), series.name)
        label_w = max(
            (painter.fontMetrics().horizontalAdvance(t) for t in self.y_ticks.values()), default=20
        )
        plot = QRectF(label_w + 14, 46, self.width() - label_w - 26, self.height() - 70)
        if not self.x_labels or plot.width() < 20 or plot.height() < 20:
            painter.setPen(QColor("#777777"))
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, "No visits to chart yet.")
            painter.end()
            return

        def y_of(value: float) -> float:
            return plot.bottom() - plot.height() * min(value, self.y_max) / self.y_max

        def x_of(index: int) -> float:
            if len(self.x_labels) == 1:
                return plot.center().x()
            return plot.left() + plot.width() * index / (len(self.x_labels) - 1)

        for value, text in self.y_ticks.items():
            painter.setPen(QPen(QColor("#e4e4e4"), 1))
            painter.drawLine(QPointF(plot.left(), y_of(value)), QPointF(plot.right(), y_of(value)))
            painter.setPen(QColor("#555555"))
            painter.drawText(
                QRectF(0, y_of(value) - 9, label_w + 8, 18),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                text,
            )
        step = max(1, len(self.x_labels) // max(1, int(plot.width() // 70)))
        for index, text in enumerate(self.x_labels):
            if index % step == 0:
                x = x_of(index)
                align = Qt.AlignmentFlag.AlignHCenter
                box = QRectF(x - 40, plot.bottom() + 4, 80, 18)
                if box.right() > self.width():  # the newest label ends at its point
                    box, align = QRectF(x - 80, box.top(), 80 + 4, 18), Qt.AlignmentFlag.AlignRight
                painter.drawText(box, align, text)
        for series in self.series:
            colour = QColor(series.colour)
            path = QPainterPath()
            started = False
            for index, reading in enumerate(series.values):
                if reading is None:
                    started = started and series.join_gaps
                    continue
                point = QPointF(x_of(index), y_of(reading))
                if started:
                    path.lineTo(point)
                else:
                    path.moveTo(point)
                    started = True
            style = Qt.PenStyle.DashLine if series.dashed else Qt.PenStyle.SolidLine
            painter.setPen(QPen(colour, 2.2, style))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path)
            painter.setBrush(colour)
            painter.setPen(QPen(QColor("white"), 1))
            for index, reading in enumerate(series.values):
                if reading is not None:
                    painter.drawEllipse(QPointF(x_of(index), y_of(reading)), 3.5, 3.5)
        painter.end()
