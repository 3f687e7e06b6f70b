"""Every finding id iacqa can emit: its metadata, its documentation and `finding()` to emit it (see base.py).

One module per emitting family; graph rules (iacqa.rules) register here too. Imports the model only."""
