//! Fuzzes `serve`'s HTTP request reader: the head's end and size limits (fed in two pieces, as
//! reads arrive), the request line, the headers (Host included) and the path's percent decoding.
//! Must never panic or hang; a request it accepts must name a path inside the site (no `..` or
//! `.` segment, no backslash, no control character, no drive letter), its answer must not depend
//! on how the bytes were split, and a Host it allows must name this machine.
#![no_main]

use briefing::fuzzing;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&split, bytes)) = data.split_first() else {
        return;
    };
    let split = usize::from(split) * bytes.len() / 256;
    let whole = fuzzing::http_request(bytes, bytes.len());
    let pieces = fuzzing::http_request(bytes, split);
    match (&whole, &pieces) {
        (Ok(Some(a)), Ok(Some(b))) => assert_eq!(a.path, b.path, "split at {split}"),
        (Ok(a), Ok(b)) => assert_eq!(a.is_some(), b.is_some(), "split at {split}"),
        (Err(a), Err(b)) => assert_eq!(a, b, "split at {split}"),
        _ => panic!("split at {split}: {whole:?} vs {pieces:?}"),
    }
    if let Ok(Some(r)) = whole {
        check_path(&r.path);
        assert!(!r.site_key.starts_with('/'), "{}", r.site_key);
        assert!(["GET", "HEAD"].contains(&r.method));
    }
    if let Ok(raw) = std::str::from_utf8(bytes) {
        if let Ok(path) = fuzzing::decode_request_path(raw) {
            check_path(&path);
            // Decoding happens once: decoding the result again is not what the server serves.
            assert!(raw.starts_with('/'));
        }
    }
});

fn check_path(path: &str) {
    assert!(path.starts_with('/'), "{path:?}");
    assert!(!path.contains('\\') && !path.chars().any(char::is_control), "{path:?}");
    assert!(!path.contains(':'), "{path:?}");
    let segments: Vec<&str> = path[1..].split('/').collect();
    for (i, s) in segments.iter().enumerate() {
        assert!(*s != "." && *s != "..", "{path:?}");
        assert!(!s.is_empty() || i == segments.len() - 1, "{path:?}");
    }
}
