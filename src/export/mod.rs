//! Output formats for what claimdb publishes to others, with private serde types: domain values in,
//! JSON text out (the JSON counterpart of `import`).

pub mod claimreview;
