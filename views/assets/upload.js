// Upload page enhancement: files by picker or drop, per-file caption/credit fields that can be
// filled once for all, one request per file to POST /api/images with real progress, and a
// per-file result. Without this script the form posts to /upload and works all the same.
// Every piece of user or server text goes into the page with textContent, never as HTML.
(function () {
  'use strict';
  document.documentElement.classList.add('js');

  var form = document.getElementById('upload-form');
  var input = document.getElementById('u-files');
  var zone = document.getElementById('dropzone');
  var listBox = document.getElementById('file-list');
  var items = document.getElementById('file-items');
  var count = document.getElementById('file-count');
  var applyAll = document.getElementById('apply-all');
  var summary = document.getElementById('upload-summary');
  var submit = document.getElementById('upload-submit');
  if (!form || !input || !items) return;

  var PER_FILE = [
    { name: 'printedLine', label: 'Printed line', type: 'text', wide: true },
    { name: 'caption', label: 'Caption', type: 'textarea', wide: true },
    { name: 'credit', label: 'Credit', type: 'text' },
    { name: 'sourceUrl', label: 'Source URL', type: 'url' },
  ];
  var CONCURRENCY = 2;
  var entries = [];
  var nextId = 1;
  var running = false;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function formatSize(bytes) {
    if (bytes < 1024) return bytes + ' B';
    if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(0) + ' KB';
    return (bytes / (1024 * 1024)).toFixed(1) + ' MB';
  }

  function sharedValue(name) {
    var field = form.querySelector('[data-shared="' + name + '"]');
    return field ? field.value.trim() : '';
  }

  function refreshCounts() {
    listBox.hidden = entries.length === 0;
    var done = entries.filter(function (e) { return e.state === 'done'; }).length;
    count.textContent = '(' + entries.length + (done ? ', ' + done + ' uploaded' : '') + ')';
    applyAll.disabled = !entries.some(function (e) { return e.state !== 'done'; });
  }

  function setProgress(entry, percent, label) {
    entry.progress.value = Math.max(0, Math.min(100, percent));
    entry.progressLabel.textContent = label;
  }

  function addEntry(file) {
    var id = nextId++;
    var entry = { id: id, file: file, state: 'pending', fields: {} };
    var li = el('li', 'file-item');
    li.dataset.fileName = file.name;

    var preview = el('div', 'thumb-box file-item__preview');
    if (/^image\/(jpeg|png|webp|gif|avif)$/.test(file.type)) {
      var img = el('img');
      img.alt = '';
      img.src = URL.createObjectURL(file);
      img.addEventListener('load', function () { URL.revokeObjectURL(img.src); });
      // A file named .jpg that is not one: no broken-image icon, just the words.
      img.addEventListener('error', function () {
        URL.revokeObjectURL(img.src);
        preview.replaceChildren(el('span', 'thumb-box__missing', 'No preview'));
      });
      preview.appendChild(img);
    } else {
      preview.appendChild(el('span', 'thumb-box__missing', 'No preview'));
    }
    li.appendChild(preview);

    var body = el('div', 'file-item__body');
    var head = el('div', 'file-item__head');
    head.appendChild(el('span', 'file-item__name', file.name));
    var meta = el('span', 'muted num', formatSize(file.size));
    head.appendChild(meta);
    var remove = el('button', 'button button--quiet', 'Remove');
    remove.type = 'button';
    remove.setAttribute('aria-label', 'Remove ' + file.name);
    remove.addEventListener('click', function () {
      entries = entries.filter(function (e) { return e !== entry; });
      li.remove();
      refreshCounts();
      input.focus();
    });
    head.appendChild(remove);
    entry.remove = remove;
    body.appendChild(head);

    var grid = el('div', 'form-grid');
    PER_FILE.forEach(function (spec) {
      var wrap = el('div', 'field' + (spec.wide ? ' field--wide' : ''));
      var fieldId = 'file-' + id + '-' + spec.name;
      var label = el('label', '', spec.label);
      label.htmlFor = fieldId;
      var control = spec.type === 'textarea' ? el('textarea') : el('input');
      if (spec.type === 'textarea') control.rows = 2;
      else control.type = spec.type;
      control.id = fieldId;
      control.dataset.field = spec.name;
      control.value = sharedValue(spec.name);
      wrap.appendChild(label);
      wrap.appendChild(control);
      grid.appendChild(wrap);
      entry.fields[spec.name] = control;
    });
    body.appendChild(grid);

    var row = el('div', 'progress-row');
    var progressId = 'file-' + id + '-progress';
    var progressLabel = el('label', '', 'Ready');
    progressLabel.htmlFor = progressId;
    var progress = el('progress');
    progress.id = progressId;
    progress.max = 100;
    progress.value = 0;
    row.appendChild(progressLabel);
    row.appendChild(progress);
    body.appendChild(row);

    var result = el('p', 'file-item__result');
    result.setAttribute('role', 'status');
    body.appendChild(result);

    li.appendChild(body);
    items.appendChild(li);
    entry.li = li;
    entry.progress = progress;
    entry.progressLabel = progressLabel;
    entry.result = result;
    entries.push(entry);
  }

  function addFiles(fileList) {
    for (var i = 0; i < fileList.length; i++) addEntry(fileList[i]);
    refreshCounts();
    summary.textContent = fileList.length === 1 ? '1 file added.' : fileList.length + ' files added.';
  }

  input.addEventListener('change', function () {
    if (input.files && input.files.length) addFiles(input.files);
    // The list now holds the files; clearing lets the same file be picked again after a removal.
    input.value = '';
  });

  if (zone) {
    ['dragenter', 'dragover'].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add('is-dragging');
      });
    });
    ['dragleave', 'drop'].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove('is-dragging'); });
    });
    zone.addEventListener('drop', function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) addFiles(event.dataTransfer.files);
    });
  }

  applyAll.addEventListener('click', function () {
    var open = entries.filter(function (e) { return e.state !== 'done' && e.state !== 'uploading'; });
    open.forEach(function (entry) {
      PER_FILE.forEach(function (spec) {
        var value = sharedValue(spec.name);
        if (value) entry.fields[spec.name].value = value;
      });
    });
    summary.textContent = 'Applied to ' + open.length + (open.length === 1 ? ' file.' : ' files.');
  });

  function showResult(entry, ok, parts) {
    entry.result.textContent = '';
    parts.forEach(function (part) { entry.result.appendChild(part); });
    entry.li.classList.toggle('is-done', ok);
    entry.li.classList.toggle('is-failed', !ok);
  }

  function finish(entry, xhr) {
    var body = null;
    try {
      body = JSON.parse(xhr.responseText);
    } catch {
      // Not JSON (e.g. a proxy's error page): reported below by status code.
      body = null;
    }
    if ((xhr.status === 201 || xhr.status === 200) && body && body.id) {
      entry.state = 'done';
      setProgress(entry, 100, 'Uploaded');
      var outcome = el('span', 'badge badge--ok');
      outcome.appendChild(el('span', 'badge__symbol', '✓')).setAttribute('aria-hidden', 'true');
      outcome.appendChild(document.createTextNode(xhr.status === 201 ? 'Added to the archive' : 'Already in the archive'));
      var link = el('a', 'file-item__link', 'Open the image page');
      link.href = '/images/' + encodeURIComponent(body.id);
      showResult(entry, true, [outcome, document.createTextNode(' '), link]);
      Object.keys(entry.fields).forEach(function (name) { entry.fields[name].readOnly = true; });
      entry.remove.hidden = true;
      return;
    }
    entry.state = 'failed';
    var message = body && body.error && body.error.message ? body.error.message : 'The server answered ' + xhr.status + ' without saying why.';
    setProgress(entry, entry.progress.value, 'Failed');
    var badge = el('span', 'badge badge--bad');
    badge.appendChild(el('span', 'badge__symbol', '✖')).setAttribute('aria-hidden', 'true');
    badge.appendChild(document.createTextNode('Not stored'));
    showResult(entry, false, [badge, document.createTextNode(' '), el('span', 'file-item__error', message)]);
  }

  function send(entry) {
    return new Promise(function (resolve) {
      var data = new FormData();
      data.append('image', entry.file, entry.file.name);
      PER_FILE.forEach(function (spec) {
        var value = entry.fields[spec.name].value.trim();
        if (value) data.append(spec.name, value);
      });
      ['sourceNote', 'claimedDate'].forEach(function (name) {
        var value = sharedValue(name);
        if (value) data.append(name, value);
      });
      form.querySelectorAll('[data-article]').forEach(function (field) {
        if (field.value.trim()) data.append(field.name, field.value.trim());
      });

      var xhr = new XMLHttpRequest();
      xhr.open('POST', '/api/images');
      xhr.setRequestHeader('Accept', 'application/json');
      // The API refuses a session-cookie request without the page's CSRF token.
      xhr.setRequestHeader('X-CSRF-Token', form.getAttribute('data-csrf') || '');
      entry.state = 'uploading';
      entry.li.classList.remove('is-failed');
      entry.result.textContent = '';
      setProgress(entry, 0, 'Uploading 0%');
      xhr.upload.onprogress = function (event) {
        if (!event.lengthComputable) return;
        var percent = Math.round((event.loaded / event.total) * 100);
        setProgress(entry, percent, 'Uploading ' + percent + '%');
      };
      xhr.upload.onload = function () {
        setProgress(entry, 100, 'Reading metadata…');
      };
      xhr.onload = function () {
        finish(entry, xhr);
        resolve();
      };
      xhr.onerror = function () {
        entry.state = 'failed';
        setProgress(entry, entry.progress.value, 'Failed');
        showResult(entry, false, [el('span', 'file-item__error', 'The file could not be sent (network error). Press Upload to try again.')]);
        resolve();
      };
      xhr.send(data);
    });
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (running) return;
    var queue = entries.filter(function (e) { return e.state === 'pending' || e.state === 'failed'; });
    if (queue.length === 0) {
      summary.textContent = entries.length ? 'Every file is uploaded already.' : 'Choose at least one image file first.';
      input.focus();
      return;
    }
    running = true;
    submit.disabled = true;
    summary.textContent = 'Uploading ' + queue.length + (queue.length === 1 ? ' file…' : ' files…');
    var index = 0;
    function worker() {
      if (index >= queue.length) return Promise.resolve();
      var entry = queue[index++];
      return send(entry).then(worker);
    }
    var workers = [];
    for (var i = 0; i < Math.min(CONCURRENCY, queue.length); i++) workers.push(worker());
    Promise.all(workers).then(function () {
      running = false;
      submit.disabled = false;
      var failed = queue.filter(function (e) { return e.state === 'failed'; }).length;
      var stored = queue.length - failed;
      summary.textContent =
        stored + ' of ' + queue.length + ' uploaded.' + (failed ? ' ' + failed + ' failed: correct what the message says and press Upload again; the others are kept.' : '');
      refreshCounts();
    });
  });
})();
