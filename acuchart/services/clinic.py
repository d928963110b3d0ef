"""Clinic-wide settings stored with the chart."""

from __future__ import annotations

import base64

from sqlalchemy import select

from acuchart.clinic import ClinicProfile, PaperSize, validate_clinic
from acuchart.db.database import Database
from acuchart.db.models import ClinicSetting

CLINIC_NAME = "clinic_name"
AUTO_LOCK_MINUTES = "auto_lock_minutes"  # read and set through acuchart.services.accounts
DEMO_MARKER = "demo_filled"  # set by acuchart demo (acuchart.services.demo)


def get_setting(database: Database, key: str, default: str = "") -> str:
    # A plain statement on a connection: read at every start, before anything else needs
    # the ORM's machinery.
    settings = ClinicSetting.__table__.c
    with database.engine.connect() as connection:
        value = connection.execute(
            select(settings.value).where(settings.key == key)
        ).scalar_one_or_none()
    return default if value is None else str(value)


def set_setting(database: Database, key: str, value: str) -> None:
    """Store one clinic-wide setting; the change is in the audit log (key, not value)."""
    from acuchart.audit import AuditAction
    from acuchart.services.audit import record

    with database.unit_of_work() as session:
        session.merge(ClinicSetting(key=key, value=value))
        record(session, AuditAction.SETTING_CHANGE, object=f"setting {key}")


_PROFILE_KEYS = {
    "name": CLINIC_NAME,
    "address": "clinic_address",
    "phone": "clinic_phone",
    "email": "clinic_email",
    "practitioners": "clinic_practitioners",
    "paper": "clinic_paper",
    "logo_png": "clinic_logo_png",
}


def load_clinic_profile(database: Database) -> ClinicProfile:
    fields = {key: field for field, key in _PROFILE_KEYS.items()}
    with database.reading() as session:
        stored = session.execute(
            select(ClinicSetting.key, ClinicSetting.value).where(ClinicSetting.key.in_(fields))
        )
        values = {fields[key]: value for key, value in stored}
    logo = values.pop("logo_png", "")
    paper = values.pop("paper", PaperSize.LETTER.value)
    return ClinicProfile(
        **values,
        paper=PaperSize(paper) if paper in set(PaperSize) else PaperSize.LETTER,
        logo_png=base64.b64decode(logo) if logo else None,
    )


def save_clinic_profile(database: Database, profile: ClinicProfile) -> ClinicProfile:
    """Validate and store every clinic detail in one transaction."""
    profile = validate_clinic(profile)
    values = {
        "name": profile.name,
        "address": profile.address,
        "phone": profile.phone,
        "email": profile.email,
        "practitioners": profile.practitioners,
        "paper": profile.paper.value,
        "logo_png": base64.b64encode(profile.logo_png).decode() if profile.logo_png else "",
    }
    from acuchart.audit import AuditAction
    from acuchart.services.audit import record

    with database.unit_of_work() as session:
        changed = []
        for field, value in values.items():
            stored = session.get(ClinicSetting, _PROFILE_KEYS[field])
            if stored is None or stored.value != value:
                changed.append(field)
            session.merge(ClinicSetting(key=_PROFILE_KEYS[field], value=value))
        if changed:
            record(
                session,
                AuditAction.SETTING_CHANGE,
                object="clinic details",
                detail="changed: " + ", ".join(changed),
            )
    return profile


def is_demo_chart(database: Database) -> bool:
    """True for a chart filled by ``acuchart demo`` (not a clinic's own records)."""
    return bool(get_setting(database, DEMO_MARKER))
