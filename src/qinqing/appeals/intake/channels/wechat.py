"""WeChat official account: the server callback's signature, messages and replies (wechatpy).

WeChat signs every callback with ``sha1(sorted([token, timestamp, nonce]))``; in safe
mode the message itself is AES-encrypted and carries ``msg_signature``. We check the
signature before reading the body, so a forged callback stores nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from .sms import channel_settings

# Words that ask for the status of one's own appeals instead of filing a new one.
STATUS_WORDS = {"查询", "进度", "查询进度", "状态", "CX", "JD"}


class CallbackRejected(Exception):
    """Signature or decryption failed: answer 403 and keep nothing."""


@dataclass(frozen=True)
class WeChatConfig:
    token: str
    app_id: str = ""
    encoding_aes_key: str = ""

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
        )

    def crypto(self) -> WeChatCrypto:
        return WeChatCrypto(self.token, self.encoding_aes_key, self.app_id)


def verify_callback(config: WeChatConfig, *, signature: str, timestamp: str, nonce: str) -> None:
    if not config.token:
        raise CallbackRejected("no WeChat token configured")
    try:
        check_signature(config.token, signature or "", timestamp or "", nonce or "")
    except InvalidSignatureException as error:
        raise CallbackRejected("signature mismatch") from error


def read_message(config: WeChatConfig, body: bytes, *, params) -> object:
    """Verify and parse a POSTed message; in safe mode decrypt it first."""
    verify_callback(config, signature=params.get("signature", ""), timestamp=params.get("timestamp", ""),
                    nonce=params.get("nonce", ""))
    xml = body
    if config.safe_mode and params.get("encrypt_type", "raw") == "aes":
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
    if config.safe_mode and params.get("encrypt_type", "raw") == "aes":
        return config.crypto().encrypt_message(xml, params.get("nonce", ""), params.get("timestamp", ""))
    return xml


def is_status_request(text: str) -> bool:
    return (text or "").strip().upper() in STATUS_WORDS
