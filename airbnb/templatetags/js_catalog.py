"""``{% js_catalog_src %}``: the URL of the scripts' translations in the page's language (airbnb.js_catalog)."""

from django import template

from airbnb.js_catalog import catalog_src

register = template.Library()


@register.simple_tag
def js_catalog_src() -> str:
    return catalog_src()
