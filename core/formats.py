"""Dates and times that Python writes into text (messages, e-mails, reports), the Finnish
way in every language, as the templates write them."""

from datetime import date, datetime

from django.utils import timezone


def date_text(day: date) -> str:
    """5.3.2026: day, month and year without leading zeros, the templates' "j.n.Y"."""
    return f"{day.day}.{day.month}.{day.year}"


def timestamp_text(at: datetime) -> str:
    """05.03.2026 14:30 in Helsinki time: when something was done, to the minute."""
    return timezone.localtime(at).strftime("%d.%m.%Y %H:%M")
