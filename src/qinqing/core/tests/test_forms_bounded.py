"""core.forms: date bounds counted from the day the form is drawn (not declared), and list filters."""
import datetime

from django import forms

from qinqing.core.forms import DateInput, bounded


def test_a_form_declared_yesterday_accepts_today_and_offers_todays_bounds(frozen_clock):
    frozen_clock("2026-11-30 23:50")

    class GiftForm(forms.Form):  # declared the way apps declare fields at import time
        occurred_on = bounded(forms.DateField(widget=DateInput), past_days=30, future_days=0)

    frozen_clock("2026-12-01 00:10")  # the server stayed up past midnight
    form = GiftForm(data={"occurred_on": "2026-12-01"})
    assert form.is_valid(), form.errors
    html = str(GiftForm()["occurred_on"])
    assert 'max="2026-12-01"' in html
    assert 'min="2026-11-01"' in html

    tomorrow = GiftForm(data={"occurred_on": "2026-12-02"})
    assert not tomorrow.is_valid()
    assert tomorrow.errors.as_data()["occurred_on"][0].code == "date_out_of_range"


def test_a_date_before_the_earliest_bound_is_refused_naming_the_bound(frozen_clock):
    frozen_clock("2026-11-30")
    field = bounded(forms.DateField(widget=DateInput), past_years=1)
    form_class = type("F", (forms.Form,), {"day": field})
    form = form_class(data={"day": (datetime.date(2026, 11, 30) - datetime.timedelta(days=400)).isoformat()})
    assert not form.is_valid()
    assert "2025-11-29" in str(form.errors["day"])


def test_a_filter_choice_is_one_of_the_choices_or_refused_naming_the_field(rf):
    from qinqing.core.forms import filter_choice

    choices = [("open", "Open"), ("closed", "Closed")]
    assert filter_choice(rf.get("/", {"status": "open"}), "status", choices) == ("open", None)
    assert filter_choice(rf.get("/"), "status", choices) == ("", None)
    assert filter_choice(rf.get("/", {"status": " "}), "status", choices) == ("", None)
    value, refusal = filter_choice(rf.get("/", {"status": "x" * 500}), "status", choices)
    assert value == "" and refusal["field"] == "status" and refusal["status"] == 400
    assert "x" * 50 in refusal["text"] and "x" * 51 not in refusal["text"]  # the value shown, cut short
    assert filter_choice(rf.get("/", {"state": "b"}), "state", ("a", "b")) == ("b", None)  # plain values
