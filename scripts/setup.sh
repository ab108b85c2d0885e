#!/usr/bin/env bash
# Install everything Tín Nhiệm needs, only where it is missing. Idempotent.
#   scripts/setup.sh          what `tinnhiem demo` and `tinnhiem serve` need
#   scripts/setup.sh --test   also what the test suite needs (Chromium, PostgreSQL, dev tools)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)
want_test=0
[ "${1:-}" = "--test" ] && want_test=1

say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[setup] %s\033[0m\n' "$*" >&2; exit 1; }

# --- System packages (Debian) ---------------------------------------------------------------
# The library cache is read once into a variable: `ldconfig -p | grep -q` under pipefail
# fails at random when grep exits early and ldconfig gets SIGPIPE.
libs=$(ldconfig -p 2>/dev/null || true)
has_lib() { case "$libs" in *"$1"*) return 0 ;; *) return 1 ;; esac; }
need=()
has_lib 'libsodium.so.23' || need+=(libsodium23)
has_lib 'libpango-1.0.so' || need+=(libpango-1.0-0 libpangoft2-1.0-0)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
command -v node >/dev/null 2>&1 || need+=(nodejs npm)
if [ "$want_test" = 1 ]; then
    [ -x /usr/bin/chromium ] || need+=(chromium)
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
fi
if [ ${#need[@]} -gt 0 ]; then
    command -v apt-get >/dev/null 2>&1 || die "missing system packages (${need[*]}) and no apt-get: install them by hand"
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    say "installing system packages: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    { $sudo apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 ||
      { $sudo apt-get update -qq >/dev/null && $sudo apt-get install -y -qq "${need[@]}" >/dev/null; }; } ||
        die "apt-get could not install: ${need[*]}"
fi
libs=$(ldconfig -p 2>/dev/null || true)
has_lib 'libsodium.so.23' || die "libsodium >= 1.0.18 not found (Debian: apt-get install libsodium23)"

# --- Python environment ---------------------------------------------------------------------
py=${PYTHON:-python3}
"$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || die "Python 3.11 or newer is needed ($py is older)"
[ -x .venv/bin/python ] || { say "creating .venv"; "$py" -m venv .venv; }
extras=""; [ "$want_test" = 1 ] && extras="[dev,dask]"
stamp=".venv/.setup-stamp$extras"
sig=$(cat pyproject.toml | sha256sum | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" != "$sig" ]; then
    say "installing Python packages into .venv"
    .venv/bin/python -m pip install -q --disable-pip-version-check -U pip >/dev/null 2>&1 || true
    .venv/bin/python -m pip install -q --disable-pip-version-check -e ".$extras" 2>&1 | grep -v -e '^WARNING: Location' -e 'Running pip as' >&2 || true
    .venv/bin/python -c 'import tinnhiem, pysodium' || die "pip install failed"
    echo "$sig" > "$stamp"
fi

# --- Verification kernel (C through cffi; without it verification falls back to libsodium) ----
ksig=$(cat src/tinnhiem/crypto/kernel/kernel.[ch] src/tinnhiem/crypto/_kernel_build.py | sha256sum | cut -c1-16)
if [ "$(cat .venv/.setup-stamp-kernel 2>/dev/null)" != "$ksig" ] || ! ls src/tinnhiem/crypto/_kernel_c.*.so >/dev/null 2>&1; then
    if ! command -v cc >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
        say "installing a C compiler for the verification kernel"
        sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq gcc libc6-dev >/dev/null 2>&1 || true
    fi
    if .venv/bin/python src/tinnhiem/crypto/_kernel_build.py >/dev/null; then
        echo "$ksig" > .venv/.setup-stamp-kernel
    else
        say "WARNING: the verification kernel did not build; verification uses libsodium (slower)"
    fi
fi

# --- Front end (the browser booth), built into the Django static folder ----------------------
if [ -f frontend/package.json ]; then
    fsig=$(cat frontend/package.json frontend/package-lock.json 2>/dev/null | sha256sum | cut -c1-16)
    if [ ! -d frontend/node_modules ] || [ "$(cat frontend/node_modules/.setup-stamp 2>/dev/null)" != "$fsig" ]; then
        say "installing front-end packages (npm ci)"
        (cd frontend && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || die "npm ci failed in frontend/"
        echo "$fsig" > frontend/node_modules/.setup-stamp
    fi
    (cd frontend && npm run --silent build >/dev/null) || die "the front-end build failed (cd frontend && npm run build)"
fi
