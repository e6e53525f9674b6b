/* Timeline: a stacked bar chart of events per year and PLOVER type; empty form fields are not sent. */
"use strict";
(function () {
  var rows = DL.data("per-year-data") || [];
  var pairs = DL.data("type-colours") || [];  // [[type, colour], …] in PLOVER's own order
  var colours = {}, order = [];
  pairs.forEach(function (p) { colours[p[0]] = p[1]; order.push(p[0]); });  // each type keeps its colour and place
  var byType = {};
  rows.forEach(function (r) {
    (byType[r.type] = byType[r.type] || { x: [], y: [] });
    byType[r.type].x.push(r.year);
    byType[r.type].y.push(r.events);
  });
  var rank = function (t) { var i = order.indexOf(t); return i < 0 ? order.length : i; };
  var traces = Object.keys(byType).sort(function (a, b) { return rank(a) - rank(b) || (a < b ? -1 : 1); }).map(function (t) {
    return { type: "bar", name: t, x: byType[t].x, y: byType[t].y, legendrank: 1 + rank(t),
      marker: { color: colours[t] || "#777777", line: { color: "#ffffff", width: 0.5 } } };
  });
  var el = document.getElementById("chart-per-year");
  if (el) {
    Plotly.newPlot(el, traces, DL.layout({ barmode: "stack", xaxis: { title: { text: "year" }, dtick: 1 },
      yaxis: { title: { text: "events" } }, legend: { orientation: "h", y: -0.25, traceorder: "normal" } }),
      DL.plotConfig).then(function () { el.setAttribute("data-drawn", "true"); });
  }
  var form = document.getElementById("timeline-filters");
  if (form) {
    form.addEventListener("submit", function () {
      Array.prototype.forEach.call(form.elements, function (f) { if (f.name && !f.value) { f.disabled = true; } });
    });
  }
})();
