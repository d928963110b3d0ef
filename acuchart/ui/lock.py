"""Auto-lock: notice when nobody has touched the app, and the screen that hides the chart.

``IdleWatcher`` watches the whole application's key, mouse and wheel events
(an event filter that only notes the time) and a slow timer compares that
time with the owner's auto-lock setting. ``LockScreen`` is the page shown in
place of the chart until the signed-in account's password is typed again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from acuchart.ui.login import Clock, ThrottledButton, error_text, heading, password_field, wrapped
from acuchart.ui.naming import named
from acuchart.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from acuchart.accounts import Account, LoginThrottle

CHECK_INTERVAL_MS = 5_000
CARD_WIDTH = 520
ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


def hide_windows_over(main: QWidget) -> list[QWidget]:
    """Hide every other window of the app (forms, messages, popups) while it is locked;
    returns the dialogs to show again on unlock.

    A question waiting in its own event loop (``exec``, application-modal) ends as
    "no" when hidden, so it is not shown again: its caller has moved on.
    """
    kept: list[QWidget] = []
    for widget in QApplication.topLevelWidgets():
        if widget is main or not widget.isVisible():
            continue
        if isinstance(widget, QDialog) and (
            widget.windowModality() != Qt.WindowModality.ApplicationModal
        ):
            kept.append(widget)
        widget.hide()
    return kept


def show_again(widgets: list[QWidget]) -> None:
    """After unlock: the forms and messages hidden by the lock, unless closed meanwhile."""
    import shiboken6

    for widget in widgets:
        if shiboken6.isValid(widget):
            widget.show()


class IdleWatcher(QObject):
    """Emits ``idle`` once the application has had no key, mouse or wheel input for
    ``minutes``; then stays quiet until ``resume``."""

    idle = Signal()

    def __init__(
        self, minutes: int, *, clock: Clock = time.monotonic, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.minutes = minutes
        self.clock = clock
        self.last_activity = clock()
        self.paused = False
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_INTERVAL_MS)
        self.timer.timeout.connect(self.timeout)
        self._installed_on: QCoreApplication | None = None

    def start(self) -> None:
        app = QCoreApplication.instance()
        if app is not None and self._installed_on is None:
            app.installEventFilter(self)
            self._installed_on = app
        self.resume()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        if self._installed_on is not None:
            self._installed_on.removeEventFilter(self)
            self._installed_on = None

    def pause(self) -> None:
        self.paused = True

    def resume(self) -> None:
        self.paused = False
        self.last_activity = self.clock()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY:
            self.last_activity = self.clock()
        return False

    def idle_seconds(self) -> float:
        return self.clock() - self.last_activity

    def timeout(self) -> None:
        """The periodic check (tests call it with a moved clock)."""
        if not self.paused and self.idle_seconds() >= self.minutes * 60:
            self.paused = True
            self.idle.emit()


class LockScreen(QWidget):
    """Who the app is locked for, a password field and Unlock: nothing of the chart."""

    unlocked = Signal(object)  # the Account, checked again

    def __init__(
        self,
        account: Account,
        check: Callable[[str], Account],
        tasks: TaskRunner,
        throttle: LoginThrottle,
        *,
        clock: Clock = time.monotonic,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.account, self.check, self.tasks = account, check, tasks

        self.title = heading(self.tr(f"AcuChart is locked — {account.display_name}"), "lockTitle")
        self.title.setWordWrap(True)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint = wrapped(
            self.tr("Enter your password to go on. Your drafts are kept as they were."),
            "lockHint",
            "fieldHint",
        )
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.password = password_field("unlockPassword")
        self.message = wrapped("", "unlockMessage", "fieldError")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.hide()
        self.unlock_button = named(QPushButton(self.tr("Unlock")), "unlockButton")
        self.unlock_button.setDefault(True)
        self.gate = ThrottledButton(self.unlock_button, throttle, lambda: account.login, clock)

        card = named(QFrame(), "lockCard")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setFixedWidth(CARD_WIDTH)
        card.setStyleSheet(
            "QFrame#lockCard { background: #ffffff; border: 1px solid #d5dcdd; "
            "border-radius: 10px; }"
        )
        inner = QVBoxLayout(card)
        inner.setContentsMargins(32, 28, 32, 28)
        inner.setSpacing(14)
        inner.addWidget(self.title)
        inner.addWidget(hint)
        inner.addWidget(self.password)
        inner.addWidget(self.message)
        inner.addWidget(self.unlock_button, 0, Qt.AlignmentFlag.AlignRight)
        # Stretches, not alignment flags: an aligned item gets no height for its wrapped text.
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addLayout(row)
        layout.addStretch(3)

        self.unlock_button.clicked.connect(self.submit)
        self.password.returnPressed.connect(self.submit)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def submit(self) -> None:
        password = self.password.text()
        if self.gate.busy or self.gate.wait_seconds() > 0:
            return
        if not password:
            self._refuse(self.tr("Enter your password."))
            return
        self.message.hide()
        self.gate.set_busy(True)
        check = self.check
        self.tasks.run(lambda: check(password), self._done, self._failed)

    def _done(self, account: Account) -> None:
        self.gate.set_busy(False)
        self.gate.succeeded()
        self.password.clear()
        self.message.hide()
        self.unlocked.emit(account)

    def _failed(self, error: BaseException) -> None:
        from acuchart.keystore import WrongPasswordError

        self.gate.set_busy(False)
        if isinstance(error, WrongPasswordError):
            self.gate.failed()
        self._refuse(error_text(error))

    def _refuse(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
        self.password.clear()
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)
