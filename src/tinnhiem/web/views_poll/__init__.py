"""Views of the voting booth, the committee's key ceremony and decryption, the live board
and the results (issue 4, part B). Thin: parse, call one ``do_*`` action, render."""

__all__: list[str] = []
