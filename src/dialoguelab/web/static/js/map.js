/* Recognition map: Plotly choropleth drawn from /static/topo (no CDN). The slider and the position
   switch fetch /api/v1/recognitions for the chosen day; the server decides every status. Every state of
   the world's list is drawn, so a click on any of them opens its record (/api/v1/states/<iso>). */
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
    var recorded = {};
    d.rows.forEach(function (r) { recorded[r.iso3] = true; });
    var others = Object.keys(boot.states || {}).filter(function (iso) {
      return !recorded[iso] && iso !== boot.applicant_id;
    });
    var t = [{
      // every state of the world's list without a recorded recognition: pale, and clickable
      type: "choropleth", locationmode: "ISO-3", showscale: false, zmin: 0, zmax: 1,
      locations: others, z: others.map(function () { return 0; }),
      text: others.map(function (iso) { return boot.states[iso] + ": no recognition recorded"; }), hoverinfo: "text",
      colorscale: [[0, "#e4e7eb"], [1, "#e4e7eb"]], marker: { line: { color: "#ffffff", width: 0.5 } }
    }, {
      type: "choropleth", locationmode: "ISO-3", showscale: false, zmin: 0, zmax: 2,
      locations: d.rows.map(function (r) { return r.iso3; }),
      z: d.rows.map(function (r) { return CODE[r.status] === undefined ? 0 : CODE[r.status]; }),
      text: d.rows.map(function (r) { return r.state + ": " + r.status.replace(/_/g, " "); }), hoverinfo: "text",
      colorscale: [[0, "#aeb5bf"], [0.5, "#f0a04b"], [1, "#3c9a5f"]],
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

  function add(parent, tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = text; }
    if (cls) { e.className = cls; }
    parent.appendChild(e);
    return e;
  }

  function cites(parent, ids) {
    (ids || []).forEach(function (s) {
      var a = add(parent, "a", s, "cite");
      a.href = DL.url("/sources#src-" + encodeURIComponent(s));
      parent.appendChild(document.createTextNode(" "));
    });
  }

  function openPanel() {
    record.hidden = false;
    // keep the record in view: it floats over the map, and the page scrolls to it if it must
    record.scrollIntoView({ block: "nearest", inline: "nearest" });
  }

  function panelHead(title) {
    record.textContent = "";
    var head = add(record, "div", null, "panel-head");
    add(head, "h3", title);
    var close = add(head, "button", "×", "close");
    close.type = "button";
    close.setAttribute("aria-label", "Close the record");
    close.addEventListener("click", function () { record.hidden = true; });
  }

  function showRecord(iso) {
    if (iso === boot.applicant_id) {
      panelHead(boot.applicant);
      add(record, "p", "The applicant in this case.");
      openPanel();
      return;
    }
    panelHead((boot.states && boot.states[iso]) || iso);
    add(record, "p", "Loading…", "note");
    openPanel();
    var url = DL.url("/api/v1/states/" + encodeURIComponent(iso), { date: state.date, position: state.position });
    fetch(url).then(function (resp) {
      if (!resp.ok) { return resp.json().then(function (b) { throw new Error(b.detail || ("HTTP " + resp.status)); }); }
      return resp.json();
    }).then(function (r) {
      panelHead(r.name + " (" + r.iso3 + ")");
      record.setAttribute("data-iso", r.iso3);
      var rec = r.recognition;
      var status = add(record, "p", "On " + r.date + ": " + rec.text + ".", "state-status status-" + rec.status);
      if (rec.recognized_on) { status.textContent += " Recognised on " + rec.recognized_on + "."; }
      if (rec.withdrawal_claimed_on) {
        status.textContent += " " + (boot.objector || "The objector") + " claims a withdrawal on " + rec.withdrawal_claimed_on +
          " (" + (boot.applicant || "the applicant") + ": " + (rec.applicant_position || "").replace(/_/g, " ") + ").";
      }
      if (rec.sources.length) { var ps = add(record, "p", "Sources: ", "note"); cites(ps, rec.sources); }
      if (r.stances.length) {
        add(record, "h4", "Declared stance");
        var ul = add(record, "ul", null, "stances");
        r.stances.forEach(function (s) {
          var li = add(ul, "li", s.stance + (s.since ? " since " + s.since : "") + (s.until ? " until " + s.until : "") +
            (s.bodies.length ? " (" + s.bodies.join(", ") + ")" : "") + ": " + s.summary + " ");
          cites(li, s.sources);
        });
      } else {
        add(record, "p", "No declared stance recorded: its vote follows its recognition.", "note");
      }
      var member = r.bodies.filter(function (b) { return b.votes_in.length; });
      add(record, "h4", member.length ? "Votes in " + member.length + " of the bodies" : "Votes in none of the bodies");
      if (member.length) {
        var table = add(record, "table", null, "data compact");
        var hr = add(add(table, "thead"), "tr");
        ["Body", "Stages it votes in", "Its vote"].forEach(function (h) { add(hr, "th", h); });
        var tb = add(table, "tbody");
        member.forEach(function (b) {
          var tr = add(tb, "tr");
          add(tr, "td", b.name);
          add(tr, "td", b.votes_in.join("; "));
          add(tr, "td", b.vote, "vote vote-" + b.vote);
        });
      }
      openPanel();
    }).catch(function (err) {
      panelHead(iso);
      add(record, "p", "The record could not be loaded (" + err.message + ").", "warning");
    });
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
    fetch(DL.url("/api/v1/recognitions", { date: day, position: position }))
      .then(function (resp) { if (!resp.ok) { throw new Error("HTTP " + resp.status); } return resp.json(); })
      .then(function (d) {
        if (mine !== seq) { return; }
        render(d);
        history.replaceState(null, "", DL.url("/map", { date: d.date, position: d.position }));
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
  } else {
    document.body.setAttribute("data-map-date", state.date);
    document.body.setAttribute("data-map-position", state.position);
  }
  Array.prototype.forEach.call(document.querySelectorAll(".state-link"), function (b) {
    b.addEventListener("click", function () { showRecord(b.getAttribute("data-iso")); });
  });
  slider.addEventListener("input", function () {
    label.textContent = dates[parseInt(slider.value, 10)];
    if (pending) { clearTimeout(pending); }
    pending = setTimeout(load, 120);
  });
  Array.prototype.forEach.call(document.querySelectorAll('input[name="position"]'), function (r) {
    r.addEventListener("change", function () { position = r.value; load(); });
  });
})();
