//! Allocation-free text helpers for SQL writers: quoted identifiers and integers.

/// Appends `ident` between `q` quotes, doubling any `q` inside (no allocation unless
/// the identifier holds a quote).
pub fn quote_ident_into(out: &mut String, ident: &str, q: char) {
    debug_assert!(q.is_ascii());
    let qb = q as u8;
    out.reserve(ident.len() + 2);
    out.push(q);
    if ident.bytes().any(|b| b == qb) {
        for c in ident.chars() {
            if c == q {
                out.push(q);
            }
            out.push(c);
        }
    } else {
        out.push_str(ident);
    }
    out.push(q);
}

/// Appends the decimal digits of `n` (no allocation).
pub fn push_uint(out: &mut String, n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&buf[i..]).expect("ASCII digits"));
}
