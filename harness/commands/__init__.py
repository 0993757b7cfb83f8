"""One module per command group; `harness.cli` registers them on the app."""
