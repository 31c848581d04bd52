"""WeChat official account: the server callback's signature, messages and replies (wechatpy).

WeChat signs every callback with ``sha1(sorted([token, timestamp, nonce]))``; in safe
mode the message itself is AES-encrypted and carries ``msg_signature``. We check the
signature before reading the body, so a forged callback stores nothing.

Replays: the signature covers only the token, ``timestamp`` and ``nonce``, so a captured
request stays valid for ever unless the timestamp is bounded. A callback whose timestamp is
more than ``WECHAT_MAX_CLOCK_SKEW_SECONDS`` (300) away from our clock is refused, and so is a
(timestamp, nonce) pair already seen — remembered in the shared cache (``CACHES``) for twice
that window, so every process and worker sees it. WeChat's own retries of an unanswered
message come as new requests (new timestamp and nonce, same ``MsgId``); the view files them
once by ``openid:MsgId``, again in the shared cache.

Safe mode (``WECHAT_ENCODING_AES_KEY`` configured): WeChat sends ``encrypt_type=aes`` and the
``Encrypt`` envelope; a message without it is plaintext and refused.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from ..sms import channel_settings

# Words that ask for the status of one's own appeals instead of filing a new one.
STATUS_WORDS = {"查询", "进度", "查询进度", "状态", "CX", "JD"}


class CallbackRejected(Exception):
    """Signature or decryption failed: answer 403 and keep nothing."""


@dataclass(frozen=True)
class WeChatConfig:
    token: str
    app_id: str = ""
    encoding_aes_key: str = ""
    max_skew_seconds: int = 300

    @property
    def safe_mode(self) -> bool:
        return bool(self.encoding_aes_key)

    @classmethod
    def from_settings(cls) -> WeChatConfig:
        config = channel_settings()
        return cls(
            token=config.get("WECHAT_TOKEN", ""),
            app_id=config.get("WECHAT_APP_ID", ""),
            encoding_aes_key=config.get("WECHAT_ENCODING_AES_KEY", ""),
            max_skew_seconds=int(config.get("WECHAT_MAX_CLOCK_SKEW_SECONDS", 300)),
        )

    def crypto(self) -> WeChatCrypto:
        return WeChatCrypto(self.token, self.encoding_aes_key, self.app_id)


def verify_callback(
    config: WeChatConfig, *, signature: str, timestamp: str, nonce: str, now: float | None = None
) -> None:
    """The signature matches and the timestamp is within ``max_skew_seconds`` of our clock."""
    if not config.token:
        raise CallbackRejected("no WeChat token configured")
    try:
        check_signature(config.token, signature or "", timestamp or "", nonce or "")
    except InvalidSignatureException as error:
        raise CallbackRejected("signature mismatch") from error
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError) as error:
        raise CallbackRejected("timestamp is not an integer") from error
    current = time.time() if now is None else now
    if abs(current - sent_at) > config.max_skew_seconds:
        raise CallbackRejected("stale timestamp")


def refuse_replay(config: WeChatConfig, *, timestamp: str, nonce: str) -> None:
    """Remember this (timestamp, nonce) in the shared cache; refuse it if it was seen before.
    Called after the signature was verified, so forged requests cannot fill the cache."""
    from ..intake import seen_before

    if not nonce:
        raise CallbackRejected("missing nonce")
    if seen_before("wechat-nonce", f"{timestamp}:{nonce}", window_seconds=2 * config.max_skew_seconds + 60):
        raise CallbackRejected("replayed timestamp and nonce")


def read_message(config: WeChatConfig, body: bytes, *, params) -> object:
    """Verify and parse a POSTed message; in safe mode decrypt it first (plaintext is refused)."""
    verify_callback(config, signature=params.get("signature", ""), timestamp=params.get("timestamp", ""),
                    nonce=params.get("nonce", ""))
    if config.safe_mode and params.get("encrypt_type", "raw") != "aes":
        raise CallbackRejected("plaintext message in safe mode")
    refuse_replay(config, timestamp=params.get("timestamp", ""), nonce=params.get("nonce", ""))
    xml = body
    if config.safe_mode:
        try:
            xml = config.crypto().decrypt_message(
                body, params.get("msg_signature", ""), params.get("timestamp", ""), params.get("nonce", "")
            )
        except (InvalidSignatureException, InvalidAppIdException) as error:
            raise CallbackRejected("encrypted message rejected") from error
    try:
        return parse_message(xml)
    except Exception as error:  # wechatpy raises plain parser errors for malformed XML
        raise CallbackRejected("malformed message") from error


def render_text_reply(config: WeChatConfig, message, text: str, *, params) -> str:
    """The passive reply XML; encrypted again when the message came encrypted."""
    xml = TextReply(content=text, message=message).render()
    if config.safe_mode:
        return config.crypto().encrypt_message(xml, params.get("nonce", ""), params.get("timestamp", ""))
    return xml


def is_status_request(text: str) -> bool:
    return (text or "").strip().upper() in STATUS_WORDS
