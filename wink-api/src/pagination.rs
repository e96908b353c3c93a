//! Streams over paginated operations, so callers do not write page loops.
//!
//! Wink pages with `page` (0-based) and `size` query parameters (strings in affiliate,
//! integers in account) and answers either a Spring `Page` (`content`, `number`, `size`,
//! `totalPages`, `totalElements`, `first`, `last`) or a plain array. [`pages`] calls the
//! caller's closure with each page number and the size (capped at [`MAX_PAGE_SIZE`], the
//! documented maximum) and yields pages until one is the last: `last` is true, `number + 1`
//! reaches `totalPages`, or fewer items came back than asked for (a plain array, or a page
//! without its flags); an empty page always ends the stream, so a server that ignores
//! `page` cannot make it loop forever. [`items`] flattens the pages.
//!
//! ```no_run
//! # async fn run(client: wink_api::affiliate::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use futures::TryStreamExt as _;
//!
//! let suppliers: Vec<_> = wink_api::items(50, |page, size| {
//!     client
//!         .show_latest_supplier()
//!         .managing_entity_identifier("my-entity")
//!         .page(page.to_string())
//!         .size(size.to_string())
//!         .send()
//! })
//! .try_collect()
//! .await?;
//! # Ok(())
//! # }
//! ```

use std::future::Future;

use futures::{Stream, TryStreamExt as _, stream};
use progenitor_client::ResponseValue;

/// The largest `size` Wink documents.
pub const MAX_PAGE_SIZE: u32 = 100;

/// One page of results.
pub trait Page {
    /// What the page holds.
    type Item;
    /// How many items it holds.
    fn len(&self) -> usize;
    /// Whether it holds none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Whether no page follows, given the size asked for.
    fn is_last(&self, requested_size: u32) -> bool;
    /// Its items.
    fn into_items(self) -> Vec<Self::Item>;
}

impl<T> Page for Vec<T> {
    type Item = T;
    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn is_last(&self, requested_size: u32) -> bool {
        self.len() < requested_size as usize
    }
    fn into_items(self) -> Vec<T> {
        self
    }
}

/// Implements [`Page`] for generated Spring `Page` types; `cargo xtask regen` invokes it in
/// the generated module index for every page type it finds in a module.
macro_rules! spring_pages {
    ($module:ident { $($page:ident => $item:ident),* $(,)? }) => {$(
        impl $crate::Page for $module::types::$page {
            type Item = $module::types::$item;
            fn len(&self) -> usize {
                self.content.len()
            }
            fn is_last(&self, requested_size: u32) -> bool {
                $crate::pagination::spring_page_is_last(
                    self.last,
                    self.number,
                    self.total_pages,
                    self.content.len(),
                    requested_size,
                )
            }
            fn into_items(self) -> Vec<Self::Item> {
                self.content
            }
        }
    )*};
}
pub(crate) use spring_pages;

pub(crate) fn spring_page_is_last(
    last: Option<bool>,
    number: Option<i32>,
    total_pages: Option<i32>,
    len: usize,
    requested_size: u32,
) -> bool {
    if let Some(last) = last {
        return last;
    }
    if let (Some(number), Some(total)) = (number, total_pages) {
        return number.saturating_add(1) >= total;
    }
    len < requested_size as usize
}

/// Every page, in order: `fetch(page, size)` is called with page `0, 1, ...` until a page is
/// the last (see the module documentation). `size` is capped at [`MAX_PAGE_SIZE`] (and at
/// least 1). The first error ends the stream.
pub fn pages<P, E, F, Fut>(size: u32, fetch: F) -> impl Stream<Item = Result<P, E>>
where
    P: Page,
    F: FnMut(u32, u32) -> Fut,
    Fut: Future<Output = Result<ResponseValue<P>, E>>,
{
    let size = size.clamp(1, MAX_PAGE_SIZE);
    stream::try_unfold((fetch, Some(0u32)), move |(mut fetch, next)| async move {
        let Some(page) = next else { return Ok(None) };
        let value = fetch(page, size).await?.into_inner();
        let done = value.is_empty() || value.is_last(size);
        if value.is_empty() {
            return Ok(None);
        }
        Ok(Some((value, (fetch, (!done).then(|| page + 1)))))
    })
}

/// Every item of every page; see [`pages`].
pub fn items<P, E, F, Fut>(size: u32, fetch: F) -> impl Stream<Item = Result<P::Item, E>>
where
    P: Page,
    F: FnMut(u32, u32) -> Fut,
    Fut: Future<Output = Result<ResponseValue<P>, E>>,
{
    pages(size, fetch).map_ok(|page| stream::iter(page.into_items().into_iter().map(Ok))).try_flatten()
}

#[cfg(test)]
mod tests {
    use futures::TryStreamExt as _;
    use reqwest::StatusCode;

    use super::*;

    fn ok<P>(page: P) -> Result<ResponseValue<P>, String> {
        Ok(ResponseValue::new(page, StatusCode::OK, Default::default()))
    }

    #[test]
    fn a_spring_page_is_last_by_flag_then_count_then_size() {
        assert!(spring_page_is_last(Some(true), Some(0), Some(9), 5, 5));
        assert!(!spring_page_is_last(Some(false), Some(8), Some(9), 1, 5));
        assert!(spring_page_is_last(None, Some(2), Some(3), 5, 5));
        assert!(!spring_page_is_last(None, Some(1), Some(3), 5, 5));
        assert!(spring_page_is_last(None, None, None, 4, 5));
        assert!(!spring_page_is_last(None, None, None, 5, 5));
    }

    #[cfg(all(feature = "affiliate", feature = "account"))]
    #[test]
    fn regen_implements_page_for_every_audiences_spring_pages() {
        fn is_page<P: Page>() {}
        is_page::<crate::affiliate::types::PageSalesChannelManagingEntity>();
        is_page::<crate::account::types::PageBooking>();
    }

    #[tokio::test]
    async fn pages_stop_after_a_short_page_and_size_is_capped() {
        let mut asked = Vec::new();
        let all: Vec<Vec<u32>> = pages(500, |page, size| {
            asked.push((page, size));
            let items: Vec<u32> = if page < 2 { vec![page; size as usize] } else { vec![7] };
            std::future::ready(ok(items))
        })
        .try_collect()
        .await
        .unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(asked, [(0, 100), (1, 100), (2, 100)]);
    }

    #[tokio::test]
    async fn an_empty_page_ends_the_stream_and_an_error_is_yielded_once() {
        let calls = std::cell::Cell::new(0);
        let none: Vec<u32> = items(10, |_, _| {
            calls.set(calls.get() + 1);
            std::future::ready(ok(Vec::<u32>::new()))
        })
        .try_collect()
        .await
        .unwrap();
        assert!(none.is_empty());
        assert_eq!(calls.get(), 1);

        let results: Vec<Result<u32, String>> = futures::StreamExt::collect(items(2, |page, _| {
            std::future::ready(if page == 0 {
                ok(vec![1, 2])
            } else {
                Err::<ResponseValue<Vec<u32>>, _>("boom".to_string())
            })
        }))
        .await;
        assert_eq!(results, [Ok(1), Ok(2), Err("boom".to_string())]);
    }

    #[cfg(feature = "affiliate")]
    #[tokio::test]
    async fn spring_pages_follow_their_last_flag() {
        use crate::affiliate::types::PagePropertyAggregateLightweightManagingEntity as PropertyPage;
        let page = |n: i32, last: bool| -> PropertyPage {
            serde_json::from_value(serde_json::json!({
                "content": [{"uniqueId": format!("p{n}")}], "number": n, "last": last, "totalPages": 3
            }))
            .unwrap()
        };
        let ids: Vec<String> = items(1, |n, _| std::future::ready(ok(page(n as i32, n == 2))))
            .map_ok(|p| p.unique_id.to_string())
            .try_collect()
            .await
            .unwrap();
        assert_eq!(ids, ["p0", "p1", "p2"]);
    }
}
