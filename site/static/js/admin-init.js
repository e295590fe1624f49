/* Wagtail admin under a strict CSP (no 'unsafe-inline', no 'unsafe-eval' for scripts).
 *
 * Wagtail renders a few widgets and panels with an inline <script> that calls a global
 * initialiser (e.g. `new InlinePanel({...})`, `new ImageChooser(id, {...})`,
 * `initDateChooser(id, {...})`). The project's template overrides and the chooser patch
 * (mostwanted/admin_csp.py, docs/admin-csp.md) render an inert carrier instead:
 *
 *   <template data-mw-init="ImageChooser" data-mw-id="id_photos-0-image"
 *             data-mw-options='{"modalUrl": "/admin/images/chooser/"}'></template>
 *
 * This file calls the named initialiser for every carrier, in document order, when it enters
 * the document: while the page is parsed, and later when Wagtail inserts HTML (a form added
 * to an InlinePanel, a chooser modal). Only initialisers in ALLOWED can be called, so a
 * carrier can never name an arbitrary function. It also answers Jcrop's touch probe (below).
 */
(function () {
  "use strict";

  // name -> true when called with `new`, false for a plain function.
  var ALLOWED = {
    InlinePanel: true,
    MultipleChooserPanel: true,
    ImageChooser: true,
    DocumentChooser: true,
    SnippetChooser: true,
    PageChooser: true,
    initDateChooser: false,
    initDateTimeChooser: false,
    initTimeChooser: false,
    createTaskChooser: false,
  };
  var SELECTOR = "template[data-mw-init]";

  function run(carrier) {
    var name = carrier.getAttribute("data-mw-init");
    carrier.removeAttribute("data-mw-init"); // never twice
    if (!Object.prototype.hasOwnProperty.call(ALLOWED, name)) {
      throw new Error("admin-init: initialiser not allowed: " + name);
    }
    var fn = window[name];
    if (typeof fn !== "function") {
      throw new Error("admin-init: initialiser not loaded: " + name);
    }
    var args = [];
    if (carrier.hasAttribute("data-mw-id")) {
      args.push(carrier.getAttribute("data-mw-id"));
    }
    if (carrier.hasAttribute("data-mw-options")) {
      args.push(JSON.parse(carrier.getAttribute("data-mw-options")));
    }
    if (ALLOWED[name]) {
      return Reflect.construct(fn, args);
    }
    return fn.apply(window, args);
  }

  function runAll(root) {
    var carriers = [];
    if (root.nodeType !== 1) {
      return;
    }
    if (root.matches(SELECTOR)) {
      carriers.push(root);
    }
    carriers.push.apply(carriers, root.querySelectorAll(SELECTOR));
    carriers.forEach(function (carrier) {
      try {
        run(carrier);
      } catch (error) {
        // One broken widget must not stop the others; the console shows it (and the
        // browser tests fail on it).
        window.setTimeout(function () {
          throw error;
        });
      }
    });
  }

  new MutationObserver(function (records) {
    records.forEach(function (record) {
      record.addedNodes.forEach(runAll);
    });
  }).observe(document.documentElement, { childList: true, subtree: true });

  // Carriers parsed before this file ran (none in Wagtail's layout, but cheap to be sure).
  if (document.body) {
    runAll(document.body);
  }
  document.addEventListener("DOMContentLoaded", function () {
    runAll(document.body);
    // Jcrop (the image focal-point editor) probes touch support by setting an inline
    // "ontouchstart" attribute on a scratch element, which the CSP reports as a blocked
    // handler. Give it the answer instead (before jQuery's ready handlers, which run after).
    var jq = window.jQuery;
    if (jq && jq.Jcrop && jq.Jcrop.defaults && jq.Jcrop.defaults.touchSupport === null) {
      jq.Jcrop.defaults.touchSupport = "ontouchstart" in window;
    }
  });
})();
