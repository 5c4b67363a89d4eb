"""The test suite (a package, so tests import their helpers relatively)."""
