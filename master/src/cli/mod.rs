//! The `warren` command line client.
