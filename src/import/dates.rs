//! Dates written in plain text: `2023-09-25`, `2023/9/25`, `September 25, 2023`, `Sept. 25 2023`,
//! `25 September 2023`, `2023年9月25日`. Pure.

use super::words::words;
use chrono::NaiveDate;

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month_number(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| {
            *m == w || (w.len() <= 4 && m.starts_with(&w) && (w.len() == 3 || w == "sept"))
        })
        .map(|i| i as u32 + 1)
}

fn day_number(word: &str) -> Option<u32> {
    let d = word.trim_end_matches(['s', 't', 'n', 'd', 'r', 'h']);
    (d.len() <= 2 && !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        .then(|| d.parse().ok())
        .flatten()
}

fn year_number(word: &str) -> Option<i32> {
    (word.len() == 4 && word.bytes().all(|b| b.is_ascii_digit()))
        .then(|| word.parse().ok())
        .flatten()
        .filter(|y| (1900..=2200).contains(y))
}

/// The first full calendar date in `text`, with its 1-based line and the text it was read from.
/// Understands `2023-09-25`, `2023/9/25`, `September 25, 2023`, `Sept. 25 2023`, `25 September
/// 2023` and `2023年9月25日`. A month and day without a year is not a date.
pub fn find_date(text: &str) -> Option<(NaiveDate, usize, String)> {
    for (i, line) in text.split('\n').enumerate() {
        if let Some((d, s)) = date_in_line(line) {
            return Some((d, i + 1, s));
        }
    }
    None
}

fn date_in_line(line: &str) -> Option<(NaiveDate, String)> {
    let mut found: Vec<(usize, NaiveDate, String)> = Vec::new();
    // Numeric forms: YYYY-MM-DD, YYYY/MM/DD, YYYY年M月D日.
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    for k in 0..chars.len() {
        if k > 0 && chars[k - 1].1.is_ascii_digit() {
            continue;
        }
        let digits = |from: usize, max: usize| -> (usize, u32) {
            let mut n = 0u32;
            let mut j = from;
            while j < chars.len() && j - from < max && chars[j].1.is_ascii_digit() {
                n = n * 10 + chars[j].1.to_digit(10).unwrap_or(0);
                j += 1;
            }
            (j, n)
        };
        let (j, year) = digits(k, 4);
        if j - k != 4 || !(1900..=2200).contains(&year) {
            continue;
        }
        let Some(&(_, sep)) = chars.get(j) else {
            continue;
        };
        let (seps, end_mark) = match sep {
            '-' | '/' => ([sep, sep], None),
            '年' => (['年', '月'], Some('日')),
            _ => continue,
        };
        let (m_end, month) = digits(j + 1, 2);
        if m_end == j + 1 || chars.get(m_end).map(|c| c.1) != Some(seps[1]) {
            continue;
        }
        let (d_end, day) = digits(m_end + 1, 2);
        if d_end == m_end + 1 || chars.get(d_end).is_some_and(|c| c.1.is_ascii_digit()) {
            continue;
        }
        let end = match end_mark {
            Some(mark) if chars.get(d_end).map(|c| c.1) == Some(mark) => d_end + 1,
            Some(_) => continue,
            None => d_end,
        };
        if let Some(d) = NaiveDate::from_ymd_opt(year as i32, month, day) {
            let to = chars.get(end).map_or(line.len(), |c| c.0);
            found.push((chars[k].0, d, line[chars[k].0..to].to_string()));
        }
    }
    // Written forms: Month D, YYYY and D Month YYYY.
    let ws = words(line, 0);
    for k in 0..ws.len() {
        let w = |i: usize| ws.get(i).map(|w| w.text.trim_end_matches('.'));
        let date = match (w(k).and_then(month_number), w(k).and_then(day_number)) {
            (Some(m), _) => w(k + 1)
                .and_then(day_number)
                .zip(w(k + 2).and_then(year_number))
                .and_then(|(d, y)| NaiveDate::from_ymd_opt(y, m, d)),
            (None, Some(d)) => w(k + 1)
                .and_then(month_number)
                .zip(w(k + 2).and_then(year_number))
                .and_then(|(m, y)| NaiveDate::from_ymd_opt(y, m, d)),
            _ => None,
        };
        if let Some(d) = date {
            let range = ws[k].range.start..ws[k + 2].range.end;
            found.push((range.start, d, line[range].to_string()));
        }
    }
    found.sort_by_key(|f| f.0);
    found.into_iter().next().map(|(_, d, s)| (d, s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_dates_in_many_spellings() {
        let d = |s: &str| find_date(s).map(|(d, _, _)| d.format("%Y-%m-%d").to_string());
        assert_eq!(
            d("Posted 2023-09-25 by the desk").as_deref(),
            Some("2023-09-25")
        );
        assert_eq!(
            d("x\nOn September 21, 2023, Huawei").as_deref(),
            Some("2023-09-21")
        );
        assert_eq!(d("Sept. 5 2023").as_deref(), Some("2023-09-05"));
        assert_eq!(d("on 25 September 2023").as_deref(), Some("2023-09-25"));
        assert_eq!(d("发布于2023年9月25日").as_deref(), Some("2023-09-25"));
        assert_eq!(d("On September 21, Huawei Cloud released"), None);
        assert_eq!(d("130 large models in 2023"), None);
        assert_eq!(d("2023-02-30"), None);
        assert_eq!(find_date("a\nb\n2023/9/1").map(|x| x.1), Some(3));
    }
}
