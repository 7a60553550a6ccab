//! The classifier as the server keeps it: nodes under `c/node/<code>`, the version label, and the
//! in-memory search index rebuilt on start and on import.

use std::collections::BTreeSet;

use infogroups_shared::classifier::{self, Index, Node};
use infogroups_shared::pb;

use crate::db::{Db, Tx, decode};
use crate::error::ApiResult;
use crate::store::StoreError;

const NODE_PREFIX: &[u8] = b"c/node/";
const VERSION_KEY: &[u8] = b"m/classifier_version";

fn node_key(code: &str) -> Vec<u8> {
    let mut k = NODE_PREFIX.to_vec();
    k.extend_from_slice(code.as_bytes());
    k
}

fn to_pb(n: &Node) -> pb::ClassifierNode {
    pb::ClassifierNode {
        code: n.code.clone(),
        name: n.name.clone(),
        parent: n.parent.clone(),
        level: classifier::level(&n.code),
        archived: n.archived,
    }
}

fn from_pb(n: pb::ClassifierNode) -> Node {
    Node {
        code: n.code,
        name: n.name,
        parent: n.parent,
        archived: n.archived,
    }
}

/// The stored nodes and version, or the built-in ones when nothing was imported.
pub fn load(db: &Db) -> Result<(Index, String), StoreError> {
    let mut nodes = Vec::new();
    let mut after: Option<Vec<u8>> = None;
    loop {
        let page = db.store().scan(NODE_PREFIX, after.as_deref(), 4096)?;
        let Some((last, _)) = page.last() else { break };
        after = Some(last.clone());
        for (k, v) in &page {
            nodes.push(from_pb(decode::<pb::ClassifierNode>(k, v)?));
        }
    }
    if nodes.is_empty() {
        return Ok((
            Index::new(classifier::built_in()),
            classifier::BUILT_IN_VERSION.to_string(),
        ));
    }
    let version = db
        .get_raw(VERSION_KEY)?
        .map(|v| String::from_utf8_lossy(&v).into_owned())
        .unwrap_or_default();
    Ok((Index::new(nodes), version))
}

/// Every classifier code any record uses.
pub fn codes_in_use(db: &Db) -> Result<BTreeSet<String>, StoreError> {
    let mut used = BTreeSet::new();
    for a in db.all::<pb::Appeal>()? {
        used.extend(a.questions.into_iter().map(|q| q.classifier_code));
    }
    for c in db.all::<pb::ReceptionCard>()? {
        used.insert(c.classifier_code);
    }
    for m in db.all::<pb::Meeting>()? {
        used.extend(
            m.protocol
                .into_iter()
                .flat_map(|p| p.questions)
                .map(|q| q.classifier_code),
        );
    }
    used.remove("");
    Ok(used)
}

/// The outcome of an import.
pub struct Imported {
    /// The new index.
    pub index: Index,
    /// Nodes new compared with the previous version.
    pub added: u32,
    /// Codes in use but absent from the file, kept archived.
    pub kept_in_use: u32,
}

/// Stages a new version: the file's nodes, plus every code in use that the file lacks (archived,
/// with its old name), replacing what was stored.
pub fn stage_import(
    tx: &mut Tx<'_>,
    old: &Index,
    file: Vec<Node>,
    in_use: &BTreeSet<String>,
    version: &str,
) -> ApiResult<Imported> {
    let mut nodes = file;
    let new_codes: BTreeSet<String> = nodes.iter().map(|n| n.code.clone()).collect();
    let added = new_codes.iter().filter(|c| old.get(c).is_none()).count() as u32;
    let mut kept = 0;
    for code in in_use.iter().filter(|c| !new_codes.contains(*c)) {
        let name = old.get(code).map(|n| n.name.clone()).unwrap_or_default();
        nodes.push(Node {
            code: code.clone(),
            name,
            parent: classifier::parent_of(code),
            archived: true,
        });
        kept += 1;
    }
    for n in old.nodes() {
        tx.remove_raw(node_key(&n.code));
    }
    for n in &nodes {
        tx.put_raw(node_key(&n.code), prost::Message::encode_to_vec(&to_pb(n)));
    }
    tx.put_raw(VERSION_KEY.to_vec(), version.as_bytes().to_vec());
    tx.audit(crate::entity::Kind::Department, 0, "classifier_import", 0);
    Ok(Imported {
        index: Index::new(nodes),
        added,
        kept_in_use: kept,
    })
}

/// A node for the API.
pub fn node_pb(n: &Node) -> pb::ClassifierNode {
    to_pb(n)
}
