package live

// script runs in every page under serve. It listens to the event stream;
// a state with a newer generation than the page's reloads the page (unless
// it is the next generation and names the pages it changed, this one not
// among them), and a
// state with problems shows them in a panel over the page (the last good
// build), headed by the state's message if it has one, until a build
// succeeds. The panel is built with textContent: problem text is never
// read as HTML.
const script = `(function () {
  "use strict";
  var me = document.currentScript;
  var generation = Number(me && me.dataset.generation) || 0;
  var panel = null;
  function show(problems, message) {
    if (!problems.length && !message) {
      if (panel) { panel.remove(); panel = null; }
      return;
    }
    if (!panel) {
      panel = document.createElement("div");
      panel.id = "incidents-live-errors";
      panel.setAttribute("role", "alert");
      panel.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;" +
        "margin:0;padding:1em 1.5em;background:#fff4f4;color:#600;border-top:3px solid #c00;" +
        "font:14px/1.5 ui-monospace,monospace;box-shadow:0 -4px 16px rgba(0,0,0,.2)";
      document.body.appendChild(panel);
    }
    panel.textContent = "";
    var head = document.createElement("strong");
    head.textContent = message || "The content has errors; this is the last good build. Fix them and the page reloads.";
    panel.appendChild(head);
    var list = document.createElement("ul");
    list.style.cssText = "margin:.5em 0 0;padding-left:1.2em";
    problems.forEach(function (p) {
      var li = document.createElement("li");
      li.textContent = p.text;
      list.appendChild(li);
    });
    panel.appendChild(list);
  }
  if (!window.EventSource) return;
  var source = new EventSource("` + Path + `events");
  source.addEventListener("state", function (e) {
    var st = JSON.parse(e.data);
    var here = location.pathname.replace(/index\.html$/, "");
    if (st.generation === generation + 1 && st.paths && st.paths.indexOf(here) < 0) {
      generation = st.generation; // this page is as that build made it
    } else if (st.generation > generation) {
      source.close();
      location.reload();
      return;
    }
    show(st.problems, st.message);
  });
})();
`
