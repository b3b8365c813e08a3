"""The day and the end of a day in Polku's time zone (Europe/Helsinki), for every app."""

from datetime import date, datetime, time

from django.utils import timezone


def today() -> date:
    return timezone.localdate()


def end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))
