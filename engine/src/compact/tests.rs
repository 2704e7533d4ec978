//! The writer's text is serde_json's `to_string`, byte for byte: on arbitrary JSON values, on
//! every shape serde's derive produces, on the edge cases of numbers, strings and map keys.

use super::{Unsupported, to_json};
use proptest::prelude::*;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Both writers on `v`: the same text, or both refusing.
fn same<T: Serialize + ?Sized>(v: &T) -> Result<String, Unsupported> {
    let ours = to_json(v);
    let theirs = serde_json::to_string(v);
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) => assert_eq!(a, b),
        (Err(_), Err(_)) => {}
        _ => panic!("ours {ours:?}, serde_json's {theirs:?}"),
    }
    ours
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[\\x00-\\x20\"\\\\a/\u{7f}\u{e9}\u{2028}\u{1f600}]{0,12}",
    ]
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((text(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn any_json_value_is_written_as_serde_json_writes_it(v in value()) {
        same(&v).unwrap();
    }

    #[test]
    fn any_float_is_written_as_serde_json_writes_it(x in any::<f64>(), y in any::<f32>()) {
        same(&(x, y)).unwrap();
    }
}

#[test]
fn numbers_at_their_edges() {
    let floats = [
        0.0,
        -0.0,
        0.1,
        5.0,
        1e21,
        1e-7,
        f64::MAX,
        f64::MIN_POSITIVE,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    assert_eq!(same(&floats[..4]).unwrap(), "[0.0,-0.0,0.1,5.0]");
    same(&floats).unwrap();
    same(&[f32::NAN, 0.1, 1e-45]).unwrap();
    same(&(i64::MIN, u64::MAX, i8::MIN, u8::MAX, -1i32, 65_535u16)).unwrap();
}

#[test]
fn strings_are_escaped_as_serde_json_escapes_them() {
    let all_bytes: String = (0u8..128).map(char::from).collect();
    same(&all_bytes).unwrap();
    let s = same("<img src=x onerror=\"a\\b\">\u{1}\u{1f}\u{7f}é\u{2028}").unwrap();
    assert_eq!(
        s,
        "\"<img src=x onerror=\\\"a\\\\b\\\">\\u0001\\u001f\u{7f}é\u{2028}\""
    );
    same(&'"').unwrap();
    same(&'\n').unwrap();
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
enum Shape {
    Unit,
    Newtype(u32),
    Tuple(u8, String),
    Struct { a: Option<f64>, b: Vec<bool> },
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
enum Tagged {
    Plain,
    WithFields { x: u64 },
}

#[derive(Serialize)]
struct Unit;

#[derive(Serialize)]
struct Newtype(i16);

#[derive(Serialize)]
struct Pair(u8, char);

#[derive(Serialize)]
struct Everything {
    shapes: Vec<Shape>,
    tagged: [Tagged; 2],
    unit: Unit,
    newtype: Newtype,
    pair: Pair,
    nothing: (),
    empty: Vec<u8>,
    empty_map: BTreeMap<String, u8>,
    #[serde(skip)]
    _skipped: u8,
    #[serde(flatten)]
    flat: BTreeMap<String, Option<String>>,
    #[serde(with = "serde_bytes_as_seq")]
    bytes: Vec<u8>,
}

/// `serialize_bytes`, which serde_json writes as an array of numbers.
mod serde_bytes_as_seq {
    pub fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(v)
    }
}

#[test]
fn every_shape_of_the_derive() {
    let everything = Everything {
        shapes: vec![
            Shape::Unit,
            Shape::Newtype(7),
            Shape::Tuple(1, "t".into()),
            Shape::Struct {
                a: None,
                b: vec![true, false],
            },
            Shape::Struct {
                a: Some(2.5),
                b: vec![],
            },
        ],
        tagged: [Tagged::Plain, Tagged::WithFields { x: 3 }],
        unit: Unit,
        newtype: Newtype(-4),
        pair: Pair(9, 'q'),
        nothing: (),
        empty: vec![],
        empty_map: BTreeMap::new(),
        _skipped: 1,
        flat: BTreeMap::from([("f".into(), Some("g".into())), ("h".into(), None)]),
        bytes: vec![0, 255],
    };
    let s = same(&everything).unwrap();
    assert!(s.starts_with("{\"shapes\":[\"unit\",{\"newtype\":7},{\"tuple\":[1,\"t\"]},"));
    assert!(s.contains("\"tagged\":[{\"kind\":\"plain\"},{\"kind\":\"with-fields\",\"x\":3}]"));
    assert!(s.ends_with("\"f\":\"g\",\"h\":null,\"bytes\":[0,255]}"));
}

#[test]
fn map_keys_are_quoted_as_serde_json_quotes_them() {
    same(&BTreeMap::from([(3u32, "a"), (10, "b")])).unwrap();
    same(&BTreeMap::from([(-1i64, 1)])).unwrap();
    same(&BTreeMap::from([('x', 1)])).unwrap();
    same(&BTreeMap::from([(true, 1), (false, 2)])).unwrap();
    same(&BTreeMap::from([(Some("k"), 1)])).unwrap();
    same(&BTreeMap::from([("a\"b\u{1}".to_string(), 1)])).unwrap();
    let float_keys: Vec<(f64, u8)> = vec![(0.5, 1)];
    same(&float_keys.into_iter().collect::<FloatKeys>()).unwrap();
    // Keys no JSON object can have: both refuse.
    assert_eq!(same(&BTreeMap::from([((1, 2), 1)])), Err(Unsupported));
    assert_eq!(same(&BTreeMap::from([(None::<&str>, 1)])), Err(Unsupported));
    assert_eq!(same(&BTreeMap::from([(vec![1], 1)])), Err(Unsupported));
}

/// A map with float keys (no standard map orders floats).
struct FloatKeys(Vec<(f64, u8)>);

impl FromIterator<(f64, u8)> for FloatKeys {
    fn from_iter<I: IntoIterator<Item = (f64, u8)>>(it: I) -> Self {
        FloatKeys(it.into_iter().collect())
    }
}

impl Serialize for FloatKeys {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}
