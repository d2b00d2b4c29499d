"""``{% form_token %}``: a fresh one-time token for a small form on a page (``web.once``)."""

from django import template
from django.utils.html import format_html

from web import once

register = template.Library()


@register.simple_tag
def form_token() -> str:
    return format_html('<input type="hidden" name="{}" value="{}">', once.FIELD, once.new_token())
