"""The points needled in a visit: type to find (``st36``, ``zusanli``, ``bafeng``), set side and
technique, start from a saved protocol or from the last visit."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from acuchart.notes.model import NeedledPoint, Side, Technique
from acuchart.notes.points import point_library, search_points
from acuchart.ui.naming import named

COLUMNS = ("Point", "Side", "Technique", "Depth")
EDITOR_COLUMNS = (1, 2, 3)  # a widget in every row: side, technique, depth


class PointSearch(QLineEdit):
    """Type a code, pinyin or English name; Enter adds the best match."""

    pointChosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(self.tr("Add a point: st36, zusanli, bafeng, LIV3…  (Enter)"))
        self.matches = QStringListModel(self)
        completer = QCompleter(self.matches, self)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setMaxVisibleItems(12)
        self.setCompleter(completer)
        self.textEdited.connect(self._search)
        completer.activated.connect(self._chosen_title)

    def _search(self, text: str) -> None:
        self.matches.setStringList([point.title for point in search_points(text, limit=15)])

    def _chosen_title(self, title: str) -> None:
        """A suggestion clicked in the list."""
        self._take(title.split(" ", 1)[0])

    def _take(self, code: str) -> None:
        self.pointChosen.emit(code)
        self.clear()
        self.matches.setStringList([])

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            super().keyPressEvent(event)
            return
        # One Enter adds a point, whether or not the suggestion list is open: the highlighted
        # suggestion if there is one, else the best match for the typed text.
        completer = self.completer()
        popup = completer.popup() if completer is not None else None
        code = None
        if popup is not None and popup.isVisible():
            current = popup.currentIndex()
            if current.isValid():
                code = str(current.data()).split(" ", 1)[0]
            popup.hide()
        if code is None:
            found = search_points(self.text(), limit=1)
            code = found[0].code if found else None
        if code is not None:
            self._take(code)
        event.accept()


class PointsEditor(QWidget):
    """A table of needled points with side, technique and depth; Delete removes a row."""

    changed = Signal()
    protocolRequested = Signal(str)  # protocol name
    saveProtocolRequested = Signal()
    copyLastRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = named(PointSearch(), "pointSearch")
        self.table = named(QTableWidget(0, len(COLUMNS)), "pointsTable")
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in EDITOR_COLUMNS:
            # Sized by _fit_columns: ResizeToContents measures before the cell widgets are set,
            # which left rows added while typing with cramped columns.
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Tab leaves the table for the next field of the note; arrow keys move inside it.
        self.table.setTabKeyNavigation(False)
        self._fit_height()
        self._fit_columns()
        self.table.installEventFilter(self)
        # A push button draws its menu arrow beside the text, never over it.
        self.protocols = named(QPushButton(self.tr("Protocol")), "protocolButton")
        self.save_protocol = named(QPushButton(self.tr("Save as protocol…")), "saveProtocol")
        self.copy_last = named(QPushButton(self.tr("Copy last visit")), "copyLastPlan")
        self.copy_last.setToolTip(self.tr("Start from the points and settings of the last visit"))

        row = QHBoxLayout()
        row.addWidget(self.search, 1)
        row.addWidget(self.protocols)
        row.addWidget(self.copy_last)
        row.addWidget(self.save_protocol)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.table)
        self.search.pointChosen.connect(self.add_code)
        self.save_protocol.clicked.connect(self.saveProtocolRequested)
        self.copy_last.clicked.connect(self.copyLastRequested)

    def set_protocol_names(self, names: list[str]) -> None:
        from PySide6.QtWidgets import QMenu

        menu = QMenu(self)
        for name in names:
            action = menu.addAction(name)
            action.triggered.connect(partial(self.protocolRequested.emit, name))
        self.protocols.setMenu(menu)
        self.protocols.setEnabled(bool(names))

    # -- rows -----------------------------------------------------------------------
    def add_code(self, code: str) -> None:
        if code in self.codes():
            self.table.selectRow(self.codes().index(code))
            return
        point = point_library()[code]
        side = Side.MIDLINE if point.is_midline else Side.BOTH
        self._append(NeedledPoint(code, side))
        self.changed.emit()

    def _append(self, point: NeedledPoint) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        info = point_library().get(point.code)
        label = f"{point.code}  {info.pinyin}  {info.chinese}" if info else point.code
        item = QTableWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, point.code)
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        if info:
            item.setToolTip(f"{info.english}: {info.location}")
        self.table.setItem(row, 0, item)
        side = QComboBox()
        for choice in Side:
            side.addItem(choice.value.capitalize(), choice.value)
        side.setCurrentIndex(side.findData(point.side.value))
        technique = QComboBox()
        for method in Technique:
            technique.addItem(method.label, method.value)
        technique.setCurrentIndex(technique.findData(point.technique.value))
        depth = QDoubleSpinBox()
        depth.setRange(0, 100)
        depth.setDecimals(0)
        depth.setSuffix(" mm")
        depth.setSpecialValueText("–")
        depth.setValue(point.depth_mm or 0)
        for cell in (side, technique, depth, depth.lineEdit()):
            cell.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # out of the Tab chain
        for widget in (side, technique):
            widget.currentIndexChanged.connect(lambda _: self.changed.emit())
        depth.valueChanged.connect(lambda _: self.changed.emit())
        self.table.setCellWidget(row, 1, side)
        self.table.setCellWidget(row, 2, technique)
        self.table.setCellWidget(row, 3, depth)
        self._fit_height()
        self._fit_columns()

    def _fit_height(self) -> None:
        """Every row in view: the note scrolls as a whole, the table never on its own."""
        rows = max(3, self.table.rowCount())
        row_height = self.table.verticalHeader().defaultSectionSize()
        header = self.table.horizontalHeader().sizeHint().height()
        self.table.setFixedHeight(header + rows * row_height + 4)

    def _fit_columns(self) -> None:
        """Each editor column as wide as its title and its widest widget, however rows came in."""
        header = self.table.horizontalHeader()
        for column in EDITOR_COLUMNS:
            width = header.sectionSizeHint(column)
            for row in range(self.table.rowCount()):
                cell = self.table.cellWidget(row, column)
                if cell is not None:
                    cell.ensurePolished()
                    width = max(width, cell.sizeHint().width())
            header.resizeSection(column, width + 2)  # and the grid line

    def codes(self) -> list[str]:
        codes = []
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            assert item is not None
            codes.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return codes

    def points(self) -> tuple[NeedledPoint, ...]:
        result = []
        for row, code in enumerate(self.codes()):
            side = self.table.cellWidget(row, 1)
            technique = self.table.cellWidget(row, 2)
            depth = self.table.cellWidget(row, 3)
            assert isinstance(side, QComboBox)
            assert isinstance(technique, QComboBox)
            assert isinstance(depth, QDoubleSpinBox)
            result.append(
                NeedledPoint(
                    code,
                    Side(side.currentData()),
                    Technique(technique.currentData()),
                    depth.value() or None,
                )
            )
        return tuple(result)

    def set_points(self, points: tuple[NeedledPoint, ...]) -> None:
        self.table.setRowCount(0)
        for point in points:
            self._append(point)
        self._fit_height()

    def add_points(self, points: tuple[NeedledPoint, ...]) -> None:
        present = set(self.codes())
        for point in points:
            if point.code not in present:
                self._append(point)
        self.changed.emit()

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        for row in rows:
            self.table.removeRow(row)
        self._fit_height()
        if rows:
            self.changed.emit()

    def eventFilter(self, watched: object, event: object) -> bool:
        if (
            watched is self.table
            and isinstance(event, QKeyEvent)
            and event.type() == QKeyEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Delete
        ):
            self.remove_selected()
            return True
        return False

    def set_read_only(self, read_only: bool) -> None:
        for widget in (self.search, self.protocols, self.save_protocol, self.copy_last):
            widget.setEnabled(not read_only)
        self.table.setEnabled(True)
        for row in range(self.table.rowCount()):
            for column in EDITOR_COLUMNS:
                cell = self.table.cellWidget(row, column)
                if cell is not None:
                    cell.setEnabled(not read_only)
