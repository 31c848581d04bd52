"""Pages and webhooks through which appeals come in (article 8). Thin: parse, verify, call
``appeal_file``/``appeal_status_for``, acknowledge on the same channel.

- the public district head's mailbox and its status lookup (no account needed);
- the SMS gateway webhook (HMAC-signed) and the WeChat official account callback;
- the operator page for calls, letters, visits and roundtables, with a printable
  acknowledgement for letters.
"""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from qinqing.appeals.models import Appeal, Channel
from qinqing.core import audit, clock, district
from qinqing.core.access import sees_all
from qinqing.core.errors import NotFound, ServiceError
from qinqing.core.forms import bind_error, form_status, posted

from . import services
from .channels import intake, sms, wechat
from .channels.operator import OperatorAppealForm
from .channels.portal import MailboxForm, StatusLookupForm
from .channels.wechat import sender as wechat_sender

logger = logging.getLogger("qinqing.appeals.channels")

SESSION_FILED_KEY = "appeals_portal_filed"


def _client_address(request) -> str:
    # REMOTE_ADDR only: a forwarded-for header is whatever the client wants it to be.
    return request.META.get("REMOTE_ADDR", "")


# --- the public district head's mailbox ------------------------------------------------------
@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def portal_mailbox(request):
    form = MailboxForm(posted(request))
    if request.method == "POST":
        if form.is_robot():
            # Robots get the same form back and nothing is stored.
            form.add_error(None, _("Your submission could not be accepted. Please try again."))
        elif intake.rate_limit_exceeded(
            "portal-address", _client_address(request),
            limit=intake.limit_setting("PORTAL_SUBMISSIONS_PER_ADDRESS_PER_HOUR", 20),
        ):
            form.add_error(None, _("Too many submissions from this network in the last hour. "
                                   "Please try again later."))
        elif form.is_valid():
            data = form.cleaned_data
            enterprise = intake.match_enterprise(data["enterprise_uscc"])
            if data["enterprise_uscc"] and enterprise is None:
                form.add_error("enterprise_uscc", _(
                    "No enterprise with this unified social credit code is recorded in the district "
                    "directory. Check the code, or leave it empty."
                ))
            elif intake.rate_limit_exceeded(
                "portal-phone", data["contact_phone"],
                limit=intake.limit_setting("PORTAL_SUBMISSIONS_PER_PHONE_PER_HOUR", 5),
            ):
                form.add_error("contact_phone", _("Too many submissions with this phone number in the last "
                                                  "hour. Please try again later."))
            else:
                content = data["content"]
                if data["enterprise_name"] and enterprise is None:
                    # Unmatched names are kept with the text so nothing the person wrote is lost.
                    given = _("Enterprise (as given): %(name)s") % {"name": data["enterprise_name"]}
                    content = given + "\n\n" + content
                report_filed = _mailbox_report(request, form, data, content)
                if report_filed is not None:
                    return report_filed
                try:
                    result = services.appeal_file(
                        channel=Channel.WEB_PORTAL, title=data["title"], content=content,
                        actor=audit.SystemActor("channel:web_portal"), enterprise=enterprise,
                        contact_name=data["contact_name"], contact_phone=data["contact_phone"],
                        category=data["category"] or None,
                    )
                except ServiceError as error:
                    bind_error(form, error)
                else:
                    receipt = result.receipt  # issue 19: the filing's receipt code, known at filing
                    request.session[SESSION_FILED_KEY] = {"number": result.tracking_number,
                                                          "merged": result.merged,
                                                          "receipt": receipt.code if receipt else ""}
                    return redirect("appeals_channels:portal_filed")
    return render(request, "appeals/portal_mailbox.html", {"form": form}, status=form_status(form))


@login_not_required
@never_cache
def portal_filed(request):
    """The acknowledgement page; the number lives in this browser's session only."""
    filed = request.session.get(SESSION_FILED_KEY)
    if not filed:
        return redirect("appeals_channels:portal_mailbox")
    return render(request, "appeals/portal_filed.html",
                  {"tracking_number": filed["number"], "merged": filed["merged"],
                   "receipt": filed.get("receipt")})


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def portal_status(request):
    form = StatusLookupForm(posted(request))
    appeal = None
    if request.method == "POST":
        if intake.rate_limit_exceeded(
            "portal-lookup", _client_address(request),
            limit=intake.limit_setting("PORTAL_LOOKUPS_PER_ADDRESS_PER_HOUR", 60),
        ):
            form.add_error(None, _("Too many lookups from this network in the last hour. "
                                   "Please try again later."))
        elif form.is_valid():
            try:
                appeal = services.appeal_status_for(
                    tracking_number=form.cleaned_data["tracking_number"],
                    contact_phone=form.cleaned_data["contact_phone"],
                )
            except NotFound:
                # The same answer for an unknown number and a wrong phone: nothing leaks.
                form.add_error("tracking_number",
                               _("No appeal matches this tracking number and phone number."))
    context = {"form": form, "appeal": appeal, "timeline": intake.public_timeline(appeal) if appeal else []}
    return render(request, "appeals/portal_status.html", context, status=form_status(form))


# --- SMS gateway ------------------------------------------------------------------------------
def _mailbox_report(request, form, data, content):
    """The mailbox's "Report (not handled here)" goes to supervision's sealed channel (article 17), never into
    the appeals pool: the receipt page with the code, the form again when refused, or None (another category, or
    no supervision installed)."""  # noqa: E501
    from django.apps import apps

    from qinqing.appeals.models import Category

    if data.get("category") != Category.NOT_OURS or not apps.is_installed("qinqing.supervision"):
        return None
    from qinqing.supervision.channels import file_from_mailbox
    from qinqing.supervision.services import client_of

    try:
        report, code = file_from_mailbox(
            title=data["title"],
            content=content,
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
            client=client_of(request),
        )
    except ServiceError as error:
        bind_error(form, error)
        return render(request, "appeals/portal_mailbox.html", {"form": form}, status=error.status)
    from qinqing.supervision.views import filed_answer

    return filed_answer(request, report, code)


def _report_keyword(channel: str, text: str, contact: str) -> str | None:
    """A message starting with 举报 is a report (article 17): supervision files it, never the appeals pool.
    Returns the reply, or None when the message is not a report (or supervision is not installed)."""
    from django.apps import apps

    if not apps.is_installed("qinqing.supervision"):
        return None
    from qinqing.supervision.channels import file_from_channel

    return file_from_channel(channel=channel, text=text, contact=contact)


def _sms_reply(phone: str, text: str, *, appeal=None) -> None:
    """A direct answer by SMS: the status-answer template for an appeal, else the free text
    (through the free-text template, when the provider has one)."""
    from django.core.exceptions import ImproperlyConfigured

    from .channels.sms.templates import STATUS_ANSWER, TemplateValueRefused, values_for

    try:
        if appeal is not None:
            result = sms.send_sms_template(
                phone=phone, kind=STATUS_ANSWER, values=values_for(STATUS_ANSWER, appeal)
            )
        else:
            result = sms.send_sms(phone=phone, text=text)
    except (ImproperlyConfigured, TemplateValueRefused) as error:
        logger.warning("SMS reply not sent: %s", error)
        return
    if not result.accepted:
        logger.warning("SMS status reply not accepted by the provider: %s", result.error)


@csrf_exempt
@login_not_required
@require_POST
def sms_webhook(request):
    config = sms.channel_settings()
    max_skew = int(config.get("SMS_MAX_CLOCK_SKEW_SECONDS", 300))
    body = request.body
    signature = request.headers.get(sms.SIGNATURE_HEADER, "")
    try:
        sms.verify_gateway_request(
            secret=config.get("SMS_GATEWAY_SECRET", ""), timestamp=request.headers.get(sms.TIMESTAMP_HEADER),
            signature=signature, body=body, max_skew_seconds=max_skew,
        )
    except sms.SignatureRejected as error:
        logger.warning("SMS webhook refused: %s", error)
        return HttpResponseForbidden("invalid signature")
    # A valid signature seen before within the freshness window is a replay.
    if intake.seen_before("sms-signature", signature.strip().lower(), window_seconds=2 * max_skew):
        logger.warning("SMS webhook refused: replayed signature")
        return HttpResponseForbidden("replayed request")
    try:
        message = sms.parse_gateway_body(body)
    except ValueError as error:
        return JsonResponse({"code": "invalid", "message": str(error)}, status=400)
    outcome, status = _handle_inbound_sms(message)
    return JsonResponse(outcome, status=status)


def _handle_inbound_sms(message) -> tuple[dict, int]:
    """What every inbound SMS adapter does once the request is verified: a report goes to
    supervision, a status query is answered, anything else is filed. (outcome, HTTP status)."""
    with district.language():
        report_reply = _report_keyword("sms", message.text, message.phone)
        if report_reply is not None:
            _sms_reply(message.phone, report_reply)
            return {"kind": "report"}, 200
        tracking_number = sms.status_query_tracking_number(message.text)
        if tracking_number:
            try:
                appeal = services.appeal_status_for(tracking_number=tracking_number,
                                                    contact_phone=message.phone)
                text = intake.status_text(appeal)
            except NotFound:
                appeal = None
                text = (_("No appeal %(number)s was filed from this phone number.")
                        % {"number": tracking_number})
            _sms_reply(message.phone, text, appeal=appeal)
            return {"kind": "status", "reply": text}, 200
        try:
            result = services.appeal_file(
                channel=Channel.SMS, title="", content=message.text, actor=audit.SystemActor("channel:sms"),
                contact_phone=message.phone,
            )
        except ServiceError as error:
            return error.as_dict(), error.status
    # The acknowledgement SMS itself goes through the notifications outbox (queued by appeal_file).
    receipt = result.receipt  # known at filing (issue 19)
    return {"kind": "filed", "tracking_number": result.tracking_number, "merged": result.merged,
            "receipt": receipt.code if receipt else None}, 200


@csrf_exempt
@login_not_required
@require_POST
def sms_tencent_callback(request, token: str):
    """Tencent Cloud SMS's reply callback (回复短信回调), in its own format: a JSON body with
    ``extend, mobile, nationcode, sign, text, time``, answered ``{"result": 0, "errmsg": "OK"}``.
    Tencent does not sign it: the secret is the URL's last segment (set in the Tencent console),
    the ``sign`` must be our signature, ``time`` recent, and a (mobile, time, text) seen before is
    answered OK without filing again (Tencent retries a callback it got no answer to)."""
    config = sms.channel_settings()
    try:
        message = sms.parse_tencent_reply(
            request.body, expected_token=config.get("TENCENTCLOUD_SMS_CALLBACK_TOKEN", ""), token=token,
            sign_name=config.get("TENCENTCLOUD_SMS_SIGN_NAME", ""),
            max_age_seconds=int(config.get("TENCENTCLOUD_SMS_CALLBACK_MAX_AGE_SECONDS", 86400)),
        )
    except sms.SignatureRejected as error:
        logger.warning("Tencent Cloud SMS callback refused: %s", error)
        return JsonResponse({"result": 403, "errmsg": "forbidden"}, status=403)
    except ValueError as error:
        return JsonResponse({"result": 400, "errmsg": str(error)}, status=400)
    if intake.seen_before("sms-tencent", message.message_id, window_seconds=2 * 86400):
        return JsonResponse({"result": 0, "errmsg": "OK"})
    outcome, status = _handle_inbound_sms(message)
    if status >= 400:
        # Kept as a Tencent answer: a non-zero result with our reason (Tencent does not retry on it).
        return JsonResponse({"result": status, "errmsg": str(outcome.get("message", ""))[:200]})
    return JsonResponse({"result": 0, "errmsg": "OK"})


# --- WeChat official account ------------------------------------------------------------------
def _wechat_status_reply(openid: str) -> str:
    appeals = intake.latest_appeals_for_external_user(openid)
    if not appeals:
        return _("You have not filed any appeal through this account yet. Send your question or demand "
                 "as a message.")
    return "\n".join(intake.status_text(appeal) for appeal in appeals)


@csrf_exempt
@login_not_required
@require_http_methods(["GET", "POST"])
def wechat_webhook(request):
    config = wechat.WeChatConfig.from_settings()
    params = request.GET
    if request.method == "GET":
        try:
            wechat.verify_callback(config, signature=params.get("signature", ""),
                                   timestamp=params.get("timestamp", ""), nonce=params.get("nonce", ""))
        except wechat.CallbackRejected as error:
            logger.warning("WeChat verification refused: %s", error)
            return HttpResponseForbidden("invalid signature")
        return HttpResponse(params.get("echostr", ""), content_type="text/plain")

    try:
        message = wechat.read_message(config, request.body, params=params)
    except wechat.CallbackRejected as error:
        logger.warning("WeChat callback refused: %s", error)
        return HttpResponseForbidden("invalid signature")
    # The user wrote just now: customer-service messages may reach them for 48 hours.
    wechat_sender.heard_from(getattr(message, "source", ""))

    with district.language():
        if getattr(message, "type", "") != "text":
            text = _("Please send your question or demand as a text message.")
            return _wechat_reply(config, message, text, params)
        # WeChat retries a message it got no answer to within 15 s: the same MsgId files once.
        message_key = f"{message.source}:{message.id}"
        if message.id and intake.seen_before("wechat-message", message_key, window_seconds=600):
            appeals = intake.latest_appeals_for_external_user(message.source, limit=1)
            text = (_("Your appeal has been received. Tracking number %(number)s.")
                    % {"number": appeals[0].tracking_number}
                    if appeals else _("Your message has been received."))
            return _wechat_reply(config, message, text, params)
        content = (message.content or "").strip()
        report_reply = _report_keyword("wechat", content, f"wechat:{message.source}")
        if report_reply is not None:
            return _wechat_reply(config, message, report_reply, params)
        if wechat.is_status_request(content):
            return _wechat_reply(config, message, _wechat_status_reply(message.source), params)
        tracking_number = sms.status_query_tracking_number(content)
        if tracking_number:
            try:
                appeal = services.appeal_status_for(tracking_number=tracking_number,
                                                    external_user_id=message.source)
                text = intake.status_text(appeal)
            except NotFound:
                text = _("No appeal %(number)s was filed from this account.") % {"number": tracking_number}
            return _wechat_reply(config, message, text, params)
        try:
            result = services.appeal_file(
                channel=Channel.WECHAT, title="", content=content, actor=audit.SystemActor("channel:wechat"),
                external_user_id=message.source,
            )
        except ServiceError as error:
            return _wechat_reply(config, message, error.text(), params)
        if result.merged:
            text = _("You already filed this appeal; it is being handled under tracking number "
                     "%(number)s.") % {"number": result.tracking_number}
        else:
            text = _(
                "Your appeal has been received. Tracking number %(number)s. Send \"查询\" at any time to see "
                "its progress."
            ) % {"number": result.tracking_number}
        receipt = result.receipt  # issue 19: the filing's receipt and where to check it
        if receipt is not None:
            text += " " + _("Filing receipt code %(code)s; check that your filing is in the public audit "
                            "log at %(url)s") % {"code": receipt.code, "url": receipt.url(request)}
        return _wechat_reply(config, message, text, params)


def _wechat_reply(config, message, text: str, params) -> HttpResponse:
    xml = wechat.render_text_reply(config, message, text, params=params)
    return HttpResponse(xml, content_type="application/xml; charset=utf-8")


# --- operator: calls, letters, visits, roundtables ---------------------------------------------
@require_http_methods(["GET", "POST"])
def operator_record(request):
    form = OperatorAppealForm(posted(request), initial={"received_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        enterprise = intake.match_enterprise(data["enterprise_uscc"])
        if data["enterprise_uscc"] and enterprise is None:
            form.add_error("enterprise_uscc", _("No enterprise with this unified social credit code is "
                                                "recorded in the district directory."))
        else:
            received_at = _received_at(data["received_on"])
            try:
                result = services.appeal_file(
                    channel=data["channel"], title=data["title"], content=data["content"], actor=request.user,
                    enterprise=enterprise, contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"], contact_address=data["contact_address"],
                    category=data["category"] or None, received_at=received_at,
                )
            except ServiceError as error:
                bind_error(form, error)
            else:
                number = result.appeal.tracking_number
                return redirect("appeals_channels:operator_acknowledgement", tracking_number=number)
    return render(request, "appeals/operator_record.html", {"form": form}, status=form_status(form))


def _received_at(received_on):
    """Today keeps the current time; an earlier day counts from that day's start of office hours."""
    import datetime

    if received_on == clock.today():
        return clock.now()
    return timezone.make_aware(datetime.datetime.combine(received_on, datetime.time(9, 0)))


def operator_acknowledgement(request, tracking_number: str):
    """What to tell (or print and post to) the person: their number and the acknowledgement."""
    appeals = Appeal.objects.select_related("merged_into", "enterprise")
    if not sees_all(request.user, "appeals_channels:operator_acknowledgement"):
        appeals = appeals.filter(submitted_by=request.user)
    appeal = appeals.filter(tracking_number=tracking_number).first()
    if appeal is None:
        raise Http404
    original = appeal.merged_into or appeal
    if appeal.contact_name or appeal.contact_address or original.contact_address:
        # The sender's name and postal address are shown in clear: the read is on record.
        from qinqing.core.audit.pii_reads import record_read

        record_read(actor=request.user, action="appeals.appeal.contact_read", model=Appeal,
                    object_id=appeal.pk,
                    details={"tracking_number": appeal.tracking_number, "page": "operator_acknowledgement"})
    context = {
        "appeal": appeal,
        "original": original,
        "merged": appeal.merged_into_id is not None,
        "contact_address": appeal.contact_address or original.contact_address,
        "printable": appeal.channel == Channel.LETTER or request.GET.get("print") == "1",
        "today": clock.today(),
        "district_name": district.current().district_name,
    }
    return render(request, "appeals/operator_acknowledgement.html", context)
