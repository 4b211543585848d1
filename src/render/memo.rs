//! Keys of the pages whose inputs are their view (every page but a vendor's page and pack,
//! which `files::InputKeys` keys by their input files before any view is built).
//!
//! A page's HTML is a pure function of the theme's templates, the `site` global and the
//! page's own context (invariant 1), so a key hashing exactly those says whether an earlier
//! rendering can be reused. The key walks the values the way templates see them: integers
//! and floats apart (`1` and `1.0` print differently), a string with its "safe" flag
//! (escaped or not), maps in their iteration order. It is a 64-bit xxh3 (specified, so a key
//! recorded in `build`'s stamp means the same to the next process): the chance that one
//! rebuild reuses any of 20,000 pages wrongly is about 10^-15.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};

use minijinja::value::ValueKind;
use minijinja::Value;
use xxhash_rust::xxh3::Xxh3 as DefaultHasher;

/// What a page's output depended on, hashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageKey(u64);

impl PageKey {
    pub fn value(self) -> u64 {
        self.0
    }
}

/// The part of a page's key that its template decides, per template: the texts of the
/// templates it uses (`uses::closure`: a page cannot depend on a template it never names)
/// and the `site` global.
pub fn environment_keys(
    templates: &BTreeMap<String, String>,
    site: &Value,
) -> HashMap<String, PageKey> {
    let mut g = DefaultHasher::new();
    value(&mut g, site);
    let site = g.finish();
    super::uses::closure(templates)
        .into_iter()
        .map(|(name, used)| {
            let mut h = DefaultHasher::new();
            site.hash(&mut h);
            used.len().hash(&mut h);
            for t in used {
                t.hash(&mut h);
                templates[t].hash(&mut h);
            }
            (name.to_string(), PageKey(h.finish()))
        })
        .collect()
}

/// The key of one page.
pub fn page_key(env: PageKey, template: &str, url: &str, title: &str, ctx: &Value) -> u64 {
    let mut h = DefaultHasher::new();
    env.hash(&mut h);
    template.hash(&mut h);
    url.hash(&mut h);
    title.hash(&mut h);
    value(&mut h, ctx);
    h.finish()
}

fn value(h: &mut DefaultHasher, v: &Value) {
    let kind = v.kind();
    h.write_u8(kind as u8);
    match kind {
        ValueKind::Undefined | ValueKind::None => {}
        ValueKind::Bool => h.write_u8(u8::from(v.is_true())),
        ValueKind::Number => {
            h.write_u8(u8::from(v.is_integer()));
            v.hash(h);
        }
        ValueKind::String => {
            h.write_u8(u8::from(v.is_safe()));
            v.as_str().unwrap_or("").hash(h);
        }
        ValueKind::Bytes => v.as_bytes().unwrap_or(&[]).hash(h),
        ValueKind::Map => {
            let mut n = 0usize;
            if let Some(pairs) = v.as_object().and_then(|o| o.try_iter_pairs()) {
                for (k, item) in pairs {
                    value(h, &k);
                    value(h, &item);
                    n += 1;
                }
            } else if let Ok(keys) = v.try_iter() {
                for k in keys {
                    value(h, &k);
                    value(h, &v.get_item(&k).unwrap_or_default());
                    n += 1;
                }
            }
            h.write_usize(n);
        }
        ValueKind::Seq | ValueKind::Iterable => {
            let mut n = 0usize;
            // Sequences made by serde are `Vec`s: walk them by reference, without cloning
            // every item.
            if let Some(items) = v.downcast_object_ref::<Vec<Value>>() {
                for item in items {
                    value(h, item);
                }
                n = items.len();
            } else if let Ok(items) = v.try_iter() {
                for item in items {
                    value(h, &item);
                    n += 1;
                }
            }
            h.write_usize(n);
        }
        // Anything else by its printed form, which is what a template would show.
        _ => v.to_string().hash(h),
    }
}

#[cfg(test)]
mod tests {
    use minijinja::context;

    use super::*;

    fn key(ctx: Value) -> u64 {
        page_key(PageKey(0), "t.html", "/", "T", &ctx)
    }

    #[test]
    fn keys_see_every_difference_a_template_can_see() {
        let distinct = [
            context! { a => 1 },
            context! { a => 1.0 },
            context! { a => "1" },
            context! { a => Value::from_safe_string("1".into()) },
            context! { a => true },
            context! { a => () },
            context! { a => vec![1] },
            context! { a => vec![1, 1] },
            context! { a => context! { b => 1 } },
            context! { b => 1 },
            context! { a => 1, b => 2 },
        ];
        let keys: Vec<u64> = distinct.iter().cloned().map(key).collect();
        for i in 0..keys.len() {
            for j in i + 1..keys.len() {
                assert_ne!(keys[i], keys[j], "{:?} vs {:?}", distinct[i], distinct[j]);
            }
        }
        assert_eq!(key(context! { a => 1 }), key(context! { a => 1 }));
    }

    #[test]
    fn serde_values_take_the_same_path_every_time() {
        use minijinja::value::Serde;
        #[derive(serde::Serialize)]
        struct Row {
            name: String,
            score: Option<f64>,
            tags: Vec<String>,
        }
        let rows = |score| {
            Value::from(Serde(vec![Row {
                name: "Acme".into(),
                score,
                tags: vec!["a".into(), "b".into()],
            }]))
        };
        assert!(rows(None).downcast_object_ref::<Vec<Value>>().is_some());
        assert_eq!(
            key(context! { rows => rows(Some(1.5)) }),
            key(context! { rows => rows(Some(1.5)) })
        );
        assert_ne!(
            key(context! { rows => rows(Some(1.5)) }),
            key(context! { rows => rows(Some(2.0)) })
        );
        assert_ne!(
            key(context! { rows => rows(None) }),
            key(context! { rows => rows(Some(1.5)) })
        );
    }

    #[test]
    fn templates_and_page_identity_are_part_of_the_key() {
        let mut t = BTreeMap::new();
        t.insert("a.html".to_string(), "x".to_string());
        let key =
            |t: &BTreeMap<String, String>, site| environment_keys(t, &Value::from(site))["a.html"];
        let e1 = key(&t, 1);
        t.insert("a.html".to_string(), "y".to_string());
        let e2 = key(&t, 1);
        assert_ne!(e1, e2);
        assert_ne!(e1, key(&t, 2));
        // A template the page does not use is not part of its key.
        t.insert("b.html".to_string(), "z".to_string());
        assert_eq!(e2, key(&t, 1));
        let ctx = context! {};
        assert_ne!(
            page_key(e1, "a.html", "/", "T", &ctx),
            page_key(e2, "a.html", "/", "T", &ctx)
        );
        assert_ne!(
            page_key(e1, "a.html", "/", "T", &ctx),
            page_key(e1, "b.html", "/", "T", &ctx)
        );
        assert_ne!(
            page_key(e1, "a.html", "/", "T", &ctx),
            page_key(e1, "a.html", "/x/", "T", &ctx)
        );
        assert_ne!(
            page_key(e1, "a.html", "/", "T", &ctx),
            page_key(e1, "a.html", "/", "U", &ctx)
        );
    }
}
