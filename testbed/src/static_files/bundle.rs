//! The built console, read whole at start and prepared once: content type, gzip copy, ETag,
//! cache policy and, for pages, the CSP.
//!
//! Why in memory: a Trunk build is a few hundred KB, and preparing it once means each request
//! only picks a prepared answer — no compression on the request path, which the server shares
//! with the WebSockets it measures. It also keeps the build and its CSP consistent: the CSP
//! names the hashes of the page's inline scripts, so a page rebuilt under a running server
//! would no longer match it; the server serves the build it started with (restart it after a
//! rebuild, as `cargo xtask serve` does).
//!
//! Compression is gzip (flate2, best level), kept only where it is smaller. Brotli is not
//! offered: no brotli encoder is among the crates this project builds offline with.
//!
//! Caching follows Trunk's naming: a file whose name carries Trunk's content hash
//! (`ws-console-<hash>_bg.wasm`, `console-<hash>.css`) never changes under that name, so it is
//! `immutable` for a year; everything else — the pages that name those files, and files copied
//! as they are — is `no-cache`: the browser keeps it but asks (ETag) before using it.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;

use axum::body::Bytes;
use axum::http::HeaderValue;
use flate2::Compression;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};

use super::csp;

/// Largest build read into memory; beyond it `--static-dir` is surely not a Trunk build.
const MAX_TOTAL_BYTES: u64 = 256 << 20;

pub(crate) const IMMUTABLE: &str = "public, max-age=31536000, immutable";
pub(crate) const REVALIDATE: &str = "no-cache";

/// Every file of the build, by its path relative to the build's root (`/`-separated).
#[derive(Debug)]
pub(crate) struct Bundle {
    files: HashMap<String, Asset>,
}

/// One file, ready to send.
#[derive(Debug)]
pub(crate) struct Asset {
    pub content_type: HeaderValue,
    pub cache_control: HeaderValue,
    pub identity: Variant,
    /// The gzip copy, when the type compresses and the copy is smaller.
    pub gzip: Option<Variant>,
    /// The page's Content-Security-Policy (HTML only).
    pub csp: Option<HeaderValue>,
}

/// One encoding of a file: its bytes and their (strong) ETag.
#[derive(Debug)]
pub(crate) struct Variant {
    pub body: Bytes,
    pub etag: HeaderValue,
}

impl Bundle {
    /// Reads and prepares every file under `dir`.
    pub fn load(dir: &Path) -> io::Result<Self> {
        if !dir.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("static dir {} is not a directory", dir.display()),
            ));
        }
        let mut files = HashMap::new();
        let mut total = 0;
        read_dir(dir, "", &mut files, &mut total)?;
        Ok(Self { files })
    }

    /// The file at `path` (relative, `/`-separated), if the build has it.
    pub fn get(&self, path: &str) -> Option<&Asset> {
        self.files.get(path)
    }
}

fn read_dir(
    dir: &Path,
    prefix: &str,
    files: &mut HashMap<String, Asset>,
    total: &mut u64,
) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let key = format!("{prefix}{name}");
        if path.is_dir() {
            read_dir(&path, &format!("{key}/"), files, total)?;
            continue;
        }
        let bytes = std::fs::read(&path)?;
        *total += bytes.len() as u64;
        if *total > MAX_TOTAL_BYTES {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "{} holds over {MAX_TOTAL_BYTES} bytes: not a console build",
                    dir.display()
                ),
            ));
        }
        files.insert(key, Asset::new(name, bytes)?);
    }
    Ok(())
}

impl Asset {
    fn new(name: &str, bytes: Vec<u8>) -> io::Result<Self> {
        let mime = mime_guess::from_path(name).first_or_octet_stream();
        let html = mime.essence_str() == "text/html";
        let csp = html
            .then(|| HeaderValue::from_str(&csp::policy(&String::from_utf8_lossy(&bytes))))
            .transpose()
            .map_err(io::Error::other)?;
        let cache_control = if !html && is_hashed(name) {
            IMMUTABLE
        } else {
            REVALIDATE
        };
        let tag = hex_digest(&bytes);
        let gzip = if compresses(&mime) {
            let gz = gzip(&bytes)?;
            (gz.len() < bytes.len()).then(|| Variant {
                body: gz.into(),
                etag: etag(&format!("{tag}-gzip")),
            })
        } else {
            None
        };
        Ok(Self {
            content_type: HeaderValue::from_str(mime.as_ref()).map_err(io::Error::other)?,
            cache_control: HeaderValue::from_static(cache_control),
            identity: Variant {
                body: bytes.into(),
                etag: etag(&tag),
            },
            gzip,
            csp,
        })
    }
}

/// Whether `name` carries Trunk's content hash: `<stem>-<hash>[_bg].<ext>`, the hash being
/// Trunk's 64-bit seahash in lower-case hex. At least 12 digits are required: a hash that
/// happens to start with five zero digits (odds 1 in a million) is merely revalidated, while a
/// hand-named file such as `logo-cafe.png` is never taken for immutable.
pub(crate) fn is_hashed(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name);
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(base, hash)| {
        !base.is_empty()
            && (12..=16).contains(&hash.len())
            && hash
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// Text, scripts and wasm compress well; images and fonts are compressed already.
fn compresses(mime: &mime_guess::Mime) -> bool {
    mime.type_() == "text"
        || matches!(
            mime.essence_str(),
            "application/javascript"
                | "application/json"
                | "application/wasm"
                | "application/xml"
                | "image/svg+xml"
        )
}

fn gzip(bytes: &[u8]) -> io::Result<Vec<u8>> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes)?;
    encoder.finish()
}

/// The first 16 bytes of the content's SHA-256, in hex.
fn hex_digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes)[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn etag(tag: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{tag}\"")).expect("hex is a valid header value")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_hashed_names_are_recognised() {
        for hashed in [
            "ws-console-659871cc46f4172e_bg.wasm",
            "ws-console-659871cc46f4172e.js",
            "console-7327decbca8bac21.css",
            "page-7327decbca8b.css",
        ] {
            assert!(is_hashed(hashed), "{hashed}");
        }
        for plain in [
            "index.html",
            "README.txt",
            "logo-cafe.png",
            "ws-console.js",
            "-659871cc46f4172e.js",
            "x-659871CC46F4172E.js",
            "x-659871cc46f4172e0.js",
        ] {
            assert!(!is_hashed(plain), "{plain}");
        }
    }

    #[test]
    fn text_is_gzipped_when_smaller_and_images_are_not() {
        let js = Asset::new("app-0123456789abcdef.js", b"let a = 1;\n".repeat(100)).unwrap();
        assert_eq!(js.content_type, "text/javascript");
        assert_eq!(js.cache_control, IMMUTABLE);
        let gz = js.gzip.expect("a gzip copy");
        assert!(gz.body.len() < js.identity.body.len());
        assert_ne!(gz.etag, js.identity.etag);
        assert!(js.csp.is_none());

        let tiny = Asset::new("a.txt", b"a".to_vec()).unwrap();
        assert!(tiny.gzip.is_none(), "gzip of one byte is larger");
        let png = Asset::new("a.png", vec![0; 4096]).unwrap();
        assert!(png.gzip.is_none());
    }

    #[test]
    fn pages_revalidate_and_carry_a_csp() {
        let page = Asset::new("index.html", b"<script>go()</script>".to_vec()).unwrap();
        assert_eq!(page.cache_control, REVALIDATE);
        let csp = page.csp.expect("a CSP");
        assert!(csp.to_str().unwrap().contains("'sha256-"));
    }
}
