/* Membership explorer: toggles re-submit the form (the server computes everything); two charts. */
"use strict";
(function () {
  var form = document.getElementById("membership-form");
  if (form) {
    var submit = function () {
      Array.prototype.forEach.call(form.elements, function (f) {
        if (f.name && f.type !== "checkbox" && f.type !== "radio" && !f.value) { f.disabled = true; }
      });
      form.submit();
    };
    // A date is applied only once it is complete: on Enter or when the field loses focus, never while
    // it is being typed (a browser reports 0002-…, 0020-…, 0201-… as the year is typed digit by digit).
    var date = document.getElementById("m-date");
    var applied = date ? date.value : "";
    var complete = function (el) {
      return /^\d{4}-\d{2}-\d{2}$/.test(el.value) && parseInt(el.value.slice(0, 4), 10) >= 1000 && el.validity.valid;
    };
    var applyDate = function () {
      if (date.value === applied) { return; }
      if (!complete(date)) { date.reportValidity(); return; }
      applied = date.value;
      submit();
    };
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (date && date.value && !complete(date)) { date.reportValidity(); return; }
      submit();
    });
    form.addEventListener("change", function (ev) {
      var t = ev.target;
      if (t && (t.type === "checkbox" || t.type === "radio" || t.tagName === "SELECT")) { submit(); }
    });
    if (date) {
      date.addEventListener("blur", applyDate);
      date.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter") { ev.preventDefault(); applyDate(); }
      });
    }
  }

  var adm = DL.data("admission-data");
  var el = document.getElementById("chart-tally");
  if (adm && el) {
    var lastModelled = function (a) {
      if (!a) { return null; }
      // only stages decided by a ballot have a tally distribution worth plotting
      var st = a.stages.filter(function (s) { return s.modelled && s.method === "vote_model" && s.yes_distribution.length; });
      return st.length ? st[st.length - 1] : null;
    };
    var traces = [];
    [["baseline", adm.baseline], ["what-if", adm.scenario]].forEach(function (pair) {
      var st = lastModelled(pair[1]);
      if (!st) { return; }
      traces.push({ type: "bar", name: pair[0] + " (" + st.name + ")", opacity: 0.7,
        x: st.yes_distribution.map(function (_, i) { return i; }), y: st.yes_distribution });
    });
    Plotly.newPlot(el, traces, DL.layout({ barmode: "overlay", xaxis: { title: { text: "yes votes" } },
      yaxis: { title: { text: "probability" }, exponentformat: "e" }, legend: { orientation: "h", y: -0.3 } }), DL.plotConfig);
  }

  // The monthly series takes a few seconds for a new scenario: fetch it after the page is shown.
  var req = DL.data("series-request");
  var el2 = document.getElementById("chart-series");
  if (req && el2) {
    var get = function (url) {
      if (!url) { return Promise.resolve(null); }
      return fetch(url).then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); });
    };
    Promise.all([get(req.baseline), get(req.scenario)]).then(function (res) {
      var tr = [];
      [["baseline", res[0]], ["what-if", res[1]]].forEach(function (pair) {
        if (!pair[1]) { return; }
        var rows = pair[1].rows;
        tr.push({ type: "scatter", mode: "lines", name: pair[0], line: { shape: "hv" },
          x: rows.map(function (r) { return r.date; }), y: rows.map(function (r) { return r.probability; }) });
      });
      el2.textContent = "";
      return Plotly.newPlot(el2, tr, DL.layout({ yaxis: { title: { text: "P(admission)" }, rangemode: "tozero", exponentformat: "e" },
        legend: { orientation: "h", y: -0.3 } }), DL.plotConfig);
    }).then(function () {
      el2.setAttribute("aria-busy", "false");
    }).catch(function (err) {
      el2.textContent = "The series could not be computed (" + err.message + ").";
      el2.setAttribute("aria-busy", "false");
    });
  }
})();
