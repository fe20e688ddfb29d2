/* LootLink: local times, live notification badge (SSE), toasts. No dependencies. */
(function () {
  "use strict";

  // --- Times: always in the user's zone (<html data-tz>, the profile setting), never the ---
  // --- browser's own, so the page, chat and notifications agree with the server. ----------
  function zoneFormat(options) {
    var tz = document.documentElement.getAttribute("data-tz");
    if (tz) {
      try { return new Intl.DateTimeFormat("ru-RU", Object.assign({timeZone: tz}, options)); } catch (e) { /* unknown zone */ }
    }
    return new Intl.DateTimeFormat("ru-RU", options);
  }
  var fullFmt = zoneFormat({day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit"});
  var dateFmt = zoneFormat({day: "numeric", month: "long", year: "numeric"});
  var rel = window.Intl && Intl.RelativeTimeFormat ? new Intl.RelativeTimeFormat("ru", {numeric: "auto"}) : null;

  function relative(date) {
    var seconds = (date.getTime() - Date.now()) / 1000;
    var abs = Math.abs(seconds);
    if (!rel || abs > 7 * 86400) { return dateFmt.format(date); }
    if (abs < 60) { return "только что"; }
    if (abs < 3600) { return rel.format(Math.round(seconds / 60), "minute"); }
    if (abs < 86400) { return rel.format(Math.round(seconds / 3600), "hour"); }
    return rel.format(Math.round(seconds / 86400), "day");
  }

  function localizeTimes(root) {
    (root || document).querySelectorAll("time[datetime][data-style]").forEach(function (el) {
      var date = new Date(el.getAttribute("datetime"));
      if (isNaN(date)) { return; }
      var style = el.getAttribute("data-style");
      el.textContent = style === "relative" ? relative(date) : style === "date" ? dateFmt.format(date) : fullFmt.format(date);
      el.title = fullFmt.format(date);
    });
  }
  window.LootLink = {localizeTimes: localizeTimes, zoneFormat: zoneFormat};
  localizeTimes();
  setInterval(function () { localizeTimes(); }, 60000);

  // --- Toasts ---------------------------------------------------------------------------
  function toast(text, url) {
    var root = document.getElementById("toasts");
    if (!root) { return; }
    var box = document.createElement("div");
    box.className = "toast";
    box.textContent = text + " ";
    if (url && url.charAt(0) === "/" && url.charAt(1) !== "/") {
      var link = document.createElement("a");
      link.href = url;
      link.textContent = "Открыть";
      box.appendChild(link);
    }
    root.appendChild(box);
    setTimeout(function () { box.remove(); }, 7000);
  }
  window.LootLink.toast = toast;

  // --- Live badges: /api/events/stream (session cookie) ---------------------------------
  function setBadge(name, value) {
    document.querySelectorAll('[data-badge="' + name + '"]').forEach(function (el) {
      var n = Math.max(0, value);
      el.textContent = n > 99 ? "99+" : String(n);
      el.dataset.value = String(n);
      el.hidden = n === 0;
      el.classList.remove("bump");
      void el.offsetWidth;
      el.classList.add("bump");
    });
  }
  function badgeValue(name) {
    var el = document.querySelector('[data-badge="' + name + '"]');
    return el ? parseInt(el.dataset.value || el.textContent, 10) || 0 : 0;
  }
  window.LootLink.setBadge = setBadge;
  window.LootLink.badgeValue = badgeValue;

  var url = document.body.getAttribute("data-events-url");
  if (url && window.EventSource) {
    var source = new EventSource(url, {withCredentials: true});
    source.addEventListener("hello", function (e) {
      try { setBadge("notifications", JSON.parse(e.data).unread); } catch (err) { /* ignore */ }
    });
    source.addEventListener("notification", function (e) {
      var data;
      try { data = JSON.parse(e.data); } catch (err) { return; }
      var payload = data.payload || {};
      setBadge("notifications", badgeValue("notifications") + 1);
      var chat = document.querySelector("[data-chat]");
      var inThisChat = chat && payload.conversation_id && chat.getAttribute("data-poll-url").indexOf("/" + payload.conversation_id + "/") !== -1;
      if (data.type === "new_message" && !inThisChat) {
        setBadge("messages", badgeValue("messages") + 1);
      }
      if (!inThisChat && payload.message) { toast(payload.message, payload.url); }
      document.dispatchEvent(new CustomEvent("lootlink:notification", {detail: data}));
    });
    window.addEventListener("pagehide", function () { source.close(); });
  }
})();

/* Forms: the filters start folded on phones; image inputs get a drop zone with a preview. */
(function () {
  "use strict";
  var filters = document.querySelector(".filters-box");
  if (filters && window.matchMedia("(max-width: 960px)").matches && !filters.querySelector(".form-error")) {
    filters.removeAttribute("open");
  }

  // --- Mobile navigation: the menu button opens the main nav as a list (issue 20). ---------
  var navToggle = document.querySelector("[data-nav-toggle]");
  if (navToggle) {
    var header = navToggle.closest(".site-header");
    navToggle.addEventListener("click", function () {
      var open = header.classList.toggle("nav-open");
      navToggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && header.classList.contains("nav-open")) {
        header.classList.remove("nav-open");
        navToggle.setAttribute("aria-expanded", "false");
        navToggle.focus();
      }
    });
    // A dot on the closed menu when a badge inside it (messages, notifications) is non-zero.
    var dot = navToggle.querySelector("[data-nav-dot]");
    var syncDot = function () {
      dot.hidden = !document.querySelector("#main-nav .count:not([hidden])");
    };
    syncDot();
    new MutationObserver(syncDot).observe(document.getElementById("main-nav"), {subtree: true, attributes: true, attributeFilter: ["hidden"]});
  }

  document.querySelectorAll("input[type=file][accept^='image/']").forEach(function (input) {
    var zone = document.createElement("label");
    zone.className = "file-drop";
    zone.innerHTML = '<svg class="icon" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><rect x="3" y="4" width="18" height="16" rx="3"/><circle cx="9" cy="10" r="2"/><path d="M21 16l-5-5-9 9"/></svg>' +
      '<span class="file-drop-text">Перетащите изображение сюда или нажмите, чтобы выбрать</span>' +
      '<span class="file-drop-name">Файл не выбран</span>';
    input.parentNode.insertBefore(zone, input);
    zone.appendChild(input);
    var name = zone.querySelector(".file-drop-name");
    function show() {
      var file = input.files && input.files[0];
      var old = zone.querySelector("img");
      if (old) { old.remove(); }
      if (!file) { name.textContent = "Файл не выбран"; return; }
      name.textContent = file.name + " · " + (file.size / 1024 / 1024).toFixed(2).replace(".", ",") + " МБ";
      if (file.size > 5 * 1024 * 1024) { name.textContent += " — больше 5 МБ, выберите файл поменьше"; }
      var img = document.createElement("img");
      img.alt = "";
      img.src = URL.createObjectURL(file);
      zone.insertBefore(img, zone.firstChild);
    }
    input.addEventListener("change", show);
    ["dragenter", "dragover"].forEach(function (t) { zone.addEventListener(t, function () { zone.classList.add("is-over"); }); });
    ["dragleave", "drop"].forEach(function (t) { zone.addEventListener(t, function () { zone.classList.remove("is-over"); }); });
  });
})();
