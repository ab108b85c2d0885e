"""Build the verification kernel (``kernel/kernel.c``) with cffi in API (out-of-line) mode.

    python -m tinnhiem.crypto._kernel_build
    python src/tinnhiem/crypto/_kernel_build.py     (the same, without importing tinnhiem)

compiles ``tinnhiem/crypto/_kernel_c.*.so`` next to this file (``scripts/setup.sh`` runs it
after ``pip install -e .``; the editable install serves the package from ``src/``). It
needs a C compiler with ``unsigned __int128`` (gcc or clang on a 64-bit machine). Without
the compiled module ``tinnhiem.crypto`` falls back to libsodium with one warning
(``tinnhiem.crypto._kernel``).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from cffi import FFI  # type: ignore[import-untyped,unused-ignore]

HERE = Path(__file__).resolve().parent
SOURCE_DIR = HERE / "kernel"
MODULE = "tinnhiem.crypto._kernel_c"

CDEF = """
int tn_point_is_valid(const char *p);
size_t tn_points_first_invalid(const char *points, size_t n);
int tn_point_recode(char *out, const char *p);
int tn_msm(char *out, const char *scalars, const char *points, size_t n, size_t *bad);
int tn_msm_straus(char *out, const char *scalars, const char *points, size_t n, size_t *bad);
int tn_msm_pippenger(char *out, const char *scalars, const char *points, size_t n, size_t *bad);
int tn_sum(char *out, const char *points, size_t n, size_t *bad);
void tn_from_uniform(char *out, const char *bytes64);
size_t tn_fixed_base_size(void);
int tn_fixed_base_init(char *table, const char *point);
void tn_fixed_base_mul(char *out, const char *table, const char *scalar);
"""


def builder() -> FFI:
    ffi = FFI()
    ffi.cdef(CDEF)
    ffi.set_source(
        MODULE,
        '#include "kernel.h"',
        sources=[str(SOURCE_DIR / "kernel.c")],
        include_dirs=[str(SOURCE_DIR)],
        extra_compile_args=["-O2", "-std=c11", "-fno-strict-aliasing", "-Wall", "-Wextra"],
    )
    return ffi


def build() -> Path:
    """Compile the kernel and put the module beside this file."""
    with tempfile.TemporaryDirectory(prefix="tinnhiem-kernel-") as tmp:
        out = builder().compile(tmpdir=tmp, verbose=False)
        built = Path(out)
        dest = HERE / built.name
        # A running process may have the old library mapped: write beside it and rename.
        fresh = dest.with_name(dest.name + ".new")
        fresh.write_bytes(built.read_bytes())
        os.replace(fresh, dest)
    return dest


def main() -> int:
    try:
        dest = build()
    except Exception as exc:  # any compiler or cffi failure: report it and let set-up go on
        print(f"tinnhiem: the verification kernel did not build: {exc}", file=sys.stderr)
        return 1
    print(f"tinnhiem: verification kernel built: {dest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
