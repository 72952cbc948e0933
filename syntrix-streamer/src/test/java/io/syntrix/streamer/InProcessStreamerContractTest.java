package io.syntrix.streamer;

/** The contract on the in-process streamer itself: the gateway holds it directly. */
class InProcessStreamerContractTest extends StreamerContractTest {
  @Override
  protected Streamer connect() {
    return streamer;
  }
}
