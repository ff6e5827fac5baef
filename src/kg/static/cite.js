/* "Cite" links (a[data-cite], to /cite?...) open a small dialog with the citation as
   plain text, BibTeX, RIS and CSL-JSON, and a Copy button; without script the link
   leads to the /cite page, whose Copy buttons this script also drives. */
(function () {
  "use strict";

  function copyText(text, button) {
    var label = button.textContent;
    var done = function () {
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 2000);
    };
    var fallback = function () {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      try { document.execCommand("copy"); } catch (e) { /* nothing more to try */ }
      area.remove();
      done();
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  }

  document.addEventListener("click", function (event) {
    var copy = event.target.closest("button.copy[data-copy]");
    if (copy) {
      var source = document.getElementById(copy.getAttribute("data-copy"));
      if (source) copyText(source.textContent, copy);
    }
  });

  var NAMES = { text: "Plain text", bibtex: "BibTeX", ris: "RIS", csl: "CSL-JSON" };
  var dialog = null;

  function build() {
    dialog = document.createElement("dialog");
    dialog.id = "cite-dialog";
    dialog.className = "cite-dialog";
    dialog.setAttribute("aria-labelledby", "cite-dialog-title");
    dialog.innerHTML =
      '<h2 id="cite-dialog-title">Cite</h2>' +
      '<p class="cite-what muted"></p>' +
      '<p class="cite-tabs" role="group" aria-label="Format"></p>' +
      '<pre class="cite-text" id="cite-dialog-text" tabindex="0"></pre>' +
      '<p class="cite-actions"><button type="button" class="copy" data-copy="cite-dialog-text">Copy</button> ' +
      '<a class="cite-page-link" href="#">all formats, downloads</a> ' +
      '<button type="button" class="close">Close</button></p>';
    document.body.appendChild(dialog);
    dialog.querySelector("button.close").addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("click", function (e) { if (e.target === dialog) dialog.close(); });
    return dialog;
  }

  function show(link) {
    var d = dialog || build();
    var text = d.querySelector(".cite-text");
    var tabs = d.querySelector(".cite-tabs");
    text.textContent = "Loading…";
    tabs.textContent = "";
    d.querySelector(".cite-page-link").href = link.getAttribute("href");
    if (!d.open) d.showModal();
    var sep = link.href.indexOf("?") < 0 ? "?" : "&";
    fetch(link.href + sep + "format=json", { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json().then(function (body) { return [r.ok, body]; }); })
      .then(function (res) {
        var body = res[1];
        if (!res[0]) { text.textContent = body.error || "No citation."; return; }
        d.querySelector("#cite-dialog-title").textContent = {
          fact: "Cite this fact", thing: "Cite this entry", source: "Cite this source",
          dataset: "Cite the data set" }[body.kind] || "Cite";
        d.querySelector(".cite-what").textContent = body.title;
        Object.keys(NAMES).forEach(function (fmt) {
          var b = document.createElement("button");
          b.type = "button";
          b.textContent = NAMES[fmt];
          b.setAttribute("data-format", fmt);
          b.setAttribute("aria-pressed", fmt === "text" ? "true" : "false");
          b.addEventListener("click", function () {
            text.textContent = body.formats[fmt];
            tabs.querySelectorAll("button").forEach(function (o) {
              o.setAttribute("aria-pressed", o === b ? "true" : "false");
            });
          });
          tabs.appendChild(b);
        });
        text.textContent = body.formats.text;
      })
      .catch(function () { text.textContent = "The citation could not be loaded."; });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-cite]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    if (!document.createElement("dialog").showModal) return; /* the /cite page instead */
    event.preventDefault();
    show(link);
  });
})();
