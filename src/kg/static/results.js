/* Results of a SPARQL SELECT as a person reads them: labels with every IRI (fetched in
   one request from /api/labels), numbers and dates formatted with the datatype on hover,
   sortable columns, pages, and a bar chart, a timeline, a line chart (numbers over dates)
   or a graph (links between things, drawn by graph.js) when the columns allow one.
   Downloads are of the whole result in CSV (values), TSV (SPARQL 1.1 TSV: terms in
   Turtle syntax) and the endpoint's own JSON. No other host is contacted. */
(function () {
  "use strict";

  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var NUMERIC = /#(integer|decimal|double|float|int|long|short|byte|nonNegativeInteger|positiveInteger|negativeInteger|nonPositiveInteger|unsignedInt|unsignedLong)$/;
  var DATE = /#(date|dateTime|gYear|gYearMonth)$/;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var SVGNS = "http://www.w3.org/2000/svg";

  function el(name, attrs, text) {
    var e = document.createElement(name);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function svg(name, attrs, text) {
    var e = document.createElementNS(SVGNS, name);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function isNumber(t) { return t && t.type !== "uri" && t.type !== "bnode" && t.datatype && NUMERIC.test(t.datatype); }
  function isDate(t) { return t && t.datatype && DATE.test(t.datatype); }

  /* A date-like literal as a fractional year, for the timeline and for sorting. */
  function yearOf(t) {
    var m = /^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(t.value);
    if (!m) return null;
    return +m[1] + (m[2] ? (+m[2] - 1) / 12 : 0) + (m[3] ? (+m[3] - 1) / 365 : 0);
  }

  function formatDate(t) {
    var m = /^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(T[\d:.]+)?/.exec(t.value);
    if (!m) return t.value;
    var out = m[1];
    if (m[2]) out = MONTHS[+m[2] - 1] + " " + out;
    if (m[3]) out = (+m[3]) + " " + out;
    if (m[4]) out += " " + m[4].slice(1, 6);
    return out;
  }

  function formatNumber(t) {
    var n = Number(t.value);
    if (!isFinite(n)) return t.value;
    if (/integer|int|long|short|byte/i.test(t.datatype)) return n.toLocaleString("en-GB");
    return n.toLocaleString("en-GB", { maximumFractionDigits: 6 });
  }

  function Results(opts) {
    this.o = opts;
    this.labels = {};
    this.data = null;
    this.rows = [];
    this.sort = null;  // {v: var, dir: 1|-1}
    this.page = 0;
    this.pageSize = 50;
    this.view = "table";
  }

  Results.prototype.localPath = function (iri) {
    var base = this.o.base, root = this.o.root || "";
    if (!base || iri.indexOf(base) !== 0) return null;
    var rest = iri.slice(base.length);
    if (rest.indexOf("ontology#") === 0) return root + "/ontology#" + rest.slice("ontology#".length);
    return root + "/" + rest;
  };

  Results.prototype.shorten = function (iri) {
    var prefixes = this.o.prefixes, best = null;
    Object.keys(prefixes).forEach(function (p) {
      var ns = prefixes[p];
      if (iri.indexOf(ns) === 0 && iri.length > ns.length && (!best || ns.length > best[1].length)) best = [p, ns];
    });
    return best ? best[0] + ":" + iri.slice(best[1].length) : "<" + iri + ">";
  };

  /* What a cell shows, as text: the label of an IRI, a formatted number or date. */
  Results.prototype.text = function (t) {
    if (!t) return "";
    if (t.type === "uri") return this.labels[t.value] || this.shorten(t.value);
    if (t.type === "bnode") return "_:" + t.value;
    if (isNumber(t)) return formatNumber(t);
    if (isDate(t)) return formatDate(t);
    return t.value;
  };

  Results.prototype.fetchLabels = function (data) {
    var seen = {}, iris = [];
    (data.results.bindings || []).forEach(function (b) {
      Object.keys(b).forEach(function (v) {
        var t = b[v];
        if (t.type === "uri" && !seen[t.value] && iris.length < 5000) { seen[t.value] = 1; iris.push(t.value); }
        if (t.datatype && !seen[t.datatype] && iris.length < 5000) { seen[t.datatype] = 1; iris.push(t.datatype); }
      });
    });
    var self = this;
    if (!iris.length) return Promise.resolve();
    return fetch((this.o.root || "") + "/api/labels", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ iris: iris })
    }).then(function (r) { return r.ok ? r.json() : { labels: {} }; })
      .then(function (j) { self.labels = j.labels || {}; })
      .catch(function () { self.labels = {}; });
  };

  Results.prototype.show = function (data, view) {
    this.data = data;
    this.vars = data.head.vars || [];
    this.rows = (data.results.bindings || []).slice();
    this.sort = null;
    this.page = 0;
    this.kinds = this.columnKinds();
    var self = this;
    return this.fetchLabels(data).then(function () {
      self.renderViews(view);
    });
  };

  /* Per column: "number", "date", "iri" or "text", by what most of its values are. */
  Results.prototype.columnKinds = function () {
    var rows = this.rows, out = {};
    this.vars.forEach(function (v) {
      var n = { number: 0, date: 0, iri: 0, text: 0 }, all = 0;
      rows.forEach(function (b) {
        var t = b[v];
        if (!t) return;
        all++;
        if (isNumber(t)) n.number++;
        else if (isDate(t)) n.date++;
        else if (t.type === "uri") n.iri++;
        else n.text++;
      });
      var kind = "text";
      ["number", "date", "iri"].forEach(function (k) { if (all && n[k] >= 0.8 * all && kind === "text") kind = k; });
      out[v] = all ? kind : "empty";
    });
    return out;
  };

  Results.prototype.availableViews = function () {
    var kinds = this.kinds, vars = this.vars, out = [["table", "Table"]];
    var numeric = vars.filter(function (v) { return kinds[v] === "number"; });
    var dates = vars.filter(function (v) { return kinds[v] === "date"; });
    var category = vars.filter(function (v) { return kinds[v] === "iri" || kinds[v] === "text"; });
    if (numeric.length && this.rows.length >= 2 && (category.length || dates.length)) out.push(["bar", "Bar chart"]);
    if (dates.length && this.rows.length >= 2) out.push(["timeline", "Timeline"]);
    if (dates.length && numeric.length && this.rows.length >= 2) out.push(["line", "Line chart"]);
    var iris = vars.filter(function (v) { return kinds[v] === "iri"; });
    if (iris.length >= 2 && this.rows.length >= 1 && window.MgkgGraph) out.push(["graph", "Graph"]);
    return out;
  };

  /* A chart when the result is made for one (a few columns, one of them numbers or dates,
     not too many rows); the table otherwise. The switcher always offers every view. */
  Results.prototype.autoView = function (views) {
    var names = views.map(function (v) { return v[0]; });
    var kinds = this.kinds, filled = this.vars.filter(function (v) { return kinds[v] !== "empty"; });
    // Only links between things: the graph says more than a table of names.
    if (names.indexOf("graph") >= 0 && this.rows.length <= 300 &&
        filled.every(function (v) { return kinds[v] === "iri"; })) return "graph";
    // Numbers over dates in a short result: a line per series.
    if (names.indexOf("line") >= 0 && this.vars.length <= 6 && this.rows.length <= 60) return "line";
    if (this.vars.length <= 3 && this.rows.length <= 60) {
      if (names.indexOf("timeline") >= 0 && this.kinds[this.vars[0]] === "date") return "timeline";
      if (names.indexOf("bar") >= 0) return "bar";
      if (names.indexOf("timeline") >= 0) return "timeline";
    }
    return "table";
  };

  Results.prototype.renderViews = function (wanted) {
    var views = this.availableViews(), self = this;
    var names = views.map(function (v) { return v[0]; });
    this.view = names.indexOf(wanted) >= 0 ? wanted : this.autoView(views);
    var holder = this.o.views;
    holder.textContent = "";
    if (views.length > 1) {
      views.forEach(function (v) {
        var b = el("button", { type: "button", "data-view": v[0], "aria-pressed": String(v[0] === self.view) }, v[1]);
        b.addEventListener("click", function () { self.setView(v[0]); });
        holder.appendChild(b);
      });
    }
    this.render();
  };

  Results.prototype.setView = function (name) {
    this.view = name;
    Array.prototype.forEach.call(this.o.views.querySelectorAll("button"), function (b) {
      b.setAttribute("aria-pressed", String(b.dataset.view === name));
    });
    this.render();
    if (this.o.onView) this.o.onView(name);
  };

  Results.prototype.render = function () {
    var table = this.view === "table";
    this.o.holder.hidden = !table;
    this.o.pager.hidden = !table || this.rows.length <= this.pageSize;
    this.o.viewHolder.hidden = table;
    if (table) this.renderTable(); else this.renderChart();
  };

  Results.prototype.cell = function (t) {
    var td = el("td");
    if (!t) return td;
    if (t.type === "uri") {
      var href = this.localPath(t.value), label = this.labels[t.value], short = this.shorten(t.value);
      var a = el(href ? "a" : "span", { title: t.value }, label || short);
      if (href) a.href = href; else a.className = "iri";
      td.appendChild(a);
      if (label) td.appendChild(el("small", { "class": "pname" }, short));
    } else if (t.type === "bnode") {
      td.textContent = "_:" + t.value;
      td.className = "bnode";
    } else {
      var span = el("span", { "class": "literal" }, this.text(t));
      var dt = t.datatype ? this.shorten(t.datatype) : null;
      if (t["xml:lang"]) { span.lang = t["xml:lang"]; span.title = "text in @" + t["xml:lang"]; }
      if (dt && t.datatype !== XSD + "string") {
        span.title = dt + (span.textContent !== t.value ? ": " + t.value : "");
        span.dataset.datatype = dt;
      }
      if (isNumber(t)) td.className = "num";
      td.appendChild(span);
    }
    return td;
  };

  Results.prototype.sortKey = function (t) {
    if (!t) return null;
    if (isNumber(t)) return Number(t.value);
    if (isDate(t)) return yearOf(t);
    return this.text(t).toLowerCase();
  };

  Results.prototype.sortBy = function (v) {
    var dir = this.sort && this.sort.v === v && this.sort.dir === 1 ? -1 : 1, self = this;
    this.sort = { v: v, dir: dir };
    this.rows.sort(function (a, b) {
      var x = self.sortKey(a[v]), y = self.sortKey(b[v]);
      if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;  // unbound last
      return (x < y ? -1 : x > y ? 1 : 0) * dir;
    });
    this.page = 0;
    this.render();
  };

  Results.prototype.renderTable = function () {
    var self = this, holder = this.o.holder, n = this.rows.length;
    holder.textContent = "";
    var table = el("table");
    var first = this.page * this.pageSize, last = Math.min(n, first + this.pageSize);
    table.appendChild(el("caption", {}, n + (n === 1 ? " result" : " results") +
      (n > this.pageSize ? ", rows " + (first + 1) + "–" + last : "")));
    var head = table.createTHead().insertRow();
    head.appendChild(el("th", { scope: "col", "class": "why-col" }, "Why?"));
    this.vars.forEach(function (v) {
      var th = el("th", { scope: "col" });
      if (self.sort && self.sort.v === v) th.setAttribute("aria-sort", self.sort.dir === 1 ? "ascending" : "descending");
      var b = el("button", { type: "button", "class": "sort", title: "Sort by " + v }, v);
      b.addEventListener("click", function () { self.sortBy(v); });
      th.appendChild(b);
      head.appendChild(th);
    });
    var body = table.createTBody();
    this.rows.slice(first, last).forEach(function (b) {
      var tr = body.insertRow();
      var td = el("td", { "class": "why-col" });
      var btn = el("button", { type: "button", "class": "why", "aria-expanded": "false",
                               title: "The facts and quotes behind this row" }, "why?");
      btn.addEventListener("click", function () { self.toggleWhy(tr, btn, b); });
      td.appendChild(btn);
      tr.appendChild(td);
      self.vars.forEach(function (v) { tr.appendChild(self.cell(b[v])); });
    });
    holder.appendChild(table);
    this.renderPager();
  };

  /* Why? One click shows the facts among the row's values with their quotes. */
  Results.prototype.toggleWhy = function (tr, btn, b) {
    var next = tr.nextElementSibling, self = this;
    if (next && next.classList.contains("why-row")) {
      next.remove();
      btn.setAttribute("aria-expanded", "false");
      return Promise.resolve();
    }
    btn.setAttribute("aria-expanded", "true");
    var row = el("tr", { "class": "why-row" });
    var cell = el("td", { colspan: this.vars.length + 1 }, "Looking up the evidence…");
    row.appendChild(cell);
    tr.insertAdjacentElement("afterend", row);
    return fetch((this.o.root || "") + "/api/why", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ row: b, query: this.o.getQuery ? this.o.getQuery() : "" })
    }).then(function (r) { return r.json(); }).then(function (j) {
      cell.textContent = "";
      cell.appendChild(self.whyList(j.facts || []));
    }).catch(function (e) { cell.textContent = "Could not look up the evidence: " + e.message; });
  };

  Results.prototype.whyList = function (facts) {
    var root = this.o.root || "";
    function link(n) {
      if (!n) return document.createTextNode("");
      var a = el(n.href ? "a" : "span", { title: n.iri || "" }, n.text);
      if (n.href) a.href = root + n.href;
      return a;
    }
    if (!facts.length) {
      return el("p", { "class": "muted" }, "No fact of the graph links these values to each other " +
        "directly: the row follows from the query's pattern. Open a value's page for its evidence.");
    }
    var list = el("ul", { "class": "why-facts" });
    facts.forEach(function (f) {
      var li = el("li", { "class": "why-fact " + f.kind });
      var p = el("p", { "class": "triple" });
      p.appendChild(link(f.subject));
      if (f.kind === "own") p.appendChild(document.createTextNode(" (its own evidence)"));
      else {
        p.appendChild(document.createTextNode(" "));
        if (f.kind === "negative") p.appendChild(el("span", { "class": "badge not" }, "not"));
        p.appendChild(document.createTextNode(" "));
        p.appendChild(el("em", {}, f.predicate.text));
        p.appendChild(document.createTextNode(" "));
        p.appendChild(link(f.object));
      }
      li.appendChild(p);
      if (!f.evidence.length) li.appendChild(el("p", { "class": "muted" }, "No quote: a name or a statement the curators or the ontology make."));
      f.evidence.forEach(function (e) {
        var fig = el("figure", { "class": "why-evidence" });
        if (e.quote) fig.appendChild(el("blockquote", {}, "“" + e.quote + "”"));
        var cap = el("figcaption");
        if (e.source) {
          var a = el(e.quote_href || e.source.href ? "a" : "span", { title: e.source.citation }, e.source.name +
            (e.start !== null && e.start !== undefined ? ", characters " + e.start + "–" + e.end : ""));
          if (e.quote_href || e.source.href) a.href = root + (e.quote_href || e.source.href);
          cap.appendChild(a);
        }
        if (e.support) cap.appendChild(el("span", { "class": "badge support" }, e.support));
        if (e.according_to && e.according_to.length) cap.appendChild(el("span", { "class": "badge according" }, "according to " + e.according_to.join(", ")));
        if (e.cite_href) {
          /* The answer's evidence, citable where it is shown (static/cite.js opens the dialog). */
          cap.appendChild(document.createTextNode(" · "));
          var c = el("a", { "class": "cite", "data-cite": "" }, "cite");
          c.href = root + e.cite_href;
          cap.appendChild(c);
        }
        fig.appendChild(cap);
        li.appendChild(fig);
      });
      list.appendChild(li);
    });
    return list;
  };

  Results.prototype.renderPager = function () {
    var self = this, pager = this.o.pager, n = this.rows.length, pages = Math.ceil(n / this.pageSize);
    pager.textContent = "";
    if (pages <= 1) return;
    var prev = el("button", { type: "button", rel: "prev" }, "← Previous");
    prev.disabled = this.page === 0;
    prev.addEventListener("click", function () { self.page--; self.render(); });
    var next = el("button", { type: "button", rel: "next" }, "Next →");
    next.disabled = this.page >= pages - 1;
    next.addEventListener("click", function () { self.page++; self.render(); });
    var size = el("select", { "aria-label": "Rows per page" });
    [25, 50, 100, 500].forEach(function (k) {
      var o = el("option", { value: k }, k + " rows a page");
      if (k === self.pageSize) o.selected = true;
      size.appendChild(o);
    });
    size.addEventListener("change", function () { self.pageSize = +size.value; self.page = 0; self.render(); });
    pager.appendChild(prev);
    pager.appendChild(el("span", { "class": "muted" }, " page " + (this.page + 1) + " of " + pages + " "));
    pager.appendChild(next);
    pager.appendChild(size);
  };

  Results.prototype.renderChart = function () {
    var holder = this.o.viewHolder;
    holder.textContent = "";
    if (this.view === "graph") { this.graph(holder); return; }
    holder.appendChild(this.view === "bar" ? this.barChart() : this.view === "line" ? this.lineChart() : this.timeline());
  };

  /* Graph view: every IRI of the result a node, and in each row a link from its first IRI
     column to each of the others, named by the column (the row's subject and what the
     query asked about it). At most 150 nodes; the table has the rest. */
  Results.prototype.graph = function (holder) {
    var self = this, kinds = this.kinds;
    var iris = this.vars.filter(function (v) { return kinds[v] === "iri"; });
    var nodes = [], index = {}, edges = {}, cap = 150, dropped = 0;
    function add(t, v) {
      if (!t || t.type !== "uri") return null;
      if (index[t.value] === undefined) {
        if (nodes.length >= cap) { dropped++; return null; }
        index[t.value] = nodes.length;
        nodes.push({ id: t.value, label: self.text(t), href: self.localPath(t.value), type: v });
      }
      return t.value;
    }
    this.rows.forEach(function (b) {
      var from = add(b[iris[0]], iris[0]);
      iris.slice(1).forEach(function (v) {
        var to = add(b[v], v);
        if (from && to && from !== to) edges[from + " " + v + " " + to] = { source: from, target: to, label: v };
      });
    });
    var list = Object.keys(edges).map(function (k) { return edges[k]; });
    window.MgkgGraph.draw(holder, { nodes: nodes, edges: list }, {
      title: "Graph of " + nodes.length + " things and " + list.length + " links: " + iris.join(", ")
    });
    if (dropped) holder.appendChild(el("p", { "class": "muted" }, "The first " + cap + " things are drawn; the table shows every row."));
  };

  /* Line chart: numbers over dates, one line per value of the first name column. */
  Results.prototype.lineChart = function () {
    var self = this, dv = this.pick("date"), val = this.pick("number");
    // A series is what the row's names say together (thing, unit, kind...), at most three.
    var cats = this.vars.filter(function (v) { return self.kinds[v] === "iri" || self.kinds[v] === "text"; }).slice(0, 3);
    var cat = cats.join(", ");
    var series = {}, order = [];
    this.rows.forEach(function (b) {
      if (!b[dv] || !b[val] || yearOf(b[dv]) === null || !isFinite(Number(b[val].value))) return;
      var key = cats.map(function (c) { return b[c] ? self.text(b[c]) : ""; }).filter(Boolean).join(" · ") || val;
      if (!series[key]) { series[key] = []; order.push(key); }
      series[key].push({ x: yearOf(b[dv]), y: Number(b[val].value), b: b });
    });
    var pts = [].concat.apply([], order.map(function (k) { return series[k]; }));
    var W = 900, H = 340 + 18 * Math.ceil(order.length / 2), L = 80, R = 20, T = 20, B = 40 + 18 * Math.ceil(order.length / 2);
    var xs = pts.map(function (p) { return p.x; }), ys = pts.map(function (p) { return p.y; });
    var x0 = Math.floor(Math.min.apply(null, xs)), x1 = Math.ceil(Math.max.apply(null, xs) + 0.01);
    if (x1 - x0 < 2) { x0 -= 1; x1 += 1; }
    var y1 = Math.max.apply(null, ys.concat([0])) * 1.1 || 1, y0 = Math.min.apply(null, ys.concat([0]));
    function X(x) { return L + (W - L - R) * (x - x0) / (x1 - x0); }
    function Y(y) { return T + (H - T - B) * (1 - (y - y0) / (y1 - y0)); }
    var colours = ["#3b73b9", "#b5651d", "#2e8b57", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d", "#d4a017"];
    var s = svg("svg", { viewBox: "0 0 " + W + " " + H, "class": "chart line", role: "img",
                          "aria-label": "Line chart of " + val + " over " + dv });
    s.appendChild(svg("title", {}, val + " over " + dv + (cat ? ", one line per " + cat : "")));
    s.appendChild(svg("line", { x1: L, y1: Y(y0), x2: W - R, y2: Y(y0), "class": "axis" }));
    s.appendChild(svg("line", { x1: L, y1: T, x2: L, y2: Y(y0), "class": "axis" }));
    var step = Math.max(1, Math.ceil((x1 - x0) / 12));
    for (var yr = x0; yr <= x1; yr += step) {
      s.appendChild(svg("text", { x: X(yr), y: Y(y0) + 20, "text-anchor": "middle", "class": "tick" }, String(yr)));
    }
    [0, 0.5, 1].forEach(function (f) {
      var v = y0 + (y1 - y0) * f;
      s.appendChild(svg("text", { x: L - 6, y: Y(v) + 4, "text-anchor": "end", "class": "tick" },
                        v.toLocaleString("en-GB", { maximumFractionDigits: 1 })));
    });
    order.forEach(function (k, i) {
      var c = colours[i % colours.length], list = series[k].sort(function (a, b) { return a.x - b.x; });
      var g = svg("g", { "class": "series", "data-series": k });
      g.appendChild(svg("path", { "class": "line-series", stroke: c,
        d: list.map(function (p, j) { return (j ? "L" : "M") + X(p.x) + "," + Y(p.y); }).join(" ") }));
      list.forEach(function (p) {
        var pt = svg("g", { "class": "point" });
        pt.appendChild(svg("title", {}, k + ": " + self.text(p.b[val]) + ", " + formatDate(p.b[dv])));
        pt.appendChild(svg("circle", { cx: X(p.x), cy: Y(p.y), r: 4.5, style: "fill:" + c }));
        g.appendChild(pt);
      });
      var lx = L + (i % 2) * ((W - L - R) / 2), ly = H - B + 38 + 18 * Math.floor(i / 2);
      g.appendChild(svg("rect", { x: lx, y: ly - 9, width: 12, height: 4, fill: c }));
      g.appendChild(svg("text", { x: lx + 18, y: ly - 3, "class": "tick" }, k.length > 52 ? k.slice(0, 51) + "…" : k));
      s.appendChild(g);
    });
    return s;
  };

  Results.prototype.pick = function (kind) {
    var kinds = this.kinds;
    return this.vars.filter(function (v) { return kinds[v] === kind; })[0];
  };

  Results.prototype.barChart = function () {
    var self = this, val = this.pick("number");
    var cat = this.vars.filter(function (v) { return self.kinds[v] === "iri" || self.kinds[v] === "text"; })[0] || this.pick("date");
    var rows = this.rows.filter(function (b) { return b[val]; }).slice(0, 200);
    var max = Math.max.apply(null, rows.map(function (b) { return Number(b[val].value); }).concat([0]));
    var W = 900, left = 320, rowH = 24, H = rows.length * rowH + 30;
    var s = svg("svg", { viewBox: "0 0 " + W + " " + H, "class": "chart bar", role: "img",
                          "aria-label": "Bar chart of " + val + " by " + cat });
    s.appendChild(svg("title", {}, val + " by " + cat));
    rows.forEach(function (b, i) {
      var v = Number(b[val].value), y = i * rowH + 4, w = max > 0 ? (W - left - 110) * v / max : 0;
      var name = self.text(b[cat]) || "(none)";
      var g = svg("g", { "class": "bar-row" });
      g.appendChild(svg("title", {}, name + ": " + self.text(b[val])));
      g.appendChild(svg("text", { x: left - 8, y: y + 15, "text-anchor": "end", "class": "bar-label" },
                        name.length > 44 ? name.slice(0, 42) + "…" : name));
      g.appendChild(svg("rect", { x: left, y: y, width: Math.max(1, w), height: rowH - 6, "class": "bar" }));
      g.appendChild(svg("text", { x: left + w + 6, y: y + 15, "class": "bar-value" }, self.text(b[val])));
      s.appendChild(g);
    });
    return s;
  };

  Results.prototype.timeline = function () {
    var self = this, dv = this.pick("date"), val = this.pick("number");
    var cat = this.vars.filter(function (v) { return self.kinds[v] === "iri" || self.kinds[v] === "text"; })[0];
    var pts = this.rows.filter(function (b) { return b[dv] && yearOf(b[dv]) !== null; }).map(function (b) {
      return { x: yearOf(b[dv]), y: val && b[val] ? Number(b[val].value) : null, b: b };
    });
    var W = 900, H = 320, L = 70, R = 20, T = 20, B = 40;
    var xs = pts.map(function (p) { return p.x; });
    var x0 = Math.floor(Math.min.apply(null, xs)), x1 = Math.ceil(Math.max.apply(null, xs) + 0.01);
    if (x1 - x0 < 2) { x0 -= 1; x1 += 1; }
    var withY = pts.filter(function (p) { return p.y !== null; }).length > 0;
    var y1 = withY ? Math.max.apply(null, pts.map(function (p) { return p.y || 0; })) : 1;
    if (!(y1 > 0)) y1 = 1;
    // Without numbers, points at the same date stack up, one above the other.
    var stack = {};
    pts.forEach(function (p) {
      if (!withY) { var k = p.x.toFixed(3); stack[k] = (stack[k] || 0) + 1; p.y = stack[k]; }
    });
    if (!withY) y1 = Math.max.apply(null, pts.map(function (p) { return p.y; })) + 1;
    function X(x) { return L + (W - L - R) * (x - x0) / (x1 - x0); }
    function Y(y) { return H - B - (H - T - B) * y / y1; }
    var s = svg("svg", { viewBox: "0 0 " + W + " " + H, "class": "chart timeline", role: "img",
                          "aria-label": "Timeline of " + dv + (withY ? " against " + val : "") });
    s.appendChild(svg("title", {}, "Timeline of " + dv + (withY ? " against " + val : "")));
    s.appendChild(svg("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, "class": "axis" }));
    s.appendChild(svg("line", { x1: L, y1: T, x2: L, y2: H - B, "class": "axis" }));
    var step = Math.max(1, Math.ceil((x1 - x0) / 12));
    for (var yr = x0; yr <= x1; yr += step) {
      s.appendChild(svg("line", { x1: X(yr), y1: H - B, x2: X(yr), y2: H - B + 5, "class": "axis" }));
      s.appendChild(svg("text", { x: X(yr), y: H - B + 20, "text-anchor": "middle", "class": "tick" }, String(yr)));
    }
    if (withY) {
      [0, 0.5, 1].forEach(function (f) {
        s.appendChild(svg("text", { x: L - 6, y: Y(y1 * f) + 4, "text-anchor": "end", "class": "tick" },
                          (y1 * f).toLocaleString("en-GB", { maximumFractionDigits: 1 })));
      });
    }
    pts.sort(function (a, b) { return a.x - b.x; });
    pts.forEach(function (p) {
      var g = svg("g", { "class": "point" });
      var name = cat ? self.text(p.b[cat]) : "";
      g.appendChild(svg("title", {}, formatDate(p.b[dv]) + (name ? ": " + name : "") + (withY && val ? " — " + self.text(p.b[val]) : "")));
      g.appendChild(svg("circle", { cx: X(p.x), cy: Y(p.y), r: 5 }));
      s.appendChild(g);
    });
    return s;
  };

  /* ---- downloads of the whole result ---- */
  Results.prototype.csv = function () {
    function field(t) {
      var s = t ? t.value : "";
      return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
    }
    var vars = this.vars, lines = [vars.join(",")];
    (this.data.results.bindings || []).forEach(function (b) {
      lines.push(vars.map(function (v) { return field(b[v]); }).join(","));
    });
    return lines.join("\r\n") + "\r\n";
  };

  Results.prototype.tsv = function () {
    function esc(s) { return s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t"); }
    function term(t) {
      if (!t) return "";
      if (t.type === "uri") return "<" + t.value + ">";
      if (t.type === "bnode") return "_:" + t.value;
      var s = '"' + esc(t.value) + '"';
      if (t["xml:lang"]) return s + "@" + t["xml:lang"];
      if (t.datatype && t.datatype !== XSD + "string") return s + "^^<" + t.datatype + ">";
      return s;
    }
    var vars = this.vars, lines = [vars.map(function (v) { return "?" + v; }).join("\t")];
    (this.data.results.bindings || []).forEach(function (b) {
      lines.push(vars.map(function (v) { return term(b[v]); }).join("\t"));
    });
    return lines.join("\n") + "\n";
  };

  window.MgkgResults = Results;
})();
