"""WeChat official account callback: signature on GET and POST, text messages become appeals,
"查询"/"进度" answers with the sender's own appeals. Messages are built and signed as WeChat does."""

import hashlib
import secrets
import time

import pytest
import xmltodict
from django.core.cache import cache
from django.urls import reverse
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto

from qinqing.appeals.models import Appeal, Channel

TOKEN = "test-wechat-token"
APP_ID = "wx0123456789abcdef"
ENCODING_AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters, as WeChat issues them
ACCOUNT = "gh_0123456789ab"
OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
_message_ids = iter(range(6_000_000_000_000_000_000, 7_000_000_000_000_000_000))


@pytest.fixture(autouse=True)
def _channel_settings(settings, request):
    # The cache is the database (settings.CACHES): only tests that may use the database clear it.
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        request.fixturenames
    )
    if uses_db:
        cache.clear()
    settings.APPEAL_CHANNELS = {**settings.APPEAL_CHANNELS, "WECHAT_TOKEN": TOKEN, "WECHAT_APP_ID": APP_ID,
                                "WECHAT_ENCODING_AES_KEY": ""}
    settings.APPEALS_DELIVER_ON_COMMIT = False
    yield
    if uses_db:
        cache.clear()


def wechat_signature(token: str, timestamp: str, nonce: str) -> str:
    """What WeChat sends: sha1 of the token, timestamp and nonce sorted and joined."""
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()  # noqa: S324 (WeChat's scheme)


def text_message_xml(content: str, *, openid: str = OPENID, message_id: int | None = None) -> str:
    return (
        "<xml>"
        f"<ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime>"
        "<MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content>"
        f"<MsgId>{message_id if message_id is not None else next(_message_ids)}</MsgId>"
        "</xml>"
    )


def new_nonce() -> str:
    """WeChat sends a fresh numeric nonce with every request (its retries included)."""
    return str(secrets.randbelow(10**10))


def signed_query(
    token: str = TOKEN, *, timestamp: str | None = None, nonce: str | None = None, **extra
) -> dict:
    timestamp, nonce = timestamp or str(int(time.time())), nonce or new_nonce()
    return {"signature": wechat_signature(token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce,
            "openid": OPENID, **extra}


def post_message(client, xml: str, *, query: dict | None = None):
    query = query if query is not None else signed_query()
    url = (
        reverse("appeals_channels:wechat_webhook")
        + "?"
        + "&".join(f"{key}={value}" for key, value in query.items())
    )
    return client.post(url, data=xml.encode(), content_type="text/xml")


def reply_of(response, *, openid: str = OPENID):
    assert response.status_code == 200
    reply = parse_message(response.content)
    assert reply.source == ACCOUNT and reply.target == openid
    return reply.content


def test_server_verification_echoes_echostr_when_signed(client):
    response = client.get(
        reverse("appeals_channels:wechat_webhook"), signed_query(echostr="8152963937423213597")
    )
    assert response.status_code == 200
    assert response.content == b"8152963937423213597"


def test_server_verification_with_a_wrong_signature_is_refused(client):
    response = client.get(
        reverse("appeals_channels:wechat_webhook"), signed_query(token="wrong", echostr="815")
    )
    assert response.status_code == 403
    assert b"815" not in response.content


@pytest.mark.django_db
def test_text_message_files_an_appeal_and_replies_with_the_tracking_number(client):
    response = post_message(client, text_message_xml("我们企业的出口退税已经三个月没有到账，请帮忙催办。"))
    appeal = Appeal.objects.get()
    assert appeal.channel == Channel.WECHAT
    assert appeal.external_user_id == OPENID
    assert appeal.tracking_number in reply_of(response)
    assert response["Content-Type"].startswith("application/xml")


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["wrong_token", "no_signature", "tampered_timestamp"])
def test_message_with_a_bad_signature_is_refused_and_nothing_is_stored(client, case):
    if case == "wrong_token":
        query = signed_query(token="not-our-token")
    elif case == "no_signature":
        query = {"timestamp": str(int(time.time())), "nonce": "1", "openid": OPENID}
    else:
        query = {**signed_query(), "timestamp": str(int(time.time()) - 3600)}
    response = post_message(client, text_message_xml("伪造的消息"), query=query)
    assert response.status_code == 403
    assert Appeal.objects.count() == 0


@pytest.mark.django_db
def test_wechat_retry_of_the_same_message_files_it_once(client):
    xml = text_message_xml("用地审批材料已经提交，一直没有答复。", message_id=1234567890123456)
    first = reply_of(post_message(client, xml))
    retried = reply_of(post_message(client, xml))
    assert Appeal.objects.count() == 1
    number = Appeal.objects.get().tracking_number
    assert number in first and number in retried


@pytest.mark.django_db
@pytest.mark.parametrize("word", ["查询", "进度"])
def test_later_status_request_from_the_same_user_lists_their_appeals(client, word):
    post_message(client, text_message_xml("希望简化高新技术企业认定的申报流程。"))
    number = Appeal.objects.get().tracking_number
    status = reply_of(post_message(client, text_message_xml(word)))
    assert number in status
    assert Appeal.objects.count() == 1


@pytest.mark.django_db
def test_status_request_from_another_user_does_not_show_someone_elses_appeal(client):
    post_message(client, text_message_xml("厂房租金补贴什么时候发放？"))
    number = Appeal.objects.get().tracking_number
    other = "oOtherUser000000000000000000"
    status = reply_of(post_message(client, text_message_xml("查询", openid=other)), openid=other)
    assert number not in status
    status = reply_of(post_message(client, text_message_xml(f"查询 {number}", openid=other)), openid=other)
    assert "厂房" not in status and "租金" not in status


@pytest.mark.django_db
def test_safe_mode_decrypts_the_message_and_encrypts_the_reply(client, settings):
    settings.APPEAL_CHANNELS = {**settings.APPEAL_CHANNELS, "WECHAT_ENCODING_AES_KEY": ENCODING_AES_KEY}
    crypto = WeChatCrypto(TOKEN, ENCODING_AES_KEY, APP_ID)
    timestamp, nonce = str(int(time.time())), new_nonce()
    encrypted = crypto.encrypt_message(
        text_message_xml("安全模式下的诉求：请协调解决物流车辆通行证。"), nonce, timestamp
    )
    msg_signature = xmltodict.parse(encrypted)["xml"]["MsgSignature"]
    query = {"signature": wechat_signature(TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce,
             "openid": OPENID, "encrypt_type": "aes", "msg_signature": msg_signature}
    response = post_message(client, encrypted, query=query)
    assert response.status_code == 200
    envelope = xmltodict.parse(response.content)["xml"]
    assert envelope["Encrypt"]
    reply = parse_message(
        crypto.decrypt_message(
            response.content, envelope["MsgSignature"], envelope["TimeStamp"], envelope["Nonce"]
        )
    )
    assert Appeal.objects.get().tracking_number in reply.content


@pytest.mark.django_db
def test_safe_mode_message_with_a_forged_msg_signature_is_refused(client, settings):
    settings.APPEAL_CHANNELS = {**settings.APPEAL_CHANNELS, "WECHAT_ENCODING_AES_KEY": ENCODING_AES_KEY}
    crypto = WeChatCrypto(TOKEN, ENCODING_AES_KEY, APP_ID)
    timestamp, nonce = str(int(time.time())), new_nonce()
    encrypted = crypto.encrypt_message(text_message_xml("伪造"), nonce, timestamp)
    query = {"signature": wechat_signature(TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce,
             "openid": OPENID, "encrypt_type": "aes", "msg_signature": "0" * 40}
    assert post_message(client, encrypted, query=query).status_code == 403
    assert Appeal.objects.count() == 0


def encrypted_post(client, xml: str, *, timestamp: str | None = None, nonce: str | None = None):
    """A safe-mode message exactly as WeChat sends it: the Encrypt envelope, encrypt_type=aes, msg_signature."""  # noqa: E501
    crypto = WeChatCrypto(TOKEN, ENCODING_AES_KEY, APP_ID)
    timestamp, nonce = timestamp or str(int(time.time())), nonce or new_nonce()
    encrypted = crypto.encrypt_message(xml, nonce, timestamp)
    msg_signature = xmltodict.parse(encrypted)["xml"]["MsgSignature"]
    query = {"signature": wechat_signature(TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce,
             "openid": OPENID, "encrypt_type": "aes", "msg_signature": msg_signature}
    return post_message(client, encrypted, query=query)


@pytest.mark.django_db
@pytest.mark.parametrize("age_seconds", [30 * 24 * 3600, 600, -600])
def test_a_callback_signed_long_ago_or_in_the_future_is_refused_and_nothing_is_stored(client, age_seconds):
    """A request captured 30 days (or 10 minutes) ago, correctly signed, replayed today."""
    query = signed_query(timestamp=str(int(time.time()) - age_seconds))
    response = post_message(client, text_message_xml("三十天前截获的消息，今天重放"), query=query)
    assert response.status_code == 403
    assert Appeal.objects.count() == 0


@pytest.mark.django_db
def test_the_same_timestamp_and_nonce_twice_is_refused_and_files_nothing_more(client):
    query = signed_query()
    first = post_message(client, text_message_xml("第一次发送的诉求：园区道路积水严重。"), query=query)
    assert first.status_code == 200
    # The captured request replayed with another body (another openid, another MsgId): same signature.
    replayed = post_message(
        client, text_message_xml("伪造的诉求", openid="oForgedOpenid0000000000000000"), query=query
    )
    assert replayed.status_code == 403
    assert Appeal.objects.count() == 1
    assert not Appeal.objects.filter(external_user_id="oForgedOpenid0000000000000000").exists()


@pytest.mark.django_db
def test_a_replayed_nonce_is_refused_by_every_process_through_the_shared_cache(client):
    from qinqing.appeals.intake.channels import intake

    query = signed_query()
    # Another process already saw this pair: the shared cache remembers it, not this process's memory.
    assert not intake.seen_before(
        "wechat-nonce", f"{query['timestamp']}:{query['nonce']}", window_seconds=660
    )
    assert post_message(client, text_message_xml("其他进程已经收到的请求"), query=query).status_code == 403
    assert Appeal.objects.count() == 0


@pytest.mark.django_db
def test_safe_mode_refuses_a_plaintext_message_and_stores_nothing(client, settings):
    settings.APPEAL_CHANNELS = {**settings.APPEAL_CHANNELS, "WECHAT_ENCODING_AES_KEY": ENCODING_AES_KEY}
    # Correctly signed by someone who knows the token, but not encrypted: encrypt_type left out, or "raw".
    for extra in ({}, {"encrypt_type": "raw"}):
        response = post_message(client, text_message_xml("明文消息冒充的诉求"), query=signed_query(**extra))
        assert response.status_code == 403
    assert Appeal.objects.count() == 0
    response = encrypted_post(client, text_message_xml("安全模式下正常加密的诉求：请协调供电。"))
    assert response.status_code == 200
    assert Appeal.objects.count() == 1


@pytest.mark.django_db
def test_safe_mode_replay_of_an_encrypted_message_is_refused(client, settings):
    settings.APPEAL_CHANNELS = {**settings.APPEAL_CHANNELS, "WECHAT_ENCODING_AES_KEY": ENCODING_AES_KEY}
    timestamp, nonce = str(int(time.time())), new_nonce()
    xml = text_message_xml("加密消息被截获后重放")
    assert encrypted_post(client, xml, timestamp=timestamp, nonce=nonce).status_code == 200
    assert encrypted_post(client, xml, timestamp=timestamp, nonce=nonce).status_code == 403
    assert Appeal.objects.count() == 1


@pytest.mark.django_db
def test_the_same_text_from_the_same_openid_is_merged_but_another_openid_files_its_own(client):
    text = "开发区的污水管网接入申请已经两个月没有批复，请帮忙协调。"
    post_message(client, text_message_xml(text))
    repeat = reply_of(post_message(client, text_message_xml(text)))
    original = Appeal.objects.get(merged_into__isnull=True)
    assert original.tracking_number in repeat
    assert Appeal.objects.get(merged_into=original).external_user_id == OPENID
    other = "oAnotherUser0000000000000000"
    post_message(client, text_message_xml(text, openid=other))
    assert Appeal.objects.filter(external_user_id=other, merged_into__isnull=True).count() == 1


@pytest.mark.django_db
def test_message_id_deduplication_is_per_openid_in_the_shared_cache(client):
    xml = text_message_xml("同一个消息编号，两个不同的用户。", message_id=987654321)
    post_message(client, xml)
    other = "oSecondUser00000000000000000"
    post_message(
        client, text_message_xml("另一个用户的消息，碰巧同一个编号。", openid=other, message_id=987654321)
    )
    assert Appeal.objects.filter(external_user_id=other).count() == 1
    assert Appeal.objects.count() == 2
