//! Related reading: for every article, the articles that share the most entities with it, weighted
//! by kind (a shared model says more than a shared company, which says more than a shared theme).
//! Pure: works on lists of indices; knows nothing of pages, URLs or files.

use rayon::prelude::*;

/// Weight of one shared model, company and theme.
pub(crate) const MODEL_WEIGHT: u32 = 3;
pub(crate) const COMPANY_WEIGHT: u32 = 2;
pub(crate) const THEME_WEIGHT: u32 = 1;

/// How many of an entity's articles are looked at for one article: the `WINDOW` nearest to it in
/// date order. It bounds the work per article whatever an entity's popularity (a theme with
/// thousands of articles costs no more than one with `WINDOW`), and it favours articles from the
/// same period, which is what a reader means by related.
pub(crate) const WINDOW: usize = 256;

/// One kind of entity that articles can share.
pub(crate) struct Facet<'a> {
    pub weight: u32,
    /// Each article's entities of this kind (indices into `articles_of`).
    pub of_article: Vec<&'a [usize]>,
    /// Each entity's articles, ascending (the site's article order: newest first).
    pub articles_of: Vec<&'a [usize]>,
}

/// For each of `n` articles, at most `count` others, best first: the highest summed weight of shared
/// entities, then the newest (the lower index). Work is at most `WINDOW` score updates per entity of
/// an article, so the whole site costs O(n · entities per article · WINDOW), never O(n²).
pub(crate) fn related(n: usize, facets: &[Facet<'_>], count: usize) -> Vec<Vec<usize>> {
    if count == 0 {
        return vec![Vec::new(); n];
    }
    (0..n)
        .into_par_iter()
        .map_init(
            || (vec![0u32; n], Vec::<usize>::new()),
            |(score, touched), a| {
                for f in facets {
                    for &e in f.of_article[a] {
                        let list = f.articles_of[e];
                        for &b in window_around(list, a) {
                            if b != a {
                                if score[b] == 0 {
                                    touched.push(b);
                                }
                                score[b] += f.weight;
                            }
                        }
                    }
                }
                let rank = |x: &usize, y: &usize| score[*y].cmp(&score[*x]).then(x.cmp(y));
                let mut best = touched.clone();
                if best.len() > count {
                    best.select_nth_unstable_by(count, rank);
                    best.truncate(count);
                }
                best.sort_unstable_by(rank);
                // Reset only what was touched: clearing the whole buffer would make this O(n²).
                for &b in touched.iter() {
                    score[b] = 0;
                }
                touched.clear();
                best
            },
        )
        .collect()
}

/// The `WINDOW` entries of an ascending `list` nearest to where `a` is (or would be) in it.
fn window_around(list: &[usize], a: usize) -> &[usize] {
    if list.len() <= WINDOW {
        return list;
    }
    let pos = list.partition_point(|&x| x < a);
    let lo = pos.saturating_sub(WINDOW / 2);
    let hi = (lo + WINDOW).min(list.len());
    &list[hi - WINDOW..hi]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facet<'a>(
        weight: u32,
        of_article: &'a [Vec<usize>],
        articles_of: &'a [Vec<usize>],
    ) -> Facet<'a> {
        Facet {
            weight,
            of_article: of_article.iter().map(Vec::as_slice).collect(),
            articles_of: articles_of.iter().map(Vec::as_slice).collect(),
        }
    }

    fn invert(of_article: &[Vec<usize>], entities: usize) -> Vec<Vec<usize>> {
        let mut out = vec![Vec::new(); entities];
        for (a, list) in of_article.iter().enumerate() {
            for &e in list {
                out[e].push(a);
            }
        }
        out
    }

    #[test]
    fn shared_models_outweigh_companies_and_themes_and_ties_go_newest_first() {
        // Article 0 shares a model with 3, a company with 1, a theme with 2 and 4 (4 older).
        let models = vec![vec![0], vec![], vec![], vec![0], vec![]];
        let companies = vec![vec![0], vec![0], vec![], vec![], vec![]];
        let themes = vec![vec![0], vec![], vec![0], vec![], vec![0]];
        let (mi, ci, ti) = (
            invert(&models, 1),
            invert(&companies, 1),
            invert(&themes, 1),
        );
        let facets = [
            facet(MODEL_WEIGHT, &models, &mi),
            facet(COMPANY_WEIGHT, &companies, &ci),
            facet(THEME_WEIGHT, &themes, &ti),
        ];
        let r = related(5, &facets, 5);
        assert_eq!(r[0], [3, 1, 2, 4]);
        assert_eq!(related(5, &facets, 2)[0], [3, 1]);
        assert_eq!(r[3], [0], "relation is symmetric");
        assert!(related(5, &facets, 0)[0].is_empty());
    }

    #[test]
    fn popular_entities_are_looked_at_near_the_article_only() {
        let n = WINDOW * 4;
        let themes: Vec<Vec<usize>> = vec![vec![0]; n];
        let inv = invert(&themes, 1);
        let r = related(n, &[facet(THEME_WEIGHT, &themes, &inv)], 3);
        assert_eq!(r[0], [1, 2, 3]);
        let mid = n / 2;
        assert!(r[mid].iter().all(|&b| b.abs_diff(mid) <= WINDOW));
        assert_eq!(window_around(&inv[0], mid).len(), WINDOW);
        assert!(window_around(&inv[0], mid).contains(&mid));
    }
}
