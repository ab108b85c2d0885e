"""Tín Nhiệm: end-to-end verifiable confidence polls (lấy phiếu tín nhiệm) on officials,
the formal confidence votes that may follow (bỏ phiếu tín nhiệm), and evaluation beyond
popularity."""

__version__ = "0.1.0"
__all__ = ["__version__"]
