//! The Porter (1980) stemmer, as in Martin Porter's reference C implementation: "hospitals" and
//! "hospital" both become "hospit". `static/assets/search.js` carries a line-for-line port that
//! stems queries; `tests/it/search.rs` runs both on one word list and compares. Owns only the
//! stemming of one lowercase ASCII word; never tokenises.

/// The stem of `word`. Words that are not plain lowercase ASCII letters (CJK, accents, digits)
/// and words of one or two letters come back as they are.
pub(crate) fn stem(word: &str) -> String {
    if word.len() <= 2 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return word.to_string();
    }
    let mut s = Stemmer {
        b: word.as_bytes().to_vec(),
        j: 0,
    };
    s.step1ab();
    if s.b.len() > 1 {
        s.step1c();
        s.step2();
        s.step3();
        s.step4();
        s.step5();
    }
    String::from_utf8(s.b).expect("ASCII in, ASCII out")
}

struct Stemmer {
    b: Vec<u8>,
    /// End (exclusive) of the stem before the suffix `ends` last found; the reference's `j + 1`.
    j: usize,
}

impl Stemmer {
    fn k(&self) -> usize {
        self.b.len() - 1
    }

    fn cons(&self, i: usize) -> bool {
        match self.b[i] {
            b'a' | b'e' | b'i' | b'o' | b'u' => false,
            b'y' => i == 0 || !self.cons(i - 1),
            _ => true,
        }
    }

    /// The number of vowel-consonant sequences in `b[..j]`.
    fn m(&self) -> usize {
        let (mut n, mut i, end) = (0, 0, self.j);
        loop {
            if i >= end {
                return n;
            }
            if !self.cons(i) {
                break;
            }
            i += 1;
        }
        i += 1;
        loop {
            loop {
                if i >= end {
                    return n;
                }
                if self.cons(i) {
                    break;
                }
                i += 1;
            }
            i += 1;
            n += 1;
            loop {
                if i >= end {
                    return n;
                }
                if !self.cons(i) {
                    break;
                }
                i += 1;
            }
            i += 1;
        }
    }

    fn vowel_in_stem(&self) -> bool {
        (0..self.j).any(|i| !self.cons(i))
    }

    fn double_c(&self, i: usize) -> bool {
        i >= 1 && self.b[i] == self.b[i - 1] && self.cons(i)
    }

    /// Consonant-vowel-consonant ending at `i`, the last not w, x or y.
    fn cvc(&self, i: usize) -> bool {
        if i < 2 || !self.cons(i) || self.cons(i - 1) || !self.cons(i - 2) {
            return false;
        }
        !matches!(self.b[i], b'w' | b'x' | b'y')
    }

    fn ends(&mut self, s: &str) -> bool {
        if s.len() > self.b.len() || !self.b.ends_with(s.as_bytes()) {
            return false;
        }
        self.j = self.b.len() - s.len();
        true
    }

    fn set_to(&mut self, s: &str) {
        self.b.truncate(self.j);
        self.b.extend_from_slice(s.as_bytes());
    }

    fn r(&mut self, s: &str) {
        if self.m() > 0 {
            self.set_to(s);
        }
    }

    fn step1ab(&mut self) {
        if self.b[self.k()] == b's' {
            if self.ends("sses") {
                self.b.truncate(self.b.len() - 2);
            } else if self.ends("ies") {
                self.set_to("i");
            } else if self.b[self.k() - 1] != b's' {
                self.b.pop();
            }
        }
        if self.ends("eed") {
            if self.m() > 0 {
                self.b.pop();
            }
        } else if (self.ends("ed") || self.ends("ing")) && self.vowel_in_stem() {
            self.b.truncate(self.j);
            if self.ends("at") {
                self.set_to("ate");
            } else if self.ends("bl") {
                self.set_to("ble");
            } else if self.ends("iz") {
                self.set_to("ize");
            } else if self.double_c(self.k()) {
                if !matches!(self.b[self.k()], b'l' | b's' | b'z') {
                    self.b.pop();
                }
            } else {
                self.j = self.b.len();
                if self.m() == 1 && self.cvc(self.k()) {
                    self.set_to("e");
                }
            }
        }
    }

    fn step1c(&mut self) {
        if self.ends("y") && self.vowel_in_stem() {
            let k = self.k();
            self.b[k] = b'i';
        }
    }

    /// Replaces the first of `pairs`' suffixes the word ends with, when the stem before it has
    /// m > 0. Later suffixes are not tried once one matched, as in the reference.
    fn replace_first(&mut self, pairs: &[(&str, &str)]) {
        for (from, to) in pairs {
            if self.ends(from) {
                self.r(to);
                return;
            }
        }
    }

    fn step2(&mut self) {
        let pairs: &[(&str, &str)] = match self.b[self.k() - 1] {
            b'a' => &[("ational", "ate"), ("tional", "tion")],
            b'c' => &[("enci", "ence"), ("anci", "ance")],
            b'e' => &[("izer", "ize")],
            b'l' => &[
                ("bli", "ble"),
                ("alli", "al"),
                ("entli", "ent"),
                ("eli", "e"),
                ("ousli", "ous"),
            ],
            b'o' => &[("ization", "ize"), ("ation", "ate"), ("ator", "ate")],
            b's' => &[
                ("alism", "al"),
                ("iveness", "ive"),
                ("fulness", "ful"),
                ("ousness", "ous"),
            ],
            b't' => &[("aliti", "al"), ("iviti", "ive"), ("biliti", "ble")],
            b'g' => &[("logi", "log")],
            _ => &[],
        };
        self.replace_first(pairs);
    }

    fn step3(&mut self) {
        let pairs: &[(&str, &str)] = match self.b[self.k()] {
            b'e' => &[("icate", "ic"), ("ative", ""), ("alize", "al")],
            b'i' => &[("iciti", "ic")],
            b'l' => &[("ical", "ic"), ("ful", "")],
            b's' => &[("ness", "")],
            _ => &[],
        };
        self.replace_first(pairs);
    }

    fn step4(&mut self) {
        let suffixes: &[&str] = match self.b[self.k() - 1] {
            b'a' => &["al"],
            b'c' => &["ance", "ence"],
            b'e' => &["er"],
            b'i' => &["ic"],
            b'l' => &["able", "ible"],
            b'n' => &["ant", "ement", "ment", "ent"],
            b'o' => &["ion", "ou"],
            b's' => &["ism"],
            b't' => &["ate", "iti"],
            b'u' => &["ous"],
            b'v' => &["ive"],
            b'z' => &["ize"],
            _ => &[],
        };
        let mut found = false;
        for s in suffixes {
            if self.ends(s) {
                // "ion" counts only after s or t.
                found = *s != "ion" || (self.j > 0 && matches!(self.b[self.j - 1], b's' | b't'));
                if found {
                    break;
                }
            }
        }
        if found && self.m() > 1 {
            self.b.truncate(self.j);
        }
    }

    fn step5(&mut self) {
        self.j = self.b.len();
        if self.b[self.k()] == b'e' {
            let a = self.m();
            if a > 1 || (a == 1 && !self.cvc(self.k() - 1)) {
                self.b.pop();
            }
        }
        self.j = self.b.len();
        if self.b[self.k()] == b'l' && self.double_c(self.k()) && self.m() > 1 {
            self.b.pop();
        }
    }
}

/// Words and their stems from Porter's paper and his published vocabulary; the browser test and
/// `tests/it/search.rs` check the script's port against the same list.
#[cfg(test)]
pub(crate) const SAMPLES: &[(&str, &str)] = &[
    ("caresses", "caress"),
    ("ponies", "poni"),
    ("ties", "ti"),
    ("caress", "caress"),
    ("cats", "cat"),
    ("feed", "feed"),
    ("agreed", "agre"),
    ("plastered", "plaster"),
    ("bled", "bled"),
    ("motoring", "motor"),
    ("sing", "sing"),
    ("conflated", "conflat"),
    ("troubled", "troubl"),
    ("sized", "size"),
    ("hopping", "hop"),
    ("tanned", "tan"),
    ("falling", "fall"),
    ("hissing", "hiss"),
    ("fizzed", "fizz"),
    ("failing", "fail"),
    ("filing", "file"),
    ("happy", "happi"),
    ("sky", "sky"),
    ("relational", "relat"),
    ("conditional", "condit"),
    ("rational", "ration"),
    ("valenci", "valenc"),
    ("digitizer", "digit"),
    ("conformabli", "conform"),
    ("radicalli", "radic"),
    ("differentli", "differ"),
    ("vileli", "vile"),
    ("analogousli", "analog"),
    ("vietnamization", "vietnam"),
    ("predication", "predic"),
    ("operator", "oper"),
    ("feudalism", "feudal"),
    ("decisiveness", "decis"),
    ("hopefulness", "hope"),
    ("callousness", "callous"),
    ("formaliti", "formal"),
    ("sensitiviti", "sensit"),
    ("sensibiliti", "sensibl"),
    ("triplicate", "triplic"),
    ("formative", "form"),
    ("formalize", "formal"),
    ("electriciti", "electr"),
    ("electrical", "electr"),
    ("hopeful", "hope"),
    ("goodness", "good"),
    ("revival", "reviv"),
    ("allowance", "allow"),
    ("inference", "infer"),
    ("airliner", "airlin"),
    ("gyroscopic", "gyroscop"),
    ("adjustable", "adjust"),
    ("defensible", "defens"),
    ("irritant", "irrit"),
    ("replacement", "replac"),
    ("adjustment", "adjust"),
    ("dependent", "depend"),
    ("adoption", "adopt"),
    ("homologou", "homolog"),
    ("communism", "commun"),
    ("activate", "activ"),
    ("angulariti", "angular"),
    ("homologous", "homolog"),
    ("effective", "effect"),
    ("bowdlerize", "bowdler"),
    ("probate", "probat"),
    ("rate", "rate"),
    ("cease", "ceas"),
    ("controll", "control"),
    ("roll", "roll"),
    ("hospitals", "hospit"),
    ("hospital", "hospit"),
    ("generalizations", "gener"),
    ("oscillators", "oscil"),
    ("companies", "compani"),
    ("company", "compani"),
    ("trillions", "trillion"),
    ("modelscope", "modelscop"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn porter_samples() {
        for (word, want) in SAMPLES {
            assert_eq!(stem(word), *want, "stem of {word}");
        }
    }

    #[test]
    fn non_letters_are_left_alone() {
        assert_eq!(stem("h100s"), "h100s");
        assert_eq!(stem("华为云"), "华为云");
        assert_eq!(stem("as"), "as");
    }

    /// The search script finds the first matching word of a result's text by looking only at
    /// words that start with a query word's first letter: that holds because a stem keeps its
    /// word's first letter. Every word of up to five letters from an alphabet of vowels, `y`
    /// and the consonants the suffix rules test, and the samples, are checked.
    #[test]
    fn every_stem_keeps_its_words_first_letter() {
        const LETTERS: &[u8] = b"aeiouybcdglnst";
        let mut words: Vec<String> = SAMPLES.iter().map(|(w, _)| w.to_string()).collect();
        let mut level = vec![String::new()];
        for _ in 0..5 {
            level = level
                .iter()
                .flat_map(|w| LETTERS.iter().map(move |&c| format!("{w}{}", c as char)))
                .collect();
            words.extend(level.iter().cloned());
        }
        for suffix in [
            "ational", "ies", "sses", "eed", "ing", "ed", "izer", "ousness",
        ] {
            words.extend(LETTERS.iter().map(|&c| format!("{}{suffix}", c as char)));
            words.push(suffix.to_string());
        }
        for w in &words {
            let s = stem(w);
            assert_eq!(s.chars().next(), w.chars().next(), "stem of {w} is {s}");
        }
    }
}
