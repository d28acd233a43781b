"""`claimtrace doccano ...` commands (serve, stop, status, push, pull)."""

import typer

app = typer.Typer(help="Run a local doccano server and move annotations to and from it.",
                  no_args_is_help=True)
