"""tinnhiem.tally"""
