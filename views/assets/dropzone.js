// Lets a file be dropped onto the check form's box; the form still posts as it would without script.
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  var zone = document.getElementById('check-dropzone');
  var input = document.getElementById('c-file');
  var form = document.getElementById('check-form');
  if (!zone || !input || !form) return;
  ['dragenter', 'dragover'].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.add('is-dragging');
    });
  });
  ['dragleave', 'drop'].forEach(function (name) {
    zone.addEventListener(name, function () {
      zone.classList.remove('is-dragging');
    });
  });
  zone.addEventListener('drop', function (event) {
    event.preventDefault();
    if (!event.dataTransfer || event.dataTransfer.files.length === 0) return;
    var transfer = new DataTransfer();
    transfer.items.add(event.dataTransfer.files[0]);
    input.files = transfer.files;
    form.requestSubmit();
  });
})();
