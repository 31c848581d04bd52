"""Test documents made on the spot: .docx (python-docx), .pdf with a text layer (WeasyPrint), .txt."""

import io

TENDER = [
    ("heading", "第三章 供应商资格要求"),
    ("heading", "一、基本条件"),
    ("p", "1.具有独立承担民事责任的能力；"),
    ("p", "2.具有良好的商业信誉和健全的财务会计制度；"),
    ("p", "3.投标人注册资本不低于1000万元；"),
    ("p", "4.投标人须在本市设有分公司或办事处。"),
    ("heading", "第四章 评分标准"),
    (
        "table",
        [
            ["评分因素", "分值", "评分标准"],
            ["业绩", "5", "投标人具有本省范围内同类项目业绩的，每个得1分"],
            ["方案", "10", "技术方案完整、合理、可行的得10分"],
        ],
    ),
]


def docx_bytes(items=TENDER) -> bytes:
    import docx

    document = docx.Document()
    for kind, value in items:
        if kind == "heading":
            document.add_heading(value, level=1)
        elif kind == "p":
            document.add_paragraph(value)
        else:
            table = document.add_table(rows=0, cols=len(value[0]))
            for row in value:
                cells = table.add_row().cells
                for cell, text in zip(cells, row, strict=True):
                    cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def plain_text(items=TENDER) -> str:
    lines = []
    for kind, value in items:
        if kind == "table":
            lines.extend(" | ".join(row) for row in value)
        else:
            lines.append(value)
    return "\n".join(lines)


def pdf_bytes(items=TENDER, *, pages: int = 1) -> bytes:
    from weasyprint import HTML

    body = []
    for page in range(pages):
        for kind, value in items:
            if kind == "table":
                body.append(
                    "<table>"
                    + "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in value)
                    + "</table>"
                )
            else:
                body.append(f"<p>{value}</p>")
        if page < pages - 1:
            body.append('<p style="page-break-after: always"></p>')
    html = (
        '<html><head><style>body{font-family:"Noto Sans CJK SC",sans-serif;font-size:11pt}</style></head>'
        "<body>" + "".join(body) + "</body></html>"
    )
    return HTML(string=html).write_pdf()


def blank_pdf_bytes() -> bytes:
    from weasyprint import HTML

    return HTML(
        string='<html><body><div style="width:10cm;height:5cm;background:#888"></div></body></html>'
    ).write_pdf()
