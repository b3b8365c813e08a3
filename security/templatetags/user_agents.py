from django import template

from security.useragents import user_agent_summary as summary

register = template.Library()


@register.filter
def user_agent_summary(user_agent: str) -> str:
    return summary(user_agent)
