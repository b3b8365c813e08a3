"""The shipped retention periods (docs/design.md §3, docs/adr/0012-retention.md).

Loading adds a rule only for a category that has none, so a period an administrator
changed is never overwritten; a category added later gets its rule on the next load.
"""

from django.db import transaction

from referrals.models import DataCategory
from retention.models import CountedFrom, RetentionRule

ACT_381 = (
    "Laki 381/2023 12 § (4 vuotta asiakkuuden päättymisestä)",
    "Lag 381/2023 12 § (4 år efter att kundrelationen upphört)",
    "Act 381/2023 §12 (4 years after the client relationship ends)",
)
ACT_1301 = (
    "Laki 1301/2021 31 § (5 vuotta vapautumisesta)",
    "Lag 1301/2021 31 § (5 år efter frigivningen)",
    "Act 1301/2021 §31 (5 years after release)",
)

# category code: (years, counted from, provision fi/sv/en)
RULES: dict[str, tuple[int, str, tuple[str, str, str]]] = {
    DataCategory.IDENTITY: (4, CountedFrom.RELATIONSHIP_END, ACT_381),
    DataCategory.CONTACT: (4, CountedFrom.RELATIONSHIP_END, ACT_381),
    DataCategory.RELEASE: (5, CountedFrom.RELEASE, ACT_1301),
    DataCategory.SENTENCE: (5, CountedFrom.RELEASE, ACT_1301),
    DataCategory.HEALTH: (4, CountedFrom.RELATIONSHIP_END, ACT_381),
    DataCategory.SERVICE_NEEDS: (4, CountedFrom.RELATIONSHIP_END, ACT_381),
    DataCategory.EMPLOYMENT_PLAN: (4, CountedFrom.RELATIONSHIP_END, ACT_381),
}


@transaction.atomic
def retention_defaults_load() -> int:
    """Add the missing rules; returns how many were added."""
    added = 0
    for category in DataCategory.objects.filter(code__in=RULES, retention_rule__isnull=True):
        years, counted_from, (fi, sv, en) = RULES[category.code]
        _rule, created = RetentionRule.objects.get_or_create(
            category=category,
            defaults={
                "years": years,
                "counted_from": counted_from,
                "provision_fi": fi,
                "provision_sv": sv,
                "provision_en": en,
            },
        )
        added += created
    return added
