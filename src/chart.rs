//! Charts drawn at build time as inline SVG: bars per quarter, a release timeline, release dots by
//! company. Pure functions from data to an SVG string: one `class="mark"` element per data point,
//! a `<title>` and `<desc>` for assistive technology; colours come from the page's stylesheet.
//! Must not know about pages, templates or files.
//!
//! Horizontal positions are percentages of the chart's width and everything else is in pixels, so
//! a chart fills its column on a phone and on a desktop while its text stays the same readable size
//! (a scaled `viewBox` would shrink the labels to nothing on a narrow screen).

use chrono::{Datelike, NaiveDate};
use std::fmt::Write as _;

/// Height of one row in the timeline.
const ROW: f64 = 26.0;
/// Height of one company in the dot chart: its name above, its dots below.
const GROUP: f64 = 42.0;
/// Room under the plot for the year labels.
const AXIS: f64 = 24.0;
const TOP: f64 = 8.0;
/// The time axis runs between these percentages of the width, so edge dots stay whole.
const X0: f64 = 2.0;
const X1: f64 = 98.0;
/// Year labels closer than this (percent of the width) are skipped: four digits at 12 px need
/// about 30 px, a tenth of a small phone's column.
const LABEL_GAP: f64 = 10.0;
/// Labels beside dots are cut to this many characters so that they fit half a phone screen.
const LABEL_CHARS: usize = 24;

/// A calendar quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Quarter {
    pub year: i32,
    /// 1 to 4.
    pub q: u8,
}

impl Quarter {
    pub(crate) fn of(d: NaiveDate) -> Self {
        Quarter {
            year: d.year(),
            q: (d.month0() / 3 + 1) as u8,
        }
    }
    fn next(self) -> Self {
        if self.q == 4 {
            Quarter {
                year: self.year + 1,
                q: 1,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q + 1,
            }
        }
    }
    /// `2023 Q3`
    pub(crate) fn label(self) -> String {
        format!("{} Q{}", self.year, self.q)
    }
}

/// Counts per quarter from the first to the last date, empty quarters included (a gap in coverage
/// is information too).
pub(crate) fn per_quarter(dates: impl IntoIterator<Item = NaiveDate>) -> Vec<(Quarter, usize)> {
    let mut qs: Vec<Quarter> = dates.into_iter().map(Quarter::of).collect();
    qs.sort_unstable();
    let (Some(&first), Some(&last)) = (qs.first(), qs.last()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut q = first;
    let mut i = 0;
    loop {
        let start = i;
        while i < qs.len() && qs[i] == q {
            i += 1;
        }
        out.push((q, i - start));
        if q == last {
            return out;
        }
        q = q.next();
    }
}

/// What every chart says about itself: an id prefix unique on its page, a title and a description.
pub(crate) struct Labels<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub desc: &'a str,
}

/// A bar per quarter; `unit` names what is counted ("article").
pub(crate) fn quarter_bars(labels: &Labels<'_>, bars: &[(Quarter, usize)], unit: &str) -> String {
    let plot_h = 110.0;
    let top = TOP + 14.0;
    let base = top + plot_h;
    let mut s = open(labels, base + AXIS);
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let step = 100.0 / bars.len().max(1) as f64;
    // Thin bars even when quarters are few: a bar is a count, not an area.
    let bar_w = (step * 0.72).min(3.0);
    // The scale: a faint rule at the maximum, labelled, and the baseline.
    let _ = write!(
        s,
        r#"<g class="axis"><line class="grid" x1="0" y1="{top}" x2="100%" y2="{top}"/><line x1="0" y1="{base}" x2="100%" y2="{base}"/><text x="0" y="{ty}">{max} {u}</text></g>"#,
        ty = top - 5.0,
        u = plural(unit, max),
    );
    s.push_str(r#"<g class="marks">"#);
    for (i, (q, n)) in bars.iter().enumerate() {
        let h = plot_h * *n as f64 / max as f64;
        let _ = write!(
            s,
            r#"<rect class="mark" x="{x:.3}%" y="{y:.1}" width="{bar_w:.3}%" height="{h:.1}"><title>{t}: {n} {u}</title></rect>"#,
            x = i as f64 * step + (step - bar_w) / 2.0,
            y = base - h,
            t = q.label(),
            u = plural(unit, *n),
        );
    }
    s.push_str("</g>");
    // Year labels under the first bar of each year, thinned out when years are many.
    let years: Vec<(usize, i32)> = bars
        .iter()
        .enumerate()
        .filter(|(i, (q, _))| *i == 0 || q.q == 1)
        .map(|(i, (q, _))| (i, q.year))
        .collect();
    s.push_str(r#"<g class="axis">"#);
    let mut last = f64::NEG_INFINITY;
    for (i, year) in years {
        let x = i as f64 * step;
        // Labels start at their bar; one starting in the last few bars would hang off the edge.
        if x - last >= LABEL_GAP && x < 92.0 {
            last = x;
            let _ = write!(
                s,
                r#"<text x="{x:.3}%" y="{y}">{year}</text>"#,
                y = base + 16.0,
            );
        }
    }
    s.push_str("</g></svg>");
    s
}

/// One dated point with its label, e.g. a model and its release date.
pub(crate) struct DatedPoint<'a> {
    pub date: NaiveDate,
    pub label: &'a str,
}

/// A row per point, oldest at the top: a dot at its date and its label beside it.
pub(crate) fn timeline(labels: &Labels<'_>, points: &[DatedPoint<'_>]) -> String {
    let mut sorted: Vec<&DatedPoint<'_>> = points.iter().collect();
    sorted.sort_by(|a, b| a.date.cmp(&b.date).then(a.label.cmp(b.label)));
    let plot_h = sorted.len().max(1) as f64 * ROW;
    let scale = TimeScale::new(sorted.iter().map(|p| p.date));
    let mut s = open(labels, TOP + plot_h + AXIS);
    scale.axis(&mut s, TOP, TOP + plot_h);
    s.push_str(r#"<g class="marks">"#);
    for (i, p) in sorted.iter().enumerate() {
        let x = scale.x(p.date);
        let y = TOP + ROW * (i as f64 + 0.5);
        let _ = write!(
            s,
            r#"<circle class="mark" cx="{x:.3}%" cy="{y:.1}" r="5"><title>{l}: {d}</title></circle>"#,
            l = esc(p.label),
            d = p.date.format("%-d %B %Y"),
        );
        // Beside the dot, on whichever side has room.
        let (dx, anchor) = if x <= 50.0 { (9, "start") } else { (-9, "end") };
        let _ = write!(
            s,
            r#"<text class="label" x="{x:.3}%" dx="{dx}" y="{ty:.1}" text-anchor="{anchor}">{l}</text>"#,
            ty = y + 4.0,
            l = esc(&clip(p.label, LABEL_CHARS)),
        );
    }
    s.push_str("</g></svg>");
    s
}

/// One labelled row of dated points, e.g. a company and its model releases.
pub(crate) struct DotRow<'a> {
    pub label: &'a str,
    pub points: Vec<DatedPoint<'a>>,
}

/// A band per group, its name above a line with a dot per point, on a shared time axis.
pub(crate) fn dot_rows(labels: &Labels<'_>, rows: &[DotRow<'_>]) -> String {
    let plot_h = rows.len().max(1) as f64 * GROUP;
    let scale = TimeScale::new(rows.iter().flat_map(|r| r.points.iter().map(|p| p.date)));
    let mut s = open(labels, TOP + plot_h + AXIS);
    scale.axis(&mut s, TOP, TOP + plot_h);
    for (i, row) in rows.iter().enumerate() {
        let y = TOP + GROUP * i as f64;
        let _ = write!(
            s,
            r#"<g class="row"><text class="label" x="0" y="{ty:.1}">{l}</text><line class="grid" x1="{X0}%" y1="{ly:.1}" x2="{X1}%" y2="{ly:.1}"/></g>"#,
            ty = y + 14.0,
            ly = y + 28.0,
            l = esc(row.label),
        );
    }
    s.push_str(r#"<g class="marks">"#);
    for (i, row) in rows.iter().enumerate() {
        let y = TOP + GROUP * i as f64 + 28.0;
        for p in &row.points {
            let _ = write!(
                s,
                r#"<circle class="mark" cx="{x:.3}%" cy="{y:.1}" r="5"><title>{l} ({c}): {d}</title></circle>"#,
                x = scale.x(p.date),
                l = esc(p.label),
                c = esc(row.label),
                d = p.date.format("%-d %B %Y"),
            );
        }
    }
    s.push_str("</g></svg>");
    s
}

/// The opening `<svg>` with its accessible name and description.
fn open(labels: &Labels<'_>, height: f64) -> String {
    let id = esc(labels.id);
    format!(
        r#"<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="100%" height="{height}" role="img" aria-labelledby="{id}-title {id}-desc"><title id="{id}-title">{t}</title><desc id="{id}-desc">{d}</desc>"#,
        t = esc(labels.title),
        d = esc(labels.desc),
    )
}

/// Dates to percentages of the width, padded so that no dot sits on the frame; year lines.
struct TimeScale {
    from: f64,
    to: f64,
}

impl TimeScale {
    fn new(dates: impl Iterator<Item = NaiveDate>) -> Self {
        let days: Vec<f64> = dates.map(day_number).collect();
        let lo = days.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = days.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 0.0) };
        // At least a year wide, and a little margin either side.
        let span = (hi - lo).max(365.0);
        let mid = (lo + hi) / 2.0;
        let pad = span * 0.05;
        TimeScale {
            from: mid - span / 2.0 - pad,
            to: mid + span / 2.0 + pad,
        }
    }
    /// Percent of the width.
    fn x(&self, d: NaiveDate) -> f64 {
        X0 + (day_number(d) - self.from) / (self.to - self.from) * (X1 - X0)
    }
    /// Vertical lines at each 1 January inside the range, labelled with the year.
    fn axis(&self, s: &mut String, top: f64, bottom: f64) {
        let first =
            NaiveDate::from_num_days_from_ce_opt(self.from.ceil() as i32).map_or(0, |d| d.year());
        let last =
            NaiveDate::from_num_days_from_ce_opt(self.to.floor() as i32).map_or(0, |d| d.year());
        let years: Vec<NaiveDate> = (first..=last + 1)
            .filter_map(|y| NaiveDate::from_ymd_opt(y, 1, 1))
            .filter(|d| (self.from..=self.to).contains(&day_number(*d)))
            .collect();
        let _ = write!(
            s,
            r#"<g class="axis"><line x1="{X0}%" y1="{bottom}" x2="{X1}%" y2="{bottom}"/>"#,
        );
        // The year the axis starts in, at its left end, unless a 1 January line is close by:
        // without it a short span shows dots before its only labelled year.
        let mut last = f64::NEG_INFINITY;
        let start = NaiveDate::from_num_days_from_ce_opt(self.from.ceil() as i32);
        if let Some(start) =
            start.filter(|_| years.first().is_none_or(|d| self.x(*d) - X0 >= LABEL_GAP))
        {
            last = X0;
            let _ = write!(
                s,
                r#"<text x="{X0}%" y="{ty}">{y}</text>"#,
                ty = bottom + 16.0,
                y = start.year(),
            );
        }
        for d in years {
            let x = self.x(d);
            let _ = write!(
                s,
                r#"<line class="grid" x1="{x:.3}%" y1="{top}" x2="{x:.3}%" y2="{bottom}"/>"#
            );
            // Labels sit just right of their line: a year is the span that follows 1 January.
            if x - last >= LABEL_GAP && x < 93.0 {
                last = x;
                let _ = write!(
                    s,
                    r#"<text x="{x:.3}%" dx="3" y="{ty}">{y}</text>"#,
                    ty = bottom + 16.0,
                    y = d.year(),
                );
            }
        }
        s.push_str("</g>");
    }
}

fn day_number(d: NaiveDate) -> f64 {
    d.num_days_from_ce() as f64
}

fn plural(unit: &str, n: usize) -> String {
    if n == 1 {
        unit.to_string()
    } else {
        format!("{unit}s")
    }
}

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

/// Escapes text for SVG (XML) content and attributes.
fn esc(s: &str) -> String {
    crate::text::escape_html(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn labels() -> Labels<'static> {
        Labels {
            id: "c1",
            title: "Articles per quarter",
            desc: "A <bar> per quarter & year",
        }
    }

    /// Parses the SVG as XML and returns the number of marks, checking the accessible name.
    fn marks(svg: &str) -> usize {
        let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(root.attribute("role"), Some("img"));
        let title = root
            .children()
            .find(|n| n.has_tag_name("title"))
            .expect("svg has a title");
        assert_eq!(title.attribute("id"), Some("c1-title"));
        assert!(root.children().any(|n| n.has_tag_name("desc")));
        doc.descendants()
            .filter(|n| n.attribute("class") == Some("mark"))
            .count()
    }

    #[test]
    fn quarters_are_counted_with_the_gaps_between() {
        let q = per_quarter([d("2023-09-25"), d("2023-07-01"), d("2024-02-10")]);
        let labels: Vec<(String, usize)> = q.iter().map(|(q, n)| (q.label(), *n)).collect();
        assert_eq!(
            labels,
            [
                ("2023 Q3".to_string(), 2),
                ("2023 Q4".to_string(), 0),
                ("2024 Q1".to_string(), 1)
            ]
        );
        assert!(per_quarter([]).is_empty());
    }

    #[test]
    fn quarter_bars_draw_one_mark_per_quarter() {
        let bars = per_quarter([d("2019-01-01"), d("2023-09-25"), d("2023-09-26")]);
        let svg = quarter_bars(&labels(), &bars, "article");
        assert_eq!(marks(&svg), bars.len());
        assert!(svg.contains("2023 Q3: 2 articles"));
        assert!(svg.contains("&lt;bar&gt;"), "text is escaped");
        assert_eq!(marks(&quarter_bars(&labels(), &[], "article")), 0);
    }

    #[test]
    fn timeline_draws_one_mark_per_point_inside_the_frame() {
        let pts = [
            DatedPoint {
                date: d("2023-09-21"),
                label: "Pangu Medical Model",
            },
            DatedPoint {
                date: d("2021-04-01"),
                label: "Pangu <3>",
            },
            DatedPoint {
                date: d("2025-01-01"),
                label: "A very long model name that would run off the right edge",
            },
        ];
        let svg = timeline(&labels(), &pts);
        assert_eq!(marks(&svg), 3);
        let doc = roxmltree::Document::parse(&svg).unwrap();
        for c in doc.descendants().filter(|n| n.has_tag_name("circle")) {
            let x: f64 = c
                .attribute("cx")
                .unwrap()
                .trim_end_matches('%')
                .parse()
                .unwrap();
            assert!((X0..=X1).contains(&x), "{x}");
        }
        // A label on the right half is drawn to the left of its dot, so it stays on the chart.
        assert!(
            svg.contains(r#"text-anchor="end">A very long model name…"#),
            "{svg}"
        );
        assert_eq!(marks(&timeline(&labels(), &pts[..1])), 1);
    }

    #[test]
    fn dot_rows_draw_one_mark_per_point_across_rows() {
        let rows = [
            DotRow {
                label: "Huawei Cloud",
                points: vec![
                    DatedPoint {
                        date: d("2023-09-21"),
                        label: "Pangu Medical Model",
                    },
                    DatedPoint {
                        date: d("2022-01-01"),
                        label: "Pangu",
                    },
                ],
            },
            DotRow {
                label: "阿里云 & co",
                points: vec![DatedPoint {
                    date: d("2024-06-30"),
                    label: "Tongyi",
                }],
            },
        ];
        assert_eq!(marks(&dot_rows(&labels(), &rows)), 3);
        assert_eq!(marks(&dot_rows(&labels(), &[])), 0);
    }
}
