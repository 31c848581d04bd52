"""``./qinqing export KIND FILE.xlsx``: the directory as a workbook, resident IDs masked."""

from django.core.management.base import BaseCommand, CommandError

from qinqing.core.excel import write_xlsx
from qinqing.core.identifiers import mask_resident_id
from qinqing.directory.models import Enterprise, EnterpriseLink, Official, RelatedPerson, Unit

CHUNK = 2000


def _masked(person) -> str:
    return mask_resident_id(person.resident_id) if person and person.resident_id else ""


def _sheets():
    return {
        "units": (
            ["单位代码", "名称", "类型", "机关类型", "上级单位代码", "是否有效", "公章文字"],
            lambda: (
                [
                    u.code,
                    u.name,
                    u.kind,
                    u.organ_type,
                    u.parent.code if u.parent else "",
                    "是" if u.is_active else "否",
                    u.seal_text,
                ]
                for u in Unit.objects.select_related("parent").order_by("code").iterator(chunk_size=CHUNK)
            ),
        ),
        "enterprises": (
            [
                "企业名称",
                "统一社会信用代码",
                "所有制类型",
                "重点企业",
                "行业",
                "地址",
                "法定代表人",
                "法定代表人身份证号(脱敏)",
            ],
            lambda: (
                [
                    e.name,
                    e.uscc,
                    e.ownership_type,
                    "是" if e.is_key_enterprise else "否",
                    e.industry,
                    e.address,
                    e.legal_representative.name if e.legal_representative else "",
                    _masked(e.legal_representative),
                ]
                for e in Enterprise.objects.select_related("legal_representative")
                .order_by("pk")
                .iterator(chunk_size=CHUNK)
            ),
        ),
        "officials": (
            ["姓名", "公民身份号码(脱敏)", "单位代码", "职务", "职级", "领导干部", "分管领导"],
            lambda: (
                [
                    o.person.name,
                    _masked(o.person),
                    o.unit.code,
                    o.position,
                    o.rank,
                    "是" if o.is_leading_cadre else "否",
                    o.supervising_leader.person.name if o.supervising_leader else "",
                ]
                for o in Official.objects.select_related("person", "unit", "supervising_leader__person")
                .order_by("pk")
                .iterator(chunk_size=CHUNK)
            ),
        ),
        "links": (
            [
                "姓名",
                "公民身份号码(脱敏)",
                "统一社会信用代码",
                "企业名称",
                "关系类型",
                "职务或角色",
                "持股比例(%)",
                "开始日期",
                "结束日期",
            ],
            lambda: (
                [
                    x.person.name,
                    _masked(x.person),
                    x.enterprise.uscc,
                    x.enterprise.name,
                    x.kind,
                    x.role,
                    x.share_percent,
                    x.start_date,
                    x.end_date,
                ]
                for x in EnterpriseLink.objects.select_related("person", "enterprise")
                .order_by("pk")
                .iterator(chunk_size=CHUNK)
            ),
        ),
        "relatives": (
            [
                "公职人员",
                "公职人员身份证号(脱敏)",
                "亲属姓名",
                "亲属身份证号(脱敏)",
                "关系",
                "工作单位及职务",
            ],
            lambda: (
                [
                    r.official.person.name,
                    _masked(r.official.person),
                    r.person.name,
                    _masked(r.person),
                    r.relationship,
                    r.occupation,
                ]
                for r in RelatedPerson.objects.select_related("official__person", "person")
                .order_by("pk")
                .iterator(chunk_size=CHUNK)
            ),
        ),
    }


class Command(BaseCommand):
    help = (
        "Export units, enterprises, officials, links or related persons to an .xlsx file. Resident "
        "ID numbers are always masked."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["enterprises", "officials", "units", "links", "relatives"])
        parser.add_argument("file", help="output path ending in .xlsx")

    def handle(self, *args, kind, file, **options):
        if not file.lower().endswith(".xlsx"):
            raise CommandError("the output file must end in .xlsx")
        headers, rows = _sheets()[kind]
        write_xlsx(file, headers, rows(), sheet_title=kind)
        if options.get("verbosity", 1) >= 1:
            self.stdout.write(f"exported {kind} to {file}")
