/* Quote tooltips: on hover, keyboard focus and tap. Content comes from each quote's <template>
   (already escaped server-side); nothing here builds HTML from strings. */
(function () {
  "use strict";
  var tip = document.getElementById("tip");
  var shown = null;

  function quoteOf(node) {
    return node && node.closest ? node.closest("[data-quote]") : null;
  }

  function pieces(id) {
    return document.querySelectorAll('[data-quote="' + id + '"]');
  }

  function place(el) {
    var narrow = window.innerWidth < 640;
    tip.classList.toggle("sheet", narrow);
    if (narrow) {
      tip.style.left = "";
      tip.style.top = "";
      return;
    }
    var rects = el.getClientRects();
    var r = rects.length ? rects[0] : el.getBoundingClientRect();
    var w = tip.offsetWidth;
    var h = tip.offsetHeight;
    var left = Math.min(Math.max(8, r.left), window.innerWidth - w - 8);
    var top = r.bottom + 6;
    if (top + h > window.innerHeight - 8) {
      top = Math.max(8, r.top - h - 6);
    }
    tip.style.left = left + "px";
    tip.style.top = top + "px";
  }

  function show(el) {
    var id = el.getAttribute("data-quote");
    var source = document.getElementById("tip-" + id);
    if (!source) {
      return;
    }
    if (shown !== id) {
      hide();
      tip.replaceChildren(source.content.cloneNode(true));
      tip.style.setProperty("--tip-border", getComputedStyle(el).getPropertyValue("--q-border"));
      pieces(id).forEach(function (p) { p.classList.add("active"); });
      shown = id;
    }
    tip.hidden = false;
    place(el);
  }

  function hide() {
    if (shown !== null) {
      pieces(shown).forEach(function (p) { p.classList.remove("active"); });
    }
    tip.hidden = true;
    shown = null;
  }

  document.addEventListener("mouseover", function (e) {
    var q = quoteOf(e.target);
    if (q) { show(q); }
  });
  document.addEventListener("mouseout", function (e) {
    if (quoteOf(e.target) && !quoteOf(e.relatedTarget) && !tip.contains(e.relatedTarget)) {
      hide();
    }
  });
  document.addEventListener("focusin", function (e) {
    var q = quoteOf(e.target);
    if (q) { show(q); }
  });
  document.addEventListener("focusout", function (e) {
    if (quoteOf(e.target) && !quoteOf(e.relatedTarget)) { hide(); }
  });
  document.addEventListener("click", function (e) {
    var q = quoteOf(e.target);
    if (q) {
      show(q);
    } else if (!tip.contains(e.target)) {
      hide();
    }
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") {
      hide();
    } else if ((e.key === "Enter" || e.key === " ") && quoteOf(e.target)) {
      e.preventDefault();
      show(quoteOf(e.target));
    }
  });
  window.addEventListener("resize", hide);
  window.addEventListener("scroll", function () {
    if (!tip.classList.contains("sheet")) { hide(); }
  }, { passive: true });
})();
