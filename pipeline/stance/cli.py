"""`claimtrace stance ...` commands (train, evaluate, predict)."""

import typer

app = typer.Typer(help="Train, evaluate and run the stance classifier.", no_args_is_help=True)
