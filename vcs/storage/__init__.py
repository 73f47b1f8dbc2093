"""The store: append-only logs, the whole-or-delta policy, objects, changelog, file history."""
