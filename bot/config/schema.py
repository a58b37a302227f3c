"""Build frozen dataclasses from parsed TOML, collecting every problem instead of stopping at one.

Each problem names the dotted key it is about (`venues[2].timezone: unknown time zone "Europe/Pari"`),
so an operator can fix the whole file in one go. Types come from the dataclass annotations:
str, int, float, bool, `X | None`, `tuple[X, ...]`, nested dataclasses and tuples of them.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, get_args, get_origin, get_type_hints


class ConfigError(Exception):
    """The configuration has problems; `problems` holds one line per problem."""

    def __init__(self, problems: list[str], source: str = "") -> None:
        self.problems = problems
        self.source = source
        super().__init__("\n".join(problems))


_INVALID = object()  # a value of the wrong type; the field falls back to its default
_TYPE_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false"}


def _describe(tp: Any) -> str:
    if dataclasses.is_dataclass(tp):
        return "a table"
    if get_origin(tp) is tuple:
        return "a list"
    return _TYPE_NAMES.get(tp, getattr(tp, "__name__", str(tp)))


def _convert(value: Any, tp: Any, key: str, problems: list[str]) -> Any:
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return _convert(value, options[0], key, problems)
    if origin is tuple:
        (item_type, _ellipsis) = get_args(tp)
        if not isinstance(value, list):
            problems.append(f"{key}: expected a list, got {_show(value)}")
            return _INVALID
        items = (_convert(item, item_type, f"{key}[{i}]", problems) for i, item in enumerate(value))
        return tuple(item for item in items if item is not _INVALID)
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            problems.append(f"{key}: expected a table, got {_show(value)}")
            return _INVALID
        built = build(tp, value, key, problems)
        return _INVALID if built is None else built
    if tp is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if tp is int and isinstance(value, bool) or not isinstance(value, tp):
        problems.append(f"{key}: expected {_describe(tp)}, got {_show(value)}")
        return _INVALID
    return value


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def build(cls: type, table: dict[str, Any], prefix: str, problems: list[str]) -> Any:
    """Instantiate dataclass `cls` from `table`; append problems and return None on failure."""
    hints = get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    for unknown in sorted(set(table) - set(fields)):
        close = _closest(unknown, fields)
        hint = f" (did you mean {close!r}?)" if close else ""
        problems.append(f"{_join(prefix, unknown)}: unknown key{hint}")
    # Keep going past a bad value (the field falls back to its default) so that checks across
    # fields and sections still run and the operator sees every problem at once.
    values: dict[str, Any] = {}
    complete = True
    for name, field in fields.items():
        key = _join(prefix, name)
        required = field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
        if name in table:
            value = _convert(table[name], hints[name], key, problems)
            if value is not _INVALID:
                values[name] = value
            elif required:
                complete = False
        elif required:
            problems.append(f"{key}: missing (required)")
            complete = False
    if not complete:
        return None
    instance = cls(**values)
    # A section may check relations between its own keys: `problems()` returns "key: what is wrong".
    check = getattr(instance, "problems", None)
    if check is not None:
        # The instance is still returned: its type is right, and checks above it can use it.
        problems.extend(_join(prefix, line) for line in check())
    return instance


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _closest(name: str, candidates: typing.Iterable[str]) -> str | None:
    from rapidfuzz import process

    found = process.extractOne(name, list(candidates), score_cutoff=75)
    return found[0] if found else None
