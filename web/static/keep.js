/* What a person types in a form of the workspace survives a session that ended while typing.
   When such a form (marked `data-keep`) is sent, its fields are kept in this browser tab. The
   server answers a form sent without a session with the sign-in page; once signed in again, it
   sends the person back to the form, which gets the fields back (only then: arriving from the
   sign-in page) with a notice to check them and send again. Opened any other way, the form
   forgets them. Files and passwords are never kept; nothing leaves the browser. */
(function () {
  "use strict";
  var KEY = "charter-tracker:typed";
  var KEPT_FOR_MS = 12 * 60 * 60 * 1000;
  var store;
  try {
    store = window.sessionStorage;
  } catch (e) {
    return;
  }
  if (!store) {
    return;
  }

  function kind(el) {
    return (el.type || "").toLowerCase();
  }

  function keepable(el) {
    var type = kind(el);
    return (
      el.name &&
      !el.disabled &&
      el.name !== "_csrf_token" &&
      ["file", "password", "submit", "button", "reset", "hidden"].indexOf(type) < 0
    );
  }

  function fieldsOf(form) {
    var kept = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!keepable(el)) {
        return;
      }
      var type = kind(el);
      if (type === "checkbox" || type === "radio") {
        kept.push({ name: el.name, value: el.value, checked: el.checked });
      } else {
        kept.push({ name: el.name, value: el.value });
      }
    });
    return kept;
  }

  function restore(form, kept) {
    var changed = false;
    kept.forEach(function (field) {
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name !== field.name || !keepable(el)) {
          return;
        }
        var type = kind(el);
        if (type === "checkbox" || type === "radio") {
          if (el.value === field.value && el.checked !== field.checked) {
            el.checked = field.checked;
            el.dispatchEvent(new Event("change", { bubbles: true }));
            changed = true;
          }
        } else if (el.value !== field.value) {
          el.value = field.value;
          changed = true;
        }
      });
    });
    return changed;
  }

  function pending() {
    try {
      var kept = JSON.parse(store.getItem(KEY) || "null");
      return kept && Date.now() - kept.at < KEPT_FOR_MS ? kept : null;
    } catch (e) {
      return null;
    }
  }

  function fromSignIn() {
    try {
      return document.referrer !== "" && new URL(document.referrer).pathname === "/sign-in";
    } catch (e) {
      return false;
    }
  }

  var kept = pending();
  if (kept) {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-keep]"), function (form) {
      if (form.getAttribute("action") !== kept.action) {
        return;
      }
      store.removeItem(KEY);
      if (fromSignIn() && restore(form, kept.fields)) {
        var note = document.createElement("p");
        note.className = "notice";
        note.setAttribute("role", "status");
        note.textContent = form.getAttribute("data-keep");
        form.insertBefore(note, form.firstChild);
      }
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-keep")) {
      return;
    }
    try {
      store.setItem(KEY, JSON.stringify({ action: form.getAttribute("action"), fields: fieldsOf(form), at: Date.now() }));
    } catch (e) {
      /* A full or refused storage: the form is sent all the same. */
    }
  });
})();
