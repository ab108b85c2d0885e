"""tinnhiem.reports"""
