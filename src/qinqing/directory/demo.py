"""The demo district: a coherent, realistic directory generated at any scale.

``generate_demo(scale=N)`` builds a unit tree (party committee, people's congress,
government with its departments, CPPCC, discipline commission, federation of industry
and commerce, a public institution), officials with a proper supervision hierarchy,
N enterprises with valid USCCs, their legal representatives, shareholders, executives
and employees, the officials' related persons, and a known share of officials whose
relatives hold shares or posts in an enterprise (so conflict screening has real cases).

Every row is written through the directory services' bulk forms (``services.*_create_bulk``)
in batches, one transaction each: the same rules as a row entered by hand (identifiers,
choices, uniqueness, share totals per enterprise), the same first position for every
official, the same audit action names, ``bulk_create`` for the rows and
``audit.record_bulk_events`` so the audit chain covers every row. Identifiers are unique
by construction: resident IDs take their sequence digits from a counter per (area, birth
date), organisation codes from a global counter.
"""

from __future__ import annotations

import datetime
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils.translation import gettext_lazy as _

from qinqing.core import audit, clock
from qinqing.core.errors import ConflictError
from qinqing.core.identifiers import (
    org_code_check_character,
    resident_id_check_character,
    uscc_check_character,
)

from . import services
from .models import (
    Enterprise,
    EnterpriseLink,
    EnterpriseMembership,
    Gender,
    LinkKind,
    Official,
    OrganType,
    OwnershipType,
    Person,
    Rank,
    RelatedPerson,
    Relationship,
    Unit,
    UnitKind,
)

BATCH_SIZE = 5000
ACTOR = audit.SystemActor("demo-loader")
DETAILS = {"source": "demo"}
ROOT_CODE = "DEMO"
DISTRICT_AREA_CODE = "330106"  # the district's administrative division code (GB/T 2260 form)
#: Areas where residents were born (most locally); resident IDs take one of these.
BIRTH_AREA_CODES = (
    "330106",
    "330102",
    "330105",
    "330108",
    "330110",
    "330182",
    "320102",
    "340104",
    "360102",
    "410105",
)

GOVERNMENT_DEPARTMENTS = [
    ("ZF01", "区政府办公室"),
    ("ZF02", "区发展和改革局"),
    ("ZF03", "区市场监督管理局"),
    ("ZF04", "区财政局"),
    ("ZF05", "区住房和城乡建设局"),
    ("ZF06", "区商务局"),
    ("ZF07", "区税务局"),
    ("ZF08", "区自然资源局"),
    ("ZF09", "区生态环境分局"),
    ("ZF10", "区人力资源和社会保障局"),
    ("ZF11", "区科学技术局"),
    ("ZF12", "区经济和信息化局"),
    ("ZF13", "区交通运输局"),
    ("ZF14", "区农业农村局"),
    ("ZF15", "区应急管理局"),
    ("ZF16", "区卫生健康局"),
    ("ZF17", "区教育局"),
    ("ZF18", "区城市管理局"),
    ("ZF19", "区司法局"),
    ("ZF20", "区民政局"),
    ("ZF21", "区行政审批局"),
]
APPROVAL_BUREAU = "ZF21"
DEVELOPMENT_BUREAU = "ZF02"
# (code, name, organ type, parent code or None, kind)
UNIT_TREE = [
    ("QW", "中共示范区委员会", OrganType.PARTY_COMMITTEE, ROOT_CODE, UnitKind.ORGAN),
    ("QW01", "区委办公室", OrganType.PARTY_COMMITTEE, "QW", UnitKind.DEPARTMENT),
    ("QW02", "区委组织部", OrganType.PARTY_COMMITTEE, "QW", UnitKind.DEPARTMENT),
    ("QW03", "区委统战部", OrganType.PARTY_COMMITTEE, "QW", UnitKind.DEPARTMENT),
    ("QW04", "区委政法委员会", OrganType.PARTY_COMMITTEE, "QW", UnitKind.DEPARTMENT),
    ("JW", "区纪委监委", OrganType.PARTY_COMMITTEE, ROOT_CODE, UnitKind.ORGAN),
    ("RD", "区人大常委会", OrganType.PEOPLES_CONGRESS, ROOT_CODE, UnitKind.ORGAN),
    ("ZF", "区人民政府", OrganType.GOVERNMENT, ROOT_CODE, UnitKind.ORGAN),
    *[(code, name, OrganType.GOVERNMENT, "ZF", UnitKind.DEPARTMENT) for code, name in GOVERNMENT_DEPARTMENTS],
    ("ZX", "政协示范区委员会", OrganType.CPPCC, ROOT_CODE, UnitKind.ORGAN),
    ("GSL", "区工商业联合会", OrganType.PEOPLES_ORGANISATION, ROOT_CODE, UnitKind.ORGAN),
    ("SY01", "区投资促进服务中心", OrganType.PUBLIC_INSTITUTION, "ZF", UnitKind.ORGAN),
]
# The words on a unit's seal where its name in the directory is the short one (core.letters.issuer); the
# others' seals bear their name (中共示范区委员会, the court, the procuratorate).
SEAL_TEXTS = {
    "QW01": "中共示范区委员会办公室",
    "QW02": "中共示范区委员会组织部",
    "QW03": "中共示范区委员会统一战线工作部",
    "QW04": "中共示范区委员会政法委员会",
    "JW": "中共示范区纪律检查委员会",
    "RD": "示范区人民代表大会常务委员会",
    "ZX": "中国人民政治协商会议示范区委员会",
    **{code: "示范" + name for code, name in [*GOVERNMENT_DEPARTMENTS, ("ZF", "区人民政府"),
                                              ("GSL", "区工商业联合会"), ("SY01", "区投资促进服务中心")]},
    "ZF01": "示范区人民政府办公室",
    "ZF07": "国家税务总局示范区税务局",
}
# District leaders: (unit code, position, rank, supervised unit codes).
DISTRICT_LEADERS = [
    ("QW", "区委书记", Rank.DIVISION, []),
    ("QW", "区委副书记", Rank.DIVISION, ["QW01", "QW02", "QW03", "QW04"]),
    ("ZF", "区长", Rank.DIVISION, ["ZF01", "ZF04", "ZF07", "SY01"]),
    ("ZF", "常务副区长", Rank.DEPUTY_DIVISION, ["ZF02", "ZF03", "ZF06", "ZF12", "ZF21"]),
    ("ZF", "副区长", Rank.DEPUTY_DIVISION, ["ZF05", "ZF08", "ZF09", "ZF13", "ZF18"]),
    ("ZF", "副区长", Rank.DEPUTY_DIVISION, ["ZF10", "ZF11", "ZF16", "ZF17", "ZF20"]),
    ("ZF", "副区长", Rank.DEPUTY_DIVISION, ["ZF14", "ZF15", "ZF19"]),
    ("JW", "区纪委书记、区监委主任", Rank.DIVISION, []),
    ("RD", "区人大常委会主任", Rank.DIVISION, []),
    ("ZX", "区政协主席", Rank.DIVISION, ["GSL"]),
]
INDUSTRIES = [
    ("科技", "信息技术"),
    ("软件", "信息技术"),
    ("网络", "信息技术"),
    ("建设工程", "建筑业"),
    ("建筑装饰", "建筑业"),
    ("房地产开发", "房地产业"),
    ("物业管理", "房地产业"),
    ("贸易", "批发和零售业"),
    ("商贸", "批发和零售业"),
    ("食品", "制造业"),
    ("机械制造", "制造业"),
    ("新材料", "制造业"),
    ("生物医药", "制造业"),
    ("物流", "交通运输业"),
    ("餐饮管理", "住宿和餐饮业"),
    ("酒店管理", "住宿和餐饮业"),
    ("文化传媒", "文化和娱乐业"),
    ("教育咨询", "教育"),
    ("环保科技", "水利和环境"),
    ("农业开发", "农林牧渔业"),
    ("咨询服务", "租赁和商务服务业"),
    ("人力资源", "租赁和商务服务业"),
]
SHOP_KINDS = [
    "便利店",
    "小吃店",
    "五金店",
    "理发店",
    "水果店",
    "服装店",
    "维修部",
    "面馆",
    "超市",
    "茶叶店",
    "药店",
    "烟酒店",
]
OWNERSHIP_MIX = [
    (OwnershipType.PRIVATE, 0.55),
    (OwnershipType.INDIVIDUAL_BUSINESS, 0.33),
    (OwnershipType.FOREIGN_INVESTED, 0.03),
    (OwnershipType.HK_MACAO_TAIWAN, 0.02),
    (OwnershipType.COLLECTIVE, 0.02),
    (OwnershipType.STATE_OWNED, 0.03),
    (OwnershipType.STATE_HOLDING, 0.02),
]
KEY_ENTERPRISE_SHARE = 0.05
EXECUTIVE_ROLES = ["总经理", "副总经理", "董事", "监事", "财务负责人", "董事长"]
EMPLOYEE_ROLES = ["销售经理", "会计", "行政主管", "项目经理", "技术员", "出纳"]


@dataclass
class DemoSummary:
    scale: int
    units: int = 0
    officials: int = 0
    enterprises: int = 0
    persons: int = 0
    related_persons: int = 0
    links: int = 0
    conflict_officials: int = 0
    conflict_share: float = 0.0
    linked_accounts: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        lines = [
            f"demo district (scale {self.scale}) generated in {self.seconds:.1f} s:",
            f"  {self.units} units, {self.officials} officials, {self.enterprises} enterprises,",
            f"  {self.persons} persons, {self.related_persons} related persons, {self.links} "
            f"person–enterprise links",
            f"  {self.conflict_officials} officials ({self.conflict_share:.1%}) have a related "
            f"person holding shares or a post in an enterprise",
        ]
        for username, what in sorted(self.linked_accounts.items()):
            lines.append(f"  account {username!r} → {what}")
        return lines


class ResidentIdFactory:
    """Unique, valid resident IDs: sequence digits counted per (area, birth date, gender)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: dict[tuple[str, datetime.date, bool], int] = {}

    def make(self, birth: datetime.date, male: bool) -> str:
        area = DISTRICT_AREA_CODE if self.rng.random() < 0.6 else self.rng.choice(BIRTH_AREA_CODES)
        while True:
            key = (area, birth, male)
            count = self.used.get(key, 0)
            if count < 500:  # 000-999 hold 500 odd (male) and 500 even (female) numbers
                self.used[key] = count + 1
                break
            birth += datetime.timedelta(days=1)
        sequence = count * 2 + (1 if male else 0)
        body = f"{area}{birth:%Y%m%d}{sequence:03d}"
        return body + resident_id_check_character(body)


class UsccFactory:
    """Unique, valid USCCs: the organisation code body comes from a counter."""

    def __init__(self, start: int = 1):
        self.counter = start

    def make(self, ownership: str) -> str:
        category = "2" if ownership == OwnershipType.INDIVIDUAL_BUSINESS else "1"
        org_body = f"{self.counter:08d}"
        self.counter += 1
        org_code = org_body + org_code_check_character(org_body)
        first17 = f"9{category}{DISTRICT_AREA_CODE}{org_code}"
        return first17 + uscc_check_character(first17)


class _Generator:
    def __init__(self, *, scale: int, seed: int | None, conflict_share: float, say: Callable[[str], None]):
        from faker import Faker

        self.scale = scale
        self.rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
        self.conflict_share = conflict_share
        self.say = say
        faker = Faker("zh_CN")
        faker.seed_instance(seed if seed is not None else self.rng.randrange(1 << 30))
        # Pools drawn once from Faker, then combined: calling Faker per row is the slow part.
        self.surnames = list({faker.last_name() for _ in range(400)})
        self.given_names = list({faker.first_name() for _ in range(1500)})
        self.brands = list({faker.company_prefix() for _ in range(800)})
        self.streets = list({faker.street_name() for _ in range(600)})
        self.ids = ResidentIdFactory(self.rng)
        self.usccs = UsccFactory()
        self.summary = DemoSummary(scale=scale)
        self.today = clock.today()
        self.unallocated: dict[int, Decimal] = {}

    # helpers -------------------------------------------------------------------------------
    def name(self) -> str:
        return self.rng.choice(self.surnames) + self.rng.choice(self.given_names)

    def birth(self, youngest: int, oldest: int) -> datetime.date:
        age_days = self.rng.randint(youngest * 365, oldest * 365)
        return self.today - datetime.timedelta(days=age_days)


    def new_person(
        self, *, youngest: int = 25, oldest: int = 60, male: bool | None = None, surname: str | None = None
    ) -> Person:
        male = self.rng.random() < 0.5 if male is None else male
        birth = self.birth(youngest, oldest)
        resident_id = self.ids.make(birth, male)
        name = (surname + self.rng.choice(self.given_names)) if surname else self.name()
        # Gender, date of birth and the blind index come from the ID, by the services' rule.
        return Person(name=name, resident_id=resident_id)

    def save(self, create_bulk: Callable[..., list], objects: list, **options) -> None:
        """Write through a service bulk form (its rules, its action name) in batches, each in
        its own transaction with its audit events. A row the rules refuse stops the run."""
        started = time.monotonic()
        for start in range(0, len(objects), BATCH_SIZE):
            create_bulk(objects[start : start + BATCH_SIZE], actor=ACTOR, details=DETAILS, **options)
        if len(objects) >= BATCH_SIZE and objects:
            self.say(
                f"  {len(objects)} {type(objects[0])._meta.verbose_name_plural} in "
                f"{time.monotonic() - started:.1f} s"
            )

    def start_date(self, official: Official) -> datetime.date:
        """When the official took up the post (their first position): a few months to eight
        years ago, drawn apart from the district's random stream so other data keep their seed."""
        return self.today - datetime.timedelta(
            days=random.Random(official.person.resident_id).randint(90, 3000)  # noqa: S311
        )

    # the district ------------------------------------------------------------------------
    def build_units(self) -> dict[str, Unit]:
        root = Unit(
            code=ROOT_CODE, name="示范区", kind=UnitKind.ORGAN, organ_type=OrganType.OTHER_PUBLIC_BODY
        )
        self.save(services.units_create_bulk, [root])
        units = {ROOT_CODE: root}
        for depth in (0, 1):  # organs first, then their departments (parents need pks)
            level = [
                Unit(code=code, name=name, organ_type=organ_type, kind=kind, parent=units[parent],
                     seal_text=SEAL_TEXTS.get(code, ""))
                for code, name, organ_type, parent, kind in UNIT_TREE
                if (parent == ROOT_CODE) == (depth == 0)
            ]
            self.save(services.units_create_bulk, level)
            units.update({unit.code: unit for unit in level})
        self.summary.units = len(units)
        return units

    def build_officials(self, units: dict[str, Unit]) -> tuple[list[Official], dict[str, Official]]:
        """District leaders, then department heads (supervised by their district leader),
        then deputies (supervised by the head), then staff (supervised by a deputy)."""
        departments = [code for code, *_rest in UNIT_TREE if code not in {"QW", "ZF", "RD", "ZX"}]
        target = max(math.ceil(self.scale * 0.05), len(DISTRICT_LEADERS) + 3 * len(departments))
        per_department = max(3, (target - len(DISTRICT_LEADERS)) // len(departments))

        leaders = []
        leader_persons = []
        for unit_code, position, rank, _supervised in DISTRICT_LEADERS:
            person = self.new_person(youngest=45, oldest=58)
            leader_persons.append(person)
            leaders.append(
                Official(unit=units[unit_code], position=position, rank=rank, is_leading_cadre=True)
            )
        self.save(services.persons_create_bulk, leader_persons)
        for official, person in zip(leaders, leader_persons, strict=True):
            official.person = person
        secretary = leaders[0]
        self.save(services.officials_create_bulk, leaders[:1], start_date=self.start_date)
        for official in leaders[1:]:
            official.supervising_leader = secretary
        self.save(services.officials_create_bulk, leaders[1:], start_date=self.start_date)
        supervisor_of_unit = {}
        for official, (_unit, _position, _rank, supervised) in zip(leaders, DISTRICT_LEADERS, strict=True):
            for code in supervised:
                supervisor_of_unit[code] = official

        heads: dict[str, Official] = {}
        head_list = []
        for code in departments:
            person = self.new_person(youngest=38, oldest=56)
            head = Official(
                person=person,
                unit=units[code],
                position="局长" if code.startswith("ZF") else "主任",
                rank=Rank.SECTION if code.startswith("ZF") else Rank.DEPUTY_DIVISION,
                is_leading_cadre=True,
                supervising_leader=supervisor_of_unit.get(code, secretary),
            )
            if code == "JW":
                head.position = "区纪委副书记、区监委副主任"
                head.supervising_leader = leaders[7]
            heads[code] = head
            head_list.append(head)
        self.save(services.persons_create_bulk, [h.person for h in head_list])
        for head in head_list:
            head.person_id = head.person.pk
        self.save(services.officials_create_bulk, head_list, start_date=self.start_date)

        deputies: dict[str, list[Official]] = {}
        deputy_list = []
        for code in departments:
            count = 1 if per_department < 8 else 2
            deputies[code] = [
                Official(
                    person=self.new_person(youngest=35, oldest=55),
                    unit=units[code],
                    position="副局长" if code.startswith("ZF") else "副主任",
                    rank=Rank.DEPUTY_SECTION,
                    is_leading_cadre=True,
                    supervising_leader=heads[code],
                )
                for _ in range(count)
            ]
            deputy_list.extend(deputies[code])
        self.save(services.persons_create_bulk, [d.person for d in deputy_list])
        for deputy in deputy_list:
            deputy.person_id = deputy.person.pk
        self.save(services.officials_create_bulk, deputy_list, start_date=self.start_date)

        staff_list = []
        for code in departments:
            for index in range(max(1, per_department - 1 - len(deputies[code]))):
                rank = Rank.SECTION if index % 6 == 0 else Rank.CLERK
                position = (
                    "科长"
                    if rank == Rank.SECTION
                    else self.rng.choice(["科员", "办事员", "主任科员", "四级主任科员"])
                )
                staff_list.append(
                    Official(
                        person=self.new_person(youngest=23, oldest=58),
                        unit=units[code],
                        position=position,
                        rank=rank,
                        supervising_leader=self.rng.choice(deputies[code]),
                    )
                )
        self.save(services.persons_create_bulk, [s.person for s in staff_list])
        for member in staff_list:
            member.person_id = member.person.pk
        # Demo accounts need officials of their own; they are assigned before the insert
        # so that each official row is written (and audited) once.
        self.assign_official_accounts(leaders, heads, deputies, staff_list)
        self.save(services.officials_create_bulk, staff_list, start_date=self.start_date)

        everyone = leaders + head_list + deputy_list + staff_list
        self.summary.officials = len(everyone)
        return everyone, heads

    def assign_official_accounts(self, leaders, heads, deputies, staff_list) -> None:
        users = {
            u.username: u
            for u in get_user_model().objects.filter(
                username__in=[
                    "official", "leader", "district", "handler", "inspector", "federation", "orgdept"
                ]
            )
        }
        if not users:
            return

        bound: list[tuple] = []

        def bind(username: str, official: Official, what: str) -> None:
            user = users.get(username)
            if user is not None and not Official.objects.filter(user=user).exists():
                official.user = user
                bound.append((user, official))
                self.summary.linked_accounts[username] = what

        # Bound before their own insert? Leaders and heads are already saved, so bind the
        # ones still unsaved here and update-audit none: pick staff for "official"/"handler"
        # and give leaders/heads accounts through an audited update below.
        development_staff = [s for s in staff_list if s.unit.code == DEVELOPMENT_BUREAU]
        approval_staff = [s for s in staff_list if s.unit.code == APPROVAL_BUREAU]
        inspection_staff = [s for s in staff_list if s.unit.code == "JW"]
        federation_staff = [s for s in staff_list if s.unit.code == "GSL"]
        organisation_staff = [s for s in staff_list if s.unit.code == "QW02"]  # 区委组织部
        leader_official = deputies[DEVELOPMENT_BUREAU][0]
        if development_staff:
            # The "official" account works under the "leader" account's deputy director.
            subordinate = development_staff[0]
            subordinate.supervising_leader = leader_official
            bind(
                "official",
                subordinate,
                f"{subordinate.unit.name} {subordinate.position}, supervised by the 'leader' account",
            )
        if approval_staff:
            bind("handler", approval_staff[0], f"{approval_staff[0].unit.name} {approval_staff[0].position}")
        if inspection_staff:
            bind(
                "inspector",
                inspection_staff[0],
                f"{inspection_staff[0].unit.name} {inspection_staff[0].position}",
            )
        if federation_staff:
            bind(
                "federation",
                federation_staff[0],
                f"{federation_staff[0].unit.name} {federation_staff[0].position}",
            )
        if organisation_staff:
            bind(
                "orgdept",
                organisation_staff[0],
                f"{organisation_staff[0].unit.name} {organisation_staff[0].position}",
            )
        # Already-saved officials get their account through an audited single-row update.
        for username, official, what in (
            ("leader", leader_official, f"{leader_official.unit.name} {leader_official.position}"),
            ("district", leaders[3], f"{leaders[3].unit.name} {leaders[3].position}"),
        ):
            user = users.get(username)
            if user is None or Official.objects.filter(user=user).exists():
                continue
            official.user = services.official_update(official=official, user=user, actor=ACTOR).user
            bound.append((user, official))
            self.summary.linked_accounts[username] = what
        # The official behind a demo account carries the account's name, so that pages and
        # letters say 张伟 where the demo accounts list says "official（张伟）"; and a mobile number on record
        # (made up, 138 0000 xxxx), so that the notices to these people go out as SMS too (the demo's console
        # sender prints them masked) and their pages show the SMS's real state.
        for index, (user, official) in enumerate(bound, start=1):
            changes = {}
            if user.first_name and official.person.name != user.first_name:
                changes["name"] = user.first_name
            if not official.person.phone:
                changes["phone"] = f"1380000{index:04d}"
            if changes:
                services.person_update(person=official.person, actor=ACTOR, **changes)

    def build_relatives(self, officials: list[Official]) -> list[tuple[Official, Person, str]]:
        """Spouse, children and children's spouses; returns (official, person, relationship)."""
        entries: list[tuple[Official, Person, str]] = []
        for official in officials:
            person = official.person
            age = (self.today - person.birth_date).days // 365
            male = person.gender == Gender.MALE
            surname = person.name[0]
            if age >= 26 and self.rng.random() < 0.92:
                spouse_age = max(22, age + self.rng.randint(-4, 4))
                entries.append(
                    (
                        official,
                        self.new_person(youngest=spouse_age, oldest=spouse_age, male=not male),
                        Relationship.SPOUSE,
                    )
                )
            if age >= 30:
                for _ in range(self.rng.choice([1, 1, 1, 2, 2])):
                    child_age = max(1, age - self.rng.randint(24, 32))
                    child_male = self.rng.random() < 0.5
                    child = self.new_person(
                        youngest=child_age, oldest=child_age, male=child_male, surname=surname
                    )
                    entries.append((official, child, Relationship.CHILD))
                    if child_age >= 24 and self.rng.random() < 0.5:
                        entries.append(
                            (
                                official,
                                self.new_person(
                                    youngest=child_age, oldest=child_age + 3, male=not child_male
                                ),
                                Relationship.CHILD_SPOUSE,
                            )
                        )
        self.save(services.persons_create_bulk, [person for _o, person, _r in entries])
        relations = [
            RelatedPerson(
                official=official,
                person=person,
                relationship=relationship,
                occupation=self.occupation(person),
                declared_on=self.today - datetime.timedelta(days=self.rng.randint(30, 700)),
            )
            for official, person, relationship in entries
        ]
        self.save(services.related_persons_create_bulk, relations)
        self.summary.related_persons = len(relations)
        return entries

    def occupation(self, person: Person) -> str:
        age = (self.today - person.birth_date).days // 365
        if age < 18:
            return "学生"
        if age >= 60:
            return "退休"
        return self.rng.choice(
            ["教师", "医生", "公司职员", "个体经营", "自由职业", "事业单位职员", "无业", "工程师"]
        )

    def build_enterprises(self) -> list[Enterprise]:
        ownerships, weights = zip(*OWNERSHIP_MIX, strict=True)
        business_people = [
            self.new_person(youngest=22, oldest=65) for _ in range(max(10, int(self.scale * 0.9)))
        ]
        self.save(services.persons_create_bulk, business_people)
        self.business_person_pks = [p.pk for p in business_people]
        del business_people
        enterprises = []
        for index in range(self.scale):
            ownership = self.rng.choices(ownerships, weights)[0]
            word, industry = self.rng.choice(INDUSTRIES)
            brand = self.rng.choice(self.brands)
            if ownership == OwnershipType.INDIVIDUAL_BUSINESS:
                name = f"示范区{brand}{self.rng.choice(SHOP_KINDS)}"
                industry = "批发和零售业" if "店" in name else "居民服务业"
            elif ownership in (OwnershipType.STATE_OWNED, OwnershipType.STATE_HOLDING):
                name = (
                    f"示范区{brand}{word}集团有限公司"
                    if ownership == OwnershipType.STATE_OWNED
                    else f"示范区{brand}{word}股份有限公司"
                )
            elif ownership == OwnershipType.FOREIGN_INVESTED:
                name = f"{brand}{word}(中国)有限公司"
            else:
                name = f"示范区{brand}{word}有限公司"
            enterprises.append(
                Enterprise(
                    name=name[:200],
                    uscc=self.usccs.make(ownership),
                    ownership_type=ownership,
                    is_key_enterprise=self.rng.random() < KEY_ENTERPRISE_SHARE,
                    industry=industry,
                    address=f"示范区{self.rng.choice(self.streets)}{self.rng.randint(1, 999)}号",
                    legal_representative_id=self.business_person_pks[index % len(self.business_person_pks)],
                )
            )
        self.save(services.enterprises_create_bulk, enterprises)
        self.summary.enterprises = len(enterprises)
        return enterprises

    def build_links(self, enterprises: list[Enterprise]) -> None:
        """Legal representatives, shareholders (shares summing ≤ 100), executives, employees."""
        pool = self.business_person_pks
        links = []
        total = 0

        def flush():
            nonlocal links, total
            self.save(services.enterprise_links_create_bulk, links)
            total += len(links)
            links = []

        for enterprise in enterprises:
            representative = enterprise.legal_representative_id
            start = self.today - datetime.timedelta(days=self.rng.randint(60, 6000))
            links.append(
                EnterpriseLink(
                    person_id=representative,
                    enterprise_id=enterprise.pk,
                    kind=LinkKind.LEGAL_REPRESENTATIVE,
                    role="法定代表人",
                    start_date=start,
                    source="demo",
                )
            )
            if enterprise.ownership_type not in (
                OwnershipType.STATE_OWNED,
                OwnershipType.STATE_HOLDING,
                OwnershipType.COLLECTIVE,
            ):
                holders = [representative] + (
                    []
                    if enterprise.ownership_type == OwnershipType.INDIVIDUAL_BUSINESS
                    else [self.rng.choice(pool) for _ in range(self.rng.choice([0, 1, 1, 2]))]
                )
                # Some enterprises keep part of their equity unallocated in the registry
                # extract; conflict cases take their stake from there (sums stay ≤ 100 %).
                remaining = Decimal(100)
                if enterprise.ownership_type == OwnershipType.PRIVATE and self.rng.random() < 0.2:
                    reserved = Decimal(self.rng.randint(5, 30))
                    remaining -= reserved
                    self.unallocated[enterprise.pk] = reserved
                holders = list(dict.fromkeys(holders))
                for position, holder in enumerate(holders):
                    later = len(holders) - position - 1  # each later holder keeps at least 10 %
                    share = (
                        remaining if not later else Decimal(self.rng.randint(10, int(remaining) - 10 * later))
                    )
                    remaining -= share
                    links.append(
                        EnterpriseLink(
                            person_id=holder,
                            enterprise_id=enterprise.pk,
                            kind=LinkKind.SHAREHOLDER,
                            share_percent=share,
                            start_date=start,
                            source="demo",
                        )
                    )
            if enterprise.ownership_type != OwnershipType.INDIVIDUAL_BUSINESS and self.rng.random() < 0.5:
                links.append(
                    EnterpriseLink(
                        person_id=self.rng.choice(pool),
                        enterprise_id=enterprise.pk,
                        kind=LinkKind.EXECUTIVE,
                        role=self.rng.choice(EXECUTIVE_ROLES),
                        start_date=start,
                        source="demo",
                    )
                )
            if self.rng.random() < 0.3:
                links.append(
                    EnterpriseLink(
                        person_id=self.rng.choice(pool),
                        enterprise_id=enterprise.pk,
                        kind=LinkKind.EMPLOYEE,
                        role=self.rng.choice(EMPLOYEE_ROLES),
                        source="demo",
                    )
                )
            if len(links) >= BATCH_SIZE * 4:
                flush()
        flush()
        self.summary.links += total


    def build_conflicts(
        self,
        officials: list[Official],
        relatives: list[tuple[Official, Person, str]],
        enterprises: list[Enterprise],
    ) -> None:
        """A known share of officials get a relative holding shares or a post in an enterprise."""
        adults: dict[int, list[Person]] = {}
        for official, person, _relationship in relatives:
            if (self.today - person.birth_date).days >= 20 * 365:
                adults.setdefault(official.pk, []).append(person)
        candidates = [official for official in officials if official.pk in adults]
        wanted = (
            min(len(candidates), round(len(officials) * self.conflict_share))
            if self.conflict_share > 0
            else 0
        )
        if self.conflict_share > 0 and wanted == 0 and candidates:
            wanted = 1
        chosen = self.rng.sample(candidates, wanted)
        with_room = [e for e in enterprises if e.pk in self.unallocated]
        private = [
            e
            for e in enterprises
            if e.ownership_type
            in (OwnershipType.PRIVATE, OwnershipType.FOREIGN_INVESTED, OwnershipType.HK_MACAO_TAIWAN)
        ] or enterprises
        links = []
        for official in chosen:
            relative = self.rng.choice(adults[official.pk])
            start = self.today - datetime.timedelta(days=self.rng.randint(30, 3000))
            if with_room and self.rng.random() < 0.6:
                enterprise = with_room.pop(self.rng.randrange(len(with_room)))
                share = self.unallocated.pop(enterprise.pk)
                links.append(
                    EnterpriseLink(
                        person=relative,
                        enterprise=enterprise,
                        kind=LinkKind.SHAREHOLDER,
                        share_percent=share,
                        start_date=start,
                        source="demo",
                    )
                )
            else:
                enterprise = self.rng.choice(private)
                links.append(
                    EnterpriseLink(
                        person=relative,
                        enterprise=enterprise,
                        kind=LinkKind.EXECUTIVE,
                        role=self.rng.choice(EXECUTIVE_ROLES),
                        start_date=start,
                        source="demo",
                    )
                )
        self.save(services.enterprise_links_create_bulk, links)
        self.summary.links += len(links)
        self.summary.conflict_officials = len(chosen)
        self.summary.conflict_share = len(chosen) / len(officials) if officials else 0.0

    def link_enterprise_account(self, enterprises: list[Enterprise]) -> None:
        user = get_user_model().objects.filter(username="enterprise").first()
        if user is None or EnterpriseMembership.objects.filter(user=user).exists():
            return
        enterprise = next(
            (e for e in enterprises if e.ownership_type == OwnershipType.PRIVATE), enterprises[0]
        )
        services.enterprise_membership_add(user=user, enterprise=enterprise, is_head=True, actor=ACTOR)
        self.summary.linked_accounts["enterprise"] = f"head of {enterprise.name}"

    def run(self) -> DemoSummary:
        started = time.monotonic()
        self.say(f"demo: building the unit tree and officials (scale {self.scale}) ...")
        units = self.build_units()
        officials, _heads = self.build_officials(units)
        self.say(f"demo: {len(officials)} officials; their related persons ...")
        relatives = self.build_relatives(officials)
        self.say(f"demo: {len(relatives)} related persons; {self.scale} enterprises ...")
        enterprises = self.build_enterprises()
        self.say("demo: legal representatives, shareholders, executives, employees ...")
        self.build_links(enterprises)
        self.build_conflicts(officials, relatives, enterprises)
        if enterprises:
            self.link_enterprise_account(enterprises)
        self.summary.persons = Person.objects.count()
        self.summary.seconds = time.monotonic() - started
        return self.summary


def generate_demo(
    *,
    scale: int = 200,
    seed: int | None = None,
    conflict_share: float = 0.03,
    say: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Generate the demo district. Refuses a database that already holds it."""
    if Unit.objects.filter(code=ROOT_CODE).exists():
        raise ConflictError(
            _(
                "The demo district is already loaded in this database; generate it into an empty "
                "database instead."
            ),
            code="demo_loaded",
        )
    if scale < 1:
        raise ValueError("scale must be at least 1")
    summary = _Generator(
        scale=scale, seed=seed, conflict_share=conflict_share, say=say or (lambda text: None)
    ).run()
    with connection.cursor() as cursor:  # fresh planner statistics after a bulk load
        cursor.execute("ANALYZE")
    return summary
