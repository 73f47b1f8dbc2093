"""Small immutable records: tuples with named fields.

What typing.NamedTuple and collections.namedtuple give, without importing typing
(about 5 ms) or collections on every command: one process per command pays for
every import, and these records are on every command's path.
"""
from __future__ import annotations

from operator import itemgetter

_MISSING = object()


def record(name: str, fields: str, defaults: tuple = ()):
    """A tuple subclass with the space-separated `fields`; the last ones may have defaults."""
    names = tuple(fields.split())
    n = len(names)
    index = {f: i for i, f in enumerate(names)}
    first_default = n - len(defaults)
    fill = [_MISSING] * first_default + list(defaults)  # what a field not given holds

    def __new__(cls, *args, **kwargs):
        if len(args) == n and not kwargs:
            return tuple.__new__(cls, args)
        if len(args) > n:
            raise TypeError(f"{name} takes {n} fields, got {len(args)}")
        values = list(args) + fill[len(args):]
        for key, value in kwargs.items():
            i = index.get(key)
            if i is None:
                raise TypeError(f"{name} has no field {key!r}")
            values[i] = value
        for i in range(len(args), first_default):
            if values[i] is _MISSING:
                raise TypeError(f"{name} needs its field {names[i]!r}")
        return tuple.__new__(cls, values)

    def _replace(self, **changes):
        return type(self)(*[changes.pop(f, v) for f, v in zip(names, self)])

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{f}={v!r}' for f, v in zip(names, self))})"

    def __getnewargs__(self):
        return tuple(self)

    ns = {"__slots__": (), "__new__": __new__, "_fields": names, "_replace": _replace,
          "__repr__": __repr__, "__getnewargs__": __getnewargs__}
    for i, f in enumerate(names):
        ns[f] = property(itemgetter(i))
    return type(name, (tuple,), ns)
