"""Spare Qt for Python's source scan of modules that cannot use it.

Once PySide6 is imported, its import hook reads the whole source of every module
imported after it (``inspect.getsource``) to see whether the text says "PySide6":
only such a module may switch on PySide's ``__feature__`` options (snake_case
names, true properties). Opening a chart imports SQLAlchemy and the app's own
domain and database modules, some three hundred files, after the window is up: the
scan adds about 50 ms to every start and keeps their text in memory.

``skip_scan_of_qt_free_modules`` answers for the packages that never import Qt,
and for AcuChart's modules outside ``acuchart.ui`` (the domain layer is Qt-free by
rule; ``tests/unit/test_feature_scan.py`` checks that it is), with the answer the
scan would give: "does not use PySide". Any other module is scanned as before.
Should a later PySide6 rename the hook, nothing is changed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

# Packages AcuChart imports after the window is up that never import Qt.
QT_FREE_PACKAGES = frozenset(
    {
        "alembic",
        "argon2",
        "cryptography",
        "mako",
        "numpy",
        "pypdf",
        "reportlab",
        "shapely",
        "sqlalchemy",
        "sqlcipher3",
        "typing_extensions",
    }
)
_HOOK_MODULE = "PySide6.support.feature"
_HOOK = "_mod_uses_pyside"


def is_qt_free(name: str) -> bool:
    """A module known not to use PySide without reading it."""
    package = name.partition(".")[0]
    if package == "acuchart":
        return name != "acuchart.ui" and not name.startswith("acuchart.ui.")
    return package in QT_FREE_PACKAGES


def skip_scan_of_qt_free_modules() -> bool:
    """Answer PySide's scan for Qt-free modules without reading them; True when in place."""
    feature = sys.modules.get(_HOOK_MODULE)
    scan: Callable[[ModuleType], bool] | None = getattr(feature, _HOOK, None)
    if feature is None or scan is None or getattr(scan, "skips_qt_free", False):
        return feature is not None and scan is not None

    def uses_pyside(module: ModuleType) -> bool:
        if is_qt_free(getattr(module, "__name__", "")):
            return False
        return scan(module)

    uses_pyside.skips_qt_free = True  # type: ignore[attr-defined]
    setattr(feature, _HOOK, uses_pyside)
    return True
