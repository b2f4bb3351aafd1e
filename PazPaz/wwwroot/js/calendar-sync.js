// Settings → Calendar sync: copy buttons for the feed link, and the full-name warning shown only for that preset.
(function () {
  'use strict';

  document.addEventListener('click', function (event) {
    var button = event.target.closest('[data-copy]');
    if (!button) return;
    var input = document.getElementById(button.getAttribute('data-copy'));
    var status = document.querySelector('[data-copy-status]');
    if (!input) return;
    var done = function (ok) {
      if (status) status.textContent = ok ? 'Copied to the clipboard.' : 'Press Ctrl+C (or ⌘C) to copy the selected link.';
    };
    input.focus();
    input.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(function () { done(true); }, function () { done(false); });
    } else {
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      done(ok);
    }
  });

  document.addEventListener('focusin', function (event) {
    if (event.target.matches && event.target.matches('[data-select-on-focus]')) event.target.select();
  });

  document.addEventListener('change', function (event) {
    if (!event.target.matches || !event.target.matches('select[name$="PrivacyPreset"]')) return;
    document.querySelectorAll('[data-show-for-preset]').forEach(function (note) {
      note.classList.toggle('hidden', note.getAttribute('data-show-for-preset') !== event.target.value);
    });
  });
})();
