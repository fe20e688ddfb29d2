/* Listing form: choosing a game loads that game's sections into the section select (uimarket). */
(function () {
  "use strict";
  var game = document.querySelector("select[data-sections-url]");
  var section = document.querySelector("select[name=section]");
  if (!game || !section) { return; }
  game.addEventListener("change", function () {
    var first = section.options[0] ? section.options[0].cloneNode(true) : null;
    section.innerHTML = "";
    if (first) { section.appendChild(first); }
    if (!game.value) { return; }
    fetch(game.getAttribute("data-sections-url") + "?game=" + encodeURIComponent(game.value), {
      headers: {"Accept": "application/json"}, credentials: "same-origin"
    }).then(function (r) { return r.ok ? r.json() : {sections: []}; }).then(function (data) {
      (data.sections || []).forEach(function (s) {
        var option = document.createElement("option");
        option.value = String(s.id);
        option.textContent = s.name;
        section.appendChild(option);
      });
    });
  });
})();
