/* A resource page's source filter: show only the facts (and figures) with evidence from
   one source. Without this script every fact is shown, which is the same page unfiltered. */
(function () {
  "use strict";
  var bar = document.querySelector(".source-filter");
  if (!bar) return;
  bar.hidden = false;
  var buttons = bar.querySelectorAll("button[data-source]");
  function apply(iri) {
    Array.prototype.forEach.call(buttons, function (b) {
      b.setAttribute("aria-pressed", String(b.dataset.source === iri));
    });
    Array.prototype.forEach.call(document.querySelectorAll("#resource .fact"), function (f) {
      var list = (f.dataset.sources || "").split(" ");
      f.hidden = !!iri && list.indexOf(iri) < 0;
    });
    Array.prototype.forEach.call(document.querySelectorAll("#resource details.ev"), function (d) {
      d.hidden = !!iri && d.dataset.source !== iri;
    });
    // A relation whose values are all hidden hides its name too.
    Array.prototype.forEach.call(document.querySelectorAll("#resource dl.facts > dt"), function (dt) {
      var n = dt.nextElementSibling, any = false;
      while (n && n.tagName !== "DT") {
        if (!n.hidden && (!n.classList.contains("more") || n.querySelector(".fact:not([hidden])"))) any = true;
        n = n.nextElementSibling;
      }
      dt.hidden = !any;
    });
  }
  Array.prototype.forEach.call(buttons, function (b) {
    b.addEventListener("click", function () { apply(b.dataset.source); });
  });
})();
