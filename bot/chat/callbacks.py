"""Typed postback payloads: `prefix:field:field`, parsed back into dataclasses (≤ 300 characters).

    @dataclass(frozen=True)
    class PickVillage(CallbackData, prefix="village"):
        number: int

    PickVillage(3).pack() == "village:3";  Callbacks([PickVillage]).unpack("village:3") == PickVillage(3)

Defining a class registers nothing: `bot.main` lists every class the chat reads back (CALLBACKS).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any, ClassVar, Self, get_type_hints

from bot.chat.messages import MAX_POSTBACK_DATA

SEPARATOR = ":"


class CallbackError(ValueError):
    """Postback data we cannot read: too long, unknown prefix, or fields of the wrong shape."""


class CallbackData:
    prefix: ClassVar[str]

    def __init_subclass__(cls, prefix: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if SEPARATOR in prefix or not prefix:
            raise ValueError(f"bad callback prefix {prefix!r}")
        cls.prefix = prefix

    def pack(self) -> str:
        parts = [self.prefix]
        for field in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, field.name)
            part = "" if value is None else str(int(value) if isinstance(value, bool) else value)
            if SEPARATOR in part:
                raise CallbackError(f"{field.name} may not contain {SEPARATOR!r}")
            parts.append(part)
        data = SEPARATOR.join(parts)
        if len(data) > MAX_POSTBACK_DATA:
            raise CallbackError(f"postback data over {MAX_POSTBACK_DATA} characters")
        return data

    @classmethod
    def _from_parts(cls, parts: list[str]) -> Self:
        fields = dataclasses.fields(cls)  # type: ignore[arg-type]
        if len(parts) != len(fields):
            raise CallbackError(f"{cls.prefix}: expected {len(fields)} fields, got {len(parts)}")
        hints = get_type_hints(cls)
        values: dict[str, Any] = {}
        for field, raw in zip(fields, parts, strict=True):
            values[field.name] = _convert(hints[field.name], raw, field.name)
        return cls(**values)


class Callbacks:
    """Reads postback data back into whichever of `types` its prefix names; two types may not share one."""

    def __init__(self, types: Iterable[type[CallbackData]]) -> None:
        self._by_prefix: dict[str, type[CallbackData]] = {}
        for kind in types:
            taken = self._by_prefix.setdefault(kind.prefix, kind)
            if taken is not kind:
                raise ValueError(f"callback prefix {kind.prefix!r} used by {taken.__name__} and {kind.__name__}")

    def __contains__(self, kind: type[CallbackData]) -> bool:
        return self._by_prefix.get(kind.prefix) is kind

    def unpack(self, data: str) -> CallbackData:
        """The typed payload for `data`; CallbackError for anything else (an old or forged button)."""
        if len(data) > MAX_POSTBACK_DATA:
            raise CallbackError("postback data too long")
        prefix, *parts = data.split(SEPARATOR)
        target = self._by_prefix.get(prefix)
        if target is None:
            raise CallbackError(f"unknown postback prefix {prefix!r}")
        return target._from_parts(parts)


def _convert(kind: Any, raw: str, name: str) -> Any:
    optional = raw == "" and "None" in str(kind)
    if optional:
        return None
    try:
        if kind is int or kind == int | None:
            return int(raw)
        if kind is bool:
            return raw == "1"
    except ValueError as error:
        raise CallbackError(f"field {name} is not a number: {raw!r}") from error
    return raw
