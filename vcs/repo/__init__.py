"""A repository: its state and transactions, refs, the operation log, revisions, lock, config."""
