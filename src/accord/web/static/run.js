// Monte Carlo batch with a live progress bar: POST /api/scenarios/{id}/montecarlo, then poll /api/jobs/{id}.
(function () {
  "use strict";
  var form = document.getElementById("mc-form");
  if (!form) return;
  var bar = document.getElementById("mc-progress"), status = document.getElementById("mc-status");
  var out = document.getElementById("mc-result"), button = document.getElementById("mc-button");
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]; }); }
  function num(x, d) { return x === null || x === undefined ? "–" : Number(x).toFixed(d === undefined ? 3 : d); }
  function deal(o) { return o ? Object.keys(o).map(function (k) { return esc(k) + " = " + esc(o[k]); }).join(", ") : "no agreement"; }
  function show(r) {
    var h = "<p>Agreement in <b>" + num(100 * r.agreement_rate, 1) + " %</b> of " + r.runs + " runs. Ends: " +
      Object.keys(r.ends).map(function (k) { return esc(k) + " " + r.ends[k]; }).join(", ") + ".</p>";
    Object.keys(r.utilities).forEach(function (p) {
      var u = r.utilities[p], top = Math.max.apply(null, u.counts) || 1;
      h += "<p><b>" + esc(p) + "</b>: mean " + num(u.mean) + " (" + (u.column.indexOf("realised") === 0 ? "after implementation" : "utility") + ")</p><div class='bars'>";
      u.counts.forEach(function (c, i) { h += "<div style='height:" + (100 * c / top) + "%' title='" + num(u.edges[i]) + "–" + num(u.edges[i + 1]) + ": " + c + "'></div>"; });
      h += "</div><p class='meta'>" + num(u.edges[0]) + " … " + num(u.edges[u.edges.length - 1]) + "</p>";
    });
    if (r.top_deals.length) {
      h += "<table class='data'><thead><tr><th>share</th><th>most frequent deals</th></tr></thead><tbody>";
      r.top_deals.forEach(function (d) { h += "<tr><td>" + num(100 * d.share, 1) + " %</td><td class='deal'>" + deal(d.outcome) + "</td></tr>"; });
      h += "</tbody></table>";
    }
    out.innerHTML = h;
  }
  function poll(id) {
    fetch("/api/jobs/" + encodeURIComponent(id)).then(function (r) { return r.json(); }).then(function (j) {
      bar.max = j.total || 1; bar.value = j.done;
      status.textContent = j.done + " / " + j.total + " runs (" + num(j.elapsed, 1) + " s)";
      if (j.status === "running") { setTimeout(function () { poll(id); }, 300); return; }
      button.disabled = false;
      if (j.status === "error") { status.textContent = j.error; status.className = "error"; return; }
      status.textContent = "done: " + j.total + " runs in " + num(j.elapsed, 1) + " s";
      show(j.result);
    }).catch(function (e) { status.textContent = String(e); button.disabled = false; });
  }
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var fd = new FormData(form), body = {runs: Number(fd.get("runs")), seed: Number(fd.get("seed"))};
    if (fd.get("variant")) body.variant = fd.get("variant");
    button.disabled = true; bar.hidden = false; bar.value = 0; out.innerHTML = ""; status.className = ""; status.textContent = "starting…";
    fetch("/api/scenarios/" + encodeURIComponent(form.dataset.scenario) + "/montecarlo", {
      method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)
    }).then(function (r) { return r.json().then(function (j) { return [r.status, j]; }); }).then(function (a) {
      if (a[0] >= 400) { status.textContent = (a[1].error && a[1].error.message) || JSON.stringify(a[1]); status.className = "error"; button.disabled = false; return; }
      poll(a[1].id);
    });
  });
})();
