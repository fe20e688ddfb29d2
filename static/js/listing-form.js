/* New listing: choosing a game reloads the form with that game's sections (uimarket). */
(function () {
  "use strict";
  var select = document.querySelector("select[data-sections-reload]");
  if (!select) { return; }
  select.addEventListener("change", function () {
    var url = new URL(window.location.href);
    if (select.value) { url.searchParams.set("game", select.value); } else { url.searchParams.delete("game"); }
    window.location.assign(url.toString());
  });
})();
