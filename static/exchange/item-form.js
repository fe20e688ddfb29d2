// FreeMarket item form: show the duration only for temporary exchanges, keep only the
// categories of the chosen exchange type, and fill in the suggested category as the user types.
(function () {
  "use strict";
  const form = document.getElementById("item-form");
  if (!form) return;
  const nameInput = form.querySelector("[name=item_name]");
  const descInput = form.querySelector("[name=description]");
  const select = form.querySelector("select[name=category]");
  const hint = document.getElementById("category-suggestion");
  const duration = form.querySelector(".fm-field--duration_days");
  let userChoseCategory = select && select.value !== "";
  let timer = null;

  function exchangeType() {
    const checked = form.querySelector("[name=exchange_type]:checked");
    if (checked) return checked.value;
    const hidden = form.querySelector("[name=exchange_type]");
    return hidden ? hidden.value : "PERMANENT";
  }

  function syncType() {
    const type = exchangeType();
    if (duration) duration.hidden = type !== "TEMPORARY";
    if (!select) return;
    for (const group of select.querySelectorAll("optgroup")) {
      const matches = group.querySelector("option").value.startsWith(type + ":");
      group.hidden = !matches;
      group.disabled = !matches;
    }
    if (select.value && !select.value.startsWith(type + ":")) {
      select.value = "";
      userChoseCategory = false;
    }
    suggestSoon();
  }

  async function suggest() {
    const name = nameInput.value.trim();
    if (!select || name.length < 3 || userChoseCategory) {
      if (hint && !name) hint.textContent = "";
      return;
    }
    const params = new URLSearchParams({
      exchange_type: exchangeType(), name: name, description: descInput ? descInput.value : "",
    });
    try {
      const response = await fetch("/v1/categories/suggest?" + params, {
        headers: { Accept: "application/json" }, credentials: "same-origin",
      });
      if (!response.ok) return;
      const data = await response.json();
      if (userChoseCategory) return;
      if (data.category && data.confident !== false) {
        select.value = exchangeType() + ":" + data.category;
        hint.textContent = "Подобрали категорию: " + data.emoji + " " + data.name +
          ". Можно выбрать другую.";
      } else if (data.suggestions && data.suggestions.length) {
        // Not sure: offer the top 3 as buttons and file nothing until the user picks one.
        select.value = "";
        hint.textContent = "Не уверены в категории. Выберите подходящую: ";
        for (const s of data.suggestions) {
          const button = document.createElement("button");
          button.type = "button";
          button.className = "btn btn-small";
          button.textContent = s.emoji + " " + s.name;
          button.addEventListener("click", function () {
            select.value = exchangeType() + ":" + s.category;
            userChoseCategory = true;
            hint.textContent = "Категория: " + s.emoji + " " + s.name + ".";
          });
          hint.appendChild(button);
          hint.appendChild(document.createTextNode(" "));
        }
      } else {
        select.value = "";
        hint.textContent = "Категорию по названию не определить: выберите её сами или оставьте пустой.";
      }
    } catch (e) {
      /* offline or server busy: the server infers the category on save anyway */
    }
  }

  function suggestSoon() {
    clearTimeout(timer);
    timer = setTimeout(suggest, 300);
  }

  nameInput && nameInput.addEventListener("input", suggestSoon);
  descInput && descInput.addEventListener("input", suggestSoon);
  select && select.addEventListener("change", function () {
    userChoseCategory = select.value !== "";
    if (hint) hint.textContent = "";
  });
  for (const radio of form.querySelectorAll("[name=exchange_type]")) {
    radio.addEventListener("change", syncType);
  }
  syncType();
})();
