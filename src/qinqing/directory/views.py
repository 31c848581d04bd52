"""Directory pages (articles 2, 3, 23): thin — parse, call a selector or service, render.

Resident IDs and phones are masked in every list, export and detail page; administrators
and discipline inspectors may reveal one person's full ID on its detail page, and each
look is recorded in the audit chain.
"""

from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qinqing.core.access import may_open
from qinqing.core.errors import NotFound, ServiceError
from qinqing.core.excel import xlsx_response
from qinqing.core.forms import bind_error, form_status, posted
from qinqing.core.identifiers import mask_phone
from qinqing.core.paging import page_of

from . import selectors, services
from .forms import EnterpriseForm, EnterpriseLinkForm, OfficialForm, RelatedPersonForm, UnitForm
from .models import EnterpriseLink, LinkKind, RelatedPerson


def _access(function, user, pk):
    try:
        return function(user, pk)
    except NotFound as error:
        raise Http404 from error


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


# --- index ------------------------------------------------------------------------------------
def index(request):
    user = request.user
    context = {
        "unit_count": selectors.units_visible_to(user).count(),
        "official_count": selectors.officials_visible_to(user).count(),
        "enterprise_count": selectors.enterprises_visible_to(user).count(),
        "can_see_officials": may_open(user, "directory:official_list"),
    }
    return render(request, "directory/index.html", context)


# --- units ------------------------------------------------------------------------------------
def _tree_rows(units):
    """Units in tree order with their depth (a parent outside the list makes a root)."""
    units = list(units)
    present = {unit.pk for unit in units}
    children: dict[int | None, list] = {}
    for unit in units:
        parent_id = unit.parent_id if unit.parent_id in present else None
        children.setdefault(parent_id, []).append(unit)
    rows, stack = [], [(unit, 0) for unit in reversed(children.get(None, []))]
    while stack:
        unit, depth = stack.pop()
        rows.append({"unit": unit, "depth": depth, "indent": "　" * depth + ("└ " if depth else "")})
        stack.extend((child, depth + 1) for child in reversed(children.get(unit.pk, [])))
    return rows


def unit_tree(request):
    query = request.GET.get("q", "")
    units = selectors.search_units(selectors.units_visible_to(request.user), query)
    return render(request, "directory/unit_tree.html", {"rows": _tree_rows(units), "q": query})


def unit_detail(request, pk: int):
    unit = _access(selectors.access_unit, request.user, pk)
    officials = selectors.officials_visible_to(request.user).filter(unit=unit)
    children = selectors.units_visible_to(request.user).filter(parent=unit)
    return render(
        request, "directory/unit_detail.html", {"unit": unit, "officials": officials, "children": children}
    )


def unit_export(request):
    units = selectors.search_units(selectors.units_visible_to(request.user), request.GET.get("q", ""))
    headers = [
        _("Unit code"),
        _("Name"),
        _("Kind"),
        _("Organ type (article 2)"),
        _("Parent unit"),
        _("Active"),
        _("Seal text"),
    ]
    rows = (
        [
            u.code,
            u.name,
            u.get_kind_display(),
            u.get_organ_type_display(),
            u.parent.name if u.parent else "",
            _yes_no(u.is_active),
            u.seal_text,
        ]
        for u in units.iterator(chunk_size=2000)
    )
    return xlsx_response(_("units") + ".xlsx", headers, rows, sheet_title=_("Units"))


@require_http_methods(["GET", "POST"])
def unit_edit(request, pk: int | None = None):
    unit = _access(selectors.access_unit, request.user, pk) if pk else None
    units = selectors.units_visible_to(request.user)
    if unit is not None:
        units = units.exclude(pk__in=selectors.descendant_unit_ids(unit.pk))
    initial = {}
    if unit is not None:
        initial = {
            "code": unit.code,
            "name": unit.name,
            "kind": unit.kind,
            "organ_type": unit.organ_type,
            "parent": unit.parent,
            "is_active": unit.is_active,
            "seal_text": unit.seal_text,
        }
    form = UnitForm(posted(request), initial=initial, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if unit is None:
                unit = services.unit_create(
                    code=data["code"],
                    name=data["name"],
                    kind=data["kind"],
                    organ_type=data["organ_type"] or None,
                    parent=data["parent"],
                    is_active=data["is_active"],
                    seal_text=data["seal_text"],
                    actor=request.user,
                )
            else:
                unit = services.unit_update(
                    unit=unit,
                    code=data["code"],
                    name=data["name"],
                    kind=data["kind"],
                    organ_type=data["organ_type"] or None,
                    parent=data["parent"],
                    is_active=data["is_active"],
                    seal_text=data["seal_text"],
                    actor=request.user,
                )
            messages.success(request, _("Unit saved."))
            return redirect("directory:unit_detail", pk=unit.pk)
        except ServiceError as error:
            bind_error(form, error)
    return render(
        request,
        "directory/form.html",
        {"form": form, "object": unit, "title": _("Edit unit") if unit else _("New unit")},
        status=form_status(form),
    )


# --- officials ----------------------------------------------------------------------------------
def official_list(request):
    query = request.GET.get("q", "")
    officials = selectors.search_officials(
        selectors.officials_visible_to(request.user), query, actor=request.user
    )
    return render(request, "directory/official_list.html", {"page": page_of(request, officials), "q": query})


def official_export(request):
    officials = selectors.search_officials(
        selectors.officials_visible_to(request.user), request.GET.get("q", ""), actor=request.user
    )
    headers = [
        _("Name"),
        _("Resident ID number"),
        _("Mobile phone"),
        _("Unit"),
        _("Position"),
        _("Rank"),
        _("Leading cadre"),
        _("Supervising leader"),
        _("In office"),
    ]
    rows = (
        [
            o.person.name,
            o.person.masked_resident_id,
            mask_phone(o.person.phone) if o.person.phone else "",
            o.unit.name,
            o.position,
            o.get_rank_display(),
            _yes_no(o.is_leading_cadre),
            o.supervising_leader.person.name if o.supervising_leader else "",
            _yes_no(o.is_active),
        ]
        for o in officials.iterator(chunk_size=2000)
    )
    return xlsx_response(_("officials") + ".xlsx", headers, rows, sheet_title=_("Officials"))


def official_detail(request, pk: int, end_refusal: dict | None = None):
    """The official; after a refused "End", the same page with the refusal on that row (400)."""
    official = _access(selectors.access_official, request.user, pk)
    related = list(official.related_persons.select_related("person").order_by("end_date", "relationship"))
    # A person the official declared under another name than the name of record: the discipline office and
    # the keeper see both names; anyone else the declared name only, without the record's links or a link
    # to the person's page (which would show whose the number is).
    record_names = selectors.sees_record_names(request.user)
    for relation in related:
        relation.withheld = relation.name_differs and not record_names
    related_links = EnterpriseLink.objects.filter(
        person__in=[r.person_id for r in related if not r.withheld]
    ).select_related("enterprise", "person")
    context = {
        "official": official,
        "person": official.person,
        "phone": mask_phone(official.person.phone) if official.person.phone else "",
        "positions": official.positions.select_related("unit").order_by("-start_date", "-pk"),
        "related": related,
        "related_links": related_links,
        "supervised": selectors.officials_visible_to(request.user).filter(supervising_leader=official),
        "can_edit": may_open(request.user, "directory:official_edit"),
        # Links only to what this user may open (issue 20: an official was shown their leader and
        # their related persons as links answering 404).
        "leader_openable": bool(official.supervising_leader_id)
        and selectors.officials_visible_to(request.user).filter(pk=official.supervising_leader_id).exists(),
        "openable_persons": set(
            selectors.persons_visible_to(request.user)
            .filter(pk__in=[relation.person_id for relation in related if not relation.withheld])
            .values_list("pk", flat=True)
        ),
        "end_refusal": end_refusal or {},
    }
    return render(request, "directory/official_detail.html", context, status=400 if end_refusal else 200)


@require_http_methods(["GET", "POST"])
def official_edit(request, pk: int | None = None):
    official = _access(selectors.access_official, request.user, pk) if pk else None
    units = selectors.units_visible_to(request.user).filter(is_active=True)
    leaders = selectors.officials_visible_to(request.user).filter(is_active=True)
    initial = {}
    if official is not None:
        leaders = leaders.exclude(pk=official.pk)
        initial = {
            "name": official.person.name,
            "unit": official.unit,
            "position": official.position,
            "rank": official.rank,
            "is_leading_cadre": official.is_leading_cadre,
            "supervising_leader": official.supervising_leader,
            "is_active": official.is_active,
        }
    form = OfficialForm(posted(request), initial=initial, units=units, officials=leaders)
    if official is not None:
        # The stored ID and phone are never echoed into the form; blank means "keep".
        form.fields["resident_id"].help_text = _("Leave blank to keep the recorded number (%(masked)s).") % {
            "masked": official.person.masked_resident_id or "—"
        }
        form.fields["phone"].help_text = _("Leave blank to keep the recorded number.")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                if official is None:
                    person = services.person_find_or_create(
                        name=data["name"],
                        resident_id=data["resident_id"],
                        phone=data["phone"],
                        actor=request.user,
                    )
                    official = services.official_create(
                        person=person,
                        unit=data["unit"],
                        position=data["position"],
                        rank=data["rank"],
                        is_leading_cadre=data["is_leading_cadre"],
                        supervising_leader=data["supervising_leader"],
                        start_date=data["effective_date"],
                        actor=request.user,
                    )
                else:
                    person_changes = {"name": data["name"]}
                    if data["resident_id"]:
                        person_changes["resident_id"] = data["resident_id"]
                    if data["phone"]:
                        person_changes["phone"] = data["phone"]
                    services.person_update(person=official.person, actor=request.user, **person_changes)
                    official = services.official_update(
                        official=official,
                        unit=data["unit"],
                        position=data["position"],
                        rank=data["rank"],
                        is_leading_cadre=data["is_leading_cadre"],
                        supervising_leader=data["supervising_leader"],
                        is_active=data["is_active"],
                        effective_date=data["effective_date"],
                        actor=request.user,
                    )
            messages.success(request, _("Official saved."))
            return redirect("directory:official_detail", pk=official.pk)
        except ServiceError as error:
            if pk is None:
                official = None
            bind_error(form, error)
    return render(
        request,
        "directory/form.html",
        {"form": form, "object": official, "title": _("Edit official") if official else _("New official")},
        status=form_status(form),
    )


@require_http_methods(["GET", "POST"])
def related_person_create(request, pk: int):
    official = _access(selectors.access_official, request.user, pk)
    form = RelatedPersonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                person = services.person_find_or_create(
                    name=data["name"],
                    resident_id=data["resident_id"],
                    phone=data["phone"],
                    actor=request.user,
                )
                services.related_person_add(
                    official=official,
                    person=person,
                    relationship=data["relationship"],
                    occupation=data["occupation"],
                    declared_on=data["declared_on"],
                    actor=request.user,
                )
            messages.success(request, _("Related person added."))
            return redirect("directory:official_detail", pk=official.pk)
        except ServiceError as error:
            bind_error(form, error)
    title = _("Add a related person of %(name)s") % {"name": official.person.name}
    return render(
        request, "directory/form.html", {"form": form, "object": None, "title": title, "cite": "15"},
        status=form_status(form),
    )


@require_POST
def related_person_end(request, pk: int):
    related = RelatedPerson.objects.filter(pk=pk).first()
    if related is None:
        raise Http404
    official = _access(selectors.access_official, request.user, related.official_id)
    try:
        services.related_person_end(related=related, actor=request.user)
    except ServiceError as error:
        refusal = {"pk": related.pk, "field": error.field or "", "text": error.text()}
        return official_detail(request, official.pk, end_refusal=refusal)
    messages.success(request, _("Relationship ended."))
    return redirect("directory:official_detail", pk=official.pk)


# --- enterprises -------------------------------------------------------------------------------
def enterprise_list(request):
    query = request.GET.get("q", "")
    enterprises = selectors.search_enterprises(selectors.enterprises_visible_to(request.user), query)
    return render(
        request, "directory/enterprise_list.html", {"page": page_of(request, enterprises), "q": query}
    )


def my_enterprises(request):
    enterprises = list(selectors.enterprises_for_user(request.user))
    if len(enterprises) == 1:
        return redirect("directory:enterprise_detail", pk=enterprises[0].pk)
    return render(
        request,
        "directory/enterprise_list.html",
        {"page": page_of(request, enterprises), "q": "", "mine": True},
    )


def enterprise_export(request):
    enterprises = selectors.search_enterprises(
        selectors.enterprises_visible_to(request.user), request.GET.get("q", "")
    )
    headers = [
        _("Unified social credit code"),
        _("Name"),
        _("Ownership type"),
        _("Non-public (article 2)"),
        _("Key enterprise"),
        _("Industry"),
        _("Address"),
        _("Legal representative / head"),
        _("Resident ID number"),
        _("Active"),
    ]
    rows = (
        [
            e.uscc,
            e.name,
            e.get_ownership_type_display(),
            _yes_no(e.is_non_public),
            _yes_no(e.is_key_enterprise),
            e.industry,
            e.address,
            e.legal_representative.name if e.legal_representative else "",
            e.legal_representative.masked_resident_id if e.legal_representative else "",
            _yes_no(e.is_active),
        ]
        for e in enterprises.iterator(chunk_size=2000)
    )
    return xlsx_response(_("enterprises") + ".xlsx", headers, rows, sheet_title=_("Enterprises"))


def enterprise_detail(request, pk: int, end_refusal: dict | None = None):
    """The enterprise; after a refused "End", the same page with the refusal on that link's row (400)."""
    enterprise = _access(selectors.access_enterprise, request.user, pk)
    links = list(
        enterprise.person_links.select_related("person").order_by("end_date", "kind", "-share_percent", "pk")
    )
    groups = [
        {"kind": kind, "label": label, "links": [link for link in links if link.kind == kind]}
        for kind, label in LinkKind.choices
    ]
    context = {
        "enterprise": enterprise,
        "groups": groups,
        "can_edit": may_open(request.user, "directory:enterprise_edit"),
        # Only the persons this user may open are links (issue 20: shareholders answered 404).
        "openable_persons": set(selectors.persons_visible_to(request.user).filter(
            pk__in=[link.person_id for link in links]).values_list("pk", flat=True))
        if may_open(request.user, "directory:person_detail") else set(),
        "end_refusal": end_refusal or {},
    }
    return render(request, "directory/enterprise_detail.html", context, status=400 if end_refusal else 200)


@require_http_methods(["GET", "POST"])
def enterprise_edit(request, pk: int | None = None):
    enterprise = _access(selectors.access_enterprise, request.user, pk) if pk else None
    initial = {}
    if enterprise is not None:
        initial = {
            field: getattr(enterprise, field)
            for field in (
                "uscc",
                "name",
                "ownership_type",
                "is_key_enterprise",
                "industry",
                "address",
                "is_active",
            )
        }
    form = EnterpriseForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if enterprise is None:
                enterprise = services.enterprise_create(actor=request.user, **data)
            else:
                enterprise = services.enterprise_update(enterprise=enterprise, actor=request.user, **data)
            messages.success(request, _("Enterprise saved."))
            return redirect("directory:enterprise_detail", pk=enterprise.pk)
        except ServiceError as error:
            bind_error(form, error)
    title = _("Edit enterprise") if enterprise else _("New enterprise")
    return render(request, "directory/form.html", {"form": form, "object": enterprise, "title": title},
                  status=form_status(form))


@require_http_methods(["GET", "POST"])
def enterprise_link_create(request, pk: int):
    enterprise = _access(selectors.access_enterprise, request.user, pk)
    form = EnterpriseLinkForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                person = services.person_find_or_create(
                    name=data["name"],
                    resident_id=data["resident_id"],
                    phone=data["phone"],
                    actor=request.user,
                )
                services.enterprise_link_create(
                    person=person,
                    enterprise=enterprise,
                    kind=data["kind"],
                    role=data["role"],
                    share_percent=data["share_percent"],
                    start_date=data["start_date"],
                    source="manual",
                    actor=request.user,
                )
            messages.success(request, _("Link added."))
            return redirect("directory:enterprise_detail", pk=enterprise.pk)
        except ServiceError as error:
            bind_error(form, error)
    title = _("Add a person linked to %(name)s") % {"name": enterprise.name}
    return render(request, "directory/form.html", {"form": form, "object": None, "title": title},
                  status=form_status(form))


@require_POST
def enterprise_link_end(request, pk: int):
    link = EnterpriseLink.objects.filter(pk=pk).first()
    if link is None:
        raise Http404
    enterprise = _access(selectors.access_enterprise, request.user, link.enterprise_id)
    try:
        services.enterprise_link_end(link=link, actor=request.user)
    except ServiceError as error:
        refusal = {"pk": link.pk, "field": error.field or "", "text": error.text()}
        return enterprise_detail(request, enterprise.pk, end_refusal=refusal)
    messages.success(request, _("Link ended."))
    return redirect("directory:enterprise_detail", pk=enterprise.pk)


# --- persons ------------------------------------------------------------------------------------
def _person_context(request, person, revealed_id: str = ""):
    user = request.user
    visible_officials = selectors.officials_visible_to(user)
    visible_enterprises = selectors.enterprises_visible_to(user)
    relations = person.related_to_officials.filter(official__in=visible_officials)
    if not selectors.sees_record_names(user):
        # A relation declared under another name stays off this person's page (it would show whose the
        # declared number is), as it stays off the declaring official's page.
        relations = relations.filter(Q(declared_name="") | Q(declared_name=person.name))
    return {
        "person": person,
        "phone": mask_phone(person.phone) if person.phone else "",
        "revealed_id": revealed_id,
        "can_reveal": bool(person.resident_id) and selectors.can_reveal_resident_id(user),
        "official": visible_officials.filter(person=person).first(),
        "relations": relations.select_related("official__person", "official__unit"),
        "links": person.enterprise_links.filter(enterprise__in=visible_enterprises)
        .select_related("enterprise")
        .order_by("end_date", "kind"),
        "represented": visible_enterprises.filter(legal_representative=person),
    }


def person_detail(request, pk: int):
    person = _access(selectors.access_person, request.user, pk)
    return render(request, "directory/person_detail.html", _person_context(request, person))


@require_POST
def person_reveal_id(request, pk: int):
    person = _access(selectors.access_person, request.user, pk)
    revealed = services.person_reveal_resident_id(person=person, actor=request.user)
    return render(
        request, "directory/person_detail.html", _person_context(request, person, revealed_id=revealed)
    )
