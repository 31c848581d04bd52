/* An htmx request refused without a form to swap in (403, 404, 5xx, or no answer at all)
   would leave the page as it was, as if nothing happened: show the translated notice that
   base.html carries for it (no inline script: the CSP allows only our own files). */
(function () {
  "use strict";
  function notice(status) {
    var box = document.getElementById("request-notice");
    if (!box) { return; }
    var key = status === 403 ? "forbidden" : status === 404 ? "notFound" : status ? "failed" : "offline";
    box.querySelector("[data-notice-text]").textContent = box.dataset[key] || box.dataset.failed;
    box.hidden = false;
    box.focus();
  }
  /* a part that polls itself (data-poll: a large import's state) keeps what it shows when one poll is
     answered with anything but its part (a busy database, a session the server could not save): the next
     poll asks again, and nothing is said of it */
  document.addEventListener("htmx:beforeSwap", function (event) {
    var polled = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("[data-poll]");
    if (polled && event.detail.xhr && event.detail.xhr.status !== 200) {
      event.detail.shouldSwap = false;
      event.detail.isError = false;
    }
  });
  document.addEventListener("htmx:responseError", function (event) {
    if (event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("[data-poll]")) { return; }
    notice(event.detail.xhr ? event.detail.xhr.status : 0);
  });
  document.addEventListener("htmx:sendError", function () { notice(0); });
  document.addEventListener("htmx:beforeRequest", function () {
    var box = document.getElementById("request-notice");
    if (box) { box.hidden = true; }
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-notice-close]")) {
      document.getElementById("request-notice").hidden = true;
    }
  });
})();


/* The keyboard (GB/T 37668-2019; WCAG 2.1.1, 2.4.3): the menu bar's <details> menus open with
   Enter or Space on their summary; Escape closes the open menu and puts focus back on its summary,
   and a menu closes when focus leaves it, so that its panel never hides the control focused next. */
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var menu = event.target.closest && event.target.closest(".menubar details[open]");
    if (!menu) { return; }
    menu.open = false;
    menu.querySelector("summary").focus();
    event.preventDefault();
  });
  document.addEventListener("focusout", function (event) {
    var menu = event.target.closest && event.target.closest(".menubar details[open]");
    if (menu && event.relatedTarget && !menu.contains(event.relatedTarget)) { menu.open = false; }
  });
})();

/* A refused form (WCAG 3.3.1, 2.4.3): focus goes to the first field marked invalid, else to the
   form's error message, both after a full page comes back and after htmx swaps the refused form
   in place (its 400/409/422 answer), where the button that sent it no longer exists. */
(function () {
  "use strict";
  /* core/_refusal.html names the field it refuses (data-field) but cannot mark it: mark it here */
  function refusedField(root) {
    var message = root.querySelector("[data-testid=\"refusal\"]");
    if (!message) { return null; }
    var form = message.closest("form");
    var field = form && message.dataset.field ? form.elements.namedItem(message.dataset.field) : null;
    if (field && !field.tagName) { field = field[0]; }  // radio buttons: the first of them
    if (!field || field.type === "hidden") { return message; }
    if (!message.id) { message.id = "refusal-" + message.dataset.field; }
    field.setAttribute("aria-invalid", "true");
    field.setAttribute("aria-describedby", message.id);
    return field;
  }
  function focusError(root) {
    if (!root || !root.querySelector) { return; }
    var target = root.querySelector("[aria-invalid=\"true\"]") || refusedField(root) ||
      root.querySelector(".errors[role=\"alert\"], .form-errors, [role=\"alert\"]:not([hidden])");
    if (!target) { return; }
    if (!target.matches("input, select, textarea, button, a[href], [tabindex]")) { target.setAttribute("tabindex", "-1"); }
    target.focus();
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    var xhr = event.detail.xhr;
    if (!xhr || [400, 409, 422].indexOf(xhr.status) < 0) { return; }
    var current = document.activeElement;  // a check run on "change" leaves focus where the user types
    if (current && current !== document.body && current.isConnected) { return; }
    var target = event.detail.target;
    focusError(target && target.isConnected ? target : document.querySelector("main"));
  });
  function onLoad() {
    var main = document.querySelector("main");
    if (main && main.querySelector("[aria-invalid=\"true\"], [data-testid=\"refusal\"]")) { focusError(main); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", onLoad); } else { onLoad(); }
})();
