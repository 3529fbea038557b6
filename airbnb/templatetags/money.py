"""``{% money amount currency as name %}``: an amount rendered by ``_money.html``, kept in a variable.

Translated sentences need the formatted amount as one placeholder
("{{ name }} gets a full refund of {{ refund }}"); ``{% include %}`` cannot be stored in a
variable, so this tag renders the same template (one place formats money).
"""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def money(amount, currency: str, whole: bool = False) -> SafeString:
    return mark_safe(render_to_string("_money.html", {"amount": amount, "currency": currency, "whole": whole}).strip())
