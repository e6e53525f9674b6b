/* Timeline: a stacked bar chart of events per year and PLOVER type; empty form fields are not sent. */
"use strict";
(function () {
  var rows = DL.data("per-year-data") || [];
  var byType = {};
  rows.forEach(function (r) {
    (byType[r.type] = byType[r.type] || { x: [], y: [] });
    byType[r.type].x.push(r.year);
    byType[r.type].y.push(r.events);
  });
  var traces = Object.keys(byType).sort().map(function (t) {
    return { type: "bar", name: t, x: byType[t].x, y: byType[t].y };
  });
  var el = document.getElementById("chart-per-year");
  if (el) {
    Plotly.newPlot(el, traces, DL.layout({ barmode: "stack", xaxis: { title: { text: "year" }, dtick: 1 },
      yaxis: { title: { text: "events" } }, legend: { orientation: "h", y: -0.25 } }), DL.plotConfig);
  }
  var form = document.getElementById("timeline-filters");
  if (form) {
    form.addEventListener("submit", function () {
      Array.prototype.forEach.call(form.elements, function (f) { if (f.name && !f.value) { f.disabled = true; } });
    });
  }
})();
