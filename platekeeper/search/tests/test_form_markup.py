"""Form widgets come from Django's Jinja2 renderer (decision 0020): the markup
its template renderer would give, whitespace aside, errors and values included."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates, Jinja2, get_default_renderer

from platekeeper.policy.models import current_rules
from platekeeper.search.canvass import CanvassForm
from platekeeper.search.forms import SearchForm
from platekeeper.test import BaseTestCase

FILLED = {
    "purpose": "major_incident_canvass",
    "case_number": 'HPD-26-0600 <b>"x"</b>',  # escaped the same way by both
    "justification": "shots fired\nnear the school",
    "at": "2026-10-01T10:00",
    "minutes_before": "60",
    "minutes_after": "abc",  # an error for each form to show
    "min_confidence": "high",
    "latitude": "33.9165",
    "longitude": "-118.3527",
    "radius_m": "500",
    "plate": "7AB*",
    "match": "partial",
}


def _markup(form_class: type[forms.Form], data: Any, renderer: Any) -> str:
    rules = current_rules()
    assert rules is not None
    form = form_class(data, rules=rules[1], renderer=renderer)  # type: ignore[call-arg]
    if form.is_bound:
        form.is_valid()
    parts = [str(form.non_field_errors())]
    for field in form:
        parts += [str(field), str(field.errors), field.label_tag()]
    # Only the whitespace between tags differs (Jinja2 puts an option's line
    # break before it, Django's templates after it), and how a quote is
    # escaped (MarkupSafe writes the number, Django the name).
    markup = re.sub(r">\s+<", "><", "".join(parts)).strip()
    return markup.replace("&#34;", "&quot;").replace("&#39;", "&#x27;")


class FormMarkupTestCase(BaseTestCase):
    def test_it_renders_widgets_with_jinja2(self) -> None:
        assert isinstance(get_default_renderer(), Jinja2)

    def test_it_renders_what_django_templates_render(self) -> None:
        for form_class in (SearchForm, CanvassForm):
            for data in (None, FILLED):
                with self.subTest(form=form_class.__name__, bound=data is not None):
                    ours = _markup(form_class, data, Jinja2())
                    assert ours == _markup(form_class, data, DjangoTemplates())
                    if data is not None:
                        assert "&lt;b&gt;&quot;x&quot;&lt;/b&gt;" in ours
                        assert "errorlist" in ours
