//! The site's companies, models and themes as import looks for them in plain text: two
//! `mention::Matcher`s under the plain-text rules (company and model names, where the longest
//! wins; theme names and keywords, matched on their own) and what each text names. Pure.

use super::plain::collapse_spaces;
use crate::link::SiteGraph;
use crate::mention::{Matcher, Rules};
use crate::model::{EntityId, Kind};
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// One company, model or theme and the names it goes by in text.
#[derive(Debug, Clone)]
pub struct Entity {
    pub kind: Kind,
    pub id: EntityId,
    /// Name and aliases (companies, models) or name and keywords (themes).
    pub names: Vec<String>,
}

/// Every name of every entity, ready to be found in text.
#[derive(Debug, Clone)]
pub struct SiteNames {
    entities: Vec<Entity>,
    /// Company and model names: the longest match at a position wins.
    names: Matcher,
    /// Theme names and keywords, matched on their own: a keyword inside a company name still
    /// signals its theme.
    themes: Matcher,
}

/// Where one entity was found: the names as they appear in the text, with counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub kind: Kind,
    pub id: EntityId,
    /// Each distinct spelling found, in order of first appearance, and how often it appears.
    pub names: Vec<(String, usize)>,
    /// Byte offset of the first mention in the text.
    pub first: usize,
}

/// Everything the text names, each list in order of first mention.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Matches {
    pub companies: Vec<Found>,
    pub models: Vec<Found>,
    pub themes: Vec<Found>,
    /// Byte ranges of company and model names found, so suggestions skip what is already known.
    /// (Theme keywords are not in it: `Medical` in `RunDa Medical Model` is still part of a name.)
    pub name_spans: Vec<Range<usize>>,
}

impl Matches {
    pub fn ids(list: &[Found]) -> Vec<&str> {
        list.iter().map(|f| f.id.as_str()).collect()
    }
}

impl SiteNames {
    pub fn new(entities: Vec<Entity>) -> Self {
        let mut names = Vec::new();
        let mut themes = Vec::new();
        for (i, e) in entities.iter().enumerate() {
            let list = if e.kind == Kind::Theme {
                &mut themes
            } else {
                &mut names
            };
            list.extend(e.names.iter().map(|n| (n.as_str(), i)));
        }
        SiteNames {
            names: Matcher::with_rules(names, Rules::PLAIN_TEXT),
            themes: Matcher::with_rules(themes, Rules::PLAIN_TEXT_THEMES),
            entities,
        }
    }

    /// Companies and models by name and aliases, themes by name and keywords.
    pub fn for_site(graph: &SiteGraph) -> Self {
        let entity = |kind, id: &EntityId, name: &str, more: &[String]| Entity {
            kind,
            id: id.clone(),
            names: std::iter::once(name.to_string())
                .chain(more.iter().cloned())
                .collect(),
        };
        let companies = graph.companies.iter().map(|c| &c.company);
        let models = graph.models.iter().map(|m| &m.model);
        let themes = graph.themes.iter().map(|t| &t.theme);
        let entities = companies
            .map(|c| entity(Kind::Company, &c.id, &c.name, &c.aliases))
            .chain(models.map(|m| entity(Kind::Model, &m.id, &m.name, &m.aliases)))
            .chain(themes.map(|t| entity(Kind::Theme, &t.id, &t.name, &t.keywords)))
            .collect();
        SiteNames::new(entities)
    }

    /// Every entity `text` names, each with the spellings found.
    pub fn find(&self, text: &str) -> Matches {
        let mut hits = self.names.find(text);
        let names = hits.len();
        hits.extend(self.themes.find(text));
        let mut by_entity: HashMap<usize, Found> = HashMap::new();
        let mut name_spans = Vec::with_capacity(names);
        for (k, hit) in hits.into_iter().enumerate() {
            let bytes = hit.start..hit.end;
            let found_text = collapse_spaces(&text[bytes.clone()]);
            let entity = &self.entities[hit.entity];
            let f = by_entity.entry(hit.entity).or_insert_with(|| Found {
                kind: entity.kind,
                id: entity.id.clone(),
                names: Vec::new(),
                first: bytes.start,
            });
            match f.names.iter_mut().find(|(n, _)| *n == found_text) {
                Some((_, count)) => *count += 1,
                None => f.names.push((found_text, 1)),
            }
            if k < names {
                name_spans.push(bytes);
            }
        }
        let mut all: Vec<Found> = by_entity.into_values().collect();
        all.sort_by(|a, b| (a.first, &a.id).cmp(&(b.first, &b.id)));
        let mut m = Matches {
            name_spans,
            ..Matches::default()
        };
        for f in all {
            match f.kind {
                Kind::Company => m.companies.push(f),
                Kind::Model => m.models.push(f),
                _ => m.themes.push(f),
            }
        }
        m
    }

    /// Every name and keyword, lowercased: a suggestion never repeats one of them.
    pub(super) fn known_names(&self) -> HashSet<String> {
        self.entities
            .iter()
            .flat_map(|e| e.names.iter())
            .map(|n| collapse_spaces(n).to_lowercase())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(kind: Kind, id: &str, names: &[&str]) -> Entity {
        Entity {
            kind,
            id: EntityId::parse(id).unwrap(),
            names: names.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn ids(list: &[Found]) -> Vec<&str> {
        Matches::ids(list)
    }

    #[test]
    fn names_match_as_whole_words_and_mind_capitals() {
        let m = SiteNames::new(vec![
            entity(Kind::Company, "apple", &["Apple"]),
            entity(Kind::Model, "gpt", &["GPT"]),
            entity(Kind::Theme, "computing-power", &["Computing power", "GPU"]),
        ]);
        assert!(m.find("apple pie and Pineapple").companies.is_empty());
        assert_eq!(ids(&m.find("Apple's new phone").companies), ["apple"]);
        assert_eq!(ids(&m.find("APPLE SHIPS").companies), ["apple"]);
        assert!(m.find("a gpt or GPTs").models.is_empty());
        let t = m.find("Demand for computing power and gpus");
        assert_eq!(ids(&t.themes), ["computing-power"]);
        assert_eq!(t.themes[0].names, [("computing power".to_string(), 1)]);
    }

    #[test]
    fn cjk_names_and_middle_dots_match() {
        let m = SiteNames::new(vec![
            entity(Kind::Company, "alibaba-cloud", &["Alibaba Cloud", "阿里云"]),
            entity(
                Kind::Model,
                "haizheng",
                &["Jiutian · Haizheng Government Model"],
            ),
            entity(Kind::Model, "pangu", &["Pangu"]),
        ]);
        let found =
            m.find("据阿里云介绍，使用Pangu模型。 Also the Jiutian·Haizheng Government Model.");
        assert_eq!(ids(&found.companies), ["alibaba-cloud"]);
        assert_eq!(ids(&found.models), ["pangu", "haizheng"]);
        assert!(
            m.find("阿里云计算").companies.len() == 1,
            "CJK needs no boundary"
        );
        assert!(m.find("Pangus").models.is_empty());
    }

    #[test]
    fn the_longest_name_wins_but_themes_still_see_keywords() {
        let m = SiteNames::new(vec![
            entity(Kind::Model, "pangu", &["Pangu"]),
            entity(Kind::Model, "pangu-medical-model", &["Pangu Medical Model"]),
            entity(Kind::Theme, "industry-applications", &["medical"]),
        ]);
        let f = m.find("Huawei released the Pangu Medical Model.");
        assert_eq!(ids(&f.models), ["pangu-medical-model"]);
        assert_eq!(ids(&f.themes), ["industry-applications"]);
    }
}
