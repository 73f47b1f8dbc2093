"""Records and their exact bytes: ids, paths, tree listings, commits, refs, operations."""
