// Comfort on top of server-rendered pages: copy buttons, the time in the message for IT, and
// search suggestions. Everything here is optional: without JavaScript the forms and pages work
// the same, the code is selectable with one tap, and the message can be selected and copied.
// No inline script or style anywhere (the site's Content-Security-Policy forbids both).
(function () {
  "use strict";

  // --- Words, in the page's language ---------------------------------------------------
  // The page hands them over, translated with the rest of the interface (data-words on
  // <body>); English is the fallback, so a page without them still speaks.
  var words = {
    copied: { code: "Code copied. You can paste it into an email or chat.",
              message: "Message copied. You can paste it into an email or chat." },
    selected: { code: "Couldn't copy by itself: the code is selected, so use your device's Copy command.",
                message: "Couldn't copy by itself: the message is selected, so use your device's Copy command." },
    orEarlier: "or earlier",
    suggestions: "Suggestions",
    kind: { code: "Status code", page: "Help page" },
    countOne: "1 suggestion. Use the up and down arrow keys to choose one, or press Enter to search.",
    countMany: "{n} suggestions. Use the up and down arrow keys to choose one, or press Enter to search.",
    none: "No suggestions. Press Enter to search.",
    tableShown: "{shown} of {total} codes shown.",
    tableAll: "{total} codes. Open a family, or narrow the list."
  };
  try {
    var given = JSON.parse(document.body.getAttribute("data-words") || "{}");
    Object.keys(given).forEach(function (key) { words[key] = given[key]; });
  } catch (error) { /* keep English */ }
  words.count = function (n) {
    return n === 1 ? words.countOne : words.countMany.replace("{n}", String(n));
  };

  // --- Copy buttons ---------------------------------------------------------------------
  // navigator.clipboard needs a secure context (HTTPS or localhost); an intranet site on plain
  // HTTP falls back to the older copy command, and failing that selects the text for the person.
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var focused = document.activeElement;
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "visually-hidden";
      document.body.appendChild(area);
      area.select();
      var copied = false;
      try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
      document.body.removeChild(area);
      if (focused && focused.focus) { focused.focus(); }  // back on the button pressed
      if (copied) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }

  function selectContents(element) {
    if ("select" in element) { element.focus(); element.select(); return; }
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function say(status, text) {
    if (!status) { return; }
    // Empty first, so that the same words said twice are announced twice.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
    var target = document.querySelector(button.getAttribute("data-copy"));
    if (!target) { return; }
    // The confirmation stands next to the button (a phone shows no more than that).
    var status = button.parentElement.querySelector(".copy-status");
    var what = target.tagName === "TEXTAREA" ? "message" : "code";
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = ("value" in target ? target.value : target.textContent).trim();
      copyText(text).then(
        function () { say(status, words.copied[what]); },
        function () {
          selectContents(target);
          say(status, words.selected[what]);
        }
      );
    });
  });

  // --- The message for IT -----------------------------------------------------------------
  // The server can't know the person's time zone (and pages may be cached), so the time is
  // filled in here. The e-mail link and the printed copy follow any edits to the message.
  var message = document.getElementById("it-message");
  if (message) {
    var printed = document.querySelector(".it-message-print");
    var mail = document.querySelector("a[data-mailto]");
    var mailBase = mail ? mail.getAttribute("href").split("&body=")[0] : "";
    var sync = function () {
      // Grow with the text, so that a phone doesn't get a scrolling box inside the page.
      message.style.height = "auto";
      message.style.height = (message.scrollHeight + message.offsetHeight - message.clientHeight) + "px";
      if (printed) { printed.textContent = message.value; }
      if (mail && mailBase.indexOf("?") !== -1) {
        // RFC 6068: line breaks in a mailto body are CRLF.
        mail.setAttribute("href", mailBase + "&body=" +
          encodeURIComponent(message.value.replace(/\r?\n/g, "\r\n")));
      }
    };
    // In the page's language, like the rest of the message.
    var stamp = new Date().toLocaleString(document.documentElement.lang || undefined, {
      dateStyle: "medium", timeStyle: "short"
    });
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (error) { zone = ""; }
    // The blank to fill is named by the page (it is translated with the message).
    var blank = message.getAttribute("data-time-blank") || "[date and time]";
    message.value = message.value.replace(
      blank, stamp + (zone ? " (" + zone + ")" : "") + ", " + words.orEarlier
    );
    sync();
    message.addEventListener("input", sync);
  }

  // --- The code table: narrowed as people type -------------------------------------------
  // The form works without JavaScript (a GET form the server answers, rows it does not keep
  // hidden); here the same rows are hidden as people type or choose, with the same rule as
  // webapp/search/table.py: the family, who can fix it, and every word in the code or title.
  var filter = document.querySelector("form[data-code-filter]");
  if (filter) {
    var families = Array.prototype.slice.call(document.querySelectorAll("details.code-family"));
    var shownStatus = document.getElementById("codes-shown");
    var total = shownStatus ? shownStatus.getAttribute("data-total") : "";
    var showAll = filter.querySelector("[data-show-all]");
    var noCodes = document.querySelector(".no-codes");
    var textField = filter.elements.q;
    var familyField = filter.elements.family;
    var fixerField = filter.elements.fixer;
    var familyLinks = document.querySelectorAll(".family-links a[data-family]");
    var rowsOf = families.map(function (details) {
      return Array.prototype.map.call(details.querySelectorAll("tbody tr"), function (row) {
        var title = row.querySelector("td strong");
        return {
          row: row,
          fixer: row.getAttribute("data-fixer"),
          text: (row.id.replace(/^code-/, "") + " " + (title ? title.textContent : "")).toLowerCase()
        };
      });
    });
    var narrowTimer = 0;

    var narrow = function () {
      var typed = textField.value.toLowerCase().split(/\s+/).filter(Boolean);
      var family = familyField.value;
      var fixer = fixerField.value;
      var active = typed.length > 0 || family !== "" || fixer !== "";
      var shown = 0;
      families.forEach(function (details, i) {
        var inFamily = !family || details.getAttribute("data-family") === family;
        var kept = 0;
        rowsOf[i].forEach(function (item) {
          var keep = !active || (inFamily && (!fixer || item.fixer === fixer) &&
            typed.every(function (word) { return item.text.indexOf(word) !== -1; }));
          item.row.hidden = !keep;
          if (keep) { kept += 1; }
        });
        shown += kept;
        details.hidden = active && kept === 0;
        details.open = active && kept > 0;
      });
      if (shownStatus) {
        shownStatus.textContent = active
          ? words.tableShown.replace("{shown}", String(shown)).replace("{total}", total)
          : words.tableAll.replace("{total}", total);
      }
      if (showAll) { showAll.hidden = !active; }
      if (noCodes) { noCodes.hidden = !active || shown > 0; }
      familyLinks.forEach(function (link) {
        if (link.getAttribute("data-family") === family) {
          link.setAttribute("aria-current", "true");
        } else {
          link.removeAttribute("aria-current");
        }
      });
      // The address says what is shown, so it can be shared or reloaded (the server reads it).
      var params = new URLSearchParams();
      if (typed.length) { params.set("q", textField.value.trim()); }
      if (family) { params.set("family", family); }
      if (fixer) { params.set("fixer", fixer); }
      var query = params.toString();
      window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    };

    textField.addEventListener("input", function () {
      window.clearTimeout(narrowTimer);
      narrowTimer = window.setTimeout(narrow, 120);
    });
    familyField.addEventListener("change", narrow);
    fixerField.addEventListener("change", narrow);
    filter.addEventListener("submit", function (event) { event.preventDefault(); narrow(); });
    // A family's link shows that family at once, without loading the page again.
    familyLinks.forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        familyField.value = link.getAttribute("data-family");
        narrow();
        var details = document.getElementById(link.hash.slice(1));
        if (details) {
          details.scrollIntoView();
          details.querySelector("summary").focus();
        }
      });
    });
  }

  // A link to one row of the table opens its family first (browsers without the built-in
  // opening of a closed <details> for its fragment).
  var openTarget = function () {
    var target = window.location.hash && document.getElementById(window.location.hash.slice(1));
    var details = target && target.closest ? target.closest("details") : null;
    if (details && !details.open) {
      details.open = true;
      target.scrollIntoView();
    }
  };
  openTarget();
  window.addEventListener("hashchange", openTarget);

  // --- Search suggestions: a WAI-ARIA 1.2 combobox with a listbox popup -------------------
  // Typing shows up to six suggestions from /api/search; Down/Up move through them (the input
  // keeps focus; aria-activedescendant points at the option), Enter opens the chosen one or
  // submits the search as usual, Escape and Tab close the list. A polite live region says how
  // many suggestions there are.
  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    var endpoint = input.getAttribute("data-suggest");
    var listId = input.id + "-listbox";
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", words.suggestions);
    list.hidden = true;
    var live = document.createElement("div");
    live.className = "visually-hidden";
    live.setAttribute("role", "status");
    input.parentNode.appendChild(list);
    input.parentNode.appendChild(live);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-expanded", "false");

    var items = [];
    var active = -1;
    var timer = 0;
    var controller = null;
    var shownFor = null;

    function options() { return list.querySelectorAll("[role=option]"); }
    function isOpen() { return !list.hidden; }
    function open() {
      if (!items.length) { return; }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      choose(-1);
    }
    function choose(index) {
      options().forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        var option = options()[index];
        input.setAttribute("aria-activedescendant", option.id);
        if (option.scrollIntoView) { option.scrollIntoView({ block: "nearest" }); }
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function go(index) {
      if (items[index]) { window.location.assign(items[index].url); }
    }
    function render(results) {
      items = results;
      list.textContent = "";
      results.forEach(function (result, i) {
        var option = document.createElement("li");
        option.id = listId + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = result.kind === "code" ? words.kind.code : words.kind.page;
        var gap = document.createElement("span");
        gap.className = "visually-hidden";
        gap.textContent = ": ";
        var label = document.createElement("span");
        label.textContent = result.kind === "code" && result.code
          ? result.code + ": " + result.title : result.title;
        option.appendChild(kind);
        option.appendChild(gap);
        option.appendChild(label);
        option.addEventListener("click", function () { go(i); });
        list.appendChild(option);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (results.length) {
        open();
        live.textContent = words.count(results.length);
      } else {
        close();
        live.textContent = words.none;
      }
    }
    function suggest() {
      var query = input.value.trim();
      if (query.length < 2) {
        items = [];
        shownFor = null;
        close();
        live.textContent = "";
        return;
      }
      if (query === shownFor) { open(); return; }
      if (controller) { controller.abort(); }
      controller = window.AbortController ? new AbortController() : null;
      fetch(endpoint + "?limit=6&q=" + encodeURIComponent(query), {
        headers: { Accept: "application/json" },
        signal: controller ? controller.signal : undefined
      })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (body) {
          if (input.value.trim() !== query || document.activeElement !== input) { return; }
          shownFor = query;
          render(body.results || []);
        })
        .catch(function () { /* offline or aborted: the form still works */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(suggest, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey) { return; }
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (!isOpen()) {
            if (items.length && input.value.trim() === shownFor) { open(); choose(0); } else { suggest(); }
          } else {
            choose((active + 1) % items.length);
          }
          break;
        case "ArrowUp":
          if (isOpen()) {
            event.preventDefault();
            choose(active <= 0 ? items.length - 1 : active - 1);
          }
          break;
        case "Enter":
          if (isOpen() && active >= 0) {
            event.preventDefault();
            go(active);
          }
          break;
        case "Escape":
          if (isOpen()) {
            event.preventDefault();
            close();
          }
          break;
        case "Tab":
          close();
          break;
        default:
          break;
      }
    });
    // Keep the focus in the input while a suggestion is pressed, so the list stays open.
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
  });
})();
