"""The audit in the tally minutes (phần kiểm tra xác suất của biên bản): the seed, the risk
limit, the method (our choice, not a legal rule), the drawn sheets by batch and position,
the differences found, and the conclusion, in Vietnamese with the decimal comma."""

from __future__ import annotations

from html import escape

from tinnhiem.paper import PaperSession
from tinnhiem.paper.audit import AUDIT_METHOD, SAMPLER, AuditState

__all__ = ["audit_html", "audit_lines"]

_OUTCOME_VI = {
    "confirmed": "Kết quả kiểm phiếu được xác nhận trong giới hạn rủi ro",
    "full_hand_count": "Chuyển sang kiểm lại toàn bộ phiếu bằng tay",
}
_OUTCOME_EN = {
    "confirmed": "The count is confirmed within the risk limit",
    "full_hand_count": "Escalated to a full hand count",
}


def _comma(value: float, digits: int) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def audit_lines(audit: AuditState) -> tuple[tuple[str, str, str], ...]:
    """The audit as (Vietnamese label, English label, value) lines."""
    p_values = audit.p_values()
    largest = max(p_values.values(), default=0.0)
    differences = sum(len(c.differences) for c in audit.comparisons)
    lines = [
        (
            "Phương pháp (do Tín Nhiệm chọn, không phải quy định pháp luật)",
            "Method (chosen by Tín Nhiệm, not a legal rule)",
            AUDIT_METHOD,
        ),
        ("Cách rút mẫu", "Sampler", SAMPLER),
        (
            "Số ngẫu nhiên công khai (xúc xắc, do chủ tọa nhập)",
            "Public seed (dice, entered by the chair)",
            audit.seed,
        ),
        ("Giới hạn rủi ro", "Risk limit", _comma(audit.risk_limit * 100, 2) + "%"),
        ("Số phiếu trong danh mục", "Sheets in the manifest", str(len(audit.plan.manifest))),
        (
            "Số khẳng định được kiểm tra (mỗi người, mỗi ngưỡng)",
            "Assertions (each official, each threshold)",
            str(len(audit.plan.assertions)),
        ),
        ("Số lượt rút đã đọc lại", "Draws read again", str(len(audit.comparisons))),
        ("Số dòng khác với kết quả kiểm phiếu", "Rows differing from the count", str(differences)),
        ("Giá trị P lớn nhất", "Largest P-value", _comma(largest, 4)),
    ]
    planned = audit.sample_size()
    lines.append(
        (
            "Cỡ mẫu dự kiến",
            "Planned sample size",
            str(planned) if planned is not None else "kiểm lại toàn bộ / full hand count",
        )
    )
    if audit.conclusion is not None:
        lines.append(
            (
                "Kết luận",
                "Conclusion",
                _OUTCOME_VI[audit.conclusion.outcome]
                + " / "
                + _OUTCOME_EN[audit.conclusion.outcome],
            )
        )
    else:
        lines.append(("Kết luận", "Conclusion", "đang kiểm tra / under way"))
    return tuple(lines)


def audit_html(session: PaperSession, lang: str = "vi") -> str:
    """The audit section of the minutes (empty when the round was not audited)."""
    audit = session.audit
    if audit is None:
        return ""
    rows = "".join(
        f"<tr><td>{escape(vi if lang == 'vi' else en)}</td><td>{escape(value)}</td></tr>"
        for vi, en, value in audit_lines(audit)
    )
    draws = "".join(
        f"<tr><td class='num'>{c.draw}</td><td>{escape(_place(audit, c.serial))}</td>"
        f"<td class='num'>{len(c.differences)}</td><td>{escape(c.actor)}</td></tr>"
        for c in audit.comparisons
    )
    title = "V. KIỂM TRA XÁC SUẤT SAU KIỂM PHIẾU" if lang == "vi" else "V. RISK-LIMITING AUDIT"
    head = (
        "<tr><th>Lượt</th><th>Phiếu (tập, vị trí)</th><th>Dòng khác</th><th>Người đọc</th></tr>"
        if lang == "vi"
        else "<tr><th>Draw</th><th>Sheet (batch, position)</th><th>Rows differing</th>"
        "<th>Read by</th></tr>"
    )
    return (
        f"<h2>{title}</h2><table class='grid keep'><tbody>{rows}</tbody></table>"
        f"<table class='grid'><thead>{head}</thead><tbody>{draws}</tbody></table>"
    )


def _place(audit: AuditState, serial: int) -> str:
    for place in audit.plan.manifest:
        if place.serial == serial:
            return place.label
    return str(serial)
