/* dialoguelab: draw the Plotly figures a page embeds as JSON.
   Each figure is a script element of type application/json, class dl-figure, whose data-target
   attribute names the element to draw into; its text is the figure as JSON ({data, layout}). No network access: Plotly is inlined (report) or
   served by the dashboard itself. */
(function () {
  "use strict";
  function draw() {
    if (!window.Plotly) { return; }
    var specs = document.querySelectorAll("script.dl-figure[type='application/json']");
    for (var i = 0; i < specs.length; i++) {
      var el = document.getElementById(specs[i].getAttribute("data-target"));
      if (!el) { continue; }
      var fig = JSON.parse(specs[i].textContent);
      window.Plotly.newPlot(el, fig.data, fig.layout, {
        displaylogo: false, responsive: true, showLink: false, showSendToCloud: false, showEditInChartStudio: false
      });
      el.setAttribute("data-drawn", "true");
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
