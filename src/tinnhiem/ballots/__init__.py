"""tinnhiem.ballots"""
