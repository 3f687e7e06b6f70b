"""Runtime findings from the emulator (RTE, PKG001, PRM101+)."""
