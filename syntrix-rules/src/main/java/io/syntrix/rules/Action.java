package io.syntrix.rules;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a request does to a path. A rule's {@code allow} key names these, or the aliases
 * {@code read} (= get, list) and {@code write} (= create, update, delete).
 */
public enum Action {
  GET,
  LIST,
  CREATE,
  UPDATE,
  DELETE;

  private static final Set<Action> READ = EnumSet.of(GET, LIST);
  private static final Set<Action> WRITE = EnumSet.of(CREATE, UPDATE, DELETE);

  /** The lower-case name rules use and {@code request.method} carries: {@code get}, {@code list}... */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the action is create, update or delete (what {@code write} stands for). */
  public boolean isWrite() {
    return WRITE.contains(this);
  }

  /**
   * The actions one name of an {@code allow} key stands for: an action, {@code read} or
   * {@code write}; an empty set for anything else.
   */
  static Set<Action> fromRuleName(String name) {
    return switch (name) {
      case "read" -> READ;
      case "write" -> WRITE;
      case "get" -> EnumSet.of(GET);
      case "list" -> EnumSet.of(LIST);
      case "create" -> EnumSet.of(CREATE);
      case "update" -> EnumSet.of(UPDATE);
      case "delete" -> EnumSet.of(DELETE);
      default -> Set.of();
    };
  }
}
