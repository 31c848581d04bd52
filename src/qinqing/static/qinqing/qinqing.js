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
  document.addEventListener("htmx:responseError", function (event) {
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
