//! Small text helpers every stage shares: HTML escaping and entity decoding, CJK detection, word
//! counts, shortening at a word, "did you mean" by edit distance. Pure functions over strings; no
//! knowledge of the site.

/// Escapes text for HTML and XML content and quoted attributes. Unlike Tera's default it leaves `/`
/// alone, so URLs stay readable in the page source. Characters no page or feed may carry are
/// dealt with as `unwritable_at` says: this is Tera's escaper, so every value a template prints
/// is clean.
pub(crate) fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    // Copies the runs between special bytes whole: Tera calls this for every `{{ }}`, and pushing
    // one char at a time was 5% of a build (bench/RESULTS.md). The special bytes are ASCII or the
    // first byte of a character, so the slice bounds are always char boundaries.
    let bytes = input.as_bytes();
    let mut plain = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !SPECIAL[b as usize] {
            continue;
        }
        let (entity, len) = match b {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&#39;", 1),
            _ => match unwritable_at(bytes, i) {
                Some(found) => found,
                None => continue,
            },
        };
        out.push_str(&input[plain..i]);
        out.push_str(entity);
        plain = i + len;
    }
    out.push_str(&input[plain..]);
    out
}

/// The bytes `escape_html` or `unwritable_at` may act on: the five HTML specials, the controls
/// and the first bytes of the C1 controls and of U+FFFE/U+FFFF. One table look-up lets the scan
/// skip every other byte (most of a page) at a few instructions each.
const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = !matches!(b as u8, b'\t' | b'\n' | b'\r');
        b += 1;
    }
    t[0x7f] = true;
    t[0xc2] = true;
    t[0xef] = true;
    t[b'&' as usize] = true;
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[b'"' as usize] = true;
    t[b'\'' as usize] = true;
    t
};

/// What a page or feed carries instead of the character that starts at byte `i`, with that
/// character's length in bytes; None when it may be written. The characters no page or feed may
/// carry: the C0 controls but tab, line feed and carriage return, DEL, the C1 controls and the
/// noncharacters U+FFFE and U+FFFF. XML 1.0 forbids most of them outright (a feed with one does
/// not parse) and HTML reads every one as a parse error. Those that end a line (vertical tab,
/// form feed, next line U+0085) become a space, so the words either side stay apart; the others
/// are dropped. Reads bytes, never decodes: it runs on every byte of every page.
fn unwritable_at(bytes: &[u8], i: usize) -> Option<(&'static str, usize)> {
    match bytes[i] {
        b'\t' | b'\n' | b'\r' => None,
        0x0b | 0x0c => Some((" ", 1)),
        0..=0x1f | 0x7f => Some(("", 1)),
        0xc2 => match bytes.get(i + 1) {
            Some(0x85) => Some((" ", 2)),
            Some(0x80..=0x9f) => Some(("", 2)),
            _ => None,
        },
        0xef => match (bytes.get(i + 1), bytes.get(i + 2)) {
            (Some(0xbf), Some(0xbe | 0xbf)) => Some(("", 3)),
            _ => None,
        },
        _ => None,
    }
}

/// `text` without the characters no page or feed may carry (see `unwritable_at`), borrowed when it
/// has none. For HTML that is already escaped (rendered bodies); `escape_html` does the same for
/// text.
pub(crate) fn clean_controls(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut plain = 0;
    for i in 0..bytes.len() {
        if !SPECIAL[bytes[i] as usize] {
            continue;
        }
        if let Some((with, len)) = unwritable_at(bytes, i) {
            out.push_str(&text[plain..i]);
            out.push_str(with);
            plain = i + len;
        }
    }
    if plain == 0 {
        return text.into();
    }
    out.push_str(&text[plain..]);
    out.into()
}

/// Prose as a typesetter writes it: straight quotes curled (“ ” ‘ ’, an apostrophe ’), `--` an
/// en dash, `---` an em dash, `...` an ellipsis. The one implementation for bodies and for
/// front-matter text shown on pages; never for code, raw HTML's literal elements, URLs or ids.
/// `prev` is the character before `text` (None at the start of a block), so a quote split from
/// its word by markup (`"*word*"`) still pairs; it is left at the last character of `text`.
pub(crate) fn smarten(text: &str, prev: &mut Option<char>) -> String {
    let Some(first) = text.bytes().position(is_smartened) else {
        *prev = text.chars().next_back().or(*prev);
        return text.to_string();
    };
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut i = 0;
    let mut special = Some(first);
    // Plain runs are copied whole, not a character at a time: most of a body's text has no
    // quote, hyphen or full stop in it.
    while let Some(at) = special {
        if at > i {
            out.push_str(&text[i..at]);
            *prev = text[i..at].chars().next_back();
        }
        let c = char::from(text.as_bytes()[at]);
        let rest = &text[at + 1..];
        i = at + 1;
        match c {
            '"' | '\'' => out.push(curl(c, *prev, rest.chars().next())),
            '.' if rest.starts_with("..") => {
                out.push('…');
                i += 2;
            }
            '-' if rest.starts_with('-') => {
                let n = 1 + rest.bytes().take_while(|&b| b == b'-').count();
                out.push_str(&dashes(n));
                i += n - 1;
            }
            _ => out.push(c),
        }
        *prev = out.chars().next_back();
        special = text.as_bytes()[i..]
            .iter()
            .position(|&b| is_smartened(b))
            .map(|n| i + n);
    }
    if i < text.len() {
        out.push_str(&text[i..]);
        *prev = text[i..].chars().next_back();
    }
    out
}

/// The bytes `smarten` may change: everything else is copied as it is.
fn is_smartened(b: u8) -> bool {
    matches!(b, b'"' | b'\'' | b'-' | b'.')
}

/// A run of `n` (at least two) hyphens as dashes, as CommonMark's smart punctuation writes it:
/// em dashes where the run divides by three, else en dashes where it divides by two, else em
/// dashes and then one or two en dashes.
fn dashes(n: usize) -> String {
    let (em, en) = if n % 3 == 0 {
        (n / 3, 0)
    } else if n % 2 == 0 {
        (0, n / 2)
    } else if n % 3 == 2 {
        (n / 3, 1)
    } else {
        (n / 3 - 1, 2)
    };
    "—".repeat(em) + &"–".repeat(en)
}

/// A straight quote curled by its neighbours: it opens after a space, an opening bracket, a
/// dash or another opening quote (or at the start), and closes otherwise; `'` after a letter or
/// digit is an apostrophe. A quote with space on both sides stays straight (the end of `text`
/// is not a space: markup may follow).
fn curl(c: char, prev: Option<char>, next: Option<char>) -> char {
    let opens_after =
        |p: Option<char>| p.is_none_or(|p| p.is_whitespace() || "([{‘“-–—/".contains(p));
    if opens_after(prev) && next.is_some_and(char::is_whitespace) {
        return c;
    }
    let opening = opens_after(prev) && !(c == '\'' && prev.is_some_and(char::is_alphanumeric));
    match (c, opening) {
        ('"', true) => '“',
        ('"', false) => '”',
        (_, true) => '‘',
        (_, false) => '’',
    }
}

/// `text` safe to print on a terminal: control characters (but line feed and tab) and the
/// characters that reorder text on screen (bidi overrides and isolates) are written as escapes,
/// `\u{1b}`, so a file name cannot recolour, rewrite or hide what is printed around it.
pub(crate) fn escape_terminal(text: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(hidden) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hidden(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out.into()
}

pub(crate) fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// `&amp;`, `&quot;`, `&#39;`, `&#x2F;` and friends, as browsers read them in attribute values
/// (and in text: the search index reads article text through it too).
pub(crate) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                n if n.starts_with("#x") || n.starts_with("#X") => u32::from_str_radix(&n[2..], 16)
                    .ok()
                    .and_then(char::from_u32),
                n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Words as a reader counts them: runs of letters, and each CJK character on its own.
pub(crate) fn count_words(text: &str) -> usize {
    let mut n = 0;
    let mut in_word = false;
    // ASCII bytes are classified directly: decoding every char showed up as a tenth of a build's
    // instructions in the profile (bench/RESULTS.md).
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii() {
            i += 1;
            if b.is_ascii_alphanumeric() {
                n += usize::from(!in_word);
                in_word = true;
            } else if b != b'\'' && b != b'-' {
                in_word = false;
            }
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        if is_cjk(c) {
            n += 1;
            in_word = false;
        } else if c.is_alphanumeric() {
            n += usize::from(!in_word);
            in_word = true;
        } else if c != '’' {
            in_word = false;
        }
    }
    n
}

/// The reference definition of `count_words`, one char at a time; the tests hold the two equal.
/// The candidate closest to `needle` by edit distance, if it is close enough to be a likely typo.
pub(crate) fn did_you_mean<'a>(
    needle: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (needle.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (edit_distance(needle, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// Levenshtein distance over chars; small inputs only (ids, paths).
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
fn count_words_by_char(text: &str) -> usize {
    let mut n = 0;
    let mut in_word = false;
    for c in text.chars() {
        if is_cjk(c) {
            n += 1;
            in_word = false;
        } else if c.is_alphanumeric() {
            if !in_word {
                n += 1;
            }
            in_word = true;
        } else if c != '\'' && c != '-' && c != '’' {
            in_word = false;
        }
    }
    n
}

pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF)
}

/// At most `max` chars, cut at a word boundary, with an ellipsis when cut.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => &cut[..],
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_skip_table_marks_every_byte_the_escaper_acts_on() {
        let followers = [0x00, 0x80, 0x85, 0x9f, 0xbe, 0xbf, b'a'];
        for b in 0..=255u8 {
            let acts = b"&<>\"'".contains(&b)
                || followers.iter().any(|&f1| {
                    followers
                        .iter()
                        .any(|&f2| unwritable_at(&[b, f1, f2], 0).is_some())
                });
            assert!(!acts || SPECIAL[b as usize], "byte {b:#04x} is skipped");
        }
    }

    #[test]
    fn escape_html_escapes_markup_and_keeps_slashes_and_unicode() {
        assert_eq!(
            escape_html(r#"<a href="/x/?a=1&b='2'">通义 — ok</a>"#),
            "&lt;a href=&quot;/x/?a=1&amp;b=&#39;2&#39;&quot;&gt;通义 — ok&lt;/a&gt;"
        );
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("&"), "&amp;");
        assert_eq!(escape_html("plain 文字"), "plain 文字");
    }

    #[test]
    fn escape_html_and_clean_controls_drop_what_xml_and_html_forbid() {
        let text = "a\u{1}b\u{b}c\u{c}d\u{1f}e\u{7f}f\u{85}g\u{9f}h\u{fffe}i\u{ffff}j\t\n\r k";
        let clean = "ab c def ghij\t\n\r k";
        assert_eq!(clean_controls(text), clean);
        assert_eq!(escape_html(text), clean);
        assert_eq!(escape_html("<\u{1}&"), "&lt;&amp;");
        // Neighbours of the special lead bytes are kept.
        let kept = "© « é ￼ ｡ 全角 \u{a0} \u{fffd}";
        assert_eq!(clean_controls(kept), kept);
        assert!(matches!(
            clean_controls(kept),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(escape_html(kept), kept);
    }

    /// `smarten` as it was written first, a character at a time: the reference the run-copying
    /// one is held to.
    fn smarten_by_chars(text: &str, prev: &mut Option<char>) -> String {
        let mut out = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            let next = chars.peek().copied();
            match c {
                '"' | '\'' => out.push(curl(c, *prev, next)),
                '.' if text_starts(&mut chars, "..") => out.push('…'),
                '-' if next == Some('-') => {
                    let mut n = 1;
                    while chars.next_if_eq(&'-').is_some() {
                        n += 1;
                    }
                    out.push_str(&dashes(n));
                }
                _ => out.push(c),
            }
            *prev = out.chars().next_back();
        }
        out
    }

    /// Consumes `rest` from `chars` if they come next.
    fn text_starts(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, rest: &str) -> bool {
        let ahead = chars.clone();
        if ahead.take(rest.len()).eq(rest.chars()) {
            for _ in 0..rest.len() {
                chars.next();
            }
            return true;
        }
        false
    }

    #[test]
    fn smarten_copying_runs_matches_the_char_loop() {
        // Every string of up to four pieces from these, which hold each special byte next to
        // plain text, other specials, spaces, brackets, dashes and multi-byte letters.
        let pieces = [
            "", "a", "\"", "'", "-", ".", "..", "--", " ", "(", "é", "通", "9", "—", "x'y", "\n",
        ];
        let mut cases = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = cases
                .iter()
                .flat_map(|c| pieces.iter().map(move |p| format!("{c}{p}")))
                .collect();
            cases.extend(longer);
            cases.sort();
            cases.dedup();
        }
        assert!(cases.len() > 10_000, "{} cases", cases.len());
        for text in &cases {
            for before in [None, Some(' '), Some('a'), Some('(')] {
                let (mut fast, mut slow) = (before, before);
                let got = smarten(text, &mut fast);
                let want = smarten_by_chars(text, &mut slow);
                assert_eq!(got, want, "{text:?} after {before:?}");
                assert_eq!(fast, slow, "prev after {text:?}");
            }
        }
    }

    #[test]
    fn smarten_curls_quotes_and_sets_dashes_and_ellipses() {
        let s = |t: &str| smarten(t, &mut None);
        assert_eq!(
            s(r#""Hi," she said. 'It's the desk's -- or---no...' (“x”) "#),
            "“Hi,” she said. ‘It’s the desk’s – or—no…’ (“x”) "
        );
        assert_eq!(s("a \" b ' c"), "a \" b ' c", "a lone quote stays straight");
        assert_eq!(s("-"), "-");
        for (n, want) in [
            (2, "–"),
            (3, "—"),
            (4, "––"),
            (5, "—–"),
            (6, "——"),
            (7, "—––"),
        ] {
            assert_eq!(s(&"-".repeat(n)), want, "{n} hyphens");
        }
        // Split by markup: `"*word*"` pairs through `prev`.
        let mut prev = None;
        assert_eq!(smarten("\"", &mut prev), "“");
        assert_eq!(smarten("word", &mut prev), "word");
        assert_eq!(smarten("\".", &mut prev), "”.");
    }

    #[test]
    fn escape_terminal_shows_control_and_bidi_characters_as_escapes() {
        assert_eq!(
            escape_terminal("a\u{1b}[31mb\rc\u{7f}\u{9b}\u{202e}d\ne\tf"),
            "a\\u{1b}[31mb\\u{d}c\\u{7f}\\u{9b}\\u{202e}d\ne\tf"
        );
        assert!(matches!(
            escape_terminal("plain 文字"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn decodes_entities() {
        assert_eq!(
            decode_entities("/a&#x2F;b&amp;c&#47;&bogus;"),
            "/a/b&c/&bogus;"
        );
    }

    #[test]
    fn counts_words_and_cjk() {
        assert_eq!(count_words("Huawei Cloud's Pangu model"), 4);
        assert_eq!(count_words("阿里云 Tongyi"), 4);
    }

    #[test]
    fn ascii_fast_path_counts_like_the_char_loop() {
        for text in [
            "",
            "Huawei Cloud's Pangu model",
            "阿里云 Tongyi",
            "Tongyi阿里云Qwen-2 l’été — naïve café, 2024年发布 x",
            "ends in é",
            "é starts",
            "a’b c'd e-f ’ - '",
            "Ünïcödé wörds ＡＢＣ ١٢٣ and 42",
        ] {
            assert_eq!(count_words(text), count_words_by_char(text), "{text:?}");
        }
    }

    #[test]
    fn shortens_at_words() {
        assert_eq!(shorten("one two three four", 9), "one two…");
        assert_eq!(shorten("short", 9), "short");
    }
}

#[cfg(test)]
mod dym_tests {
    use super::*;

    #[test]
    fn suggests_close_ids_only() {
        let ids = ["alibaba-cloud", "huawei-cloud", "baidu"];
        assert_eq!(did_you_mean("alibaba-clod", ids), Some("alibaba-cloud"));
        assert_eq!(did_you_mean("tencent", ids), None);
    }
}
