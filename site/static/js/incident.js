/* Incident media: each chosen file goes through the resumable endpoint (tus 1.0, with the
 * self-hosted tus-js-client), with a progress bar, pause and resume per file. A lost
 * connection is retried; a reload or a closed lid resumes from the last stored byte (the
 * client keeps the upload's address and this browser's secret in localStorage).
 * The secret (32 random bytes) is sent with every request: the server keeps the file key
 * only encrypted under it. Once a file is complete the server cleans it in the background
 * (POST <upload>/clean/, then a poll every 2 s, one request at a time: the proxy limits
 * requests per source); the form is sent when every file is ready. Without JavaScript the
 * form posts the files itself. */
(function () {
  "use strict";
  var form = document.getElementById("incident-form");
  if (!form || !window.tus || !window.crypto || !window.localStorage) return;
  var input = document.getElementById("id_media");
  var list = document.getElementById("incident-files");
  var statusLine = document.getElementById("incident-status");
  var appeal = form.dataset.appeal;
  var maxFiles = parseInt(form.dataset.maxFiles, 10);
  var maxBytes = parseInt(form.dataset.maxFileBytes, 10);
  var secretKey = "mw-incident-secret-" + appeal;
  var keepBox = document.getElementById("id_keep_when_where");
  var sendButton = document.getElementById("incident-send");
  var items = [];
  var polling = false;
  var sendWhenReady = false;

  function newSecret() {
    var bytes = new Uint8Array(32);
    window.crypto.getRandomValues(bytes);
    var text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  var secret = localStorage.getItem(secretKey);
  if (!secret) {
    secret = newSecret();
    localStorage.setItem(secretKey, secret);
  }

  function text(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_m, key) { return values[key]; });
  }

  function row(file) {
    var li = document.createElement("li");
    li.className = "tip-file";
    var name = document.createElement("span");
    name.className = "tip-file-name";
    name.textContent = file.name;
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    var state = document.createElement("span");
    state.className = "tip-file-state";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "tip-file-pause";
    button.textContent = form.dataset.msgPause;
    li.append(name, bar, state, button);
    list.appendChild(li);
    return { li: li, bar: bar, state: state, button: button };
  }

  function start(item) {
    item.upload.findPreviousUploads().then(function (previous) {
      if (previous.length) item.upload.resumeFromPreviousUpload(previous[0]);
      item.upload.start();
    });
  }

  function add(file) {
    var ui = row(file);
    var item = { file: file, ui: ui, done: false, paused: false, token: "" };
    if (items.length >= maxFiles) {
      ui.state.textContent = form.dataset.msgTooMany;
      ui.button.hidden = true;
      return;
    }
    if (file.size > maxBytes) {
      ui.state.textContent = form.dataset.msgTooLarge;
      ui.button.hidden = true;
      return;
    }
    items.push(item);
    item.upload = new window.tus.Upload(file, {
      endpoint: form.dataset.uploadUrl,
      chunkSize: parseInt(form.dataset.chunkBytes, 10) || 8 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000],
      headers: { "Upload-Secret": secret },
      metadata: { filename: file.name, appeal: appeal },
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: false,
      onProgress: function (sent, total) {
        var percent = total ? Math.floor((sent / total) * 100) : 0;
        ui.bar.value = percent;
        ui.state.textContent = text(form.dataset.msgProgress, { percent: percent });
      },
      onShouldRetry: function () {
        ui.state.textContent = form.dataset.msgRetrying;
        return true;
      },
      onError: function () {
        ui.state.textContent = form.dataset.msgFailed;
        item.paused = true;
        ui.button.textContent = form.dataset.msgResume;
      },
      onSuccess: function () {
        item.done = true;
        item.token = item.upload.url.replace(/\/+$/, "").split("/").pop();
        ui.bar.value = 100;
        ui.button.hidden = true;
        li_done(ui.li);
        askClean(item, "POST");
      },
    });
    ui.button.addEventListener("click", function () {
      if (item.clean === "refused") {
        remove(item);
      } else if (item.paused) {
        item.paused = false;
        ui.button.textContent = form.dataset.msgPause;
        start(item);
      } else {
        item.paused = true;
        item.upload.abort();
        ui.button.textContent = form.dataset.msgResume;
        ui.state.textContent = form.dataset.msgPaused;
      }
    });
    start(item);
  }

  function li_done(li) { li.classList.add("tip-file-done"); }

  input.addEventListener("change", function () {
    var files = Array.prototype.slice.call(input.files);
    input.value = "";  // the files travel by the resumable endpoint, not in the form body
    files.forEach(add);
  });

  /* Cleaning: "checking" until the server says "clean" (Ready) or "refused" (its message
   * and a Remove button). A file the server cannot answer for is left to the form, which
   * cleans what has no result itself. */
  function cleanUrl(item) {
    var query = "?keep=" + (keepBox.checked ? "1" : "0") + "&n=" + (items.indexOf(item) + 1);
    return item.upload.url.replace(/\/?$/, "/clean/") + query;
  }

  function showClean(item, answer) {
    var ui = item.ui;
    if (answer.state === "clean") {
      item.clean = "clean";
      ui.state.textContent = form.dataset.msgReady;
      ui.li.classList.add("tip-file-ready");
    } else if (answer.state === "refused") {
      item.clean = "refused";
      ui.state.textContent = answer.message;
      ui.li.classList.add("tip-file-refused");
      ui.button.textContent = form.dataset.msgRemove;
      ui.button.hidden = false;
    } else {
      item.clean = "checking";
      ui.state.textContent = form.dataset.msgChecking;
    }
    settle();
  }

  function askClean(item, method) {
    item.clean = "checking";
    item.ui.state.textContent = form.dataset.msgChecking;
    item.ui.li.classList.remove("tip-file-ready");
    return window.fetch(cleanUrl(item), {
      method: method, headers: { "Upload-Secret": secret }, credentials: "same-origin",
    }).then(function (response) {
      if (response.status >= 500) return { state: "checking" };  // try again at the next poll
      if (!response.ok) return { state: "unknown" };
      return response.json();
    }).then(function (answer) {
      if (answer.state === "unknown") {
        item.clean = "unknown";
        settle();
      } else {
        showClean(item, answer);
      }
    }, function () { /* offline for now: the next poll asks again */ }).then(schedulePoll);
  }

  function checking() {
    return items.filter(function (item) { return item.done && item.clean === "checking"; });
  }

  function schedulePoll() {
    if (polling || !checking().length) return;
    polling = true;
    window.setTimeout(function () {
      var queue = checking();
      (function next() {
        var item = queue.shift();
        if (!item) {
          polling = false;
          schedulePoll();
          return;
        }
        askClean(item, "GET").then(function () { window.setTimeout(next, 300); });
      })();
    }, 2000);
  }

  function remove(item) {
    items.splice(items.indexOf(item), 1);
    item.ui.li.remove();
    item.upload.abort(true).catch(function () { /* expires on its own */ });
    settle();
  }

  function settle() {
    if (!sendWhenReady) return;
    if (items.some(function (item) { return item.clean === "refused"; })) {
      sendWhenReady = false;
      sendButton.disabled = false;
      statusLine.textContent = form.dataset.msgRefused;
    } else if (items.every(function (item) { return item.done && item.clean !== "checking"; })) {
      sendWhenReady = false;
      send();
      form.submit();
    }
  }

  if (keepBox) {
    keepBox.addEventListener("change", function () {
      // The values are read when the file is cleaned: ask again with the new choice.
      items.forEach(function (item) {
        if (item.done && item.clean !== "refused") askClean(item, "POST");
      });
    });
  }

  function send() {
    document.getElementById("upload-tokens").value = items
      .map(function (item) { return item.token; }).join(" ");
    document.getElementById("upload-secret").value = secret;
    // Sent: forget the addresses and the secret on this device.
    items.forEach(function (item) {
      if (item.upload._urlStorageKey) window.tus.defaultOptions.urlStorage.removeUpload(item.upload._urlStorageKey);
    });
    localStorage.removeItem(secretKey);
  }

  form.addEventListener("submit", function (event) {
    var uploading = items.some(function (item) { return !item.done; });
    if (uploading) {
      event.preventDefault();
      statusLine.textContent = form.dataset.msgWait;
      return;
    }
    if (items.some(function (item) { return item.clean === "refused"; })) {
      event.preventDefault();
      statusLine.textContent = form.dataset.msgRefused;
      return;
    }
    if (items.some(function (item) { return item.clean === "checking"; })) {
      event.preventDefault();  // sent by settle() once every file is ready
      sendWhenReady = true;
      sendButton.disabled = true;
      statusLine.textContent = form.dataset.msgSendWhenReady;
      return;
    }
    send();
  });
})();
