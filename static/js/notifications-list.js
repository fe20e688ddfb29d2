"use strict";
// New notifications appear at the top while the page is open (site.js relays the stream).
document.addEventListener("lootlink:notification", function (event) {
  var n = event.detail, list = document.getElementById("notification-list");
  if (!list || !n || list.querySelector('[data-id="' + n.id + '"]')) return;
  var empty = list.querySelector(".empty");
  if (empty) empty.remove();
  var li = document.createElement("li");
  li.className = "notification unread";
  li.dataset.id = n.id;
  var a = document.createElement("a");
  a.href = (n.payload && n.payload.url) || "#";
  a.textContent = (n.payload && n.payload.message) || n.type;
  var time = document.createElement("time");
  time.dateTime = n.created_at;
  var opts = {day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit"};
  var fmt = window.LootLink && window.LootLink.zoneFormat ? window.LootLink.zoneFormat(opts) : new Intl.DateTimeFormat("ru-RU", opts);
  time.textContent = fmt.format(new Date(n.created_at)).replace(",", "");
  li.append(a, time);
  list.prepend(li);
});
