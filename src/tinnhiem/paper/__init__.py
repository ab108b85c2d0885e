"""tinnhiem.paper"""
