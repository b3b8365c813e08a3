"""The DPO's log pages, built without a request so that their paging can be tested
directly. The view use-logs the names the page shows (`LogPage.client_ids`)."""

from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import QueryDict

from agencies.models import Agency
from core.paging import CappedPaginator
from dpo.filters import LogFilter
from dpo.selectors import category_list, category_names, purpose_label
from referrals.models import Client, DisclosureLogEntry, UseLogEntry


@dataclass(frozen=True)
class LogPage:
    """One page of the use or disclosure log; the names are the templates'."""

    agency: Agency
    filter: LogFilter
    page: Page[UseLogEntry | DisclosureLogEntry]
    rows: list[tuple[UseLogEntry | DisclosureLogEntry, list[str], str]]  # categories, purpose
    query_string: str  # the next pages' filter, and the row they stop at
    one_client: Client | None  # the client the log was narrowed to, when it has rows
    client_chosen: bool

    @property
    def client_ids(self) -> set[int]:
        """The clients whose names the page shows."""
        return {entry.client_id for entry, _categories, _purpose in self.rows}


def log_page_build(
    *,
    agency: Agency,
    filterset_class: type[LogFilter],
    queryset: QuerySet[UseLogEntry] | QuerySet[DisclosureLogEntry],
    query: QueryDict,
    page_size: int,
) -> LogPage:
    """The page of the log that `query` (the page's GET parameters) asks for."""
    filterset = filterset_class(query or None, queryset=queryset)
    entries = queryset
    if filterset.is_bound:
        entries = filterset.qs if filterset.is_valid() else queryset.none()
    # Reading the log writes to it (supervision rows): later pages stop at the newest row
    # of the first, so that the rows do not shift under the reader.
    upto = query.get("upto", "")
    if upto.isdigit():
        entries = entries.filter(pk__lte=int(upto))
    page = CappedPaginator(entries, page_size).get_page(query.get("page"))
    names = category_names()
    following = query.copy()
    following.pop("page", None)
    if not upto.isdigit() and page.number == 1 and page.object_list:
        following["upto"] = str(max(entry.pk for entry in page))
    chosen = query.get("client")
    return LogPage(
        agency=agency,
        filter=filterset,
        page=page,
        rows=[
            (entry, category_list(entry.categories, names), purpose_label(entry.purpose))
            for entry in page
        ],
        query_string=following.urlencode(),
        one_client=page.object_list[0].client if chosen and page.object_list else None,
        client_chosen=bool(chosen),
    )
