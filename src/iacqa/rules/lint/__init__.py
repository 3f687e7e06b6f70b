"""lint: language style and correctness rules (ruff), registered here so every emitted id is documented."""
