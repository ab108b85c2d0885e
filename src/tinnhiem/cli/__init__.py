"""The ``tinnhiem`` command. Each command group lives in its own module with a
``register(app)`` function, so features stay separate and the start-up stays light."""

from __future__ import annotations

import importlib
import sys

import typer

from tinnhiem.errors import TinnhiemError

__all__ = ["app", "main"]

app = typer.Typer(
    name="tinnhiem",
    help="Tín Nhiệm — lấy phiếu tín nhiệm kiểm chứng được / verifiable confidence polls.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Modules that add commands to ``app``; each has ``register(app: typer.Typer) -> None``.
COMMAND_MODULES = (
    "tinnhiem.cli.demo_cmd",
    "tinnhiem.cli.verify_cmd",
    "tinnhiem.cli.settle_cmd",
    "tinnhiem.cli.rules_cmd",
    "tinnhiem.cli.results_cmd",
    "tinnhiem.cli.report_cmd",
    "tinnhiem.cli.paper_cmd",
    "tinnhiem.cli.evaluate_cmd",
    "tinnhiem.cli.trustee_cmd",
    "tinnhiem.cli.serve_cmd",
)

for _name in COMMAND_MODULES:
    try:
        _module = importlib.import_module(_name)
    except ModuleNotFoundError as exc:  # a feature not built yet
        if exc.name != _name:
            raise
        continue
    _module.register(app)


def main() -> None:
    """Entry point: run the app; a TinnhiemError becomes a one-line message, exit code 2."""
    try:
        app()
    except TinnhiemError as exc:
        print(f"tinnhiem: error: {exc}", file=sys.stderr)
        sys.exit(2)
