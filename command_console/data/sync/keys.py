"""This console's signing key, and checking other consoles' signatures (Ed25519).

The private key stays in the data directory (0600), never on the share. Each operation's
hash is signed; the hash covers every other field and the previous operation's hash, so
one good signature at the end of a chained run vouches for the whole run.

Key files are PEM (PKCS#8) through `cryptography`; signing and checking go through
libsodium (PyNaCl), which checks a signature in about half the time of OpenSSL's Ed25519
here (106 against 195 us), and every console checks every other console's ops.
"""

from __future__ import annotations

import base64
import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the libraries are imported when a key is first used
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from nacl.signing import VerifyKey

KEY_FILE = "console.key"
PUBLIC_KEY_FILE = "console.pub"  # in <share>/<console id>/ (segments.PUBLIC_KEY_FILE)
PUBLIC_KEY_MAX_BYTES = 256


class Signer:
    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        from cryptography.hazmat.primitives import serialization
        from nacl.signing import SigningKey

        seed = private_key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        self._key = SigningKey(seed)
        self.public_key = base64.b64encode(bytes(self._key.verify_key)).decode()

    def sign(self, op_hash: str) -> str:
        return base64.b64encode(self._key.sign(op_hash.encode()).signature).decode()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)


def load_or_create(root: Path) -> Signer:
    """The data directory's key, created (0600, never overwritten) on first use."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = root / KEY_FILE
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            return load_or_create(root)
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
            out.flush()
            os.fsync(out.fileno())
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path}: not an Ed25519 key")
    return Signer(key)


def generate() -> tuple[Signer, bytes]:
    """A new key pair: its signer and the private key as PEM, to be written by the caller."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return Signer(key), pem


def fingerprint(public_key: str) -> str:
    """Like ssh-keygen -l: SHA256 of the raw key, base64 without padding."""
    try:
        raw = base64.b64decode(public_key, validate=True)
    except ValueError:
        raw = public_key.encode()
    return "SHA256:" + base64.b64encode(hashlib.sha256(raw).digest()).decode().rstrip("=")


def parse_public_key(text: str) -> str | None:
    """A published key file's content as a base64 Ed25519 key, or None when it is not one."""
    # The hub hands every console's key to every pass: the same few texts, parsed once.
    return _parsed_key(text) if len(text) <= 128 else _parse_key(text)


@lru_cache(maxsize=1024)
def _parsed_key(text: str) -> str | None:
    return _parse_key(text)


def _parse_key(text: str) -> str | None:
    value = text.strip()
    try:
        raw = base64.b64decode(value, validate=True)
    except ValueError:
        return None
    return value if len(raw) == 32 else None


@lru_cache(maxsize=256)
def _public(public_key: str) -> VerifyKey:
    from nacl.signing import VerifyKey

    return VerifyKey(base64.b64decode(public_key))


def signature_ok(public_key: str, op_hash: str, sig: str) -> bool:
    from nacl.exceptions import BadSignatureError

    try:
        _public(public_key).verify(op_hash.encode(), base64.b64decode(sig, validate=True))
    except (BadSignatureError, ValueError, TypeError):
        return False
    return True
