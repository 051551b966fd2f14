//! serve's request path handling: any base path and any request path against a small site. A
//! file is only ever served from the site's own files; nothing panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nianbao::Files;
use nianbao::serve::{Target, normalise_base_path, resolve};

fuzz_target!(|input: (&str, &str)| {
    let (base, path) = input;
    let mut files = Files::default();
    for name in ["index.html", "嘉禾/2020/index.html", "a b.csv", "404.html"] {
        files.add(name, name);
    }
    let base = normalise_base_path(base);
    match resolve(&base, path, Some(&files)) {
        Target::File(file) => assert!(files.get(&file).is_some(), "{file}"),
        Target::Redirect(to) => assert!(to.ends_with('/'), "{to}"),
        Target::NoBuild => panic!("NoBuild with a build"),
        Target::Events | Target::NotFound => {}
    }
    // Without a build, only the reload endpoint and paths outside the base path are answered.
    assert!(!matches!(resolve(&base, path, None), Target::File(_)));
});
