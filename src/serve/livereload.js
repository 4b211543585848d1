// TrustAtlas dev server: reloads the page after each rebuild. Served only by
// `trustatlas serve` (never part of a built site), as an external file so the site's strict
// Content-Security-Policy (script-src 'self') still holds.
(function () {
  "use strict";
  var script = document.currentScript;
  var state = script ? script.getAttribute("data-state") : null;

  // Escape hides the build-error overlay, to look at the last good page underneath.
  document.addEventListener("keydown", function (event) {
    var overlay = document.getElementById("trustatlas-overlay");
    if (event.key === "Escape" && overlay) {
      overlay.hidden = true;
    }
  });

  if (!window.EventSource) {
    return;
  }
  // A relative URL: works whatever host or port the page was opened under.
  var source = new EventSource("/__livereload");
  // Every message carries the server's current state; the first one tells a page that
  // missed a rebuild (or was restored from the back-forward cache) that it is stale.
  source.onmessage = function (event) {
    if (event.data !== state) {
      window.location.reload();
    }
  };
  // Only a stylesheet changed: swap it in place, keeping scroll position and form input.
  // Data: "<new state> <old href> <new href> [<old href> <new href> ...]".
  source.addEventListener("css", function (event) {
    var parts = event.data.split(" ");
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    var swapped = false;
    for (var i = 1; i + 1 < parts.length; i += 2) {
      for (var j = 0; j < links.length; j++) {
        if (links[j].getAttribute("href") === parts[i]) {
          links[j].setAttribute("href", parts[i + 1]);
          swapped = true;
        }
      }
    }
    if (swapped) {
      state = parts[0];
    } else {
      window.location.reload();
    }
  });
})();
