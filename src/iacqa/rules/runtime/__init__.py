"""packaging: Lambda code packages seen from the graph (PKG001; the emulator emits the same id, see catalog/runtime.py)."""
