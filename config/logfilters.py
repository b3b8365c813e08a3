"""Keep personal data out of the application logs.

Every handler in settings.LOGGING carries PersonalDataFilter. It formats the message with
its arguments, redacts Finnish personal identity codes, e-mail addresses and phone
numbers from it, from the traceback of a logged exception and from the stack, and then
drops the arguments and the live exception, so that no handler or formatter after it can
reach the originals. The record is changed in place: handlers that see it later (pytest's
caplog among them) see the redacted text too.

The patterns err on the side of redacting too much: a log line with a number that merely
looks like a phone number loses it, which costs less than a leaked identity code.
"""

import logging
import re
import traceback

# DDMMYY, the century sign (including the 2023 signs A-F and U-Y), the individual number
# and the check character. Not validated: a mistyped code is personal data too.
# A day and month that exist, and no letter or digit glued on either side: a UUID's
# "…ab123456-7890-…" in a Celery task id is not an identity code.
HETU = re.compile(
    r"(?<![0-9A-Z])(?:0[1-9]|[12][0-9]|3[01])(?:0[1-9]|1[0-2])[0-9]{2}"
    r"[-+A-FU-Y][0-9]{3}[0-9A-Z](?![0-9A-Z])",
    re.IGNORECASE,
)
EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
# International (+358 40 123 4567, 00358401234567) and Finnish national numbers
# (040 123 4567, 040-1234567, 09 1234 5678).
PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)[1-9][0-9]{0,2}[ -]?(?:\(0\)[ -]?)?[0-9]{1,4}(?:[ -]?[0-9]{2,4}){1,4}"
    r"|0[0-9]{1,2}[ -]?[0-9]{3,4}[ -]?[0-9]{3,4})(?![\w])"
)

REDACTIONS = ((HETU, "[hetu]"), (EMAIL, "[email]"), (PHONE, "[phone]"))


def redact(text: str) -> str:
    for pattern, replacement in REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg = redact(message)
        record.args = ()
        if record.exc_info:
            if not record.exc_text and record.exc_info[0] is not None:
                record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip()
            record.exc_info = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
