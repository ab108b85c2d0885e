"""tinnhiem.record"""
