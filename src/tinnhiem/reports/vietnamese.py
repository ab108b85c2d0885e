"""The Vietnamese minutes stay in Vietnamese (no English mixed into a Vietnamese document):
bilingual ``"vi / en"`` labels cut to their Vietnamese half, a reason's text with the
labels it quotes cut the same way, and a cited clause whose quote was read only in an
English translation printed without that quote. Shared by the personnel minutes' PDF/HTML
and XLSX."""

from __future__ import annotations

import re

from tinnhiem.rules.model import Citation

__all__ = ["NOT_CONFIRMED_VI", "vi", "vi_citation", "vi_reason"]

#: The mark of a clause not checked against its text.
NOT_CONFIRMED_VI = "chưa đối chiếu được văn bản"

_VIETNAMESE = re.compile(
    "[ăâđêôơưĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]"
)


def vi(label: str) -> str:
    """The Vietnamese half of a bilingual ``"vi / en"`` label."""
    return label.split(" / ", 1)[0]


def vi_reason(text: str) -> str:
    """A reason's Vietnamese text with the bilingual labels it quotes (the base, the body,
    the action: ``"tổng số người được triệu tập / everyone summoned"``) cut to Vietnamese."""
    from tinnhiem.rules.appointment import Body, FallbackAction, StepBase

    for kind in (StepBase, Body, FallbackAction):
        for member in kind:
            label = member.label
            text = text.replace(label, vi(label))
    return text


def vi_citation(cite: Citation) -> str:
    """A clause as the Vietnamese minutes print it: label, quote, and the not-confirmed
    mark (Vietnamese only) when it was not checked against its text."""
    text = vi(cite.label)
    if cite.quote and _VIETNAMESE.search(cite.quote):
        text += f": “{cite.quote}”"
    elif cite.quote:  # read only in a translation: the minutes stay in Vietnamese
        text += " (trích dẫn chỉ đọc được qua bản dịch, xem văn bản nguồn)"
    return text if cite.verified else f"{text} [{NOT_CONFIRMED_VI}]"
