"""tinnhiem.rules"""
