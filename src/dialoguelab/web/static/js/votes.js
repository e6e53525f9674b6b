/* The vote model's panels on the membership page: whose vote is needed (swing) and the calibration
   (leave-one-out validation). Both are fetched after the page is shown; every number comes from the API. */
"use strict";
(function () {
  var fmt = function (x, d) { return x === null || x === undefined ? "" : Number(x).toFixed(d); };
  var pct = function (x) { return x === null || x === undefined ? "" : (100 * x).toPrecision(4) + " %"; };
  var cell = function (tr, text, cls) {
    var td = document.createElement("td");
    td.textContent = text;
    if (cls) { td.className = cls; }
    tr.appendChild(td);
  };
  var getJSON = function (url) {
    return fetch(url).then(function (r) {
      if (!r.ok) { return r.json().then(function (b) { throw new Error(b.detail || ("HTTP " + r.status)); }); }
      return r.json();
    });
  };

  var swingPanel = function () {
    var sec = document.getElementById("swing-panel");
    if (!sec) { return; }
    var status = document.getElementById("swing-summary");
    getJSON(sec.dataset.api).then(function (r) {
      var tbody = document.querySelector("#swing-table tbody");
      r.states.slice(0, 25).forEach(function (s, i) {
        var tr = document.createElement("tr");
        tr.dataset.iso3 = s.iso3;
        cell(tr, String(i + 1), "n");
        cell(tr, s.name + " (" + s.iso3 + ")");
        cell(tr, s.stages.replace(/_/g, " ").replace(/;/g, ", "));
        cell(tr, s.p_yes === null ? "" : fmt(s.p_yes, 3), "n");
        cell(tr, pct(s.probability_after), "n");
        cell(tr, fmt(100 * s.gain, 3), "n");
        tbody.appendChild(tr);
      });
      document.getElementById("swing-table").hidden = false;
      var text = "P(admission) now " + pct(r.probability) + ". ";
      if (r.smallest_set.length) {
        text += "Smallest set found (" + r.method + "): " + r.smallest_set.length + " switches — " +
          r.path.map(function (p) { return p.name + " → " + pct(p.probability); }).join("; ") + ". ";
      }
      status.textContent = text + r.statement + ".";
      status.dataset.method = r.method;
      status.dataset.size = String(r.smallest_set.length);
      document.getElementById("swing-basis").textContent = "Model: " + r.model_label + ".";
      status.setAttribute("aria-busy", "false");
    }).catch(function (err) {
      status.textContent = "Could not compute the swing analysis: " + err.message;
      status.setAttribute("aria-busy", "false");
    });
  };

  var calibrationPanel = function () {
    var sec = document.getElementById("calibration-panel");
    if (!sec) { return; }
    var status = document.getElementById("calibration-status");
    var button = document.getElementById("calibration-compute");
    var url = function (compute) {
      var u = new URL(sec.dataset.api, window.location.origin);
      u.searchParams.set("compute", compute ? "true" : "false");
      return u.pathname + u.search;
    };
    var show = function (r) {
      if (r.status !== "ready") {
        status.textContent = "The leave-one-out validation has not been computed for this version of the case yet.";
        status.dataset.status = r.status;
        button.hidden = false;
        status.setAttribute("aria-busy", "false");
        return;
      }
      button.hidden = true;
      var names = { model: "per-state model", rule: "rule: recogniser ⇒ yes", "class": "class model" };
      var traces = [{ type: "scatter", mode: "lines", name: "perfect calibration", x: [0, 1], y: [0, 1],
        line: { dash: "dot", color: "#888" }, hoverinfo: "skip" }];
      ["model", "rule", "class"].forEach(function (m) {
        var bins = r.reliability[m] || [];
        if (!bins.length) { return; }
        traces.push({ type: "scatter", mode: "lines+markers", name: names[m],
          x: bins.map(function (b) { return b.mean_predicted; }), y: bins.map(function (b) { return b.observed; }),
          text: bins.map(function (b) { return b.n + " states"; }),
          marker: { size: bins.map(function (b) { return 5 + Math.sqrt(b.n); }) } });
      });
      var el = document.getElementById("chart-reliability");
      if (window.Plotly) {
        el.classList.add("plot");  // a chart only once there is something to draw
        Plotly.newPlot(el, traces, DL.layout({ xaxis: { title: { text: "predicted P(yes), held out" }, range: [0, 1] },
          yaxis: { title: { text: "share that voted yes" }, range: [0, 1] }, legend: { orientation: "h", y: -0.3 } }), DL.plotConfig);
      }
      var tbody = document.querySelector("#calibration-table tbody");
      tbody.textContent = "";
      r.rows.forEach(function (row) {
        var tr = document.createElement("tr");
        tr.dataset.vote = row.vote;
        var three = function (key, d) {
          return ["model", "rule", "class"].map(function (m) {
            var v = row[key + "_" + m];
            return v === null || v === undefined ? "–" : fmt(v, d);
          }).join(" / ");
        };
        var yn = function (v) { return v === null || v === undefined ? "–" : (v ? "yes" : "no"); };
        cell(tr, row.vote);
        cell(tr, String(row.yes), "n");
        cell(tr, three("expected_yes", 1), "n");
        cell(tr, three("brier", 3), "n");
        cell(tr, three("log_loss", 3), "n");
        cell(tr, row.p_pass_model === null ? "–" : fmt(row.p_pass_model, 3), "n");
        cell(tr, [yn(row.outcome_right_model), yn(row.outcome_right_rule), yn(row.outcome_right_class)].join(" / "));
        tbody.appendChild(tr);
      });
      document.getElementById("calibration-table").hidden = false;
      var s = r.summary || {};
      document.getElementById("calibration-summary").textContent =
        "Mean over the held-out votes every model scores (" + (s.votes_scored || []).join(", ") + "): Brier " +
        fmt(s.mean_brier_model, 3) + " (model), " + fmt(s.mean_brier_rule, 3) + " (rule), " + fmt(s.mean_brier_class, 3) +
        " (class); log loss " + fmt(s.mean_log_loss_model, 3) + ", " + fmt(s.mean_log_loss_rule, 3) + ", " +
        fmt(s.mean_log_loss_class, 3) + ". Lower is better. Held out in turn: " + (r.rests_on || []).join(", ") + ".";
      document.getElementById("reliability-caption").textContent = "Held-out P(yes) of " + r.states_scored +
        " published state votes in bins of 0.1, against the share that voted yes (position: " + r.position + ").";
      status.textContent = "Leave-one-out validation of " + r.rows.length + " held-out roll calls.";
      status.dataset.status = "ready";
      status.setAttribute("aria-busy", "false");
    };
    var fail = function (err) {
      status.textContent = "Could not load the validation: " + err.message;
      status.setAttribute("aria-busy", "false");
    };
    button.addEventListener("click", function () {
      button.disabled = true;
      status.setAttribute("aria-busy", "true");
      status.textContent = "Fitting every fold (minutes)…";
      getJSON(url(true)).then(show).catch(fail).then(function () { button.disabled = false; });
    });
    getJSON(url(false)).then(show).catch(fail);
  };

  // Each panel asks the server only when it comes into view (it sits below the fold; the swing analysis
  // takes a moment): a visitor who never scrolls down costs nothing.
  var whenVisible = function (id, fn) {
    var el = document.getElementById(id);
    if (!el) { return; }
    if (!("IntersectionObserver" in window)) { fn(); return; }
    var seen = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) { seen.disconnect(); fn(); }
    });
    seen.observe(el);
  };
  var start = function () { whenVisible("swing-panel", swingPanel); whenVisible("calibration-panel", calibrationPanel); };
  if (document.readyState === "complete") { start(); } else { window.addEventListener("load", start); }
})();
