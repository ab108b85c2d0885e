"""The verification kernel (private): our own C code for ristretto255, through cffi.

``kernel/kernel.c`` decodes and encodes ristretto255 exactly as RFC 9496 says (bit 255,
non-canonical field elements, negative ``s`` and the other failures rejected, whatever
libsodium version is installed), computes multi-scalar multiplications
``Σ n_i·P_i`` with Straus's (few terms) or Pippenger's (many terms) algorithm, and holds
constant-time fixed-base tables for encryption under the election key.

SECURITY. The multi-scalar multiplication, the sum of points and the decoder are
VARIABLE TIME: their running time and memory accesses depend on the scalars and points.
They may only ever see public data — published proofs, ciphertexts, keys and the
verifier's own random weights. Never pass a secret key, share or nonce to ``msm``. The
fixed-base multiplication (``FixedBase.mul``) is constant time in the scalar and is the
one entry point for secrets.

The compiled module is built by ``python -m tinnhiem.crypto._kernel_build`` (run by
``scripts/setup.sh``). When it is missing, or ``TINNHIEM_KERNEL=off`` is set, or a test
calls ``set_enabled(False)``, ``enabled()`` is False and every caller uses libsodium
instead; a missing build is reported once, as a ``RuntimeWarning``.
"""

from __future__ import annotations

import importlib
import os
import threading
import warnings
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = [
    "ENV_VAR",
    "IDENTITY_TERM",
    "OK",
    "FixedBase",
    "available",
    "disabled",
    "enabled",
    "fixed_base_for",
    "from_uniform",
    "msm",
    "msm_pippenger",
    "msm_straus",
    "point_is_valid",
    "points_first_invalid",
    "recode",
    "set_enabled",
    "sum_points",
]

#: ``TINNHIEM_KERNEL=off`` (or ``0``, ``no``, ``false``) forces the libsodium path.
ENV_VAR = "TINNHIEM_KERNEL"

OK = 0
IDENTITY_TERM = 1
BAD_POINT = -1
BAD_SCALAR = -2
NO_MEMORY = -3


def _load() -> tuple[Any, Any]:
    if os.environ.get(ENV_VAR, "").strip().lower() in {"off", "0", "no", "false"}:
        return None, None
    try:
        module = importlib.import_module("tinnhiem.crypto._kernel_c")
    except ImportError as exc:
        warnings.warn(
            "tinnhiem: the verification kernel is not built "
            f"({exc}); verification falls back to libsodium (several times slower). "
            "Build it with: python -m tinnhiem.crypto._kernel_build",
            RuntimeWarning,
            stacklevel=3,
        )
        return None, None
    return module.ffi, module.lib


_ffi, _lib = _load()
_enabled = _lib is not None


def available() -> bool:
    """The compiled kernel was loaded (whether or not it is switched off for now)."""
    return _lib is not None


def enabled() -> bool:
    """Callers should use the kernel (it is loaded and not switched off)."""
    return _enabled


def set_enabled(on: bool) -> None:
    """Switch the kernel on or off for this process (tests compare both paths)."""
    global _enabled
    _enabled = bool(on) and _lib is not None


@contextmanager
def disabled() -> Iterator[None]:
    """``with disabled():`` runs its body on the libsodium path."""
    before = _enabled
    set_enabled(False)
    try:
        yield
    finally:
        set_enabled(before)


def point_is_valid(p: bytes) -> bool:
    """``p`` is the canonical RFC 9496 encoding of an element (the identity included)."""
    return len(p) == 32 and _lib.tn_point_is_valid(p) == 1


def points_first_invalid(points: bytes) -> int:
    """Index of the first invalid 32-byte encoding in ``points``, or their count."""
    return int(_lib.tn_points_first_invalid(points, len(points) // 32))


def recode(p: bytes) -> bytes | None:
    """Decode then encode ``p``; None when it is not a valid encoding."""
    out = _ffi.new("char[32]")
    if _lib.tn_point_recode(out, p) != OK:
        return None
    return bytes(_ffi.buffer(out))


def _run_msm(fn: Any, scalars: bytes, points: bytes) -> tuple[int, bytes, int]:
    n = len(points) // 32
    if len(scalars) != 32 * n or len(points) != 32 * n:
        raise ValueError("msm needs 32 bytes per scalar and per point, as many of each")
    out = _ffi.new("char[32]")
    bad = _ffi.new("size_t *")
    rc = fn(out, scalars, points, n, bad)
    if rc == NO_MEMORY:
        raise MemoryError("the verification kernel ran out of memory")
    return int(rc), bytes(_ffi.buffer(out)), int(bad[0])


def msm(scalars: bytes, points: bytes) -> tuple[int, bytes, int]:
    """``Σ n_i·P_i`` for the concatenated 32-byte scalars and points. VARIABLE TIME.

    Returns ``(rc, sum, bad)``: ``rc`` is ``OK``; ``IDENTITY_TERM`` when some ``P_i`` is
    the identity or some ``n_i`` is zero (the sum is still right); ``BAD_POINT`` or
    ``BAD_SCALAR`` (``n_i ≥ ℓ``) with ``bad`` the first offending index (the sum is then
    meaningless).
    """
    return _run_msm(_lib.tn_msm, scalars, points)


def msm_straus(scalars: bytes, points: bytes) -> tuple[int, bytes, int]:
    """``msm`` by Straus's algorithm only (tests and benchmarks)."""
    return _run_msm(_lib.tn_msm_straus, scalars, points)


def msm_pippenger(scalars: bytes, points: bytes) -> tuple[int, bytes, int]:
    """``msm`` by Pippenger's algorithm only (tests and benchmarks)."""
    return _run_msm(_lib.tn_msm_pippenger, scalars, points)


def sum_points(points: bytes) -> bytes | None:
    """``Σ P_i`` of concatenated encodings; None if one is not valid. VARIABLE TIME."""
    out = _ffi.new("char[32]")
    bad = _ffi.new("size_t *")
    if _lib.tn_sum(out, points, len(points) // 32, bad) != OK:
        return None
    return bytes(_ffi.buffer(out))


def from_uniform(data: bytes) -> bytes:
    """RFC 9496 one-way map of 64 bytes."""
    if len(data) != 64:
        raise ValueError("from_uniform needs 64 bytes")
    out = _ffi.new("char[32]")
    _lib.tn_from_uniform(out, data)
    return bytes(_ffi.buffer(out))


class FixedBase:
    """A constant-time table of multiples of one point ``P`` (30 KiB): ``mul(n) = n·P``.

    32 × 8 affine multiples ``j·256^i·P``; a multiplication is 64 mixed additions and
    4 doublings, every table entry read and chosen by masks, so neither the branches nor
    the memory accesses depend on the scalar. For secrets (encryption nonces, proof
    nonces) under the election key.
    """

    __slots__ = ("_table", "point")

    def __init__(self, point: bytes) -> None:
        table = _ffi.new("char[]", int(_lib.tn_fixed_base_size()))
        if _lib.tn_fixed_base_init(table, point) != OK:
            raise ValueError("not a valid point encoding")
        self._table = table
        self.point = point

    def mul(self, scalar: bytes) -> bytes:
        """``scalar·P`` for a reduced 32-byte little-endian scalar."""
        if len(scalar) != 32 or scalar[31] >= 0x80:
            raise ValueError("a reduced 32-byte scalar is needed")
        out = _ffi.new("char[32]")
        _lib.tn_fixed_base_mul(out, self._table, scalar)
        return bytes(_ffi.buffer(out))


#: A table pays for itself after a few dozen multiplications (it costs about 60 of
#: them to build), so it is built on a point's ``_BUILD_AFTER``-th use.
_BUILD_AFTER = 8
_MAX_TABLES = 8
_tables: OrderedDict[bytes, FixedBase] = OrderedDict()
_uses: dict[bytes, int] = {}
_tables_lock = threading.Lock()


def fixed_base_for(point: bytes) -> FixedBase | None:
    """The table for ``point`` once it has been used often enough, else None."""
    if not _enabled:
        return None
    table = _tables.get(point)
    if table is not None:
        return table
    with _tables_lock:
        table = _tables.get(point)
        if table is not None:
            return table
        count = _uses.get(point, 0) + 1
        if count < _BUILD_AFTER:
            if len(_uses) > 64:
                _uses.clear()
            _uses[point] = count
            return None
        _uses.pop(point, None)
        table = FixedBase(point)
        _tables[point] = table
        while len(_tables) > _MAX_TABLES:
            _tables.popitem(last=False)
        return table
