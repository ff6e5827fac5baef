/* The query page: YASQE as the editor; results from /sparql shown as a table whose IRIs
   link to this server's pages. Nothing here talks to any other host. Without this script
   the form still sends the query to /sparql. */
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
  var jsonButton = document.getElementById("download-json");
  var base = page.dataset.base;
  var root = page.dataset.root || "";  // the sub-path behind a proxy ("" or "/mgkg")
  var endpoint = page.dataset.endpoint || root + "/sparql";
  var prefixes = JSON.parse(page.dataset.prefixes || "{}");
  var last = null;
  var editor = null;

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

  function localPath(iri) {
    if (!base || iri.indexOf(base) !== 0) return null;
    var rest = iri.slice(base.length);
    if (rest.indexOf("ontology#") === 0) return root + "/ontology#" + rest.slice("ontology#".length);
    return root + "/" + rest;
  }
  function shorten(iri) {
    var best = null;
    Object.keys(prefixes).forEach(function (p) {
      var ns = prefixes[p];
      if (iri.indexOf(ns) === 0 && iri.length > ns.length && (!best || ns.length > best[1].length)) {
        best = [p, ns];
      }
    });
    return best ? best[0] + ":" + iri.slice(best[1].length) : "<" + iri + ">";
  }

  function cell(term) {
    var td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      var href = localPath(term.value);
      var el = document.createElement(href ? "a" : "span");
      if (href) el.href = href; else el.className = "iri";
      el.textContent = shorten(term.value);
      el.title = term.value;
      td.appendChild(el);
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
      td.className = "bnode";
    } else {
      var span = document.createElement("span");
      span.className = "literal";
      span.textContent = term.value;
      if (term["xml:lang"]) span.lang = term["xml:lang"];
      td.appendChild(span);
      if (term.datatype && term.datatype !== "http://www.w3.org/2001/XMLSchema#string") {
        var small = document.createElement("small");
        small.className = "datatype";
        small.textContent = " " + shorten(term.datatype);
        td.appendChild(small);
        if (/#(integer|decimal|double|float|int|long|nonNegativeInteger)$/.test(term.datatype)) {
          td.className = "num";
        }
      }
    }
    return td;
  }

  function renderSelect(data) {
    var vars = data.head.vars || [];
    var rows = data.results.bindings || [];
    var table = document.createElement("table");
    var caption = document.createElement("caption");
    caption.textContent = rows.length + (rows.length === 1 ? " result" : " results");
    table.appendChild(caption);
    var thead = table.createTHead().insertRow();
    vars.forEach(function (v) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = v;
      thead.appendChild(th);
    });
    var tbody = table.createTBody();
    rows.forEach(function (b) {
      var tr = tbody.insertRow();
      vars.forEach(function (v) { tr.appendChild(cell(b[v])); });
    });
    holder.appendChild(table);
    return rows.length;
  }

  function csvOf(data) {
    function field(t) {
      var s = t ? t.value : "";
      return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
    }
    var vars = data.head.vars || [];
    var lines = [vars.join(",")];
    (data.results.bindings || []).forEach(function (b) {
      lines.push(vars.map(function (v) { return field(b[v]); }).join(","));
    });
    return lines.join("\r\n") + "\r\n";
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
    if (last && last.data.head && last.data.results) save(csvOf(last.data), "text/csv", "results.csv");
  });
  jsonButton.addEventListener("click", function () {
    if (last) save(last.text, "application/sparql-results+json", "results.json");
  });

  function run() {
    var query = getQuery();
    textarea.value = query;
    last = null;
    csvButton.disabled = true;
    jsonButton.disabled = true;
    holder.textContent = "";
    results.hidden = false;
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
          setStatus("The endpoint answered " + resp.status + " " + resp.statusText + ": " + text.trim(), true);
          return;
        }
        var type = resp.headers.get("Content-Type") || "";
        if (type.indexOf("json") >= 0) {
          var data = JSON.parse(text);
          last = { text: text, data: data };
          jsonButton.disabled = false;
          if (typeof data.boolean === "boolean") {
            var p = document.createElement("p");
            p.className = "boolean";
            p.textContent = "Answer: " + (data.boolean ? "yes (true)" : "no (false)");
            holder.appendChild(p);
            setStatus("Done in " + seconds + " s.");
            return;
          }
          var n = renderSelect(data);
          csvButton.disabled = false;
          setStatus(n + (n === 1 ? " result" : " results") + " in " + seconds + " s.");
        } else {
          var pre = document.createElement("pre");
          pre.textContent = text;
          holder.appendChild(pre);
          setStatus("Graph result (" + type.split(";")[0] + ") in " + seconds + " s.");
        }
      });
    }).catch(function (err) {
      setStatus("The endpoint could not be reached: " + err.message, true);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });

  Array.prototype.forEach.call(document.querySelectorAll("a.example"), function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var name = link.dataset.example;
      fetch(root + "/queries/" + encodeURIComponent(name) + ".rq").then(function (resp) {
        if (!resp.ok) throw new Error("could not load " + name + ".rq (" + resp.status + ")");
        return resp.text();
      }).then(function (text) {
        setQuery(text);
        Array.prototype.forEach.call(document.querySelectorAll("a.example"), function (other) {
          other.removeAttribute("aria-current");
        });
        link.setAttribute("aria-current", "true");
        history.replaceState(null, "", root + "/?example=" + encodeURIComponent(name));
        return run();
      }).catch(function (err) { setStatus(err.message, true); });
    });
  });

  // A query chosen by URL (/?example=... or /?query=..., as the ontology's "used N times"
  // links make) runs at once: the link is meant as one click.
  var params = new URLSearchParams(location.search);
  if (params.has("example") || params.has("query")) run();
})();
