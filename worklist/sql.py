"""Date arithmetic that SQLite and PostgreSQL spell differently, for ordering and
filtering by a due date that is a stored date plus a stored number of days or months."""

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import DateField, Func
from django.db.models.sql.compiler import SQLCompiler

SqlWithParams = tuple[str, list[Any]]


class AddDays(Func):
    """date + days (both expressions): PostgreSQL adds an integer to a date itself."""

    output_field = DateField()
    arity = 2

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> SqlWithParams:
        (day, day_params), (days, days_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        if connection.vendor == "sqlite":
            return f"date({day}, ({days}) || ' days')", [*day_params, *days_params]
        return f"({day} + ({days}))", [*day_params, *days_params]


class AddMonths(Func):
    """date + months (both expressions), on the month's last day when the month has no such
    day (31 January + 1 month = 28 or 29 February), as core.dates.add_months counts.

    PostgreSQL's date + interval does exactly that; SQLite's date() rolls over into the
    next month, so a result whose day of the month changed is replaced by the last day of
    the intended month.
    """

    output_field = DateField()
    arity = 2

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> SqlWithParams:
        (day, day_params), (months, months_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        if connection.vendor == "sqlite":
            shifted = f"date({day}, ({months}) || ' months')"
            shifted_params = [*day_params, *months_params]
            last_day = f"date({day}, 'start of month', (({months}) + 1) || ' months', '-1 day')"
            return (
                f"CASE WHEN strftime('%%d', {shifted}) = strftime('%%d', {day}) "
                f"THEN {shifted} ELSE {last_day} END",
                [*shifted_params, *day_params, *shifted_params, *day_params, *months_params],
            )
        return (
            f"CAST({day} + make_interval(months => ({months})::integer) AS date)",
            [*day_params, *months_params],
        )
