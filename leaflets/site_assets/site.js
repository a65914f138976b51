// The catalogue's enhancements: the filter (by language, typed in English or in its own name, and by
// format) and the Print buttons. Without this script every entry is shown with its links.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("site_data").textContent);
  var form = document.getElementById("filters");
  var input = document.getElementById("filter_lang");
  var select = document.getElementById("filter_format");
  var status = document.getElementById("filter_status");

  function fold(text) {
    return text.normalize("NFKC").toLocaleLowerCase().replace(/\s+/g, " ").trim();
  }

  // A language matches when the query starts one of its names or a word of one ("Chinese", "simplified"),
  // or, from three letters on, is inside one ("عربية" in "العربية").
  function matching(query) {
    var found = {};
    Object.keys(data.languages).forEach(function (code) {
      found[code] = !query || data.languages[code].some(function (name) {
        name = fold(name);
        return (query.length >= 3 && name.indexOf(query) >= 0) ||
          name.split(/[\s()（）,，]+/).some(function (word) { return word && word.indexOf(query) === 0; });
      });
    });
    return found;
  }

  function words(element, name) {
    return (element.getAttribute(name) || "").split(" ");
  }

  function apply() {
    var langs = matching(fold(input.value));
    var format = select.value;
    var shown = 0, total = 0;
    document.querySelectorAll(".entry").forEach(function (entry) {
      var holder = entry.closest("[data-lang]");
      if (!holder) return;  // the desk copy: every language
      var inLang = words(holder, "data-lang").some(function (code) { return langs[code]; });
      var inFormat = !format || words(entry, "data-format").indexOf(format) >= 0;
      entry.hidden = !(inLang && inFormat);
      total += 1;
      shown += entry.hidden ? 0 : 1;
    });
    document.querySelectorAll(".lang, .leaflet").forEach(function (section) {
      section.hidden = !section.querySelector(".entry:not([hidden])");
    });
    status.textContent = shown === total ? "Showing all " + total + " PDFs."
      : shown === 0 ? "No PDF in that language and format. Try the language's name in English, or all formats."
      : "Showing " + shown + " of " + total + " PDFs.";
  }

  // Prints a PDF from a hidden frame where the browser allows it; from the file system each file is a
  // separate origin, so the PDF opens in a new tab, to be printed there.
  function print(href) {
    var old = document.getElementById("print_frame");
    if (old) old.remove();
    if (location.protocol === "file:") {
      window.open(href, "_blank");
      return;
    }
    var frame = document.createElement("iframe");
    frame.id = "print_frame";
    frame.title = "PDF to print";
    frame.setAttribute("aria-hidden", "true");
    frame.tabIndex = -1;
    frame.style.cssText = "position:fixed;right:0;bottom:0;width:0;height:0;border:0";
    frame.addEventListener("load", function () {
      try {
        frame.contentWindow.focus();
        frame.contentWindow.print();
      } catch (error) {
        window.open(href, "_blank");
      }
    });
    frame.src = href;
    document.body.appendChild(frame);
  }

  form.hidden = false;
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  input.addEventListener("input", apply);
  select.addEventListener("change", apply);
  document.querySelectorAll("button.print").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { print(button.getAttribute("data-pdf")); });
  });
  apply();
})();
