//! One reader for a Polis export however it arrives: a folder on disk, files dropped in a
//! browser, strings from JavaScript. Each front end hands over (file name, contents) pairs.

use std::path::{Path, PathBuf};

use crate::error::PolisError;
use crate::import::{
    parse_api_pair, parse_export, parse_export_with, read_votes_file, ExportFiles,
    PolisConversation, VoteSign,
};

/// The file names [`read_named_files`] recognises (compared without case, directories ignored).
const KNOWN: [&str; 6] = [
    "comments.csv",
    "votes.csv",
    "participants-votes.csv",
    "summary.csv",
    "votes.json",
    "comments.json",
];

/// What the caller must supply when no import form matches.
const EXPECTED: &str = "expected comments.csv with votes.csv or participants-votes.csv (openData \
                        export), or votes.json with comments.json (Polis API)";

fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

fn text<'a>(dir: &Path, name: &str, bytes: &'a [u8]) -> Result<&'a str, PolisError> {
    std::str::from_utf8(bytes).map_err(|e| PolisError::InFile {
        path: dir.join(name),
        source: Box::new(PolisError::Json(e.to_string())),
    })
}

/// [`read_named_files`], naming the files inside `dir` in error messages.
pub(crate) fn read_named_files_in(
    files: &[(&str, &[u8])],
    dir: &Path,
    sign: VoteSign,
) -> Result<PolisConversation, PolisError> {
    let find = |name: &str| {
        files
            .iter()
            .find(|(n, _)| base_name(n).eq_ignore_ascii_case(name))
            .map(|(_, bytes)| *bytes)
    };
    if let (Some(votes), Some(comments)) = (find("votes.json"), find("comments.json")) {
        let votes = text(dir, "votes.json", votes)?;
        let comments = text(dir, "comments.json", comments)?;
        return parse_api_pair(votes, comments, dir, sign);
    }
    if let Some(comments) = find("comments.csv") {
        let files = ExportFiles {
            comments,
            votes: find("votes.csv"),
            participants_votes: find("participants-votes.csv"),
            summary: find("summary.csv"),
        };
        return parse_export(files, dir, sign);
    }
    let found: Vec<&str> = files
        .iter()
        .map(|(n, _)| base_name(n))
        .filter(|n| KNOWN.iter().any(|k| k.eq_ignore_ascii_case(n)))
        .collect();
    let found = match found.as_slice() {
        [] => String::new(),
        names => format!(" (found only {})", names.join(", ")),
    };
    let place = match dir.as_os_str().is_empty() {
        true => String::new(),
        false => format!("{}: ", dir.display()),
    };
    Err(PolisError::NotAnExport(format!("{place}{EXPECTED}{found}")))
}

/// Reads a Polis export given as (file name, contents) pairs: the openData set
/// (`comments.csv` with `votes.csv` or `participants-votes.csv`, optionally `summary.csv`) or the
/// API pair (`votes.json` + `comments.json`, preferred when both are there). Names are compared
/// without case and any directory part is ignored; other files are skipped.
///
/// This is the one place that decides which files make an export, for the CLI (a folder's
/// files), the WebAssembly bindings (strings from JavaScript) and the web explorer (dropped
/// files), so each reports the same errors.
///
/// ```
/// use polyphony_polis::{read_named_files, VoteSign};
/// let comments = "comment-id,comment-body,moderated\n1,Cars should pay tolls,1\n";
/// let votes = "timestamp,datetime,comment-id,voter-id,vote\n1700000000000,x,1,7,1\n";
/// let data = read_named_files(
///     &[("export/comments.csv", comments.as_bytes()), ("export/votes.csv", votes.as_bytes())],
///     VoteSign::Auto,
/// )?;
/// assert_eq!((data.statements.len(), data.votes.len()), (1, 1));
///
/// let err = read_named_files(&[("votes.csv", votes.as_bytes())], VoteSign::Auto).unwrap_err();
/// assert!(err.to_string().contains("expected comments.csv"));
/// # Ok::<(), polyphony_polis::PolisError>(())
/// ```
pub fn read_named_files(
    files: &[(&str, &[u8])],
    sign: VoteSign,
) -> Result<PolisConversation, PolisError> {
    read_named_files_in(files, Path::new(""), sign)
}

fn read_file(path: &Path) -> Result<Vec<u8>, PolisError> {
    std::fs::read(path).map_err(|source| PolisError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Reads the named files present in `dir` (a missing one is simply absent).
fn read_known(
    dir: &Path,
    names: &[&'static str],
) -> Result<Vec<(&'static str, Vec<u8>)>, PolisError> {
    let mut out = Vec::new();
    for &name in names {
        let path = dir.join(name);
        if path.exists() {
            out.push((name, read_file(&path)?));
        }
    }
    Ok(out)
}

fn read_in(
    dir: &Path,
    files: &[(&'static str, Vec<u8>)],
    sign: VoteSign,
) -> Result<PolisConversation, PolisError> {
    let named: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    read_named_files_in(&named, dir, sign)
}

/// Whether reading an openData folder takes Polis's own group of each participant
/// (`participants-votes.csv`'s `group-id`, into [`PolisConversation::polis_groups`]). Only a
/// comparison with Polis's groups uses them (the text summary, a replay's scores); an analysis
/// does not, and that file is a fifth of a large export's text. When `votes.csv` is absent,
/// `participants-votes.csv` holds the votes and is read either way.
///
/// ```
/// use polyphony_polis::{read_path_with, ReferenceGroups, VoteSign};
/// # let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/two-camps");
/// let data = read_path_with(&dir, VoteSign::Auto, ReferenceGroups::Skip)?;
/// assert!(data.polis_groups.is_empty());
/// assert_eq!(ReferenceGroups::default(), ReferenceGroups::Read);
/// # Ok::<(), polyphony_polis::PolisError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ReferenceGroups {
    /// Read them (and fail on a malformed `participants-votes.csv`), as [`read_path`] does.
    #[default]
    Read,
    /// Leave `participants-votes.csv` unread when `votes.csv` is there.
    Skip,
}

/// Reads an openData export folder.
pub fn read_export_folder(dir: &Path, sign: VoteSign) -> Result<PolisConversation, PolisError> {
    read_export_folder_with(dir, sign, ReferenceGroups::Read)
}

fn read_export_folder_with(
    dir: &Path,
    sign: VoteSign,
    groups: ReferenceGroups,
) -> Result<PolisConversation, PolisError> {
    // Read comments.csv first so that its absence is an I/O error naming it, as before.
    let comments = read_file(&dir.join("comments.csv"))?;
    // votes.csv, the largest file, is parsed as it is read (its parse error, if any, is
    // reported where parse_export reports it).
    let votes_path = dir.join("votes.csv");
    let votes = match votes_path.exists() {
        true => Some(read_votes_file(&votes_path, sign)?),
        false => None,
    };
    let others: &[&'static str] = match (groups, votes.is_some()) {
        (ReferenceGroups::Skip, true) => &["summary.csv"],
        _ => &["participants-votes.csv", "summary.csv"],
    };
    let rest = read_known(dir, others)?;
    let find = |name: &str| {
        rest.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| b.as_slice())
    };
    let files = ExportFiles {
        comments: &comments,
        votes: None,
        participants_votes: find("participants-votes.csv"),
        summary: find("summary.csv"),
    };
    parse_export_with(files, votes, dir)
}

/// Reads the API pair `votes.json` + `comments.json` from a folder.
pub fn read_api_pair(dir: &Path, sign: VoteSign) -> Result<PolisConversation, PolisError> {
    let files = vec![
        ("votes.json", read_file(&dir.join("votes.json"))?),
        ("comments.json", read_file(&dir.join("comments.json"))?),
    ];
    read_in(dir, &files, sign)
}

/// Reads whichever import form `path` is: a folder with `votes.json` is an API pair, a folder
/// with `comments.csv` an openData export.
pub fn read_path(path: &Path, sign: VoteSign) -> Result<PolisConversation, PolisError> {
    read_path_with(path, sign, ReferenceGroups::Read)
}

/// [`read_path`], taking Polis's groups from an openData folder only when `groups` says so
/// (see [`ReferenceGroups`]; the API pair has none).
pub fn read_path_with(
    path: &Path,
    sign: VoteSign,
    groups: ReferenceGroups,
) -> Result<PolisConversation, PolisError> {
    if !path.is_dir() {
        return Err(PolisError::Io {
            path: PathBuf::from(path),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such folder"),
        });
    }
    if path.join("votes.json").exists() {
        read_api_pair(path, sign)
    } else if path.join("comments.csv").exists() {
        read_export_folder_with(path, sign, groups)
    } else {
        read_in(path, &read_known(path, &KNOWN)?, sign)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const COMMENTS: &str = "comment-id,comment-body,moderated\n1,One,1\n2,Two,-1\n";
    const VOTES: &str = "timestamp,datetime,comment-id,voter-id,vote\n1700000000000,x,1,7,1\n";

    #[test]
    fn recognises_the_open_data_set_by_name_whatever_the_case_and_folder() {
        let files: [(&str, &[u8]); 3] = [
            ("a/Comments.CSV", COMMENTS.as_bytes()),
            ("a/votes.csv", VOTES.as_bytes()),
            ("a/readme.txt", b"ignored"),
        ];
        let data = read_named_files(&files, VoteSign::Auto).unwrap();
        assert_eq!(data.statements.len(), 2);
        assert_eq!(data.votes.len(), 1);
    }

    #[test]
    fn reads_participants_votes_when_votes_csv_is_absent() {
        let pv = "participant,group-id,n-comments,n-votes,n-agree,n-disagree,1,2\n7,0,0,1,1,0,1,\n";
        let files: [(&str, &[u8]); 2] = [
            ("comments.csv", COMMENTS.as_bytes()),
            ("participants-votes.csv", pv.as_bytes()),
        ];
        let data = read_named_files(&files, VoteSign::Auto).unwrap();
        assert_eq!(data.votes.len(), 1);
        assert_eq!(data.polis_groups.get(&7), Some(&0));
    }

    #[test]
    fn skipping_polis_groups_leaves_participants_votes_unread_only_beside_votes_csv() {
        let dir = std::env::temp_dir().join(format!("polyphony-groups-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("comments.csv"), COMMENTS).unwrap();
        let pv = "participant,group-id,n-comments,n-votes,n-agree,n-disagree,1,2\n7,0,0,1,1,0,1,\n";
        std::fs::write(dir.join("participants-votes.csv"), pv).unwrap();
        // Without votes.csv, participants-votes.csv holds the votes: read whatever is asked.
        let data = read_path_with(&dir, VoteSign::Auto, ReferenceGroups::Skip).unwrap();
        assert_eq!((data.votes.len(), data.polis_groups.get(&7)), (1, Some(&0)));
        std::fs::write(dir.join("votes.csv"), VOTES).unwrap();
        let read = read_path(&dir, VoteSign::Auto).unwrap();
        let skipped = read_path_with(&dir, VoteSign::Auto, ReferenceGroups::Skip).unwrap();
        assert_eq!(read.polis_groups.get(&7), Some(&0));
        assert!(skipped.polis_groups.is_empty());
        assert_eq!(
            (&read.statements, &read.votes),
            (&skipped.statements, &skipped.votes)
        );
        // A malformed file fails a read that takes the groups, not one that skips them.
        std::fs::write(
            dir.join("participants-votes.csv"),
            "participant,group-id\n7,x\n",
        )
        .unwrap();
        assert!(read_path(&dir, VoteSign::Auto).is_err());
        assert!(read_path_with(&dir, VoteSign::Auto, ReferenceGroups::Skip).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn prefers_the_api_pair_and_names_its_files_in_errors() {
        let votes = r#"[{"pid": 7, "tid": 1, "vote": 1, "modified": 5}]"#;
        let comments = r#"[{"tid": 1, "txt": "One", "mod": 1}]"#;
        let files: [(&str, &[u8]); 3] = [
            ("comments.csv", b"not, the, one"),
            ("votes.json", votes.as_bytes()),
            ("comments.json", comments.as_bytes()),
        ];
        let data = read_named_files(&files, VoteSign::Auto).unwrap();
        assert_eq!(data.votes.len(), 1);
        let bad: [(&str, &[u8]); 2] = [("votes.json", b"[{\"pid\":1}]"), ("comments.json", b"[]")];
        let err = read_named_files(&bad, VoteSign::Auto).unwrap_err();
        assert!(err.to_string().starts_with("votes.json: "), "{err}");
    }

    #[test]
    fn missing_files_are_named() {
        let err = read_named_files(&[], VoteSign::Auto).unwrap_err();
        assert_eq!(
            err.to_string(),
            "expected comments.csv with votes.csv or participants-votes.csv (openData export), \
             or votes.json with comments.json (Polis API)"
        );
        let files: [(&str, &[u8]); 1] = [("votes.json", b"[]")];
        let err = read_named_files(&files, VoteSign::Auto).unwrap_err();
        assert!(
            err.to_string().ends_with("(found only votes.json)"),
            "{err}"
        );
        let files: [(&str, &[u8]); 1] = [("comments.csv", COMMENTS.as_bytes())];
        let err = read_named_files(&files, VoteSign::Auto).unwrap_err();
        assert!(
            err.to_string()
                .contains("neither votes.csv nor participants-votes.csv"),
            "{err}"
        );
    }
}
