"""git: fast-export streams in, fast-import streams out."""
