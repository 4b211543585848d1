//! A minijinja error as a located diagnostic on the template file: which template, which
//! line and column, and for an undefined value, which name.
//!
//! minijinja names the undefined expression (`` `page.titel` is undefined``) only when the
//! environment runs in debug mode, which it defaults to in debug builds alone: a release
//! binary said just "undefined value". [`super`] turns debug mode on, and when the name is
//! still missing it is read from the template source at the error's range, so the message
//! never depends on how the binary was built.

use std::path::Path;

use minijinja::ErrorKind;

use crate::diagnostic::{Code, Diagnostic};
use crate::source::SiteSources;

/// The diagnostic for `e`, located in the template it names (under `theme_dir`).
pub fn template_error(theme_dir: &Path, sources: &SiteSources, e: &minijinja::Error) -> Diagnostic {
    let name = e.name().unwrap_or("?").to_string();
    let file = theme_dir.join(&name);
    let text = sources
        .templates
        .get(&name)
        .map(String::as_str)
        .unwrap_or("");
    let span = e.range().filter(|r| r.end <= text.len()).or_else(|| {
        e.line().map(|l| {
            let start: usize = text
                .split_inclusive('\n')
                .take(l.saturating_sub(1))
                .map(str::len)
                .sum();
            start..start
        })
    });
    let written = span
        .as_ref()
        .and_then(|s| text.get(s.clone()))
        .map(str::trim)
        .filter(|w| !w.is_empty() && !w.contains('\n') && w.len() <= 80);
    let undefined = e.kind() == ErrorKind::UndefinedError;
    let mut msg = match (e.detail(), written) {
        (Some(d), _) => d.to_string(),
        (None, Some(w)) if undefined => format!("`{w}` is undefined"),
        (None, _) => e.kind().to_string(),
    };
    if undefined && !msg.contains("is undefined") {
        if let Some(w) = written {
            msg.push_str(&format!(" (`{w}` is undefined)"));
        }
    }
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(&format!(": {s}"));
        source = s.source();
    }
    let message = if undefined {
        format!("template error: {msg}")
    } else {
        format!("template error: {msg} ({})", e.kind())
    };
    let help = undefined.then(|| {
        "templates see only the view structs of src/render/views.rs and the page context; \
         check the name, or test it with `is defined` first"
            .to_string()
    });
    Diagnostic::error(Code::Template, &file, text, span, message).with_help(help)
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::{context, Environment, UndefinedBehavior};

    fn error(template: &str, debug: bool) -> Diagnostic {
        let mut env = Environment::new();
        env.set_debug(debug);
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.add_template("base.html", template).unwrap();
        let e = env
            .get_template("base.html")
            .unwrap()
            .render(context! { site => context! { name => "x" } })
            .unwrap_err();
        let mut sources = SiteSources::default();
        sources
            .templates
            .insert("base.html".into(), template.to_string());
        template_error(Path::new("themes/default/templates"), &sources, &e)
    }

    #[test]
    fn an_undefined_value_is_named_with_or_without_debug_mode() {
        for debug in [true, false] {
            let d = error("<p>\n<b>{{ site.nosuch_field }}</b>\n", debug);
            assert_eq!(
                d.short(),
                "themes/default/templates/base.html:2:7: error[E0400]: template error: `site.nosuch_field` is undefined",
                "debug mode {debug}"
            );
            assert!(d.help.as_deref().unwrap().contains("is defined"));
        }
        let d = error("{{ nosuch }}", false);
        assert!(d.message.contains("`nosuch` is undefined"), "{}", d.message);
    }

    #[test]
    fn other_errors_keep_their_kind() {
        let d = error("{{ 1 + site }}", true);
        assert!(d.message.ends_with("(invalid operation)"), "{}", d.message);
        assert_eq!((d.line, d.column), (1, 4));
    }
}
