// Tín Nhiệm: small progressive enhancements. Every page works without this file.
// Loaded as a static file (the Content-Security-Policy forbids inline scripts).
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function onReady(fn) {
    if (document.readyState !== "loading") { fn(); } else {
      document.addEventListener("DOMContentLoaded", fn);
    }
  }

  // Characters as Python counts them: code points after NFC, trimmed.
  function codePoints(text) {
    return Array.from(text.normalize("NFC").trim()).length;
  }

  function setupCounters() {
    document.querySelectorAll("[data-counter-for]").forEach(function (counter) {
      var field = document.getElementById(counter.getAttribute("data-counter-for"));
      if (!field) { return; }
      var max = parseInt(field.getAttribute("data-maxchars"), 10) || 0;
      var base = counter.textContent;
      var update = function () {
        var n = codePoints(field.value);
        counter.textContent = base + " · " + n + "/" + max;
        counter.classList.toggle("over", max > 0 && n > max);
      };
      field.addEventListener("input", update);
      update();
    });
  }

  function setupConfirmAndPrint() {
    document.addEventListener("click", function (event) {
      var target = event.target.closest("[data-confirm], [data-print]");
      if (!target) { return; }
      if (target.hasAttribute("data-print")) { window.print(); return; }
      if (!window.confirm(target.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  }

  // Replace a block with fresh HTML from its data-refresh URL every few seconds
  // (the server renders and escapes that HTML; same origin only).
  function setupRefresh() {
    document.querySelectorAll("[data-refresh]").forEach(function (block) {
      var url = block.getAttribute("data-refresh");
      var seconds = parseInt(block.getAttribute("data-refresh-seconds"), 10) || 10;
      setInterval(function () {
        if (document.hidden) { return; }
        fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
          .then(function (r) { return r.ok ? r.text() : null; })
          .then(function (html) { if (html !== null) { block.innerHTML = html; } })
          .catch(function () { /* keep the last state; the next tick retries */ });
      }, seconds * 1000);
    });
  }

  // The booth QR on a slip opens /login/slip/#v1.<code>.<seed>. The fragment never
  // reaches the server: the code fills the form, the seed stays in this tab's
  // sessionStorage ("tinnhiem.slip") for the booth to sign the ballot.
  function setupSlipLogin() {
    var form = document.getElementById("slip-login");
    if (!form || location.hash.indexOf("#v1.") !== 0) { return; }
    var parts = location.hash.slice(1).split(".");
    history.replaceState(null, "", location.pathname);
    if (parts.length !== 3) { return; }
    try {
      sessionStorage.setItem("tinnhiem.slip", JSON.stringify({ code: parts[1], seed: parts[2] }));
    } catch (e) { /* private mode: the booth will ask for the slip again */ }
    var input = form.querySelector("input[name=code]");
    if (input) { input.value = parts[1]; form.submit(); }
  }

  // Camera scanning at the door, where the browser has BarcodeDetector (Chrome on
  // Android, for instance); elsewhere the button stays hidden and a USB scanner types
  // into the field.
  function setupCameraScan() {
    var button = document.querySelector("[data-scan-into]");
    if (!button || !("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
    var field = document.getElementById(button.getAttribute("data-scan-into"));
    var video = button.parentNode.querySelector("video.camera-view");
    var label = button.textContent;
    var stream = null;
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    button.hidden = false;
    function stop() {
      if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
      stream = null; video.hidden = true; button.textContent = label;
    }
    function tick() {
      if (!stream) { return; }
      detector.detect(video).then(function (codes) {
        if (codes.length > 0) {
          field.value = codes[0].rawValue;
          stop();
          field.form.submit();
        } else {
          requestAnimationFrame(tick);
        }
      }).catch(function () { requestAnimationFrame(tick); });
    }
    button.addEventListener("click", function () {
      if (stream) { stop(); return; }
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } })
        .then(function (s) {
          stream = s; video.srcObject = s; video.hidden = false;
          button.textContent = button.getAttribute("data-scan-stop");
          return video.play();
        })
        .then(tick)
        .catch(stop);
    });
  }

  onReady(function () {
    setupCameraScan();
    setupCounters();
    setupConfirmAndPrint();
    setupRefresh();
    setupSlipLogin();
  });
})();
