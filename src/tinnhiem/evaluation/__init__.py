"""tinnhiem.evaluation"""
