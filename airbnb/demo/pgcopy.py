"""Bulk loading helpers: COPY rows in text format, and set indexes aside while loading.

Why COPY and hand-written text rows: ``bulk_create`` builds a model instance and
adapts every value of every row; at millions of rows that alone takes longer
than the whole load budget. Here the generator writes each row as one line of
PostgreSQL's COPY text format and psycopg streams batches of lines to the server.

Why drop indexes and foreign keys while loading: maintaining a GiST, a GIN and
half a dozen btrees row by row is several times slower than building them once
from sorted input, and a deferred foreign key check queues one trigger event
(and one row lock on the referenced row) per inserted row. ``structures_suspend``
drops them and returns the SQL that recreates them exactly as they were (from
``pg_get_indexdef`` / ``pg_get_constraintdef``); everything happens inside the
caller's transaction, so a failure restores them with the rest.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import models
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

BATCH_LINES = 4000
PROGRESS_EVERY = 100_000


def copy_escape(value: str) -> str:
    """Escape a string for COPY text format (only needed for text we did not write ourselves)."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def copy_literal(value: object) -> str:
    """A Python value as a COPY text field (used for column defaults, not in the hot loop)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (dict, list)) and not isinstance(value, str):
        return copy_escape(json.dumps(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return copy_escape(str(value))


def _default_literal(field: models.Field) -> str:
    if isinstance(field, models.JSONField):
        return copy_escape(json.dumps(field.get_default()))
    value = field.get_default()
    if isinstance(value, (list, tuple)) and not isinstance(field, models.JSONField):
        return "{" + ",".join(copy_escape(str(v)) for v in value) + "}"
    return copy_literal(value)


@dataclass(frozen=True)
class CopyTarget:
    """A table, the columns the generator writes, and values for the columns it does not know.

    Other apps add columns to these models over time; the generator should not
    have to change for each of them. A column the generator does not write is
    left to its database default if it has one (evaluated per row by PostgreSQL),
    else filled with the model field's default (a callable default, such as
    ``uuid4``, is called per row), else NULL if nullable; otherwise the seed stops
    with a message naming the column.
    """

    table: str
    columns: tuple[str, ...]
    suffix: str = ""  # "\t<default>..." appended to every line
    per_row: tuple[Callable[[], object], ...] = ()  # callable defaults, called for every row

    @classmethod
    def for_model(cls, model: type[models.Model], *, columns: Sequence[str]) -> CopyTarget:
        fields = {f.column: f for f in model._meta.concrete_fields}
        unknown = [c for c in columns if c not in fields]
        if unknown:
            raise RuntimeError(
                f"{model._meta.db_table} has no column(s) {unknown}: update airbnb/demo for the new schema."
            )
        fixed_columns, fixed_values, row_columns, row_callables = [], [], [], []
        for column, field in fields.items():
            if column in columns or field.primary_key or getattr(field, "generated", False):
                continue
            if getattr(field, "db_default", models.NOT_PROVIDED) is not models.NOT_PROVIDED:
                continue
            if field.has_default() and callable(field.default):
                row_columns.append(column)
                row_callables.append(field.default)
            elif field.has_default():
                fixed_columns.append(column)
                fixed_values.append(_default_literal(field))
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                fixed_columns.append(column)
                fixed_values.append(copy_literal(timezone.now()))
            elif field.null:
                fixed_columns.append(column)
                fixed_values.append("\\N")
            else:
                raise RuntimeError(
                    f"seed_demo does not know how to fill {model._meta.db_table}.{column}: "
                    "give the field a default or teach airbnb/demo about it."
                )
        return cls(
            table=model._meta.db_table,
            columns=(*columns, *fixed_columns, *row_columns),
            suffix="".join("\t" + value for value in fixed_values),
            per_row=tuple(row_callables),
        )


def copy_rows(
    cursor: CursorWrapper,
    *,
    target: CopyTarget,
    lines: Iterable[str],
    freeze: bool = False,
    total: int | None = None,
    report: Callable[[str], None] | None = None,
) -> int:
    """Stream ``lines`` (COPY text rows without the newline) into ``target``; return the row count.

    ``cursor`` is a Django cursor on a psycopg 3 connection. ``freeze`` writes
    already-frozen rows (only allowed when the table was truncated in this
    transaction) so the first reader and autovacuum do not rewrite every page.
    """
    columns = ", ".join(f'"{c}"' for c in target.columns)
    options = " WITH (FREEZE)" if freeze else ""
    sql = f'COPY "{target.table}" ({columns}) FROM STDIN{options}'
    end = target.suffix + "\n"
    if target.per_row:
        lines = _with_row_defaults(lines, target.per_row)
    count = 0
    next_report = PROGRESS_EVERY
    started = time.monotonic()
    batch: list[str] = []
    append = batch.append
    with cursor.cursor.copy(sql) as copy:
        for line in lines:
            append(line)
            if len(batch) >= BATCH_LINES:
                copy.write(end.join(batch) + end)
                count += len(batch)
                batch.clear()
                if report is not None and count >= next_report:
                    of = f" / {total:,}" if total else ""
                    report(f"    {target.table}: {count:,}{of} rows ({time.monotonic() - started:.1f} s)")
                    next_report += PROGRESS_EVERY
        if batch:
            copy.write(end.join(batch) + end)
            count += len(batch)
    return count


def structures_suspend(cursor: CursorWrapper, *, tables: Sequence[str]) -> list[str]:
    """Drop secondary indexes, unique and foreign key constraints of ``tables``; return SQL restoring them.

    Primary keys stay (other tables' foreign keys depend on them) and so do CHECK
    constraints (cheap, evaluated per row). The restore SQL builds indexes and
    unique constraints first, then foreign keys, which need the referenced keys.
    """
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype
        FROM pg_constraint c
        WHERE c.conrelid = ANY(%s::regclass[])
          AND c.contype IN ('f', 'u')
          AND NOT (c.contype = 'u' AND EXISTS (
                SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid))
        ORDER BY c.conrelid::regclass::text, c.conname
        """,
        [list(tables)],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = ANY(%s::regclass[])
          AND NOT i.indisprimary
          AND NOT EXISTS (
                SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))
        ORDER BY i.indrelid::regclass::text, 1
        """,
        [list(tables)],
    )
    indexes = cursor.fetchall()

    restore_first, restore_last = [], []
    for table, name, definition, kind in constraints:
        quoted = '"' + name.replace('"', '""') + '"'
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quoted}")
        statement = f"ALTER TABLE {table} ADD CONSTRAINT {quoted} {definition}"
        (restore_last if kind == "f" else restore_first).append(statement)
    for name, definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
        restore_first.append(definition)
    return restore_first + restore_last


def _with_row_defaults(lines: Iterable[str], defaults: Sequence[Callable[[], object]]) -> Iterator[str]:
    for line in lines:
        yield line + "".join("\t" + copy_literal(default()) for default in defaults)
