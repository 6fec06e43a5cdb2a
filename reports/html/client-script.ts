/**
 * The in-page script: reads the chart specs embedded as JSON and draws each with the inlined uPlot.
 * It marks each drawn container with data-drawn="1" (the browser test reads it) and reports a
 * failure with console.error and a message in place of the chart.
 */
export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var specs = JSON.parse(document.getElementById('lobsim-charts').textContent);
  function pct(x) {
    if (x == null) return '';
    var p = (1 - 1 / x) * 100;
    if (p <= 0) return '0%';
    var digits = Math.max(0, Math.min(6, Math.ceil(-Math.log10(100 - p)) + 1));
    var text = p.toFixed(digits);
    return (text.indexOf('.') >= 0 ? text.replace(/\.?0+$/, '') : text) + '%';
  }
  function num(v) {
    if (v == null) return '-';
    var a = Math.abs(v);
    if (a >= 1e6) return (v / 1e6).toFixed(a >= 1e7 ? 0 : 1) + 'M';
    if (a >= 1e3) return (v / 1e3).toFixed(a >= 1e4 ? 0 : 1) + 'k';
    return String(Math.round(v * 100) / 100);
  }
  // Ticks at p0, p50, p90, p99, p99.9, ...: x = 1, 2, 10, 100, 1000, ...
  function percentileSplits(u, axisIdx, min, max) {
    var out = [];
    for (var v = 1; v <= max * 1.0001; v *= 10) { if (v >= min) out.push(v); if (v === 1 && 2 >= min && 2 <= max) out.push(2); }
    return out;
  }
  function xAxisOpts(spec) {
    var axis = { label: spec.xLabel, values: function (u, splits) { return splits.map(function (v) { return spec.xAxis === 'percentile' ? pct(v) : num(v); }); } };
    if (spec.xAxis === 'percentile') {
      axis.splits = percentileSplits;
      // uPlot's log axes keep only powers of the base by default; keep the p50 tick too.
      axis.filter = function (u, splits) { return splits; };
    }
    return axis;
  }
  function draw(spec) {
    var el = document.getElementById(spec.id);
    var width = Math.max(320, Math.min(1100, el.clientWidth || 900));
    var series = [{ label: spec.xLabel, value: function (u, v) { return spec.xAxis === 'percentile' ? pct(v) : num(v); } }];
    spec.series.forEach(function (s) {
      var one = { label: s.label, stroke: s.color, width: 1.5, spanGaps: !!s.spanGaps, points: { show: false }, value: function (u, v) { return num(v); } };
      if (s.dash) one.dash = s.dash;
      if (s.pointsOnly) { one.paths = function () { return null; }; one.points = { show: true, size: 7, fill: s.color }; }
      if (s.stepped && uPlot.paths && uPlot.paths.stepped) one.paths = uPlot.paths.stepped({ align: 1 });
      series.push(one);
    });
    var opts = {
      title: spec.title,
      width: width,
      height: 300,
      series: series,
      scales: {
        x: spec.xAxis === 'percentile' ? { time: false, distr: 3 } : { time: false },
        y: spec.yLog ? { distr: 3 } : {},
      },
      axes: [
        xAxisOpts(spec),
        { label: spec.yLabel, size: 60, values: function (u, splits) { return splits.map(num); } },
      ],
      legend: { live: true },
    };
    var data = [spec.x].concat(spec.series.map(function (s) { return s.values; }));
    new uPlot(opts, data, el);
    el.setAttribute('data-drawn', '1');
  }
  specs.forEach(function (spec) {
    try { draw(spec); } catch (error) {
      console.error('lobsim chart ' + spec.id + ' failed: ' + error.message);
      var el = document.getElementById(spec.id);
      if (el) el.textContent = 'chart failed: ' + error.message;
    }
  });
})();
`;
