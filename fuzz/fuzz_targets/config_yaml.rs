//! site.yaml and agency.yaml loading: the first byte chooses which file the rest replaces; the
//! other file is restored from the fixture. Then load, check, build.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use nianbao_fuzz::FuzzSite;

static SITE: OnceLock<FuzzSite> = OnceLock::new();

const FILES: [&str; 2] = ["content/site.yaml", "content/shili/agency.yaml"];

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let site = SITE.get_or_init(|| FuzzSite::new("config"));
    let chosen = usize::from(which & 1);
    site.restore(FILES[1 - chosen]);
    site.write(FILES[chosen], rest);
    site.build();
});
