//! The Polis math blob (`/api/v3/math/pca2`, §11), out and back in.

use std::collections::BTreeMap;

use polyphony_core::{
    Analysis, Cluster, Conversation, EngineState, KSmoother, Moderation, RepresentativeStatement,
    Stance, StatementId, Tally,
};
use serde_json::{json, Map, Value};

use crate::error::PolisError;

fn rep_entry(r: &RepresentativeStatement) -> Value {
    let mut m = Map::new();
    m.insert("tid".into(), json!(r.statement));
    m.insert("n-success".into(), json!(r.n_success));
    m.insert("n-trials".into(), json!(r.n_trials));
    m.insert("p-success".into(), json!(r.p_success));
    m.insert("p-test".into(), json!(r.p_test));
    m.insert("repness".into(), json!(r.repness));
    m.insert("repness-test".into(), json!(r.repness_test));
    m.insert(
        "repful-for".into(),
        json!(match r.repful_for {
            Stance::Agree => "agree",
            Stance::Disagree => "disagree",
        }),
    );
    if r.best_agree {
        m.insert("best-agree".into(), json!(true));
        m.insert("n-agree".into(), json!(r.n_agree));
    }
    Value::Object(m)
}

fn tally(t: &Tally) -> Value {
    json!({"A": t.agree, "D": t.disagree, "S": t.seen})
}

/// The Polis math blob of an analysis, with Polis's key names, string map keys and
/// position-indexed `pca` arrays, so Polis clients and red-dwarf's helpers can read it.
///
/// `last_vote_time` becomes `lastVoteTimestamp`.
pub fn math_blob(conv: &Conversation, a: &Analysis, last_vote_time: Option<i64>) -> Value {
    let tids = &a.statements;
    let mod_in: Vec<StatementId> = conv
        .statement_statuses()
        .filter(|(_, s)| s.is_meta || s.moderation == Moderation::Accepted)
        .map(|(t, _)| t)
        .collect();
    let comment_projection = json!([
        a.pca
            .statement_projections
            .iter()
            .map(|p| p[0])
            .collect::<Vec<_>>(),
        a.pca
            .statement_projections
            .iter()
            .map(|p| p[1])
            .collect::<Vec<_>>(),
    ]);
    let base = &a.base_clusters;
    let base_clusters = json!({
        "id": base.iter().map(|c| c.id).collect::<Vec<_>>(),
        "members": base.iter().map(|c| c.members.clone()).collect::<Vec<_>>(),
        "x": base.iter().map(|c| c.center[0]).collect::<Vec<_>>(),
        "y": base.iter().map(|c| c.center[1]).collect::<Vec<_>>(),
        "count": base.iter().map(|c| c.members.len()).collect::<Vec<_>>(),
    });
    let mut votes_base = Map::new();
    for (j, tid) in tids.iter().enumerate() {
        let col: Vec<&Tally> = a.base_tallies.iter().map(|b| &b[j]).collect();
        votes_base.insert(
            tid.to_string(),
            json!({
                "A": col.iter().map(|t| t.agree).collect::<Vec<_>>(),
                "D": col.iter().map(|t| t.disagree).collect::<Vec<_>>(),
                "S": col.iter().map(|t| t.seen).collect::<Vec<_>>(),
            }),
        );
    }
    let groups = a
        .groups
        .as_ref()
        .map(|g| g.groups.as_slice())
        .unwrap_or(&[]);
    let group_clusters: Vec<Value> = groups
        .iter()
        .map(|g| json!({"id": g.id, "members": g.base_clusters, "center": g.center}))
        .collect();
    let mut group_votes = Map::new();
    let mut repness = Map::new();
    for g in groups {
        let votes: Map<String, Value> = tids
            .iter()
            .zip(&g.tallies)
            .map(|(t, x)| (t.to_string(), tally(x)))
            .collect();
        group_votes.insert(
            g.id.to_string(),
            json!({"n-members": g.members.len(), "votes": votes}),
        );
        repness.insert(
            g.id.to_string(),
            Value::Array(g.representative.iter().map(rep_entry).collect()),
        );
    }
    let consensus_list = |l: &[polyphony_core::ConsensusStatement]| -> Vec<Value> {
        l.iter()
            .map(|c| {
                json!({"tid": c.statement, "n-success": c.n_success, "n-trials": c.n_trials,
                       "p-success": c.p_success, "p-test": c.p_test})
            })
            .collect()
    };
    let str_map = |m: &BTreeMap<StatementId, f64>| -> Map<String, Value> {
        m.iter().map(|(k, v)| (k.to_string(), json!(v))).collect()
    };
    json!({
        "n": a.participant_count,
        "n-cmts": tids.len(),
        "tids": tids,
        "in-conv": a.in_conv,
        "mod-out": a.mod_out,
        "mod-in": mod_in,
        "meta-tids": a.meta,
        "user-vote-counts": a.user_vote_counts.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<Map<String, Value>>(),
        "pca": {
            "center": a.pca.center,
            "comps": a.pca.components,
            "comment-projection": comment_projection,
            "comment-extremity": a.pca.statement_extremity,
        },
        "base-clusters": base_clusters,
        "group-clusters": group_clusters,
        "votes-base": votes_base,
        "group-votes": group_votes,
        "repness": repness,
        "consensus": {
            "agree": consensus_list(&a.consensus.agree),
            "disagree": consensus_list(&a.consensus.disagree),
        },
        "group-aware-consensus": str_map(&a.group_aware_consensus),
        "comment-priorities": str_map(&a.priorities),
        "lastVoteTimestamp": last_vote_time,
        "lastModTimestamp": Value::Null,
        "math_tick": a.tick,
    })
}

fn u32_list(v: &Value, what: &str) -> Result<Vec<u32>, PolisError> {
    v.as_array()
        .ok_or_else(|| PolisError::Json(format!("`{what}` is not an array")))?
        .iter()
        .map(|x| {
            x.as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| PolisError::Json(format!("`{what}` holds a non-id value {x}")))
        })
        .collect()
}

fn f64_list(v: &Value, what: &str) -> Result<Vec<f64>, PolisError> {
    v.as_array()
        .ok_or_else(|| PolisError::Json(format!("`{what}` is not an array")))?
        .iter()
        .map(|x| {
            x.as_f64()
                .ok_or_else(|| PolisError::Json(format!("`{what}` holds a non-number {x}")))
        })
        .collect()
}

/// The engine state a Polis math blob implies: in-conv set, PCA components, base clusters,
/// the shown group clustering (as the state of its k), the smoother settled on that k, and the
/// group tallies Polis computes priorities from.
///
/// With it, a Polis conversation continues in Polyphony where Polis left off, and one update on
/// unchanged votes reproduces the blob (the parity tests do exactly this).
pub fn engine_state_from_blob(blob: &Value) -> Result<EngineState, PolisError> {
    let get = |k: &str| {
        blob.get(k)
            .ok_or_else(|| PolisError::Json(format!("blob has no `{k}`")))
    };
    let in_conv = u32_list(get("in-conv")?, "in-conv")?.into_iter().collect();
    let statements = u32_list(get("tids")?, "tids")?;
    let comps = get("pca")?
        .get("comps")
        .and_then(Value::as_array)
        .ok_or_else(|| PolisError::Json("blob has no `pca.comps`".into()))?
        .iter()
        .map(|c| f64_list(c, "pca.comps"))
        .collect::<Result<Vec<_>, _>>()?;
    let bc = get("base-clusters")?;
    let field = |k: &str| {
        bc.get(k)
            .ok_or_else(|| PolisError::Json(format!("base-clusters has no `{k}`")))
    };
    let ids = u32_list(field("id")?, "base-clusters.id")?;
    let xs = f64_list(field("x")?, "base-clusters.x")?;
    let ys = f64_list(field("y")?, "base-clusters.y")?;
    let members = field("members")?
        .as_array()
        .ok_or_else(|| PolisError::Json("base-clusters.members is not an array".into()))?
        .iter()
        .map(|m| u32_list(m, "base-clusters.members"))
        .collect::<Result<Vec<_>, _>>()?;
    if [xs.len(), ys.len(), members.len()]
        .iter()
        .any(|&n| n != ids.len())
    {
        return Err(PolisError::Json(
            "base-clusters arrays differ in length".into(),
        ));
    }
    let base_clusters = (0..ids.len())
        .map(|i| Cluster {
            id: ids[i],
            members: members[i].clone(),
            center: [xs[i], ys[i]],
        })
        .collect();
    let groups: Vec<Cluster> = get("group-clusters")?
        .as_array()
        .ok_or_else(|| PolisError::Json("group-clusters is not an array".into()))?
        .iter()
        .map(|g| {
            let center = f64_list(
                g.get("center").unwrap_or(&Value::Null),
                "group-clusters.center",
            )?;
            Ok(Cluster {
                id: g.get("id").and_then(Value::as_u64).unwrap_or(0) as u32,
                members: u32_list(
                    g.get("members").unwrap_or(&Value::Null),
                    "group-clusters.members",
                )?,
                center: [
                    center.first().copied().unwrap_or(0.0),
                    center.get(1).copied().unwrap_or(0.0),
                ],
            })
        })
        .collect::<Result<_, PolisError>>()?;
    let k = groups.len() as u32;
    let mut previous_group_votes = BTreeMap::new();
    if let Some(gv) = blob.get("group-votes").and_then(Value::as_object) {
        for (gid, g) in gv {
            let gid: u32 = gid
                .parse()
                .map_err(|_| PolisError::Json(format!("group id `{gid}`")))?;
            let mut votes = BTreeMap::new();
            if let Some(v) = g.get("votes").and_then(Value::as_object) {
                for (tid, t) in v {
                    let tid: u32 = tid
                        .parse()
                        .map_err(|_| PolisError::Json(format!("tid `{tid}`")))?;
                    let n = |k: &str| t.get(k).and_then(Value::as_u64).unwrap_or(0) as u32;
                    votes.insert(
                        tid,
                        Tally {
                            agree: n("A"),
                            disagree: n("D"),
                            seen: n("S"),
                        },
                    );
                }
            }
            previous_group_votes.insert(gid, votes);
        }
    }
    Ok(EngineState {
        tick: blob.get("math_tick").and_then(Value::as_u64).unwrap_or(0),
        participants: Vec::new(),
        statements,
        in_conv,
        components: comps,
        base_clusters,
        group_clusterings: if k > 0 {
            BTreeMap::from([(k, groups)])
        } else {
            BTreeMap::new()
        },
        smoother: KSmoother {
            last_k: (k > 0).then_some(k),
            last_k_count: 1,
            smoothed_k: (k > 0).then_some(k),
        },
        previous_group_votes,
        group_labels: Vec::new(),
    })
}

/// `data` with each statement's moderation as the blob's own tick saw it, so that one update
/// from [`engine_state_from_blob`] reproduces the blob even when moderation changed after its
/// last vote tick.
///
/// Polis's math worker does not recompute on a moderation change (`conv_man.clj`): it runs
/// `mod-update` alone and writes the blob again with the new `mod-out`, but the PCA, groups,
/// repness and consensus of the last vote tick (§1.3 of the math spec; `lastModTimestamp` is
/// then non-null). A comment rejected since, or restored since, is in the blob's `mod-out` (or
/// not) while its numbers were computed the other way. The blob itself says which: a column
/// moderated out at the tick was zeroed for everyone (`nm/zero-out-columns`), so its centre and
/// every loading are exactly 0, which a column with agree or disagree votes in it never is.
/// So a statement whose column is zeroed counts as moderated out (a comment restored since, if
/// it has such votes), and one in `mod-out` whose column is not zeroed counts as in (rejected
/// since). In a blob written by a vote tick the two agree and nothing changes (checked on all
/// three real blobs, strict moderation included: strict moderation itself is ignored by the
/// math — an unaccepted comment, `mod = 0`, is a column like any other).
///
/// # Errors
/// [`PolisError::Json`] when the blob lacks `tids` or `pca.center` / `pca.comps`, or they differ
/// in length.
///
/// ```
/// # let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/polis-math-blobs/below-100-ptpts");
/// # if !dir.is_dir() { return Ok(()); }
/// let blob: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("math-pca2.json"))?)?;
/// let data = polyphony_polis::read_path(&dir, polyphony_polis::VoteSign::Auto)?;
/// // Written by a vote tick: moderation is as the comments say.
/// assert_eq!(polyphony_polis::moderation_at_blob_tick(&blob, &data)?, data);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn moderation_at_blob_tick(
    blob: &Value,
    data: &crate::PolisConversation,
) -> Result<crate::PolisConversation, PolisError> {
    let tids = u32_list(
        blob.get("tids")
            .ok_or_else(|| PolisError::Json("blob has no `tids`".into()))?,
        "tids",
    )?;
    let pca = blob
        .get("pca")
        .ok_or_else(|| PolisError::Json("blob has no `pca`".into()))?;
    let center = f64_list(pca.get("center").unwrap_or(&Value::Null), "pca.center")?;
    let comps = pca
        .get("comps")
        .and_then(Value::as_array)
        .ok_or_else(|| PolisError::Json("blob has no `pca.comps`".into()))?
        .iter()
        .map(|c| f64_list(c, "pca.comps"))
        .collect::<Result<Vec<_>, _>>()?;
    if center.len() != tids.len() || comps.iter().any(|c| c.len() != tids.len()) {
        return Err(PolisError::Json(
            "pca.center and pca.comps do not match tids in length".into(),
        ));
    }
    let mod_out: std::collections::BTreeSet<u32> = match blob.get("mod-out") {
        Some(v) if !v.is_null() => u32_list(v, "mod-out")?.into_iter().collect(),
        _ => Default::default(),
    };
    let opinionated: std::collections::BTreeSet<StatementId> = data
        .votes
        .iter()
        .filter(|v| v.vote != polyphony_core::Vote::Pass)
        .map(|v| v.statement)
        .collect();
    let mut out = data.clone();
    for (j, &tid) in tids.iter().enumerate() {
        let zeroed = center[j] == 0.0 && comps.iter().all(|c| c[j] == 0.0);
        // Statements are sorted by id (`PolisConversation::statements`).
        let Ok(i) = out.statements.binary_search_by_key(&tid, |s| s.id) else {
            continue;
        };
        let s = &mut out.statements[i];
        let out_now = s.is_meta || s.moderation == Moderation::Rejected;
        if mod_out.contains(&tid) && !zeroed && out_now {
            // Rejected (or made meta) after the tick: it was a column like any other.
            s.moderation = Moderation::Unmoderated;
            s.is_meta = false;
        } else if !mod_out.contains(&tid) && zeroed && opinionated.contains(&tid) && !out_now {
            // Restored after the tick: it was moderated out.
            s.moderation = Moderation::Rejected;
        }
    }
    Ok(out)
}
