// Comfort on top of server-rendered pages: search suggestions and copy buttons.
// Everything here is optional: without JavaScript the forms and pages work the same.
(function () {
  "use strict";

  // --- Copy buttons -------------------------------------------------------------------
  function announce(button, text) {
    var status = button.closest("section") && button.closest("section").querySelector(".copy-status");
    if (status) { status.textContent = text; }
  }
  document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
    if (!navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var target = document.querySelector(button.getAttribute("data-copy"));
      if (!target) { return; }
      var text = "value" in target ? target.value : target.textContent;
      navigator.clipboard.writeText(text.trim()).then(
        function () { announce(button, "Copied to the clipboard."); },
        function () { announce(button, "Could not copy: select the text and copy it yourself."); }
      );
    });
  });

  // Fill in when the person is reading this, as a starting point for "When it started".
  var message = document.getElementById("it-message");
  if (message) {
    var now = new Date();
    var stamp = now.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
    message.value = message.value.replace("[date and time]", stamp + " (or earlier)");
    var mail = document.querySelector('a[href^="mailto:"].button');
    if (mail) {
      mail.href = mail.href.replace(encodeURIComponent("[date and time]"), encodeURIComponent(stamp + " (or earlier)"));
    }
  }

  // --- Search suggestions (WAI-ARIA combobox with a listbox popup) ---------------------
  var counter = 0;
  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    var endpoint = input.getAttribute("data-suggest");
    var id = input.id + "-suggestions";
    var list = document.createElement("ul");
    list.id = id;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    input.parentNode.appendChild(list);
    var live = document.createElement("p");
    live.className = "visually-hidden";
    live.setAttribute("role", "status");
    live.setAttribute("aria-live", "polite");
    input.parentNode.appendChild(live);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", id);
    input.setAttribute("aria-expanded", "false");

    var items = [];
    var active = -1;
    var timer = null;
    var latest = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (option, i) { option.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0) { input.setAttribute("aria-activedescendant", options[index].id); }
      else { input.removeAttribute("aria-activedescendant"); }
    }
    function go(index) { if (items[index]) { window.location.href = items[index].url; } }
    function render(results) {
      items = results;
      list.textContent = "";
      results.forEach(function (result, i) {
        var option = document.createElement("li");
        option.id = id + "-" + (++counter);
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = result.kind === "code" ? "Status code" : "Help page";
        option.appendChild(kind);
        option.appendChild(document.createTextNode(result.code && result.kind === "code" ? result.code + ": " + result.title : result.title));
        option.addEventListener("mousedown", function (event) { event.preventDefault(); go(i); });
        list.appendChild(option);
      });
      if (results.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        live.textContent = results.length + (results.length === 1 ? " suggestion" : " suggestions") + ". Use the up and down arrows to choose.";
      } else {
        close();
        live.textContent = "No suggestions.";
      }
      active = -1;
    }
    function fetchSuggestions() {
      var query = input.value.trim();
      if (query.length < 2) { close(); return; }
      var ticket = ++latest;
      fetch(endpoint + "?limit=5&q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (body) { if (ticket === latest) { render(body.results || []); } })
        .catch(function () { close(); });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 150);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && items.length;
      if (event.key === "ArrowDown") {
        if (!open) { fetchSuggestions(); return; }
        event.preventDefault();
        highlight((active + 1) % items.length);
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        go(active);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  });
})();
