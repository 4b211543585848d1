//! Cloudflare Pages, the host, in one place: its limits, how it reads `_headers` and
//! `_redirects`, and how it maps a request to a file. `publish` validates the output through
//! it (a rule Pages would skip fails the build); `serve` answers requests through it, so a
//! rule behaves the same locally as deployed. Layer 0: plain functions over text and paths,
//! importing nothing of the pipeline.

pub mod headers;
pub mod limits;
pub mod pattern;
mod problem;
pub mod redirects;
pub mod routing;

pub use problem::{Kind, Problem};
