// Draft editor: a small rich-text toolbar over the body textarea, and recipient chips.
// The server sanitises the body on every save; this only makes typing pleasant.
(function () {
  "use strict";
  function initEditor(root) {
    var textarea = root.querySelector("textarea[name=body]");
    var rich = root.querySelector(".rich");
    var toolbar = root.querySelector(".toolbar");
    if (!textarea || !rich || !toolbar) { return; }
    rich.innerHTML = textarea.value || "<p><br></p>";
    textarea.hidden = true;
    rich.hidden = false;
    toolbar.hidden = false;
    document.execCommand("defaultParagraphSeparator", false, "p");
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-cmd]");
      if (!button) { return; }
      event.preventDefault();
      var cmd = button.getAttribute("data-cmd");
      if (cmd === "indent-para" || cmd === "center") {
        var node = window.getSelection().anchorNode;
        var block = node && (node.nodeType === 1 ? node : node.parentElement).closest("p, li, div.rich");
        if (block && !block.classList.contains("rich")) {
          block.classList.toggle(cmd === "center" ? "center" : "indent");
        }
      } else {
        document.execCommand(cmd, false, null);
      }
      rich.focus();
    });
    var form = textarea.form;
    form.addEventListener("submit", function () { textarea.value = rich.innerHTML; });
  }
  function initChips(form) {
    var chips = form.querySelector("#chips");
    if (!chips) { return; }
    form.addEventListener("click", function (event) {
      var add = event.target.closest("button.add-chip");
      if (add) {
        event.preventDefault();
        var value = add.getAttribute("data-value");
        if (chips.querySelector("input[value='" + value.replace(/'/g, "") + "']")) { return; }
        var li = document.createElement("li");
        li.className = "chip " + add.getAttribute("data-role");
        var input = document.createElement("input");
        input.type = "hidden"; input.name = "rcpt"; input.value = value;
        var remove = document.createElement("button");
        remove.type = "button"; remove.className = "link remove-chip"; remove.textContent = "×";
        li.appendChild(input);
        li.appendChild(document.createTextNode((add.getAttribute("data-role") === "copy" ? add.closest(".pick").querySelector("button[data-role=copy]").textContent + ": " : "") + add.getAttribute("data-label") + " "));
        li.appendChild(remove);
        chips.appendChild(li);
        return;
      }
      var rm = event.target.closest("button.remove-chip");
      if (rm) { event.preventDefault(); rm.closest("li").remove(); }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("draft-form");
    if (!form) { return; }
    initEditor(form);
    initChips(form);
  });
})();
