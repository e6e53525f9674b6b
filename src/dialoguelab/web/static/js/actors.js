/* Actors: the co-occurrence network drawn with Plotly; positions come from the server (networkx). */
"use strict";
(function () {
  var net = DL.data("network-data");
  var el = document.getElementById("chart-network");
  if (!net || !el) { return; }
  var pos = {};
  net.nodes.forEach(function (d) { pos[d.id] = [d.x, d.y]; });
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
      line: { width: 0.6 + 2 * c, color: "rgba(31,78,121," + (0.15 + 0.2 * c) + ")" } };
  });
  var types = {};
  net.nodes.forEach(function (d) { (types[d.type] = types[d.type] || []).push(d); });
  var nodeTraces = Object.keys(types).sort().map(function (t) {
    var ds = types[t];
    return { type: "scatter", mode: "markers+text", name: t, textposition: "top center",
      x: ds.map(function (d) { return d.x; }), y: ds.map(function (d) { return d.y; }),
      text: ds.map(function (d) { return d.events >= 12 ? d.name : ""; }), textfont: { size: 10 },
      hovertext: ds.map(function (d) { return d.name + " (" + d.events + " events)"; }), hoverinfo: "text",
      customdata: ds.map(function (d) { return d.id; }),
      marker: { size: ds.map(function (d) { return 5 + 2 * Math.sqrt(d.events); }), line: { width: 0.5, color: "#fff" } } };
  });
  Plotly.newPlot(el, edgeTraces.concat(nodeTraces), DL.layout({
    xaxis: { visible: false }, yaxis: { visible: false, scaleanchor: "x" }, hovermode: "closest",
    legend: { orientation: "h" } }), DL.plotConfig).then(function () {
    el.on("plotly_click", function (ev) {
      var id = ev.points && ev.points[0] && ev.points[0].customdata;
      if (id) { window.location.href = "/actors/" + encodeURIComponent(id); }
    });
  });
})();
