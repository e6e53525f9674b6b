/* dialoguelab: helpers shared by the pages (our own code; Plotly is served from the installed package). */
"use strict";
window.DL = {
  /** Parse the JSON a page embeds in <script type="application/json" id=...>. */
  data: function (id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  },
  /** The case the page shows when it is not the dashboard's default ("" otherwise). */
  caseParam: function () {
    return (document.body && document.body.getAttribute("data-case")) || "";
  },
  /** A same-site URL that keeps the page's case: DL.url("/api/v1/recognitions", {date: d}). */
  url: function (path, params) {
    var parts = path.split("#");
    var base = parts[0], frag = parts.length > 1 ? "#" + parts.slice(1).join("#") : "";
    var q = [];
    Object.keys(params || {}).forEach(function (k) {
      var v = params[k];
      if (v !== null && v !== undefined && v !== "") { q.push(encodeURIComponent(k) + "=" + encodeURIComponent(v)); }
    });
    var c = DL.caseParam();
    if (c && !/[?&]case=/.test(base)) { q.push("case=" + encodeURIComponent(c)); }
    if (q.length) { base += (base.indexOf("?") >= 0 ? "&" : "?") + q.join("&"); }
    return base + frag;
  },
  /** Plotly config: no logo, no link to Plotly's cloud, maps from this server only. */
  plotConfig: { displaylogo: false, responsive: true, showLink: false, topojsonURL: "/static/topo/" },
  layout: function (extra) {
    var base = { margin: { l: 50, r: 20, t: 20, b: 40 }, paper_bgcolor: "#fff", plot_bgcolor: "#fff",
      font: { family: "system-ui, sans-serif", size: 12 } };
    return Object.assign(base, extra || {});
  }
};

/* The case selector in the header: choosing a case opens the same section for it. */
(function () {
  var form = document.getElementById("case-select");
  if (!form) { return; }
  var select = form.querySelector("select");
  var button = form.querySelector("button");
  if (button) { button.hidden = true; }
  select.addEventListener("change", function () { form.submit(); });
})();
