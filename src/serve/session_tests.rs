//! The dev server's session against full builds: what `serve` holds after each save.

use super::*;
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

/// A save: the path it changes and what it writes.
type Save<'a> = Box<dyn Fn(&Path) + 'a>;

fn copy(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            fs::create_dir_all(&dest).unwrap();
        } else {
            fs::copy(e.path(), &dest).unwrap();
        }
    }
}

fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let p = root.join(rel);
    let text = fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    fs::write(p, text.replacen(from, to, 1)).unwrap();
}

/// The session's own keeping (`keep.rs`: kept files, the new site made from the old
/// one, the keys carried to the next build) against a full build after each kind of
/// save, including a page that disappears and one that appears.
#[test]
fn the_served_site_equals_a_full_build_after_every_save() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal"),
        &root,
    );
    let opts = ServeOptions {
        root: root.clone(),
        bind: IpAddr::from([127, 0, 0, 1]),
        port: 0,
        open: false,
        poll: false,
        color: false,
        timings: false,
        max_files: None,
        allow_hosts: Vec::new(),
        limits: listen::Limits::default(),
    };
    let mut session = Session::new(root.clone(), &opts);
    session.rebuild(&ChangeSet::default());
    let vendor = "content/vendors/acme-cloud.md";
    let saves: Vec<(&str, Save<'_>)> = vec![
        (
            vendor,
            Box::new(|r| {
                edit(
                    r,
                    vendor,
                    "hq_city = \"Springfield\"",
                    "hq_city = \"Shelbyville\"",
                )
            }),
        ),
        (
            vendor,
            Box::new(|r| {
                let mut t = fs::read_to_string(r.join(vendor)).unwrap();
                t.push_str("\nA paragraph more.\n");
                fs::write(r.join(vendor), t).unwrap();
            }),
        ),
        (
            "content/certifications/iso-27001.md",
            Box::new(|r| {
                edit(
                    r,
                    "content/certifications/iso-27001.md",
                    "name = \"ISO/IEC 27001\"",
                    "name = \"ISO/IEC 27001:2022\"",
                )
            }),
        ),
        (
            "content/pages/extra.md",
            Box::new(|r| {
                fs::write(
                    r.join("content/pages/extra.md"),
                    "+++\ntitle = \"Extra\"\n+++\nMore.\n",
                )
                .unwrap()
            }),
        ),
        (
            "content/pages/extra.md",
            Box::new(|r| fs::remove_file(r.join("content/pages/extra.md")).unwrap()),
        ),
        (
            "site.toml",
            Box::new(|r| {
                let mut t = fs::read_to_string(r.join("site.toml")).unwrap();
                t.push('\n');
                fs::write(r.join("site.toml"), t).unwrap();
            }),
        ),
    ];
    for (rel, save) in saves {
        save(&root);
        session.rebuild(&ChangeSet {
            paths: BTreeSet::from([rel.to_string()]),
            rescan: false,
        });
        let served: Vec<(String, Vec<u8>)> = read(&session.shared.site)
            .snapshot()
            .into_iter()
            .map(|(p, b)| (p, b.to_vec()))
            .collect();
        let build_date = crate::date::build_date_from_env().unwrap();
        let full: Vec<(String, Vec<u8>)> =
            pipeline::build_site(&BuildOptions::new(root.clone(), build_date))
                .files
                .expect("the fixture builds")
                .into_iter()
                .map(|f| (f.path, f.bytes))
                .collect();
        assert_eq!(
            served.iter().map(|f| &f.0).collect::<Vec<_>>(),
            full.iter().map(|f| &f.0).collect::<Vec<_>>(),
            "after saving {rel}: the same files"
        );
        for ((p, a), (_, b)) in served.iter().zip(&full) {
            assert!(a == b, "after saving {rel}: {p} differs from a full build");
        }
    }
}
