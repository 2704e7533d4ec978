//! ws-console's stand-in for `wasm-streams` 0.5, which reaches the console only through
//! Leptos' `server_fn` (its browser client streams request and response bodies with it).
//!
//! Why: the published crate exports three classes to JavaScript (`IntoUnderlyingSource`,
//! `IntoUnderlyingByteSource`, `IntoUnderlyingSink`), and exports are kept whether or not
//! anything uses them: about 10 KB of the console's wasm and their JavaScript glue. The console
//! has no server functions, so nothing ever streams through them.
//!
//! This copy keeps the names `server_fn` uses and their types. Wrapping a JavaScript stream and
//! unwrapping it again work; bridging to or from a Rust stream panics with a message that names
//! this file, as it is not built here.

pub mod readable {
    //! `ReadableStream`, as `server_fn` uses it.

    use futures_core::Stream;
    use std::pin::Pin;
    use std::task::{Context, Poll};
    use wasm_bindgen::JsValue;

    pub mod sys {
        //! The raw JavaScript stream.
        pub use web_sys::ReadableStream;
    }

    const NOT_BUILT: &str = "ws-console builds no Rust stream bridging (vendor/wasm-streams): \
         server functions are not part of the console";

    /// A JavaScript `ReadableStream`.
    pub struct ReadableStream {
        raw: sys::ReadableStream,
    }

    impl ReadableStream {
        pub fn from_raw(raw: sys::ReadableStream) -> Self {
            Self { raw }
        }

        pub fn into_raw(self) -> sys::ReadableStream {
            self.raw
        }

        /// Not built in this copy: panics.
        pub fn from_stream<St>(_stream: St) -> Self
        where
            St: Stream<Item = Result<JsValue, JsValue>> + 'static,
        {
            panic!("{NOT_BUILT}")
        }

        /// Not built in this copy: panics.
        pub fn into_stream(self) -> IntoStream {
            panic!("{NOT_BUILT}")
        }
    }

    /// The stream `into_stream` would return; never made in this copy.
    pub struct IntoStream(());

    impl Stream for IntoStream {
        type Item = Result<JsValue, JsValue>;

        fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            Poll::Ready(None)
        }
    }
}

pub use readable::ReadableStream;
