use std::collections::BTreeMap;

use proptest::prelude::*;
use serde::ser::SerializeMap as _;
use serde::Serialize;

use super::*;

/// What the writer must equal: the `Value` tree printed pretty.
fn via_value<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    serde_json::to_string_pretty(&serde_json::to_value(value)?)
}

fn direct<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    let mut out = Vec::new();
    to_sorted_pretty(value, &mut out)?;
    Ok(String::from_utf8(out).expect("UTF-8"))
}

fn same<T: Serialize + ?Sized>(value: &T) {
    assert_eq!(direct(value).ok(), via_value(value).ok());
}

/// A JSON-like tree whose objects keep their entries in the order given (repeats included).
#[derive(Clone, Debug)]
enum Node {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Single(f32),
    Text(String),
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
    Numbered(Vec<(u32, Node)>),
}

impl Serialize for Node {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Null => s.serialize_unit(),
            Node::Bool(b) => s.serialize_bool(*b),
            Node::Int(i) => s.serialize_i64(*i),
            Node::Uint(u) => s.serialize_u64(*u),
            Node::Float(f) => s.serialize_f64(*f),
            Node::Single(f) => s.serialize_f32(*f),
            Node::Text(t) => s.serialize_str(t),
            Node::Array(items) => s.collect_seq(items),
            Node::Object(entries) => {
                let mut m = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
            Node::Numbered(entries) => {
                let mut m = s.serialize_map(None)?;
                for (k, v) in entries {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
    }
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-d]{0,3}",
        "[a-z_]{0,8}",
        any::<String>(),
        Just("\"quoted\" \\ \n\t\u{1}\u{7f}é語".to_string()),
    ]
}

fn node() -> impl Strategy<Value = Node> {
    let leaf = prop_oneof![
        Just(Node::Null),
        any::<bool>().prop_map(Node::Bool),
        any::<i64>().prop_map(Node::Int),
        any::<u64>().prop_map(Node::Uint),
        prop_oneof![
            any::<f64>(),
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(-0.0),
            Just(0.1),
            Just(1e300)
        ]
        .prop_map(Node::Float),
        any::<f32>().prop_map(Node::Single),
        text().prop_map(Node::Text),
    ];
    leaf.prop_recursive(4, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Node::Array),
            prop::collection::vec((text(), inner.clone()), 0..6).prop_map(Node::Object),
            prop::collection::vec((0u32..30, inner), 0..6).prop_map(Node::Numbered),
        ]
    })
}

proptest! {
    #[test]
    fn any_tree_prints_as_its_value_does(tree in node()) {
        prop_assert_eq!(direct(&tree).ok(), via_value(&tree).ok());
    }
}

#[derive(Serialize)]
struct Unit;

#[derive(Serialize)]
struct Newtype(u8);

#[derive(Serialize)]
struct Pair(i8, char);

#[derive(Serialize)]
enum Kind {
    Plain,
    Wrapped(Vec<u16>),
    Tuple(u8, Option<bool>),
    Fields { zeta: i128, alpha: u128 },
}

#[derive(Serialize)]
struct Everything {
    zulu: Vec<Kind>,
    alpha: Option<Unit>,
    mike: BTreeMap<u32, f64>,
    bravo: BTreeMap<bool, Pair>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hidden: Option<u8>,
    newtype: Newtype,
    empty_vec: Vec<u8>,
    empty_map: BTreeMap<String, u8>,
    f32s: [f32; 2],
    keyed_by_char: BTreeMap<char, i16>,
    #[serde(with = "bytes")]
    raw: Vec<u8>,
}

mod bytes {
    pub fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(v)
    }
}

#[test]
fn every_shape_serde_makes_prints_as_its_value_does() {
    let all = Everything {
        zulu: vec![
            Kind::Plain,
            Kind::Wrapped(vec![1, 2]),
            Kind::Tuple(3, None),
            Kind::Fields { zeta: -5, alpha: 7 },
        ],
        alpha: Some(Unit),
        mike: [(10, 0.5), (9, f64::NAN), (100, -1e-300)].into(),
        bravo: [(true, Pair(-1, 'x')), (false, Pair(2, '"'))].into(),
        hidden: None,
        newtype: Newtype(4),
        empty_vec: vec![],
        empty_map: BTreeMap::new(),
        f32s: [0.1, f32::INFINITY],
        keyed_by_char: [('b', 1), ('a', 2)].into(),
        raw: vec![0, 255],
    };
    same(&all);
}

#[test]
fn a_repeated_key_keeps_its_last_value_where_a_map_puts_it() {
    let tree = Node::Object(vec![
        ("b".into(), Node::Int(1)),
        ("a".into(), Node::Int(2)),
        ("b".into(), Node::Int(3)),
    ]);
    same(&tree);
    assert!(direct(&tree).expect("json").contains("\"b\": 3"));
}

#[test]
fn deep_nesting_indents_past_the_prepared_spaces() {
    let mut tree = Node::Int(1);
    for i in 0..80 {
        tree = if i % 2 == 0 {
            Node::Array(vec![tree])
        } else {
            Node::Object(vec![("k".into(), tree)])
        };
    }
    same(&tree);
}

#[test]
fn a_key_that_is_not_text_fails_as_with_a_value() {
    let map: BTreeMap<Vec<u8>, u8> = [(vec![1], 1)].into();
    assert!(direct(&map).is_err());
    assert!(via_value(&map).is_err());
}

#[test]
fn tallies_print_as_serde_prints_them_at_any_depth() {
    let t = |a, d, s| polyphony_core::Tally {
        agree: a,
        disagree: d,
        seen: s,
    };
    let rows = vec![
        vec![t(0, 1, 4), t(12, 3_000_000, u32::MAX)],
        vec![],
        vec![t(7, 0, 9)],
    ];
    for depth in [0, 1, 2, 5, 40] {
        let mut out = Vec::new();
        write_tallies(&mut out, &rows, depth, &mut |_| Ok(())).expect("json");
        let mut want = Vec::new();
        to_sorted_pretty_at(&rows, &mut want, depth).expect("json");
        assert_eq!(
            String::from_utf8(out),
            String::from_utf8(want),
            "depth {depth}"
        );
    }
    let mut out = Vec::new();
    write_tallies(&mut out, &[], 2, &mut |_| Ok(())).expect("json");
    assert_eq!(out, b"[]");
    // Text handed on after each row, as a report streams it: the same bytes in the end.
    let (mut out, mut spilled) = (Vec::new(), Vec::new());
    write_tallies(&mut out, &rows, 2, &mut |o: &mut Vec<u8>| {
        spilled.append(o);
        Ok(())
    })
    .expect("json");
    spilled.extend_from_slice(&out);
    let mut want = Vec::new();
    to_sorted_pretty_at(&rows, &mut want, 2).expect("json");
    assert_eq!(spilled, want);
    assert_eq!(
        direct(&rows).ok(),
        via_value(&rows).ok(),
        "and the general writer matches the Value"
    );
}

fn point() -> impl Strategy<Value = polyphony_core::ParticipantPoint> {
    let id = prop_oneof![Just(None), any::<u32>().prop_map(Some)];
    let x = prop_oneof![
        any::<f64>(),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(-0.0),
        -3.0..3.0f64,
    ];
    (
        any::<u32>(),
        x.clone(),
        x,
        any::<bool>(),
        id.clone(),
        id.clone(),
        id,
    )
        .prop_map(
            |(participant, x, y, in_conv, base_cluster, group, live_group)| {
                polyphony_core::ParticipantPoint {
                    participant,
                    position: [x, y],
                    in_conv,
                    base_cluster,
                    group,
                    live_group,
                }
            },
        )
}

proptest! {
    #[test]
    fn participants_print_as_serde_prints_them(
        points in prop::collection::vec(point(), 0..6),
        depth in prop_oneof![0usize..4, Just(40)],
    ) {
        let mut out = Vec::new();
        write_participants(&mut out, &points, depth, &mut |_| Ok(())).expect("json");
        let mut want = Vec::new();
        to_sorted_pretty_at(&points, &mut want, depth).expect("json");
        prop_assert_eq!(String::from_utf8(out), String::from_utf8(want));
        // Text handed on after each point, as a report streams it: the same bytes in the end.
        let (mut out, mut spilled) = (Vec::new(), Vec::new());
        write_participants(&mut out, &points, 2, &mut |o: &mut Vec<u8>| {
            spilled.append(o);
            Ok(())
        })
        .expect("json");
        spilled.extend_from_slice(&out);
        let mut want = Vec::new();
        to_sorted_pretty_at(&points, &mut want, 2).expect("json");
        prop_assert_eq!(spilled, want);
        prop_assert_eq!(direct(&points).ok(), via_value(&points).ok());
    }
}
