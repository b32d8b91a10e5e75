// The template's CloudWatch dashboard, drawn from the local runner's metrics.
// Widgets come from the dashboard body as the template declares it; nothing here names a metric.
(function () {
  "use strict";
  var PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
  var grid = document.getElementById("grid");
  var widgets = [];      // {el, def, plot, signature}
  var alarmStates = {};  // name -> state
  var faultsFilled = false;

  function alarmName(arnOrName) {
    var i = arnOrName.indexOf(":alarm:");
    return i >= 0 ? arnOrName.substring(i + 7) : arnOrName;
  }

  function query() {
    return "minutes=" + document.getElementById("minutes").value +
      "&period=" + document.getElementById("period").value;
  }

  function build(defs) {
    grid.textContent = "";
    widgets = defs.map(function (def, i) {
      var el = document.createElement("div");
      el.className = "widget widget-" + def.type;
      el.dataset.index = i;
      el.dataset.type = def.type;
      el.style.gridColumn = ((def.x || 0) + 1) + " / span " + (def.width || 6);
      el.style.gridRow = ((def.y || 0) + 1) + " / span " + (def.height || 6);
      var props = def.properties || {};
      var h = document.createElement("h3");
      h.textContent = props.title || (def.type === "text" ? "" : "untitled");
      el.dataset.title = props.title || "";
      el.appendChild(h);
      var body = document.createElement("div");
      body.className = def.type === "alarm" ? "alarms" : def.type === "text" ? "" : "chart";
      el.appendChild(body);
      grid.appendChild(el);
      return { el: el, body: body, def: def, plot: null, signature: "" };
    });
  }

  function thresholds(props, def) {
    var lines = [];
    (def.alarmAnnotations || []).forEach(function (a) {
      lines.push({ value: a.threshold, label: a.name,
        color: a.state === "ALARM" ? "#d13212" : a.state === "OK" ? "#1d8102" : "#879596" });
    });
    var ann = props.annotations || {};
    (ann.horizontal || []).forEach(function (a) {
      lines.push({ value: a.value, label: a.label || "", color: a.color || "#d13212" });
    });
    return lines;
  }

  function drawMetric(w, def) {
    var props = def.properties || {};
    var data = def.data;
    var view = props.view || "timeSeries";
    var points = 0;
    data.series.forEach(function (s) { s.values.forEach(function (v) { if (v !== null) points++; }); });
    w.el.dataset.points = points;
    w.el.dataset.series = data.series.length;
    if (view === "singleValue") {
      w.body.className = "single";
      w.body.textContent = "";
      data.series.forEach(function (s) {
        var last = null;
        s.values.forEach(function (v) { if (v !== null) last = v; });
        var d = document.createElement("div");
        d.textContent = last === null ? "–" : String(last);
        var l = document.createElement("small");
        l.textContent = s.label;
        d.appendChild(l);
        w.body.appendChild(d);
      });
      return;
    }
    var right = data.series.some(function (s) { return s.yAxis === "right"; });
    var signature = data.series.map(function (s) { return s.label + s.yAxis; }).join("|") + right +
      (def.alarmAnnotations || []).map(function (a) { return a.name + a.state; }).join("|");
    var rows = [data.timestamps].concat(data.series.map(function (s) { return s.values; }));
    var width = Math.max(100, w.body.clientWidth);
    var height = Math.max(60, w.body.clientHeight - 30);
    if (w.plot && w.signature === signature) {
      w.plot.setData(rows);
      return;
    }
    if (w.plot) { w.plot.destroy(); }
    var lines = thresholds(props, def);
    var opts = {
      width: width,
      height: height,
      legend: { show: true },
      scales: { x: { time: true }, y: { range: function (u, min, max) {
        var hi = Math.max(max || 0, 1);
        lines.forEach(function (l) { hi = Math.max(hi, l.value); });
        return [Math.min(0, min || 0), hi * 1.1];
      } } },
      series: [{}].concat(data.series.map(function (s, i) {
        return { label: s.label, stroke: s.color || PALETTE[i % PALETTE.length], width: 1.5,
          scale: s.yAxis === "right" ? "y2" : "y", spanGaps: false, points: { size: 4 } };
      })),
      axes: [{}, { scale: "y", size: 50 }].concat(right ? [{ scale: "y2", side: 1, grid: { show: false } }] : []),
      hooks: { draw: [function (u) {
        var ctx = u.ctx;
        lines.forEach(function (l) {
          var y = u.valToPos(l.value, "y", true);
          ctx.save();
          ctx.strokeStyle = l.color;
          ctx.setLineDash([6, 4]);
          ctx.beginPath();
          ctx.moveTo(u.bbox.left, y);
          ctx.lineTo(u.bbox.left + u.bbox.width, y);
          ctx.stroke();
          ctx.fillStyle = l.color;
          ctx.fillText(l.label + " " + l.value, u.bbox.left + 4, y - 4);
          ctx.restore();
        });
      }] }
    };
    w.plot = new uPlot(opts, rows, w.body);
    w.signature = signature;
  }

  function drawAlarms(w, def) {
    var names = ((def.properties || {}).alarms || []).map(alarmName);
    if (w.body.children.length === names.length) {
      // Same alarms: only their states change (the elements stay, for readers and tests).
      Array.prototype.forEach.call(w.body.children, function (s) {
        s.dataset.state = alarmStates[s.dataset.alarm] || "INSUFFICIENT_DATA";
      });
      return;
    }
    w.body.textContent = "";
    names.forEach(function (n) {
      var s = document.createElement("span");
      s.className = "alarm";
      s.dataset.alarm = n;
      s.dataset.state = alarmStates[n] || "INSUFFICIENT_DATA";
      s.textContent = n;
      w.body.appendChild(s);
    });
    w.el.dataset.points = names.length;
  }

  function drawText(w, def) {
    w.body.textContent = "";
    var pre = document.createElement("pre");
    pre.className = "text";
    pre.textContent = (def.properties || {}).markdown || "";
    w.body.appendChild(pre);
  }

  function fillFaults(faults) {
    var fs = document.getElementById("fault-function");
    var ts = document.getElementById("fault-table");
    if (!faultsFilled) {
      Object.keys(faults.functions).forEach(function (f) { fs.add(new Option(f, f)); });
      Object.keys(faults.tables).forEach(function (t) { ts.add(new Option(t, t)); });
      faultsFilled = true;
    }
    var active = [];
    Object.keys(faults.functions).forEach(function (f) {
      var x = faults.functions[f];
      if (x.failureRate > 0 || x.latencyMs > 0) {
        active.push(f + ": fails " + Math.round(x.failureRate * 100) + " %, +" + x.latencyMs + " ms");
      }
    });
    Object.keys(faults.tables).forEach(function (t) {
      var x = faults.tables[t];
      if (x.throttleRate > 0 || x.errorRate > 0) {
        active.push(t + ": throttles " + Math.round(x.throttleRate * 100) + " %, errors " +
          Math.round(x.errorRate * 100) + " %");
      }
    });
    var engine = document.getElementById("engine-fault");
    if (faults.engine && faults.engine.restartable) {
      engine.hidden = false;
      engine.dataset.running = String(faults.engine.running);
      engine.textContent = faults.engine.running ? "kill the DynamoDB engine" : "start the DynamoDB engine";
    }
    if (faults.engine && !faults.engine.running) {
      active.push("DynamoDB engine stopped");
    }
    document.getElementById("active-faults").textContent =
      active.length ? "active: " + active.join("; ") : "no faults";
  }

  function refresh() {
    return fetch("/_local/dashboard/data?" + query(), { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (d) {
        document.getElementById("dashboard-name").textContent = d.name;
        alarmStates = {};
        d.alarms.forEach(function (a) { alarmStates[a.name] = a.state; });
        var composite = d.alarms.filter(function (a) { return a.composite; });
        var health = document.getElementById("health");
        var worst = composite.length ? composite[0] : null;
        health.dataset.state = worst ? worst.state : "INSUFFICIENT_DATA";
        health.textContent = worst ? worst.name + ": " + worst.state : "no composite alarm";
        if (widgets.length !== (d.widgets || []).length) { build(d.widgets || []); }
        (d.widgets || []).forEach(function (def, i) {
          var w = widgets[i];
          w.def = def;
          if (def.type === "metric") { drawMetric(w, def); }
          else if (def.type === "alarm") { drawAlarms(w, def); }
          else if (def.type === "text") { drawText(w, def); }
        });
        fillFaults(d.faults);
        document.getElementById("updated").textContent =
          "updated " + new Date(d.now).toISOString().substring(11, 19) + " UTC";
        document.body.dataset.loaded = "true";
      })
      .catch(function (e) {
        document.getElementById("updated").textContent = "runner not reachable: " + e.message;
      });
  }

  function post(body) {
    return fetch("/_local/faults", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body) }).then(refresh);
  }

  document.getElementById("function-fault").addEventListener("submit", function (e) {
    e.preventDefault();
    post({ "function": document.getElementById("fault-function").value,
      failureRate: Number(document.getElementById("failure-rate").value),
      latencyMs: Number(document.getElementById("latency").value) });
  });
  document.getElementById("table-fault").addEventListener("submit", function (e) {
    e.preventDefault();
    post({ table: document.getElementById("fault-table").value,
      throttleRate: Number(document.getElementById("throttle-rate").value),
      errorRate: Number(document.getElementById("error-rate").value) });
  });
  document.getElementById("engine-fault").addEventListener("click", function (e) {
    post({ engine: e.target.dataset.running === "true" ? "stop" : "start" });
  });
  document.getElementById("clear-faults").addEventListener("click", function () {
    post({ clear: true });
  });
  ["minutes", "period"].forEach(function (id) {
    document.getElementById(id).addEventListener("change", refresh);
  });
  window.addEventListener("resize", function () {
    widgets.forEach(function (w) {
      if (w.plot) { w.plot.setSize({ width: w.body.clientWidth, height: Math.max(60, w.body.clientHeight - 30) }); }
    });
  });
  refresh();
  setInterval(refresh, 2000);
})();
