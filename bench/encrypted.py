"""Encryption at rest: the same search and save on an encrypted copy of the big database.

The copy is made once (SQLCipher's export, through the app's ``encrypt_existing``)
and cached beside the plain file with its key file; both are opened with the app's
own ``open_database``, so the figure is what a practitioner feels.
"""

from __future__ import annotations

import shutil
from functools import partial
from pathlib import Path
from typing import Any

from acuchart.db.database import Database, open_database
from acuchart.locations import keystore_path
from bench.measure import Figure, summed_medians
from bench.queries import (
    NAME_PREFIXES,
    raw_connection,
    remove_scratch_visit,
    save_functions,
    scratch_visit,
)

OWNER = "bench"
PASSWORD = "bench password, not secret"  # the benchmark's own throwaway chart


def encrypted_copy(plain: Path) -> tuple[Path, bytes]:
    from acuchart.keystore import create_keystore, unlock

    path = plain.with_name(plain.stem + "-encrypted.db")
    if path.exists() and keystore_path(path).exists():
        return path, unlock(path, OWNER, PASSWORD)
    from acuchart.db.encryption import encrypt_existing

    print(f"Encrypting a copy of {plain.name} (once) …", flush=True)
    for leftover in (path, keystore_path(path)):
        leftover.unlink(missing_ok=True)
    work = plain.with_name(plain.stem + "-encrypting.db")
    keystore_path(work).unlink(missing_ok=True)
    shutil.copyfile(plain, work)
    key, _recovery = create_keystore(work, OWNER, PASSWORD)
    encrypt_existing(work, key, keep_plain_copy=False)
    keystore_path(work).rename(keystore_path(path))
    work.rename(path)
    return path, key


def encryption_figures(plain_database: Database, plain_path: Path, runs: int) -> list[Figure]:
    from acuchart.patient_search import PatientQuery
    from acuchart.services.patients import search_patients

    path, key = encrypted_copy(plain_path)
    encrypted = open_database(str(path), key=key)
    plain_raw: Any = raw_connection(plain_path)
    encrypted_raw: Any = raw_connection(path, key)
    try:

        def search(database: Database) -> None:
            for text in NAME_PREFIXES:
                search_patients(database, PatientQuery(text=text))

        search_ms, plain_search_ms = summed_medians(
            [(partial(search, encrypted), partial(search, plain_database))], runs
        )
        plain_visit = scratch_visit(plain_database, plain_raw)
        encrypted_visit = scratch_visit(encrypted, encrypted_raw)
        try:
            plain_save, _ = save_functions(plain_database, plain_raw, plain_visit)
            encrypted_save, _ = save_functions(encrypted, encrypted_raw, encrypted_visit)
            save_ms, plain_save_ms = summed_medians([(encrypted_save, plain_save)], runs)
        finally:
            remove_scratch_visit(plain_raw, plain_visit)
            remove_scratch_visit(encrypted_raw, encrypted_visit)
    finally:
        encrypted.close()
        plain_raw.close()
        encrypted_raw.close()
    return [
        Figure(
            "encrypted database: patient search",
            search_ms / len(NAME_PREFIXES),
            plain_search_ms / len(NAME_PREFIXES),
            1.3,
            floor_name="the same search, unencrypted",
        ),
        Figure(
            "encrypted database: save a note",
            save_ms,
            plain_save_ms,
            1.3,
            floor_name="the same save, unencrypted",
        ),
    ]
