"""Reads of the use and disclosure logs for a data protection officer.

A DPO sees the rows of the agency they act for (docs/adr/0011): the use-log rows in which
that agency used the data, and the disclosure-log rows in which it disclosed or received
them. Each agency is the controller of its own use of client data, so its DPO answers
for those rows and for no other agency's.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from uuid import UUID

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency, User
from dpo.chain import SPECS, Problem
from dpo.models import LogCheck, LogSeal
from referrals.models import (
    Client,
    DataCategory,
    DisclosureLogEntry,
    LogPurpose,
    UseLogEntry,
)


def disclosure_scope_q(*, agency: Agency, prefix: str = "") -> Q:
    return Q(**{f"{prefix}discloser_agency": agency}) | Q(**{f"{prefix}recipient_agency": agency})


def use_log_for(*, agency: Agency) -> QuerySet[UseLogEntry]:
    """The agency's use of client data, newest first."""
    return (
        UseLogEntry.objects.filter(agency=agency)
        .select_related("client", "user")
        .order_by("-at", "-pk")
    )


def disclosure_log_for(*, agency: Agency) -> QuerySet[DisclosureLogEntry]:
    """What the agency disclosed or received, newest first."""
    return (
        DisclosureLogEntry.objects.filter(disclosure_scope_q(agency=agency))
        .select_related(
            "client", "discloser_agency", "discloser_user", "recipient_agency", "basis", "consent"
        )
        .order_by("-at", "-pk")
    )


def client_in_scope_q(*, agency: Agency) -> Q:
    """For a client queryset: does the client appear in the agency's logs?"""
    uses = UseLogEntry.objects.filter(agency=agency, client=OuterRef("pk"))
    disclosures = DisclosureLogEntry.objects.filter(
        disclosure_scope_q(agency=agency), client=OuterRef("pk")
    )
    return Q(Exists(uses)) | Q(Exists(disclosures))


def client_for_dpo(*, agency: Agency, public_id: UUID) -> Client:
    """The one access helper for a client's log report: a client who appears in the
    agency's logs, or a 404 (whether the client exists elsewhere is not the DPO's to know)."""
    return get_object_or_404(
        Client.objects.filter(client_in_scope_q(agency=agency)), public_id=public_id
    )


def client_find_for_dpo(*, agency: Agency, hetu_index: str) -> Client | None:
    return Client.objects.filter(client_in_scope_q(agency=agency), hetu_index=hetu_index).first()


def category_names() -> dict[str, str]:
    """Category code -> its name in the active language, in the categories' order."""
    return {category.code: str(category) for category in DataCategory.objects.all()}


def category_list(codes: list[str], names: dict[str, str]) -> list[str]:
    """A log row's category codes as names, in the categories' order."""
    known = [name for code, name in names.items() if code in codes]
    return known + [code for code in codes if code not in names]


def purpose_label(value: str) -> str:
    try:
        return str(LogPurpose(value).label)
    except ValueError:
        return value


def person_name(user: User | None, username: str) -> str:
    full_name = user.get_full_name() if user is not None else ""
    return f"{full_name} ({username})" if full_name else username


@dataclass(frozen=True)
class ReportRow:
    """One line of a client's log report: a use of their data, or a disclosure of it."""

    at: datetime
    kind: Literal["use", "disclosure"]
    agency: str  # the agency that used, or disclosed, the data
    person: str
    recipient: str  # the receiving agency of a disclosure
    categories: list[str]
    purpose: str
    basis: str  # the provision or consent a disclosure rested on
    page: str  # where a use happened

    @property
    def kind_label(self) -> str:
        return _("Use") if self.kind == "use" else _("Disclosure")


@dataclass(frozen=True)
class ClientLogReport:
    """Act 703/2023 §11: who used or received which of the client's data, when and on what
    basis, as far as the agency's logs tell."""

    client: Client
    agency: Agency
    generated_at: datetime
    uses: list[ReportRow]
    disclosures: list[ReportRow]

    @property
    def client_name(self) -> str:
        return f"{self.client.first_name} {self.client.last_name}"

    @property
    def birth_date(self) -> date:
        return self.client.birth_date

    @property
    def rows(self) -> list[ReportRow]:
        """Both logs in one chronological list."""
        return sorted([*self.uses, *self.disclosures], key=lambda row: row.at)


def client_log_report(*, agency: Agency, client: Client) -> ClientLogReport:
    """The client's rows of the agency's logs, oldest first, in three queries."""
    names = category_names()
    uses = [
        ReportRow(
            at=entry.at,
            kind="use",
            agency=str(agency),
            person=person_name(entry.user, entry.username),
            recipient="",
            categories=category_list(entry.categories, names),
            purpose=purpose_label(entry.purpose),
            basis="",
            page=entry.path,
        )
        for entry in UseLogEntry.objects.filter(agency=agency, client=client)
        .select_related("user")
        .order_by("at", "pk")
    ]
    disclosures = []
    for entry in (
        DisclosureLogEntry.objects.filter(disclosure_scope_q(agency=agency), client=client)
        .select_related(
            "discloser_agency", "discloser_user", "recipient_agency", "basis", "consent"
        )
        .order_by("at", "pk")
    ):
        basis = str(entry.basis)
        if entry.consent is not None:
            basis = _("%(basis)s (consent given on %(day)s)") % {
                "basis": basis,
                "day": entry.consent.given_on.strftime("%d.%m.%Y"),
            }
        disclosures.append(
            ReportRow(
                at=entry.at,
                kind="disclosure",
                agency=str(entry.discloser_agency),
                person=person_name(entry.discloser_user, entry.discloser_user.username),
                recipient=str(entry.recipient_agency),
                categories=category_list(entry.categories, names),
                purpose=purpose_label(entry.purpose),
                basis=basis,
                page="",
            )
        )
    return ClientLogReport(
        client=client,
        agency=agency,
        generated_at=timezone.now(),
        uses=uses,
        disclosures=disclosures,
    )


# The logs' hash chain (docs/adr/0019-logs-the-application-cannot-rewrite.md) -----------


@dataclass(frozen=True)
class ChainSummary:
    log: str
    label: str
    check: LogCheck | None  # the latest verification (nightly, or verify_logs)
    sealed_until: datetime | None  # now, from the seals
    unsealed: int  # rows written since then: not sealed yet
    problem: str  # the check's problem in words, or ""


def log_chains_for(*, agency: Agency) -> list[ChainSummary]:
    """The state of the agency's two chains: four small queries, whatever the log's size."""
    problems = {
        Problem.ROW: _("A sealed row has been changed, removed or added."),
        Problem.LINK: _("A seal has been removed or changed: the chain does not join."),
        Problem.START: _("The chain's first seals have been removed before their time."),
        Problem.UNSEALED: _("Rows older than the chain's start were never sealed."),
    }
    checks = {c.log: c for c in LogCheck.objects.filter(agency=agency)}
    summaries = []
    for kind, spec in SPECS.items():
        newest = LogSeal.objects.filter(log=kind, agency=agency).order_by("-end").first()
        rows = spec.model._default_manager.filter(**{spec.agency_field: agency.pk})
        if newest is not None:
            rows = rows.filter(at__gte=newest.end)
        check = checks.get(kind)
        problem = problems.get(Problem(check.problem)) if check and check.problem else None
        summaries.append(
            ChainSummary(
                log=kind,
                label=str(kind.label),
                check=check,
                sealed_until=newest.end if newest else None,
                unsealed=rows.count(),
                problem=str(problem or ""),
            )
        )
    return summaries
