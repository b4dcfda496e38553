//! What the traced tests read: every `tracing` event of the test's thread,
//! written by a subscriber installed for that test.

/// Everything `tracing` writes while the returned guard lives, at TRACE level.
///
/// Works with `#[tokio::test]`'s single-threaded runtime, where the whole
/// test runs on the thread the subscriber is set for.
pub fn capture_traces() -> (Traces, tracing::subscriber::DefaultGuard) {
    let traces = Traces::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(traces.clone())
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    (traces, guard)
}

/// A shared buffer the test subscriber writes into.
#[derive(Clone, Default)]
pub struct Traces(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Traces {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("not poisoned")).into_owned()
    }
}

impl std::io::Write for Traces {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("not poisoned").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Traces {
    type Writer = Traces;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}
