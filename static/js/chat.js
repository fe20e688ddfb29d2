/* LootLink chat: send without reloading, poll for new messages every 3 s, mark them read. */
(function () {
  "use strict";
  var chat = document.querySelector("[data-chat]");
  if (!chat) { return; }
  var log = document.getElementById("chat-log");
  var form = chat.querySelector(".chat-form");
  var input = document.getElementById("chat-input");
  var pollUrl = chat.getAttribute("data-poll-url");
  var lastId = parseInt(chat.getAttribute("data-last-id"), 10) || 0;
  var busy = false;
  var timeOptions = {hour: "2-digit", minute: "2-digit"};  // in the user's zone, as the server
  var timeFmt = window.LootLink && window.LootLink.zoneFormat ? window.LootLink.zoneFormat(timeOptions) : new Intl.DateTimeFormat("ru-RU", timeOptions);
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var picker = document.getElementById("chat-image");
  if (picker) {
    picker.addEventListener("change", function () { form.classList.toggle("has-file", picker.files.length > 0); });
  }

  function scrollDown() { log.scrollTop = log.scrollHeight; }
  scrollDown();

  function render(m) {
    if (log.querySelector('[data-id="' + m.id + '"]')) { return; }
    var empty = log.querySelector("[data-empty]");
    if (empty) { empty.remove(); }
    var bubble = document.createElement("div");
    bubble.className = "bubble is-new" + (m.is_mine ? " mine" : "");
    bubble.setAttribute("data-id", m.id);
    if (!m.is_mine && chat.getAttribute("data-group") === "1") {
      var author = document.createElement("span");
      author.className = "bubble-author";
      author.textContent = m.sender;
      bubble.appendChild(author);
    }
    if (m.image_url) {
      var link = document.createElement("a");
      link.className = "bubble-image";
      link.href = m.image_url;
      link.target = "_blank";
      link.rel = "noopener";
      var img = document.createElement("img");
      img.src = m.image_url;
      img.alt = "Фото в сообщении";
      link.appendChild(img);
      bubble.appendChild(link);
    }
    if (m.content) {
      var text = document.createElement("span");
      text.className = "bubble-text";
      text.textContent = m.content;  // textContent: never HTML from a message
      text.style.whiteSpace = "pre-wrap";
      bubble.appendChild(text);
    }
    var meta = document.createElement("span");
    meta.className = "bubble-meta";
    meta.textContent = timeFmt.format(new Date(m.created_at));
    if (m.is_mine) {
      var ticks = document.createElement("span");
      ticks.className = "ticks" + (m.is_read ? " is-read" : "");
      ticks.textContent = m.is_read ? " ✓✓" : " ✓";
      meta.appendChild(ticks);
    }
    bubble.appendChild(meta);
    log.appendChild(bubble);
    lastId = Math.max(lastId, m.id);
  }

  function markRead(upTo) {
    log.querySelectorAll(".bubble.mine .ticks:not(.is-read)").forEach(function (t) {
      var id = parseInt(t.closest(".bubble").getAttribute("data-id"), 10);
      if (id <= upTo) { t.classList.add("is-read"); t.textContent = " ✓✓"; }
    });
  }

  function poll() {
    if (busy || document.hidden) { return; }
    busy = true;
    fetch(pollUrl + "?after=" + lastId, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        var nearBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 120;
        data.messages.forEach(render);
        if (data.messages.length && nearBottom) { scrollDown(); }
        markRead(data.read_up_to);
      })
      .catch(function () { /* offline: try again on the next tick */ })
      .finally(function () { busy = false; });
  }
  setInterval(poll, 3000);
  document.addEventListener("visibilitychange", poll);
  document.addEventListener("lootlink:notification", function (e) {
    var payload = (e.detail || {}).payload || {};
    if (payload.conversation_id && pollUrl.indexOf("/" + payload.conversation_id + "/") !== -1) { poll(); }
  });

  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit(); }
  });
  input.addEventListener("input", function () {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 160) + "px";
  });

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var content = input.value.trim();
    var file = picker && picker.files.length ? picker.files[0] : null;
    if (!content && !file) { return; }
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    var body = new FormData();
    body.append("content", content);
    if (file) { body.append("image", file); }
    fetch(form.action, {method: "POST", body: body, credentials: "same-origin",
                        headers: {"Accept": "application/json", "X-CSRFToken": csrf}})
      .then(function (r) { return r.json().then(function (data) { return {ok: r.ok, data: data}; }); })
      .then(function (res) {
        if (!res.ok) { window.LootLink.toast(res.data.detail || "Не удалось отправить сообщение"); return; }
        render(res.data.message);
        input.value = "";
        if (picker) { picker.value = ""; form.classList.remove("has-file"); }
        input.style.height = "auto";
        scrollDown();
      })
      .catch(function () { window.LootLink.toast("Нет соединения. Сообщение не отправлено."); })
      .finally(function () { button.disabled = false; input.focus(); });
  });
})();
