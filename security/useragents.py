"""A login session's browser and operating system in words, from its User-Agent string.

ua-parser reads the string with the rules of the uap-core project, which the
ua-parser-builtins package ships and updates. A string it does not know is shown as an
unknown browser; the session list keeps the raw string next to the words either way.
"""

from django.utils.translation import gettext as _
from ua_parser import parse_os, parse_user_agent


def user_agent_summary(user_agent: str) -> str:
    """The browser with its major version and the system without one, as in "Firefox 133
    on Windows" (Windows 11 calls itself Windows 10, so a version could mislead)."""
    browser = parse_user_agent(user_agent)
    system = parse_os(user_agent)
    browser_name = " ".join(filter(None, [browser.family, browser.major])) if browser else ""
    system_name = system.family if system else ""
    if browser_name and system_name:
        return _("%(browser)s on %(system)s") % {"browser": browser_name, "system": system_name}
    return browser_name or system_name or _("Unknown browser")
