//! Standard output for long outputs (a report's JSON runs to hundreds of megabytes).
//!
//! Rust's `Stdout` is line-buffered: every write is searched backwards for a line break
//! (`memrchr` over the whole write, 0.7 % of the 1M report, on the thread that writes).
//! Where the bytes go out unchanged (Unix), the output is written to a handle of its
//! own on the same file descriptor instead, buffered by the caller. On Windows the
//! console needs `Stdout`'s conversion to UTF-16, so it keeps `Stdout`.

use std::io::{self, Write};

/// A writer to standard output for one long output, buffered.
pub fn long_output() -> io::BufWriter<Box<dyn Write>> {
    io::BufWriter::with_capacity(1 << 16, raw_stdout())
}

#[cfg(unix)]
fn raw_stdout() -> Box<dyn Write> {
    use std::os::fd::AsFd;
    let out = io::stdout();
    // Nothing is left in `Stdout`'s own buffer before the switch.
    let _ = out.lock().flush();
    match out.as_fd().try_clone_to_owned() {
        Ok(fd) => Box::new(std::fs::File::from(fd)),
        Err(_) => Box::new(out),
    }
}

#[cfg(not(unix))]
fn raw_stdout() -> Box<dyn Write> {
    Box::new(io::stdout())
}
