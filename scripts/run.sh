#!/usr/bin/env bash
# The main job: install what is missing, then run a whole demo poll on the embedded SQLite.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
.venv/bin/tinnhiem demo "$@"
