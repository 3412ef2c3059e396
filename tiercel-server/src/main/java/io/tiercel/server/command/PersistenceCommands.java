package io.tiercel.server.command;

import io.tiercel.persistence.Persistence;
import io.tiercel.protocol.resp.RespArgs;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SAVE, BGSAVE, LASTSAVE and BGREWRITEAOF, with Redis's replies, and the fields of
 * {@code INFO persistence}. A node started without persistence answers them as Redis does with
 * nothing to save to: SAVE and BGSAVE fail with a clear error, LASTSAVE is the start time.
 */
final class PersistenceCommands {
  private PersistenceCommands() {}

  private static Persistence require(Node n) {
    Persistence p = n.persistence;
    if (p == null) {
      throw new CommandError("ERR persistence is off (start the node with --dir DIR and a "
          + "--snapshot-interval, or --appendonly yes)");
    }
    return p;
  }

  static void save(Node n, Reply r) {
    Persistence p = require(n);
    if (p.bgsaveInProgress()) {
      throw new CommandError("ERR Background save already in progress");
    }
    try {
      p.save();
    } catch (IOException | RuntimeException e) {
      throw new CommandError("ERR snapshot failed: " + e.getMessage());
    }
    r.ok();
  }

  static void bgsave(Node n, RespArgs a, Reply r) {
    if (a.count() > 2 || (a.count() == 2 && !a.equalsIgnoreCase(1, "SCHEDULE"))) {
      throw CommandError.SYNTAX;
    }
    if (!require(n).bgsave(false)) {
      if (a.count() == 2) {
        r.simple("Background saving scheduled");
        return;
      }
      throw new CommandError("ERR Background save already in progress");
    }
    r.simple("Background saving started");
  }

  static void lastsave(Node n, Reply r) {
    Persistence p = n.persistence;
    r.integer(p == null ? n.startMillis / 1000 : p.lastSaveSeconds());
  }

  static void bgrewriteaof(Node n, Reply r) {
    if (!require(n).bgsave(true)) {
      throw new CommandError("ERR Background append only file rewriting already in progress");
    }
    r.simple("Background append only file rewriting started");
  }

  /** Returns the fields of {@code INFO persistence}. */
  static Map<String, String> info(Node n) {
    Persistence p = n.persistence;
    if (p != null) {
      return p.info();
    }
    Map<String, String> m = new LinkedHashMap<>();
    m.put("loading", "0");
    m.put("async_loading", "0");
    m.put("rdb_changes_since_last_save", "0");
    m.put("rdb_bgsave_in_progress", "0");
    m.put("rdb_last_save_time", Long.toString(n.startMillis / 1000));
    m.put("rdb_last_bgsave_status", "ok");
    m.put("aof_enabled", "0");
    m.put("aof_rewrite_in_progress", "0");
    m.put("aof_last_write_status", "ok");
    return m;
  }
}
