/* The query page: YASQE as the editor; results from /sparql shown right under it (see
   results.js) and scrolled into view; the URL carries the query (/?query=...) so it can
   be shared; examples in a searchable dialog; syntax errors explained by /api/explain.
   Nothing here talks to any other host. Without this script the form still sends the
   query to /sparql. */
(function () {
  "use strict";

  var page = document.getElementById("query-page");
  var form = document.getElementById("query-form");
  if (!page || !form || !window.fetch) return;

  var textarea = document.getElementById("query");
  var statusEl = document.getElementById("status");
  var results = document.getElementById("results");
  var holder = document.getElementById("result-table");
  var csvButton = document.getElementById("download-csv");
  var tsvButton = document.getElementById("download-tsv");
  var jsonButton = document.getElementById("download-json");
  var errorBox = document.getElementById("error-box");
  var question = document.getElementById("current-question");
  var base = page.dataset.base;
  var root = page.dataset.root || "";  // the sub-path behind a proxy ("" or "/mgkg")
  var endpoint = page.dataset.endpoint || root + "/sparql";
  var prefixes = JSON.parse(page.dataset.prefixes || "{}");
  var last = null;
  var editor = null;
  var currentView = null;
  var table = new window.MgkgResults({
    holder: holder, viewHolder: document.getElementById("result-view"),
    pager: document.getElementById("pager"), views: document.getElementById("views"),
    base: base, root: root, prefixes: prefixes,
    getQuery: function () { return last ? last.query : getQuery(); },
    onView: function (name) { currentView = name; updateUrl(getQuery()); }
  });

  if (window.Yasqe) {
    var mount = document.createElement("div");
    mount.id = "yasqe";
    textarea.insertAdjacentElement("afterend", mount);
    textarea.hidden = true;
    editor = new window.Yasqe(mount, {
      value: textarea.value,
      persistenceId: null,
      showQueryButton: false,
      createShareableLink: null,
      consumeShareLink: null,
      // Prefix completion from this server; the class/property completers would ask an
      // outside vocabulary service, so they stay off.
      autocompleters: ["prefixes", "variables"],
      prefixCcApi: root + "/prefixes.json",
      resizeable: true,
      editorHeight: "22em",
      screenReaderLabel: "SPARQL query",
      requestConfig: { endpoint: new URL(endpoint, location.href).href, method: "GET" },
      // Ctrl+Enter would run YASQE's own request; run ours instead (same endpoint, our table).
      extraKeys: Object.assign({}, window.Yasqe.defaults.extraKeys, {
        "Ctrl-Enter": function () { run(); },
        "Cmd-Enter": function () { run(); }
      })
    });
    var label = form.querySelector("label[for=query]");
    if (label) {
      label.removeAttribute("for");
      label.addEventListener("click", function () { editor.focus(); });
    }
  }

  function getQuery() { return editor ? editor.getValue() : textarea.value; }
  function setQuery(text) {
    textarea.value = text;
    if (editor) editor.setValue(text);
  }
  function setStatus(text, isError) {
    statusEl.textContent = text;
    statusEl.className = isError ? "error" : "";
    statusEl.setAttribute("role", isError ? "alert" : "status");
  }

  function save(text, type, name) {
    var url = URL.createObjectURL(new Blob([text], { type: type }));
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  csvButton.addEventListener("click", function () {
    if (last && last.data.results) save(table.csv(), "text/csv", "results.csv");
  });
  tsvButton.addEventListener("click", function () {
    if (last && last.data.results) save(table.tsv(), "text/tab-separated-values", "results.tsv");
  });
  jsonButton.addEventListener("click", function () {
    if (last) save(last.text, "application/sparql-results+json", "results.json");
  });

  /* ---- the URL carries the query, so a link restores it ---- */
  function shareUrl(query) {
    var u = new URL(root + "/", location.href);
    u.searchParams.set("query", query);
    if (currentView && currentView !== "table") u.searchParams.set("view", currentView);
    return u.href;
  }
  function updateUrl(query) {
    var href = shareUrl(query);
    if (href.length < 8000) history.replaceState(null, "", href);
  }
  var copyButton = document.getElementById("copy-link");
  var shareField = document.getElementById("share-link");
  copyButton.addEventListener("click", function () {
    var href = shareUrl(getQuery());
    shareField.value = href;
    shareField.hidden = false;
    shareField.select();
    var done = function () { copyButton.textContent = "Link copied"; };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(href).then(done, function () { document.execCommand("copy"); done(); });
    } else { document.execCommand("copy"); done(); }
    setTimeout(function () { copyButton.textContent = "Copy link"; }, 2500);
  });

  /* ---- code for the current query ---- */
  function pyString(s) { return '"""' + s.replace(/\\/g, "\\\\").replace(/"""/g, '\\"\\"\\"') + '"""'; }
  function rString(s) { return '"' + s.replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"'; }
  function shString(s) { return "'" + s.replace(/'/g, "'\\''") + "'"; }
  function snippets(query) {
    var url = new URL(endpoint, location.href).href;
    document.getElementById("snippet-curl").textContent =
      "curl -G " + shString(url) + " \\\n  -H 'Accept: text/csv' \\\n  --data-urlencode " + shString("query=" + query);
    document.getElementById("snippet-python").textContent =
      "from SPARQLWrapper import SPARQLWrapper, JSON\n\n" +
      "sparql = SPARQLWrapper(" + JSON.stringify(url) + ")\n" +
      "sparql.setQuery(" + pyString(query) + ")\n" +
      "sparql.setReturnFormat(JSON)\n" +
      "for row in sparql.queryAndConvert()[\"results\"][\"bindings\"]:\n" +
      "    print({k: v[\"value\"] for k, v in row.items()})\n";
    document.getElementById("snippet-r").textContent =
      "library(httr)\n\n" +
      "query <- " + rString(query) + "\n" +
      "resp <- GET(" + JSON.stringify(url) + ", query = list(query = query), accept(\"text/csv\"))\n" +
      "results <- read.csv(text = content(resp, as = \"text\", encoding = \"UTF-8\"))\n" +
      "head(results)\n";
  }

  /* ---- errors: what, where, likely fix ---- */
  function showError(query, message) {
    errorBox.textContent = "";
    errorBox.hidden = false;
    var raw = document.createElement("details");
    raw.appendChild(Object.assign(document.createElement("summary"), { textContent: "The endpoint's message" }));
    raw.appendChild(Object.assign(document.createElement("pre"), { textContent: message }));
    if (!/syntax error/i.test(message)) {
      errorBox.appendChild(Object.assign(document.createElement("p"), { className: "what", textContent: message.split("\n")[0].slice(0, 300) }));
      errorBox.appendChild(raw);
      return Promise.resolve();
    }
    return fetch(root + "/api/explain", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ query: query, message: message })
    }).then(function (r) { return r.json(); }).then(function (e) {
      errorBox.appendChild(Object.assign(document.createElement("p"), { className: "what", textContent: e.what }));
      errorBox.appendChild(Object.assign(document.createElement("p"), { className: "where", textContent: "Line " + e.line + ", column " + e.column + ":" }));
      errorBox.appendChild(Object.assign(document.createElement("pre"), { className: "excerpt", textContent: e.excerpt }));
      errorBox.appendChild(Object.assign(document.createElement("p"), { className: "fix", textContent: e.fix }));
      errorBox.appendChild(raw);
      if (editor) {
        editor.focus();
        editor.setCursor({ line: e.line - 1, ch: e.column - 1 });
      }
    }).catch(function () {
      errorBox.appendChild(Object.assign(document.createElement("pre"), { textContent: message }));
    });
  }

  function run() {
    var query = getQuery();
    textarea.value = query;
    last = null;
    [csvButton, tsvButton, jsonButton].forEach(function (b) { b.disabled = true; });
    holder.textContent = "";
    errorBox.hidden = true;
    results.hidden = false;
    updateUrl(query);
    snippets(query);
    setStatus("Running the query…");
    var started = performance.now();
    var headers = { Accept: "application/sparql-results+json, text/turtle;q=0.8" };
    var url = endpoint + "?query=" + encodeURIComponent(query);
    var request = url.length < 6000
      ? fetch(url, { headers: headers })
      : fetch(endpoint, {
          method: "POST",
          headers: Object.assign({ "Content-Type": "application/x-www-form-urlencoded" }, headers),
          body: new URLSearchParams({ query: query })
        });
    return request.then(function (resp) {
      return resp.text().then(function (text) {
        var seconds = ((performance.now() - started) / 1000).toFixed(2);
        if (!resp.ok) {
          setStatus("The endpoint answered " + resp.status + " " + resp.statusText + ".", true);
          results.hidden = true;
          return showError(query, text.trim());
        }
        var type = resp.headers.get("Content-Type") || "";
        if (type.indexOf("json") >= 0) {
          var data = JSON.parse(text);
          last = { text: text, data: data, query: query };
          jsonButton.disabled = false;
          if (typeof data.boolean === "boolean") {
            document.getElementById("views").textContent = "";
            document.getElementById("result-view").hidden = true;
            document.getElementById("pager").hidden = true;
            holder.hidden = false;
            var p = document.createElement("p");
            p.className = "boolean";
            p.textContent = "Answer: " + (data.boolean ? "yes (true)" : "no (false)");
            holder.appendChild(p);
            setStatus("Done in " + seconds + " s.");
            return reveal();
          }
          return table.show(data, currentView).then(function () {
            var n = (data.results.bindings || []).length;
            csvButton.disabled = false;
            tsvButton.disabled = false;
            setStatus(n + (n === 1 ? " result" : " results") + " in " + seconds + " s.");
            reveal();
          });
        }
        var pre = document.createElement("pre");
        pre.textContent = text;
        holder.hidden = false;
        holder.appendChild(pre);
        setStatus("Graph result (" + type.split(";")[0] + ") in " + seconds + " s.");
        reveal();
      });
    }).catch(function (err) {
      setStatus("The endpoint could not be reached: " + err.message, true);
    });
  }

  /* The answer is where the person looks next: bring the results' top into view. */
  function reveal() {
    var box = results.getBoundingClientRect();
    if (box.top < 0 || box.top > window.innerHeight * 0.6) {
      results.scrollIntoView({ block: "start" });
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });

  /* ---- examples: a dialog with a filter, so the list never sits between the editor
     and the answer ---- */
  var section = document.getElementById("examples");
  var dialog = document.getElementById("examples-dialog");
  var openButton = document.getElementById("open-examples");
  var filter = document.getElementById("example-search");
  if (section && dialog && dialog.showModal) {
    dialog.appendChild(section);
    openButton.hidden = false;
    if (filter) filter.parentNode.hidden = false;
    var openDialog = function (event) {
      if (event) event.preventDefault();
      dialog.showModal();
      if (filter) { filter.focus(); filter.select(); }
    };
    openButton.addEventListener("click", openDialog);
    var intro = document.getElementById("open-examples-link");
    if (intro) intro.addEventListener("click", openDialog);
    if (filter) {
      filter.addEventListener("input", function () {
        var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
        Array.prototype.forEach.call(section.querySelectorAll("#example-list > li"), function (li) {
          var hay = li.dataset.text || "";
          li.hidden = !words.every(function (w) { return hay.indexOf(w) >= 0; });
        });
      });
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("a.example"), function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var name = link.dataset.example;
      setStatus("Loading the example…");
      fetch(root + "/queries/" + encodeURIComponent(name) + ".rq").then(function (resp) {
        if (!resp.ok) throw new Error("could not load " + name + ".rq (" + resp.status + ")");
        return resp.text();
      }).then(function (text) {
        setQuery(text);
        Array.prototype.forEach.call(document.querySelectorAll("a.example"), function (other) {
          other.removeAttribute("aria-current");
        });
        link.setAttribute("aria-current", "true");
        question.textContent = link.textContent;
        question.hidden = false;
        currentView = null;
        if (dialog && dialog.open) dialog.close();
        return run();
      }).catch(function (err) { setStatus(err.message, true); });
    });
  });

  // A query chosen by URL (/?example=... or /?query=..., as shared links and the
  // ontology's "used N times" links make) runs at once: the link is meant as one click.
  var params = new URLSearchParams(location.search);
  currentView = params.get("view");
  if (params.has("example") || params.has("query")) run();
})();
