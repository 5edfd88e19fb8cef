// dyadwatch dashboard: open an event's evidence in the side panel without
// leaving the page, and keep filter URLs short. Everything also works
// without this script: links go to /event/ID and forms submit as usual.
(function () {
  "use strict";

  var panel = document.getElementById("panel");

  function select(id) {
    document.querySelectorAll("tr.selected").forEach(function (tr) {
      tr.classList.remove("selected");
    });
    document.querySelectorAll('tr[data-event-id="' + CSS.escape(id) + '"]').forEach(function (tr) {
      tr.classList.add("selected");
    });
  }

  function openEvent(id) {
    panel.classList.add("loading");
    fetch("/event/" + encodeURIComponent(id) + "?partial=1", {
      headers: { "Accept": "text/html" }, credentials: "same-origin"
    }).then(function (r) {
      return r.text().then(function (html) { return { ok: r.ok, html: html }; });
    }).then(function (res) {
      panel.classList.remove("loading");
      if (!res.ok) {
        panel.innerHTML = '<p class="error">Could not load this event.</p>';
        return;
      }
      panel.innerHTML = res.html;
      select(id);
      var url = new URL(window.location.href);
      url.searchParams.set("event", id);
      history.replaceState(null, "", url.pathname + url.search);
      if (window.innerWidth < 1100) { panel.scrollIntoView({ behavior: "smooth" }); }
    }).catch(function () {
      panel.classList.remove("loading");
      panel.innerHTML = '<p class="error">The server did not answer; try again.</p>';
    });
  }

  if (panel) {
    document.addEventListener("click", function (ev) {
      if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey) {
        return;
      }
      var target = ev.target.closest("[data-event-id]");
      if (!target || target.closest("#panel a:not([data-event-id])")) { return; }
      var link = ev.target.closest("a");
      if (link && !link.hasAttribute("data-event-id")) { return; }  // a normal link in a row
      ev.preventDefault();
      openEvent(target.getAttribute("data-event-id"));
    });
  }

  // Submit only the filters that are set, so shared links stay readable.
  document.querySelectorAll("form.filters, form.search").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("input, select").forEach(function (el) {
        if ((el.type === "checkbox" && !el.checked) || (el.type !== "checkbox" && !el.value)) {
          el.disabled = true;
        }
      });
    });
  });
})();
