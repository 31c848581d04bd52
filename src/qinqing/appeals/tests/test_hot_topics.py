"""热点问题 (issue 20): phrases a leader would act on, not 关于, the district's name or 有限公司."""

import pytest

from qinqing.core import district
from qinqing.core.audit import SystemActor

from ..dashboard import figures
from . import factories

pytestmark = pytest.mark.django_db

TEXTS = [
    (
        "关于厂房消防验收的诉求",
        "示范区昊嘉商贸有限公司（莫干山路139号）：我公司新建厂房已按要求整改，消防验收迟迟没有结"
        "果，影响投产。",
    ),
    (
        "关于消防验收的诉求",
        "示范区四通餐饮管理有限公司（文一路877号）：门店装修后消防验收一直排不上，请帮助协调。",
    ),
    ("关于留抵退税的诉求", "示范区银嘉物流有限公司（西溪路12号）：留抵退税申报后两个月未到账。"),
    ("关于留抵退税进度的诉求", "示范区快讯咨询服务有限公司（学院路8号）：想了解留抵退税的办理进度。"),
    (
        "关于电力增容的诉求",
        "示范区明达机械有限公司（古墩路66号）：新生产线需要电力增容，供电公司答复要排队半年。",
    ),
]


def test_hot_topics_leave_out_stop_words_the_districts_name_company_forms_and_addresses():
    district.district_update(
        actor=SystemActor("test"),
        district_name="示范区",
        seal_text="中共示范区纪律检查委员会",
        issuing_office="示范区纪委监委",
    )
    for title, content in TEXTS:
        enterprise = factories.make_enterprise(name=content.split("（", 1)[0])
        factories.file_appeal(title=title, content=content, enterprise=enterprise)
    topics = {topic["word"]: topic["appeals"] for topic in figures.hot_topics()}
    words = list(topics)
    assert words[:3] and set(words[:3]) <= {"消防验收", "留抵退税", "电力增容", "厂房"}, words
    assert topics["消防验收"] == 2 and topics["留抵退税"] == 2  # kept whole, counted per appeal
    for noise in (
        "关于",
        "示范区",
        "示范",
        "有限公司",
        "公司",
        "诉求",
        "莫干山路",
        "文一路",
        "西溪路",
        "昊嘉",
        "商贸",
    ):
        assert noise not in topics, (noise, words)


def test_a_word_inside_a_longer_topic_is_not_listed_beside_it():
    """社保费缓缴 is the topic, not also 社保费 and 缓缴; 环评审批, not also 审批 (issue 20: phrases a
    leader would act on)."""
    texts = [
        ("关于社保费缓缴的诉求", "申请社保费缓缴三个月；缓缴期间能否正常参保？缓缴到期后怎么补缴？"),
        ("关于社保费缓缴的咨询", "社保费缓缴需要哪些材料？缓缴申请在哪里提交？"),
        ("关于环评审批的诉求", "新建项目环评审批超过时限，审批部门说还在审批，审批没有结果。"),
        ("关于环评审批进度的诉求", "扩建项目环评审批还没有结果，审批进度请告知。"),
    ]
    for title, content in texts:
        factories.file_appeal(title=title, content=content)
    words = [topic["word"] for topic in figures.hot_topics()]
    assert "社保费缓缴" in words and "环评审批" in words, words
    for part in ("社保费", "缓缴", "审批", "环评"):
        assert part not in words, (part, words)
