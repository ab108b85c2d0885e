#!/usr/bin/env bash
# Install what is missing, then run every check CI runs: lint, types, architecture, tests
# (on SQLite, then the database tests again on a PostgreSQL server started here).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh --test
export PATH="$PWD/.venv/bin:$PATH"

echo "== ruff"; ruff check src tests bench; ruff format --check src tests bench
echo "== mypy --strict (core)"; mypy --strict src/tinnhiem/crypto src/tinnhiem/rules src/tinnhiem/ballots \
    src/tinnhiem/tally src/tinnhiem/record src/tinnhiem/poll src/tinnhiem/evaluation src/tinnhiem/paper \
    src/tinnhiem/reports src/tinnhiem/audit src/tinnhiem/text.py src/tinnhiem/codec.py src/tinnhiem/errors.py src/tinnhiem/demo_data.py
echo "== mypy --strict (web and cli, with the django-stubs plugin)"; mypy --strict src/tinnhiem/web src/tinnhiem/cli
echo "== import-linter"; lint-imports
echo "== pytest (SQLite)"; pytest -q -p no:cacheprovider "$@"
if [ -d tests/web ] && [ "${TINNHIEM_SKIP_POSTGRES:-0}" != 1 ]; then
    echo "== pytest (PostgreSQL)"
    # shellcheck source=scripts/postgres.sh
    source scripts/postgres.sh
    start_postgres
    trap stop_postgres EXIT
    DATABASE_URL="$PG_URL" pytest -q -p no:cacheprovider -m "not browser" tests/web "$@"
    echo "== the production deployment (gunicorn, PostgreSQL, shared cache) under the load bench's smoke size"
    python -m bench.web_cast 24 6 --database postgresql --server gunicorn --cache db
    echo "== the embedded server (tinnhiem serve: a worker per core, SQLite) under the same smoke size"
    python -m bench.web_cast 24 6 --database sqlite --server serve
fi
