#!/usr/bin/env bash
# The main job: install what is missing, run a whole demo poll on the embedded SQLite
# (key ceremony, 480 encrypted ballots, threshold decryption, the record written and
# re-verified), then start the web site with a seeded demo round and print its address and
# logins. Set TINNHIEM_NO_SERVE=1 to stop after the demo. Extra arguments go to `demo`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
.venv/bin/tinnhiem demo "$@"
if [ "${TINNHIEM_NO_SERVE:-0}" != 1 ]; then
    exec .venv/bin/tinnhiem serve
fi
