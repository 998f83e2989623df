// The browser check's probe (tests/browser.rs). It is added as the first
// script of every page of a test build of the book, never to the book
// itself. It records what goes wrong while the page loads, then writes what
// it saw as JSON into <pre id="probe-result">, which Chromium's --dump-dom
// prints.
(function () {
  "use strict";
  var errors = [];
  // Capture phase: also sees a <script>, <img> or stylesheet that fails to load.
  window.addEventListener("error", function (event) {
    var target = event.target;
    if (target && target !== window && (target.src || target.href)) {
      errors.push("failed to load " + (target.src || target.href));
    } else {
      errors.push(event.message + " at " + event.filename + ":" + event.lineno);
    }
  }, true);
  window.addEventListener("unhandledrejection", function (event) {
    var reason = event.reason;
    errors.push("unhandled promise rejection: " + ((reason && reason.stack) || reason));
  });
  var consoleError = console.error;
  console.error = function () {
    errors.push("console.error: " + Array.prototype.join.call(arguments, " "));
    return consoleError.apply(console, arguments);
  };

  // book.js asks the Rust playground which crates it offers before it shows
  // a snippet's Run button. The test machine has no network: answer with the
  // playground crates the book may name, as the playground would.
  var playgroundCrates = [
    "anyhow", "crossbeam", "futures", "itertools", "parking_lot", "rand",
    "rayon", "regex", "serde", "serde_json", "tokio"
  ];
  var realFetch = window.fetch;
  window.fetch = function (url) {
    if (String(url).indexOf("play.rust-lang.org/meta/crates") >= 0) {
      var body = JSON.stringify({
        crates: playgroundCrates.map(function (id) {
          return { id: id, name: id, version: "1" };
        })
      });
      return Promise.resolve(new Response(body, {
        headers: { "Content-Type": "application/json" }
      }));
    }
    errors.push("fetch from the network: " + url);
    return realFetch.apply(this, arguments);
  };

  function report() {
    var result = { errors: errors, svgs: [], blocks: [] };
    var main = document.querySelector("main") || document.body;
    main.querySelectorAll("svg").forEach(function (svg) {
      if (svg.closest(".fa-svg")) {
        return; // an icon of mdBook's theme
      }
      var box = svg.getBoundingClientRect();
      var viewBox = svg.viewBox && svg.viewBox.baseVal;
      result.svgs.push({
        label: svg.getAttribute("aria-label") || "",
        width: box.width,
        height: box.height,
        view_box_width: viewBox ? viewBox.width : 0
      });
    });
    main.querySelectorAll("pre > code").forEach(function (code) {
      var button = code.parentElement.querySelector(".play-button");
      result.blocks.push({
        classes: code.className,
        start: code.textContent.trim().split("\n")[0].slice(0, 80),
        run_button: !!button && !button.hidden &&
          !button.classList.contains("hidden") && button.offsetParent !== null
      });
    });
    var out = document.createElement("pre");
    out.id = "probe-result";
    out.textContent = JSON.stringify(result);
    document.body.appendChild(out);
  }

  window.addEventListener("load", function () {
    // After book.js's promise callbacks (the Run buttons) have run.
    setTimeout(report, 1000);
  });
})();
