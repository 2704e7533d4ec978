//! The form toolkit both forms share: the run configuration (F2) and the scenario
//! parameters (F12).
//!
//! A raw form binds each field by name, its text and its switches alike, through
//! `form_fields!`, so one form component serves every field of either form.
//!
//! A form is parsed in one pass. Each field's text goes through one of the parsers in
//! [`parse`], and its result through a [`Validator`], which hands back the typed value or
//! keeps the message against the field and hands back `None`. The run configuration is
//! built from those options; the scenario parameters are read into their kind's defaults.
//! Either way a value comes out only when every field parsed, and otherwise the user sees
//! every problem at once, in the order of the form: nothing is unwrapped, and no default is
//! written a second time as a fallback.

mod parse;
#[cfg(test)]
mod tests;

pub(crate) use parse::{
    close_codes, count, json_pointer, number, quoted, required, schedule, secs, send_interval,
    sessions,
};

/// A raw form's bindings, from one list of which field is which string and one of which
/// field is which switch: `TEXT_FIELDS` and `FLAG_FIELDS`, `text_mut` and `flag_mut` (what
/// the form's inputs edit), `$text` and `flag` (what they show: `""` for a field that is
/// not text, off for one that is not a switch). One binding then serves every field.
macro_rules! form_fields {
    (
        $raw:ty, $field:ident, $vis:vis fn $text:ident,
        text: [$($t:ident => $t_slot:ident),* $(,)?],
        flags: [$($f:ident => $f_slot:ident),* $(,)?] $(,)?
    ) => {
        $crate::form::field_slots!(
            $raw, $field, String, TEXT_FIELDS, text_mut, text_slot,
            "Every field typed as text.",
            "The text of a field typed as text, to edit (`None` for a choice, a switch or a field that is not this form's text).",
            $($t => $t_slot),*
        );
        $crate::form::field_slots!(
            $raw, $field, bool, FLAG_FIELDS, flag_mut, flag_slot,
            "Every field that is an on/off switch.",
            "The switch a field turns, to edit (`None` for a field that is not a switch).",
            $($f => $f_slot),*
        );

        impl $raw {
            /// Every bound field's slot but `except`'s, with the name it is stored under
            /// (its `Serialize` name), to `each` until it fails.
            pub(crate) fn each_slot(
                &mut self,
                except: $field,
                mut each: impl FnMut(&'static str, $crate::form::Slot<'_>) -> Option<()>,
            ) -> Option<()> {
                $(if $field::$t != except {
                    each(stringify!($t_slot), $crate::form::Slot::Text(&mut self.$t_slot))?;
                })*
                $(if $field::$f != except {
                    each(stringify!($f_slot), $crate::form::Slot::Flag(&mut self.$f_slot))?;
                })*
                Some(())
            }

            /// The text of a field typed as text; empty for the others.
            $vis fn $text(&self, field: $field) -> &str {
                self.text_slot(field).map_or("", String::as_str)
            }

            /// Whether a field's switch is on (off for a field that is not a switch).
            pub fn flag(&self, field: $field) -> bool {
                self.flag_slot(field).is_some_and(|on| *on)
            }
        }
    };
}
pub(crate) use form_fields;

/// One field's slot in a raw form, for code that goes over every field (reading a stored
/// form).
#[derive(Debug)]
pub(crate) enum Slot<'a> {
    /// A field typed as text.
    Text(&'a mut String),
    /// An on/off switch.
    Flag(&'a mut bool),
}

/// One kind of binding of `form_fields!`: the list of its fields, the slot to edit and the
/// slot to read, each by field.
macro_rules! field_slots {
    (
        $raw:ty, $field:ident, $slot:ty, $all:ident, $edit:ident, $read:ident,
        $all_doc:literal, $edit_doc:literal, $($variant:ident => $name:ident),*
    ) => {
        impl $raw {
            #[doc = $all_doc]
            pub const $all: &'static [$field] = &[$($field::$variant),*];

            #[doc = $edit_doc]
            pub fn $edit(&mut self, field: $field) -> Option<&mut $slot> {
                match field {
                    $($field::$variant => Some(&mut self.$name),)*
                    _ => None,
                }
            }

            fn $read(&self, field: $field) -> Option<&$slot> {
                match field {
                    $($field::$variant => Some(&self.$name),)*
                    _ => None,
                }
            }
        }
    };
}
pub(crate) use field_slots;

/// A message about one field of a form: a [`crate::Field`] of the run configuration or a
/// [`crate::ParamField`] of a scenario.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FormError<F> {
    /// The field.
    pub field: F,
    /// A sentence for the user; never contains a token.
    pub message: String,
}

impl<F> FormError<F> {
    pub(crate) fn new(field: F, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

/// Collects, while a form is parsed, the errors (nothing starts) and the notices (the run
/// may start) of its fields, in the order they are found.
#[derive(Debug)]
pub(crate) struct Validator<F> {
    errors: Vec<FormError<F>>,
    notices: Vec<FormError<F>>,
}

impl<F: Copy + PartialEq> Validator<F> {
    pub(crate) fn new() -> Self {
        Self {
            errors: Vec::new(),
            notices: Vec::new(),
        }
    }

    /// The value of `field`, or `None` with its message kept.
    pub(crate) fn take<T>(&mut self, field: F, parsed: Result<T, String>) -> Option<T> {
        parsed.map_err(|m| self.fail(field, m)).ok()
    }

    /// Keeps the message of a check of `field` that failed.
    pub(crate) fn check(&mut self, field: F, checked: Result<(), String>) {
        self.take(field, checked);
    }

    /// The value of a field behind a switch: judged like [`Validator::take`] when `judged`
    /// (the switch is on), otherwise the value if it parses and `otherwise` if not, without
    /// a word to the user about a field they turned off.
    pub(crate) fn take_if<T>(
        &mut self,
        judged: bool,
        field: F,
        parsed: Result<T, String>,
        otherwise: T,
    ) -> Option<T> {
        if judged {
            self.take(field, parsed)
        } else {
            Some(parsed.unwrap_or(otherwise))
        }
    }

    /// Keeps an error against `field`.
    pub(crate) fn fail(&mut self, field: F, message: impl Into<String>) {
        self.errors.push(FormError::new(field, message));
    }

    /// Keeps a notice against `field`: worth saying, but no reason not to start.
    pub(crate) fn notice(&mut self, field: F, message: impl Into<String>) {
        self.notices.push(FormError::new(field, message));
    }

    /// Whether `field` has an error so far (a check across fields waits for both to parse).
    pub(crate) fn has_error(&self, field: F) -> bool {
        self.errors.iter().any(|e| e.field == field)
    }

    /// The errors so far, to rewrite (e.g. redact) before they are shown.
    pub(crate) fn errors_mut(&mut self) -> &mut [FormError<F>] {
        &mut self.errors
    }

    /// The notices so far, handed over (the validator keeps none).
    pub(crate) fn take_notices(&mut self) -> Vec<FormError<F>> {
        std::mem::take(&mut self.notices)
    }

    /// The value built from the fields, or every error. `value` is `None` only when a field
    /// did not parse, and that field's error is kept.
    pub(crate) fn finish<T>(self, value: Option<T>) -> Result<T, Vec<FormError<F>>> {
        match value {
            Some(v) if self.errors.is_empty() => Ok(v),
            _ => Err(self.errors),
        }
    }
}
