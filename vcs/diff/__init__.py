"""Diffs and deltas: pure functions on bytes (line diff, delta encode/apply, patches)."""
