"""Explain a missing desktop library before Qt aborts with a cryptic message.

On a fresh Debian or Ubuntu, Qt's xcb platform plugin needs libraries that are
often not installed; Qt then prints a long plugin error and aborts. We load
each library first and, if one is missing, print the exact install line.
"""

from __future__ import annotations

import ctypes
import os
import sys

# Library file -> Debian/Ubuntu package that provides it.
QT_BASE_LIBRARIES = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
}
QT_XCB_LIBRARIES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-randr.so.0": "libxcb-randr0",
}


def _loads(library: str) -> bool:
    try:
        ctypes.CDLL(library)
    except OSError:
        return False
    return True


def missing_packages(libraries: dict[str, str]) -> list[str]:
    return [package for library, package in libraries.items() if not _loads(library)]


def platform_problem(environ: dict[str, str] | None = None) -> str | None:
    """A message saying what to install or set, or None when Qt can start here."""
    if not sys.platform.startswith("linux"):
        return None
    env = dict(os.environ) if environ is None else environ
    platform = env.get("QT_QPA_PLATFORM", "")
    libraries = dict(QT_BASE_LIBRARIES)
    uses_xcb = platform.startswith("xcb") or (
        not platform and env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY")
    )
    if not platform and not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        return (
            "AcuChart needs a desktop session, but no display was found (DISPLAY and "
            "WAYLAND_DISPLAY are unset).\nTo run it without a screen use "
            "`xvfb-run acuchart`, or QT_QPA_PLATFORM=offscreen for tests."
        )
    if uses_xcb:
        libraries.update(QT_XCB_LIBRARIES)
    missing = missing_packages(libraries)
    if not missing:
        return None
    return (
        "AcuChart's window toolkit (Qt) needs system libraries that are missing here.\n"
        "Install them with:\n\n"
        f"    sudo apt-get install {' '.join(missing)}\n"
    )
