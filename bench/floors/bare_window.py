"""Floor: a bare PySide6 main window with a few widgets, timed to its first paint.

With ``--orm DATABASE`` it also imports SQLAlchemy's ORM and runs one query
before showing the list, as the app must before its patient list is ready.
Writes the same probe lines as AcuChart's startup probe, then ends.
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from acuchart.ui.startup_probe import PROBE_ENV, write_moment


def main() -> int:
    path = os.environ[PROBE_ENV]
    database = sys.argv[2] if len(sys.argv) > 2 and sys.argv[1] == "--orm" else ""
    app = QApplication(sys.argv)
    window = QMainWindow()
    central = QWidget()
    left = QVBoxLayout()
    search = QLineEdit()
    names = QListWidget()
    left.addWidget(search)
    left.addWidget(names)
    layout = QHBoxLayout(central)
    layout.addLayout(left)
    layout.addWidget(QTextEdit())
    window.setCentralWidget(central)
    window.resize(1280, 800)

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and watched is names.viewport():
                write_moment(path, "ready" if database else "painted")
                QTimer.singleShot(0, lambda: os._exit(0))
            return False

    probe = FirstPaint()
    app.installEventFilter(probe)
    if database:
        from sqlalchemy import create_engine, text
        from sqlalchemy.orm import Session

        with Session(create_engine(f"sqlite:///{database}")) as session:
            rows = session.execute(
                text("SELECT family_name FROM patients ORDER BY name_sort_key LIMIT 100")
            ).all()
        names.addItems([row[0] for row in rows])
    window.show()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
