//! The federal topic classifier of appeals («Типовой общероссийский тематический классификатор»,
//! ССТУ.РФ): codes `SSSS.TTTT.HHHH.QQQQ[.PPPP]`, always keyed on the full code (question numbers
//! repeat under different темы). Built-in sections, тематики and the housing questions a mining
//! town hears most; the full classifier is imported from a file. Search filters as you type.

use serde::Deserialize;

/// One node of the classifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// The full code.
    pub code: String,
    /// The name.
    pub name: String,
    /// The parent's full code; empty for a section.
    pub parent: String,
    /// Not in the current version, kept because records use it.
    pub archived: bool,
}

/// A file that could not be imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// The file is not valid JSON of the expected shape.
    #[error("JSON: {0}")]
    Json(String),
    /// A CSV line is malformed.
    #[error("CSV line {line}: {reason}")]
    Csv {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// A code is not of the form SSSS.TTTT.HHHH.QQQQ[.PPPP].
    #[error("bad code {0:?}")]
    BadCode(String),
    /// A code appears twice.
    #[error("duplicate code {0}")]
    Duplicate(String),
    /// The file holds no nodes.
    #[error("the file holds no nodes")]
    Empty,
}

/// Whether `code` is a full code: four or five blocks of four digits.
pub fn is_full_code(code: &str) -> bool {
    let parts: Vec<&str> = code.split('.').collect();
    (4..=5).contains(&parts.len())
        && parts
            .iter()
            .all(|p| p.len() == 4 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The level of a code: 1 section … 5 подвопрос (trailing `0000` blocks are unused levels).
pub fn level(code: &str) -> u32 {
    let used = code.split('.').filter(|p| *p != "0000").count();
    u32::try_from(used).unwrap_or(0)
}

/// The code's prefix at `level` (1–5), padded with `0000`, e.g. the section of a question.
pub fn ancestor(code: &str, level: usize) -> String {
    code.split('.')
        .enumerate()
        .map(|(i, p)| if i < level { p } else { "0000" })
        .take(4)
        .collect::<Vec<_>>()
        .join(".")
}

const BUILT_IN: &[(&str, &str)] = &[
    ("0001.0000.0000.0000", "Государство, общество, политика"),
    ("0001.0001.0000.0000", "Конституционный строй"),
    ("0001.0002.0000.0000", "Основы государственного управления"),
    ("0001.0003.0000.0000", "Гражданское право"),
    (
        "0001.0004.0000.0000",
        "Международные отношения. Международное право",
    ),
    (
        "0001.0005.0000.0000",
        "Индивидуальные правовые акты по кадровым вопросам, вопросам награждения, помилования, гражданства, присвоения почетных и иных званий",
    ),
    ("0002.0000.0000.0000", "Социальная сфера"),
    ("0002.0006.0000.0000", "Семья"),
    ("0002.0007.0000.0000", "Труд и занятость населения"),
    (
        "0002.0008.0000.0000",
        "Социальное обеспечение и социальное страхование",
    ),
    ("0002.0013.0000.0000", "Образование. Наука. Культура"),
    (
        "0002.0014.0000.0000",
        "Здравоохранение. Физическая культура и спорт. Туризм",
    ),
    ("0003.0000.0000.0000", "Экономика"),
    ("0003.0009.0000.0000", "Финансы"),
    ("0003.0010.0000.0000", "Хозяйственная деятельность"),
    (
        "0003.0011.0000.0000",
        "Внешнеэкономическая деятельность. Таможенное дело",
    ),
    (
        "0003.0012.0000.0000",
        "Природные ресурсы и охрана окружающей природной среды",
    ),
    ("0003.0016.0000.0000", "Информация и информатизация"),
    ("0004.0000.0000.0000", "Оборона, безопасность, законность"),
    ("0004.0015.0000.0000", "Оборона"),
    ("0004.0016.0000.0000", "Безопасность и охрана правопорядка"),
    (
        "0004.0017.0000.0000",
        "Уголовное право. Исполнение наказаний",
    ),
    ("0004.0018.0000.0000", "Правосудие"),
    (
        "0004.0019.0000.0000",
        "Прокуратура. Органы юстиции. Адвокатура. Нотариат",
    ),
    ("0005.0000.0000.0000", "Жилищно-коммунальная сфера"),
    ("0005.0005.0000.0000", "Жилище"),
    (
        "0005.0005.0055.0000",
        "Обеспечение граждан жилищем, пользование жилищным фондом, социальные гарантии в жилищной сфере",
    ),
    (
        "0005.0005.0055.1122",
        "Переселение из подвалов, бараков, коммуналок, общежитий, аварийных домов, ветхого жилья, санитарно-защитной зоны",
    ),
    (
        "0005.0005.0055.1138",
        "Переселение работников ликвидируемых шахт",
    ),
    ("0005.0005.0056.0000", "Коммунальное хозяйство"),
    ("0005.0005.0056.1153", "Перебои в электроснабжении"),
    ("0005.0005.0056.1154", "Перебои в водоснабжении"),
    ("0005.0005.0056.1155", "Перебои в газоснабжении"),
    ("0005.0005.0056.1156", "Перебои в теплоснабжении"),
    (
        "0005.0005.0056.1157",
        "Перебои в водоотведении и канализовании",
    ),
    (
        "0005.0005.0056.1160",
        "Обращение с твердыми коммунальными отходами",
    ),
    ("0005.0005.0056.1161", "Несанкционированная свалка мусора"),
    (
        "0005.0005.0056.1164",
        "Управляющие организации, товарищества собственников жилья и иные формы управления собственностью",
    ),
    ("0005.0005.0056.1168", "Содержание общего имущества"),
    ("0005.0005.0056.1170", "Капитальный ремонт общего имущества"),
];

/// The version label of the built-in nodes.
pub const BUILT_IN_VERSION: &str = "встроенный (разделы, тематики, вопросы ЖКХ)";

/// The parent's full code derived from the code itself.
pub fn parent_of(code: &str) -> String {
    let l = level(code) as usize;
    if l <= 1 {
        String::new()
    } else {
        ancestor(code, l - 1)
    }
}

/// The built-in nodes.
pub fn built_in() -> Vec<Node> {
    BUILT_IN
        .iter()
        .map(|(code, name)| Node {
            code: (*code).to_string(),
            name: (*name).to_string(),
            parent: parent_of(code),
            archived: false,
        })
        .collect()
}

#[derive(Deserialize)]
struct JsonNode {
    code: String,
    name: String,
    #[serde(default)]
    parent: Option<String>,
}

fn checked(nodes: Vec<Node>) -> Result<Vec<Node>, ImportError> {
    if nodes.is_empty() {
        return Err(ImportError::Empty);
    }
    let mut seen = std::collections::HashSet::new();
    for n in &nodes {
        if !is_full_code(&n.code) {
            return Err(ImportError::BadCode(n.code.clone()));
        }
        if !seen.insert(n.code.clone()) {
            return Err(ImportError::Duplicate(n.code.clone()));
        }
    }
    Ok(nodes)
}

/// Parses a JSON array of `{"code", "name", "parent"}`; a missing parent is derived from the code.
pub fn parse_json(bytes: &[u8]) -> Result<Vec<Node>, ImportError> {
    let raw: Vec<JsonNode> =
        serde_json::from_slice(bytes).map_err(|e| ImportError::Json(e.to_string()))?;
    checked(
        raw.into_iter()
            .map(|n| Node {
                parent: n
                    .parent
                    .filter(|p| !p.is_empty())
                    .unwrap_or_else(|| parent_of(&n.code)),
                code: n.code.trim().to_string(),
                name: n.name.trim().to_string(),
                archived: false,
            })
            .collect(),
    )
}

/// The text of a CSV file: UTF-8 (with or without a BOM), or else cp1251, as Russian Excel saves
/// «CSV (разделители — запятые)».
pub fn decode_text(bytes: &[u8]) -> String {
    let (text, _, malformed) = encoding_rs::UTF_8.decode(bytes);
    if !malformed {
        return text.into_owned();
    }
    let (text, _, _) = encoding_rs::WINDOWS_1251.decode(bytes);
    text.into_owned()
}

/// Parses CSV with columns code, name, parent («;» or «,», detected from the first line; a
/// header line is skipped; quoted cells may hold separators, quotes and line breaks). The file
/// may be UTF-8 or cp1251.
pub fn parse_csv(bytes: &[u8]) -> Result<Vec<Node>, ImportError> {
    let text = decode_text(bytes);
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().next().unwrap_or("");
    let sep = if first.contains(';') { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sep)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut nodes = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| ImportError::Csv {
            line: e.position().map_or(i + 1, |p| p.line() as usize),
            reason: e.to_string(),
        })?;
        let line = record.position().map_or(i + 1, |p| p.line() as usize);
        let cols: Vec<&str> = record.iter().map(str::trim).collect();
        if cols.iter().all(|c| c.is_empty()) {
            continue;
        }
        if i == 0 && cols.first().is_some_and(|c| !is_full_code(c)) {
            continue;
        }
        if cols.len() < 2 {
            return Err(ImportError::Csv {
                line,
                reason: "needs code and name".into(),
            });
        }
        let code = cols[0].to_string();
        let parent = cols
            .get(2)
            .map(|p| p.to_string())
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| parent_of(&code));
        nodes.push(Node {
            name: cols[1].split_whitespace().collect::<Vec<_>>().join(" "),
            code,
            parent,
            archived: false,
        });
    }
    checked(nodes)
}

/// One node as the search sees it: its words and its parents' words, lowercased, «ё» as «е».
#[derive(Debug, Clone)]
struct Entry {
    node: Node,
    own: Vec<String>,
    parents: Vec<String>,
}

/// A search index over the nodes.
#[derive(Debug, Clone, Default)]
pub struct Index {
    nodes: Vec<Entry>,
}

fn folded(text: &str) -> String {
    text.to_lowercase().replace('ё', "е")
}

fn words(text: &str) -> Vec<String> {
    folded(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

impl Index {
    /// Builds the index: each node with its own words and those of its section, тематика and
    /// тема, so «жилищ» finds the questions of the housing section too.
    pub fn new(nodes: Vec<Node>) -> Self {
        let names: std::collections::HashMap<String, String> = nodes
            .iter()
            .map(|n| (n.code.clone(), n.name.clone()))
            .collect();
        let mut nodes: Vec<Entry> = nodes
            .into_iter()
            .map(|n| {
                let l = level(&n.code) as usize;
                let parents = (1..l)
                    .filter_map(|up| names.get(&ancestor(&n.code, up)))
                    .flat_map(|name| words(name))
                    .collect();
                Entry {
                    own: words(&n.name),
                    parents,
                    node: n,
                }
            })
            .collect();
        nodes.sort_by(|a, b| a.node.code.cmp(&b.node.code));
        Self { nodes }
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether empty.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The node with exactly this code.
    pub fn get(&self, code: &str) -> Option<&Node> {
        self.nodes
            .binary_search_by(|e| e.node.code.as_str().cmp(code))
            .ok()
            .map(|i| &self.nodes[i].node)
    }

    /// Nodes where every word of `query` begins a word of the name or of a parent's name (any
    /// case, «ё» = «е»), or begins the code: those whose code starts with the query first, then
    /// those whose own name has every word, then deeper levels (questions) before broader ones.
    pub fn search(&self, query: &str, limit: usize) -> Vec<&Node> {
        let q = folded(query.trim());
        let asked: Vec<&str> = q.split_whitespace().collect();
        let starts = |list: &[String], w: &str| list.iter().any(|x| x.starts_with(w));
        // The whole code from its start, or one of its blocks (a question's own number).
        let code = |c: &str, w: &str| c.starts_with(w) || c.split('.').any(|b| b.starts_with(w));
        let mut hits: Vec<(bool, bool, std::cmp::Reverse<u32>, &Node)> = self
            .nodes
            .iter()
            .filter(|e| {
                asked
                    .iter()
                    .all(|w| code(&e.node.code, w) || starts(&e.own, w) || starts(&e.parents, w))
            })
            .map(|e| {
                let own = asked
                    .iter()
                    .all(|w| code(&e.node.code, w) || starts(&e.own, w));
                (
                    !e.node.code.starts_with(q.as_str()),
                    !own,
                    std::cmp::Reverse(level(&e.node.code)),
                    &e.node,
                )
            })
            .collect();
        hits.sort_by_key(|h| (h.0, h.1, h.2));
        hits.into_iter().take(limit).map(|h| h.3).collect()
    }

    /// All nodes, by code.
    pub fn nodes(&self) -> impl Iterator<Item = &Node> {
        self.nodes.iter().map(|e| &e.node)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_levels_and_ancestors() {
        assert!(is_full_code("0005.0005.0056.1153"));
        assert!(!is_full_code("0005.0005.0056"));
        assert_eq!(level("0005.0000.0000.0000"), 1);
        assert_eq!(level("0005.0005.0056.1153"), 4);
        assert_eq!(ancestor("0005.0005.0056.1153", 2), "0005.0005.0000.0000");
        assert_eq!(parent_of("0005.0005.0056.1153"), "0005.0005.0056.0000");
        assert_eq!(parent_of("0005.0000.0000.0000"), "");
    }

    #[test]
    fn the_built_in_tree_is_consistent() {
        let nodes = built_in();
        let idx = Index::new(nodes.clone());
        for n in &nodes {
            assert!(is_full_code(&n.code), "{}", n.code);
            if !n.parent.is_empty() {
                assert!(
                    idx.get(&n.parent).is_some(),
                    "{} has no parent {}",
                    n.code,
                    n.parent
                );
            }
        }
    }

    #[test]
    fn search_by_words_any_case_and_by_code() {
        let idx = Index::new(built_in());
        let hits = idx.search("ПЕРЕБОИ вод", 10);
        let codes: Vec<&str> = hits.iter().map(|n| n.code.as_str()).collect();
        assert!(codes.contains(&"0005.0005.0056.1154"));
        assert!(codes.contains(&"0005.0005.0056.1157"));
        assert!(!codes.contains(&"0005.0005.0056.1153"));
        let by_code = idx.search("0005.0005.0056.116", 10);
        let codes: Vec<&str> = by_code.iter().map(|n| n.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "0005.0005.0056.1160",
                "0005.0005.0056.1161",
                "0005.0005.0056.1164",
                "0005.0005.0056.1168"
            ]
        );
        assert!(
            idx.search("шахт", 5)
                .iter()
                .any(|n| n.code == "0005.0005.0055.1138")
        );
        assert!(
            idx.search("твёрдыми", 5)
                .iter()
                .any(|n| n.code == "0005.0005.0056.1160")
        );
        assert!(idx.search("свалка электро", 5).is_empty());
    }

    #[test]
    fn words_match_by_their_beginning_in_the_name_and_its_parents() {
        let idx = Index::new(built_in());
        let codes =
            |q: &str| -> Vec<String> { idx.search(q, 50).iter().map(|n| n.code.clone()).collect() };
        // A word's beginning, not any part of it: «снаб» begins no word.
        assert!(codes("снаб").is_empty());
        assert!(codes("газо").contains(&"0005.0005.0056.1155".to_string()));
        // A parent's name finds its questions; the own name ranks first.
        let housing = codes("коммунальн");
        assert_eq!(
            housing.first().map(String::as_str),
            Some("0005.0005.0056.1160")
        );
        assert!(housing.contains(&"0005.0005.0056.1153".to_string()));
        let both = codes("коммунальное перебои тепло");
        assert_eq!(both, ["0005.0005.0056.1156"]);
    }

    #[test]
    fn questions_repeating_under_different_temas_stay_apart() {
        let json = r#"[
            {"code":"0005.0005.0056.1153","name":"Перебои в электроснабжении"},
            {"code":"0005.0005.0057.1153","name":"Другой вопрос с тем же номером","parent":"0005.0005.0057.0000"}
        ]"#;
        let nodes = parse_json(json.as_bytes()).unwrap_or_default();
        let idx = Index::new(nodes);
        assert_eq!(idx.len(), 2);
        assert_eq!(
            idx.get("0005.0005.0057.1153").map(|n| n.name.as_str()),
            Some("Другой вопрос с тем же номером")
        );
        assert_eq!(
            idx.get("0005.0005.0056.1153").map(|n| n.parent.as_str()),
            Some("0005.0005.0056.0000")
        );
    }

    #[test]
    fn csv_with_header_quotes_and_semicolons() {
        let csv = "code;name;parent\n0005.0005.0056.1161;\"Несанкционированная свалка; мусор\";\n0005.0005.0056.1160;Обращение с ТКО;0005.0005.0056.0000\n";
        let nodes = parse_csv(csv.as_bytes()).unwrap_or_default();
        assert_eq!(nodes.len(), 2);
        assert_eq!(nodes[0].name, "Несанкционированная свалка; мусор");
        assert_eq!(nodes[0].parent, "0005.0005.0056.0000");
        assert!(matches!(
            parse_csv(b"code;name\n0005.1;x\n"),
            Err(ImportError::BadCode(_))
        ));
        assert!(matches!(parse_json(b"[]"), Err(ImportError::Empty)));
        let dup = br#"[{"code":"0005.0005.0056.1153","name":"a"},{"code":"0005.0005.0056.1153","name":"b"}]"#;
        assert!(matches!(parse_json(dup), Err(ImportError::Duplicate(_))));
    }

    #[test]
    fn search_over_two_thousand_nodes_finds_by_words() {
        let mut nodes = built_in();
        for i in 0..2100u32 {
            nodes.push(Node {
                code: format!("0002.0008.{:04}.{:04}", 100 + i / 50, i),
                name: format!("Вопрос социального обеспечения номер {i}"),
                parent: String::new(),
                archived: false,
            });
        }
        let idx = Index::new(nodes);
        assert!(idx.len() > 2000);
        let hits = idx.search("обеспечения 2099", 50);
        assert_eq!(hits.len(), 1);
    }

    #[test]
    fn csv_with_quoted_newlines_and_cp1251_from_excel() {
        let text = "Код;Наименование\r\n0005.0005.0056.1156;\"Перебои\r\nв теплоснабжении; \"\"срочно\"\"\"\r\n";
        let utf8 = parse_csv(text.as_bytes()).unwrap_or_default();
        assert_eq!(utf8.len(), 1);
        assert_eq!(utf8[0].name, "Перебои в теплоснабжении; \"срочно\"");
        let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(text);
        assert!(std::str::from_utf8(&cp1251).is_err());
        assert_eq!(parse_csv(&cp1251).unwrap_or_default(), utf8);
        let bom = format!("\u{feff}{text}");
        assert_eq!(parse_csv(bom.as_bytes()).unwrap_or_default(), utf8);
    }
}
