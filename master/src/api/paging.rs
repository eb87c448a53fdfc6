//! Paging of list endpoints: page sizes, `?sort=` values and number cursors, the same for
//! every list.

use super::error::ApiError;

/// Items in a page when `limit` is not given.
const DEFAULT_PAGE: u64 = 100;
/// Most items a page may hold.
pub const MAX_PAGE: u64 = 10_000;

/// The page size a `limit` asks for: the default when absent, 422 outside 1..=10,000.
pub fn page_size(limit: Option<u64>) -> Result<u64, ApiError> {
    page_size_up_to(limit, MAX_PAGE)
}

/// [`page_size`] for a list whose pages hold at most `max` items.
pub fn page_size_up_to(limit: Option<u64>, max: u64) -> Result<u64, ApiError> {
    match limit {
        None => Ok(DEFAULT_PAGE.min(max)),
        Some(limit) if (1..=max).contains(&limit) => Ok(limit),
        Some(limit) => Err(ApiError::invalid(
            "limit",
            format!("`limit` must be between 1 and {max}, got {limit}"),
        )),
    }
}

/// The key and direction of a `?sort=` value, from `keys`: `name` ascending, `-name` descending.
pub fn parse_sort<K: Copy>(
    text: Option<&str>,
    keys: &[(&str, K)],
    default: (K, bool),
) -> Result<(K, bool), ApiError> {
    let Some(text) = text else {
        return Ok(default);
    };
    let (name, descending) = match text.strip_prefix('-') {
        Some(name) => (name, true),
        None => (text.strip_prefix('+').unwrap_or(text), false),
    };
    keys.iter()
        .find(|(key, _)| *key == name)
        .map(|(_, key)| (*key, descending))
        .ok_or_else(|| {
            let names: Vec<&str> = keys.iter().map(|(key, _)| *key).collect();
            ApiError::invalid(
                "sort",
                format!(
                    "cannot sort by `{name}`: use one of {} (a leading `-` for descending)",
                    names.join(", ")
                ),
            )
        })
}

/// A cursor that is a number (lists in id or index order).
/// At most 18 digits, so it always fits an `i64`.
pub fn parse_number_cursor(text: &str) -> Result<i64, ApiError> {
    text.parse().map_err(|_| {
        ApiError::invalid(
            "cursor",
            format!("`{text}` is not a `next_cursor` of this list"),
        )
    })
}
