//! Small text helpers every stage shares: HTML escaping and entity decoding, CJK detection, word
//! counts, shortening at a word, "did you mean" by edit distance. Pure functions over strings; no
//! knowledge of the site.

/// Escapes text for HTML and XML content and quoted attributes. Unlike Tera's default it leaves `/`
/// alone, so URLs stay readable in the page source.
pub(crate) fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    // Copies the runs between special bytes whole: Tera calls this for every `{{ }}`, and pushing
    // one char at a time was 5% of a build (bench/RESULTS.md). The special bytes are ASCII, so the
    // slice bounds are always char boundaries.
    let mut plain = 0;
    for (i, b) in input.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&input[plain..i]);
        out.push_str(entity);
        plain = i + 1;
    }
    out.push_str(&input[plain..]);
    out
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
