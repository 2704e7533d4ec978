//! Compact JSON text for the console's exports and stored settings: a serde `Serializer`
//! written for size, whose output is serde_json's `to_string`, byte for byte.
//!
//! Why not serde_json's own: its serializer is generic over a writer and a formatter, and
//! serde's derive inlines it into every field of every struct, so each field carried its own
//! copy of the separators, the key's escaping and the value's formatting: 13 KB of the wasm for
//! the report alone. Here a field costs two calls (its key, then its value), to functions that
//! are not inlined. Same text out: the tests compare the two on reports, suites, stored
//! configurations and arbitrary JSON values.
//!
//! Map keys are written as serde_json writes them: strings, and characters, integers,
//! booleans and finite floats in quotes; anything else is [`Unsupported`], as there.

mod key;

use key::KeyWriter;
use serde::ser::{self, Serialize};
use std::fmt::{self, Write};

/// What serde_json would refuse as well: a map key that is no string, character, integer,
/// boolean or finite float, or a `Serialize` implementation's own error.
#[derive(Debug, PartialEq, Eq)]
pub struct Unsupported;

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not serialisable as JSON")
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Unsupported
    }
}

type Done = Result<(), Unsupported>;

/// `value` as compact JSON, as `serde_json::to_string` writes it.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, Unsupported> {
    let mut w = Writer(String::new());
    value.serialize(&mut w)?;
    Ok(w.0)
}

/// `value` as [`to_json`] writes it, checked against serde_json's text: for the tests of the
/// exports written with it.
#[cfg(test)]
pub(crate) fn checked<T: Serialize + ?Sized>(value: &T) -> String {
    let ours = to_json(value).expect("serialisable");
    assert_eq!(ours, serde_json::to_string(value).unwrap());
    ours
}

/// The text written so far.
pub(crate) struct Writer(String);

/// JSON written by hand, for a document whose shape is fixed (the HAR, the auth frame): its
/// constant parts as they are, its values escaped and formatted as [`to_json`] writes them.
/// Why: a `serde_json::Value` built with `json!` costs a map insertion per key and a second
/// serialiser, where a constant part here is one call.
pub(crate) struct Text(Writer);

impl Text {
    pub(crate) fn new(start: &str) -> Text {
        Text(Writer(start.to_string()))
    }

    /// `s` as it is: JSON punctuation and keys.
    pub(crate) fn raw(&mut self, s: &str) -> &mut Text {
        let _ = self.0.raw(s);
        self
    }

    /// `s` as a JSON string.
    pub(crate) fn str(&mut self, s: &str) -> &mut Text {
        let _ = self.0.string(s);
        self
    }

    pub(crate) fn float(&mut self, v: f64) -> &mut Text {
        let _ = self.0.float(v);
        self
    }

    pub(crate) fn uint(&mut self, v: u64) -> &mut Text {
        let _ = self.0.uint(v);
        self
    }

    pub(crate) fn done(self) -> String {
        self.0.0
    }
}

impl Writer {
    #[inline(never)]
    pub(super) fn raw(&mut self, s: &str) -> Done {
        self.0.push_str(s);
        Ok(())
    }

    #[inline(never)]
    pub(super) fn uint(&mut self, v: u64) -> Done {
        write!(self.0, "{v}").map_err(|_| Unsupported)
    }

    #[inline(never)]
    pub(super) fn int(&mut self, v: i64) -> Done {
        write!(self.0, "{v}").map_err(|_| Unsupported)
    }

    #[inline(never)]
    pub(super) fn float(&mut self, v: f64) -> Done {
        if v.is_finite() {
            self.0.push_str(zmij::Buffer::new().format_finite(v));
        } else {
            self.0.push_str("null");
        }
        Ok(())
    }

    #[inline(never)]
    pub(super) fn float32(&mut self, v: f32) -> Done {
        if v.is_finite() {
            self.0.push_str(zmij::Buffer::new().format_finite(v));
        } else {
            self.0.push_str("null");
        }
        Ok(())
    }

    /// `s` quoted, escaped as serde_json escapes: `"`, `\` and the control characters.
    #[inline(never)]
    pub(super) fn string(&mut self, s: &str) -> Done {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let out = &mut self.0;
        out.push('"');
        let mut run = 0;
        for (i, b) in s.bytes().enumerate() {
            let short = match b {
                b'"' => '"',
                b'\\' => '\\',
                b'\n' => 'n',
                b'\r' => 'r',
                b'\t' => 't',
                0x08 => 'b',
                0x0c => 'f',
                0..=0x1f => 'u',
                _ => continue,
            };
            out.push_str(&s[run..i]);
            run = i + 1;
            out.push('\\');
            out.push(short);
            if short == 'u' {
                out.push_str("00");
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 0xf)] as char);
            }
        }
        out.push_str(&s[run..]);
        out.push('"');
        Ok(())
    }

    /// Opens `{"variant":` around an enum variant's content.
    #[inline(never)]
    fn variant(&mut self, variant: &str) -> Done {
        self.raw("{")?;
        self.string(variant)?;
        self.raw(":")
    }
}

/// An array or object being written: whether the next item is its first.
pub(crate) struct Compound<'a> {
    w: &'a mut Writer,
    first: bool,
    /// What closes it: `]`, `}`, or `]}` / `}}` for an enum variant's content.
    close: &'static str,
}

impl Compound<'_> {
    #[inline(never)]
    fn comma(&mut self) -> Done {
        if !std::mem::replace(&mut self.first, false) {
            self.w.raw(",")?;
        }
        Ok(())
    }

    #[inline(never)]
    fn key(&mut self, key: &str) -> Done {
        self.comma()?;
        self.w.string(key)?;
        self.w.raw(":")
    }

    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        self.comma()?;
        value.serialize(&mut *self.w)
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Done {
        self.key(key)?;
        value.serialize(&mut *self.w)
    }

    fn close(self) -> Done {
        self.w.raw(self.close)
    }
}

impl Writer {
    #[inline(never)]
    fn open<'a>(
        &'a mut self,
        open: &str,
        close: &'static str,
    ) -> Result<Compound<'a>, Unsupported> {
        self.raw(open)?;
        Ok(Compound {
            w: self,
            first: true,
            close,
        })
    }
}

impl<'a> ser::Serializer for &'a mut Writer {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn serialize_bool(self, v: bool) -> Done {
        self.raw(if v { "true" } else { "false" })
    }
    fn serialize_i8(self, v: i8) -> Done {
        self.int(v.into())
    }
    fn serialize_i16(self, v: i16) -> Done {
        self.int(v.into())
    }
    fn serialize_i32(self, v: i32) -> Done {
        self.int(v.into())
    }
    fn serialize_i64(self, v: i64) -> Done {
        self.int(v)
    }
    fn serialize_u8(self, v: u8) -> Done {
        self.uint(v.into())
    }
    fn serialize_u16(self, v: u16) -> Done {
        self.uint(v.into())
    }
    fn serialize_u32(self, v: u32) -> Done {
        self.uint(v.into())
    }
    fn serialize_u64(self, v: u64) -> Done {
        self.uint(v)
    }
    fn serialize_f32(self, v: f32) -> Done {
        self.float32(v)
    }
    fn serialize_f64(self, v: f64) -> Done {
        self.float(v)
    }
    fn serialize_char(self, v: char) -> Done {
        self.string(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Done {
        self.string(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Done {
        use ser::SerializeSeq;
        let mut seq = self.open("[", "]")?;
        for b in v {
            seq.serialize_element(b)?;
        }
        seq.close()
    }
    fn serialize_none(self) -> Done {
        self.raw("null")
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Done {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Done {
        self.raw("null")
    }
    fn serialize_unit_struct(self, _: &'static str) -> Done {
        self.raw("null")
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Done {
        self.string(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> Done {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Done {
        self.variant(variant)?;
        value.serialize(&mut *self)?;
        self.raw("}")
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a>, Unsupported> {
        self.open("[", "]")
    }
    fn serialize_tuple(self, _: usize) -> Result<Compound<'a>, Unsupported> {
        self.open("[", "]")
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Compound<'a>, Unsupported> {
        self.open("[", "]")
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a>, Unsupported> {
        self.variant(variant)?;
        self.open("[", "]}")
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'a>, Unsupported> {
        self.open("{", "}")
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'a>, Unsupported> {
        self.open("{", "}")
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a>, Unsupported> {
        self.variant(variant)?;
        self.open("{", "}}")
    }
}

/// A compound's items: the four kinds of list (a sequence, a tuple, a tuple struct, a tuple
/// variant's content) write theirs alike, as do the two kinds of record with their fields.
macro_rules! compound {
    ($($trait:ident::$method:ident($($key:ident: $k:ty,)?) => $write:ident;)*) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = Unsupported;
            fn $method<T: Serialize + ?Sized>(&mut self, $($key: $k,)? value: &T) -> Done {
                self.$write($($key,)? value)
            }
            fn end(self) -> Done {
                self.close()
            }
        }
    )*};
}

compound! {
    SerializeSeq::serialize_element() => item;
    SerializeTuple::serialize_element() => item;
    SerializeTupleStruct::serialize_field() => item;
    SerializeTupleVariant::serialize_field() => item;
    SerializeStruct::serialize_field(key: &'static str,) => field;
    SerializeStructVariant::serialize_field(key: &'static str,) => field;
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Done {
        self.comma()?;
        key.serialize(KeyWriter(&mut *self.w))?;
        self.w.raw(":")
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Done {
        self.close()
    }
}

#[cfg(test)]
mod tests;
