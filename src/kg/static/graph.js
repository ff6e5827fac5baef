/* A small graph picture in SVG, drawn here and nowhere else (no library, no other host):
   nodes placed by a force layout computed once before drawing (deterministic: the same
   data gives the same picture), labels, a colour per type with its legend, a click on a
   node opens its page (each node is a link, so keyboard and middle-click work too),
   dragging the background pans, the wheel and the buttons zoom.

   MgkgGraph.draw(holder, {nodes: [{id, label, href, type, centre}],
                           edges: [{source, target, label}]}, {root: ""})
   Used by the query page's graph view and by the resource page's neighbourhood. */
(function () {
  "use strict";

  var SVGNS = "http://www.w3.org/2000/svg";
  var PALETTE = ["#3b73b9", "#b5651d", "#2e8b57", "#8e44ad", "#c0392b", "#16a085",
                 "#7f8c8d", "#d4a017", "#34495e", "#e67e22", "#6b8e23", "#d81b60",
                 "#00838f", "#5d4037", "#9e9d24", "#ad1457", "#283593", "#ef6c00",
                 "#558b2f", "#4e342e"];

  function svg(name, attrs, text) {
    var e = document.createElementNS(SVGNS, name);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function html(name, attrs, text) {
    var e = document.createElement(name);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function short(text, n) { return text.length > n ? text.slice(0, n - 1) + "…" : text; }

  /* Fruchterman–Reingold on a W×H box, from positions on a circle (the centre node, if
     any, in the middle), a fixed number of rounds with cooling. O(n²) a round: fine for
     the 150 nodes the callers allow. */
  function layout(nodes, edges, W, H) {
    var n = nodes.length, k = Math.sqrt(W * H / Math.max(1, n)) * 0.75;
    var index = {};
    nodes.forEach(function (d, i) {
      index[d.id] = i;
      var a = 2 * Math.PI * i / Math.max(1, n);
      d.x = d.centre ? 0 : Math.cos(a) * W / 3;
      d.y = d.centre ? 0 : Math.sin(a) * H / 3;
    });
    var links = edges.map(function (e) { return [index[e.source], index[e.target]]; })
      .filter(function (l) { return l[0] !== undefined && l[1] !== undefined && l[0] !== l[1]; });
    var t = W / 8, rounds = n > 80 ? 200 : 300;
    for (var r = 0; r < rounds; r++) {
      var dx = new Float64Array(n), dy = new Float64Array(n);
      for (var i = 0; i < n; i++) {
        for (var j = i + 1; j < n; j++) {
          var ex = nodes[i].x - nodes[j].x, ey = nodes[i].y - nodes[j].y;
          var d2 = ex * ex + ey * ey + 0.01, f = k * k / d2;
          dx[i] += ex * f; dy[i] += ey * f; dx[j] -= ex * f; dy[j] -= ey * f;
        }
      }
      links.forEach(function (l) {
        var a = nodes[l[0]], b = nodes[l[1]];
        var ex = a.x - b.x, ey = a.y - b.y, d = Math.sqrt(ex * ex + ey * ey) + 0.01, f = d / k;
        dx[l[0]] -= ex * f; dy[l[0]] -= ey * f; dx[l[1]] += ex * f; dy[l[1]] += ey * f;
      });
      for (i = 0; i < n; i++) {
        var nd = nodes[i];
        dx[i] -= nd.x * 0.06; dy[i] -= nd.y * 0.06;  // gravity: no component drifts off
        var len = Math.sqrt(dx[i] * dx[i] + dy[i] * dy[i]) + 0.01, step = Math.min(len, t);
        if (nd.centre) continue;
        nd.x += dx[i] / len * step; nd.y += dy[i] / len * step;
      }
      t = Math.max(1, t * 0.985);
    }
    // Scale the picture to the box, so that labels are the same size whatever the spread.
    var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    nodes.forEach(function (d) { x0 = Math.min(x0, d.x); x1 = Math.max(x1, d.x); y0 = Math.min(y0, d.y); y1 = Math.max(y1, d.y); });
    var sx = x1 > x0 ? W / (x1 - x0) : 1, sy = y1 > y0 ? H / (y1 - y0) : 1;
    nodes.forEach(function (d) { d.x = (d.x - x0) * sx - W / 2; d.y = (d.y - y0) * sy - H / 2; });
    return links;
  }

  function draw(holder, data, opts) {
    opts = opts || {};
    var root = opts.root || "";
    var nodes = data.nodes.map(function (d) { return Object.assign({}, d); });
    // As wide as the space it has (labels stay readable on a phone), taller when narrow.
    var W = Math.max(340, Math.min(900, holder.clientWidth || 900));
    var H = Math.max(360, Math.min(W < 600 ? 640 : 700, 180 + nodes.length * 9));
    var links = layout(nodes, data.edges, W, H);
    var xs = nodes.map(function (d) { return d.x; }), ys = nodes.map(function (d) { return d.y; });
    // Room for the labels, which are written to the right of their nodes.
    var left = 30, right = W < 600 ? 120 : 200;
    var box = [Math.min.apply(null, xs) - left, Math.min.apply(null, ys) - 30,
               Math.max.apply(null, xs) - Math.min.apply(null, xs) + left + right,
               Math.max.apply(null, ys) - Math.min.apply(null, ys) + 60];
    var types = [];
    nodes.forEach(function (d) { if (d.type && types.indexOf(d.type) < 0) types.push(d.type); });
    types.sort();
    function colour(type) { var i = types.indexOf(type); return i < 0 ? "#999" : PALETTE[i % PALETTE.length]; }

    holder.textContent = "";
    var tools = html("p", { "class": "graph-tools" });
    var s = svg("svg", { "class": "graph", viewBox: box.join(" "), role: "img",
                          "aria-label": opts.title || ("Graph of " + nodes.length + " things") });
    s.appendChild(svg("title", {}, opts.title || ("Graph of " + nodes.length + " things and " + data.edges.length + " links")));
    var vp = svg("g", { "class": "viewport" });
    s.appendChild(vp);
    var edgeLabels = data.edges.length <= 40;
    var drawn = {};
    data.edges.forEach(function (e, i) {
      var l = links.filter(function (x) { return nodes[x[0]].id === e.source && nodes[x[1]].id === e.target; })[0];
      if (!l) return;
      var a = nodes[l[0]], b = nodes[l[1]], key = l.join(" ");
      var g = svg("g", { "class": "edge" });
      g.appendChild(svg("title", {}, a.label + " — " + e.label + " → " + b.label));
      g.appendChild(svg("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y }));
      if (edgeLabels && !drawn[key]) {
        g.appendChild(svg("text", { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 - 3, "text-anchor": "middle",
                                     "class": "edge-label" }, short(e.label, 24)));
      }
      drawn[key] = 1;
      vp.appendChild(g);
    });
    nodes.forEach(function (d) {
      var href = d.href ? root + d.href : null;
      var g = svg(href ? "a" : "g", { "class": "node" + (d.centre ? " centre" : ""), "data-id": d.id });
      if (href) g.setAttribute("href", href);
      g.appendChild(svg("title", {}, d.label + (d.type ? " (" + d.type + ")" : "")));
      g.appendChild(svg("circle", { cx: d.x, cy: d.y, r: d.centre ? 12 : 7, fill: colour(d.type) }));
      g.appendChild(svg("text", { x: d.x + (d.centre ? 15 : 10), y: d.y + 4, "class": "node-label" },
                        short(d.label, d.centre ? 48 : 30)));
      vp.appendChild(g);
    });

    /* Pan and zoom by rewriting the viewBox. */
    var view = box.slice();
    function apply() { s.setAttribute("viewBox", view.join(" ")); }
    function zoom(f, cx, cy) {
      if (cx === undefined) { cx = view[0] + view[2] / 2; cy = view[1] + view[3] / 2; }
      view = [cx - (cx - view[0]) * f, cy - (cy - view[1]) * f, view[2] * f, view[3] * f];
      apply();
    }
    function point(ev) {
      var r = s.getBoundingClientRect();
      return [view[0] + (ev.clientX - r.left) / r.width * view[2],
              view[1] + (ev.clientY - r.top) / r.height * view[3]];
    }
    s.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      var p = point(ev);
      zoom(ev.deltaY > 0 ? 1.15 : 1 / 1.15, p[0], p[1]);
    }, { passive: false });
    var drag = null;
    s.addEventListener("pointerdown", function (ev) {
      if (ev.target.closest && ev.target.closest(".node")) return;  // a node is a link
      drag = { x: ev.clientX, y: ev.clientY, v: view.slice() };
      s.setPointerCapture(ev.pointerId);
      s.classList.add("panning");
    });
    s.addEventListener("pointermove", function (ev) {
      if (!drag) return;
      var r = s.getBoundingClientRect();
      view[0] = drag.v[0] - (ev.clientX - drag.x) / r.width * view[2];
      view[1] = drag.v[1] - (ev.clientY - drag.y) / r.height * view[3];
      apply();
    });
    function stop() { drag = null; s.classList.remove("panning"); }
    s.addEventListener("pointerup", stop);
    s.addEventListener("pointercancel", stop);
    [["+", "Zoom in", function () { zoom(1 / 1.3); }], ["−", "Zoom out", function () { zoom(1.3); }],
     ["Reset", "Reset the view", function () { view = box.slice(); apply(); }]].forEach(function (b) {
      var btn = html("button", { type: "button", title: b[1], "aria-label": b[1] }, b[0]);
      btn.addEventListener("click", b[2]);
      tools.appendChild(btn);
    });
    tools.appendChild(html("span", { "class": "muted" }, " Drag to pan, wheel to zoom, click a node to open its page."));
    holder.appendChild(tools);
    holder.appendChild(s);
    if (types.length) {
      var legend = html("ul", { "class": "graph-legend", "aria-label": "Colours" });
      types.forEach(function (t) {
        var li = html("li");
        li.appendChild(html("span", { "class": "swatch", style: "background:" + colour(t) }));
        li.appendChild(document.createTextNode(t));
        legend.appendChild(li);
      });
      holder.appendChild(legend);
    }
    return s;
  }

  window.MgkgGraph = { draw: draw, layout: layout };
})();
