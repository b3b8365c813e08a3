"""Date arithmetic that SQLite and PostgreSQL spell differently, for ordering and
filtering by a due date that is a stored date plus a stored number of days or months."""

from abc import ABCMeta, abstractmethod
from collections.abc import Sequence
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import DateField, Func
from django.db.models.sql.compiler import SQLCompiler

SqlWithParams = tuple[str, list[Any]]
# What the compiler gives for one expression: its SQL and its parameters.
Compiled = tuple[str, Sequence[Any]]


class _DatePlus(Func, metaclass=ABCMeta):
    """date + an amount (both expressions); subclasses spell it for each database."""

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
        day, amount = (compiler.compile(expression) for expression in self.get_source_expressions())
        if connection.vendor == "sqlite":
            return self.sqlite(day, amount)
        return self.postgresql(day, amount)

    @abstractmethod
    def sqlite(self, day: Compiled, amount: Compiled) -> SqlWithParams: ...

    @abstractmethod
    def postgresql(self, day: Compiled, amount: Compiled) -> SqlWithParams: ...


class AddDays(_DatePlus):
    """date + days: PostgreSQL adds an integer to a date itself."""

    def sqlite(self, day: Compiled, amount: Compiled) -> SqlWithParams:
        return f"date({day[0]}, ({amount[0]}) || ' days')", [*day[1], *amount[1]]

    def postgresql(self, day: Compiled, amount: Compiled) -> SqlWithParams:
        return f"({day[0]} + ({amount[0]}))", [*day[1], *amount[1]]


class AddMonths(_DatePlus):
    """date + months, on the month's last day when the month has no such day (31 January
    + 1 month = 28 or 29 February), as core.dates.add_months counts.

    PostgreSQL's date + interval does exactly that; SQLite's date() rolls over into the
    next month, so a result whose day of the month changed is replaced by the last day of
    the intended month.
    """

    def sqlite(self, day: Compiled, amount: Compiled) -> SqlWithParams:
        (day_sql, day_params), (months, months_params) = day, amount
        shifted = f"date({day_sql}, ({months}) || ' months')"
        shifted_params = [*day_params, *months_params]
        last_day = f"date({day_sql}, 'start of month', (({months}) + 1) || ' months', '-1 day')"
        return (
            f"CASE WHEN strftime('%%d', {shifted}) = strftime('%%d', {day_sql}) "
            f"THEN {shifted} ELSE {last_day} END",
            [*shifted_params, *day_params, *shifted_params, *day_params, *months_params],
        )

    def postgresql(self, day: Compiled, amount: Compiled) -> SqlWithParams:
        return (
            f"CAST({day[0]} + make_interval(months => ({amount[0]})::integer) AS date)",
            [*day[1], *amount[1]],
        )
