/* briefing search: loads the site's search index and searches it as the reader types.
   Our own few lines, no framework, nothing fetched from anywhere but this site. The index format is
   documented in src/search.rs. */
(function () {
  "use strict";
  var form = document.getElementById("search");
  if (!form) return;
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var base = form.getAttribute("data-base") || "/";
  var indexUrl = form.getAttribute("data-index");
  var MAX_ARTICLES = 50;
  var MAX_ENTITIES = 8;
  var KIND = { c: ["Company", "companies"], m: ["Model", "models"], t: ["Theme", "themes"] };
  var CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/;

  var index = null;
  var loading = null;
  var timer = 0;

  function norm(s) {
    return (s || "").normalize("NFKC").toLowerCase();
  }

  function load() {
    if (!loading) {
      loading = fetch(indexUrl, { credentials: "same-origin" })
        .then(function (r) {
          if (!r.ok) throw new Error("HTTP " + r.status);
          return r.json();
        })
        .then(prepare)
        .catch(function (e) {
          loading = null;
          say("The search index could not be loaded (" + e.message + "). Try again, or browse the archive.");
          throw e;
        });
    }
    return loading;
  }

  /* Lowercased text to look through, built once. */
  function prepare(raw) {
    var ents = raw.entities.map(function (e) {
      return {
        kind: e[0], id: e[1], name: e[2], aliases: e[3],
        hay: norm([e[2]].concat(e[3]).join(" \u0001 "))
      };
    });
    var docs = raw.docs.map(function (d) {
      return {
        title: d[0], slug: d[1], date: d[2], summary: d[3], ents: d[4],
        t: norm(d[0]), s: norm(d[3]),
        e: norm(d[4].map(function (i) { return ents[i].hay; }).join(" \u0001 "))
      };
    });
    var terms = [];
    Object.keys(raw.terms).forEach(function (term) {
      var gaps = raw.terms[term], at = 0, ids = new Array(gaps.length);
      for (var i = 0; i < gaps.length; i++) { at = i === 0 ? gaps[0] : at + gaps[i]; ids[i] = at; }
      terms.push([term, ids]);
    });
    index = { docs: docs, ents: ents, terms: terms, byTerm: new Map(terms) };
    return index;
  }

  function tokens(q) {
    return norm(q).split(/[\s,.;:!?()"'“”‘’·、，。\-\/]+/).filter(function (t) { return t.length > 0; });
  }

  /* The documents whose stored body terms match a query token: by prefix for words, by every
     adjacent pair of characters for CJK. */
  function bodyDocs(tok) {
    var hit = new Set();
    if (CJK.test(tok)) {
      var pairs = [];
      for (var i = 0; i + 1 < tok.length; i++) pairs.push(tok.slice(i, i + 2));
      if (pairs.length === 0) return hit;
      var sets = pairs.map(function (p) { return new Set(index.byTerm.get(p) || []); });
      sets[0].forEach(function (d) {
        if (sets.every(function (s) { return s.has(d); })) hit.add(d);
      });
      return hit;
    }
    if (tok.length < 2) return hit;
    index.terms.forEach(function (t) {
      if (t[0].lastIndexOf(tok, 0) === 0) t[1].forEach(function (d) { hit.add(d); });
    });
    return hit;
  }

  function startsWord(hay, tok) {
    var i = hay.indexOf(tok);
    return i === 0 || (i > 0 && /[^\p{L}\p{N}]/u.test(hay.charAt(i - 1)));
  }

  function search(q) {
    var toks = tokens(q);
    if (toks.length === 0) return null;
    var body = toks.map(bodyDocs);
    var articles = [];
    index.docs.forEach(function (d, i) {
      var score = 0;
      for (var k = 0; k < toks.length; k++) {
        var t = toks[k], s = 0;
        if (d.t.indexOf(t) >= 0) s = startsWord(d.t, t) ? 12 : 8;
        else if (d.e.indexOf(t) >= 0) s = 5;
        else if (d.s.indexOf(t) >= 0) s = 3;
        else if (body[k].has(i)) s = 1;
        if (s === 0) return;
        score += s;
      }
      articles.push([score, i]);
    });
    /* The index lists articles newest first, so the index breaks ties by date. */
    articles.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
    var ents = index.ents.filter(function (e) {
      return toks.every(function (t) { return e.hay.indexOf(t) >= 0; });
    }).sort(function (a, b) {
      return (startsWord(norm(b.name), toks[0]) ? 1 : 0) - (startsWord(norm(a.name), toks[0]) ? 1 : 0) ||
        a.name.localeCompare(b.name);
    });
    return { articles: articles, ents: ents };
  }

  /* "2023-09-25" as the pages write it: "25 September 2023". */
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
  function longDate(iso) {
    var p = iso.split("-");
    return Number(p[2]) + " " + MONTHS[Number(p[1]) - 1] + " " + p[0];
  }

  function say(text) {
    status.textContent = text;
  }

  /* The title with each query token marked, built from text nodes: nothing from the index is
     ever parsed as HTML. */
  function marked(text, toks) {
    var frag = document.createDocumentFragment();
    var low = norm(text);
    if (low.length !== text.length) {
      frag.appendChild(document.createTextNode(text));
      return frag;
    }
    var at = 0;
    while (at < text.length) {
      var best = -1, len = 0;
      toks.forEach(function (t) {
        var i = low.indexOf(t, at);
        if (i >= 0 && (best < 0 || i < best)) { best = i; len = t.length; }
      });
      if (best < 0) break;
      if (best > at) frag.appendChild(document.createTextNode(text.slice(at, best)));
      var m = document.createElement("mark");
      m.textContent = text.slice(best, best + len);
      frag.appendChild(m);
      at = best + len;
    }
    if (at < text.length) frag.appendChild(document.createTextNode(text.slice(at)));
    return frag;
  }

  function item(href, title, toks, kicker, meta, summary) {
    var li = document.createElement("li");
    var k = document.createElement("span");
    k.className = "result-kind";
    k.textContent = kicker;
    if (meta) {
      k.appendChild(document.createTextNode(" \u00b7 "));
      k.appendChild(meta);
    }
    li.appendChild(k);
    var a = document.createElement("a");
    a.href = href;
    a.className = "result-title";
    a.appendChild(marked(title, toks));
    li.appendChild(a);
    if (summary) {
      var p = document.createElement("p");
      p.textContent = summary;
      li.appendChild(p);
    }
    return li;
  }

  function show(q) {
    var toks = tokens(q);
    var r = search(q);
    list.textContent = "";
    if (!r) {
      say("");
      return;
    }
    var ents = r.ents.slice(0, MAX_ENTITIES);
    ents.forEach(function (e) {
      var aka = e.aliases.length ? "Also known as " + e.aliases.join(", ") : "";
      list.appendChild(item(base + KIND[e.kind][1] + "/" + e.id + "/", e.name, toks, KIND[e.kind][0], null, aka));
    });
    r.articles.slice(0, MAX_ARTICLES).forEach(function (pair) {
      var d = index.docs[pair[1]];
      var time = document.createElement("time");
      time.dateTime = d.date;
      time.textContent = longDate(d.date);
      list.appendChild(item(base + "articles/" + d.slug + "/", d.title, toks, "Article", time, d.summary));
    });
    var n = r.articles.length;
    var parts = [];
    if (n > MAX_ARTICLES) parts.push("Showing the best " + MAX_ARTICLES + " of " + n + " articles");
    else parts.push(n + (n === 1 ? " article" : " articles"));
    if (r.ents.length) parts.push(r.ents.length + (r.ents.length === 1 ? " company, model or theme" : " companies, models or themes"));
    say(n + r.ents.length === 0 ? "Nothing matches \u201c" + q.trim() + "\u201d. Try a shorter word or another name." : parts.join(" and ") + " for \u201c" + q.trim() + "\u201d.");
  }

  function run() {
    var q = input.value;
    if (history.replaceState) {
      var url = new URL(window.location.href);
      if (q.trim()) url.searchParams.set("q", q); else url.searchParams.delete("q");
      history.replaceState(null, "", url.toString());
    }
    if (!q.trim()) {
      list.textContent = "";
      say("");
      return;
    }
    if (index) {
      show(q);
    } else {
      say("Loading the search index\u2026");
      load().then(function () { show(input.value); }, function () {});
    }
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, 80);
  });
  input.addEventListener("focus", function () { load().catch(function () {}); }, { once: true });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    run();
    var first = list.querySelector("a");
    if (first) first.focus();
  });

  /* Arrow keys move between the input and the result links; Escape goes back to the input. */
  function links() { return Array.prototype.slice.call(list.querySelectorAll("a")); }
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown") {
      var l = links();
      if (l.length) { ev.preventDefault(); l[0].focus(); }
    }
  });
  list.addEventListener("keydown", function (ev) {
    var l = links(), i = l.indexOf(document.activeElement);
    if (i < 0) return;
    if (ev.key === "ArrowDown" && i + 1 < l.length) { ev.preventDefault(); l[i + 1].focus(); }
    else if (ev.key === "ArrowUp") { ev.preventDefault(); (i === 0 ? input : l[i - 1]).focus(); }
    else if (ev.key === "Escape") { ev.preventDefault(); input.focus(); }
  });

  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) {
    input.value = initial;
    run();
  }
})();
