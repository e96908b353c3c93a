//! Which generated types are Spring `Page`s.
//!
//! wink-api's `Page` trait (behind `pages()` / `items()`) needs an impl per Spring page type
//! (`content`, `number`, `totalPages`, `last`, ...). A hand-written list named the affiliate
//! types, so a new page type, another audience's pages or a regrouped document went
//! unpaginated or broke the build. `regen` finds them in the generated code instead and
//! writes the impls into the module index.

use quote::ToTokens as _;

/// `(page type, item type)` of every struct in the generated `mod types` shaped like a Spring
/// page: `content: Vec<Item>`, `last: Option<bool>`, `number` and `total_pages: Option<i32>`
/// (the field types `Page`'s implementation reads).
pub fn spring_pages(file: &syn::File) -> Vec<(String, String)> {
    let types = file.items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, items)| items),
        _ => None,
    });
    let mut pages = Vec::new();
    for item in types.into_iter().flatten() {
        let syn::Item::Struct(s) = item else { continue };
        let syn::Fields::Named(fields) = &s.fields else { continue };
        let field = |name: &str| {
            fields.named.iter().find(|f| f.ident.as_ref().is_some_and(|i| i == name)).map(|f| {
                let text = f.ty.to_token_stream().to_string();
                text.replace(' ', "")
            })
        };
        let is = |name: &str, ty: &str| field(name).as_deref() == Some(ty);
        if !(is("last", "::std::option::Option<bool>")
            && is("number", "::std::option::Option<i32>")
            && is("total_pages", "::std::option::Option<i32>"))
        {
            continue;
        }
        let item = field("content").and_then(|ty| {
            let inner = ty.strip_prefix("::std::vec::Vec<")?.strip_suffix('>')?.to_string();
            inner.chars().all(|c| c.is_alphanumeric() || c == '_').then_some(inner)
        });
        if let Some(item) = item {
            pages.push((s.ident.to_string(), item));
        }
    }
    pages.sort();
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spring_page_is_found_and_look_alikes_are_not() {
        let file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct PageThing {
                    pub content: ::std::vec::Vec<Thing>,
                    pub last: ::std::option::Option<bool>,
                    pub number: ::std::option::Option<i32>,
                    pub total_pages: ::std::option::Option<i32>,
                    pub size: ::std::option::Option<i32>,
                }
                pub struct RequiredLast {
                    pub content: ::std::vec::Vec<Thing>,
                    pub last: bool,
                    pub number: ::std::option::Option<i32>,
                    pub total_pages: ::std::option::Option<i32>,
                }
                pub struct Thing { pub name: String }
            }
        };
        assert_eq!(spring_pages(&file), [("PageThing".to_string(), "Thing".to_string())]);
    }
}
