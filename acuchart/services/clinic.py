"""Clinic-wide settings stored with the chart."""

from __future__ import annotations

from acuchart.db.database import Database
from acuchart.db.models import ClinicSetting

CLINIC_NAME = "clinic_name"


def get_setting(database: Database, key: str, default: str = "") -> str:
    with database.reading() as session:
        setting = session.get(ClinicSetting, key)
        return setting.value if setting else default


def set_setting(database: Database, key: str, value: str) -> None:
    with database.unit_of_work() as session:
        session.merge(ClinicSetting(key=key, value=value))
