//! TrustAtlas: a static site generator for a public trust registry of cloud and AI vendors.
//!
//! The pipeline, one module per stage, driven by [`pipeline::run`]:
//!
//! ```text
//! source → model → derive → render → publish → output
//! ```
//!
//! ARCHITECTURE.md is the map: what each module does, the layers (each imports only those
//! below it; `tests/tidy.rs` checks), and the one copy of the invariants.

pub mod audit;
pub mod check;
pub mod cmd;
pub mod date;
pub mod derive;
pub mod diagnostic;
pub mod embedded;
pub mod emit;
pub mod files;
pub mod human;
pub mod links;
pub mod model;
pub mod options;
pub mod oracle;
pub mod output;
pub mod pages;
pub mod pipeline;
pub mod publish;
pub mod render;
pub mod scaffold;
pub mod schema;
pub mod serve;
pub mod single;
pub mod single_site;
pub mod source;
pub mod suggest;
pub mod urls;
