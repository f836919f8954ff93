// Draws the analytics dashboard's charts with uPlot from the JSON blocks next to them
// (<script type="application/json" id="chart-...">). No inline code: the page works under a nonce CSP.
(function () {
  "use strict";
  var COLOURS = ["#084785", "#d9822b", "#2b8a3e", "#c92a2a", "#7048e8", "#0b7285", "#a61e4d", "#5c940d", "#495057"];
  var charts = [];

  function readData(id) {
    var block = document.getElementById(id);
    if (!block) { return null; }
    try { return JSON.parse(block.textContent); } catch (e) { return null; }
  }

  function series(data, bars) {
    var list = [{}];
    data.series.forEach(function (item, index) {
      var colour = COLOURS[index % COLOURS.length];
      var entry = { label: item.label, stroke: colour, width: 2, spanGaps: !bars };
      if (bars) {
        var count = data.series.length;
        entry.fill = colour;
        // One series: centred bars; two: side by side (the first ends at x, the second starts there).
        entry.paths = uPlot.paths.bars({ size: [0.8 / count, 80], align: count === 1 ? 0 : (index === 0 ? -1 : 1) });
        entry.points = { show: false };
      }
      list.push(entry);
    });
    return list;
  }

  function options(data, width) {
    var bars = data.kind === "bars";
    var opts = {
      width: width,
      height: width < 480 ? 200 : 260,
      series: series(data, bars),
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      axes: [{}, { size: 50 }],
    };
    if (bars) {
      opts.scales = { x: { time: false, range: [-0.5, data.x.length - 0.5] }, y: { range: function (u, min, max) { return [0, max > 0 ? max * 1.1 : 1]; } } };
      opts.axes[0] = { splits: function () { return data.x; }, values: function () {
        return data.labels.map(function (label) { return label.length > 14 && width < 480 ? label.slice(0, 12) + "…" : label; });
      } };
    }
    return opts;
  }

  function draw(holder) {
    var data = readData(holder.getAttribute("data-chart"));
    if (!data || !data.x || !data.series || typeof uPlot === "undefined") { return; }
    var width = Math.max(holder.clientWidth, 240);
    var rows = [data.x].concat(data.series.map(function (item) { return item.values; }));
    holder.textContent = "";
    var plot = new uPlot(options(data, width), rows, holder);
    charts.push({ plot: plot, holder: holder });
  }

  function resize() {
    charts.forEach(function (chart) {
      var width = Math.max(chart.holder.clientWidth, 240);
      chart.plot.setSize({ width: width, height: width < 480 ? 200 : 260 });
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), draw);
    var timer = null;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(resize, 150);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
