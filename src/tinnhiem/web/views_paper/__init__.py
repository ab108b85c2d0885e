"""Pages of paper rounds (phiếu giấy): setup and status, printing the sheets, independent
double entry, disagreements and their resolution, hand-count totals, and the tally minutes
(biên bản kiểm phiếu) of paper and electronic rounds."""

__all__: list[str] = []
