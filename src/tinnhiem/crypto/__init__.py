"""tinnhiem.crypto"""
