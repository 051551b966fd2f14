//! data.yaml loading and checking: the input replaces the 2021 data.yaml of a fictional agency
//! (2020 stays valid, so the comparison with last year is rendered too), then load, check, build.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use nianbao_fuzz::FuzzSite;

static SITE: OnceLock<FuzzSite> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let site = SITE.get_or_init(|| FuzzSite::new("data"));
    site.write("content/shili/2021/data.yaml", data);
    site.build();
});
