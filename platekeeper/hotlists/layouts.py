"""Hot-list file layouts as configuration (R36): a new layout is a JSON file.

A layout says whether lines are fixed width or delimited, which lines to skip,
and where each field is: a slice (`start`, `end`) of a fixed-width line, a
column by header name or index of a delimited one, or `parts` joined by
spaces. A field may map codes (`map`) or parse a date (`date`, strptime).
Built-in layouts are in `hotlists/layouts/`; `import_hotlist --layout FILE`
takes any other.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

BUILT_IN = Path(__file__).parent / "layouts"
ENTRY_FIELDS = {
    "plate",
    "state",
    "plate_type",
    "category",
    "record_id",
    "ori",
    "vehicle",
}
DATE_FIELDS = {"entered_on", "expires_on"}
# Person details: only on a list classified CJI (R39, data minimization).
PERSON_FIELDS = {"name", "dob", "address", "charge"}


class Where(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    start: Annotated[int, Field(ge=0)] | None = None
    end: Annotated[int, Field(ge=1)] | None = None
    column: str | int | None = None
    parts: list[Where] | None = None
    map: dict[str, str] | None = None
    date: str | None = None

    @model_validator(mode="after")
    def _one_place(self) -> Where:
        places = [
            self.start is not None,
            self.column is not None,
            self.parts is not None,
        ]
        if sum(places) != 1:
            raise ValueError("a field is a slice (start/end), a column, or parts")
        return self

    def take(self, line: str, row: dict[str | int, str] | None) -> str:
        if self.parts is not None:
            return " ".join(v for p in self.parts if (v := p.take(line, row)))
        if self.column is not None:
            value = (row or {}).get(self.column, "")
        else:
            value = line[self.start : self.end]
        value = (value or "").strip()
        if self.map is not None and value:
            if value not in self.map:
                raise ValueError(f"unknown code {value!r}")
            value = self.map[value]
        return value


class Layout(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str = ""
    kind: Literal["fixed", "delimited"]
    delimiter: Annotated[str, Field(min_length=1, max_length=1)] = ","
    header: bool = False  # delimited: the first line names the columns
    skip_lines: Annotated[int, Field(ge=0)] = 0
    skip_prefixes: list[str] = Field(default_factory=list)
    defaults: dict[str, str] = Field(default_factory=dict)
    fields: dict[str, Where]

    @model_validator(mode="after")
    def _known_fields(self) -> Layout:
        unknown = set(self.fields) - ENTRY_FIELDS - DATE_FIELDS - PERSON_FIELDS
        if unknown:
            raise ValueError(f"unknown fields: {sorted(unknown)}")
        if "plate" not in self.fields:
            raise ValueError("a layout needs the plate field")
        return self

    @classmethod
    def load(cls, name_or_path: str) -> Layout:
        path = Path(name_or_path)
        if not path.suffix:
            path = BUILT_IN / f"{name_or_path}.json"
        try:
            return cls.model_validate_json(path.read_bytes())
        except OSError as exc:
            known = ", ".join(sorted(p.stem for p in BUILT_IN.glob("*.json")))
            raise ValueError(f"no layout {name_or_path!r} (built in: {known})") from exc
        except ValidationError as exc:
            raise ValueError(f"layout {path.name} is not valid: {exc}") from exc

    def records(
        self, lines: Iterator[str]
    ) -> Iterator[tuple[int, dict[str, object] | None, str]]:
        """(line number, the line's fields or None, why not) for every data line."""
        columns: list[str] | None = None
        for number, line in enumerate(lines, start=1):
            text = line.rstrip("\r\n")
            if number <= self.skip_lines or not text.strip():
                continue
            if any(text.startswith(p) for p in self.skip_prefixes):
                continue
            row: dict[str | int, str] | None = None
            if self.kind == "delimited":
                values = next(csv.reader([text], delimiter=self.delimiter))
                if self.header and columns is None:
                    columns = [v.strip().lower() for v in values]
                    continue
                row = dict(enumerate(values))
                if columns is not None:
                    row.update(zip(columns, values, strict=False))
            try:
                yield number, self._fields(text, row), ""
            except ValueError as exc:
                yield number, None, str(exc)

    def _fields(self, line: str, row: dict[str | int, str] | None) -> dict[str, object]:
        out: dict[str, object] = dict(self.defaults)
        for name, where in self.fields.items():
            value = where.take(line, row)
            if not value:
                continue
            if where.date:
                try:
                    out[name] = _date(value, where.date)
                except ValueError:
                    raise ValueError(
                        f"{name}: {value!r} is not a date ({where.date})"
                    ) from None
            else:
                out[name] = value
        if not out.get("plate"):
            raise ValueError("no plate")
        return out


def _date(value: str, fmt: str) -> date:
    return datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a calendar date
