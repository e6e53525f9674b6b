/* dialoguelab: helpers shared by the pages (our own code; Plotly is served from the installed package). */
"use strict";
window.DL = {
  /** Parse the JSON a page embeds in <script type="application/json" id=...>. */
  data: function (id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  },
  /** Plotly config: no logo, no link to Plotly's cloud, maps from this server only. */
  plotConfig: { displaylogo: false, responsive: true, showLink: false, topojsonURL: "/static/topo/" },
  layout: function (extra) {
    var base = { margin: { l: 50, r: 20, t: 20, b: 40 }, paper_bgcolor: "#fff", plot_bgcolor: "#fff",
      font: { family: "system-ui, sans-serif", size: 12 } };
    return Object.assign(base, extra || {});
  }
};
