"""The working tree: files on disk, the dirstate, status scans, ignore rules."""
