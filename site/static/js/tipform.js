/* Tip form enhancements. Everything works without this file (Tor Browser "Safest").
 * - character counters on text areas with a maxlength
 * - size, count and type checks on photos before anything is sent
 * - upload progress bar (XHR); on any XHR trouble the form is submitted normally
 * - a print button on the receipt page
 * Messages come translated from data-* attributes on the form; nothing is inline. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var ACCEPTED = /^image\/(jpeg|png|webp|heic|heif)$/;
  var ACCEPTED_EXT = /\.(jpe?g|png|webp|heic|heif)$/i;

  function fmt(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (m, k) {
      return Object.prototype.hasOwnProperty.call(values, k) ? values[k] : m;
    });
  }

  function setupCounters(form) {
    var areas = form.querySelectorAll("textarea[maxlength]");
    Array.prototype.forEach.call(areas, function (area) {
      var max = parseInt(area.getAttribute("maxlength"), 10);
      if (!max) { return; }
      var counter = document.createElement("p");
      counter.className = "tip-counter";
      counter.setAttribute("aria-live", "polite");
      area.parentNode.insertBefore(counter, area.nextSibling);
      var update = function () {
        var left = max - area.value.length;
        counter.textContent = fmt(form.dataset.msgCounter, { used: area.value.length, max: max, left: left });
        counter.classList.toggle("is-near", left < max * 0.1);
      };
      area.addEventListener("input", update);
      update();
    });
  }

  function checkFiles(form, input) {
    var list = document.getElementById("tip-file-problems");
    var maxFiles = parseInt(form.dataset.maxFiles, 10);
    var maxBytes = parseInt(form.dataset.maxFileBytes, 10);
    var maxTotal = parseInt(form.dataset.maxTotalBytes, 10);
    var problems = [];
    var total = 0;
    var files = input.files || [];
    if (files.length > maxFiles) {
      // One message for the whole choice: the real limit and what to do. The text fields
      // are untouched; only the photo choice has to be made again.
      problems.push(fmt(form.dataset.msgTooMany, { count: files.length, max: maxFiles }));
    }
    Array.prototype.forEach.call(files, function (file) {
      total += file.size;
      var typeOk = ACCEPTED.test(file.type) || ACCEPTED_EXT.test(file.name);
      if (!typeOk) {
        problems.push(fmt(form.dataset.msgType, { name: file.name }));
      } else if (file.size > maxBytes) {
        problems.push(fmt(form.dataset.msgTooLarge, { name: file.name }));
      }
    });
    if (total > maxTotal && !problems.length) {
      problems.push(fmt(form.dataset.msgTotal, { name: (input.files[input.files.length - 1] || {}).name || "" }));
    }
    if (list) {
      list.textContent = "";
      problems.forEach(function (text) {
        var li = document.createElement("li");
        li.textContent = text;
        list.appendChild(li);
      });
    }
    input.setCustomValidity(problems.length ? problems[0] : "");
    return problems.length === 0;
  }

  function setupUpload(form) {
    var input = form.querySelector("input[type=file]");
    var progress = document.getElementById("tip-progress");
    var label = document.getElementById("tip-progress-label");
    var sending = false;
    if (input) {
      input.addEventListener("change", function () { checkFiles(form, input); });
    }
    form.addEventListener("submit", function (event) {
      if (input && !checkFiles(form, input)) {
        event.preventDefault();
        input.reportValidity && input.reportValidity();
        return;
      }
      if (sending) { event.preventDefault(); return; }
      var hasFiles = input && input.files && input.files.length > 0;
      if (!hasFiles || !window.XMLHttpRequest || !window.FormData || !progress) {
        return; // plain submit: the browser shows the answer page itself
      }
      event.preventDefault();
      sending = true;
      var xhr = new XMLHttpRequest();
      var fallback = function () {
        // Anything unexpected: let the browser send the form the ordinary way.
        sending = true;
        HTMLFormElement.prototype.submit.call(form);
      };
      xhr.open("POST", form.action || window.location.href);
      xhr.responseType = "document";
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          progress.value = Math.round((e.loaded / e.total) * 100);
          label.textContent = fmt(form.dataset.msgUploading, { percent: progress.value });
        }
      });
      xhr.addEventListener("load", function () {
        var doc = xhr.response;
        if (!doc || !doc.documentElement) { sending = false; fallback(); return; }
        // Show the server's answer (receipt or form with messages) as a full page.
        document.documentElement.replaceWith(document.adoptNode(doc.documentElement));
        var script = document.createElement("script");
        script.src = currentScriptSrc;
        document.body.appendChild(script);
        window.scrollTo(0, 0);
      });
      xhr.addEventListener("error", function () {
        progress.hidden = true;
        label.textContent = form.dataset.msgFailed;
        sending = false;
        fallback();
      });
      progress.hidden = false;
      progress.value = 0;
      xhr.send(new FormData(form));
    });
  }

  function setupPrint() {
    var button = document.getElementById("tip-print");
    if (!button) { return; }
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  }

  var currentScriptSrc = (document.currentScript && document.currentScript.src) || "";

  function init() {
    var form = document.getElementById("tip-form");
    if (form) {
      setupCounters(form);
      setupUpload(form);
    }
    setupPrint();
    var errors = document.getElementById("tip-errors");
    if (errors) { errors.focus(); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
