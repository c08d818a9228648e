// The alert queue, live: new alerts arrive over Server-Sent Events.
(function () {
  "use strict";
  var table = document.getElementById("alert-queue");
  var banner = document.getElementById("new-alert");
  if (!table || !window.EventSource) { return; }

  function beep() {
    try {
      var audio = new (window.AudioContext || window.webkitAudioContext)();
      var tone = audio.createOscillator();
      tone.frequency.value = 880;
      tone.connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.3);
    } catch (e) { /* no sound device: the banner still shows */ }
  }

  function cell(text) {
    var td = document.createElement("td");
    td.textContent = text;
    return td;
  }

  function show(alert) {
    var body = table.tBodies[0];
    var empty = body.querySelector("tr.none");
    if (empty) { empty.remove(); }
    var row = document.createElement("tr");
    row.className = "fresh";
    var plate = cell(alert.plate);
    plate.className = "plate";
    row.append(plate, cell(alert.list), cell(alert.possible ? "possible match" : "exact"),
               cell(new Date().toLocaleTimeString()), cell("New"));
    var open = document.createElement("a");
    open.href = alert.url;
    open.textContent = "Open";
    var link = document.createElement("td");
    link.append(open);
    row.append(link);
    body.prepend(row);
    banner.textContent = "New alert: " + alert.plate + " on " + alert.list + ". " + alert.verify;
    banner.hidden = false;
    beep();
  }

  var source = new EventSource(table.dataset.stream);
  source.addEventListener("alert", function (event) { show(JSON.parse(event.data)); });
  source.addEventListener("ended", function () { source.close(); window.location.reload(); });
})();
