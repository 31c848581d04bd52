"""Tests for qinqing.policy.parser against the seed policy and small samples."""

import os
import re
from pathlib import Path

from django.conf import settings

# Standalone run (-p no:django): configure minimal settings. Under pytest-django
# the project settings are configured first, so this guard does nothing.
if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
    settings.configure(USE_I18N=False)

import pytest  # noqa: E402

from qinqing.policy import parser  # noqa: E402

SEED = Path(__file__).resolve().parents[1] / "seed" / "000_05657dc94ecfa202.txt"
TONE_MARKS = re.compile("[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]")


@pytest.fixture(scope="module")
def raw() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def policy(raw) -> parser.ParsedPolicy:
    return parser.parse_policy(raw)


@pytest.fixture(scope="module")
def articles(policy) -> dict[int, parser.Article]:
    return {article.number: article for article in policy.articles}


def _items(article: parser.Article) -> dict[str, str]:
    return {item.key: item.text for item in article.items}


def _all_texts(policy: parser.ParsedPolicy) -> list[str]:
    texts = [policy.title, policy.preamble]
    for chapter in policy.chapters:
        texts.append(chapter.title)
        for article in chapter.articles:
            texts.append(article.text)
            texts.extend(item.text for item in article.items)
    return texts


# --- Structure of the seed policy --------------------------------------------


def test_title(policy):
    assert policy.title == "某区关于构建亲清新型政商关系的实施办法"
    assert policy.preamble == ""


def test_eight_chapters_with_simplified_titles(policy):
    assert [c.number for c in policy.chapters] == list(range(1, 9))
    assert [c.title for c in policy.chapters] == [
        "总则",
        "优化高质高效的政务环境",
        "营造公平公正的法治环境",
        "规范政商交往行为准则",
        "强化执纪监督问责",
        "建立激励惩戒机制",
        "建立容错纠错机制",
        "附则",
    ]


def test_twenty_three_articles_in_order(policy):
    assert [a.number for a in policy.articles] == list(range(1, 24))
    assert [a.key for a in policy.articles] == [str(n) for n in range(1, 24)]
    per_chapter = [[a.number for a in c.articles] for c in policy.chapters]
    assert per_chapter == [
        [1, 2, 3],
        [4, 5, 6, 7, 8, 9, 10],
        [11, 12, 13],
        [14, 15],
        [16, 17, 18],
        [19, 20, 21],
        [22],
        [23],
    ]


def test_article_text_has_no_heading(articles):
    for article in articles.values():
        assert not article.text.startswith("第")
    assert articles[1].text.startswith("为深入贯彻党的十九大精神")


def test_no_pinyin_or_traditional_left(policy):
    for text in _all_texts(policy):
        assert not TONE_MARKS.search(text), text
        assert set(re.findall(r"[A-Za-z]+", text)) <= {"PPP", "xx"}, text
    assert "關" not in "".join(_all_texts(policy))


def test_no_garbled_text_left(policy):
    joined = "\n".join(_all_texts(policy))
    assert "?" not in joined
    assert "？" not in joined
    assert "/p>" not in joined
    assert policy.warnings == []


def test_mid_line_articles_are_split(articles):
    assert articles[7].text.endswith("领导联系帮扶企业责任清单定期在适当范围公开。")
    assert articles[8].text.startswith("充分发挥区长电子信箱")
    assert articles[16].text.endswith("及时提醒纠正。")
    assert articles[17].text.startswith("各级纪检监察机关要畅通信访举报渠道")


def test_word_split_over_lines_is_rejoined(articles):
    assert "推进企业廉洁文化建设" in articles[19].text
    assert "\n" not in articles[19].text


def test_item_counts(articles):
    counts = {number: len(article.items) for number, article in articles.items()}
    assert counts[13] == 3
    assert counts[14] == 3
    assert counts[15] == 13
    assert counts[18] == 5
    assert counts[21] == 3
    assert counts[22] == 3
    with_items = {5, 13, 14, 15, 18, 21, 22}
    assert all(counts[n] == 0 for n in counts if n not in with_items)


def test_article_15_has_two_lists_with_distinct_keys(articles):
    items = articles[15].items
    keys = [item.key for item in items]
    assert keys == [f"15.{n}" for n in range(1, 8)] + [f"15.b{n}" for n in range(1, 7)]
    assert [item.number for item in items] == list(range(1, 8)) + list(range(1, 7))
    assert [item.list_number for item in items] == [1] * 7 + [2] * 6
    texts = _items(articles[15])
    assert texts["15.1"].startswith("不准收受企业及其负责人红包")
    assert texts["15.b1"].startswith("不得给予公职人员")
    assert texts["15.b6"].endswith("其他违反法律、法规、规章的行为。")


def test_article_15_item_7_keeps_the_recusal_paragraph(articles):
    item_7 = _items(articles[15])["15.7"]
    assert item_7.startswith("不准在政商交往中有其他违反党纪")
    assert "利益冲突" in item_7
    assert item_7.endswith("拒不回避的按照规定处理。")
    assert "六项要求" not in item_7


def test_item_texts_have_no_markers(policy):
    for article in policy.articles:
        for item in article.items:
            assert not re.match(r"[(（]", item.text), item.key
            assert item.text == item.text.strip()


def test_item_keys_are_unique(policy):
    keys = [item.key for article in policy.articles for item in article.items]
    assert len(keys) == len(set(keys))


def test_article_5_unnumbered_guarantees_are_items(articles):
    items = articles[5].items
    assert [i.key for i in items] == ["5.1", "5.2", "5.3", "5.4"]
    assert all(i.text.startswith("保障非公制企业") for i in items)
    assert items[3].text.endswith("一视同仁。")


def test_repaired_mojibake(articles):
    assert "“亲”是指政商之间要坦荡真诚接触交往" in articles[3].text
    assert "谋发展。“清”是指政商关系要清白" in articles[3].text
    assert "不超过当地公务接待标准的餐叙" in _items(articles[14])["14.3"]
    assert _items(articles[22])["22.3"].endswith("鼓励担当的良好氛围。")


def test_full_width_punctuation_restored(articles):
    assert "加强党风廉政建设，构建新型政商关系" in articles[1].text
    assert "负责人（含个体工商户）之间" in articles[2].text
    assert "“七项要求”：" in articles[15].text
    assert "100%核查" in articles[17].text


def test_parsing_is_deterministic(raw, policy):
    assert parser.parse_policy(raw) == policy


# --- strip_pinyin / to_simplified ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("某區(qū)關(guān)于", "某區關于"),
        ("(1)對(duì)于", "(1)對于"),
        ("PPP項(xiàng)目", "PPP項目"),
        ("在(PPP)項目", "在(PPP)項目"),
        ("審批(備案、核準(zhǔn))", "審批(備案、核準)"),
        ("綠(lǜ)色", "綠色"),
        ("區（qū）", "區"),
        ("好的(de)", "好的"),
        ("(de)開頭", "(de)開頭"),
        ("見(a)項", "見(a)項"),
        ("ABC(Abc)", "ABC(Abc)"),
        ("北京(Běijīng)", "北京"),
    ],
)
def test_strip_pinyin(text, expected):
    assert parser.strip_pinyin(text) == expected


def test_to_simplified():
    assert parser.to_simplified("構建親清新型政商關係") == "构建亲清新型政商关系"
    assert parser.to_simplified("PPP(1)") == "PPP(1)"


def test_normalise_punctuation():
    assert parser.normalise_punctuation("关系,是指") == "关系，是指"
    assert parser.normalise_punctuation("要求:") == "要求："
    assert parser.normalise_punctuation("1,000 and 10:30") == "1,000 and 10:30"
    assert parser.normalise_punctuation("(1)对于(含个体)") == "(1)对于（含个体）"


# --- Chinese numerals -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十五", 15),
        ("二十", 20),
        ("二十三", 23),
        ("九十九", 99),
        ("一百", 100),
        ("一百零五", 105),
        ("一百一十", 110),
        ("两千零二十三", 2023),
        ("二〇二三", 2023),
        ("〇", 0),
        ("15", 15),
    ],
)
def test_chinese_numeral_to_int(text, value):
    assert parser.chinese_numeral_to_int(text) == value


@pytest.mark.parametrize("text", ["", "第一", "abc", "二二十"])
def test_chinese_numeral_to_int_rejects_garbage(text):
    with pytest.raises(ValueError):
        parser.chinese_numeral_to_int(text)


# --- content_hash -------------------------------------------------------------


def test_content_hash_ignores_formatting_noise(raw):
    digest = parser.content_hash(raw)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    noisy = "\ufeff" + raw.replace("\n", "  \r\n\r\n")
    assert parser.content_hash(noisy) == digest
    assert parser.content_hash(raw.replace("總則", "總綱")) != digest


# --- Generic behaviour on small samples ---------------------------------------


def test_document_without_chapters_and_with_references():
    text = "某办法\n前言一段。\n第一条总体要求。\n第二条依照第一条规定执行。第三条另行规定。\n"
    policy = parser.parse_policy(text)
    assert policy.title == "某办法"
    assert policy.preamble == "前言一段。"
    assert [c.number for c in policy.chapters] == [0]
    assert [(a.number, a.text) for a in policy.articles] == [
        (1, "总体要求。"),
        (2, "依照第一条规定执行。"),
        (3, "另行规定。"),
    ]


def test_item_lists_restart_and_irregular_numbering_warns():
    text = "标题\n第一章 总则\n第一条 要求：\n(1)甲；\n(3)乙。\n说明：\n(1)丙。\n"
    policy = parser.parse_policy(text)
    article = policy.articles[0]
    assert [(i.key, i.text) for i in article.items] == [("1.1", "甲；"), ("1.2", "乙。"), ("1.b1", "丙。")]
    assert any("item (3)" in warning for warning in policy.warnings)


def test_unnumbered_paragraphs_without_lead_in_are_not_items():
    text = "标题\n第一条 第一段。\n第二段。\n第三段。\n"
    assert parser.parse_policy(text).articles[0].items == []


def test_announced_count_must_match_for_unnumbered_list():
    text = "标题\n第一条 做到三个坚持：\n坚持甲；\n坚持乙。\n"
    assert parser.parse_policy(text).articles[0].items == []
