package io.tiercel.core.store;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * The real heap footprint of an entry on the running JVM, so a cache's memory budget counts what
 * it actually uses: key and value bytes, the key length stored after them, the data array's header
 * and padding, the entry object, and its share of the slot table.
 *
 * <p>The layouts depend on two JVM flags: compact object headers (8-byte object header, 12-byte
 * array header; Java 24+) and compressed oops (4-byte references below 32 GB heaps). They are read
 * once at start-up. {@code EntrySizesTest} checks these numbers against JOL on the test JVM.
 */
final class EntrySizes {
  static final boolean COMPACT_HEADERS = vmFlag("UseCompactObjectHeaders", false);
  static final boolean COMPRESSED_OOPS = vmFlag("UseCompressedOops", true);

  static final int OBJECT_HEADER = COMPACT_HEADERS ? 8 : 12;
  static final int ARRAY_HEADER = COMPACT_HEADERS ? 12 : 16;
  static final int REFERENCE = COMPRESSED_OOPS ? 4 : 8;

  /** Entry fields before alignment: PolicyNode's two links and hash-and-queue int, then data. */
  private static final int ENTRY_FIELDS = OBJECT_HEADER + 2 * REFERENCE + 4 + REFERENCE;

  /** Entry: 24 bytes with compact headers and compressed oops. */
  static final int ENTRY = align(ENTRY_FIELDS);

  /** TimedEntry adds the expiry (long) and two timer-wheel links, packed into Entry's gaps. */
  static final int TIMED_ENTRY = align(ENTRY_FIELDS + 8 + 2 * REFERENCE);

  /**
   * A slot-table reference at the table's typical load (between 3/8 and 3/4, so about half full):
   * two references' worth per entry.
   */
  static final int TABLE_SHARE = 2 * REFERENCE;

  private EntrySizes() {}

  /** Returns the accounted bytes of an entry whose {@link Entry#layout} array has {@code length}. */
  static int weight(int dataLength, boolean timed) {
    long w = align((long) ARRAY_HEADER + dataLength) + (timed ? TIMED_ENTRY : ENTRY) + TABLE_SHARE;
    return w > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) w;
  }

  /** Returns the heap bytes of a byte array of {@code length}. */
  static long arrayBytes(int length) {
    return align((long) ARRAY_HEADER + length);
  }

  private static int align(int bytes) {
    return (bytes + 7) & ~7;
  }

  private static long align(long bytes) {
    return (bytes + 7) & ~7L;
  }

  private static boolean vmFlag(String name, boolean fallback) {
    try {
      HotSpotDiagnosticMXBean bean =
          ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      return Boolean.parseBoolean(bean.getVMOption(name).getValue());
    } catch (RuntimeException | LinkageError e) {
      return fallback;
    }
  }
}
