"""The key file beside an encrypted database: who may open it, and how.

Envelope encryption: the database is encrypted with one random 256-bit data
key (SQLCipher's raw key). That key is stored only wrapped (AES-256-GCM) in a
small JSON file next to the database, ``<database>.keys``: once per account,
under a key derived from the account's password with Argon2id, and once under
a key derived from the recovery key shown at set-up. Changing a password
rewraps the data key; the database itself is not rewritten.

Plain Python for a worker thread or a command: no Qt, no SQLAlchemy, nothing
printed. Refusals are ``ChartError`` subclasses with a message for the user.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import json
import os
import secrets
import tempfile
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from acuchart.errors import ChartError
from acuchart.locations import keystore_path

FORMAT = "acuchart-keystore"
VERSION = 1
DATA_KEY_BYTES = 32
SALT_BYTES = 16
NONCE_BYTES = 12
MIN_PASSWORD_LENGTH = 10
MAX_NAME_LENGTH = 100
RECOVERY_KEY_BYTES = 25  # 200 bits: exactly 40 base32 characters, shown as 8 groups of 5
RECOVERY_GROUP = 5
ACCOUNT, RECOVERY = "account", "recovery"
_RECOVERY_INFO = b"acuchart recovery key wrapping v1"
_KEY_CHECK_INFO = b"acuchart key check v1"

WRONG_LOGIN = "The name or password is not right."
WRONG_RECOVERY = "This recovery key does not open the chart. Check it group by group."


class WrongPasswordError(ChartError):
    """The password, recovery key or key does not open the chart (never says which part)."""


class PasswordPolicyError(ChartError):
    """A new password or account name is refused before anything is written."""


class KeystoreError(ChartError):
    """The key file is missing, damaged, already there, or refuses the change."""


@dataclass(frozen=True)
class Argon2Parameters:
    """Argon2id cost: about 0.3 s and 128 MiB per password on a 2020s desktop."""

    time_cost: int = 3
    memory_cost_kib: int = 128 * 1024
    parallelism: int = 2


DEFAULT_ARGON2 = Argon2Parameters()


def has_keystore(db_path: Path) -> bool:
    """True when the database has a key file beside it (so it is, or will be, encrypted)."""
    return keystore_path(db_path).is_file()


def check_password(password: str) -> None:
    """Raise ``PasswordPolicyError`` unless the password is acceptable for a chart of PHI."""
    normalized = unicodedata.normalize("NFC", password)
    if len(normalized) < MIN_PASSWORD_LENGTH:
        raise PasswordPolicyError(
            f"The password needs at least {MIN_PASSWORD_LENGTH} characters "
            f"(it has {len(normalized)}). A few unrelated words make a good one."
        )
    if not normalized.strip():
        raise PasswordPolicyError("The password cannot be only spaces.")


def check_account_name(name: str) -> str:
    """The name as it will be stored (trimmed, NFC); ``PasswordPolicyError`` if unusable."""
    cleaned = unicodedata.normalize("NFC", name).strip()
    if not cleaned:
        raise PasswordPolicyError("Enter a name for the account.")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise PasswordPolicyError(f"The account name is longer than {MAX_NAME_LENGTH} characters.")
    if any(unicodedata.category(character).startswith("C") for character in cleaned):
        raise PasswordPolicyError("The account name cannot contain control characters.")
    return cleaned


def create_keystore(
    db_path: Path, owner_name: str, password: str, *, argon2: Argon2Parameters = DEFAULT_ARGON2
) -> tuple[bytes, str]:
    """Make a new data key and the key file holding it; returns (data key, recovery key).

    The recovery key is shown once, to be printed or written down; it is not
    kept anywhere. Refuses to replace an existing key file.
    """
    name = check_account_name(owner_name)
    check_password(password)
    path = keystore_path(db_path)
    if path.exists():
        raise KeystoreError(f"The key file “{path}” already exists; it was left as it was.")
    data_key = secrets.token_bytes(DATA_KEY_BYTES)
    recovery = secrets.token_bytes(RECOVERY_KEY_BYTES)
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "cipher": "aes-256-gcm",
        "key_check": _b64(_key_check(data_key)),
        "wrappers": [
            _account_wrapper(data_key, name, password, argon2),
            _recovery_wrapper(data_key, recovery),
        ],
    }
    write_document(path, document, replace=False)
    return data_key, format_recovery_key(recovery)


def account_names(db_path: Path) -> list[str]:
    """The accounts that can open the database, in the order they were added."""
    return [w["name"] for w in _load(db_path)["wrappers"] if w["kind"] == ACCOUNT]


def unlock(db_path: Path, name: str, password: str) -> bytes:
    """The data key, if ``password`` is right for account ``name``.

    A wrong password and an unknown name give the same ``WrongPasswordError``
    after the same work, so the message does not reveal which names exist.
    """
    document = _load(db_path)
    wrapper = _find_account(document, name)
    if wrapper is None:
        _derive_password_key(password, secrets.token_bytes(SALT_BYTES), DEFAULT_ARGON2)
        raise WrongPasswordError(WRONG_LOGIN)
    try:
        key = _derive_password_key(password, _unb64(wrapper["salt"]), _argon2_of(wrapper))
        return _unwrap(document, wrapper, key)
    except WrongPasswordError:
        raise WrongPasswordError(WRONG_LOGIN) from None


def add_account(
    db_path: Path,
    data_key: bytes,
    name: str,
    password: str,
    *,
    argon2: Argon2Parameters = DEFAULT_ARGON2,
) -> None:
    """Let another account open the database (the caller has unlocked it already)."""
    cleaned = check_account_name(name)
    check_password(password)
    document = _load(db_path)
    _check_data_key(document, data_key)
    if _find_account(document, cleaned) is not None:
        raise KeystoreError(f"An account named “{cleaned}” already exists.")
    document["wrappers"].append(_account_wrapper(data_key, cleaned, password, argon2))
    write_document(keystore_path(db_path), document)


def change_password(
    db_path: Path,
    name: str,
    old_password: str,
    new_password: str,
    *,
    argon2: Argon2Parameters = DEFAULT_ARGON2,
) -> None:
    """Rewrap the data key under a new password; the old one stops working at once."""
    check_password(new_password)
    data_key = unlock(db_path, name, old_password)
    _set_account_password(db_path, data_key, name, new_password, argon2)


def reset_with_recovery(
    db_path: Path,
    recovery_key: str,
    name: str,
    new_password: str,
    *,
    argon2: Argon2Parameters = DEFAULT_ARGON2,
) -> bytes:
    """Set a new password for ``name`` (adding the account if it is not there) with the
    recovery key; returns the data key. The recovery key itself stays valid."""
    check_password(new_password)
    cleaned = check_account_name(name)
    recovery = parse_recovery_key(recovery_key)
    document = _load(db_path)
    wrappers = [w for w in document["wrappers"] if w["kind"] == RECOVERY]
    if not wrappers:
        raise KeystoreError("This chart has no recovery key.")
    try:
        data_key = _unwrap(document, wrappers[0], _derive_recovery_key(recovery, wrappers[0]))
    except WrongPasswordError:
        raise WrongPasswordError(WRONG_RECOVERY) from None
    _set_account_password(db_path, data_key, cleaned, new_password, argon2)
    return data_key


def format_recovery_key(raw: bytes) -> str:
    """``K7Q2M-…``: 8 groups of 5 base32 characters (letters A–Z and digits 2–7)."""
    text = base64.b32encode(raw).decode("ascii").rstrip("=")
    return "-".join(text[i : i + RECOVERY_GROUP] for i in range(0, len(text), RECOVERY_GROUP))


def parse_recovery_key(text: str) -> bytes:
    """Read a recovery key as typed: any case, spaces or dashes, 0/1/8 taken for O/I/B."""
    compact = "".join(character for character in text.upper() if character not in " -\t\n")
    compact = compact.translate(str.maketrans("018", "OIB"))
    expected = RECOVERY_KEY_BYTES * 8 // 5
    if len(compact) != expected:
        raise WrongPasswordError(
            f"A recovery key has {expected} letters and digits in 8 groups of 5; "
            f"this one has {len(compact)}."
        )
    try:
        return base64.b32decode(compact)
    except binascii.Error:
        raise WrongPasswordError(
            "A recovery key has only the letters A–Z and the digits 2–7."
        ) from None


def _set_account_password(
    db_path: Path, data_key: bytes, name: str, password: str, argon2: Argon2Parameters
) -> None:
    document = _load(db_path)
    _check_data_key(document, data_key)
    existing = _find_account(document, name)
    stored_name = existing["name"] if existing is not None else check_account_name(name)
    replacement = _account_wrapper(data_key, stored_name, password, argon2)
    wrappers = document["wrappers"]
    if existing is None:
        wrappers.append(replacement)
    else:
        wrappers[wrappers.index(existing)] = replacement
    write_document(keystore_path(db_path), document)


def _account_wrapper(
    data_key: bytes, name: str, password: str, argon2: Argon2Parameters
) -> dict[str, Any]:
    salt = secrets.token_bytes(SALT_BYTES)
    wrapper: dict[str, Any] = {
        "kind": ACCOUNT,
        "name": name,
        "kdf": {"name": "argon2id", **asdict(argon2)},
        "salt": _b64(salt),
    }
    return _wrap(wrapper, data_key, _derive_password_key(password, salt, argon2))


def _recovery_wrapper(data_key: bytes, recovery: bytes) -> dict[str, Any]:
    # The recovery key is 200 random bits: a fast KDF is enough, no password stretching.
    wrapper: dict[str, Any] = {
        "kind": RECOVERY,
        "name": RECOVERY,
        "kdf": {"name": "hkdf-sha256"},
        "salt": _b64(secrets.token_bytes(SALT_BYTES)),
    }
    return _wrap(wrapper, data_key, _derive_recovery_key(recovery, wrapper))


# argon2 and cryptography are imported where keys are made or opened: a chart without a
# key file (the demo) starts without loading them.


def _wrap(wrapper: dict[str, Any], data_key: bytes, wrapping_key: bytes) -> dict[str, Any]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = secrets.token_bytes(NONCE_BYTES)
    wrapped = AESGCM(wrapping_key).encrypt(nonce, data_key, _associated_data(wrapper))
    return {**wrapper, "nonce": _b64(nonce), "wrapped": _b64(wrapped)}


def _unwrap(document: dict[str, Any], wrapper: dict[str, Any], wrapping_key: bytes) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        data_key = AESGCM(wrapping_key).decrypt(
            _unb64(wrapper["nonce"]), _unb64(wrapper["wrapped"]), _associated_data(wrapper)
        )
    except InvalidTag:
        raise WrongPasswordError(WRONG_LOGIN) from None
    _check_data_key(document, data_key)
    return data_key


def _associated_data(wrapper: dict[str, Any]) -> bytes:
    """Binds each wrapped key to its kind and name: moving it to another account fails."""
    return f"{FORMAT}/{VERSION}\x00{wrapper['kind']}\x00{wrapper['name']}".encode()


def _derive_password_key(password: str, salt: bytes, argon2: Argon2Parameters) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    # NFC: the same password typed on macOS (decomposed accents) or Windows gives one key.
    return hash_secret_raw(
        unicodedata.normalize("NFC", password).encode("utf-8"),
        salt,
        time_cost=argon2.time_cost,
        memory_cost=argon2.memory_cost_kib,
        parallelism=argon2.parallelism,
        hash_len=32,
        type=Type.ID,
    )


def _derive_recovery_key(recovery: bytes, wrapper: dict[str, Any]) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    hkdf = HKDF(hashes.SHA256(), length=32, salt=_unb64(wrapper["salt"]), info=_RECOVERY_INFO)
    return hkdf.derive(recovery)


def _key_check(data_key: bytes) -> bytes:
    """A fingerprint of the data key (reveals nothing about it) to catch a mismatched file."""
    return hmac.new(data_key, _KEY_CHECK_INFO, hashlib.sha256).digest()[:16]


def _check_data_key(document: dict[str, Any], data_key: bytes) -> None:
    if not hmac.compare_digest(_key_check(data_key), _unb64(document["key_check"])):
        raise WrongPasswordError("This key does not belong to this chart.")


def _argon2_of(wrapper: dict[str, Any]) -> Argon2Parameters:
    kdf = wrapper["kdf"]
    return Argon2Parameters(
        time_cost=int(kdf["time_cost"]),
        memory_cost_kib=int(kdf["memory_cost_kib"]),
        parallelism=int(kdf["parallelism"]),
    )


def _find_account(document: dict[str, Any], name: str) -> dict[str, Any] | None:
    wanted = unicodedata.normalize("NFC", name).strip().casefold()
    for wrapper in document["wrappers"]:
        if wrapper["kind"] == ACCOUNT and wrapper["name"].casefold() == wanted:
            return dict(wrapper)
    return None


def _load(db_path: Path) -> dict[str, Any]:
    path = keystore_path(db_path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KeystoreError(
            f"The key file “{path}” is missing. Without it the encrypted database cannot "
            "be opened: put it back from a backup (it is small and stays beside the database)."
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise KeystoreError(f"The key file “{path}” cannot be read ({error}).") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise KeystoreError(f"“{path}” is not an AcuChart key file.")
    if document.get("version") != VERSION:
        raise KeystoreError(
            f"The key file “{path}” was made by a newer version of AcuChart; update AcuChart."
        )
    if not _well_formed(document):
        raise KeystoreError(f"The key file “{path}” is damaged; put it back from a backup.")
    return document


def _well_formed(document: dict[str, Any]) -> bool:
    wrappers = document.get("wrappers")
    if not isinstance(wrappers, list) or not isinstance(document.get("key_check"), str):
        return False
    fields = ("kind", "name", "salt", "nonce", "wrapped")
    try:
        for wrapper in wrappers:
            if not all(isinstance(wrapper.get(field), str) for field in fields):
                return False
            for field in ("salt", "nonce", "wrapped"):
                _unb64(wrapper[field])
            if wrapper["kind"] == ACCOUNT:
                _argon2_of(wrapper)
        _unb64(document["key_check"])
    except (AttributeError, KeyError, TypeError, ValueError):
        return False
    return True


def write_document(path: Path, document: dict[str, Any], *, replace: bool = True) -> None:
    """Write a JSON document whole or not at all: temp file, fsync, rename over, the folder
    synced; readable by the owner only (mode 0600). The key file and the audit anchor."""
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temp = Path(temp_name)
    try:
        os.chmod(temp, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        if replace:
            os.replace(temp, path)
        else:
            _publish_new(temp, path)
    except FileExistsError:
        temp.unlink(missing_ok=True)
        raise KeystoreError(
            f"The key file “{path}” already exists; it was left as it was."
        ) from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _publish_new(temp: Path, path: Path) -> None:
    """Give the finished temp file its name unless that name exists (even if another
    process made it a moment ago): a hard link never replaces."""
    try:
        os.link(temp, path)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links (FAT): check, then rename
        if path.exists():
            raise FileExistsError(path) from None
        os.replace(temp, path)
        return
    temp.unlink()


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; Windows has no directory handles for this)."""
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        with contextlib.suppress(OSError):
            os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)
