//! Integration tests of wink-rs live in `tests/tests/`; this library holds what they share.
#![deny(missing_docs)]
