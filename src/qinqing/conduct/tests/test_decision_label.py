"""Issue 9, item 8: the leader's decision form said "Decision:" in English in the Chinese UI
(the field had no label, so Django made one from its name)."""

from django.utils import translation

from ..forms import DecisionForm


def test_the_decision_field_is_labelled_in_chinese_and_in_english_when_switched():
    with translation.override("zh-hans"):
        html = DecisionForm().as_div()
        assert "决定" in html and "Decision" not in html
    with translation.override("en"):
        assert ">Decision:</label>" in DecisionForm().as_div()
