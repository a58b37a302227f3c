/* The live wall in the page: rotate the panels, apply pushed panels, and never freeze.
   The watchdog reconnects when nothing (not even a heartbeat) arrived for 2.5 heartbeats, and
   reloads once the server answers again after a failed reconnect (a restart may bring new code). */
(function () {
  "use strict";
  var body = document.body;
  var stream = body.dataset.stream, version = body.dataset.version, build = body.dataset.build;
  var rotate = Number(body.dataset.rotate) * 1000, heartbeat = Number(body.dataset.heartbeat) * 1000;
  var status = document.getElementById("status"), clock = document.getElementById("clock");
  var source = null, lastHeard = Date.now(), failures = 0, current = 0;

  function panels() { return Array.prototype.slice.call(document.querySelectorAll(".stage .panel")); }
  function show(index) {
    var all = panels().filter(function (p) { return p.textContent.trim() !== ""; });
    if (!all.length) return;
    current = index % all.length;
    panels().forEach(function (p) { p.classList.toggle("on", p === all[current]); });
  }
  var hours = new Intl.DateTimeFormat(document.documentElement.lang, {
    hour: "2-digit", minute: "2-digit", timeZone: body.dataset.tz || undefined });
  function tick() { clock.textContent = hours.format(new Date()); }
  function apply(message) {
    var data = JSON.parse(message.data);
    Object.keys(data.panels).forEach(function (name) {
      var node = document.querySelector('[data-panel="' + name + '"]');
      if (node) node.innerHTML = data.panels[name];
    });
    version = data.v;
    body.dataset.version = version;
    show(current);
  }
  function heard() { lastHeard = Date.now(); failures = 0; status.hidden = true; }
  function connect() {
    if (source) source.close();
    source = new EventSource(stream + (stream.indexOf("?") < 0 ? "?" : "&") + "last=" + encodeURIComponent(version));
    source.addEventListener("wall", function (message) { heard(); apply(message); });
    source.addEventListener("ping", function (message) {
      heard();
      var info = JSON.parse(message.data);
      if (info.build && info.build !== build) location.reload();
    });
    source.onopen = heard;
    source.onerror = function () { status.hidden = false; };
  }
  function recoverOrReload() {
    // Reload only when the server answers: a reload against a dead server would leave an error page.
    fetch(body.dataset.health, { cache: "no-store" }).then(function (r) {
      if (r.ok) location.reload();
    }).catch(function () {});
  }
  function watchdog() {
    var silent = Date.now() - lastHeard;
    if (silent > heartbeat * 2.5) {
      status.hidden = false;
      failures += 1;
      if (failures > 1) recoverOrReload(); else connect();
      lastHeard = Date.now() - heartbeat;  // next check in about 1.5 heartbeats
    }
  }
  tick(); show(0); connect();
  setInterval(tick, 10000);
  setInterval(function () { if (window.innerWidth > 720) show(current + 1); }, rotate);
  setInterval(watchdog, Math.min(heartbeat / 2, 5000));
})();
