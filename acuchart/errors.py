"""Errors a service raises for the user to read: what happened and what to do."""

from __future__ import annotations


class ChartError(Exception):
    """A request the chart refuses; the message is shown to the user as it is."""


class RecordNotFoundError(ChartError):
    """The record was removed or never existed (another workstation may have changed it)."""


class PatientArchivedError(ChartError):
    """Archived patients are read-only until restored."""


class ChangedElsewhereError(ChartError):
    """Someone saved the record after it was opened here; saving now would undo their work."""


class PatientHasVisitsError(ChartError):
    """Clinical records are kept: a patient with visits can be archived, not deleted."""


class VisitSignedError(ChartError):
    """A signed visit is locked: its note and body map change only through addenda."""


class EditConflictError(ChartError):
    """The record was saved from another window or workstation after this copy was loaded."""
