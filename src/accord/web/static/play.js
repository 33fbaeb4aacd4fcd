// Play against the machine: the game lives on the server (/api/games); this script builds offers, shows their
// value to the player (POST /api/games/{id}/value), sends moves and draws the state and the final analysis.
(function () {
  "use strict";
  var setup = document.getElementById("setup"), sid = setup.dataset.scenario, game = null;
  var $ = function (id) { return document.getElementById(id); };
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]; }); }
  function num(x, d) { return x === null || x === undefined ? "–" : Number(x).toFixed(d === undefined ? 3 : d); }
  function deal(o) { return o ? Object.keys(o).map(function (k) { return esc(k) + " = " + esc(o[k]); }).join(", ") : "no agreement"; }
  function call(method, url, body) {
    return fetch(url, {method: method, headers: {"Content-Type": "application/json"}, body: body ? JSON.stringify(body) : undefined})
      .then(function (r) { return r.json().then(function (j) { if (r.status >= 400) throw new Error((j.error && j.error.message) || r.statusText); return j; }); });
  }
  function offer() {
    var o = {};
    document.querySelectorAll("select.issue").forEach(function (s) { o[s.dataset.issue] = s.value; });
    return o;
  }
  function setOffer(o) {
    document.querySelectorAll("select.issue").forEach(function (s) { if (o[s.dataset.issue] !== undefined) s.value = String(o[s.dataset.issue]); });
  }
  function showError(el, e) { el.hidden = !e; el.textContent = e ? String(e.message || e) : ""; }
  function value() {
    if (!game) return;
    call("POST", "/api/games/" + game.id + "/value", {outcome: offer()}).then(function (v) {
      $("offer-value").textContent = num(v.value);
      var bar = $("offer-bar");
      bar.style.width = Math.max(0, Math.min(100, 100 * v.value)) + "%";
      bar.className = v.value < v.reservation ? "below" : "";
      $("walk-mark").style.left = Math.max(0, Math.min(100, 100 * v.reservation)) + "%";
      $("offer-note").textContent = (v.value < v.reservation ? "below your walk-away value " : "your walk-away value ") + num(v.reservation) +
        (v.allowed ? "" : " · breaks one of your red lines: you cannot send it");
      $("send").disabled = !v.allowed || game.status !== "your_turn";
    }).catch(function (e) { $("offer-note").textContent = e.message; });
  }
  function render(g) {
    game = g;
    var over = g.status !== "your_turn";
    $("game").hidden = false;
    $("game-status").textContent = over ? ({agreement: "Agreement", walk_away: "Talks ended: " + (g.result && g.result.walked_away_by === g.party ? "you walked away" : "the other side walked away"), deadline: "Deadline reached without agreement", error: "The game failed"}[g.status] || g.status)
      : "Round " + (g.round + 1) + " of " + g.rounds + " — your move (you are " + g.party + ")";
    $("standing").innerHTML = g.standing ? "<b>" + esc(g.standing.by) + "</b> offers: <span class='deal'>" + deal(g.standing.outcome) + "</span><br>worth to you: <b id='standing-value'>" + num(g.standing.value) + "</b>" + (g.standing.value < g.reservation ? " <span class='lose'>(below your walk-away value " + num(g.reservation) + ")</span>" : "") : "nothing yet: make the first offer";
    var rows = g.history.map(function (h) { return "<tr><td>" + (h.round + 1) + "</td><td>" + esc(h.party) + "</td><td>" + esc(h.action) + "</td><td>" + num(h.value) + "</td><td class='deal'>" + (h.outcome ? deal(h.outcome) : "") + "</td></tr>"; });
    document.querySelector("#history tbody").innerHTML = rows.join("");
    $("accept").disabled = over || !g.can_accept;
    $("walk").disabled = over; $("send").disabled = over;
    document.querySelectorAll("select.issue").forEach(function (s) { s.disabled = over; });
    if (over) end(g); else value();
  }
  function end(g) {
    var r = g.result, el = $("end"), h = "<h3>Result</h3>";
    el.hidden = false;
    if (!r) { el.innerHTML = "<p class='error'>" + esc(g.error || "") + "</p>"; return; }
    h += "<p id='end-outcome'>" + (r.agreement ? "Deal: <span class='deal'>" + deal(r.outcome) + "</span>" : "No agreement: everyone gets its walk-away value.") + "</p>";
    h += "<table class='data' id='end-table'><thead><tr><th></th>" + Object.keys(r.utilities).map(function (p) { return "<th>" + esc(p) + (p === g.party ? " (you)" : "") + "</th>"; }).join("") + "</tr></thead><tbody>";
    h += "<tr><th>utility</th>" + Object.keys(r.utilities).map(function (p) { return "<td>" + num(r.utilities[p]) + "</td>"; }).join("") + "</tr>";
    h += "<tr><th>walk-away</th>" + Object.keys(r.utilities).map(function (p) { return "<td>" + num(r.reservations[p]) + "</td>"; }).join("") + "</tr>";
    [["nash", "Nash"], ["kalai_smorodinsky", "Kalai–Smorodinsky"]].forEach(function (k) {
      var s = r.solutions[k[0]];
      if (s) h += "<tr><th>" + k[1] + "</th>" + Object.keys(r.utilities).map(function (p) { return "<td>" + num(s.utilities[p]) + "</td>"; }).join("") + "</tr>";
    });
    h += "</tbody></table>";
    if (r.agreement) {
      h += "<p id='end-distances'>Distance to the Pareto frontier <b>" + num(r.distances.pareto) + "</b>" + (r.distances.pareto === 0 ? " (no deal gives both sides more)" : "") +
        ", to the Nash solution <b>" + num(r.distances.nash) + "</b>, to Kalai–Smorodinsky " + num(r.distances.kalai_smorodinsky) + ".</p>";
    }
    if (r.implementation_available) h += "<div id='implementation'><p>Simulating the implementation of the deal…</p></div>";
    h += "<p><a class='button' href=''>Play again</a> <a class='button alt' href='/scenarios/" + encodeURIComponent(sid) + "'>Back to the scenario</a></p>";
    el.innerHTML = h;
    if (r.implementation_available) {
      call("POST", "/api/scenarios/" + encodeURIComponent(sid) + "/implement", {deal: r.outcome, runs: 1000, seed: 0}).then(function (im) {
        var s = im.simulated, t = "<h3>If the deal were implemented</h3><p>Steps: " + im.steps.map(esc).join(" → ") + ".</p><table class='data'><thead><tr><th></th>" +
          Object.keys(s.realised_utilities).map(function (p) { return "<th>" + esc(p) + "</th>"; }).join("") + "</tr></thead><tbody><tr><th>utility after implementation</th>" +
          Object.keys(s.realised_utilities).map(function (p) { return "<td>" + num(s.realised_utilities[p]) + "</td>"; }).join("") + "</tr><tr><th>cheats</th>" +
          Object.keys(s.cheating_rate).map(function (p) { return "<td>" + num(100 * s.cheating_rate[p], 1) + " %</td>"; }).join("") + "</tr><tr><th>caught</th>" +
          Object.keys(s.caught_rate).map(function (p) { return "<td>" + num(100 * s.caught_rate[p], 1) + " %</td>"; }).join("") + "</tr></tbody></table>" +
          "<p>Completed in " + num(100 * s.completed_rate, 1) + " % of " + im.runs + " simulated runs" + (s.threat_reduction_mean !== null ? "; threat reduced by " + num(100 * s.threat_reduction_mean, 1) + " % on average" : "") + ".</p>";
        $("implementation").innerHTML = t;
      }).catch(function (e) { $("implementation").innerHTML = "<p class='error'>" + esc(e.message) + "</p>"; });
    }
  }
  function move(kind) {
    var body = {move: kind};
    if (kind === "offer") body.outcome = offer();
    ["send", "accept", "walk"].forEach(function (b) { $(b).disabled = true; });
    call("POST", "/api/games/" + game.id + "/move", body).then(function (g) { showError($("move-error"), null); render(g); })
      .catch(function (e) { showError($("move-error"), e); render(game); });
  }
  setup.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var fd = new FormData(setup), body = {scenario: sid, party: fd.get("party"), seed: Number(fd.get("seed") || 0)};
    if (fd.get("opponent")) body.opponent = fd.get("opponent");
    if (fd.get("rounds")) body.rounds = Number(fd.get("rounds"));
    if (fd.get("group")) body.group = fd.get("group");
    call("POST", "/api/games", body).then(function (g) {
      showError($("setup-error"), null); $("end").hidden = true; setup.hidden = true;
      history.replaceState(null, "", "?game=" + encodeURIComponent(g.id));  // a reload (or a restart) resumes it
      if (g.standing) setOffer(g.standing.outcome);
      render(g);
    }).catch(function (e) { showError($("setup-error"), e); });
  });
  var resume = new URLSearchParams(location.search).get("game");
  if (resume) {
    call("GET", "/api/games/" + encodeURIComponent(resume)).then(function (g) {
      setup.hidden = true; if (g.standing) setOffer(g.standing.outcome); render(g);
    }).catch(function (e) { showError($("setup-error"), e); });
  }
  document.querySelectorAll("select.issue").forEach(function (s) { s.addEventListener("change", value); });
  $("send").addEventListener("click", function () { move("offer"); });
  $("accept").addEventListener("click", function () { move("accept"); });
  $("walk").addEventListener("click", function () { move("walk"); });
})();
