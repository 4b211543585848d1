//! The HTML oracle: a page parses as HTML5 without a single parse error (html5ever, the
//! parser ammonia already brings in, run with exact error messages), and holds nothing that
//! runs script. A tree sink that only records names and errors is all it needs: tree
//! construction errors are where unbalanced or misnested tags show, and script shows as an
//! element or attribute the templates never emit.

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tokenizer::TokenizerOpts;
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeBuilderOpts, TreeSink};
use html5ever::{parse_document, Attribute, ExpandedName, ParseOpts, QualName};

/// Elements that run or embed active content; the templates emit none of them, so one in a
/// page came from content.
const ACTIVE_ELEMENTS: &[&str] = &[
    "script", "iframe", "object", "embed", "applet", "frame", "frameset", "base", "form",
];

/// Attributes whose value is a URL a browser may follow or load.
const URL_ATTRIBUTES: &[&str] = &["href", "src", "action", "formaction", "srcset", "poster"];

/// Every problem in one HTML page, each one line; empty when the page is sound.
pub fn check(text: &str) -> Vec<String> {
    let opts = ParseOpts {
        tokenizer: TokenizerOpts {
            exact_errors: true,
            ..Default::default()
        },
        tree_builder: TreeBuilderOpts {
            exact_errors: true,
            scripting_enabled: true,
            ..Default::default()
        },
    };
    let sink = Sink {
        document: node(None),
        problems: RefCell::default(),
    };
    let sink = parse_document(sink, opts).one(StrTendril::from(text));
    let mut problems = sink.problems.into_inner();
    let start = text.trim_start().get(..15).unwrap_or("");
    if !start.eq_ignore_ascii_case("<!doctype html>") {
        problems.push("does not start with `<!doctype html>`".to_string());
    }
    problems
}

/// Records every problem seen. Nodes are not linked into a tree: the tree builder keeps its
/// own stack of open elements and only asks a node for its name.
struct Sink {
    document: Rc<Node>,
    problems: RefCell<Vec<String>>,
}

/// A node handle: the element's name (`None` for the document, comments and template
/// contents) and, for a `<template>`, its contents.
struct Node {
    name: Option<QualName>,
    contents: Option<Rc<Node>>,
}

fn node(name: Option<QualName>) -> Rc<Node> {
    Rc::new(Node {
        name,
        contents: None,
    })
}

impl Sink {
    fn problem(&self, p: String) {
        self.problems.borrow_mut().push(p);
    }

    fn check_element(&self, name: &QualName, attrs: &[Attribute]) {
        let local: &str = &name.local;
        if ACTIVE_ELEMENTS.contains(&local) {
            self.problem(format!("active element `<{local}>`"));
        }
        for a in attrs {
            let attr: &str = &a.name.local;
            if attr.len() > 2 && attr[..2].eq_ignore_ascii_case("on") {
                self.problem(format!("event handler attribute `{attr}` on `<{local}>`"));
            }
            if URL_ATTRIBUTES.contains(&attr) && is_script_url(&a.value) {
                self.problem(format!(
                    "script URL in `{attr}` of `<{local}>`: {:?}",
                    &*a.value
                ));
            }
        }
    }
}

/// A URL that runs script when followed, as a browser reads it: scheme compared without case,
/// ASCII whitespace and controls inside it ignored.
fn is_script_url(url: &str) -> bool {
    let squeezed: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .flat_map(char::to_lowercase)
        .collect();
    ["javascript:", "vbscript:", "data:text/html"]
        .iter()
        .any(|s| squeezed.starts_with(s))
}

impl TreeSink for Sink {
    type Handle = Rc<Node>;
    type Output = Self;
    type ElemName<'a> = ExpandedName<'a>;

    fn finish(self) -> Self {
        self
    }

    fn parse_error(&self, msg: Cow<'static, str>) {
        self.problem(format!("HTML parse error: {msg}"));
    }

    fn get_document(&self) -> Rc<Node> {
        self.document.clone()
    }

    fn elem_name<'a>(&'a self, target: &'a Rc<Node>) -> ExpandedName<'a> {
        target
            .name
            .as_ref()
            .expect("the tree builder asks only elements for their name")
            .expanded()
    }

    fn create_element(
        &self,
        name: QualName,
        attrs: Vec<Attribute>,
        flags: ElementFlags,
    ) -> Rc<Node> {
        self.check_element(&name, &attrs);
        if flags.had_duplicate_attributes {
            self.problem(format!("duplicate attribute on `<{}>`", &*name.local));
        }
        Rc::new(Node {
            name: Some(name),
            contents: flags.template.then(|| node(None)),
        })
    }

    fn create_comment(&self, _text: StrTendril) -> Rc<Node> {
        node(None)
    }

    fn create_pi(&self, target: StrTendril, _data: StrTendril) -> Rc<Node> {
        self.problem(format!("processing instruction `{}`", &*target));
        node(None)
    }

    fn append(&self, _parent: &Rc<Node>, _child: NodeOrText<Rc<Node>>) {}

    fn append_based_on_parent_node(&self, _: &Rc<Node>, _: &Rc<Node>, _: NodeOrText<Rc<Node>>) {}

    fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {}

    fn get_template_contents(&self, target: &Rc<Node>) -> Rc<Node> {
        target.contents.clone().unwrap_or_else(|| node(None))
    }

    fn same_node(&self, x: &Rc<Node>, y: &Rc<Node>) -> bool {
        Rc::ptr_eq(x, y)
    }

    fn set_quirks_mode(&self, mode: QuirksMode) {
        if mode != QuirksMode::NoQuirks {
            self.problem(format!("quirks mode {mode:?} (bad or missing doctype)"));
        }
    }

    fn append_before_sibling(&self, _: &Rc<Node>, _: NodeOrText<Rc<Node>>) {}

    fn add_attrs_if_missing(&self, target: &Rc<Node>, attrs: Vec<Attribute>) {
        if let Some(name) = &target.name {
            self.check_element(name, &attrs);
        }
    }

    fn remove_from_parent(&self, _: &Rc<Node>) {}

    fn reparent_children(&self, _: &Rc<Node>, _: &Rc<Node>) {}
}
