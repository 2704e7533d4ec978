//! Map keys, written as serde_json writes them: a string as it is; a character, an integer,
//! a boolean or a finite float in quotes. Anything else is [`Unsupported`], as there.

use super::{Done, Unsupported, Writer};
use serde::ser::{self, Serialize};

/// The narrower integers, widened to the writer's `i64` or `u64`, in quotes.
macro_rules! quoted_integers {
    ($($method:ident: $t:ty),* => $write:ident) => {$(
        fn $method(self, v: $t) -> Done {
            self.quoted(|w| w.$write(v.into()))
        }
    )*};
}

/// A map key: a string as it is, a character or an integer in quotes.
pub(super) struct KeyWriter<'a>(pub(super) &'a mut Writer);

impl KeyWriter<'_> {
    #[inline(never)]
    fn quoted(self, write: impl FnOnce(&mut Writer) -> Done) -> Done {
        self.0.raw("\"")?;
        write(self.0)?;
        self.0.raw("\"")
    }
}

impl ser::Serializer for KeyWriter<'_> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = ser::Impossible<(), Unsupported>;
    type SerializeTuple = ser::Impossible<(), Unsupported>;
    type SerializeTupleStruct = ser::Impossible<(), Unsupported>;
    type SerializeTupleVariant = ser::Impossible<(), Unsupported>;
    type SerializeMap = ser::Impossible<(), Unsupported>;
    type SerializeStruct = ser::Impossible<(), Unsupported>;
    type SerializeStructVariant = ser::Impossible<(), Unsupported>;

    fn serialize_str(self, v: &str) -> Done {
        self.0.string(v)
    }
    fn serialize_char(self, v: char) -> Done {
        self.0.string(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Done {
        self.0.string(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> Done {
        v.serialize(self)
    }
    quoted_integers! { serialize_i8: i8, serialize_i16: i16, serialize_i32: i32 => int }
    fn serialize_i64(self, v: i64) -> Done {
        self.quoted(|w| w.int(v))
    }
    quoted_integers! { serialize_u8: u8, serialize_u16: u16, serialize_u32: u32 => uint }
    fn serialize_u64(self, v: u64) -> Done {
        self.quoted(|w| w.uint(v))
    }
    fn serialize_bool(self, v: bool) -> Done {
        self.quoted(|w| w.raw(if v { "true" } else { "false" }))
    }
    fn serialize_f32(self, v: f32) -> Done {
        if !v.is_finite() {
            return Err(Unsupported);
        }
        self.quoted(|w| w.float32(v))
    }
    fn serialize_f64(self, v: f64) -> Done {
        if !v.is_finite() {
            return Err(Unsupported);
        }
        self.quoted(|w| w.float(v))
    }
    fn serialize_bytes(self, _: &[u8]) -> Done {
        Err(Unsupported)
    }
    fn serialize_none(self) -> Done {
        Err(Unsupported)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Done {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Done {
        Err(Unsupported)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Done {
        Err(Unsupported)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Done {
        Err(Unsupported)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Unsupported> {
        Err(Unsupported)
    }
}
