/* Forecast page: the scenario controls re-load the page with their settings (the server computes
   everything); two charts drawn from the JSON the page embeds. */
"use strict";
(function () {
  var form = document.getElementById("forecast-form");
  if (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var q = new URLSearchParams();
      ["runs", "rounds", "seed", "mode", "case"].forEach(function (name) {  // case: kept when not the default
        var el = form.elements.namedItem(name);
        if (el && el.value !== "") { q.append(name, el.value); }
      });
      document.querySelectorAll("#forecast-actors tr[data-actor]").forEach(function (row) {
        var actor = row.getAttribute("data-actor");
        var remove = row.querySelector(".s-remove");
        if (remove && remove.checked) { q.append("remove", actor); return; }
        [["salience", ".s-salience"], ["capability", ".s-capability"]].forEach(function (pair) {
          var el = row.querySelector(pair[1]);
          if (el && el.value !== "" && Number(el.value) !== Number(el.getAttribute("data-base"))) {
            q.append(pair[0], actor + ":" + Number(el.value));
          }
        });
      });
      window.location.assign(form.getAttribute("action") + "?" + q.toString());
    });
  }

  var data = DL.data("forecast-data");
  if (!data) { return; }
  var rounds = data.rounds.map(function (r) { return r.round; });
  var col = function (key) { return data.rounds.map(function (r) { return r[key]; }); };
  var traces = [];
  if (data.rounds.length && data.rounds[0].mc_median_q05 !== undefined) {
    var band = function (lo, hi, name, color) {
      traces.push({ x: rounds, y: col(lo), mode: "lines", line: { width: 0 }, showlegend: false, hoverinfo: "skip" });
      traces.push({ x: rounds, y: col(hi), mode: "lines", line: { width: 0 }, fill: "tonexty", fillcolor: color, name: name });
    };
    band("mc_median_q05", "mc_median_q95", "Monte Carlo 5–95 %", "rgba(31,95,153,0.15)");
    band("mc_median_q25", "mc_median_q75", "Monte Carlo 25–75 %", "rgba(31,95,153,0.30)");
    traces.push({ x: rounds, y: col("mc_median_q50"), mode: "lines", name: "Monte Carlo middle", line: { dash: "dot", color: "#1f5f99" } });
  }
  traces.push({ x: rounds, y: col("median"), mode: "lines+markers", name: "run on the judged inputs", line: { color: "#222" } });
  if (data.scenario) {
    traces.push({ x: rounds, y: col("scenario_median"), mode: "lines+markers", name: "scenario", line: { color: "#b35c00" } });
    if (data.rounds[0].scenario_mc_median_q50 !== undefined) {
      traces.push({ x: rounds, y: col("scenario_mc_median_q50"), mode: "lines", name: "scenario Monte Carlo middle", line: { dash: "dot", color: "#b35c00" } });
    }
  }
  var shapes = [];
  if (data.threshold) {
    shapes.push({ type: "line", xref: "paper", x0: 0, x1: 1, y0: data.threshold.value, y1: data.threshold.value, line: { dash: "dash", color: "#a40e26" } });
  }
  var el = document.getElementById("chart-trajectory");
  if (el) {
    Plotly.newPlot(el, traces, DL.layout({ shapes: shapes, xaxis: { title: { text: "round" }, dtick: 1 },
      yaxis: { title: { text: "median position" }, range: [data.scale.min, data.scale.max] }, legend: { orientation: "h", y: -0.25 } }), DL.plotConfig);
  }
  var el2 = document.getElementById("chart-outcome");
  if (el2 && data.distribution.length) {
    var mids = data.distribution.map(function (b) { return (b.lo + b.hi) / 2; });
    var width = data.distribution[0].hi - data.distribution[0].lo;
    var bars = [{ type: "bar", name: "baseline", x: mids, width: width, opacity: 0.7, y: data.distribution.map(function (b) { return b.share; }) }];
    if (data.distribution[0].scenario_share !== undefined) {
      bars.push({ type: "bar", name: "scenario", x: mids, width: width, opacity: 0.6, y: data.distribution.map(function (b) { return b.scenario_share; }) });
    }
    var sh = data.threshold ? [{ type: "line", yref: "paper", y0: 0, y1: 1, x0: data.threshold.value, x1: data.threshold.value, line: { dash: "dash", color: "#a40e26" } }] : [];
    Plotly.newPlot(el2, bars, DL.layout({ barmode: "overlay", shapes: sh, xaxis: { title: { text: "final median" }, range: [data.scale.min, data.scale.max] },
      yaxis: { title: { text: "share of runs" } }, legend: { orientation: "h", y: -0.25 } }), DL.plotConfig);
  }
})();
