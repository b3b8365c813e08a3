"""Pagination whose cost does not grow with the data.

An agency's inbox can hold tens of thousands of rows; an exact COUNT walks all of them
on every page view. The count stops at a cap instead, and pages beyond it are reached by
narrowing the filter, which is what a person looking for one referral does anyway.
"""

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet

COUNT_CAP = 1000


class CappedPaginator(Paginator[Any]):
    object_list: QuerySet[Any]
    cap = COUNT_CAP

    @cached_property
    def count(self) -> int:
        # COUNT over a LIMITed subquery: at most cap + 1 index entries are read.
        return int(self.object_list.order_by()[: self.cap + 1].count())

    @property
    def capped(self) -> bool:
        return self.count > self.cap
