"""Labelled sample appeals for the handling-unit and track suggestions.

Used by the tests and by ``./qinqing appeals_train --with-samples`` when a district has
no history of its own yet. Each department of the demo district has its typical
subjects; a sample is labelled with the unit of this district whose name matches the
department (no unit, no samples: the model never suggests a unit that does not exist).
The texts are built from templates, so cross-validated accuracy on samples alone is
optimistic; real assignments are what the model should learn from.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ..models import Track


@dataclass(frozen=True)
class Department:
    key: str
    # Parts of the unit's name that identify it in the directory ("区税务局" contains "税务").
    name_parts: tuple[str, ...]
    subjects: tuple[str, ...]


DEPARTMENTS: tuple[Department, ...] = (
    Department("税务局", ("税务",), (
        "增值税留抵退税申请提交两个月仍未到账",
        "研发费用加计扣除政策的适用范围不清楚",
        "电子发票开具系统频繁出错无法开票",
        "小微企业所得税优惠不知道如何申报",
        "出口退税审核进度缓慢影响资金周转",
        "税务登记信息变更需要准备哪些材料",
        "社保费征缴基数核定有异议",
        "高新技术企业税收优惠备案被退回",
        "个人所得税汇算清缴代扣代缴出现差错",
        "税控设备发行后发票领用数量不够用",
    )),
    Department("市场监督管理局", ("市场监督管理", "市场监管"), (
        "营业执照经营范围变更办理时间太长",
        "企业名称预先核准被驳回不知原因",
        "食品经营许可证到期延续手续",
        "被列入经营异常名录后申请移出",
        "注册商标被他人恶意抢注",
        "电梯锅炉等特种设备定期检验预约不上",
        "产品质量抽检结果有异议申请复检",
        "计量器具强制检定收费标准不明确",
        "股权出质登记材料反复补正",
        "广告内容被认定违法处罚过重",
    )),
    Department("住房和城乡建设局", ("住房和城乡建设", "住建"), (
        "厂房项目施工许可证办理进度缓慢",
        "工程竣工验收备案迟迟办不下来",
        "商品房预售许可申请材料被退回",
        "建筑业企业资质升级审核",
        "农民工工资保证金工程完工后仍未返还",
        "燃气管道接入报装等待时间过长",
        "厂房消防验收一直没有结果",
        "既有厂房加层需要房屋安全鉴定",
        "建筑垃圾消纳场地难以落实",
        "施工图审查意见反复修改",
    )),
    Department("自然资源局", ("自然资源",), (
        "工业用地出让挂牌时间一再推迟",
        "不动产权证书办理进度缓慢",
        "建设用地规划许可证申请",
        "厂区土地分割登记办不了",
        "建设用地规划条件中容积率调整",
        "老厂房用地手续不全需要补办",
        "项目用地指标调整",
        "土地征收补偿标准有异议",
        "不动产抵押登记时间太长影响贷款",
        "测绘成果审核流程不清楚",
    )),
    Department("发展和改革局", ("发展和改革", "发改"), (
        "企业投资项目备案系统填报问题",
        "新建项目节能审查办理",
        "申报区级重点项目需要什么条件",
        "固定资产投资项目核准进度",
        "工业用电价格执行标准有疑问",
        "公共信用信息修复申请",
        "申请纳入市重点建设项目清单",
        "天然气价格上涨影响生产成本",
        "政府投资项目可行性研究报告批复",
        "电力增容申请需要协调",
    )),
    Department("商务局", ("商务",), (
        "外贸企业出口信用保险补贴申报",
        "外商投资企业设立信息报告",
        "参加境外展会的补贴什么时候发放",
        "跨境电商综合试验区政策咨询",
        "商贸企业促消费活动补贴",
        "境外投资备案办理",
        "加工贸易手册核销",
        "成品油零售经营资格审核",
        "外贸订单受阻希望帮助对接渠道",
        "商业综合体开业促销活动审批",
    )),
    Department("行政审批局", ("行政审批",), (
        "企业开办一网通办系统上传材料失败",
        "建设项目环境影响评价审批时间过长",
        "审批事项代办服务怎么申请",
        "办理许可需要多次往返窗口跑了好几趟",
        "公共场所卫生许可证办理",
        "道路运输经营许可申请",
        "多证合一后还要求提交重复材料",
        "政务服务中心窗口办事排队时间长",
        "一枚印章管审批后部分事项仍需盖多个章",
        "网上办事大厅预约不上号",
    )),
    Department("财政局", ("财政",), (
        "财政扶持专项资金拨付延迟",
        "政府采购合同款项被拖欠",
        "产业发展扶持资金申报流程",
        "贷款贴息资金迟迟没有到账",
        "政府采购供应商资格被取消有异议",
        "多缴的非税收入申请退付",
        "财政补贴资金审计要求补充材料",
        "政府采购评审结果不公开",
        "中小企业融资担保费补助",
        "招商引资奖励资金兑现",
    )),
    Department("人力资源和社会保障局", ("人力资源和社会保障", "人社"), (
        "稳岗补贴发放进度查询",
        "企业技术人员职称评审",
        "招聘技术工人困难希望帮助对接",
        "职业技能培训补贴申领",
        "吸纳高校毕业生就业补贴",
        "员工工伤认定时间过长",
        "社会保险登记信息变更",
        "企业用工备案系统问题",
        "人才引进落户政策咨询",
        "劳动保障监察投诉处理",
    )),
)

_OPENINGS = (
    "我公司",
    "我们是一家小微企业，",
    "本企业",
    "我司作为区内重点企业，",
    "我们厂",
    "我们是一家民营企业，",
    "",
)
_IMPACTS = (
    "影响了正常生产经营",
    "企业资金压力很大",
    "耽误了项目进度",
    "员工很着急",
    "已经多次咨询没有结果",
    "",
)
_REQUESTS = (
    "请帮助协调解决",
    "希望尽快给予答复",
    "请相关部门尽快处理",
    "恳请领导关注",
    "请告知办理进度和时限",
    "请问应该怎么办",
)
# Phrases that put an appeal on the other two tracks (article 8): beyond this level, or not
# something the district can do at all.
_ESCALATE = (
    "这个问题涉及省里的政策规定，区里表示需要向上级部门反映",
    "需要国家部委层面调整规定，希望向上级报送",
    "涉及跨市协调，区级无权决定，请上报市级部门",
    "该事项审批权限在省级，请帮忙向上反映",
)
_DECLINE = (
    "这是我们与合作方之间的合同纠纷，希望政府出面替我们讨回欠款",
    "法院已经作出生效判决，我们要求政府改变判决结果",
    "希望政府出面干预另一家企业的正常经营",
    "要求政府为企业的商业贷款提供担保，这不属于政府职责",
)


@dataclass(frozen=True)
class SampleAppeal:
    department: str
    title: str
    content: str
    track: str

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.content}"


def sample_appeals(*, per_department: int = 24, seed: int = 8) -> list[SampleAppeal]:
    """Deterministic labelled samples: about 80% resolve, 12% escalate, 8% decline."""
    generator = random.Random(seed)  # noqa: S311 (reproducible samples, not secrets)
    samples: list[SampleAppeal] = []
    for department in DEPARTMENTS:
        for index in range(per_department):
            subject = department.subjects[index % len(department.subjects)]
            impact = generator.choice(_IMPACTS)
            content = (
                f"{generator.choice(_OPENINGS)}{subject}"
                + (f"，{impact}" if impact else "")
                + f"，{generator.choice(_REQUESTS)}。"
            )
            draw = generator.random()
            track = Track.RESOLVE
            if draw < 0.12:
                track = Track.ESCALATE
                content += generator.choice(_ESCALATE) + "。"
            elif draw < 0.20:
                track = Track.DECLINE
                content += generator.choice(_DECLINE) + "。"
            samples.append(SampleAppeal(department.key, subject, content, str(track)))
    return samples


def department_units(units) -> dict[str, object]:
    """Department key -> the first active unit (by code) whose name contains one of its name parts."""
    mapping: dict[str, object] = {}
    ordered = sorted((unit for unit in units if unit.is_active), key=lambda unit: unit.code)
    for department in DEPARTMENTS:
        for unit in ordered:
            if any(part in unit.name for part in department.name_parts):
                mapping[department.key] = unit
                break
    return mapping
