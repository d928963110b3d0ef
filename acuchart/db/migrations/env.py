"""Alembic environment: run by every upgrade, by ``alembic check`` and by new revisions."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import Connection, make_url

from acuchart.db import sqlite
from acuchart.db.models import Base

config = context.config


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Leave FTS5's own tables out of comparisons: they are made by raw SQL on SQLite only."""
    return not (type_ == "table" and name is not None and sqlite.is_fts_shadow_table(name))


def run_migrations(connection: Connection) -> None:
    is_sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=is_sqlite,
        include_name=include_name,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
        if is_sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"migration left rows with missing parents: {broken[:5]}")


def main() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    # Developer use from the command line: `alembic revision --autogenerate -m "..."`.
    from acuchart.db.database import create_database_engine

    engine = create_database_engine(make_url(config.get_main_option("sqlalchemy.url") or ""))
    with engine.connect() as fresh_connection:
        run_migrations(fresh_connection)


main()
