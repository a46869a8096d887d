/* briefing search: finds every word of the site's articles and entities as the reader types.
   Our own few lines, no framework, nothing fetched from anywhere but this site. The index is split
   into files fetched on demand (the manifest, one chunk of postings per query word, one small file
   per result shown); the format is documented in src/search/mod.rs. */
(function () {
  "use strict";
  var form = document.getElementById("search");
  if (!form) return;
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var filterBox = document.getElementById("search-filters");
  var more = document.getElementById("search-more");
  var base = form.getAttribute("data-base") || "/";
  var manifestUrl = form.getAttribute("data-index");
  var dir = manifestUrl.replace(/index\.json$/, "");
  var PAGE = 10;
  var MAX_OPTIONS = 8;
  var MAX_PREFIX_CHUNKS = 3;
  /* Milliseconds of quiet in the input before a search runs: shorter than the gap between two
     keystrokes of a quick typist, so the results follow the typing; the chunks a word needs are
     fetched at once, without waiting for it. */
  var DEBOUNCE = 50;
  var KIND = { a: "Article", c: "Company", m: "Model", t: "Theme" };
  var GROUPS = [["c", "Company"], ["m", "Model"], ["t", "Theme"], ["y", "Year"]];
  var STANDING = { draft: "Draft", review: "In review", scheduled: "Scheduled" };
  /* Field weights, by the field code of a posting: body, summary, entity name, title. */
  var FIELD = [1, 2, 3, 5];
  var CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/;
  var ALNUM = /[\p{L}\p{N}]/u;

  /* stem:begin — the Porter stemmer, line for line as src/search/stem.rs */
  function stem(word) {
    if (word.length <= 2 || !/^[a-z]+$/.test(word)) return word;
    var b = word, j = 0;
    function cons(i) {
      var c = b.charAt(i);
      if (c === "a" || c === "e" || c === "i" || c === "o" || c === "u") return false;
      if (c === "y") return i === 0 || !cons(i - 1);
      return true;
    }
    function m() {
      var n = 0, i = 0;
      for (;;) { if (i >= j) return n; if (!cons(i)) break; i++; }
      i++;
      for (;;) {
        for (;;) { if (i >= j) return n; if (cons(i)) break; i++; }
        i++; n++;
        for (;;) { if (i >= j) return n; if (!cons(i)) break; i++; }
        i++;
      }
    }
    function vowelInStem() { for (var i = 0; i < j; i++) if (!cons(i)) return true; return false; }
    function doubleC(i) { return i >= 1 && b.charAt(i) === b.charAt(i - 1) && cons(i); }
    function cvc(i) {
      if (i < 2 || !cons(i) || cons(i - 1) || !cons(i - 2)) return false;
      var c = b.charAt(i);
      return c !== "w" && c !== "x" && c !== "y";
    }
    function ends(s) {
      if (s.length > b.length || b.slice(b.length - s.length) !== s) return false;
      j = b.length - s.length;
      return true;
    }
    function setTo(s) { b = b.slice(0, j) + s; }
    function r(s) { if (m() > 0) setTo(s); }
    function k() { return b.length - 1; }
    function pop() { b = b.slice(0, -1); }
    function replaceFirst(pairs) {
      for (var i = 0; i < pairs.length; i += 2) if (ends(pairs[i])) { r(pairs[i + 1]); return; }
    }
    /* step 1ab */
    if (b.charAt(k()) === "s") {
      if (ends("sses")) b = b.slice(0, -2);
      else if (ends("ies")) setTo("i");
      else if (b.charAt(k() - 1) !== "s") pop();
    }
    if (ends("eed")) { if (m() > 0) pop(); }
    else if ((ends("ed") || ends("ing")) && vowelInStem()) {
      b = b.slice(0, j);
      if (ends("at")) setTo("ate");
      else if (ends("bl")) setTo("ble");
      else if (ends("iz")) setTo("ize");
      else if (doubleC(k())) { var c = b.charAt(k()); if (c !== "l" && c !== "s" && c !== "z") pop(); }
      else { j = b.length; if (m() === 1 && cvc(k())) setTo("e"); }
    }
    if (b.length <= 1) return b;
    /* step 1c */
    if (ends("y") && vowelInStem()) b = b.slice(0, -1) + "i";
    /* step 2 */
    replaceFirst({
      a: ["ational", "ate", "tional", "tion"], c: ["enci", "ence", "anci", "ance"], e: ["izer", "ize"],
      l: ["bli", "ble", "alli", "al", "entli", "ent", "eli", "e", "ousli", "ous"],
      o: ["ization", "ize", "ation", "ate", "ator", "ate"],
      s: ["alism", "al", "iveness", "ive", "fulness", "ful", "ousness", "ous"],
      t: ["aliti", "al", "iviti", "ive", "biliti", "ble"], g: ["logi", "log"]
    }[b.charAt(k() - 1)] || []);
    /* step 3 */
    replaceFirst({
      e: ["icate", "ic", "ative", "", "alize", "al"], i: ["iciti", "ic"], l: ["ical", "ic", "ful", ""], s: ["ness", ""]
    }[b.charAt(k())] || []);
    /* step 4 */
    var suffixes = {
      a: ["al"], c: ["ance", "ence"], e: ["er"], i: ["ic"], l: ["able", "ible"], n: ["ant", "ement", "ment", "ent"],
      o: ["ion", "ou"], s: ["ism"], t: ["ate", "iti"], u: ["ous"], v: ["ive"], z: ["ize"]
    }[b.charAt(k() - 1)] || [];
    var found = false;
    for (var i = 0; i < suffixes.length; i++) {
      if (ends(suffixes[i])) {
        found = suffixes[i] !== "ion" || (j > 0 && (b.charAt(j - 1) === "s" || b.charAt(j - 1) === "t"));
        if (found) break;
      }
    }
    if (found && m() > 1) b = b.slice(0, j);
    /* step 5 */
    j = b.length;
    if (b.charAt(k()) === "e") {
      var a = m();
      if (a > 1 || (a === 1 && !cvc(k() - 1))) pop();
    }
    j = b.length;
    if (b.charAt(k()) === "l" && doubleC(k()) && m() > 1) pop();
    return b;
  }
  /* stem:end */

  var man = null, loading = null, timer = 0, seq = 0;
  var chunkCache = new Map(), docCache = new Map();
  var state = { q: "", ranked: [], shown: 0, filters: { c: new Set(), m: new Set(), t: new Set(), y: new Set() } };

  function norm(s) {
    return (s || "").normalize("NFKC").toLowerCase();
  }

  function getJson(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }

  function cached(cache, key, url) {
    if (!cache.has(key)) {
      cache.set(key, getJson(url).catch(function (e) { cache.delete(key); throw e; }));
    }
    return cache.get(key);
  }

  function load() {
    if (!loading) {
      loading = getJson(manifestUrl).then(prepare).catch(function (e) {
        loading = null;
        say("The search index could not be loaded (" + e.message + "). Try again, or browse the archive.");
        throw e;
      });
    }
    return loading;
  }

  function prepare(raw) {
    man = { raw: raw, stop: new Set(raw.stop), chunks: raw.chunks, f: null };
    return man;
  }

  /* Who is in which filter: each article's entities and year, from search/filters.json. It is
     most of the index's fixed bytes, so it is fetched once the first results are on screen and
     the filters appear when it is in; until then no filter can be on and every result passes. */
  var facetsLoading = null;
  function loadFilters() {
    if (!facetsLoading) {
      facetsLoading = getJson(dir + "filters.json").then(function (raw) {
        man.f = facets(raw);
        if (state.ranked.length) renderFilters();
      }).catch(function () { facetsLoading = null; });
    }
    return facetsLoading;
  }

  function facets(raw) {
    var n = man.raw.articles, artEnts = [], artYear = new Array(n);
    for (var i = 0; i < n; i++) artEnts.push([]);
    raw.entities.forEach(function (e, ei) {
      var at = 0;
      e[5].forEach(function (gap) { at += gap; artEnts[at].push(ei); });
    });
    raw.years.forEach(function (y, yi) {
      var end = yi + 1 < raw.years.length ? raw.years[yi + 1][1] : n;
      for (var i = y[1]; i < end; i++) artYear[i] = y[0];
    });
    return { ents: raw.entities, artEnts: artEnts, artYear: artYear };
  }

  /* The query's tokens, cut as the index cuts text (src/search/words.rs): runs of letters and
     digits, CJK runs apart. The last word is a prefix while the reader is still typing it. */
  function tokens(q) {
    var text = norm(q), out = [], word = "", cjk = "";
    function flush() {
      if (word) out.push({ raw: word, cjk: false });
      if (cjk) out.push({ raw: cjk, cjk: true });
      word = ""; cjk = "";
    }
    for (var ch of text) {
      if (CJK.test(ch)) { if (word) flush(); cjk += ch; }
      else if (ALNUM.test(ch)) { if (cjk) flush(); word += ch; }
      else flush();
    }
    flush();
    var typing = !/\s$/.test(q);
    out.forEach(function (t, i) { t.prefix = typing && i === out.length - 1 && !t.cjk; });
    return out.filter(function (t) {
      if (t.cjk) return true;
      if (/^\d+$/.test(t.raw)) return false;
      if (t.prefix) return t.raw.length >= 2;
      return t.raw.length >= 2 && !man.stop.has(t.raw);
    }).map(function (t) {
      t.term = t.cjk ? t.raw : stem(t.raw);
      t.marks = t.cjk ? [] : [t.raw, t.term];
      return t;
    });
  }

  function chunkOf(term) {
    var lo = 0, hi = man.chunks.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (man.chunks[mid] <= term) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  function chunk(i) {
    return cached(chunkCache, i, dir + "t/" + i + ".json");
  }

  /* Every term a token looks up, with the chunks holding them: exact terms, or for a prefix the
     terms starting with the typed word or its stem (in at most a few chunks). */
  function lookups(t) {
    if (t.cjk) {
      var chars = Array.from(t.raw), terms = [];
      if (chars.length === 1) terms.push(chars[0]);
      for (var i = 0; i + 1 < chars.length; i++) terms.push(chars[i] + chars[i + 1]);
      return terms.map(function (term) { return { exact: term, chunks: [chunkOf(term)] }; });
    }
    if (!t.prefix) return [{ exact: t.term, chunks: [chunkOf(t.term)] }];
    var pre = t.term.length < t.raw.length ? t.term : t.raw;
    var first = chunkOf(pre), last = Math.min(chunkOf(pre + "\uffff"), first + MAX_PREFIX_CHUNKS - 1);
    var cs = [];
    for (var c = first; c <= last; c++) cs.push(c);
    /* A word typed halfway through a suffix ("hospita") is longer than its term ("hospit"):
       terms the typed word starts with count too. */
    var within = [];
    for (var n = Math.max(3, t.raw.length - 3); n < t.raw.length; n++) within.push(t.raw.slice(0, n));
    [t.term].concat(within).forEach(function (w) { if (cs.indexOf(chunkOf(w)) < 0) cs.push(chunkOf(w)); });
    return [{ exact: t.term, prefix: [t.raw, t.term], within: within, chunks: cs }];
  }

  /* One token's hits: each document's best score in `score` (0 where the token is absent) and
     the documents with a score in `docs`. Typed arrays rather than Maps: a common word hits most
     of the site, and these loops are most of a query's time on a phone. */
  function hitSet() {
    return { score: new Float64Array(man.raw.docs), docs: [] };
  }

  /* The postings of one term into `into`, each scored by its field and `weight`. */
  function decode(list, into, weight) {
    var doc = 0, score = into.score, docs = into.docs;
    for (var i = 0; i < list.length; i++) {
      var v = list[i];
      doc = i === 0 ? v >> 2 : doc + (v >> 2);
      var s = FIELD[v & 3] * weight, was = score[doc];
      if (was === 0) docs.push(doc);
      if (s > was) score[doc] = s;
    }
  }

  /* The chunks a query's tokens read, fetched now: the input handler calls this before its
     debounce, so that the fetch and the reader's typing overlap. */
  function needed(ls) {
    var need = [];
    ls.forEach(function (l) { l.chunks.forEach(function (c) { if (need.indexOf(c) < 0) need.push(c); }); });
    return need;
  }

  function prefetch(q) {
    if (!man || !q.trim()) return;
    tokens(q).forEach(function (t) { needed(lookups(t)).forEach(chunk); });
  }

  /* One token's matches. CJK pairs must all match (each pair's scores add up). */
  function matches(t) {
    var ls = lookups(t), need = needed(ls);
    return Promise.all(need.map(chunk)).then(function (loaded) {
      var byChunk = new Map();
      need.forEach(function (c, i) { byChunk.set(c, loaded[i]); });
      var sets = ls.map(function (l) {
        var hits = hitSet();
        l.chunks.forEach(function (c) {
          var terms = byChunk.get(c);
          Object.keys(terms).forEach(function (term) {
            if (term === l.exact) decode(terms[term], hits, idf(terms[term].length));
            else if (l.prefix && (l.within.indexOf(term) >= 0 ||
                l.prefix.some(function (p) { return term.lastIndexOf(p, 0) === 0; }))) {
              decode(terms[term], hits, 0.6 * idf(terms[term].length));
            }
          });
        });
        return hits;
      });
      return intersect(sets);
    });
  }

  function idf(df) {
    return Math.log(1 + man.raw.docs / Math.max(df, 1));
  }

  /* The documents in every set, with their scores added up. */
  function intersect(sets) {
    if (sets.length <= 1) return sets[0] || hitSet();
    sets.sort(function (a, b) { return a.docs.length - b.docs.length; });
    var out = hitSet();
    sets[0].docs.forEach(function (d) {
      var total = 0;
      for (var i = 0; i < sets.length; i++) {
        var s = sets[i].score[d];
        if (s === 0) return;
        total += s;
      }
      out.score[d] = total;
      out.docs.push(d);
    });
    return out;
  }

  /* Documents matching every token, best first; ties go to the newer article (lower index). */
  function search(toks) {
    return Promise.all(toks.map(matches)).then(function (sets) {
      var hits = intersect(sets), score = hits.score;
      return hits.docs.sort(function (a, b) { return score[b] - score[a] || a - b; });
    });
  }

  /* Filters: an article passes a group when it has one of the values ticked in it (or none is);
     groups combine. With any filter on, only articles are listed. */
  function values(doc, g) {
    if (doc >= man.raw.articles) return [];
    if (!man.f) return [];
    if (g === "y") return [man.f.artYear[doc]];
    return man.f.artEnts[doc].filter(function (e) { return man.f.ents[e][0] === g; });
  }

  function passes(doc, skip) {
    for (var gi = 0; gi < GROUPS.length; gi++) {
      var g = GROUPS[gi][0], on = state.filters[g];
      if (g === skip || on.size === 0) continue;
      if (doc >= man.raw.articles) return false;
      if (!values(doc, g).some(function (v) { return on.has(v); })) return false;
    }
    return true;
  }

  function counts(g) {
    var n = new Map();
    state.ranked.forEach(function (doc) {
      if (!passes(doc, g)) return;
      values(doc, g).forEach(function (v) { n.set(v, (n.get(v) || 0) + 1); });
    });
    return n;
  }

  function label(g, v) {
    return g === "y" ? String(v) : man.f.ents[v][2];
  }

  function renderFilters() {
    var focused = document.activeElement && document.activeElement.id;
    filterBox.textContent = "";
    if (state.ranked.length === 0 || !man.f) { filterBox.hidden = true; return; }
    GROUPS.forEach(function (pair) {
      var g = pair[0], n = counts(g), opts = [];
      n.forEach(function (c, v) { opts.push([v, c]); });
      state.filters[g].forEach(function (v) { if (!n.has(v)) opts.push([v, 0]); });
      if (g === "y") opts.sort(function (a, b) { return b[0] - a[0]; });
      else opts.sort(function (a, b) { return b[1] - a[1] || label(g, a[0]).localeCompare(label(g, b[0])); });
      opts = opts.filter(function (o, i) { return i < MAX_OPTIONS || state.filters[g].has(o[0]); });
      if (opts.length === 0) return;
      var fs = document.createElement("fieldset");
      var legend = document.createElement("legend");
      legend.textContent = pair[1];
      fs.appendChild(legend);
      opts.forEach(function (o) {
        var id = "f-" + g + "-" + (g === "y" ? o[0] : man.f.ents[o[0]][1]);
        var lab = document.createElement("label");
        var box = document.createElement("input");
        box.type = "checkbox";
        box.id = id;
        box.checked = state.filters[g].has(o[0]);
        box.addEventListener("change", function () {
          if (box.checked) state.filters[g].add(o[0]); else state.filters[g].delete(o[0]);
          seq++;
          showResults();
        });
        lab.appendChild(box);
        lab.appendChild(document.createTextNode(" " + label(g, o[0]) + " "));
        var count = document.createElement("span");
        count.className = "filter-count";
        count.textContent = "(" + o[1] + ")";
        lab.appendChild(count);
        fs.appendChild(lab);
      });
      filterBox.appendChild(fs);
    });
    filterBox.hidden = false;
    if (focused && focused.lastIndexOf("f-", 0) === 0) {
      var again = document.getElementById(focused);
      if (again) again.focus();
    }
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

  /* Stems of the words of result texts, made once each: the same words recur in every excerpt. */
  var stems = new Map();
  function stemOf(w) {
    var s = stems.get(w);
    if (s === undefined) {
      s = stem(w);
      if (stems.size > 50000) stems.clear();
      stems.set(w, s);
    }
    return s;
  }

  /* Whether a word of the text (lowercased) is one the query asked for. A stem keeps its word's
     first letter, so a word whose first letter no token has is not stemmed at all: most words
     of an excerpt are not the query's. */
  function wordMatches(w, toks) {
    var st = null;
    return toks.some(function (t) {
      if (t.cjk || w.charCodeAt(0) !== t.raw.charCodeAt(0)) return false;
      if (st === null) st = stemOf(w);
      if (t.prefix) return w.lastIndexOf(t.raw, 0) === 0 || st.lastIndexOf(t.term, 0) === 0;
      return st === t.term;
    });
  }

  /* Where the first word of `text` the query asked for starts, or null if none does; -1 when
     this shortcut does not apply (lowercasing changed the text's length). A matching word starts
     with a token's first letter (stems keep it), so only the words starting with one are read:
     a result's text is 4,000 characters, and most of its words are not the query's. */
  var WORD_AT = /[\p{L}\p{N}]+/uy;
  function firstWord(text, toks) {
    var lower = text.toLowerCase(), best = null;
    if (lower.length !== text.length) return -1;
    toks.forEach(function (t) {
      if (t.cjk) return;
      var letter = t.raw.charAt(0);
      for (var i = lower.indexOf(letter); i >= 0 && (best === null || i < best); i = lower.indexOf(letter, i + 1)) {
        if (!startsWord(text, i)) continue;
        WORD_AT.lastIndex = i;
        var m = WORD_AT.exec(lower);
        if (m && !CJK.test(m[0]) && wordMatches(m[0], toks)) { best = i; break; }
      }
    });
    return best;
  }

  /* Whether a word starts at `i`: no letter or digit (astral ones included) just before it. */
  function startsWord(text, i) {
    if (i === 0) return true;
    var before = text.codePointAt(i - 1);
    if (before >= 0xdc00 && before <= 0xdfff && i >= 2) before = text.codePointAt(i - 2);
    return !ALNUM.test(String.fromCodePoint(before));
  }

  /* [start, end) of every matched word or CJK run in `text` (only the first when `first`). */
  function spans(text, toks, first) {
    var out = [], re = /[\p{L}\p{N}]+/gu, m;
    var at = first ? firstWord(text, toks) : -1;
    if (at === -1) {
      while ((m = re.exec(text))) {
        if (!CJK.test(m[0]) && wordMatches(m[0].toLowerCase(), toks)) {
          out.push([m.index, m.index + m[0].length]);
          if (first) break;
        }
      }
    } else if (at !== null) {
      re.lastIndex = at;
      m = re.exec(text);
      out.push([m.index, m.index + m[0].length]);
    }
    toks.forEach(function (t) {
      if (!t.cjk) return;
      for (var i = text.indexOf(t.raw); i >= 0; i = text.indexOf(t.raw, i + t.raw.length)) out.push([i, i + t.raw.length]);
    });
    return out.sort(function (a, b) { return a[0] - b[0]; });
  }

  /* Text with the matched words in <mark>, built from text nodes: nothing from the index is ever
     parsed as HTML. */
  function marked(text, toks) {
    var frag = document.createDocumentFragment(), at = 0;
    spans(text, toks).forEach(function (s) {
      if (s[0] < at) return;
      if (s[0] > at) frag.appendChild(document.createTextNode(text.slice(at, s[0])));
      var mk = document.createElement("mark");
      mk.textContent = text.slice(s[0], s[1]);
      frag.appendChild(mk);
      at = s[1];
    });
    if (at < text.length) frag.appendChild(document.createTextNode(text.slice(at)));
    return frag;
  }

  /* About 200 characters around the first match in the body, else the summary. */
  function excerpt(d, toks) {
    var s = spans(d.x || "", toks, true);
    if (s.length === 0 || spans(d.s || "", toks, true).length > 0) return d.s || (d.a ? "Also known as " + d.a.join(", ") : shorten(d.x || "", 0));
    return shorten(d.x, s[0][0]);
  }

  function shorten(text, at) {
    var start = Math.max(0, at - 70), end = Math.min(text.length, start + 220);
    if (start > 0) { var sp = text.indexOf(" ", start); if (sp >= 0 && sp < at) start = sp + 1; }
    if (end < text.length) { var sp2 = text.lastIndexOf(" ", end); if (sp2 > at) end = sp2; }
    return (start > 0 ? "\u2026" : "") + text.slice(start, end) + (end < text.length ? "\u2026" : "");
  }

  function item(d, toks) {
    var li = document.createElement("li");
    var k = document.createElement("span");
    k.className = "result-kind";
    k.textContent = KIND[d.k] || "Page";
    if (d.d) {
      k.appendChild(document.createTextNode(" \u00b7 "));
      var time = document.createElement("time");
      time.dateTime = d.d;
      time.textContent = longDate(d.d);
      k.appendChild(time);
    }
    if (d.st) {
      var chip = document.createElement("span");
      chip.className = "chip chip-" + d.st;
      chip.textContent = STANDING[d.st] || d.st;
      k.appendChild(document.createTextNode(" "));
      k.appendChild(chip);
    }
    li.appendChild(k);
    var a = document.createElement("a");
    a.href = base + d.u;
    a.className = "result-title";
    a.appendChild(marked(d.t, toks));
    li.appendChild(a);
    var p = document.createElement("p");
    p.appendChild(marked(excerpt(d, toks), toks));
    li.appendChild(p);
    return li;
  }

  function anyFilter() {
    return GROUPS.some(function (g) { return state.filters[g[0]].size > 0; });
  }

  function filtered() {
    if (!anyFilter()) return state.ranked;
    return state.ranked.filter(function (doc) { return passes(doc, null); });
  }

  /* Shows the next page of results (the first, replacing what is listed, when `reset`), each
     as soon as it and those ranked above it are in: one result file is a request, and ten of
     them take a phone a tenth of a second, so the first result does not wait for the tenth.
     The list only grows downwards, in rank order; the count is announced once all are in. */
  function showPage(reset, mine) {
    var docs = filtered(), from = reset ? 0 : state.shown;
    var page = docs.slice(from, from + PAGE), got = [], shown = 0, cleared = !reset;
    function clear() {
      if (!cleared) { list.textContent = ""; cleared = true; }
    }
    function flush() {
      if (mine !== seq) return;
      for (; shown < page.length && got[shown]; shown++) {
        clear();
        list.appendChild(item(got[shown], state.toks));
      }
    }
    return Promise.all(page.map(function (doc, i) {
      return cached(docCache, doc, dir + "d/" + doc + ".json").then(function (d) { got[i] = d; flush(); });
    })).then(function () {
      if (mine !== seq) return false;
      clear();
      state.shown = from + page.length;
      more.hidden = state.shown >= docs.length;
      return true;
    });
  }

  /* The first page, the filters and then the count in the live region, so that what is
     announced is on screen. The filters' counts come after the results: they walk every hit. */
  function showResults() {
    var n = filtered().length, q = state.q.trim(), mine = seq;
    var on = anyFilter();
    return showPage(true, mine).then(function (current) {
      if (!current) return;
      renderFilters();
      say(n === 0 ? "Nothing matches \u201c" + q + "\u201d" + (on ? " with these filters." : ". Try a shorter word or another name.")
        : n + (n === 1 ? " result" : " results") + " for \u201c" + q + "\u201d" + (on ? ", filtered." : "."));
      loadFilters();
    });
  }

  function run() {
    var q = input.value;
    if (history.replaceState) {
      var url = new URL(window.location.href);
      if (q.trim()) url.searchParams.set("q", q); else url.searchParams.delete("q");
      history.replaceState(null, "", url.toString());
    }
    var mine = ++seq;
    if (!q.trim()) {
      list.textContent = "";
      filterBox.hidden = true;
      more.hidden = true;
      say("");
      return Promise.resolve();
    }
    if (!man) say("Loading the search index\u2026");
    return load().then(function () {
      var toks = tokens(q);
      if (toks.length === 0) {
        state.ranked = []; state.q = q; state.toks = toks;
        return showResults();
      }
      return search(toks).then(function (ranked) {
        if (mine !== seq) return;
        state.q = q; state.toks = toks; state.ranked = ranked;
        return showResults();
      });
    }).catch(function (e) {
      if (mine === seq && man) say("Part of the search index could not be loaded (" + e.message + "). Try again.");
    });
  }

  input.addEventListener("input", function () {
    prefetch(input.value);
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE);
  });
  /* The manifest is fetched as soon as the page is up, so that the first query waits only for
     its own chunk and results. */
  load().catch(function () {});
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    clearTimeout(timer);
    run().then(function () {
      var first = list.querySelector("a");
      if (first) first.focus();
    });
  });
  more.addEventListener("click", function () {
    var before = list.children.length;
    showPage(false, seq).then(function () {
      var next = list.children[before] && list.children[before].querySelector("a");
      if (next) next.focus();
    });
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
