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

/* The neighbourhood picture: the links of this thing from /api/neighbourhood, drawn by
   graph.js. Without the script the page lists the same links as text. */
(function () {
  "use strict";
  var holder = document.querySelector(".neighbourhood[data-src]");
  if (!holder || !window.MgkgGraph) return;
  holder.textContent = "Drawing the neighbourhood…";
  fetch(holder.dataset.src).then(function (r) {
    if (!r.ok) throw new Error("HTTP " + r.status);
    return r.json();
  }).then(function (data) {
    window.MgkgGraph.draw(holder, data, {
      root: holder.dataset.root || "",
      title: "Neighbourhood: " + data.nodes.length + " things and " + data.edges.length + " links"
    });
    if (data.truncated) {
      holder.appendChild(Object.assign(document.createElement("p"), {
        className: "muted",
        textContent: "Showing " + data.nodes.length + " of " + data.total +
          " things; claims come last. Every link is listed under Facts and Relations."
      }));
    }
  }).catch(function (e) { holder.textContent = "Could not draw the neighbourhood: " + e.message; });
})();
