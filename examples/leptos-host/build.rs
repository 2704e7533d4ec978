//! The browser tests run a debug build of the whole console mounted inside this host app. A
//! debug build moves each view's whole state (every closure's captures, nested panel by panel)
//! through the stack as the view is built, which a release build optimises away; on wasm's
//! default 1 MB stack that overflows ("memory access out of bounds") as the console grows. The
//! test binaries get 8 MB; the release page keeps the default.

fn main() {
    println!("cargo:rustc-link-arg-tests=-zstack-size=8388608");
}
