/* Recognition map: Plotly choropleth drawn from /static/topo (no CDN). The slider and the position
   switch fetch /api/v1/recognitions for the chosen day; the server decides every status. */
"use strict";
(function () {
  var boot = DL.data("map-data");
  if (!boot) { return; }
  var dates = boot.dates, state = boot.data, position = state.position;
  var el = document.getElementById("map");
  var slider = document.getElementById("date-slider");
  var label = document.getElementById("date-label");
  var record = document.getElementById("state-record");
  var CODE = { recognizes: 2, withdrew: 1, excluded: 0 };

  function traces(d) {
    var rows = d.rows;
    var t = [{
      type: "choropleth", locationmode: "ISO-3", showscale: false, zmin: 0, zmax: 2,
      locations: rows.map(function (r) { return r.iso3; }),
      z: rows.map(function (r) { return CODE[r.status] === undefined ? 0 : CODE[r.status]; }),
      text: rows.map(function (r) { return r.state + ": " + r.status; }), hoverinfo: "text",
      colorscale: [[0, "#c9ced6"], [0.5, "#f0a04b"], [1, "#3c9a5f"]],
      marker: { line: { color: "#ffffff", width: 0.5 } }
    }];
    if (boot.applicant_polygon) {
      t.push({ type: "choropleth", locationmode: "ISO-3", locations: [boot.applicant_id], z: [1], showscale: false,
        colorscale: [[0, "#1f4e79"], [1, "#1f4e79"]], hoverinfo: "text", text: [boot.applicant],
        marker: { line: { color: "#1f4e79", width: 1.5 } } });
    } else if (boot.applicant_marker) {
      t.push({ type: "scattergeo", lon: [boot.applicant_marker[0]], lat: [boot.applicant_marker[1]], mode: "markers",
        text: [boot.applicant + " (marker)"], hoverinfo: "text", marker: { size: 9, color: "#1f4e79" } });
    }
    return t;
  }

  var layout = DL.layout({
    margin: { l: 0, r: 0, t: 0, b: 0 }, showlegend: false,
    geo: { projection: { type: "natural earth", rotation: { lon: 0 } }, lonaxis: { range: [-180, 180] },
      showframe: false, showcoastlines: false, showcountries: true, countrycolor: "#ffffff",
      showland: true, landcolor: "#eceef1", bgcolor: "#ffffff" }
  });

  function byIso(d, iso) {
    for (var i = 0; i < d.rows.length; i++) { if (d.rows[i].iso3 === iso) { return d.rows[i]; } }
    return null;
  }

  function showRecord(iso) {
    record.textContent = "";
    var r = byIso(state, iso);
    var h = document.createElement("h3");
    if (iso === boot.applicant_id) { h.textContent = boot.applicant; record.appendChild(h); return; }
    if (!r) { h.textContent = iso + ": no recognition recorded in the case"; record.appendChild(h); return; }
    h.textContent = r.state + " (" + r.iso3 + ")";
    record.appendChild(h);
    var dl = document.createElement("dl");
    dl.className = "record";
    [["Status on " + state.date, r.status], ["Recognised", r.recognized_on || "date unknown"],
     ["Withdrawal claimed by " + (boot.objector || "the objector"), r.withdrawal_claimed_on || "none"],
     [(boot.applicant || "The applicant") + "'s position", (r.applicant_position || "").replace(/_/g, " ")],
     ["Verified", r.verified ? "yes" : "no (excluded from counts)"]].forEach(function (kv) {
      var dt = document.createElement("dt"); dt.textContent = kv[0];
      var dd = document.createElement("dd"); dd.textContent = kv[1];
      dl.appendChild(dt); dl.appendChild(dd);
    });
    var dt = document.createElement("dt"); dt.textContent = "Sources";
    var dd = document.createElement("dd");
    (r.sources || "").split(";").filter(Boolean).forEach(function (s) {
      var a = document.createElement("a");
      a.href = "/sources#src-" + encodeURIComponent(s); a.className = "cite"; a.textContent = s;
      dd.appendChild(a); dd.appendChild(document.createTextNode(" "));
    });
    dl.appendChild(dt); dl.appendChild(dd);
    record.appendChild(dl);
  }

  function render(d) {
    state = d;
    Array.prototype.forEach.call(document.querySelectorAll(".count[data-position]"), function (e) {
      e.textContent = d.counts[e.getAttribute("data-position")];
    });
    document.getElementById("count-date").textContent = d.date;
    label.textContent = d.date;
    Array.prototype.forEach.call(document.querySelectorAll(".table-date"), function (e) { e.textContent = d.date; });
    d.rows.forEach(function (r) {
      var row = document.getElementById("rec-" + r.iso3);
      if (row) { row.querySelector(".status").textContent = r.status; }
    });
    if (el) { Plotly.react(el, traces(d), layout, DL.plotConfig); }
    document.body.setAttribute("data-map-date", d.date);
    document.body.setAttribute("data-map-position", d.position);
  }

  var pending = null, seq = 0;
  function load() {
    var day = dates[parseInt(slider.value, 10)];
    label.textContent = day;
    var mine = ++seq;
    fetch("/api/v1/recognitions?date=" + encodeURIComponent(day) + "&position=" + encodeURIComponent(position))
      .then(function (resp) { if (!resp.ok) { throw new Error("HTTP " + resp.status); } return resp.json(); })
      .then(function (d) {
        if (mine !== seq) { return; }
        render(d);
        history.replaceState(null, "", "/map?date=" + d.date + "&position=" + d.position);
      })
      .catch(function (err) { label.textContent = day + " (" + err.message + ")"; });
  }

  if (el) {
    Plotly.newPlot(el, traces(state), layout, DL.plotConfig).then(function () {
      el.on("plotly_click", function (ev) {
        var p = ev.points && ev.points[0];
        if (p && p.location) { showRecord(p.location); }
      });
      document.body.setAttribute("data-map-date", state.date);
      document.body.setAttribute("data-map-position", state.position);
    });
  }
  slider.addEventListener("input", function () {
    label.textContent = dates[parseInt(slider.value, 10)];
    if (pending) { clearTimeout(pending); }
    pending = setTimeout(load, 120);
  });
  Array.prototype.forEach.call(document.querySelectorAll('input[name="position"]'), function (r) {
    r.addEventListener("change", function () { position = r.value; load(); });
  });
})();
