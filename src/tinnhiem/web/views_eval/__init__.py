"""Evaluation pages (đánh giá ngoài phiếu tín nhiệm): import a year's work programme, the
official's own view, the leader's view with the confidence-against-performance scatter plot
beside the unchanged legal tally, and the PDF/XLSX exports of ``tinnhiem.evaluation``."""

__all__: list[str] = []
