"""Plate lookups for partial plates: SQL LIKE with `_` and `%` as given (Django's
own lookups escape them), and the positions index on PostgreSQL."""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Lookup


@CharField.register_lookup
class Fragment(Lookup):  # type: ignore[type-arg]
    """`plate__fragment`: SQL LIKE with `_` and `%` as given, spelled on
    PostgreSQL as `lower(plate) LIKE lower(pattern)` so that the trigram index
    on lower(plate) serves it (reads migration 0010). Plates are upper case:
    the answer is the same."""

    lookup_name = "fragment"

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        return self._spelled("{lhs} LIKE {rhs}", compiler, connection)

    def as_postgresql(self, compiler: Any, connection: Any) -> Any:
        return self._spelled("lower({lhs}) LIKE lower({rhs})", compiler, connection)

    def _spelled(self, template: str, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return template.format(lhs=lhs, rhs=rhs), [*lhs_params, *rhs_params]


@CharField.register_lookup
class Positions(Lookup):  # type: ignore[type-arg]
    """`plate__positions="?A??1?3"`: the plates of the pattern's length with its
    known characters in their places, from the GIN index on plate_positions
    (reads migration 0011). PostgreSQL only; the caller also filters by LIKE,
    which alone is the answer elsewhere."""

    lookup_name = "positions"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        pattern = str(self.rhs)
        tokens = [
            f"{len(pattern)}.{place}{c}"
            for place, c in enumerate(pattern, start=1)
            if c != "?"
        ]
        return f"plate_positions({lhs}) @> %s::text[]", [*lhs_params, tokens]
