"""Moving history between vcs and other systems."""
