"""A date typed as text (fast from the keyboard), read back in words as it is typed."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from acuchart.dates import (
    DateParseError,
    PartialDate,
    age_on,
    describe_date,
    describe_partial,
    parse_date,
    parse_partial_date,
)


class DateField(QLineEdit):
    """Accepts 1952-03-14, 14.03.1952 or 03/14/1952 (and 2019 or 2019-03 when ``partial``).

    The hint label under it says how the text was read ("14 March 1952 · 74
    years"), so a day/month mix-up is seen before it is saved.
    """

    def __init__(
        self,
        hint: QLabel,
        *,
        partial: bool = False,
        show_age: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._hint = hint
        self._partial = partial
        self._show_age = show_age
        self.setPlaceholderText("YYYY-MM-DD" if not partial else "YYYY-MM-DD, YYYY-MM or YYYY")
        self.textChanged.connect(self._update_hint)

    def set_date(self, value: dt.date | PartialDate | None) -> None:
        self.setText(
            ""
            if value is None
            else str(value)
            if isinstance(value, PartialDate)
            else value.isoformat()
        )

    def full_date(self) -> dt.date | None:
        """The date typed, or None when empty; raises ``DateParseError`` for bad text."""
        text = self.text().strip()
        return parse_date(text) if text else None

    def partial_date(self) -> PartialDate | None:
        text = self.text().strip()
        return parse_partial_date(text) if text else None

    def _update_hint(self) -> None:
        try:
            if self._partial:
                partial = self.partial_date()
                words = describe_partial(partial) if partial else ""
            else:
                value = self.full_date()
                words = describe_date(value) if value else ""
                if value and self._show_age and value <= dt.date.today():
                    words += f"  ·  {age_on(value, dt.date.today())} years"
        except DateParseError:
            words = ""
        self._hint.setText(words)
