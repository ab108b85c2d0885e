"""Direct ctypes bindings to the libsodium ristretto255 primitives (private).

pysodium's Python wrappers add about 10 µs per call; on the hot path (scalar
multiplication and point addition) we call the shared library that pysodium already
loaded, with argtypes and restype set once. Nothing outside ``tinnhiem.crypto`` may use
this module.

Each function takes and returns 32-byte ``bytes`` encodings. Inputs are assumed to be
valid encodings (the ``Point`` type guarantees it); results of libsodium operations on
valid inputs are valid by construction.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterable

import pysodium

__all__ = [
    "add",
    "from_hash",
    "is_canonical_field",
    "is_valid_point",
    "scalar_random",
    "scalarmult",
    "scalarmult_base",
    "sub",
    "sum_of_products",
]

_lib = pysodium.sodium
_BUF = ctypes.c_char * 32
_P = ctypes.c_char_p

_lib.crypto_scalarmult_ristretto255.argtypes = (ctypes.c_void_p, _P, _P)
_lib.crypto_scalarmult_ristretto255.restype = ctypes.c_int
_lib.crypto_scalarmult_ristretto255_base.argtypes = (ctypes.c_void_p, _P)
_lib.crypto_scalarmult_ristretto255_base.restype = ctypes.c_int
_lib.crypto_core_ristretto255_add.argtypes = (ctypes.c_void_p, _P, _P)
_lib.crypto_core_ristretto255_add.restype = ctypes.c_int
_lib.crypto_core_ristretto255_sub.argtypes = (ctypes.c_void_p, _P, _P)
_lib.crypto_core_ristretto255_sub.restype = ctypes.c_int
_lib.crypto_core_ristretto255_is_valid_point.argtypes = (_P,)
_lib.crypto_core_ristretto255_is_valid_point.restype = ctypes.c_int
_lib.crypto_core_ristretto255_from_hash.argtypes = (ctypes.c_void_p, _P)
_lib.crypto_core_ristretto255_from_hash.restype = ctypes.c_int
_lib.crypto_core_ristretto255_scalar_random.argtypes = (ctypes.c_void_p,)
_lib.crypto_core_ristretto255_scalar_random.restype = None

_scalarmult = _lib.crypto_scalarmult_ristretto255
_scalarmult_base = _lib.crypto_scalarmult_ristretto255_base
_add = _lib.crypto_core_ristretto255_add
_sub = _lib.crypto_core_ristretto255_sub
_is_valid = _lib.crypto_core_ristretto255_is_valid_point
_from_hash = _lib.crypto_core_ristretto255_from_hash
_scalar_random = _lib.crypto_core_ristretto255_scalar_random

# ctypes releases the GIL during a call, so an output buffer shared between threads
# could be overwritten; each thread gets its own reusable buffer.
_local = threading.local()


def _buf() -> ctypes.Array[ctypes.c_char]:
    try:
        return _local.buf  # type: ignore[no-any-return]
    except AttributeError:
        buf = _BUF()
        _local.buf = buf
        return buf


def scalarmult(n: bytes, p: bytes) -> bytes:
    """``n·P``; libsodium returns -1 when the result is the identity (all-zero output)."""
    out = _buf()
    _scalarmult(out, n, p)
    return out.raw


def scalarmult_base(n: bytes) -> bytes:
    """``n·G`` with libsodium's precomputed table for the generator."""
    out = _buf()
    _scalarmult_base(out, n)
    return out.raw


def add(p: bytes, q: bytes) -> bytes:
    out = _buf()
    _add(out, p, q)
    return out.raw


def sub(p: bytes, q: bytes) -> bytes:
    out = _buf()
    _sub(out, p, q)
    return out.raw


#: 2^255 − 19: a canonical field element is below it (RFC 9496 reads all 256 bits).
_FIELD_P = 2**255 - 19


def is_canonical_field(p: bytes) -> bool:
    """``p`` read as a 256-bit little-endian integer is below 2^255 − 19.

    libsodium 1.0.18 ignores bit 255 when it checks an encoding (later versions reject
    it): this check, made here for every point libsodium is asked about, keeps the
    verdict the same whatever libsodium is installed.
    """
    return p[31] < 0x80 and int.from_bytes(p, "little") < _FIELD_P


def is_valid_point(p: bytes) -> bool:
    """True for a canonical encoding of a ristretto255 element (the identity included)."""
    return len(p) == 32 and is_canonical_field(p) and _is_valid(p) == 1


def from_hash(h: bytes) -> bytes:
    """RFC 9496 one-way map from 64 uniform bytes to an element."""
    if len(h) != 64:
        raise ValueError("from_hash needs 64 bytes")
    out = _buf()
    _from_hash(out, h)
    return out.raw


def scalar_random() -> bytes:
    """A uniform scalar in [0, ℓ) as 32 little-endian bytes."""
    out = _buf()
    _scalar_random(out)
    return out.raw


def _check_lengths(n: bytes, p: bytes) -> None:
    # libsodium reads exactly 32 bytes from each pointer: a shorter buffer would be an
    # out-of-bounds read, so this is checked even on the hot path (it costs ~0.1 µs).
    if len(n) != 32 or len(p) != 32:
        raise ValueError("a scalar and a point encoding are 32 bytes each")


def sum_of_products(terms: Iterable[tuple[bytes, bytes]]) -> tuple[bytes, bool]:
    """``Σ n_i·P_i`` for ``(n_i, P_i)`` in ``terms``, and whether every product was proper.

    libsodium decodes ``P_i`` inside the multiplication and returns -1 when it is not a
    canonical encoding of an element, or when ``n_i·P_i`` is the identity (bit 255, which
    libsodium 1.0.18 ignores, is checked here and counts as a -1). ``ok`` is True
    only when no multiplication returned -1; so when every ``n_i`` is in ``[1, ℓ)`` (the
    group has prime order ℓ, so ``n_i·P_i`` is the identity only for ``P_i`` the identity)
    it proves that every ``P_i`` is a valid, canonical, non-identity encoding, with no separate
    validation call (each point is decoded once). When ``ok`` is False the sum is still a
    valid encoding but means nothing unless every ``P_i`` was known to be valid (then a
    -1 only marks an identity product, which libsodium writes as the identity).
    """
    acc = _BUF()  # the identity (all-zero encoding)
    tmp = _BUF()
    mul = _scalarmult
    add = _add
    ok = True
    it = iter(terms)
    for n, p in it:  # the first product goes straight into the accumulator
        _check_lengths(n, p)
        ok = mul(acc, n, p) == 0 and p[31] < 0x80
        break
    for n, p in it:
        _check_lengths(n, p)
        # On an invalid P libsodium leaves ``tmp`` untouched: it still holds a valid
        # encoding, so the addition below stays well defined.
        if mul(tmp, n, p) or p[31] >= 0x80:
            ok = False
        add(acc, acc, tmp)
    return acc.raw, ok
