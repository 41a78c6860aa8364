//! Rendering: pure functions from model data to text. Nothing here reads the kernel.

pub mod columns;
pub mod json;
pub mod openmetrics;
pub mod table;
