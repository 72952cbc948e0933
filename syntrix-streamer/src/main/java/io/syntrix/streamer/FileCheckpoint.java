package io.syntrix.streamer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/**
 * The position as decimal text in one file. A store writes a sibling temporary file, fsyncs it and
 * renames it over the old one, so a crash leaves either the old or the new position, never a torn
 * one. (The rename itself is not fsynced: after a power failure the previous position may come
 * back, which only means some changes are matched again.)
 */
final class FileCheckpoint implements Checkpoint {
  private final Path file;
  private final Path temporary;

  FileCheckpoint(Path file) {
    this.file = file.toAbsolutePath();
    this.temporary = this.file.resolveSibling(this.file.getFileName() + ".tmp");
  }

  @Override
  public OptionalLong load() {
    try {
      String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
      return OptionalLong.of(Long.parseLong(text));
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the streamer checkpoint " + file, e);
    } catch (NumberFormatException e) {
      throw new IllegalStateException("the streamer checkpoint " + file + " is corrupt", e);
    }
  }

  @Override
  public void store(long seq) {
    try {
      Files.createDirectories(file.getParent());
      try (FileChannel ch = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(ByteBuffer.wrap((seq + "\n").getBytes(StandardCharsets.US_ASCII)));
        ch.force(true);
      }
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the streamer checkpoint " + file, e);
    }
  }

  @Override
  public String toString() {
    return file.toString();
  }
}
