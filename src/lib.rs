//! TrustAtlas: a static site generator for a public trust registry of cloud and AI vendors.
//!
//! The pipeline, one module per stage (see ARCHITECTURE.md):
//!
//! ```text
//! source  → model    → derive  → render → output
//! (disk)    (validate) (scores)  (pages)  (atomic swap)
//! ```
//!
//! Invariants:
//! 1. Disk access only in `source` (reading) and `output` (writing). Everything between is a
//!    pure function of its input: same input and build date, byte-identical output.
//! 2. The model knows nothing of HTML; templates see only the view structs in `render::views`.
//! 3. A content mistake is a [`diagnostic::Diagnostic`] with file, line and column, collected
//!    with all the others, never the first `Err` that stops the run.
//! 4. `build`, `check` and `serve` share one code path: [`build::build_site`] (`serve`
//!    through its incremental twin, [`build::build_site_incremental`]).
//! 5. No global mutable state. Templates autoescape; an undefined variable fails the build.
//! 6. A failed build never touches the previous output.

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
