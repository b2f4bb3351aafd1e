// Files on a client or a note: drop files (or pick them) and each uploads on its own, with a progress bar and its own
// message when it is refused. No inline script (strict CSP): the section describes itself with data attributes.
//
//   [data-file-section]   data-upload-url (POST, one file per request), data-max-bytes (checked here first, and again
//                         by the server); holds the antiforgery token, [data-drop-zone], [data-file-input],
//                         [data-upload-list] and #file-list (reloaded with the "files-changed" event after uploads).
//   Each upload row: li[data-upload-state] = uploading | done | refused; the journeys wait on it. The section's
//   data-uploads-pending counts those still running.
(() => {
  "use strict";

  const megabytes = (bytes) => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

  function setup(section) {
    if (section.dataset.ready) return;
    section.dataset.ready = "true";
    section.dataset.uploadsPending = "0";
    const zone = section.querySelector("[data-drop-zone]");
    const input = section.querySelector("[data-file-input]");
    const list = section.querySelector("[data-upload-list]");
    const token = () => section.querySelector("input[name=__RequestVerificationToken]")?.value || "";
    const maxBytes = Number(section.dataset.maxBytes);

    input.addEventListener("change", () => {
      uploadAll(input.files);
      input.value = "";
    });
    // Dragging over the zone (or anywhere on the section) shows where to drop; dropping elsewhere on the page does nothing.
    for (const type of ["dragenter", "dragover"]) {
      section.addEventListener(type, (e) => {
        if (!e.dataTransfer || !Array.from(e.dataTransfer.types).includes("Files")) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = "copy";
        zone.dataset.over = "true";
      });
    }
    section.addEventListener("dragleave", (e) => {
      if (!section.contains(e.relatedTarget)) delete zone.dataset.over;
    });
    section.addEventListener("drop", (e) => {
      if (!e.dataTransfer || e.dataTransfer.files.length === 0) return;
      e.preventDefault();
      delete zone.dataset.over;
      uploadAll(e.dataTransfer.files);
    });

    function uploadAll(files) {
      list.querySelectorAll("li[data-upload-state='done']").forEach((li) => li.remove());
      for (const file of Array.from(files)) upload(file);
    }

    function row(file) {
      const li = document.createElement("li");
      li.className = "rounded-md border border-gray-200 px-3 py-2 text-sm";
      li.dataset.uploadState = "uploading";
      li.dataset.testid = "upload";
      const top = document.createElement("div");
      top.className = "flex items-center justify-between gap-3";
      const name = document.createElement("span");
      name.className = "min-w-0 truncate font-medium text-gray-900";
      name.textContent = file.name; // text, never HTML: a file name is whatever the sender chose
      const status = document.createElement("span");
      status.className = "flex-none text-gray-600";
      status.textContent = "Uploading…";
      top.append(name, status);
      const bar = document.createElement("progress");
      bar.className = "upload-progress";
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute("aria-label", `Uploading ${file.name}`);
      const message = document.createElement("p");
      message.className = "mt-1 text-red-700";
      message.hidden = true;
      li.append(top, bar, message);
      list.append(li);
      return {
        progress(fraction) {
          bar.value = Math.round(fraction * 100);
          status.textContent = `${bar.value}%`;
        },
        done() {
          li.dataset.uploadState = "done";
          bar.value = 100;
          status.textContent = "Uploaded";
          status.className = "flex-none font-medium text-brand-700";
          // A finished row stays until the next files are dropped (a timer would take it away before a slow second
          // file finished, and the person may look away while it uploads).
        },
        refused(text) {
          li.dataset.uploadState = "refused";
          li.classList.add("border-red-200", "bg-red-50");
          bar.remove();
          status.textContent = "Not uploaded";
          status.className = "flex-none font-medium text-red-700";
          message.hidden = false;
          message.textContent = text;
          const dismiss = document.createElement("button");
          dismiss.type = "button";
          dismiss.className = "ml-2 font-medium text-gray-700 underline";
          dismiss.textContent = "Dismiss";
          dismiss.addEventListener("click", () => li.remove());
          message.append(dismiss);
        },
      };
    }

    function pending(delta) {
      const count = Number(section.dataset.uploadsPending) + delta;
      section.dataset.uploadsPending = String(count);
      // Reload the list once the last upload of a batch has answered (a reload started earlier might miss later files).
      if (delta < 0 && count === 0) {
        const fileList = section.querySelector("#file-list");
        if (fileList && window.htmx) window.htmx.trigger(fileList, "files-changed");
      }
    }

    function upload(file) {
      const ui = row(file);
      // Said at once, without sending 10 MB for nothing; the server checks everything again, and the kind by content.
      if (file.size > maxBytes) return ui.refused(`This file is ${megabytes(file.size)}; the limit is ${megabytes(maxBytes)} per file.`);
      if (file.size === 0) return ui.refused("This file is empty.");

      const body = new FormData();
      body.append("file", file, file.name);
      const xhr = new XMLHttpRequest(); // fetch() cannot report upload progress
      xhr.open("POST", section.dataset.uploadUrl);
      xhr.setRequestHeader("RequestVerificationToken", token());
      xhr.responseType = "json";
      xhr.upload.addEventListener("progress", (e) => {
        if (e.lengthComputable) ui.progress(e.loaded / e.total);
      });
      xhr.addEventListener("load", () => {
        if (xhr.status === 201) ui.done();
        else ui.refused(xhr.response?.detail || xhr.response?.title || `The upload failed (${xhr.status}). Try again.`);
        pending(-1);
      });
      xhr.addEventListener("error", () => {
        ui.refused("The connection dropped before the file arrived. Try again.");
        pending(-1);
      });
      pending(+1);
      xhr.send(body);
    }
  }

  const init = () => document.querySelectorAll("[data-file-section]").forEach(setup);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
