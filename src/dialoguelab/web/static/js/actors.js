/* Actors: the co-occurrence network drawn with Plotly; positions come from the server (networkx).
   Only the best-connected actors are labelled, and each label is placed where it overlaps neither another
   label nor a labelled actor's dot (greedy placement over candidate offsets, nearest first, with a leader
   line when the label sits away from its dot); every actor keeps its name on hover. */
"use strict";
(function () {
  var net = DL.data("network-data");
  var el = document.getElementById("chart-network");
  if (!net || !el || !net.nodes.length) { return; }
  var MAX_LABELS = 16, FONT = 11, MARGIN = { l: 10, r: 10, t: 10, b: 40 };
  var pos = {};
  net.nodes.forEach(function (d) { pos[d.id] = [d.x, d.y]; });
  var degree = {};
  net.edges.forEach(function (e) {
    degree[e.source] = (degree[e.source] || 0) + 1;
    degree[e.target] = (degree[e.target] || 0) + 1;
  });
  // edges in three width classes, one trace each (hundreds of one-edge traces would be slow)
  var maxW = Math.max.apply(null, net.edges.map(function (e) { return e.weight; }).concat([1]));
  var classes = [[], [], []];
  net.edges.forEach(function (e) {
    var c = Math.min(2, Math.floor(3 * (e.weight - 1) / Math.max(maxW, 2)));
    classes[c].push(e);
  });
  var edgeTraces = classes.map(function (es, c) {
    var x = [], y = [];
    es.forEach(function (e) {
      x.push(pos[e.source][0], pos[e.target][0], null);
      y.push(pos[e.source][1], pos[e.target][1], null);
    });
    return { type: "scatter", mode: "lines", x: x, y: y, hoverinfo: "skip", showlegend: false,
      line: { width: 0.6 + 2 * c, color: "rgba(31,78,121," + (0.12 + 0.18 * c) + ")" } };
  });
  var size = function (d) { return 5 + 2 * Math.sqrt(d.events); };
  var TYPE_COLOURS = DL.data("actor-type-colours") || {};  // one colour-blind-safe colour per actor type
  var types = {};
  net.nodes.forEach(function (d) { (types[d.type] = types[d.type] || []).push(d); });
  var nodeTraces = Object.keys(types).sort().map(function (t) {
    var ds = types[t];
    return { type: "scatter", mode: "markers", name: t,
      x: ds.map(function (d) { return d.x; }), y: ds.map(function (d) { return d.y; }),
      hovertext: ds.map(function (d) { return d.name + " (" + d.events + " events)"; }), hoverinfo: "text",
      customdata: ds.map(function (d) { return d.id; }),
      marker: { size: ds.map(size), color: TYPE_COLOURS[t] || "#777", line: { width: 0.5, color: "#fff" } } };
  });

  // Fixed ranges (with room around the outermost dots) make data → pixel a known linear map.
  var xs = net.nodes.map(function (d) { return d.x; }), ys = net.nodes.map(function (d) { return d.y; });
  var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs), y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
  var padX = 0.08 * (x1 - x0 || 1), padY = 0.08 * (y1 - y0 || 1);
  var xr = [x0 - padX, x1 + padX], yr = [y0 - padY, y1 + padY];
  var W = el.clientWidth - MARGIN.l - MARGIN.r, H = el.clientHeight - MARGIN.t - MARGIN.b;
  var px = function (x) { return (x - xr[0]) / (xr[1] - xr[0]) * W; };
  var py = function (y) { return (yr[1] - y) / (yr[1] - yr[0]) * H; };

  var ctx = document.createElement("canvas").getContext("2d");
  ctx.font = FONT + "px system-ui, sans-serif";
  var overlaps = function (a, b) {
    return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
  };
  var labelled = net.nodes.slice().sort(function (a, b) {
    return (degree[b.id] || 0) - (degree[a.id] || 0) || b.events - a.events;
  }).slice(0, MAX_LABELS);
  // obstacles: every dot (so that a label never sits on another actor's dot) and each label as it is placed
  var dotBox = function (d) {
    var r = size(d) / 2 + 1, cx = px(d.x), cy = py(d.y);
    return { x0: cx - r, x1: cx + r, y0: cy - r, y1: cy + r };
  };
  var isLabelled = {};
  labelled.forEach(function (d) { isLabelled[d.id] = true; });
  var dots = net.nodes.map(function (d) { return { box: dotBox(d), own: d.id }; });
  var labels = [];
  var annotations = [];
  var place = function (d, strict) {
    var w = ctx.measureText(d.name).width + 6, h = FONT + 5, r = size(d) / 2;
    var cx = px(d.x), cy = py(d.y);
    for (var ring = 0; ring < 6; ring++) {
      var gap = 4 + ring * 14;
      var cands = [[0, -(r + gap + h / 2)], [0, r + gap + h / 2], [r + gap + w / 2, 0], [-(r + gap + w / 2), 0],
        [r + gap + w / 2, -(r + gap + h / 2)], [-(r + gap + w / 2), -(r + gap + h / 2)],
        [r + gap + w / 2, r + gap + h / 2], [-(r + gap + w / 2), r + gap + h / 2]];
      for (var k = 0; k < cands.length; k++) {
        var bx = cx + cands[k][0], by = cy + cands[k][1];
        var box = { x0: bx - w / 2, x1: bx + w / 2, y0: by - h / 2, y1: by + h / 2 };
        if (box.x0 < 0 || box.x1 > W || box.y0 < 0 || box.y1 > H) { continue; }
        if (labels.some(function (b) { return overlaps(b, box); })) { continue; }
        // strict: no dot under the label; relaxed: only the labelled actors' dots
        if (dots.some(function (o) { return (strict || isLabelled[o.own]) && overlaps(o.box, box); })) { continue; }
        return { dx: cands[k][0], dy: cands[k][1], box: box, ring: ring, r: r };
      }
    }
    return null;
  };
  labelled.forEach(function (d) {
    var found = place(d, true) || place(d, false);
    if (!found) { return; }  // no free place near the dot: the name stays on hover only
    labels.push(found.box);
    annotations.push({ x: d.x, y: d.y, xref: "x", yref: "y", text: d.name, showarrow: found.ring > 0,
      ax: found.dx, ay: found.dy, axref: "pixel", ayref: "pixel", xshift: found.ring > 0 ? 0 : found.dx,
      yshift: found.ring > 0 ? 0 : -found.dy, arrowhead: 0, arrowwidth: 0.6, arrowcolor: "#8a94a0",
      standoff: found.r, font: { size: FONT, color: "#1b1f24" }, bgcolor: "rgba(255,255,255,0.8)", borderpad: 1,
      captureevents: false });
  });

  Plotly.newPlot(el, edgeTraces.concat(nodeTraces), DL.layout({
    margin: MARGIN, xaxis: { visible: false, range: xr, fixedrange: false }, yaxis: { visible: false, range: yr },
    hovermode: "closest", annotations: annotations, legend: { orientation: "h", y: 0, yanchor: "top" } }),
    DL.plotConfig).then(function () {
    el.setAttribute("data-labels", String(annotations.length));
    el.on("plotly_click", function (ev) {
      var id = ev.points && ev.points[0] && ev.points[0].customdata;
      if (id) { window.location.href = DL.url("/actors/" + encodeURIComponent(id)); }
    });
  });
})();
