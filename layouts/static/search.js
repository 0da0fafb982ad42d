// The /search/ page. Under `incidents serve` it asks the server's search
// API; on a static host it searches the static index that `incidents
// build` writes under search/ (see package search/static for its format),
// analysing the query exactly as bleve's English analyzer analysed the
// reports: Unicode word segmentation, possessive stripping, lower case,
// English stop words (from the index's manifest) and the Porter stemmer.
//
// window.incidentsSearch exposes the analyzer, so that the tests can
// compare it with bleve's.
"use strict";
(() => {
  // ---- Analyzer ----------------------------------------------------------

  // Word-boundary classes of Unicode Standard Annex #29, as far as typed
  // text needs them. Extend and format characters stick to the character
  // before them.
  const L = 1, N = 2, E = 3, K = 4, SOLO = 5, ML = 6, MNL = 7, SQ = 8, MN = 9, EXT = 10, OTHER = 0;
  const reExtend = /[\p{M}\p{Cf}\u200D]/u;
  const reSolo = /[\p{Ideographic}\p{Script=Hiragana}]/u;
  const reKatakana = /[\p{Script=Katakana}\u3031-\u3035\u309B\u309C\u30A0\u30FC\uFF70]/u;
  const reLetter = /[\p{Alphabetic}\u05F3]/u;
  const reDigit = /\p{Nd}/u;
  const reConnector = /\p{Pc}/u;
  const midLetter = new Set([":", "\u00B7", "\u02D7", "\u0387", "\u05F4", "\u2027", "\uFE13", "\uFE55", "\uFF1A"]);
  const midNumLet = new Set([".", "\u2018", "\u2019", "\u2024", "\uFE52", "\uFF07", "\uFF0E"]);
  const midNum = new Set([",", ";", "\u037E", "\u0589", "\u060C", "\u060D", "\u066C", "\u07F8", "\u2044", "\uFE10", "\uFE14", "\uFE50", "\uFE54", "\uFF0C", "\uFF1B"]);

  function classOf(ch) {
    if (ch < "\u0080") {
      if ((ch >= "a" && ch <= "z") || (ch >= "A" && ch <= "Z")) return L;
      if (ch >= "0" && ch <= "9") return N;
      if (ch === "_") return E;
      if (ch === ":") return ML;
      if (ch === ".") return MNL;
      if (ch === "'") return SQ;
      if (ch === "," || ch === ";") return MN;
      return OTHER;
    }
    if (reExtend.test(ch)) return EXT;
    if (midLetter.has(ch)) return ML;
    if (midNumLet.has(ch)) return MNL;
    if (midNum.has(ch)) return MN;
    if (reSolo.test(ch)) return SOLO;
    if (reKatakana.test(ch)) return K;
    if (reDigit.test(ch)) return N;
    if (reLetter.test(ch)) return L;
    if (reConnector.test(ch)) return E;
    return OTHER;
  }

  function joins(a, b) {
    if ((a === L || a === N) && (b === L || b === N)) return true;
    if (a === E) return b === L || b === N || b === K || b === E;
    if (b === E) return a === L || a === N || a === K;
    return a === K && b === K;
  }

  // tokenize returns the words of text with their UTF-16 offsets.
  function tokenize(text) {
    const chars = [];
    for (let i = 0; i < text.length;) {
      const cp = text.codePointAt(i);
      const ch = String.fromCodePoint(cp);
      const c = classOf(ch);
      if (c === EXT && chars.length > 0 && chars[chars.length - 1].end === i) {
        chars[chars.length - 1].end = i + ch.length;
      } else {
        chars.push({ c: c === EXT ? OTHER : c, start: i, end: i + ch.length });
      }
      i += ch.length;
    }
    const words = [];
    let start = -1;
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i].c;
      const wordChar = c === L || c === N || c === E || c === K;
      if (start >= 0) {
        const prev = chars[i - 1].c;
        // After a middle character comes what the check below allowed.
        if (wordChar && (prev >= ML || joins(prev, c))) continue;
        if (!wordChar && i + 1 < chars.length) {
          const next = chars[i + 1].c;
          const letterMid = (c === ML || c === MNL || c === SQ) && prev === L && next === L;
          const numberMid = (c === MN || c === MNL || c === SQ) && prev === N && next === N;
          if (letterMid || numberMid) continue;
        }
        words.push({ text: text.slice(chars[start].start, chars[i - 1].end), start: chars[start].start, end: chars[i - 1].end });
        start = -1;
      }
      if (c === SOLO) {
        words.push({ text: text.slice(chars[i].start, chars[i].end), start: chars[i].start, end: chars[i].end });
      } else if (wordChar) {
        start = i;
      }
    }
    if (start >= 0) {
      const last = chars[chars.length - 1];
      words.push({ text: text.slice(chars[start].start, last.end), start: chars[start].start, end: last.end });
    }
    return words;
  }

  // lower lowercases one character at a time, as bleve's to_lower filter
  // does: one character stays one character, and a capital sigma ends a
  // word as a final sigma.
  function lower(word) {
    let out = "";
    const chars = Array.from(word);
    chars.forEach((ch, i) => {
      if (ch === "\u03A3" && i === chars.length - 1) { out += "\u03C2"; return; }
      const l = ch.toLowerCase();
      out += l.length === ch.length ? l : String.fromCodePoint(l.codePointAt(0));
    });
    return out;
  }

  const apostrophes = "'\u2019\uFF07";
  function stripPossessive(word) {
    const n = word.length;
    if (n >= 2 && (word[n - 1] === "s" || word[n - 1] === "S") && apostrophes.includes(word[n - 2])) {
      return word.slice(0, n - 2);
    }
    return word;
  }

  // The Porter stemmer (M.F. Porter, "An algorithm for suffix stripping",
  // 1980), with the two changes of Porter's own later implementation that
  // bleve's stemmer makes: "bli" → "ble" and "logi" → "log" in step 2. It
  // works on an array of characters.
  function isConsonant(w, i) {
    switch (w[i]) {
      case "a": case "e": case "i": case "o": case "u": return false;
      case "y": return i === 0 ? true : !isConsonant(w, i - 1);
      default: return true;
    }
  }
  // measure counts the vowel–consonant sequences of w[0:end].
  function measure(w, end) {
    let m = 0, i = 0;
    while (i < end && isConsonant(w, i)) i++;
    while (i < end) {
      while (i < end && !isConsonant(w, i)) i++;
      if (i >= end) break;
      while (i < end && isConsonant(w, i)) i++;
      m++;
    }
    return m;
  }
  function hasVowel(w, end) {
    for (let i = 0; i < end; i++) if (!isConsonant(w, i)) return true;
    return false;
  }
  // endsWith requires a non-empty stem before the suffix.
  function endsWith(w, suffix) {
    if (w.length <= suffix.length) return false;
    for (let i = 0; i < suffix.length; i++) {
      if (w[w.length - suffix.length + i] !== suffix[i]) return false;
    }
    return true;
  }
  function doubleConsonant(w, end) {
    return end >= 2 && w[end - 1] === w[end - 2] && isConsonant(w, end - 1);
  }
  // cvc: the stem ends consonant–vowel–consonant, the last not w, x or y.
  function cvc(w, end) {
    if (end < 3) return false;
    const c = w[end - 1];
    return isConsonant(w, end - 3) && !isConsonant(w, end - 2) && isConsonant(w, end - 1) && c !== "w" && c !== "x" && c !== "y";
  }
  function replace(w, suffix, by) {
    return w.slice(0, w.length - suffix.length).concat(Array.from(by));
  }
  // rules applies the first rule whose suffix w ends with, when the stem
  // before it has a measure above min.
  function rules(w, list, min) {
    for (const [suffix, by] of list) {
      if (endsWith(w, suffix)) {
        return measure(w, w.length - suffix.length) > min ? replace(w, suffix, by) : w;
      }
    }
    return w;
  }
  const step2 = [["ational", "ate"], ["tional", "tion"], ["enci", "ence"], ["anci", "ance"], ["izer", "ize"], ["bli", "ble"],
    ["alli", "al"], ["entli", "ent"], ["eli", "e"], ["ousli", "ous"], ["ization", "ize"], ["ation", "ate"], ["ator", "ate"],
    ["alism", "al"], ["iveness", "ive"], ["fulness", "ful"], ["ousness", "ous"], ["aliti", "al"], ["iviti", "ive"],
    ["biliti", "ble"], ["logi", "log"]];
  const step3 = [["icate", "ic"], ["ative", ""], ["alize", "al"], ["iciti", "ic"], ["ical", "ic"], ["ful", ""], ["ness", ""]];
  const step4 = ["al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "ou", "ism", "ate",
    "iti", "ous", "ive", "ize"];

  function stem(word) {
    let w = Array.from(word);
    if (w.length <= 2) return word;
    // Step 1a: plurals.
    if (endsWith(w, "sses")) w = w.slice(0, -2);
    else if (endsWith(w, "ies")) w = w.slice(0, -2);
    else if (endsWith(w, "ss")) { /* stays */ } else if (endsWith(w, "s")) w = w.slice(0, -1);
    // Step 1b: -eed, -ed, -ing.
    if (endsWith(w, "eed")) {
      if (measure(w, w.length - 3) > 0) w = w.slice(0, -1);
    } else {
      const suffix = endsWith(w, "ed") ? 2 : endsWith(w, "ing") ? 3 : 0;
      if (suffix > 0 && hasVowel(w, w.length - suffix)) {
        w = w.slice(0, -suffix);
        const n = w.length, c = w[n - 1];
        if (endsWith(w, "at") || endsWith(w, "bl") || endsWith(w, "iz")) w.push("e");
        else if (c !== "l" && c !== "s" && c !== "z" && doubleConsonant(w, n)) w.pop();
        else if (measure(w, n) === 1 && cvc(w, n)) w.push("e");
      }
    }
    // Step 1c: y → i after a vowel.
    if (w.length >= 2 && hasVowel(w, w.length - 1)) {
      if (w[w.length - 1] === "y") w[w.length - 1] = "i";
      else if (w[w.length - 1] === "Y") w[w.length - 1] = "I";
    }
    w = rules(w, step2, 0);
    w = rules(w, step3, 0);
    // Step 4: drop a suffix after a stem of measure above 1.
    for (const suffix of step4) {
      if (endsWith(w, suffix)) {
        const end = w.length - suffix.length;
        if (measure(w, end) > 1 && (suffix !== "ion" || w[end - 1] === "s" || w[end - 1] === "t")) w = w.slice(0, end);
        break;
      }
    }
    // Step 5a: a final e.
    if (w[w.length - 1] === "e") {
      const end = w.length - 1, m = measure(w, end);
      if (m > 1 || (m === 1 && !cvc(w, end))) w = w.slice(0, end);
    }
    // Step 5b: -ll after a stem of measure above 1.
    const n = w.length;
    if (n > 2 && w[n - 1] === "l" && w[n - 2] === "l" && measure(w, n - 1) > 1) w = w.slice(0, -1);
    return w.join("");
  }

  // Compound names (package search/compound): two or more words that a
  // single hyphen, dot or slash joins, as in svc-0947 or db1001.eqiad,
  // are also one term, kept whole and unstemmed, when at most
  // maxNameBytes long in UTF-8: the whole run, and every shorter run of
  // up to maxNameParts words inside it (svc-0947 in svc-0947.eqiad.wmnet).
  const maxNameBytes = 100, maxNameParts = 4;
  const encoder = new TextEncoder();

  // withNames returns words (of text, as tokenize gives them) with the
  // compound names, marked name: true, before the word each begins with,
  // longest first; without parts, only the longest names and the words
  // outside them, which is what a name typed in a query stands for.
  function withNames(text, words, parts) {
    const out = [];
    let from = 0;
    for (let i = 1; i <= words.length; i++) {
      const joined = i < words.length && words[i].start === words[i - 1].end + 1 && "-./".includes(text[words[i - 1].end]);
      if (joined) continue;
      const n = i - from;
      for (let k = 0; k < n; k++) {
        const w = words[from + k];
        let longest = Math.min(n - k, maxNameParts);
        if (k === 0 && n > maxNameParts) longest = n;
        for (let m = longest; m >= 2; m--) {
          if (m > maxNameParts && m !== n) continue;
          const end = words[from + k + m - 1].end, name = text.slice(w.start, end);
          if (encoder.encode(name).length <= maxNameBytes) out.push({ text: name, start: w.start, end, name: true });
        }
        out.push(w);
      }
      from = i;
    }
    if (parts) return out;
    // The longest names, and the words outside them.
    let nameEnd = -1;
    return out.filter((w) => {
      if (w.end <= nameEnd) return false;
      if (w.name) nameEnd = w.end;
      return true;
    });
  }

  // analyzer returns the function that turns one word, or one name, into
  // its term: "" for a stop word.
  function analyzer(stopWords) {
    const stop = new Set(stopWords);
    return (word, name) => {
      const w = lower(stripPossessive(word));
      return stop.has(w) ? "" : name ? w : stem(w);
    };
  }

  // analyze returns the terms of text, as the index holds them.
  function analyze(text, stopWords) {
    const term = analyzer(stopWords);
    return withNames(text, tokenize(text), true).map((w) => term(w.text, w.name)).filter((t) => t !== "");
  }

  window.incidentsSearch = { tokenize, analyze, stem };

  // ---- Static index --------------------------------------------------------

  // compare orders strings by code point, as Go orders UTF-8 bytes.
  function compare(a, b) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const x = a.codePointAt(i), y = b.codePointAt(i);
      if (x !== y) return x < y ? -1 : 1;
      if (x > 0xFFFF) i++;
    }
    return a.length - b.length;
  }

  function reader(bytes) {
    let pos = 0;
    return {
      get pos() { return pos; },
      skip(n) { pos += n; },
      uvarint() {
        let v = 0, shift = 0, b;
        do {
          b = bytes[pos++];
          v += (b & 0x7f) * 2 ** shift;
          shift += 7;
        } while (b & 0x80);
        return v;
      },
      byte() { return bytes[pos++]; },
      done() { return pos >= bytes.length; },
    };
  }

  const utf8 = new TextDecoder();

  // decodeRice calls fn(report) for each report number of a run of Rice
  // codes (package search/static) that r is at, leaving r after it: the
  // count n and the parameter k (one varint, n * 32 + k), the first
  // number, then each later gap less one as a unary quotient and k bits.
  function decodeRice(bytes, r, fn) {
    const head = r.uvarint(), n = Math.floor(head / 32), k = head % 32;
    if (n === 0) return;
    let doc = r.uvarint();
    fn(doc);
    let bit = r.pos * 8;
    for (let i = 1; i < n; i++) {
      let v = 0;
      while ((bytes[bit >> 3] >> (7 - (bit & 7))) & 1) { v++; bit++; }
      bit++;
      for (let j = 0; j < k; j++, bit++) v = v * 2 + ((bytes[bit >> 3] >> (7 - (bit & 7))) & 1);
      doc += v + 1;
      fn(doc);
    }
    r.skip(((bit + 7) >> 3) - r.pos);
  }

  // decodeBlock calls fn(report, weight) for each posting of a block:
  // runs of one weight byte and its reports, as Rice codes in a block
  // file (rice), else as a count and that many report numbers as gaps.
  function decodeBlock(bytes, rice, fn) {
    const r = reader(bytes);
    while (!r.done()) {
      const q = r.byte();
      if (rice) {
        decodeRice(bytes, r, (d) => fn(d, q));
        continue;
      }
      let doc = 0;
      for (let c = r.uvarint(); c > 0; c--) {
        doc += r.uvarint();
        fn(doc, q);
      }
    }
  }

  // facetTerm is the term whose reports have value in facet.
  const facetTerm = (facet, value) => "\u0001" + facet + "\u0001" + value;

  class StaticIndex {
    constructor(base) {
      this.base = base;
      this.shardCache = new Map();
      this.cardCache = new Map();
      this.manifest = null;
      this.facetData = null;
    }

    async fetch(path, kind) {
      let url = this.base + path;
      if (this.manifest) url += "?v=" + this.manifest.version;
      const res = await fetch(url);
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
      return kind === "json" ? res.json() : new Uint8Array(await res.arrayBuffer());
    }

    async load() {
      if (!this.manifest) {
        const m = await this.fetch("index.json", "json");
        // Both mean the page and search/ come from different builds: a
        // cached page, or a half-copied site.
        const stale = "reload the page; if this stays, copy the whole site from one incidents build";
        if (m.format !== 4) throw new Error(`the search index has format ${m.format} and this page reads format 4: ${stale}`);
        if (m.analyzer !== "incidents-en-3") throw new Error(`the search index was analysed as ${m.analyzer} and this page analyses queries as incidents-en-3: ${stale}`);
        // The reports are numbered first to slots-1, newest first.
        m.first = m.slots - m.docs;
        this.manifest = m;
        this.term = analyzer(m.stopWords);
      }
      return this.manifest;
    }

    // shardOf returns the shard whose range holds term.
    shardOf(term) {
      const s = this.manifest.shards;
      let lo = 0, hi = s.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (compare(s[mid], term) <= 0) lo = mid; else hi = mid - 1;
      }
      return lo;
    }

    // shard fetches and parses shard i: a map from term to its entry, which
    // holds its number of reports and its first block of postings, and
    // learns more of them as later blocks are fetched.
    shard(i) {
      if (!this.shardCache.has(i)) {
        const p = this.fetch(`t/${i}.bin`).then((bytes) => {
          const r = reader(bytes);
          const terms = new Map();
          let prev = new Uint8Array(0);
          for (let n = r.uvarint(); n > 0; n--) {
            const shared = r.uvarint(), rest = r.uvarint();
            const t = new Uint8Array(shared + rest);
            t.set(prev.subarray(0, shared));
            t.set(bytes.subarray(r.pos, r.pos + rest), shared);
            r.skip(rest);
            prev = t;
            const df = r.uvarint(), len = r.uvarint();
            const e = { df, first: bytes.subarray(r.pos, r.pos + len), id: -1, blocks: 0, fetched: 0, next: 0, nextDoc: 0, known: null, order: null, set: null, pending: null };
            r.skip(len);
            if (df > this.manifest.firstBlock) {
              e.id = r.uvarint();
              e.blocks = r.uvarint();
              e.next = r.byte();
              e.nextDoc = r.uvarint();
            }
            terms.set(utf8.decode(t), e);
          }
          return terms;
        });
        p.catch(() => this.shardCache.delete(i));
        this.shardCache.set(i, p);
      }
      return this.shardCache.get(i);
    }

    async lookup(term) {
      const terms = await this.shard(this.shardOf(term));
      const e = terms.get(term) || null;
      if (e && !e.known) {
        // The postings known so far: weights by report, and the reports
        // in impact order (weight down, then number up).
        e.known = new Map();
        e.order = [];
        decodeBlock(e.first, false, (d, q) => { e.known.set(d, q); e.order.push(d); });
      }
      return e;
    }

    // completions returns the terms that start with prefix, most frequent
    // first.
    async completions(prefix, limit) {
      const first = this.shardOf(prefix), last = this.shardOf(prefix + "\u{10FFFF}");
      const found = [];
      for (let i = first; i <= last; i++) {
        for (const t of (await this.shard(i)).keys()) {
          if (t.startsWith(prefix)) found.push([t, await this.lookup(t)]);
        }
      }
      found.sort((a, b) => b[1].df - a[1].df);
      return found.slice(0, limit);
    }

    weight(q) {
      return Math.exp(q / this.manifest.weightScale - this.manifest.weightOffset);
    }

    // more fetches the next block of e's postings; it returns false when
    // e had no more. e.next and e.nextDoc are then the weight and report
    // of the first posting after those fetched (0 and 0 after the last).
    more(e) {
      if (e.pending) return e.pending;
      if (e.fetched >= e.blocks) return Promise.resolve(false);
      e.pending = this.fetch(`w/${e.id}-${e.fetched + 1}.bin`).then((bytes) => {
        const r = reader(bytes);
        const next = r.byte(), nextDoc = next > 0 ? r.uvarint() : 0;
        decodeBlock(bytes.subarray(r.pos), true, (d, q) => { e.known.set(d, q); e.order.push(d); });
        e.fetched++;
        e.next = next;
        e.nextDoc = nextDoc;
        return true;
      }).finally(() => { e.pending = null; });
      return e.pending;
    }

    // weights learns the weights of reports ds in large term e, whose
    // doc set is set, from the files of its weights in decreasing report
    // order (the oldest report's first).
    async weights(e, set, ds) {
      const per = this.manifest.weightChunk;
      if (!e.chunks) e.chunks = new Map();
      const at = ds.map((d) => {
        let lo = 0, hi = set.length - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (set[mid] < d) lo = mid + 1; else hi = mid;
        }
        return set.length - 1 - lo;
      });
      await Promise.all([...new Set(at.map((i) => Math.floor(i / per)))].map((j) => {
        if (!e.chunks.has(j)) {
          const p = this.fetch(`r/${e.id}-${j}.bin`);
          p.catch(() => e.chunks.delete(j));
          e.chunks.set(j, p);
        }
        return e.chunks.get(j);
      }));
      for (let k = 0; k < ds.length; k++) {
        const j = Math.floor(at[k] / per);
        e.known.set(ds[k], (await e.chunks.get(j))[at[k] - j * per]);
      }
    }

    // docs returns the reports holding e, in increasing order: from its
    // first block when that is all of them, else from its doc-set file
    // (a bitmap, or gaps).
    docs(e) {
      if (!e.set) {
        if (e.id < 0) {
          e.set = Promise.resolve(Uint32Array.from(e.order).sort());
        } else {
          e.set = this.fetch(`d/${e.id}.bin`).then((bytes) => {
            const out = new Uint32Array(e.df);
            let k = 0;
            if (bytes[0] === 1) {
              for (let i = 1; i < bytes.length; i++) {
                for (let b = bytes[i], bit = 0; b !== 0; b >>= 1, bit++) if (b & 1) out[k++] = (i - 1) * 8 + bit;
              }
            } else {
              const r = reader(bytes.subarray(1));
              let doc = 0;
              while (!r.done()) { doc += r.uvarint(); out[k++] = doc; }
            }
            return out;
          });
          e.set.catch(() => { e.set = null; });
        }
      }
      return e.set;
    }

    async cards(nums) {
      const per = this.manifest.cardsPerFile;
      const files = [...new Set(nums.map((n) => Math.floor(n / per)))];
      await Promise.all(files.map((f) => {
        if (!this.cardCache.has(f)) {
          const p = this.fetch(`c/${f}.json`, "json");
          p.catch(() => this.cardCache.delete(f));
          this.cardCache.set(f, p);
        }
        return this.cardCache.get(f);
      }));
      return Promise.all(nums.map(async (n) => {
        const [title, date, services, url, text] = (await this.cardCache.get(Math.floor(n / per)))[n % per];
        return { title, date, services, url, text };
      }));
    }

    // facets loads the facet terms and each report's values, for counting
    // them over a result: values[f] is an array per report of term numbers
    // into names[f].
    facets() {
      if (!this.facetData) {
        this.facetData = Promise.all([this.fetch("facets.json", "json"), this.fetch("facets.bin")]).then(([names, bin]) => {
          const order = this.manifest.facets;
          const values = order.map(() => new Array(this.manifest.slots));
          const r = reader(bin);
          for (let d = 0; d < this.manifest.slots; d++) {
            for (let f = 0; f < order.length; f++) {
              const list = [];
              for (let n = r.uvarint(); n > 0; n--) list.push(r.uvarint());
              values[f][d] = list;
            }
          }
          const byName = {};
          order.forEach((f, i) => { byName[f] = { names: names[f] || [], values: values[i] }; });
          return byName;
        });
        this.facetData.catch(() => { this.facetData = null; });
      }
      return this.facetData;
    }
  }

  // parseQuery splits a query into clauses: words, each with its terms and
  // its sign ("+" must, "-" must not, "" should). A name such as svc-0947
  // is one term, as the server searches it, not "svc" or "0947".
  function parseQuery(q, term) {
    const clauses = [];
    for (const raw of q.trim().split(/\s+/)) {
      if (raw === "") continue;
      let sign = "", text = raw;
      if ((raw[0] === "+" || raw[0] === "-") && raw.length > 1) { sign = raw[0]; text = raw.slice(1); }
      const terms = [...new Set(withNames(text, tokenize(text), false).map((w) => term(w.text, w.name)).filter((t) => t !== ""))];
      if (terms.length > 0) clauses.push({ sign, text, terms });
    }
    return clauses;
  }

  const facetParams = { services: "service", causes: "cause", sites: "site", years: "year" };

  // staticSearch runs a query against the static index. It returns the
  // number of results, page(from, count), which gives the report numbers
  // of those results in order, all(), which gives every result, and the
  // terms to highlight.
  //
  // Ranking is TF-IDF: a report's score is the sum over its terms of
  // idf² × its weight, times the share of the query's words it matches.
  // Postings come heaviest first in blocks, so the first page needs only
  // the first blocks: a report whose weight for a term is not yet known
  // is ranked by the most it could be (the heaviest weight not yet
  // fetched), and weights are fetched until the page holds only reports
  // whose scores are known, and so the same reports in the same order as
  // reading every posting. A single word needs neither its doc set nor
  // more than its first blocks.
  async function staticSearch(index, state) {
    const m = await index.load();
    const clauses = parseQuery(state.q, index.term);
    // A last word still being typed that is not a term of the index
    // stands for the terms it begins.
    const last = clauses[clauses.length - 1];
    const typing = last && last.sign !== "-" && !/\s$/.test(state.q) && last.terms.length === 1;
    await Promise.all(clauses.flatMap((c) => c.terms.map((t) => index.lookup(t))));
    for (const c of clauses) {
      c.entries = [];
      for (const t of c.terms) {
        const e = await index.lookup(t);
        if (e) c.entries.push(e);
      }
    }
    if (typing && last.entries.length === 0) {
      const prefix = lower(stripPossessive(last.text));
      if (prefix.length >= 2 && withNames(prefix, tokenize(prefix), false).length === 1) {
        const found = await index.completions(prefix, 50);
        last.terms = found.map(([t]) => t);
        last.entries = found.map(([, e]) => e);
        last.anyOf = true;
      }
    }
    // Each chosen facet value is a term; a value no report has is null.
    const filters = await Promise.all(Object.keys(facetParams).flatMap((f) => state[f].map((v) => index.lookup(facetTerm(f, v)))));
    const highlight = new Set(clauses.filter((c) => c.sign !== "-").flatMap((c) => c.terms));
    const n = m.slots, first = m.first;
    const scored = clauses.filter((c) => c.sign !== "-");
    const scoring = scored.length;
    const relevance = state.sort !== "newest" && state.sort !== "oldest" && scoring > 0;
    const idf = (e) => 1 + Math.log(m.docs / (e.df + 1));

    // One word, no filter: the term's impact order is the ranking.
    if (relevance && clauses.length === 1 && filters.length === 0 && clauses[0].entries.length <= 1) {
      const e = clauses[0].entries[0];
      if (!e) return { total: 0, page: async () => [], all: async () => [], highlight };
      return {
        total: e.df,
        highlight,
        async page(from, count) {
          while (e.order.length < from + count && await index.more(e));
          return e.order.slice(from, from + count);
        },
        all: () => index.docs(e),
      };
    }

    const matched = new Uint16Array(n);
    const musts = new Uint16Array(n);
    const excluded = new Uint8Array(n);
    const passed = new Uint16Array(n);
    let mustCount = 0;
    const sets = new Map();
    const member = new Map(); // of each scored term, a byte per report: 1 if it holds the term
    const entries = [...new Set([...clauses.flatMap((c) => c.entries), ...filters.filter((e) => e)])];
    await Promise.all(entries.map(async (e) => sets.set(e, await index.docs(e))));
    for (const c of clauses) {
      if (c.sign === "-") {
        for (const e of c.entries) for (const d of sets.get(e)) excluded[d] = 1;
        continue;
      }
      if (c.sign === "+") mustCount++;
      const inClause = new Uint8Array(n);
      for (const e of c.entries) {
        const has = new Uint8Array(n);
        for (const d of sets.get(e)) { has[d] = 1; inClause[d] = 1; }
        member.set(e, has);
      }
      for (let d = 0; d < n; d++) {
        if (!inClause[d]) continue;
        matched[d]++;
        if (c.sign === "+") musts[d]++;
      }
    }
    for (const e of filters) if (e) for (const d of sets.get(e)) passed[d]++;
    const hasWords = clauses.length > 0;
    const everything = (hasWords && scoring === 0) || !hasWords;
    const hits = [];
    for (let d = first; d < n; d++) {
      if (excluded[d]) continue;
      if (!everything) {
        if (mustCount > 0 ? musts[d] < mustCount : matched[d] === 0) continue;
      }
      if (passed[d] < filters.length) continue;
      hits.push(d);
    }
    if (state.sort === "oldest") hits.reverse();
    if (!relevance) {
      return { total: hits.length, highlight, page: async (from, count) => hits.slice(from, from + count), all: async () => hits };
    }

    // bound returns report d's score, counting each weight not yet known
    // as the heaviest it could be, and whether every weight was known. The
    // sums run in the same order whatever is known, so a known score is
    // always the same number.
    const bound = (d) => {
      let total = 0, exact = true;
      for (const c of scored) {
        let clause = 0, any = false;
        for (const e of c.entries) {
          if (!member.get(e)[d]) continue;
          let q = e.known.get(d);
          if (q === undefined) {
            // The postings not yet fetched are, in impact order, from
            // (e.next, e.nextDoc) on: a report before e.nextDoc has a
            // lighter weight than e.next.
            q = d < e.nextDoc ? e.next - 1 : e.next;
            exact = false;
          }
          const w = idf(e);
          const s = w * w * index.weight(q);
          clause = any && c.anyOf ? Math.max(clause, s) : any ? clause + s : s;
          any = true;
        }
        if (any) total += clause;
      }
      return { d, s: (total * matched[d]) / Math.max(1, scoring), exact };
    };
    let ranked = [];
    // A bound on each result's score, as the last round of rank found it
    // (at first unknown). A bound only falls as weights are learned (a
    // weight found is at most the bound it replaces, and the bounds of the
    // weights not yet fetched fall as blocks come in), so a round need not
    // score again a result whose last bound is below the k-th best score
    // it has found so far: that result cannot be on the page. A round
    // starts with the reports of the last round's page, so that the k-th
    // best score is soon near its final value: the first round scores
    // every result, the later ones those that could still be on the page.
    const upper = new Float64Array(hits.length).fill(Infinity);
    const seen = new Uint32Array(hits.length); // the round that last scored each result
    let round = 0, lastPage = [], bounded = 0; // bounded: scores computed, for the tests
    async function rank(k) {
      if (ranked.length >= Math.min(k, hits.length)) return;
      const before = (a, b) => a.s > b.s || (a.s === b.s && a.d < b.d);
      for (;;) {
        // The k best reports by bound, in order.
        const top = [];
        round++;
        const consider = (i) => {
          if (seen[i] === round || (top.length === k && upper[i] < top[k - 1].s)) return;
          seen[i] = round;
          const h = bound(hits[i]);
          h.i = i;
          bounded++;
          upper[i] = h.s;
          if (top.length === k && !before(h, top[k - 1])) return;
          let at = top.length === k ? k - 1 : top.length;
          while (at > 0 && before(h, top[at - 1])) { top[at] = top[at - 1]; at--; }
          top[at] = h;
        };
        for (const i of lastPage) consider(i);
        for (let i = 0; i < hits.length; i++) consider(i);
        lastPage = top.map((h) => h.i);
        // Learn the weights the page's reports lack: from the next block
        // of each term that lacked one, which also lowers the bound of the
        // reports not yet on the page, and once those blocks grow large,
        // also from the weights in report order.
        const missing = new Map();
        for (const h of top) {
          if (h.exact) continue;
          for (const c of scored) {
            for (const e of c.entries) {
              if (!member.get(e)[h.d] || e.known.has(h.d)) continue;
              if (!missing.has(e)) missing.set(e, []);
              missing.get(e).push(h.d);
            }
          }
        }
        if (missing.size === 0) { ranked = top.map((h) => h.d); return; }
        // The k-th best bound: a report whose bound is below it cannot be
        // on the page, whatever it lacks.
        const kth = top[top.length - 1].s;
        await Promise.all([...missing].map(([e, ds]) => {
          // While a term's next block is small, it is enough.
          const block = m.firstBlock * m.blockGrowth ** (e.fetched + 1);
          if (e.fetched < e.blocks && block <= 8 * m.firstBlock) return index.more(e);
          // After it, the weights of the page's reports, and the next
          // block, which lowers the bounds of the reports not on the page;
          // unless few reports that could still be on the page lack this
          // term's weight: then their weights alone cost less than the
          // block (a file of weights compresses to about 0.8 bytes a
          // weight, a block to about 1.1 bytes a posting).
          if (e.fetched >= e.blocks) return index.weights(e, sets.get(e), ds);
          const budget = Math.floor((1.4 * block) / m.weightChunk);
          const has = member.get(e), few = [];
          for (let i = 0; i < hits.length && few.length <= budget; i++) {
            const d = hits[i];
            if (upper[i] >= kth && has[d] && !e.known.has(d)) few.push(d);
          }
          if (few.length <= budget) return index.weights(e, sets.get(e), few);
          return Promise.all([index.more(e), index.weights(e, sets.get(e), ds)]);
        }));
      }
    }
    return {
      total: hits.length,
      highlight,
      async page(from, count) {
        await rank(from + count);
        return ranked.slice(from, from + count);
      },
      all: async () => hits,
      bounded: () => bounded,
    };
  }

  // For the tests, which search written indexes in Node.
  Object.assign(window.incidentsSearch, { StaticIndex, staticSearch });

  // facetCounts counts the facet values of the reports in docs.
  function facetCounts(facetData, docs) {
    const out = {};
    for (const f of Object.keys(facetParams)) {
      const { names, values } = facetData[f];
      const counts = new Uint32Array(names.length);
      for (const d of docs) for (const v of values[d]) counts[v]++;
      const list = [];
      counts.forEach((c, v) => { if (c > 0) list.push({ term: String(names[v][0]), count: c }); });
      list.sort((a, b) => b.count - a.count || (f === "years" ? compare(b.term, a.term) : compare(a.term, b.term)));
      out[f] = list;
    }
    return out;
  }

  // ---- Page ------------------------------------------------------------------

  const pageSize = 10;
  const root = document.getElementById("search");
  if (!root) return;
  const api = root.dataset.api || "";
  const siteRoot = root.dataset.root || "/";
  const form = root.querySelector("form");
  const input = root.querySelector("#q");
  const sortSelect = root.querySelector("#search-sort");
  const status = root.querySelector("#search-status");
  const list = root.querySelector("#search-results");
  const more = root.querySelector("#search-more");
  const facetBox = root.querySelector("#search-facets");
  const modeLine = root.querySelector("#search-mode");
  const index = api ? null : new StaticIndex(root.dataset.index || siteRoot + "search/");

  const state = { q: "", services: [], causes: [], sites: [], years: [], sort: "relevance" };
  const params = new URLSearchParams(location.search);
  state.q = params.get("q") || "";
  for (const [f, p] of Object.entries(facetParams)) state[f] = params.getAll(p).filter((v) => v !== "");
  if (state.years.length > 1) state.years = state.years.slice(0, 1);
  state.sort = ["newest", "oldest"].includes(params.get("sort")) ? params.get("sort") : "relevance";
  input.value = state.q;
  sortSelect.value = state.sort;
  root.classList.add("js");

  function writeURL() {
    const p = new URLSearchParams();
    if (state.q) p.set("q", state.q);
    for (const [f, name] of Object.entries(facetParams)) for (const v of state[f]) p.append(name, v);
    if (state.sort !== "relevance") p.set("sort", state.sort);
    const qs = p.toString();
    history.replaceState(null, "", location.pathname + (qs ? "?" + qs : ""));
  }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v; else e.setAttribute(k, v);
    }
    for (const c of children) if (c != null) e.append(c);
    return e;
  }

  // marked returns text as nodes, with the words whose term is in terms
  // inside <mark>.
  function marked(text, terms) {
    const frag = document.createDocumentFragment();
    if (!terms || terms.size === 0 || !index) { frag.append(text); return frag; }
    let at = 0;
    for (const w of withNames(text, tokenize(text), true)) {
      if (w.start < at) continue; // a part of a name marked whole
      if (terms.has(index.term(w.text, w.name))) {
        frag.append(text.slice(at, w.start), el("mark", null, text.slice(w.start, w.end)));
        at = w.end;
      }
    }
    frag.append(text.slice(at));
    return frag;
  }

  // safeSnippet turns the API's snippet HTML into nodes, keeping nothing
  // but text and <mark>.
  function safeSnippet(html) {
    const doc = new DOMParser().parseFromString("<body>" + html, "text/html");
    const frag = document.createDocumentFragment();
    const walk = (node, into) => {
      for (const c of node.childNodes) {
        if (c.nodeType === Node.TEXT_NODE) into.append(c.textContent);
        else if (c.nodeName === "MARK") { const m = el("mark"); walk(c, m); into.append(m); }
        else walk(c, into);
      }
    };
    walk(doc.body, frag);
    return frag;
  }

  function renderHit(hit, highlight) {
    const title = el("a", { href: hit.url }, hit.snippetHTML === undefined ? marked(hit.title, highlight) : hit.title);
    const meta = el("p", { class: "meta" }, el("time", { datetime: hit.date }, hit.date));
    if (hit.services.length > 0) meta.append(" · " + hit.services.join(", "));
    const snippet = el("p", { class: "snippet" }, hit.snippetHTML !== undefined ? safeSnippet(hit.snippetHTML) : marked(hit.text, highlight));
    return el("li", null, el("h2", null, title), meta, snippet);
  }

  const facetTitles = { services: "Services", causes: "Causes", sites: "Sites", years: "Year" };
  const shown = { services: 8, causes: 8, sites: 8, years: 8 };

  function renderFacets(facets) {
    facetBox.replaceChildren();
    if (!facets) return;
    for (const f of Object.keys(facetParams)) {
      const chosen = state[f];
      let terms = facets[f] || [];
      for (const v of chosen) if (!terms.some((t) => t.term === v)) terms = terms.concat([{ term: v, count: 0 }]);
      if (terms.length === 0) continue;
      const visible = terms.filter((t, i) => i < shown[f] || chosen.includes(t.term));
      const fs = el("fieldset", { class: "facet" }, el("legend", null, facetTitles[f]));
      const ul = el("ul");
      for (const t of visible) {
        const id = `facet-${f}-${t.term}`.replace(/[^A-Za-z0-9_-]/g, "_");
        const box = el("input", { type: "checkbox", id, value: t.term });
        box.checked = chosen.includes(t.term);
        box.addEventListener("change", () => {
          if (box.checked) state[f] = f === "years" ? [t.term] : chosen.concat([t.term]);
          else state[f] = chosen.filter((v) => v !== t.term);
          run({ refocus: id });
        });
        ul.append(el("li", null, box, el("label", { for: id }, t.term, " ", el("span", { class: "count" }, String(t.count)))));
      }
      fs.append(ul);
      if (terms.length > visible.length) {
        const btn = el("button", { type: "button", class: "link" }, `Show more (${terms.length - visible.length})`);
        btn.addEventListener("click", () => { shown[f] += 24; renderFacets(facets); facetBox.querySelector(`#${CSS.escape(ul.lastChild.firstChild.id)}`)?.focus(); });
        fs.append(btn);
      }
      facetBox.append(fs);
    }
  }

  let seq = 0;
  let current = null; // the shown result: how to get its next page

  async function run(opts = {}) {
    const mine = ++seq;
    writeURL();
    const empty = state.q.trim() === "" && !Object.keys(facetParams).some((f) => state[f].length > 0);
    if (empty) {
      current = null;
      list.replaceChildren();
      more.hidden = true;
      status.textContent = "Type words to search the reports, or choose a filter.";
      if (index) {
        try { await index.load(); renderFacets(facetCounts(await index.facets(), allDocs())); } catch (e) { fail(e); }
      }
      return;
    }
    status.textContent = "Searching…";
    try {
      if (api) {
        const page = await apiPage(1);
        if (mine !== seq) return;
        current = { total: page.total, shown: 0, next: 2, highlight: null, source: "api" };
        show(page.hits, true);
        renderFacets(page.facets);
      } else {
        const res = await staticSearch(index, state);
        if (mine !== seq) return;
        current = { total: res.total, res, shown: 0, highlight: res.highlight, source: "static" };
        show(await staticHits(0), true);
        if (mine !== seq) return;
        // The facet counts come after the first results.
        const [facetData, docs] = await Promise.all([index.facets(), res.all()]);
        if (mine !== seq) return;
        renderFacets(facetCounts(facetData, docs));
      }
      if (opts.refocus) document.getElementById(opts.refocus)?.focus();
    } catch (e) {
      if (mine === seq) fail(e);
    }
  }

  function allDocs() {
    const m = index.manifest;
    return Array.from({ length: m.docs }, (_, i) => m.first + i);
  }

  async function staticHits(from) {
    const nums = await current.res.page(from, pageSize);
    const cards = await index.cards(nums);
    return cards.map((c) => ({ ...c, url: siteRoot + c.url }));
  }

  async function apiPage(page) {
    const p = new URLSearchParams();
    p.set("q", state.q);
    for (const [f, name] of Object.entries(facetParams)) for (const v of state[f]) p.append(name, v);
    p.set("sort", state.sort);
    p.set("page", String(page));
    p.set("size", String(pageSize));
    if (page > 1) p.set("facets", "0"); // the first page brought them
    const res = await fetch(api + "?" + p.toString(), { headers: { Accept: "application/json" } });
    let body;
    try { body = await res.json(); } catch { body = {}; }
    if (!res.ok) throw new Error(body.error || `the search API answered HTTP ${res.status}`);
    body.hits = (body.hits || []).map((h) => ({
      title: h.title, date: (h.start || "").slice(0, 10), services: h.services || [], url: h.url, snippetHTML: h.snippet || "",
    }));
    return body;
  }

  function show(hits, replace) {
    const items = hits.map((h) => renderHit(h, current.highlight));
    if (replace) list.replaceChildren(...items); else list.append(...items);
    current.shown += hits.length;
    const total = current.total;
    status.textContent = total === 0 ? "No reports match." :
      `${total.toLocaleString("en")} ${total === 1 ? "report matches" : "reports match"}` +
      (current.shown < total ? `; showing ${current.shown}.` : ".");
    more.hidden = current.shown >= total;
    return items;
  }

  more.addEventListener("click", async () => {
    if (!current) return;
    const mine = seq;
    try {
      let hits;
      if (current.source === "api") {
        const page = await apiPage(current.next++);
        hits = page.hits;
      } else {
        hits = await staticHits(current.shown);
      }
      if (mine !== seq) return;
      const items = show(hits, false);
      items[0]?.querySelector("a")?.focus();
    } catch (e) {
      fail(e);
    }
  });

  function fail(e) {
    status.textContent = "Search failed: " + (e && e.message ? e.message : String(e));
    if (index) {
      modeLine.textContent = "The static index in search/ could not be loaded or read. " + status.textContent;
    }
  }

  let timer = 0;
  input.addEventListener("input", () => {
    state.q = input.value;
    clearTimeout(timer);
    timer = setTimeout(run, 150);
  });
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearTimeout(timer);
    state.q = input.value;
    run();
  });
  sortSelect.addEventListener("change", () => {
    state.sort = sortSelect.value;
    run();
  });
  run();
})();
