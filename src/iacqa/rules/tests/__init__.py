"""Ids the tests stage emits: the project's own tests judged statically, run with coverage, and run against the
emulated deployment (stage `tests`)."""
