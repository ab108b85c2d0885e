"""A whole poll in Debian's Chromium against a live server.

The organiser's roster, ballot and committee are set up with the organiser's actions; the
organiser then starts the ceremony, opens and closes the poll on the round page. Three
committee members run the key ceremony in their browsers (secrets only in the page and in
passphrase-protected files). Five voters log in from the slip's booth link, read the
reports, mark, encrypt in the browser and cast; the first audits a sealed ballot before
casting a fresh one; a voter who types someone else's seed is stopped. The live board
updates without a reload. The committee decrypts with member 2 absent; the results page
shows the counts and bands; the record downloaded from it passes `tinnhiem verify`.
Forged and replayed ballots sent to the API are refused with nothing stored.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tinnhiem.web.lib.slips import booth_fragment

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "Mat-khau-Thu-123"
PASSPHRASES = {1: "mật khẩu một dài", 2: "mật khẩu hai dài", 3: "mật khẩu ba dài"}
TIMEOUT = 20_000


def _setup(tmp_path: Path) -> dict[str, Any]:
    """The organiser's roster, round, ballot, reports and committee (actions)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from tinnhiem.web.actions import (
        do_add_committee_member,
        do_add_official,
        do_create_body,
        do_create_round,
        do_import_roster,
        do_publish_report,
        do_set_exemption,
        do_submit_report,
        do_summon,
    )
    from tinnhiem.web.lib.access import Actor
    from tinnhiem.web.lib.roster import RosterRow
    from tinnhiem.web.models import Membership, Person, Role

    users = get_user_model().objects
    organiser = users.create_user("bantochuc", password=PASSWORD, first_name="Ban Tổ chức")
    Membership.objects.create(user=organiser, role=Role.ORGANISER)
    org = Actor(organiser, Role.ORGANISER)
    body = do_create_body(org, code="hdnd-thu", name="HĐND tỉnh Thử")
    names = [
        "Nguyễn Văn Ánh",
        "Trần Thị Bình",
        "Lê Văn Cường",
        "Phạm Thị Dung",
        "Hoàng Văn Em",
        "Vũ Thị Giang",
    ]
    do_import_roster(
        org,
        body,
        [RosterRow(i + 2, f"P{i + 1}", n, "HĐND", "Đại biểu") for i, n in enumerate(names)],
    )
    people = {p.external_id: p for p in Person.objects.filter(body=body)}
    round_ = do_create_round(
        org,
        body,
        title="Lấy phiếu tín nhiệm thử",
        kind="poll",
        rule_id="nq96-2023",
        threshold=2,
        committee_size=3,
        opens_at=timezone.now(),
    )
    chair = do_add_official(org, round_, people["P1"], post="Chủ tịch UBND tỉnh")
    do_add_official(org, round_, people["P2"], post="Phó Chủ tịch UBND tỉnh")
    retiring = do_add_official(org, round_, people["P3"], post="Giám đốc Sở")
    do_set_exemption(org, retiring, exempt=True, reason="Đã có thông báo nghỉ hưu")
    report = do_submit_report(org, chair, text="Năm qua tôi đã hoàn thành 17 đề án được giao.")
    do_publish_report(org, report)
    do_summon(org, round_, people.values())
    committee = []
    for i in (1, 2, 3):
        user = users.create_user(f"kiemphieu{i}", password=PASSWORD, first_name=f"Thành viên {i}")
        do_add_committee_member(org, round_, user)
        committee.append(user)
    return {"org": org, "round": round_, "committee": committee, "tmp": tmp_path}


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}


def _new_page(browser: Any, errors: list[str], **options: Any) -> Any:
    context = browser.new_context(accept_downloads=True, locale="vi-VN", **options)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.on("dialog", lambda dialog: dialog.accept())
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    return page


def _click_download(page: Any, selector: str, save_to: Path) -> Path:
    with page.expect_download() as info:
        page.click(selector)
    info.value.save_as(str(save_to))
    return save_to


def _status_button(page: Any, base: str, round_id: int, label: str) -> None:
    page.goto(f"{base}/rounds/{round_id}/")
    page.get_by_role("button", name=label).click()
    page.wait_for_load_state()


def test_whole_poll_in_the_browser(
    live_server: Any, browser: Any, booth_bundle: Path, shots: Any, tmp_path: Path
) -> None:
    from tinnhiem.web.actions import do_check_in, do_issue_credentials
    from tinnhiem.web.models import Ballot, BoardEntry, Round, Summons

    base = live_server.url
    errors: list[str] = []
    s = _setup(tmp_path)
    round_id = s["round"].pk

    # --- The organiser fixes the lists and starts the key ceremony --------------------
    org = _new_page(browser, errors)
    _login(org, base, "bantochuc")
    _status_button(org, base, round_id, "Chốt danh sách, bắt đầu tạo khóa")
    assert Round.objects.get(pk=round_id).status == "ceremony"

    # --- Three committee members run the ceremony in their browsers --------------------
    members = {}
    for i in (1, 2, 3):
        page = _new_page(browser, errors)
        _login(page, base, f"kiemphieu{i}")
        page.goto(f"{base}/rounds/{round_id}/committee/")
        page.wait_for_selector("body[data-committee-ready='1']")
        page.fill("#pass1", PASSPHRASES[i])
        page.fill("#pass2", PASSPHRASES[i])
        _click_download(page, "#dkg-create button[type=submit]", tmp_path / f"state-{i}.tnsec")
        members[i] = page
    shots(members[1], "01-committee-commits")
    # Member 2 closes the browser and comes back later with the protected state file.
    members[2].context.close()
    page = _new_page(browser, errors)
    _login(page, base, "kiemphieu2")
    page.goto(f"{base}/rounds/{round_id}/committee/")
    page.wait_for_selector("#dkg-resume:not([hidden])")
    page.set_input_files("#state-file", str(tmp_path / "state-2.tnsec"))
    page.fill("#state-pass", "sai mật khẩu rồi")
    page.click("#dkg-resume button[type=submit]")
    page.wait_for_selector("#committee-status[data-kind=error]")
    page.fill("#state-pass", PASSPHRASES[2])
    page.click("#dkg-resume button[type=submit]")
    page.wait_for_selector("#dkg-resume", state="hidden")
    members[2] = page
    for i, page in members.items():
        page.wait_for_selector("#dkg-reveal:not([disabled])")
        _click_download(page, "#dkg-reveal", tmp_path / f"state-{i}-revealed.tnsec")
    share_files = {}
    for i, page in members.items():
        page.wait_for_selector("#dkg-finish:not([disabled])")
        share_files[i] = _click_download(page, "#dkg-finish", tmp_path / f"share-{i}.tnsec")
        page.wait_for_selector("#committee-status[data-kind=ok]")
    round_ = Round.objects.get(pk=round_id)
    assert len(round_.public_key) == 64
    members[1].wait_for_selector("#key-line:not([hidden])")
    shots(members[1], "02-committee-key")
    for page in members.values():
        page.context.close()

    # --- Slips are issued, voters checked in, the poll opened ------------------------
    slips = do_issue_credentials(s["org"], round_)
    for summons in Summons.objects.filter(round=round_):
        do_check_in(s["org"], round_, summons=summons)
    _status_button(org, base, round_id, "Mở bỏ phiếu")
    assert Round.objects.get(pk=round_id).status == "open"

    board = _new_page(browser, errors)
    board.goto(f"{base}/rounds/{round_id}/board/")
    board.wait_for_selector("body[data-board-ready='1']")
    assert board.inner_text("#board-returned") == "0"

    # --- Five voters ---------------------------------------------------------------------
    # marks per voter for (Chủ tịch, Phó Chủ tịch); None leaves the row blank (NQ 96: allowed)
    votes = [
        ("low", "high"),
        ("low", "confident"),
        ("low", "high"),
        ("high", "high"),
        ("confident", None),
    ]
    trackers = []
    for n, (slip, marks) in enumerate(zip(slips, votes, strict=False)):
        page = _new_page(browser, errors, **(PHONE if n == 2 else {}))
        fragment = booth_fragment(slip.login_code, slip.seed)
        if n == 1:
            # This voter types the slip code; in the booth, the neighbour's seed first.
            page.goto(f"{base}/phieu/")
            page.fill("input[name=code]", slip.login_code)
            page.click("#entry-form button[type=submit]")
            page.wait_for_selector("body[data-booth-ready='1']")
            wrong = booth_fragment(slips[0].login_code, slips[0].seed).split(".")[-1]
            page.fill("#credential-input", wrong)
            page.click("#credential-form button[type=submit]")
            page.wait_for_selector("#credential-status:not([hidden])")
            assert "không phải của tài khoản" in page.inner_text("#credential-status")
            shots(page, "04-booth-wrong-credential")
            page.fill("#credential-input", fragment.split(".")[-1])
            page.click("#credential-form button[type=submit]")
        else:
            page.goto(f"{base}/phieu/#{fragment}")  # what scanning the slip's QR opens
        page.wait_for_selector("#step-mark:not([hidden])")
        assert "#" not in page.url  # the seed left the address bar at once
        if n == 0:
            page.get_by_text("Báo cáo tự đánh giá").first.click()
            assert "17 đề án" in page.inner_text("#step-mark")
            shots(page, "03-booth-marks")
        fieldsets = page.locator("fieldset[data-official]")
        assert fieldsets.count() == 2  # the exempt official is not on the ballot
        if n == 3:
            # This voter uses the keyboard only: Tab into each group, Space ticks the first
            # level (high), Enter on the buttons.
            page.locator("#marks-form input[type=radio]").first.focus()
            page.keyboard.press("Space")
            page.keyboard.press("Tab")
            page.keyboard.press("Space")
            for row in (0, 1):
                assert fieldsets.nth(row).locator("input[value=high]").is_checked()
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.id") == "review-button"
            page.keyboard.press("Enter")
            page.wait_for_selector("#step-review:not([hidden])")
            page.locator("#encrypt-button").focus()
            page.keyboard.press("Enter")
        else:
            for row, mark in enumerate(marks):
                if mark is not None:
                    fieldsets.nth(row).locator(f"input[value={mark}]").check()
            page.click("#review-button")
            page.wait_for_selector("#step-review:not([hidden])")
            page.click("#encrypt-button")
        page.wait_for_selector("#step-sealed:not([hidden])")
        if n == 2:
            shots(page, "06-booth-phone-sealed")
        if n == 0:
            audited = page.inner_text("#sealed-tracker")
            page.click("#audit-button")
            page.wait_for_selector("#step-audit:not([hidden])")
            expect(page.locator("#audit-verdict")).to_contain_text("Máy chủ")
            verdict = page.inner_text("#audit-verdict")
            assert "Kiểm tra đạt" in verdict and "đạt" in verdict.split("Máy chủ")[1]
            assert page.locator("#audit-rows td.ok").count() == 2
            shots(page, "05-booth-audit")
            page.click("#audit-restart")
            page.click("#encrypt-button")
            page.wait_for_selector("#step-sealed:not([hidden])")
            assert page.inner_text("#sealed-tracker") != audited
        sealed = page.inner_text("#sealed-tracker")
        page.click("#cast-button")
        page.wait_for_selector("#step-done:not([hidden])")
        assert page.inner_text("#done-tracker") == sealed
        trackers.append(sealed)
        if n == 0:
            shots(page, "06-booth-cast")
            first_page = page
        else:
            page.context.close()
    assert Ballot.objects.filter(round_id=round_id).count() == 5
    assert audited not in trackers  # the audited ballot was never cast

    # The board updated live (no reload) and lists every tracker.
    expect(board.locator("#board-returned")).to_have_text("5")  # the CSP forbids eval
    for tracker in trackers:
        assert tracker in board.inner_text("#board-entries")
    board.fill("#tracker-input", trackers[2])
    board.click("#tracker-form button")
    assert "Có trên bảng tin" in board.inner_text("#tracker-result")
    shots(board, "07-board-live")

    # --- Bad input through the API, from voter 1's own session: refused, nothing stored ---
    stored = (Ballot.objects.count(), BoardEntry.objects.count())
    cast_url = f"{base}/api/rounds/{round_id}/cast"
    cast = Ballot.objects.filter(round_id=round_id).order_by("board_seq").first()
    token = first_page.locator("input[name=csrfmiddlewaretoken]").first.input_value()

    def post(payload: Any) -> Any:
        return first_page.request.post(
            cast_url,
            data=json.dumps(payload),
            headers={
                "Content-Type": "application/json",
                "X-CSRFToken": token,
                "Referer": base + "/",
            },
        )

    # The same ballot sent again (a lost answer): its receipt, nothing added.
    replay = post({"ballot": cast.payload})
    assert replay.status == 200 and replay.json()["repeated"] is True
    assert replay.json()["tracker"] == cast.tracker
    copied = json.loads(json.dumps(cast.payload))
    copied["rows"][0]["proof"] = copied["rows"][1]["proof"]
    refused = post({"ballot": copied})
    assert refused.status == 409 and refused.json()["error"] == "replay"
    first_page.context.close()

    # Voter 6 (who never voted) sends a forged ballot: a proof changed after signing.
    from tinnhiem.ballots import Mark, cast_ballot
    from tinnhiem.crypto import CredentialKey, Point
    from tinnhiem.web.lib.poll_round import engine_of

    sixth = _new_page(browser, errors)
    sixth.goto(f"{base}/phieu/#{booth_fragment(slips[5].login_code, slips[5].seed)}")
    sixth.wait_for_selector("#step-mark:not([hidden])")
    token = sixth.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    round_ = Round.objects.get(pk=round_id)
    manifest = engine_of(round_).manifest
    ballot = cast_ballot(
        manifest,
        bytes.fromhex(round_.fingerprint),
        Point.from_hex(round_.public_key),
        CredentialKey.from_seed(slips[5].seed),
        {manifest.official_ids[0]: Mark.HIGH},
    ).to_json()
    # Flip one bit of the first commitment (A₀) of row 0's proof: always a change (the last
    # byte, tried before, is 00 already for about one ballot in sixteen).
    proof = ballot["rows"][0]["proof"]
    ballot["rows"][0]["proof"] = f"{int(proof[:2], 16) ^ 1:02x}" + proof[2:]
    forged = sixth.request.post(
        cast_url,
        data=json.dumps({"ballot": ballot}),
        headers={"Content-Type": "application/json", "X-CSRFToken": token, "Referer": base + "/"},
    )
    assert forged.status == 400
    assert forged.json()["error"] in ("bad_signature", "bad_proof", "malformed")
    assert forged.json()["detail"]
    assert (Ballot.objects.count(), BoardEntry.objects.count()) == stored
    sixth.context.close()

    # --- Close; members 1 and 3 decrypt (member 2 is absent) -------------------------
    _status_button(org, base, round_id, "Đóng bỏ phiếu")
    for i in (1, 3):
        page = _new_page(browser, errors)
        _login(page, base, f"kiemphieu{i}")
        page.goto(f"{base}/rounds/{round_id}/committee/")
        page.wait_for_selector("body[data-committee-ready='1']")
        page.wait_for_selector("#decrypt-panel:not([hidden])")
        page.set_input_files("#share-file", str(share_files[i]))
        page.fill("#share-pass", PASSPHRASES[i])
        page.click("#decrypt-button")
        page.wait_for_selector("#committee-status[data-kind=ok]")
        shots(page, f"08-decrypt-member-{i}")
        if i == 3:
            # Member 3's share tallied the round: the page asks them to sign the final board
            # head with the share still open, without the file again.
            page.wait_for_selector("#sign-panel:not([hidden])")
            assert page.locator("#sign-share-fields").is_hidden()
            page.click("#sign-button")
            page.wait_for_selector("tr[data-member='3'] td[data-step=signatures].ok")
            page.wait_for_selector("#signatures-line[data-kind=warn]")
        page.context.close()
    assert Round.objects.get(pk=round_id).status == "tallied"

    # --- Member 1 comes back and signs the head with their share file ------------------
    head = BoardEntry.objects.filter(round_id=round_id).order_by("-seq").first().hash
    page = _new_page(browser, errors)
    _login(page, base, "kiemphieu1")
    page.goto(f"{base}/rounds/{round_id}/committee/")
    page.wait_for_selector("body[data-committee-ready='1']")
    page.wait_for_selector("#sign-panel:not([hidden])")
    shown = page.inner_text("#sign-head")
    assert shown.split() == [head[i : i + 4] for i in range(0, 64, 4)], shown
    assert "Chưa" in page.inner_text("tr[data-member='1'] td[data-step=signatures]")
    page.set_input_files("#sign-file", str(share_files[1]))
    page.fill("#sign-pass", PASSPHRASES[1])
    shots(page, "08-sign-head")
    page.click("#sign-button")
    page.wait_for_selector("#signatures-line[data-kind=ok]")
    assert page.locator("#sign-panel").is_hidden()
    shots(page, "08-head-signed")
    page.context.close()

    # --- Results, big screen, and the record for `tinnhiem verify` ------------------------
    org.goto(f"{base}/rounds/{round_id}/results/")
    text = org.inner_text("#results-root")
    chair = org.locator("li.result-row").first
    assert "Nguyễn Văn Ánh" in chair.inner_text()
    assert chair.locator("td[data-count=low]").inner_text() == "3"
    assert "60,00%" in chair.inner_text()  # 3 low of 5 returned (Vietnamese decimal comma)
    assert "NQ 96/2023" in text or "96/2023" in text  # the consequence cites its rule
    label = chair.locator("svg.bar").get_attribute("aria-label")
    assert label and re.search(r"3 \(60,00%\)", label)
    shots(org, "09-results")
    org.get_by_role("button", name="Công bố kết quả").click()
    org.wait_for_selector(".status-published")
    assert Round.objects.get(pk=round_id).status == "published"
    record = _click_download(org, "#record-link", tmp_path / "record.json")
    org.goto(f"{base}/rounds/{round_id}/results/?screen=1")
    assert org.locator(".big-screen").count() == 1
    shots(org, "10-results-big-screen")
    verified = subprocess.run(
        [sys.executable, "-m", "tinnhiem.cli", "verify", str(record)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if verified.returncode != 0 and "No module named tinnhiem.cli.__main__" in verified.stderr:
        verified = subprocess.run(
            [str(Path(sys.executable).with_name("tinnhiem")), "verify", str(record)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    board.context.close()
    org.context.close()
    assert not errors, errors
