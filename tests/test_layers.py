"""The folders are the architecture: every import points down the layers.

    cli         the command line: parsing, the command bodies, rendering (rich), the terminal
    interop     other systems (git's fast-export and fast-import streams)
    porcelain   what each command does: plain data in and out, never printing
    repo        a repository: state and transactions, refs, revisions, lock, config,
                upgrade, verify, appending commits
    worktree    the working tree: files, the dirstate, status scans, ignore rules
    storage     append-only logs, the whole-or-delta policy, objects, changelog, file history
    model       records and their exact bytes: ids, paths, listings, commits, refs, operations
    diff        pure functions on bytes: line diff, deltas, patches, three-way merge
    (errors, faults, records: used by every layer)

A module may import from its own layer and the ones below, never above, whether at the
top of the file or inside a function (a late import is still a dependency).
"""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "vcs"
LAYERS = ["diff", "model", "storage", "worktree", "repo", "porcelain", "interop", "cli"]
SHARED = {"errors", "faults", "records", "__init__", "__main__"}


def layer_of(module: str) -> int | None:
    """The layer of `vcs.X...`, or None for the shared modules (and vcs itself)."""
    parts = module.split(".")
    if parts[0] != "vcs" or len(parts) == 1 or parts[1] in SHARED or parts[1].startswith("__"):
        return None
    return LAYERS.index(parts[1])


def imports(path: Path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "vcs":
                for alias in node.names:
                    yield node.lineno, f"vcs.{alias.name}"
            else:
                yield node.lineno, node.module


def test_every_module_is_in_a_layer():
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        if len(rel.parts) == 1:
            assert rel.stem in SHARED, f"vcs/{rel} belongs in a layer's folder"
        else:
            assert rel.parts[0] in LAYERS, f"vcs/{rel}: {rel.parts[0]} is not a layer"


def test_imports_point_down():
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        own = layer_of("vcs." + ".".join(rel.with_suffix("").parts))
        if own is None:
            continue
        for line, module in imports(path):
            target = layer_of(module)
            if target is not None and target > own:
                wrong.append(f"vcs/{rel}:{line} ({LAYERS[own]}) imports {module} ({LAYERS[target]})")
    assert not wrong, "imports that point up:\n" + "\n".join(wrong)
