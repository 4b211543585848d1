//! Starting from the binary (issue 14): the site found from a subfolder, `init`, the built-in
//! theme and its overrides, `theme eject`, completions and the man page. Every test drives the
//! real binary.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use support::{copy_registry, read_tree, repo, run, stderr, trustatlas};

/// A copy of the bundled registry in a temporary folder (`site/` inside it).
fn bundled_copy(parts: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_registry(&site, parts);
    (tmp, site)
}

#[test]
fn every_command_finds_the_site_from_a_subfolder_and_says_which() {
    let (_tmp, site) = bundled_copy(&["content", "themes", "static"]);
    let sub = site.join("content/vendors");
    let used = format!("using {}", site.join("site.toml").display());

    let o = run(&["check"], &sub);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o).lines().next(), Some(used.as_str()));

    // The output goes to the site's own public/, not into content/vendors/.
    let o = run(&["build"], &sub);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains(&used), "{}", stderr(&o));
    assert!(site.join("public/index.html").is_file());
    assert!(!sub.join("public").exists());

    let o = run(&["new", "vendor", "acme-ai"], &sub);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(site.join("content/vendors/acme-ai.md").is_file());

    // -q keeps only warnings and errors.
    let o = run(&["-q", "build", "--force"], &sub);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("using "), "{}", stderr(&o));
    assert!(!stderr(&o).contains("built "), "{}", stderr(&o));

    // In the site's own folder, or given --root, nothing is said about it, unless -v.
    let o = run(&["check"], &site);
    assert!(!stderr(&o).contains("using "), "{}", stderr(&o));
    let o = run(&["-v", "check"], &site);
    assert!(
        stderr(&o).starts_with("using ./site.toml"),
        "{}",
        stderr(&o)
    );
    let o = run(&["check", "--root", "."], &site);
    assert!(!stderr(&o).contains("using "), "{}", stderr(&o));
    let o = run(&["-v", "check", "--root", "."], &site);
    assert!(
        stderr(&o).starts_with("using ./site.toml"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn no_site_above_is_a_usage_error_naming_where_the_search_started() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run(&["build"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("no site.toml in"), "{err}");
    assert!(err.contains("or any folder above it"), "{err}");
    assert!(err.contains("trustatlas init"), "{err}");
}
fn build(site: &Path, out: &str) -> Output {
    let o = run(&["build", "--out", out], site);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    o
}

#[test]
fn without_themes_the_built_in_theme_gives_the_same_site() {
    let (_tmp, with) = bundled_copy(&["content", "themes", "static"]);
    let (_tmp2, without) = bundled_copy(&["content", "static"]);
    build(&with, "out");
    build(&without, "out");
    let a = read_tree(&with.join("out"));
    assert!(a.len() > 80, "{} files", a.len());
    assert!(a == read_tree(&without.join("out")), "outputs differ");
}

#[test]
fn a_site_theme_overrides_the_built_in_one_file_by_file() {
    let (_tmp, site) = bundled_copy(&["content", "static"]);
    build(&site, "plain");
    let templates = site.join("themes/default/templates");
    fs::create_dir_all(&templates).unwrap();
    let built_in = fs::read_to_string(repo().join("themes/default/templates/404.html")).unwrap();
    let marked = built_in.replacen(
        "{% block content %}",
        "{% block content %}<p>Overridden by the site.</p>",
        1,
    );
    assert_ne!(marked, built_in, "404.html has a content block to mark");
    fs::write(templates.join("404.html"), marked).unwrap();
    fs::create_dir_all(site.join("themes/default/static")).unwrap();
    let css = fs::read_to_string(repo().join("themes/default/static/style.css")).unwrap();
    fs::write(
        site.join("themes/default/static/style.css"),
        format!("{css}\n/* site stylesheet */\n"),
    )
    .unwrap();
    build(&site, "themed");
    let page = fs::read_to_string(site.join("themed/404.html")).unwrap();
    assert!(page.contains("<p>Overridden by the site.</p>"), "{page}");
    let css_out: Vec<_> = read_tree(&site.join("themed"))
        .into_iter()
        .filter(|(p, _)| p.ends_with(".css"))
        .collect();
    assert!(
        css_out
            .iter()
            .any(|(_, b)| String::from_utf8_lossy(b).contains("/* site stylesheet */")),
        "the site's stylesheet is published"
    );
    // A template not overridden still comes from the binary, unchanged (but for the
    // stylesheet's fingerprint in its link).
    let page = |out: &str| {
        let html = fs::read_to_string(site.join(out).join("methodology/index.html")).unwrap();
        let at = html.find("/assets/style.").expect("stylesheet link");
        let end = at + html[at..].find(".css").unwrap();
        format!("{}{}", &html[..at], &html[end..])
    };
    assert!(page("themed") == page("plain"), "methodology page changed");
}

#[cfg(unix)]
#[test]
fn a_linked_override_is_refused_like_any_link_of_the_site() {
    let (_tmp, site) = bundled_copy(&["content", "static"]);
    let templates = site.join("themes/default/templates");
    fs::create_dir_all(&templates).unwrap();
    fs::write(site.join("elsewhere.html"), "{{ 1 }}").unwrap();
    std::os::unix::fs::symlink("../../../elsewhere.html", templates.join("404.html")).unwrap();
    let o = run(&["build"], &site);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("themes/default/templates/404.html"),
        "{}",
        stderr(&o)
    );
    assert!(!site.join("public").exists());
}

#[test]
fn theme_eject_writes_the_built_in_files_and_refuses_to_overwrite() {
    let (_tmp, site) = bundled_copy(&["content", "static"]);
    let o = run(&["theme", "eject"], &site.join("content"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let theme = site.join("themes/default");
    assert!(
        read_tree(&theme) == read_tree(&repo().join("themes/default")),
        "ejected files equal the repository's theme"
    );
    // An edit is kept: a second eject refuses and writes nothing.
    let css = theme.join("static/style.css");
    fs::write(&css, "/* mine */").unwrap();
    let o = run(&["theme", "eject"], &site);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    assert_eq!(fs::read_to_string(&css).unwrap(), "/* mine */");
    let o = run(&["theme", "eject", "--force"], &site);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        fs::read(&css).unwrap(),
        fs::read(repo().join("themes/default/static/style.css")).unwrap()
    );
    // The ejected theme builds the same site as the built-in one.
    build(&site, "out");
    assert!(site.join("out/index.html").is_file());
}

#[test]
fn init_writes_a_registry_that_builds_and_passes_check_strict_with_no_themes_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run(&["init", "reg"], tmp.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let reg = tmp.path().join("reg");
    assert!(!reg.join("themes").exists());
    for f in [
        "site.toml",
        "README.md",
        ".gitignore",
        ".github/workflows/deploy.yml",
        "content/vendors/example-cloud.md",
        "content/certifications/example-scheme.md",
        "content/reports/ex-2026-001.md",
    ] {
        assert!(reg.join(f).is_file(), "{f} missing");
    }
    // The framework catalogs and the workflow are the repository's own files.
    assert!(
        read_tree(&reg.join("content/frameworks")) == read_tree(&repo().join("content/frameworks")),
        "framework catalogs differ from content/frameworks/"
    );
    assert_eq!(
        fs::read(reg.join(".github/workflows/deploy.yml")).unwrap(),
        fs::read(repo().join(".github/workflows/deploy.yml")).unwrap()
    );
    // Examples are marked as such and point only at example.org.
    for f in [
        "content/vendors/example-cloud.md",
        "content/certifications/example-scheme.md",
        "content/reports/ex-2026-001.md",
    ] {
        let text = fs::read_to_string(reg.join(f)).unwrap();
        assert!(text.contains("EXAMPLE: a made-up"), "{f} is not marked");
        for url in text.split("https://").skip(1) {
            let host = url.split(['/', '"']).next().unwrap();
            assert!(host.ends_with("example.org"), "{f} links to {host}");
        }
    }
    let site_toml = fs::read_to_string(reg.join("site.toml")).unwrap();
    assert!(site_toml.contains("# Weight profiles: how much each dimension counts"));

    let o = run(&["check", "--strict"], &reg);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with("no problems found"),
        "{}",
        stderr(&o)
    );
    // Months after init (2027-06-03), the examples' sources are still fresh: init dates them
    // today, not on the day starter/ was written (2026-01-15, more than a year before).
    let later = trustatlas()
        .args(["check", "--strict"])
        .current_dir(&reg)
        .env("SOURCE_DATE_EPOCH", "1812000000")
        .output()
        .unwrap();
    assert!(later.status.success(), "{}", stderr(&later));
    let o = run(&["build"], &reg.join("content"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let vendor = fs::read_to_string(reg.join("public/vendor/example-cloud/index.html")).unwrap();
    assert!(vendor.contains("Example Cloud"));
    assert!(reg
        .join("public/framework/nist-ai-rmf/index.html")
        .is_file());
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    let o = run(&["init"], tmp.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("is not empty"), "{}", stderr(&o));
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    // An empty folder is fine.
    fs::create_dir(tmp.path().join("empty")).unwrap();
    let o = run(&["init"], &tmp.path().join("empty"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(tmp.path().join("empty/site.toml").is_file());
}

/// The N of "built N files into ..." on stderr.
fn built_count(o: &Output) -> usize {
    let err = stderr(o);
    let line = err.lines().find(|l| l.starts_with("built ")).expect(&err);
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn the_closing_line_counts_what_the_output_holds_after_a_cached_rebuild() {
    let (_tmp, site) = bundled_copy(&["content", "static"]);
    let o = build(&site, "out");
    let files = |site: &Path| read_tree(&site.join("out")).len();
    assert_eq!(built_count(&o), files(&site));
    let vendor = site.join("content/vendors/tencent-cloud.md");
    let text = fs::read_to_string(&vendor).unwrap();
    fs::write(
        &vendor,
        text.replacen("Cloud service provider", "Cloud provider", 1),
    )
    .unwrap();
    let o = build(&site, "out");
    assert!(
        stderr(&o).contains("kept from the last build"),
        "{}",
        stderr(&o)
    );
    assert_eq!(built_count(&o), files(&site), "{}", stderr(&o));
}

#[test]
fn completions_and_the_man_page_are_generated_from_the_commands() {
    let here = repo();
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef trustatlas"),
        ("fish", "complete -c trustatlas"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer"),
    ] {
        let o = run(&["completions", shell], &here);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", stderr(&o));
        let script = String::from_utf8(o.stdout).unwrap();
        assert!(script.contains(marker), "{shell}: no `{marker}`");
        assert!(
            script.contains("init") && script.contains("eject"),
            "{shell}"
        );
    }
    let o = run(&["man"], &here);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let man = String::from_utf8(o.stdout).unwrap();
    assert!(
        man.starts_with(".ie") || man.contains(".TH trustatlas 1"),
        "{man}"
    );
    assert!(man.contains(".TH trustatlas 1"));
    assert!(man.contains("completions"));
    // --version names the commit when the build had git (this test runs in a checkout).
    let o = run(&["--version"], &here);
    let v = String::from_utf8(o.stdout).unwrap();
    assert!(
        v.starts_with(&format!("trustatlas {}", env!("CARGO_PKG_VERSION"))),
        "{v}"
    );
    if here.join(".git").exists() {
        assert!(v.contains(" ("), "no commit in {v}");
    }
    // --help ends with examples.
    let o = run(&["--help"], &here);
    assert!(String::from_utf8(o.stdout)
        .unwrap()
        .contains("Examples:\n  trustatlas init my-registry"));
}
